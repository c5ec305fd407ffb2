// Package appeal is the appeals register of school placement rounds
// (issue 15): each appeal against a round's decision with its route
// (legality review or Skolväsendets överklagandenämnd), the day it was
// received, the deadline (computed from a known date where the law gives
// it, else entered), when it was forwarded, and the outcome. The officer
// lists them by status with filters; the board sees counts by school and
// outcome with small groups suppressed (Stats). Appeals name pupils, so
// every read and write of the register is audited.
package appeal

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// An Appeal is one row of a round's register.
type Appeal struct {
	ID           int64
	RoundID      int64
	ApplicantID  string
	SchoolID     string
	Route        string
	ReceivedOn   string
	DeadlineFrom string // the date the deadline was computed from; "" when entered
	Deadline     string
	ForwardedOn  string
	Outcome      string
	OutcomeOn    string
	Note         string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Status is where the appeal stands: decided once it has an outcome,
// forwarded once sent on, else open.
func (a *Appeal) Status() string {
	switch {
	case a.Outcome != "":
		return StatusDecided
	case a.ForwardedOn != "":
		return StatusForwarded
	}
	return StatusOpen
}

// Late reports whether an appeal to Skolväsendets överklagandenämnd reached
// the organizer after its deadline (förvaltningslagen 45 §: it is then
// dismissed). Appeals for legality review are lodged with the court, whose
// date of receipt the register does not know, so they are never called late.
func (a *Appeal) Late() bool {
	return a.Route == RouteBoard && a.Deadline != "" && a.ReceivedOn > a.Deadline
}

// Form returns the appeal as its form.
func (a *Appeal) Form() Form {
	f := Form{ApplicantID: a.ApplicantID, SchoolID: a.SchoolID, Route: a.Route, ReceivedOn: a.ReceivedOn,
		DeadlineFrom: a.DeadlineFrom, ForwardedOn: a.ForwardedOn, Outcome: a.Outcome, OutcomeOn: a.OutcomeOn, Note: a.Note}
	if a.DeadlineFrom == "" {
		f.Deadline = a.Deadline
	}
	return f
}

// knownApplicant reports whether the applicant belongs to the round: a
// child of its register, a pupil of one of its runs, or one sent a decision.
func knownApplicant(ctx context.Context, q store.Q, roundID int64, applicant string) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM placement_children WHERE round_id = ? AND child_key = ?) +
		(SELECT COUNT(*) FROM placement_results r JOIN placement_runs u ON u.id = r.run_id WHERE u.round_id = ? AND r.applicant_id = ?) +
		(SELECT COUNT(*) FROM placement_decisions WHERE round_id = ? AND applicant_id = ?)`,
		roundID, applicant, roundID, applicant, roundID, applicant).Scan(&n)
	return n > 0, store.Normalize(err)
}

func roundExists(ctx context.Context, q store.Q, roundID int64) error {
	var id int64
	return store.Normalize(q.QueryRow(ctx, "SELECT id FROM placement_rounds WHERE id = ?", roundID).Scan(&id))
}

func (f *Form) check(ctx context.Context, q store.Q, roundID int64) error {
	if err := roundExists(ctx, q, roundID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return app.NotFound()
		}
		return err
	}
	if err := f.Validate(today()); err != nil {
		return err
	}
	ok, err := knownApplicant(ctx, q, roundID, f.ApplicantID)
	if err != nil {
		return err
	}
	if !ok {
		var v app.Validation
		v.Add("applicant", "appeal.err.applicant_unknown")
		return v.Err()
	}
	return nil
}

// Record adds an appeal to a round's register (audited).
func Record(ctx context.Context, q store.Q, roundID int64, f Form) (int64, error) {
	if err := requireOfficer(ctx); err != nil {
		return 0, err
	}
	if err := f.check(ctx, q, roundID); err != nil {
		return 0, err
	}
	var id int64
	err := store.InTx(ctx, q, func(tx *store.Tx) error {
		now := store.Now()
		if err := tx.QueryRow(ctx, `INSERT INTO placement_appeals (round_id, applicant_id, school_id, route, received_on,
			deadline_from, deadline, forwarded_on, outcome, outcome_on, note, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, roundID, f.ApplicantID, f.SchoolID, f.Route,
			f.ReceivedOn, f.DeadlineFrom, f.Deadline, f.ForwardedOn, f.Outcome, f.OutcomeOn, f.Note, now, now).Scan(&id); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Create, "placement_appeal", strconv.FormatInt(id, 10),
			"round "+strconv.FormatInt(roundID, 10)+", applicant "+f.ApplicantID+", "+f.Route)
	})
	return id, err
}

// Update changes an appeal of the round (audited); another round's appeal
// is not found.
func Update(ctx context.Context, q store.Q, roundID, id int64, f Form) error {
	if err := requireOfficer(ctx); err != nil {
		return err
	}
	var found int64
	if err := store.Normalize(q.QueryRow(ctx, "SELECT id FROM placement_appeals WHERE id = ? AND round_id = ?", id, roundID).Scan(&found)); errors.Is(err, store.ErrNotFound) {
		return app.NotFound()
	} else if err != nil {
		return err
	}
	if err := f.check(ctx, q, roundID); err != nil {
		return err
	}
	return store.InTx(ctx, q, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE placement_appeals SET applicant_id = ?, school_id = ?, route = ?, received_on = ?,
			deadline_from = ?, deadline = ?, forwarded_on = ?, outcome = ?, outcome_on = ?, note = ?, updated_at = ?
			WHERE id = ? AND round_id = ?`, f.ApplicantID, f.SchoolID, f.Route, f.ReceivedOn, f.DeadlineFrom, f.Deadline,
			f.ForwardedOn, f.Outcome, f.OutcomeOn, f.Note, store.Now(), id, roundID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return app.NotFound()
		}
		return audit.Log(ctx, tx, audit.Update, "placement_appeal", strconv.FormatInt(id, 10),
			"applicant "+f.ApplicantID+", "+f.Route+", outcome "+orDash(f.Outcome))
	})
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

const columns = `id, round_id, applicant_id, school_id, route, received_on, deadline_from, deadline, forwarded_on,
	outcome, outcome_on, note, created_at, updated_at`

func scan(sc interface{ Scan(...any) error }) (*Appeal, error) {
	var a Appeal
	err := sc.Scan(&a.ID, &a.RoundID, &a.ApplicantID, &a.SchoolID, &a.Route, &a.ReceivedOn, &a.DeadlineFrom, &a.Deadline,
		&a.ForwardedOn, &a.Outcome, &a.OutcomeOn, &a.Note, &a.CreatedAt, &a.UpdatedAt)
	return &a, err
}

// Get reads one appeal of a round (audited).
func Get(ctx context.Context, q store.Q, roundID, id int64) (*Appeal, error) {
	if err := requireOfficer(ctx); err != nil {
		return nil, err
	}
	a, err := scan(q.QueryRow(ctx, "SELECT "+columns+" FROM placement_appeals WHERE id = ? AND round_id = ?", id, roundID))
	if err = store.Normalize(err); errors.Is(err, store.ErrNotFound) {
		return nil, app.NotFound()
	} else if err != nil {
		return nil, err
	}
	return a, audit.Log(ctx, q, audit.Read, "placement_appeal", strconv.FormatInt(id, 10), "applicant "+a.ApplicantID)
}

// Filter narrows the register; empty fields do not filter.
type Filter struct {
	Status  string // open, forwarded, decided
	Route   string
	Outcome string
	School  string
	Late    bool // only appeals received after their deadline
}

// List reads a round's register (audited): open appeals first, then
// forwarded, then decided; within a status by deadline (unknown last),
// then as received.
func List(ctx context.Context, q store.Q, roundID int64, f Filter) ([]*Appeal, error) {
	if err := requireOfficer(ctx); err != nil {
		return nil, err
	}
	if err := roundExists(ctx, q, roundID); errors.Is(err, store.ErrNotFound) {
		return nil, app.NotFound()
	} else if err != nil {
		return nil, err
	}
	where, args := []string{"round_id = ?"}, []any{roundID}
	if f.Route != "" {
		where, args = append(where, "route = ?"), append(args, f.Route)
	}
	if f.Outcome != "" {
		where, args = append(where, "outcome = ?"), append(args, f.Outcome)
	}
	if f.School != "" {
		where, args = append(where, "school_id = ?"), append(args, f.School)
	}
	rows, err := q.Query(ctx, "SELECT "+columns+" FROM placement_appeals WHERE "+strings.Join(where, " AND ")+" ORDER BY id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Appeal
	for rows.Next() {
		a, err := scan(rows)
		if err != nil {
			return nil, err
		}
		if (f.Status == "" || a.Status() == f.Status) && (!f.Late || a.Late()) {
			out = append(out, a)
		}
	}
	if err := store.Normalize(rows.Err()); err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b *Appeal) int {
		if c := slices.Index(Statuses, a.Status()) - slices.Index(Statuses, b.Status()); c != 0 {
			return c
		}
		switch {
		case a.Deadline == b.Deadline:
		case a.Deadline == "":
			return 1
		case b.Deadline == "":
			return -1
		default:
			return strings.Compare(a.Deadline, b.Deadline)
		}
		return strings.Compare(a.ReceivedOn, b.ReceivedOn)
	})
	return out, audit.Log(ctx, q, audit.Read, "placement_appeals", strconv.FormatInt(roundID, 10),
		"register: "+strconv.Itoa(len(out))+" appeals")
}
