package appeal

import (
	"context"
	"slices"

	"github.com/styrkedjan/styrkedjan/internal/privacy"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Pending is the outcome column of appeals without an outcome yet.
const Pending = "pending"

// StatsColumns are the outcome columns of Stats in order.
var StatsColumns = []string{Pending, Upheld, Rejected, Dismissed, Withdrawn}

// A StatsRow counts one school's appeals of a round by outcome.
type StatsRow struct {
	SchoolID string // "" for appeals that name no school
	Counts   []privacy.Count
	Total    privacy.Count
}

// RoundStats counts a round's appeals by school and outcome.
type RoundStats struct {
	RoundID   int64
	RoundName string
	Rows      []StatsRow
	Totals    []privacy.Count // per outcome over all schools
	Total     privacy.Count
	// Suppressed: some figure is hidden because it counts fewer than
	// MinGroup appeals, or would reveal one that does.
	Suppressed bool
	MinGroup   int
}

// Stats counts every round's appeals by school and outcome, rounds newest
// first, schools by their ID. The board (auth.ReadPlacementStats) gets the
// counts with groups of 1 to minGroup−1 appeals suppressed; no total is
// shown that a hidden count goes into, so none can be worked out by
// subtraction. Those who read the register see every count. No pupil is
// named, so the counts are not audited.
func Stats(ctx context.Context, q store.Q, minGroup int) ([]RoundStats, error) {
	if err := requireStats(ctx); err != nil {
		return nil, err
	}
	if !suppressCounts(ctx) {
		minGroup = 0
	}
	rows, err := q.Query(ctx, `SELECT r.id, r.name, a.school_id, a.outcome, COUNT(*) FROM placement_appeals a
		JOIN placement_rounds r ON r.id = a.round_id
		GROUP BY r.id, r.name, a.school_id, a.outcome ORDER BY r.id DESC, a.school_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type key struct {
		round  int64
		school string
	}
	var out []RoundStats
	counts := map[key][]int{}
	for rows.Next() {
		var id int64
		var name, school, outcome string
		var n int
		if err := rows.Scan(&id, &name, &school, &outcome, &n); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].RoundID != id {
			out = append(out, RoundStats{RoundID: id, RoundName: name, MinGroup: minGroup})
		}
		k := key{id, school}
		if counts[k] == nil {
			counts[k] = make([]int, len(StatsColumns))
			out[len(out)-1].Rows = append(out[len(out)-1].Rows, StatsRow{SchoolID: school})
		}
		if outcome == "" {
			outcome = Pending
		}
		counts[k][slices.Index(StatsColumns, outcome)] += n
	}
	if err := store.Normalize(rows.Err()); err != nil {
		return nil, err
	}
	for i := range out {
		rs := &out[i]
		colSum := make([]int, len(StatsColumns))
		colHidden := make([]bool, len(StatsColumns))
		total, anyHidden := 0, false
		for j := range rs.Rows {
			row := &rs.Rows[j]
			c := counts[key{rs.RoundID, row.SchoolID}]
			sum, hidden := 0, false
			for col, n := range c {
				pc := privacy.Suppress(n, minGroup)
				row.Counts = append(row.Counts, pc)
				hidden = hidden || pc.Suppressed()
				colHidden[col] = colHidden[col] || pc.Suppressed()
				colSum[col] += n
				sum += n
			}
			row.Total = shown(sum, minGroup, hidden)
			anyHidden = anyHidden || hidden || row.Total.Suppressed()
			total += sum
		}
		for col, n := range colSum {
			rs.Totals = append(rs.Totals, shown(n, minGroup, colHidden[col]))
			anyHidden = anyHidden || rs.Totals[col].Suppressed()
		}
		rs.Total = shown(total, minGroup, anyHidden)
		rs.Suppressed = anyHidden || rs.Total.Suppressed()
	}
	return out, nil
}

// shown is a total as the board may see it: hidden when small, or when a
// hidden count goes into it (it could be worked out from the total and the
// counts shown).
func shown(n, minGroup int, overHidden bool) privacy.Count {
	if overHidden {
		return privacy.Suppress(1, 2) // a hidden count
	}
	return privacy.Suppress(n, minGroup)
}
