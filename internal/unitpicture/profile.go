package unitpicture

import (
	"context"
	"errors"
	"math"
	"sort"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/stats"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// ChangeLevel is the confidence level of the change test.
const ChangeLevel = 0.95

// Move is a change judged by the indicator's direction.
type Move string

// The moves. NotTested is for kinds without a change test (ratios, counts,
// indexes) and for indicators without a better direction.
const (
	Better        Move = "better"
	Worse         Move = "worse"
	NoChange      Move = "no_change"
	TooLittleData Move = "too_little_data"
	NotTested     Move = "not_tested"
)

// Change is the change of one indicator between a baseline and a later year.
type Change struct {
	From, To Point
	// Test is the statistical test (nil when NotTested). Test.Verdict says
	// up/down; Move says whether that is better or worse.
	Test *stats.ChangeResult `json:"test,omitempty"`
	Move Move                `json:"move"`
}

// TestChange applies the change test that fits the indicator's kind: a
// two-proportion test for shares, a test of means with the indicator's
// pupil-level SD for means. Suppressed or missing points, and points
// without a pupil count, give TooLittleData.
func TestChange(ind Indicator, from, to Point) Change {
	c := Change{From: from, To: to}
	if ind.Direction == 0 || (ind.Kind != "share" && ind.Kind != "mean") || (ind.Kind == "mean" && ind.PupilSD <= 0) {
		c.Move = NotTested
		return c
	}
	if !from.Has() || !to.Has() || from.Pupils == nil || to.Pupils == nil {
		c.Move = TooLittleData
		return c
	}
	a, b := stats.Obs{Value: *from.Value, N: *from.Pupils}, stats.Obs{Value: *to.Value, N: *to.Pupils}
	var r stats.ChangeResult
	if ind.Kind == "share" {
		r = stats.ChangeShare(a, b, ChangeLevel)
	} else {
		r = stats.ChangeMean(a, b, ind.PupilSD, ChangeLevel)
	}
	if r.Verdict != stats.TooLittleData {
		c.Test = &r // (TooLittleData has no interval: NaN, which JSON cannot carry)
	}
	switch r.Verdict {
	case stats.Up, stats.Down:
		if ind.Better(r.Diff) > 0 {
			c.Move = Better
		} else {
			c.Move = Worse
		}
	case stats.NoChange:
		c.Move = NoChange
	default:
		c.Move = TooLittleData
	}
	return c
}

// Reasons a profile row is a strength or a challenge.
const (
	ReasonAboveMedian      = "above_median"      // better than the organizer's median
	ReasonBelowMedian      = "below_median"      // worse than the organizer's median
	ReasonImproved         = "improved"          // moved for the better beyond chance since the baseline
	ReasonWorsened         = "worsened"          // moved for the worse beyond chance
	ReasonAboveExpectation = "above_expectation" // above the interval of results against background
	ReasonBelowExpectation = "below_expectation"
)

// ProfileRow is one indicator of a unit over time.
type ProfileRow struct {
	Indicator Indicator `json:"indicator"`
	Series    []Point   `json:"series"` // ascending by year
	Latest    Point     `json:"latest"` // the latest year (possibly missing or suppressed: never an older value in its place)
	// OrganizerMedian is the median of the organizer's units in Latest's year.
	OrganizerMedian *float64 `json:"organizer_median,omitempty"`
	// National is the national value in Latest's year (nil when unknown).
	National    *National    `json:"national,omitempty"`
	Change      Change       `json:"change"`
	Expectation *AdjustedRow `json:"expectation,omitempty"` // for DefaultOutcome when it can be computed
	// Score > 0 makes a strength, < 0 a challenge; Reasons say why.
	Score   int      `json:"score"`
	Reasons []string `json:"reasons"`
}

// Profile is every indicator of one unit over time, strengths first.
type Profile struct {
	UnitID   int64  `json:"unit_id"`
	Code     string `json:"code"`
	Name     string `json:"name"`
	Baseline string `json:"baseline"` // the baseline school year of the change test
	// Rows: strengths (best first), then the rest, then challenges (worst
	// last); background variables at the end.
	Rows []ProfileRow `json:"rows"`
}

// Strengths returns the rows with a positive score, strongest first: what
// a quality dialogue opens with.
func (p *Profile) Strengths() []ProfileRow {
	var out []ProfileRow
	for _, r := range p.Rows {
		if r.Score > 0 {
			out = append(out, r)
		}
	}
	return out
}

// Challenges returns the rows with a negative score, most serious first.
func (p *Profile) Challenges() []ProfileRow {
	var out []ProfileRow
	for _, r := range p.Rows {
		if r.Score < 0 {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score < out[j].Score })
	return out
}

// Row returns the row of the indicator with key, if the unit has one.
func (p *Profile) Row(key string) (ProfileRow, bool) {
	for _, r := range p.Rows {
		if r.Indicator.Key == key {
			return r, true
		}
	}
	return ProfileRow{}, false
}

// UnitProfile returns every indicator with values for the unit over time,
// with the change since baselineYear ("" for each indicator's first year
// with a number) judged by the change test, the organizer's median and,
// for DefaultOutcome, the results against background. Out of scope is
// app.NotFound.
func UnitProfile(ctx context.Context, db store.Q, p *auth.Principal, unitID int64, baselineYear string) (*Profile, error) {
	if err := canRead(p); err != nil {
		return nil, err
	}
	if !MayReadUnit(p, unitID) {
		return nil, app.NotFound()
	}
	pr := &Profile{UnitID: unitID, Baseline: baselineYear}
	err := db.QueryRow(ctx, "SELECT unit_code, name FROM units WHERE id = ?", unitID).Scan(&pr.Code, &pr.Name)
	if store.IsNotFound(err) {
		return nil, app.NotFound()
	} else if err != nil {
		return nil, err
	}
	if baselineYear != "" {
		if _, ok := YearStart(baselineYear); !ok {
			return nil, app.Errorf(app.EINVALID, "unitpicture.err.year")
		}
	}
	inds, err := Indicators(ctx, db)
	if err != nil {
		return nil, err
	}
	// All the organizer's values (small: units × indicators × years) for medians.
	all, err := loadValues(ctx, db, `JOIN units u ON u.unit_code = v.unit_code WHERE v.grp = 'all' ORDER BY v.year_start`)
	if err != nil {
		return nil, err
	}
	type iy struct {
		ind  int64
		year string
	}
	med := map[iy][]float64{}
	mine := map[int64][]valueRow{}
	for _, r := range all {
		if r.usable() {
			med[iy{r.indicatorID, r.year}] = append(med[iy{r.indicatorID, r.year}], *r.value)
		}
		if *r.unitID == unitID {
			mine[r.indicatorID] = append(mine[r.indicatorID], r)
		}
	}
	var expectation *AdjustedRow
	if res, err := adjusted(ctx, db, AdjustedQuery{Outcome: DefaultOutcome, Scope: bestScope(ctx, db)}); err == nil {
		for _, r := range res.Rows {
			if r.UnitID == unitID {
				expectation = &r
			}
		}
	} else if code := app.Code(err); code != app.EINVALID && code != app.ENOTFOUND && !errors.Is(err, errNoData) {
		return nil, err
	}
	var rows, background []ProfileRow
	for _, ind := range inds {
		vs := mine[ind.ID]
		if len(vs) == 0 || !ind.Active {
			continue
		}
		row := ProfileRow{Indicator: ind}
		var base *Point
		for _, v := range vs {
			pt := v.point()
			row.Series = append(row.Series, pt)
			if base == nil && ((baselineYear == "" && pt.Has()) || pt.Year == baselineYear) {
				b := pt
				base = &b
			}
		}
		row.Latest = row.Series[len(row.Series)-1]
		if xs := med[iy{ind.ID, row.Latest.Year}]; len(xs) > 0 {
			m := NewSpread(xs).Median
			row.OrganizerMedian = &m
		}
		if ys, ok := YearStart(row.Latest.Year); ok {
			nat, err := national(ctx, db, ind.ID, ys)
			if err != nil {
				return nil, err
			}
			row.National = nat
		}
		if base != nil && base.Year != row.Latest.Year {
			row.Change = TestChange(ind, *base, row.Latest)
		} else {
			row.Change = Change{Move: TooLittleData}
			if base != nil {
				row.Change.From = *base
			}
			row.Change.To = row.Latest
		}
		if ind.Background {
			background = append(background, row)
			continue
		}
		if row.Latest.Has() && row.OrganizerMedian != nil && len(med[iy{ind.ID, row.Latest.Year}]) >= 3 {
			switch ind.Better(*row.Latest.Value - *row.OrganizerMedian) {
			case 1:
				row.Score++
				row.Reasons = append(row.Reasons, ReasonAboveMedian)
			case -1:
				row.Score--
				row.Reasons = append(row.Reasons, ReasonBelowMedian)
			}
		}
		switch row.Change.Move {
		case Better:
			row.Score += 2
			row.Reasons = append(row.Reasons, ReasonImproved)
		case Worse:
			row.Score -= 2
			row.Reasons = append(row.Reasons, ReasonWorsened)
		}
		if ind.Key == DefaultOutcome && expectation != nil {
			row.Expectation = expectation
			switch expectation.Verdict {
			case "above":
				row.Score += 2
				row.Reasons = append(row.Reasons, ReasonAboveExpectation)
			case "below":
				row.Score -= 2
				row.Reasons = append(row.Reasons, ReasonBelowExpectation)
			}
		}
		rows = append(rows, row)
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Score > rows[j].Score })
	pr.Rows = append(rows, background...)
	return pr, nil
}

// bestScope is national when national data are in the database (enough
// units outside the organizer for a fit), else the organizer's own.
func bestScope(ctx context.Context, db store.Q) string {
	var n int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM national_units n WHERE NOT EXISTS (SELECT 1 FROM units u WHERE u.unit_code = n.unit_code)`).Scan(&n); err == nil && n >= MinNationalUnits {
		return ScopeNational
	}
	return ScopeOrganizer
}

// finite reports whether x is a usable number.
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// IndicatorChange is the change test of one indicator for one unit between
// baselineYear and the latest year with a point (group "all"): what a
// dialogue's action follow-up asks ("did we move?"). A unit out of scope or
// an unknown indicator is app.NotFound; no values at all give TooLittleData.
func IndicatorChange(ctx context.Context, db store.Q, p *auth.Principal, unitID int64, key, baselineYear string) (Change, error) {
	if err := canRead(p); err != nil {
		return Change{}, err
	}
	if !MayReadUnit(p, unitID) {
		return Change{}, app.NotFound()
	}
	ind, err := IndicatorByKey(ctx, db, key)
	if err != nil {
		return Change{}, err
	}
	rows, err := loadValues(ctx, db, `JOIN units u ON u.unit_code = v.unit_code WHERE u.id = ? AND v.indicator_id = ? AND v.grp = 'all'
		ORDER BY v.year_start`, unitID, ind.ID)
	if err != nil {
		return Change{}, err
	}
	var base *Point
	for _, r := range rows {
		if r.year == baselineYear {
			pt := r.point()
			base = &pt
		}
	}
	if base == nil || len(rows) == 0 || rows[len(rows)-1].year == baselineYear {
		c := Change{Move: TooLittleData}
		if base != nil {
			c.From = *base
		}
		if len(rows) > 0 {
			c.To = rows[len(rows)-1].point()
		}
		return c, nil
	}
	return TestChange(ind, *base, rows[len(rows)-1].point()), nil
}
