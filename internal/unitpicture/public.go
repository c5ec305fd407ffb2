package unitpicture

import (
	"context"

	"github.com/styrkedjan/styrkedjan/internal/store"
)

// A PublicResult is one indicator's latest value of a unit as guardians
// see it when they choose a school: Skolverket's published statistics,
// values under 10 pupils suppressed (Point.Suppressed) as for everyone,
// a missing value kept with its status, never zero.
type PublicResult struct {
	Indicator Indicator
	Latest    Point
}

// PublicResults returns the latest values of the indicators keys (in that
// order, those the unit has) for a unit, for the guardians' application
// pages. These are published per-unit statistics without personal data,
// so no permission is asked; suppression applies as in every view. An
// unknown unit has no results.
func PublicResults(ctx context.Context, db store.Q, unitID int64, keys []string) ([]PublicResult, error) {
	inds, err := Indicators(ctx, db)
	if err != nil {
		return nil, err
	}
	vals, err := loadValues(ctx, db, `JOIN units u ON u.unit_code = v.unit_code WHERE v.grp = 'all' AND u.id = ? ORDER BY v.year_start`, unitID)
	if err != nil {
		return nil, err
	}
	latest := map[int64]Point{} // by indicator: the latest year, whatever it holds
	for _, v := range vals {
		latest[v.indicatorID] = v.point()
	}
	var out []PublicResult
	for _, k := range keys {
		for _, ind := range inds {
			pt, ok := latest[ind.ID]
			if ind.Key == k && ind.Active && ok && (pt.Has() || pt.Suppressed) {
				out = append(out, PublicResult{Indicator: ind, Latest: pt})
			}
		}
	}
	return out, nil
}
