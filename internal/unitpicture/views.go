package unitpicture

import (
	"context"
	"math"
	"sort"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture/skolverket"
)

// Point is one value of one unit in one school year, as a view may show it.
// When Suppressed, Value and Pupils are nil and Status is StatusSuppressed.
type Point struct {
	Year       string    `json:"year"` // "2024/25"
	YearStart  int       `json:"year_start"`
	Value      *float64  `json:"value"`
	Pupils     *int      `json:"pupils"`
	Status     string    `json:"status"` // "" when a value exists; "..", ".", "~", "cirka", API valueType, "suppressed"
	Suppressed bool      `json:"suppressed"`
	Source     string    `json:"source"`
	ImportedAt time.Time `json:"imported_at"`
}

// Has reports whether the point carries a number.
func (p Point) Has() bool { return p.Value != nil && !p.Suppressed }

// valueRow is a stored value as read from the database.
type valueRow struct {
	indicatorID int64
	unitCode    string
	unitID      *int64 // the organizer's unit (joined on code), nil for others
	unitName    string
	year        string
	yearStart   int
	value       *float64
	status      string
	pupils      *int
	source      string
	importedAt  time.Time
}

// point applies suppression: a value based on fewer than MinPupils pupils
// never leaves the package as a number.
func (r valueRow) point() Point {
	p := Point{Year: r.year, YearStart: r.yearStart, Status: r.status, Source: r.source, ImportedAt: r.importedAt}
	if r.pupils != nil && *r.pupils < MinPupils {
		p.Suppressed, p.Status = true, StatusSuppressed
		return p
	}
	p.Value, p.Pupils = r.value, r.pupils
	return p
}

// usable reports whether the row may enter an aggregate (a number, not suppressed).
func (r valueRow) usable() bool { return r.value != nil && (r.pupils == nil || *r.pupils >= MinPupils) }

const valueSelect = `SELECT v.indicator_id, v.unit_code, u.id, COALESCE(u.name, v.unit_name), v.school_year, v.year_start,
	v.value, v.status, v.pupils, v.source, v.imported_at FROM indicator_values v `

func loadValues(ctx context.Context, q store.Q, tail string, args ...any) ([]valueRow, error) {
	rows, err := q.Query(ctx, valueSelect+tail, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []valueRow
	for rows.Next() {
		var r valueRow
		if err := rows.Scan(&r.indicatorID, &r.unitCode, &r.unitID, &r.unitName, &r.year, &r.yearStart, &r.value, &r.status,
			&r.pupils, &r.source, &r.importedAt); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Spread summarises the values of a set of units (suppressed and missing
// values excluded): quartiles by linear interpolation between order
// statistics (R's type 7, Excel's QUARTILE.INC).
type Spread struct {
	N      int     `json:"n"`
	Min    float64 `json:"min"`
	Q1     float64 `json:"q1"`
	Median float64 `json:"median"`
	Q3     float64 `json:"q3"`
	Max    float64 `json:"max"`
}

// NewSpread computes the spread of xs; N == 0 when xs is empty.
func NewSpread(xs []float64) Spread {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s) == 0 {
		return Spread{}
	}
	return Spread{N: len(s), Min: s[0], Q1: Quantile(s, 0.25), Median: Quantile(s, 0.5), Q3: Quantile(s, 0.75), Max: s[len(s)-1]}
}

// Quantile returns the q-quantile of sorted (ascending) values by linear
// interpolation: h = (n-1)q, x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]).
func Quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	h := float64(len(sorted)-1) * q
	lo := int(math.Floor(h))
	if lo+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}

// National is the national reference value of an indicator in a year.
type National struct {
	Value float64 `json:"value"`
	// Basis is "riket" (a national value from the source) or "median" (the
	// median of N units in the database, national data imported).
	Basis string `json:"basis"`
	N     int    `json:"n,omitempty"`
}

// UnitSeries is one of the organizer's units in a view: its value in the
// chosen year and its series over all years (for small multiples).
type UnitSeries struct {
	UnitID  int64   `json:"unit_id"`
	Code    string  `json:"code"`
	Name    string  `json:"name"`
	Current Point   `json:"current"`
	Series  []Point `json:"series"` // ascending by year
}

// IndicatorViewModel is one indicator in one year across the organizer's units.
type IndicatorViewModel struct {
	Indicator Indicator    `json:"indicator"`
	Year      string       `json:"year"`
	Years     []string     `json:"years"` // years with values, ascending
	Units     []UnitSeries `json:"units"` // the units in the caller's scope, by name
	// Organizer is the spread over all the organizer's units in Year (an
	// aggregate: shown to principals too).
	Organizer Spread `json:"organizer"`
	// OrganizerSeries is the organizer's median per year, for the trend.
	OrganizerSeries []YearMedian `json:"organizer_series"`
	National        *National    `json:"national,omitempty"`
	// Suppressed counts units in Year whose value is hidden (< MinPupils pupils).
	Suppressed int `json:"suppressed"`
	// Sources and the latest import time of the shown values.
	Sources    []string  `json:"sources"`
	ImportedAt time.Time `json:"imported_at"`
}

// YearMedian is an aggregate per year.
type YearMedian struct {
	Year   string  `json:"year"`
	Median float64 `json:"median"`
	N      int     `json:"n"`
}

// IndicatorView returns the indicator with key in school year year ("" for
// the latest year with values) for the organizer's units in p's scope, the
// organizer's spread and the national value where known. Group "all".
func IndicatorView(ctx context.Context, db store.Q, p *auth.Principal, key, year string) (*IndicatorViewModel, error) {
	if err := canRead(p); err != nil {
		return nil, err
	}
	scope := readScope(p)
	ind, err := IndicatorByKey(ctx, db, key)
	if err != nil {
		return nil, err
	}
	rows, err := loadValues(ctx, db, `JOIN units u ON u.unit_code = v.unit_code WHERE v.indicator_id = ? AND v.grp = 'all'
		ORDER BY v.year_start`, ind.ID)
	if err != nil {
		return nil, err
	}
	m := &IndicatorViewModel{Indicator: ind, Year: year}
	yearSet := map[string]int{}
	for _, r := range rows {
		yearSet[r.year] = r.yearStart
	}
	for y := range yearSet {
		m.Years = append(m.Years, y)
	}
	sort.Strings(m.Years)
	if m.Year == "" && len(m.Years) > 0 {
		m.Year = m.Years[len(m.Years)-1]
	}
	ys, ok := YearStart(m.Year)
	if !ok && m.Year != "" {
		return nil, app.NotFound()
	}
	byUnit := map[int64]*UnitSeries{}
	perYear := map[string][]float64{}
	var cur []float64
	sources := map[string]bool{}
	for _, r := range rows {
		if r.usable() {
			perYear[r.year] = append(perYear[r.year], *r.value)
		}
		if r.year == m.Year {
			if r.usable() {
				cur = append(cur, *r.value)
			} else if r.value != nil {
				m.Suppressed++
			}
		}
		if !scope.Contains(*r.unitID) {
			continue
		}
		us := byUnit[*r.unitID]
		if us == nil {
			us = &UnitSeries{UnitID: *r.unitID, Code: r.unitCode, Name: r.unitName, Current: Point{Year: m.Year, YearStart: ys, Status: "."}}
			byUnit[*r.unitID] = us
		}
		pt := r.point()
		us.Series = append(us.Series, pt)
		if r.year == m.Year {
			us.Current = pt
			sources[r.source] = true
			if r.importedAt.After(m.ImportedAt) {
				m.ImportedAt = r.importedAt
			}
		}
	}
	for _, us := range byUnit {
		m.Units = append(m.Units, *us)
	}
	sort.Slice(m.Units, func(i, j int) bool { return m.Units[i].Name < m.Units[j].Name })
	m.Organizer = NewSpread(cur)
	for _, y := range m.Years {
		if xs := perYear[y]; len(xs) > 0 {
			med := NewSpread(xs).Median
			m.OrganizerSeries = append(m.OrganizerSeries, YearMedian{y, med, len(xs)})
		}
	}
	for s := range sources {
		m.Sources = append(m.Sources, s)
	}
	sort.Strings(m.Sources)
	if m.Year != "" {
		m.National, err = national(ctx, db, ind.ID, ys)
		if err != nil {
			return nil, err
		}
	}
	return m, nil
}

// national returns the national reference value of an indicator in a year:
// the "riket" row when there is one, else the median of every unit's value
// when at least MinNationalUnits units outside the organizer have one.
func national(ctx context.Context, db store.Q, indicatorID int64, yearStart int) (*National, error) {
	var v *float64
	err := db.QueryRow(ctx, `SELECT value FROM indicator_values WHERE indicator_id = ? AND unit_code = ? AND year_start = ? AND grp = 'all'`,
		indicatorID, NationalCode, yearStart).Scan(&v)
	switch {
	case err == nil && v != nil:
		return &National{Value: *v, Basis: "riket"}, nil
	case err != nil && !store.IsNotFound(err):
		return nil, err
	}
	rows, err := db.Query(ctx, `SELECT v.value, v.pupils, u.id FROM indicator_values v LEFT JOIN units u ON u.unit_code = v.unit_code
		WHERE v.indicator_id = ? AND v.year_start = ? AND v.grp = 'all' AND v.value IS NOT NULL AND v.unit_code <> ?`,
		indicatorID, yearStart, NationalCode)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var xs []float64
	others := 0
	for rows.Next() {
		var x float64
		var pupils *int
		var own *int64
		if err := rows.Scan(&x, &pupils, &own); err != nil {
			return nil, err
		}
		if pupils != nil && *pupils < MinPupils {
			continue
		}
		xs = append(xs, x)
		if own == nil {
			others++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if others < MinNationalUnits {
		return nil, nil
	}
	return &National{Value: NewSpread(xs).Median, Basis: "median", N: len(xs)}, nil
}

// OpeningIndicator returns the indicator a view opens on for p: the default
// outcome (DefaultOutcome) when one of p's units has a value of it, else
// the first active outcome indicator (not a background variable, in the
// catalogue's order) that one of p's units has, so that a principal of
// units without year 9 does not open on an empty page. DefaultOutcome when
// none has values.
func OpeningIndicator(ctx context.Context, db store.Q, p *auth.Principal) (string, error) {
	if err := canRead(p); err != nil {
		return "", err
	}
	cond, args := readScope(p).SQL("u.id")
	rows, err := db.Query(ctx, `SELECT DISTINCT v.indicator_id FROM indicator_values v JOIN units u ON u.unit_code = v.unit_code
		WHERE v.grp = 'all' AND v.value IS NOT NULL AND `+cond, args...)
	if err != nil {
		return "", err
	}
	has := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return "", err
		}
		has[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", err
	}
	inds, err := Indicators(ctx, db)
	if err != nil {
		return "", err
	}
	byKey := map[string]Indicator{}
	for _, i := range inds {
		byKey[i.Key] = i
	}
	keys := []string{DefaultOutcome}
	for _, c := range skolverket.Catalogue() {
		keys = append(keys, c.Key)
	}
	for _, i := range inds {
		keys = append(keys, i.Key)
	}
	for _, k := range keys {
		if i, ok := byKey[k]; ok && i.Active && !i.Background && has[i.ID] {
			return i.Key, nil
		}
	}
	return DefaultOutcome, nil
}

// NationalValue returns the national reference value of an indicator in a
// school year (nil when unknown): the "riket" value, else the median of
// every unit's value when enough other units have one.
func NationalValue(ctx context.Context, db store.Q, indicatorID int64, schoolYear string) (*National, error) {
	ys, ok := YearStart(schoolYear)
	if !ok {
		return nil, nil
	}
	return national(ctx, db, indicatorID, ys)
}
