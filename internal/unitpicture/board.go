package unitpicture

import (
	"context"
	"math"
	"sort"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Keys of the compensatory check.
var (
	NeedIndicator = "parents_education" // higher = less need
	// ResourceIndicators and whether a higher value means more resources.
	ResourceIndicators = []struct {
		Key  string
		More bool
	}{{"pupils_per_teacher", false}, {"certified_teachers", true}, {"special_educators", true}}
)

// Verdicts of the compensatory check.
const (
	FollowsNeeds  = "follows"       // more resources where needs are greater (|r| ≥ 0.3)
	AgainstNeeds  = "against"       // more resources where needs are smaller (|r| ≥ 0.3)
	NoClearLink   = "no_clear_link" // |r| < 0.3
	TooFewUnits   = "too_few_units" // fewer than MinCompensatoryUnits units with both values
	MixedVerdicts = "mixed"         // overall: resources disagree
)

// MinCompensatoryUnits is the fewest units a correlation is computed on.
const MinCompensatoryUnits = 5

// ResourceCheck is one resource against need across the organizer's units.
type ResourceCheck struct {
	Indicator Indicator `json:"indicator"`
	More      bool      `json:"more_is_more"` // a higher value means more resources
	// Correlation is Pearson's r between the need indicator (parents'
	// education) and the resource; nil with fewer than MinCompensatoryUnits.
	Correlation *float64 `json:"correlation"`
	N           int      `json:"n"`
	Verdict     string   `json:"verdict"`
}

// CompensatoryUnit is one unit's need and resources (nil: no value or suppressed).
type CompensatoryUnit struct {
	UnitID    int64      `json:"unit_id"`
	Code      string     `json:"code"`
	Name      string     `json:"name"`
	Need      *float64   `json:"need"`
	Resources []*float64 `json:"resources"` // in the order of Checks
}

// CompensatoryResult says whether resources follow needs.
type CompensatoryResult struct {
	Year     string             `json:"year"`
	Need     Indicator          `json:"need"`
	Checks   []ResourceCheck    `json:"checks"`
	Units    []CompensatoryUnit `json:"units"` // in the caller's scope
	Verdict  string             `json:"verdict"`
	Sources  []string           `json:"sources"`
	Imported time.Time          `json:"imported_at"`
}

// Compensatory relates resources per unit (pupils per teacher, certified
// teachers, special educators) to background need (parents' education)
// across the organizer's units in year ("" for the latest year with the
// need indicator). A resource follows needs when it is larger where
// parents' education is lower. Limits: a correlation over few units is
// fragile and says nothing about cause.
func Compensatory(ctx context.Context, db store.Q, p *auth.Principal, year string) (*CompensatoryResult, error) {
	if err := canRead(p); err != nil {
		return nil, err
	}
	scope := readScope(p)
	need, err := IndicatorByKey(ctx, db, NeedIndicator)
	if err != nil {
		return nil, err
	}
	res := &CompensatoryResult{Need: need}
	ids := []any{need.ID}
	var inds []Indicator
	for _, r := range ResourceIndicators {
		ind, err := IndicatorByKey(ctx, db, r.Key)
		if err != nil {
			return nil, err
		}
		inds = append(inds, ind)
		res.Checks = append(res.Checks, ResourceCheck{Indicator: ind, More: r.More})
		ids = append(ids, ind.ID)
	}
	years, err := outcomeYears(ctx, db, need.ID, ScopeOrganizer)
	if err != nil {
		return nil, err
	}
	if len(years) == 0 {
		return nil, errNoData
	}
	ys := years[len(years)-1]
	if year != "" {
		var ok bool
		if ys, ok = YearStart(year); !ok {
			return nil, app.Errorf(app.EINVALID, "unitpicture.err.year")
		}
	}
	res.Year = SchoolYear(ys)
	rows, err := loadValues(ctx, db, `JOIN units u ON u.unit_code = v.unit_code WHERE v.indicator_id IN (`+store.Placeholders(len(ids))+`)
		AND v.year_start = ? AND v.grp = 'all'`, append(ids, ys)...)
	if err != nil {
		return nil, err
	}
	pos := map[int64]int{need.ID: -1}
	for i, ind := range inds {
		pos[ind.ID] = i
	}
	units := map[int64]*CompensatoryUnit{}
	sources := map[string]bool{}
	for _, r := range rows {
		u := units[*r.unitID]
		if u == nil {
			u = &CompensatoryUnit{UnitID: *r.unitID, Code: r.unitCode, Name: r.unitName, Resources: make([]*float64, len(inds))}
			units[*r.unitID] = u
		}
		sources[r.source] = true
		if r.importedAt.After(res.Imported) {
			res.Imported = r.importedAt
		}
		pt := r.point()
		if !pt.Has() {
			continue
		}
		if i := pos[r.indicatorID]; i < 0 {
			u.Need = pt.Value
		} else {
			u.Resources[i] = pt.Value
		}
	}
	all := make([]*CompensatoryUnit, 0, len(units))
	for _, u := range units {
		all = append(all, u)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	follows, against, tested := 0, 0, 0
	for i := range res.Checks {
		c := &res.Checks[i]
		var xs, ys []float64
		for _, u := range all {
			if u.Need != nil && u.Resources[i] != nil {
				xs = append(xs, *u.Need)
				ys = append(ys, *u.Resources[i])
			}
		}
		c.N = len(xs)
		r := Pearson(xs, ys)
		if c.N < MinCompensatoryUnits || !finite(r) {
			c.Verdict = TooFewUnits
			continue
		}
		c.Correlation = &r
		tested++
		// Follows needs: more resources where parents' education is lower,
		// i.e. r < 0 for "more is more" resources, r > 0 for pupils per teacher.
		signed := r
		if !c.More {
			signed = -r
		}
		switch {
		case signed <= -0.3:
			c.Verdict = FollowsNeeds
			follows++
		case signed >= 0.3:
			c.Verdict = AgainstNeeds
			against++
		default:
			c.Verdict = NoClearLink
		}
	}
	switch {
	case tested == 0:
		res.Verdict = TooFewUnits
	case follows == tested:
		res.Verdict = FollowsNeeds
	case against == tested:
		res.Verdict = AgainstNeeds
	case follows > 0 && against > 0:
		res.Verdict = MixedVerdicts
	case against > 0:
		res.Verdict = AgainstNeeds
	default:
		res.Verdict = NoClearLink
	}
	for _, u := range all {
		if scope.Contains(u.UnitID) {
			res.Units = append(res.Units, *u)
		}
	}
	for s := range sources {
		res.Sources = append(res.Sources, s)
	}
	sort.Strings(res.Sources)
	return res, nil
}

// Pearson returns the correlation coefficient of xs and ys (NaN when it is
// undefined: fewer than two pairs or no variation).
func Pearson(xs, ys []float64) float64 {
	n := len(xs)
	if n < 2 || n != len(ys) {
		return math.NaN()
	}
	var mx, my float64
	for i := range xs {
		mx += xs[i]
		my += ys[i]
	}
	mx /= float64(n)
	my /= float64(n)
	var sxy, sxx, syy float64
	for i := range xs {
		dx, dy := xs[i]-mx, ys[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return math.NaN()
	}
	return sxy / math.Sqrt(sxx*syy)
}

// Gap is the difference between the best and the worst of the organizer's
// units in one indicator. Units outside the caller's scope are not named
// (UnitID 0, empty name); the figures are aggregates.
type Gap struct {
	Indicator  Indicator `json:"indicator"`
	Year       string    `json:"year"`
	Best       UnitPoint `json:"best"`
	Worst      UnitPoint `json:"worst"`
	Gap        float64   `json:"gap"`      // |best − worst|, in the indicator's unit
	Relative   float64   `json:"relative"` // gap / organizer median (when not 0), for ordering
	Median     float64   `json:"median"`
	N          int       `json:"n"`
	Source     string    `json:"source"`
	ImportedAt time.Time `json:"imported_at"`
}

// UnitPoint is a value of a named unit.
type UnitPoint struct {
	UnitID int64   `json:"unit_id"`
	Code   string  `json:"code"`
	Name   string  `json:"name"`
	Value  float64 `json:"value"`
	Pupils *int    `json:"pupils"`
}

// UnitChange is a unit's change in one indicator between the previous and the latest year.
type UnitChange struct {
	Indicator Indicator `json:"indicator"`
	UnitID    int64     `json:"unit_id"`
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	Change    Change    `json:"change"`
	// Z is the change in units of its standard error, for ordering.
	Z float64 `json:"z"`
}

// SteerResult is the board's page: where the organizer should look.
type SteerResult struct {
	Gaps    []Gap        `json:"gaps"`    // largest relative gap first
	Changes []UnitChange `json:"changes"` // moves beyond chance since the previous year, largest first
	// Below lists units clearly below expectation (results against
	// background, DefaultOutcome) for two or more years in a row.
	Below       []AdjustedRow   `json:"below"`
	Adjusted    *AdjustedResult `json:"adjusted,omitempty"` // the analysis Below comes from (rows omitted)
	GeneratedAt time.Time       `json:"generated_at"`
}

// Steer gathers what the board should steer by: the largest gaps between
// units per indicator in its latest year, the largest changes beyond
// chance since the previous year, and units below expectation two or more
// years in a row. Every figure carries its source and import date.
func Steer(ctx context.Context, db store.Q, p *auth.Principal) (*SteerResult, error) {
	if err := canRead(p); err != nil {
		return nil, err
	}
	scope := readScope(p)
	inds, err := Indicators(ctx, db)
	if err != nil {
		return nil, err
	}
	rows, err := loadValues(ctx, db, `JOIN units u ON u.unit_code = v.unit_code WHERE v.grp = 'all' ORDER BY v.year_start`)
	if err != nil {
		return nil, err
	}
	byInd := map[int64][]valueRow{}
	latest := map[int64]int{}
	for _, r := range rows {
		byInd[r.indicatorID] = append(byInd[r.indicatorID], r)
		if r.usable() && r.yearStart > latest[r.indicatorID] {
			latest[r.indicatorID] = r.yearStart
		}
	}
	res := &SteerResult{GeneratedAt: store.Now()}
	for _, ind := range inds {
		if ind.Background || ind.Direction == 0 || !ind.Active || latest[ind.ID] == 0 {
			continue
		}
		ly := latest[ind.ID]
		var cur []valueRow
		prev := map[string]valueRow{}
		for _, r := range byInd[ind.ID] {
			switch r.yearStart {
			case ly:
				cur = append(cur, r)
			case ly - 1:
				prev[r.unitCode] = r
			}
		}
		var xs []float64
		g := Gap{Indicator: ind, Year: SchoolYear(ly)}
		var best, worst *valueRow
		for i := range cur {
			r := &cur[i]
			if !r.usable() {
				continue
			}
			xs = append(xs, *r.value)
			if best == nil || ind.Better(*r.value-*best.value) > 0 {
				best = r
			}
			if worst == nil || ind.Better(*r.value-*worst.value) < 0 {
				worst = r
			}
			if r.importedAt.After(g.ImportedAt) {
				g.ImportedAt, g.Source = r.importedAt, r.source
			}
		}
		if len(xs) >= 2 {
			g.N = len(xs)
			g.Median = NewSpread(xs).Median
			g.Gap = math.Abs(*best.value - *worst.value)
			if g.Median != 0 {
				g.Relative = g.Gap / math.Abs(g.Median)
			}
			g.Best, g.Worst = unitPoint(*best, scope), unitPoint(*worst, scope)
			res.Gaps = append(res.Gaps, g)
		}
		for _, r := range cur {
			if !scope.Contains(*r.unitID) {
				continue
			}
			pr, ok := prev[r.unitCode]
			if !ok {
				continue
			}
			c := TestChange(ind, pr.point(), r.point())
			if c.Move != Better && c.Move != Worse {
				continue
			}
			z := 0.0
			if half := (c.Test.Upper - c.Test.Lower) / 2; half > 0 {
				z = math.Abs(c.Test.Diff) / (half / 1.96)
			}
			res.Changes = append(res.Changes, UnitChange{Indicator: ind, UnitID: *r.unitID, Code: r.unitCode, Name: r.unitName, Change: c, Z: z})
		}
	}
	sort.SliceStable(res.Gaps, func(i, j int) bool { return res.Gaps[i].Relative > res.Gaps[j].Relative })
	sort.SliceStable(res.Changes, func(i, j int) bool { return res.Changes[i].Z > res.Changes[j].Z })
	if adj, err := Adjusted(ctx, db, p, AdjustedQuery{Outcome: DefaultOutcome, Scope: bestScope(ctx, db)}); err == nil {
		for _, r := range adj.Rows {
			if r.YearsBelow >= 2 {
				res.Below = append(res.Below, r)
			}
		}
		adj.Rows = nil
		res.Adjusted = adj
	} else if c := app.Code(err); c != app.EINVALID && c != app.ENOTFOUND {
		return nil, err
	}
	return res, nil
}

func unitPoint(r valueRow, scope auth.Scope) UnitPoint {
	u := UnitPoint{Value: *r.value, Pupils: r.pupils}
	if scope.Contains(*r.unitID) {
		u.UnitID, u.Code, u.Name = *r.unitID, r.unitCode, r.unitName
	}
	return u
}
