package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/placement/appeal"
	plround "github.com/styrkedjan/styrkedjan/internal/placement/round"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// demoAppeal is one appeal of the demo round: which placed pupil (the
// n-th not placed at their first choice), the route, and its dates as days
// after the decision was sent (-1: none).
type demoAppeal struct {
	pupil                            int
	route                            string
	received, deadlineKnown, forward int
	outcome                          string
	outcomeOn                        int
	note                             string
}

// The demo's appeals: one in each state, one received late, one for
// legality review with the deadline entered (the announcement's date not
// known).
var demoAppeals = []demoAppeal{
	{0, appeal.RouteBoard, 10, 1, -1, "", -1, "Vårdnadshavarna vill ha syskonets skola."},
	{1, appeal.RouteBoard, 12, 1, 14, "", -1, ""},
	{2, appeal.RouteBoard, 8, 1, 9, appeal.Rejected, 30, ""},
	{3, appeal.RouteLegality, 5, 0, -1, "", -1, "Laglighetsprövning hos förvaltningsrätten; kommunen underrättad."},
	{4, appeal.RouteBoard, 28, 1, -1, appeal.Dismissed, 32, "Kom in efter överklagandetiden."},
	{5, appeal.RouteBoard, 6, 1, -1, appeal.Withdrawn, 11, ""},
	{6, appeal.RouteBoard, 9, 1, 10, appeal.Upheld, 35, ""},
}

// LoadAppeals records a handful of appeals in different states on a round
// (the demo round), against pupils of its standing result who were not
// placed at their first choice, dated as if the decisions went out 40 days
// ago. Idempotent: an appeal already in the register (same pupil, route and
// day received) is not recorded again. The round needs a result.
func LoadAppeals(ctx context.Context, db store.Q, roundID int64) error {
	rd, err := plround.Get(ctx, db, roundID)
	if err != nil {
		return err
	}
	if rd.ResultRunID == nil {
		return fmt.Errorf("demo appeals: round %d has no result", roundID)
	}
	rows, err := db.Query(ctx, `SELECT applicant_id, school_id FROM placement_results
		WHERE run_id = ? AND choice_rank <> 1 AND school_id <> '' ORDER BY applicant_id`, *rd.ResultRunID)
	if err != nil {
		return err
	}
	type pupil struct{ id, school string }
	var pupils []pupil
	for rows.Next() {
		var p pupil
		if err := rows.Scan(&p.id, &p.school); err != nil {
			rows.Close()
			return err
		}
		pupils = append(pupils, p)
	}
	rows.Close()
	if err := store.Normalize(rows.Err()); err != nil {
		return err
	}
	sent, err := civil.Parse(civil.Today(time.Now()))
	if err != nil {
		return err
	}
	sent = sent.AddDate(0, 0, -40)
	day := func(n int) string {
		if n < 0 {
			return ""
		}
		return sent.AddDate(0, 0, n).Format(civil.DateLayout)
	}
	for _, d := range demoAppeals {
		if d.pupil >= len(pupils) {
			break
		}
		p := pupils[d.pupil]
		f := appeal.Form{ApplicantID: p.id, SchoolID: p.school, Route: d.route, ReceivedOn: day(d.received),
			ForwardedOn: day(d.forward), Outcome: d.outcome, OutcomeOn: day(d.outcomeOn), Note: d.note}
		if d.deadlineKnown == 1 {
			f.DeadlineFrom = day(0) // the day the decision was sent
		} else {
			// Entered: counted by hand from the announcement of the minutes, three days after.
			if f.Deadline, err = appeal.Deadline(day(3)); err != nil {
				return err
			}
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM placement_appeals WHERE round_id = ? AND applicant_id = ? AND route = ? AND received_on = ?`,
			roundID, f.ApplicantID, f.Route, f.ReceivedOn).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		if _, err := appeal.Record(ctx, db, roundID, f); err != nil {
			return fmt.Errorf("demo appeal %d: %w", d.pupil, err)
		}
	}
	return nil
}
