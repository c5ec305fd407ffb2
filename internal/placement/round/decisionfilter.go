package round

import (
	"context"
	"fmt"
	"strconv"

	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// DecisionFilter narrows the decisions list (issue 15); zero fields do not filter.
type DecisionFilter struct {
	School   string // placed at this school
	Rank     int    // placed at this choice (1 = first); 0 any
	Fallback bool   // only those placed by the fallback (none of their choices)
	Flagged  bool   // only those the register flags for an officer
}

// Match reports whether a decision passes the filter; flags are the
// register's flags by applicant (Flagged).
func (f DecisionFilter) Match(d Decision, flags map[string]string) bool {
	return (f.School == "" || d.SchoolID == f.School) && (f.Rank == 0 || (!d.Fallback && d.ChoiceRank == f.Rank)) &&
		(!f.Fallback || d.Fallback) && (!f.Flagged || flags[d.ApplicantID] != "")
}

// Flags returns the register's flags for an officer by applicant
// (placement_children.flags), for the round's children that have any.
func Flags(ctx context.Context, q store.Q, roundID int64) (map[string]string, error) {
	if err := requireOfficer(ctx); err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, "SELECT child_key, flags FROM placement_children WHERE round_id = ? AND flags <> ''", roundID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, f string
		if err := rows.Scan(&k, &f); err != nil {
			return nil, err
		}
		out[k] = f
	}
	return out, store.Normalize(rows.Err())
}

// LogDecisionsExport records that a round's decisions left the system as a file.
func LogDecisionsExport(ctx context.Context, q store.Q, roundID int64, format string, n int) error {
	if err := requireOfficer(ctx); err != nil {
		return err
	}
	return audit.Log(ctx, q, audit.Export, "placement_results", strconv.FormatInt(roundID, 10), fmt.Sprintf("%s: %d decisions", format, n))
}
