package unitpicture

import (
	"context"

	"github.com/styrkedjan/styrkedjan/internal/app"
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
	pr, err := unitProfile(ctx, db, unitID, "")
	if app.Code(err) == app.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var out []PublicResult
	for _, k := range keys {
		if row, ok := pr.Row(k); ok && (row.Latest.Has() || row.Latest.Suppressed) {
			out = append(out, PublicResult{Indicator: row.Indicator, Latest: row.Latest})
		}
	}
	return out, nil
}
