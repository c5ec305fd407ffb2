package survey

import (
	"context"
	"strconv"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Text statuses.
const (
	TextFlagged  = "flagged"  // the check found a name, address or number: shown masked
	TextClear    = "clear"    // nothing found
	TextReleased = "released" // flagged, and a reader found it harmless
	TextRemoved  = "removed"  // flagged, and a reader removed it (the text is emptied)
)

// FreeText is a free-text answer as a reader sees it.
type FreeText struct {
	ID     string
	Unit   string
	Group  string
	Body   string // masked while flagged; empty when removed
	Flags  string
	Status string
}

// Texts returns a closed round's free texts of the units in the caller's
// reach of auth.ReadSurveyTexts (a unit's principal, the organizer's
// analyst), flagged ones masked, grouped by unit and group (their order
// within a group is the random IDs', not the order they came). Audited.
func Texts(ctx context.Context, db store.Q, roundID int64, today string) ([]FreeText, error) {
	p := auth.FromContext(ctx)
	if !p.Can(auth.ReadSurveyTexts) {
		return nil, app.Forbidden()
	}
	r, err := GetRound(ctx, db, roundID)
	if err != nil {
		return nil, err
	}
	if !r.Closed(today) {
		return nil, nil
	}
	cond, args := textScope(p).SQL("g.unit_id")
	rows, err := db.Query(ctx, `SELECT t.id, u.name, g.label, t.body, t.flags, t.status FROM survey_texts t
		JOIN survey_groups g ON g.id = t.group_id JOIN units u ON u.id = g.unit_id
		WHERE g.round_id = ? AND t.status <> ? AND `+cond+` ORDER BY u.name, g.year, g.label, t.id`,
		append([]any{roundID, TextRemoved}, args...)...)
	if err != nil {
		return nil, err
	}
	var out []FreeText
	for rows.Next() {
		var t FreeText
		if err := rows.Scan(&t.ID, &t.Unit, &t.Group, &t.Body, &t.Flags, &t.Status); err != nil {
			rows.Close()
			return nil, err
		}
		if t.Status == TextFlagged {
			t.Body = Mask(t.Body, Check(t.Body))
		}
		out = append(out, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, audit.Log(ctx, db, "survey.texts.read", "survey_round", strconv.FormatInt(roundID, 10), strconv.Itoa(len(out))+" texts")
}

// DecideText releases a flagged text (release true) or removes it,
// emptying it (auth.ReadSurveyTexts within reach). Audited, without the text.
func DecideText(ctx context.Context, db store.Q, id string, release bool) error {
	p := auth.FromContext(ctx)
	if !p.Can(auth.ReadSurveyTexts) {
		return app.Forbidden()
	}
	cond, args := textScope(p).SQL("g.unit_id")
	var status string
	err := db.QueryRow(ctx, `SELECT t.status FROM survey_texts t JOIN survey_groups g ON g.id = t.group_id WHERE t.id = ? AND `+cond,
		append([]any{id}, args...)...).Scan(&status)
	if store.IsNotFound(err) {
		return app.NotFound()
	}
	if err != nil {
		return err
	}
	if status != TextFlagged && (release || status == TextRemoved) {
		return nil
	}
	return store.InTx(ctx, db, func(tx *store.Tx) error {
		var err error
		action := "survey.text.release"
		if release {
			_, err = tx.Exec(ctx, "UPDATE survey_texts SET status = ? WHERE id = ?", TextReleased, id)
		} else {
			action = "survey.text.remove"
			_, err = tx.Exec(ctx, "UPDATE survey_texts SET status = ?, body = '' WHERE id = ?", TextRemoved, id)
		}
		if err != nil {
			return err
		}
		return audit.Log(ctx, tx, action, "survey_text", id, "")
	})
}
