package apply

import (
	"context"
	"fmt"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// RoundApplications is the officer's list of a round: applications by
// status and the children without one (placed by the near-home rule and
// flagged).
type RoundApplications struct {
	RoundID        int64
	Opens, Closes  string
	Window         string
	ChoicesAllowed int
	ByStatus       map[string][]*Child // StatusWaiting, StatusAgreed, StatusDisputed
	Without        []*Child
	Children       int
}

// Count returns the number of applications with status.
func (r *RoundApplications) Count(status string) int { return len(r.ByStatus[status]) }

// Overview lists a round's applications for an officer (auth.RunPlacement);
// the read is audited.
func Overview(ctx context.Context, q store.Q, roundID int64, now time.Time) (*RoundApplications, error) {
	if err := requireOfficer(ctx); err != nil {
		return nil, err
	}
	out := &RoundApplications{RoundID: roundID, ByStatus: map[string][]*Child{}}
	err := q.QueryRow(ctx, "SELECT apply_opens, apply_closes, choices_allowed FROM placement_rounds WHERE id = ?", roundID).
		Scan(&out.Opens, &out.Closes, &out.ChoicesAllowed)
	if store.IsNotFound(err) {
		return nil, app.NotFound()
	} else if err != nil {
		return nil, err
	}
	out.Window = windowState(out.Opens, out.Closes, now)
	rows, err := q.Query(ctx, "SELECT "+childColumns+" WHERE c.round_id = ? ORDER BY c.name, c.id", roundID)
	if err != nil {
		return nil, err
	}
	var all []*Child
	for rows.Next() {
		c, err := scanChild(rows, now)
		if err != nil {
			rows.Close()
			return nil, err
		}
		all = append(all, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, store.Normalize(err)
	}
	for _, c := range all {
		if err := fill(ctx, q, c); err != nil {
			return nil, err
		}
		if c.Application == nil {
			out.Without = append(out.Without, c)
		} else {
			out.ByStatus[c.Application.Status] = append(out.ByStatus[c.Application.Status], c)
		}
	}
	out.Children = len(all)
	return out, audit.Log(ctx, q, audit.Read, "placement_round", itoa(roundID),
		fmt.Sprintf("applications listed (%d children)", len(all)))
}

// MaxTextRunes bounds a school's own text.
const MaxTextRunes = 600

// SchoolText is a unit's own text for guardians.
type SchoolText struct {
	UnitID int64
	Code   string
	Name   string
	Text   string
}

// SchoolTexts lists the texts of the units the caller may write (a
// principal's units, every unit for a placement officer).
func SchoolTexts(ctx context.Context, q store.Q) ([]SchoolText, error) {
	rows, err := q.Query(ctx, "SELECT id, unit_code, name, choice_text FROM units WHERE active ORDER BY name")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SchoolText
	for rows.Next() {
		var t SchoolText
		if err := rows.Scan(&t.UnitID, &t.Code, &t.Name, &t.Text); err != nil {
			return nil, store.Normalize(err)
		}
		if mayWriteText(ctx, t.UnitID) {
			out = append(out, t)
		}
	}
	return out, store.Normalize(rows.Err())
}

// ValidateText cleans a school's text and checks its length.
func ValidateText(text string) (string, error) {
	text = app.CleanText(text)
	if app.TooLong(text, MaxTextRunes) {
		var v app.Validation
		v.Add("text", "apply.err.text_long", map[string]any{"Max": MaxTextRunes})
		return text, v.Err()
	}
	return text, nil
}

// SetSchoolText stores a unit's own text (audited); outside the caller's
// reach the unit looks missing.
func SetSchoolText(ctx context.Context, q store.Q, unitID int64, text string) error {
	if !mayWriteText(ctx, unitID) {
		return app.NotFound()
	}
	text, err := ValidateText(text)
	if err != nil {
		return err
	}
	return store.InTx(ctx, q, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, "UPDATE units SET choice_text = ? WHERE id = ?", text, unitID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return app.NotFound()
		}
		return audit.Log(ctx, tx, audit.Update, "unit", itoa(unitID), "school text for guardians")
	})
}
