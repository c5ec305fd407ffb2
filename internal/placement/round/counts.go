package round

import (
	"context"

	"github.com/styrkedjan/styrkedjan/internal/store"
)

// ProcessCounts is how far a round's process has come (issue 15), counted
// from what the tables hold: no personal data.
type ProcessCounts struct {
	Applications int // guardians' applications, of any status
	// Decisions sent and standing (not superseded by a later pass):
	// Accepted + Declined + Waiting.
	DecisionsSent int
	Accepted      int
	Declined      int
	Waiting       int // standing decisions not yet answered
	Appeals       int // appeals in the register, of any status
}

// Counts counts a round's applications, standing decisions by answer and
// appeals. Callers hold auth.RunPlacement (as for Get).
func Counts(ctx context.Context, q store.Q, roundID int64) (ProcessCounts, error) {
	if err := requireOfficer(ctx); err != nil {
		return ProcessCounts{}, err
	}
	var c ProcessCounts
	err := q.QueryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM placement_applications a JOIN placement_children c ON c.id = a.child_id WHERE c.round_id = ?),
		(SELECT COUNT(*) FROM placement_decisions WHERE round_id = ? AND superseded_at IS NULL),
		(SELECT COUNT(*) FROM placement_decisions WHERE round_id = ? AND superseded_at IS NULL AND answer = 'accepted'),
		(SELECT COUNT(*) FROM placement_decisions WHERE round_id = ? AND superseded_at IS NULL AND answer = 'declined'),
		(SELECT COUNT(*) FROM placement_decisions WHERE round_id = ? AND superseded_at IS NULL AND answer = ''),
		(SELECT COUNT(*) FROM placement_appeals WHERE round_id = ?)`,
		roundID, roundID, roundID, roundID, roundID, roundID).Scan(&c.Applications, &c.DecisionsSent, &c.Accepted, &c.Declined, &c.Waiting, &c.Appeals)
	return c, store.Normalize(err)
}
