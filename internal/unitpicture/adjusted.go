package unitpicture

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/stats"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// The SALSA defaults of Adjusted.
var (
	DefaultOutcome    = "merit_value_9"
	DefaultPredictors = []string{"parents_education", "share_boys", "share_newly_immigrated"}
)

// Models and scopes of Adjusted.
const (
	ModelFit       = "fit"       // ordinary least squares across the units
	ModelSALSA2016 = "salsa2016" // Skolverket's published 2015/16 coefficients
	ScopeOrganizer = "organizer" // fit on the organizer's units only
	ScopeNational  = "national"  // fit on every unit in the database (national data when imported)
)

// AdjustedQuery asks for results against background.
type AdjustedQuery struct {
	Outcome    string   // indicator key; DefaultOutcome when empty
	Predictors []string // indicator keys; DefaultPredictors when empty (ignored by salsa2016, which has its own)
	Year       string   // "" for the latest year with the outcome
	Model      string   // ModelFit (default) or ModelSALSA2016
	Scope      string   // ScopeOrganizer (default) or ScopeNational
	Level      float64  // prediction-interval level; 0.95 when 0
}

// Coefficient is one term of the model.
type Coefficient struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	SE    float64 `json:"se"` // 0 for published coefficients
}

// AdjustedRow is one of the organizer's units: actual, expected, residual
// (actual − expected) and the prediction interval. Verdict is "above" or
// "below" when the actual value lies outside the interval, else "within".
// YearsAbove/YearsBelow count the consecutive years, ending in the query's
// year, in which the unit was clearly above/below expectation.
type AdjustedRow struct {
	UnitID     int64     `json:"unit_id"`
	Code       string    `json:"code"`
	Name       string    `json:"name"`
	Pupils     *int      `json:"pupils"` // nil when the source gave no count
	Actual     float64   `json:"actual"`
	Expected   float64   `json:"expected"`
	Residual   float64   `json:"residual"`
	Lower      float64   `json:"lower"`
	Upper      float64   `json:"upper"`
	Predictors []float64 `json:"predictors"` // as stored (shares in percent)
	Verdict    string    `json:"verdict"`
	YearsAbove int       `json:"years_above"`
	YearsBelow int       `json:"years_below"`
}

// AdjustedResult is the analysis. Rows holds the organizer's units in the
// caller's scope; the fit itself used N units (the whole scope of the query).
type AdjustedResult struct {
	Outcome    Indicator     `json:"outcome"`
	Predictors []Indicator   `json:"predictors"`
	Year       string        `json:"year"`
	Model      string        `json:"model"`
	Scope      string        `json:"scope"`
	Level      float64       `json:"level"`
	Coef       []Coefficient `json:"coefficients"`
	R2         *float64      `json:"r2"`          // nil for published models
	ResidualSE float64       `json:"residual_se"` // of the fit, or the published one
	N          int           `json:"n"`           // units in the fit (or the units the model was applied to)
	// ExcludedFewPupils counts units left out because fewer than
	// MinRegressionPupils pupils are behind the outcome, as SALSA does.
	// Where the source gives no count the value is used: Skolverket
	// already omits values based on few pupils. ExcludedMissing counts
	// units lacking the outcome or a predictor.
	ExcludedFewPupils int           `json:"excluded_few_pupils"`
	ExcludedMissing   int           `json:"excluded_missing"`
	Rows              []AdjustedRow `json:"rows"`
	// Sources and the latest import time of the organizer's values in Year.
	Sources    []string  `json:"sources"`
	ImportedAt time.Time `json:"imported_at"`
}

var (
	errNoData = app.Errorf(app.EINVALID, "unitpicture.err.no_data")
)

// Adjusted relates an outcome to background variables across units: an OLS
// fit (or the published SALSA 2015/16 model) gives each unit an expected
// value, a residual and a prediction interval. Units with fewer than
// MinRegressionPupils pupils behind the outcome are excluded from the fit
// and from the rows (as SALSA does) and counted. Limits: a residual is not
// value added and not a ranking; it is relative to the units in the fit.
func Adjusted(ctx context.Context, db store.Q, p *auth.Principal, q AdjustedQuery) (*AdjustedResult, error) {
	if err := canRead(p); err != nil {
		return nil, err
	}
	res, err := adjusted(ctx, db, q)
	if err != nil {
		return nil, err
	}
	scope := readScope(p)
	res.Rows = slices.DeleteFunc(res.Rows, func(r AdjustedRow) bool { return !scope.Contains(r.UnitID) })
	return res, nil
}

// adjusted computes the analysis for every own unit (no scoping).
func adjusted(ctx context.Context, db store.Q, q AdjustedQuery) (*AdjustedResult, error) {
	if q.Outcome == "" {
		q.Outcome = DefaultOutcome
	}
	if q.Model == "" {
		q.Model = ModelFit
	}
	if q.Scope == "" {
		q.Scope = ScopeOrganizer
	}
	if q.Level == 0 {
		q.Level = 0.95
	}
	v := &app.Validation{}
	if q.Model != ModelFit && q.Model != ModelSALSA2016 {
		v.Add("model", "unitpicture.err.model")
	}
	if q.Scope != ScopeOrganizer && q.Scope != ScopeNational {
		v.Add("scope", "unitpicture.err.scope")
	}
	if q.Level <= 0 || q.Level >= 1 {
		v.Add("level", "unitpicture.err.level")
	}
	if q.Model == ModelSALSA2016 {
		q.Predictors = stats.SALSA2016.Names
	} else if len(q.Predictors) == 0 {
		q.Predictors = DefaultPredictors
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	out, err := IndicatorByKey(ctx, db, q.Outcome)
	if err != nil {
		return nil, err
	}
	res := &AdjustedResult{Outcome: out, Model: q.Model, Scope: q.Scope, Level: q.Level}
	for _, k := range q.Predictors {
		ind, err := IndicatorByKey(ctx, db, k)
		if err != nil {
			return nil, err
		}
		if ind.ID == out.ID || slices.ContainsFunc(res.Predictors, func(i Indicator) bool { return i.ID == ind.ID }) {
			return nil, app.Errorf(app.EINVALID, "unitpicture.err.predictors")
		}
		res.Predictors = append(res.Predictors, ind)
	}
	years, err := outcomeYears(ctx, db, out.ID, q.Scope)
	if err != nil {
		return nil, err
	}
	if len(years) == 0 {
		return nil, errNoData
	}
	ys := years[len(years)-1]
	if q.Year != "" {
		var ok bool
		if ys, ok = YearStart(q.Year); !ok || !slices.Contains(years, ys) {
			return nil, errNoData
		}
	}
	res.Year = SchoolYear(ys)
	fit, err := adjustedYear(ctx, db, res, ys)
	if err != nil {
		return nil, err
	}
	res.Rows = fit.rows
	if err := adjustedSources(ctx, db, res, ys); err != nil {
		return nil, err
	}
	res.N, res.ExcludedFewPupils, res.ExcludedMissing = fit.n, fit.few, fit.missing
	res.Coef, res.ResidualSE = fit.coef, fit.rse
	if !math.IsNaN(fit.r2) {
		r2 := fit.r2
		res.R2 = &r2
	}
	// Streaks: walk back year by year while some unit keeps its streak.
	open := map[int64]string{}
	for i := range res.Rows {
		r := &res.Rows[i]
		switch r.Verdict {
		case "above":
			r.YearsAbove = 1
			open[r.UnitID] = "above"
		case "below":
			r.YearsBelow = 1
			open[r.UnitID] = "below"
		}
	}
	idx := slices.Index(years, ys)
	for j := idx - 1; j >= 0 && len(open) > 0; j-- {
		if years[j] != years[j+1]-1 {
			break // a gap in the years ends every streak
		}
		prev, err := adjustedYear(ctx, db, res, years[j])
		if errors.Is(err, errNoData) || errors.Is(err, stats.ErrTooFewRows) || errors.Is(err, stats.ErrSingular) {
			break
		} else if err != nil {
			return nil, err
		}
		verdicts := map[int64]string{}
		for _, r := range prev.rows {
			verdicts[r.UnitID] = r.Verdict
		}
		for i := range res.Rows {
			r := &res.Rows[i]
			want, ok := open[r.UnitID]
			if !ok {
				continue
			}
			if verdicts[r.UnitID] != want {
				delete(open, r.UnitID)
				continue
			}
			if want == "above" {
				r.YearsAbove++
			} else {
				r.YearsBelow++
			}
		}
	}
	return res, nil
}

func outcomeYears(ctx context.Context, db store.Q, indicatorID int64, scope string) ([]int, error) {
	qs := `SELECT DISTINCT v.year_start FROM indicator_values v WHERE v.indicator_id = ? AND v.value IS NOT NULL`
	if scope == ScopeOrganizer {
		qs = `SELECT DISTINCT v.year_start FROM indicator_values v JOIN units u ON u.unit_code = v.unit_code
			WHERE v.indicator_id = ? AND v.value IS NOT NULL`
	}
	rows, err := db.Query(ctx, qs+" ORDER BY 1", indicatorID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ys []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, err
		}
		ys = append(ys, y)
	}
	return ys, rows.Err()
}

type yearFit struct {
	rows            []AdjustedRow
	n, few, missing int
	coef            []Coefficient
	r2, rse         float64
}

// adjustedYear fits (or applies) the model for one year and returns rows
// for the organizer's units in the fit.
func adjustedYear(ctx context.Context, db store.Q, res *AdjustedResult, ys int) (*yearFit, error) {
	ids := []any{res.Outcome.ID}
	for _, p := range res.Predictors {
		ids = append(ids, p.ID)
	}
	join := "LEFT JOIN units u ON u.unit_code = v.unit_code"
	if res.Scope == ScopeOrganizer {
		join = "JOIN units u ON u.unit_code = v.unit_code"
	}
	// Only columns of the covering index indicator_values_indicator_year
	// (and the units' names), so national scale stays fast.
	rows, err := loadFitValues(ctx, db, `SELECT v.indicator_id, v.unit_code, u.id, COALESCE(u.name, ''), v.value, v.pupils
		FROM indicator_values v `+join+` WHERE v.indicator_id IN (`+store.Placeholders(len(ids))+`) AND v.year_start = ?
		AND v.grp = 'all' AND v.unit_code <> ?`, append(ids, ys, NationalCode)...)
	if err != nil {
		return nil, err
	}
	type unitData struct {
		id      *int64
		code    string
		name    string
		outcome *valueRow
		preds   []*float64
	}
	units := map[string]*unitData{}
	pos := map[int64]int{}
	for i, p := range res.Predictors {
		pos[p.ID] = i
	}
	for i := range rows {
		r := &rows[i]
		u := units[r.unitCode]
		if u == nil {
			u = &unitData{id: r.unitID, code: r.unitCode, name: r.unitName, preds: make([]*float64, len(res.Predictors))}
			units[r.unitCode] = u
		}
		if r.indicatorID == res.Outcome.ID {
			u.outcome = r
		} else {
			u.preds[pos[r.indicatorID]] = r.value
		}
	}
	codes := make([]string, 0, len(units))
	for c := range units {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	f := &yearFit{}
	var (
		y    []float64
		x    [][]float64
		keep []*unitData
	)
	for _, c := range codes {
		u := units[c]
		if u.outcome == nil || u.outcome.value == nil || slices.Contains(u.preds, nil) {
			f.missing++
			continue
		}
		if u.outcome.pupils != nil && *u.outcome.pupils < MinRegressionPupils {
			f.few++
			continue
		}
		row := make([]float64, len(u.preds))
		for i, pv := range u.preds {
			row[i] = *pv
		}
		y = append(y, *u.outcome.value)
		x = append(x, row)
		keep = append(keep, u)
	}
	if len(y) == 0 {
		return nil, errNoData
	}
	f.n = len(y)
	var predict func(row []float64) (float64, float64, float64)
	switch res.Model {
	case ModelSALSA2016:
		m := stats.SALSA2016
		f.coef = append(f.coef, Coefficient{Name: "(intercept)", Value: m.Coef[0]})
		for i, n := range m.Names {
			f.coef = append(f.coef, Coefficient{Name: n, Value: m.Coef[i+1]})
		}
		f.r2, f.rse = math.NaN(), m.ResidualSE
		predict = func(row []float64) (float64, float64, float64) {
			return m.Predict(salsaScale(res.Predictors, row), res.Level)
		}
	default:
		names := make([]string, len(res.Predictors))
		for i, p := range res.Predictors {
			names[i] = p.Key
		}
		fit, err := stats.OLS(y, x, names)
		if err != nil {
			if errors.Is(err, stats.ErrTooFewRows) || errors.Is(err, stats.ErrSingular) {
				return nil, fmt.Errorf("%w: %w", app.Errorf(app.EINVALID, "unitpicture.err.too_few_units"), err)
			}
			return nil, err
		}
		for i, n := range fit.Names {
			f.coef = append(f.coef, Coefficient{Name: n, Value: fit.Coef[i], SE: fit.SE[i]})
		}
		f.r2, f.rse = fit.R2, fit.ResidualSE
		predict = func(row []float64) (float64, float64, float64) { return fit.Predict(row, res.Level) }
	}
	for i, u := range keep {
		if u.id == nil {
			continue
		}
		exp, lo, hi := predict(x[i])
		r := AdjustedRow{UnitID: *u.id, Code: u.code, Name: u.name, Pupils: u.outcome.pupils, Actual: y[i], Expected: exp,
			Residual: y[i] - exp, Lower: lo, Upper: hi, Predictors: x[i], Verdict: "within"}
		switch {
		case y[i] > hi:
			r.Verdict = "above"
		case y[i] < lo:
			r.Verdict = "below"
		}
		f.rows = append(f.rows, r)
	}
	sort.Slice(f.rows, func(i, j int) bool { return f.rows[i].Name < f.rows[j].Name })
	return f, nil
}

// adjustedSources fills in where the organizer's values of the analysis came from.
func adjustedSources(ctx context.Context, db store.Q, res *AdjustedResult, ys int) error {
	ids := []any{res.Outcome.ID}
	for _, p := range res.Predictors {
		ids = append(ids, p.ID)
	}
	rows, err := db.Query(ctx, `SELECT v.source, v.imported_at FROM units u JOIN indicator_values v ON v.unit_code = u.unit_code
		WHERE v.indicator_id IN (`+store.Placeholders(len(ids))+`) AND v.year_start = ?`, append(ids, ys)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var src string
		var at time.Time
		if err := rows.Scan(&src, &at); err != nil {
			return err
		}
		if !slices.Contains(res.Sources, src) {
			res.Sources = append(res.Sources, src)
		}
		if at.After(res.ImportedAt) {
			res.ImportedAt = at
		}
	}
	sort.Strings(res.Sources)
	return rows.Err()
}

func loadFitValues(ctx context.Context, db store.Q, q string, args ...any) ([]valueRow, error) {
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []valueRow
	for rows.Next() {
		var r valueRow
		if err := rows.Scan(&r.indicatorID, &r.unitCode, &r.unitID, &r.unitName, &r.value, &r.pupils); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// salsaScale turns stored percentages into the proportions the published
// SALSA coefficients expect.
func salsaScale(preds []Indicator, row []float64) []float64 {
	out := slices.Clone(row)
	for i, p := range preds {
		if p.Unit == "percent" {
			out[i] /= 100
		}
	}
	return out
}
