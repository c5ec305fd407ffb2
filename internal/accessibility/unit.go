package accessibility

import (
	"context"
	"slices"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// UnitView is a unit's self-assessment: its rounds, newest first, and the
// result of the latest round that is closed (gathered or not).
type UnitView struct {
	UnitID   int64
	UnitName string
	UnitCode string
	Rounds   []Round
	Latest   *Result
}

// Unit returns the self-assessment of a unit the context principal may
// read (auth.ReadAccessibility); any other unit is app.NotFound.
func Unit(ctx context.Context, q store.Q, unitID int64) (*UnitView, error) {
	if !mayReadUnit(auth.FromContext(ctx), unitID) {
		return nil, app.NotFound()
	}
	u := &UnitView{UnitID: unitID}
	err := q.QueryRow(ctx, "SELECT name, unit_code FROM units WHERE id = ?", unitID).Scan(&u.UnitName, &u.UnitCode)
	if store.IsNotFound(err) {
		return nil, app.NotFound()
	} else if err != nil {
		return nil, err
	}
	if u.Rounds, err = scanRounds(ctx, q, "r.unit_id = ?", unitID); err != nil {
		return nil, err
	}
	slices.SortStableFunc(u.Rounds, func(a, b Round) int { return int(b.ID - a.ID) })
	for i := range u.Rounds {
		if u.Rounds[i].Status == StatusClosed {
			if u.Latest, err = result(ctx, q, &u.Rounds[i]); err != nil {
				return nil, err
			}
			break
		}
	}
	return u, nil
}

// AreaSummary is one area over the organizer's units in a school year:
// how many units gathered it, and the lowest, median and highest of their
// area means. No unit is named.
type AreaSummary struct {
	Area              string
	Units             int
	Low, Median, High float64
}

// YearSummary is the organizer's self-assessment in one school year.
type YearSummary struct {
	SchoolYear string
	Areas      []AreaSummary
}

// Summary returns the area means over units per school year, the newest
// first (auth.ReadAccessibilitySummary): what a board member sees.
func Summary(ctx context.Context, q store.Q) ([]YearSummary, error) {
	if !MaySummary(auth.FromContext(ctx)) {
		return nil, app.Forbidden()
	}
	return summary(ctx, q)
}

func summary(ctx context.Context, q store.Q) ([]YearSummary, error) {
	rows, err := q.Query(ctx, `SELECT v.school_year, i.key, v.value FROM indicator_values v JOIN indicators i ON i.id = v.indicator_id
		WHERE i.source = ? AND v.value IS NOT NULL AND v.grp = 'all' ORDER BY v.year_start DESC`, Source)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	values := map[string]map[string][]float64{}
	var years []string
	for rows.Next() {
		var year, key string
		var x float64
		if err := rows.Scan(&year, &key, &x); err != nil {
			return nil, err
		}
		if values[year] == nil {
			values[year] = map[string][]float64{}
			years = append(years, year)
		}
		values[year][key] = append(values[year][key], x)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []YearSummary
	for _, y := range years {
		ys := YearSummary{SchoolYear: y}
		for _, a := range Areas {
			xs := values[y][IndicatorKey(a)]
			if len(xs) == 0 {
				continue
			}
			slices.Sort(xs)
			m := xs[len(xs)/2]
			if len(xs)%2 == 0 {
				m = (xs[len(xs)/2-1] + xs[len(xs)/2]) / 2
			}
			ys.Areas = append(ys.Areas, AreaSummary{Area: a, Units: len(xs), Low: xs[0], Median: m, High: xs[len(xs)-1]})
		}
		out = append(out, ys)
	}
	return out, nil
}
