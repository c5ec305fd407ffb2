package web

import (
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture"
)

// The unit picture's read API. Shapes of their own (not the view models
// verbatim) so that the document stays stable and never carries NaN; the
// same scope and suppression as the pages: a suppressed value has
// "value": null, "pupils": null and "status": "suppressed".

type apiIndicator struct {
	Key          string `json:"key"`
	NameSV       string `json:"nameSv"`
	NameEN       string `json:"nameEn"`
	Unit         string `json:"unit"`
	Direction    int    `json:"direction"`
	Kind         string `json:"kind"`
	Background   bool   `json:"background"`
	BuiltIn      bool   `json:"builtIn"`
	SchoolForm   string `json:"schoolForm"`
	Source       string `json:"source"`
	DefinitionSV string `json:"definitionSv"`
	DefinitionEN string `json:"definitionEn"`
}

func toAPIIndicator(i unitpicture.Indicator) apiIndicator {
	return apiIndicator{Key: i.Key, NameSV: i.NameSV, NameEN: i.NameEN, Unit: i.Unit, Direction: int(i.Direction), Kind: i.Kind,
		Background: i.Background, BuiltIn: i.BuiltIn, SchoolForm: i.SchoolForm, Source: i.Source, DefinitionSV: i.DefinitionSV, DefinitionEN: i.DefinitionEN}
}

type apiPoint struct {
	Year       string    `json:"year"`
	Value      *float64  `json:"value"`
	Pupils     *int      `json:"pupils"`
	Status     string    `json:"status"`
	Suppressed bool      `json:"suppressed"`
	Source     string    `json:"source,omitempty"`
	ImportedAt time.Time `json:"importedAt,omitzero"`
}

func toAPIPoint(p unitpicture.Point) apiPoint {
	a := apiPoint{Year: p.Year, Status: p.Status, Suppressed: p.Suppressed, Source: p.Source, ImportedAt: p.ImportedAt}
	if !p.Suppressed {
		a.Value, a.Pupils = finitePtr(p.Value), p.Pupils
	}
	return a
}

func finitePtr(x *float64) *float64 {
	if x == nil || math.IsNaN(*x) || math.IsInf(*x, 0) {
		return nil
	}
	return x
}

func finite(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// nonZeroTime is t, or nil (null) for the zero time.
func nonZeroTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (s *Server) apiIndicators(w http.ResponseWriter, r *http.Request) error {
	inds, err := unitpicture.Indicators(r.Context(), s.db)
	if err != nil {
		return err
	}
	out := []apiIndicator{}
	for _, i := range inds {
		if i.Active {
			out = append(out, toAPIIndicator(i))
		}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"indicators": out})
}

type apiUnitValue struct {
	UnitID  int64      `json:"unitId"`
	Code    string     `json:"code"`
	Name    string     `json:"name"`
	Current apiPoint   `json:"current"`
	Series  []apiPoint `json:"series"`
}

type apiSpread struct {
	N      int      `json:"n"`
	Min    *float64 `json:"min"`
	Q1     *float64 `json:"q1"`
	Median *float64 `json:"median"`
	Q3     *float64 `json:"q3"`
	Max    *float64 `json:"max"`
}

func (s *Server) apiIndicatorValues(w http.ResponseWriter, r *http.Request) error {
	m, err := unitpicture.IndicatorView(r.Context(), s.db, auth.FromContext(r.Context()), r.PathValue("key"), strings.TrimSpace(r.URL.Query().Get("year")))
	if err != nil {
		return err
	}
	units := []apiUnitValue{}
	for _, u := range m.Units {
		a := apiUnitValue{UnitID: u.UnitID, Code: u.Code, Name: u.Name, Current: toAPIPoint(u.Current), Series: []apiPoint{}}
		for _, p := range u.Series {
			a.Series = append(a.Series, toAPIPoint(p))
		}
		units = append(units, a)
	}
	sp := apiSpread{N: m.Organizer.N}
	if sp.N > 0 {
		o := m.Organizer
		sp.Min, sp.Q1, sp.Median, sp.Q3, sp.Max = finite(o.Min), finite(o.Q1), finite(o.Median), finite(o.Q3), finite(o.Max)
	}
	var national any
	if m.National != nil {
		national = map[string]any{"value": finite(m.National.Value), "basis": m.National.Basis, "n": m.National.N}
	}
	return writeJSON(w, http.StatusOK, map[string]any{
		"indicator": toAPIIndicator(m.Indicator), "year": m.Year, "years": nonNil(m.Years), "units": units,
		"organizer": sp, "national": national, "suppressedUnits": m.Suppressed, "minPupils": unitpicture.MinPupils,
		"sources": nonNil(m.Sources), "importedAt": nonZeroTime(m.ImportedAt),
	})
}

type apiAdjustedRow struct {
	UnitID     int64    `json:"unitId"`
	Code       string   `json:"code"`
	Name       string   `json:"name"`
	Pupils     *int     `json:"pupils"`
	Actual     *float64 `json:"actual"`
	Expected   *float64 `json:"expected"`
	Residual   *float64 `json:"residual"`
	Lower      *float64 `json:"lower"`
	Upper      *float64 `json:"upper"`
	Verdict    string   `json:"verdict"`
	YearsAbove int      `json:"yearsAbove"`
	YearsBelow int      `json:"yearsBelow"`
}

type apiCoef struct {
	Name  string   `json:"name"`
	Value *float64 `json:"value"`
	SE    *float64 `json:"se"`
}

func (s *Server) apiAdjusted(w http.ResponseWriter, r *http.Request) error {
	aq, _, _ := adjustedQuery(r)
	res, err := unitpicture.Adjusted(r.Context(), s.db, auth.FromContext(r.Context()), aq)
	if err != nil {
		return err
	}
	rows := []apiAdjustedRow{}
	for _, x := range res.Rows {
		rows = append(rows, apiAdjustedRow{UnitID: x.UnitID, Code: x.Code, Name: x.Name, Pupils: x.Pupils, Actual: finite(x.Actual),
			Expected: finite(x.Expected), Residual: finite(x.Residual), Lower: finite(x.Lower), Upper: finite(x.Upper), Verdict: x.Verdict,
			YearsAbove: x.YearsAbove, YearsBelow: x.YearsBelow})
	}
	coef := []apiCoef{}
	for _, c := range res.Coef {
		a := apiCoef{Name: c.Name, Value: finite(c.Value)}
		if c.SE > 0 {
			a.SE = finite(c.SE)
		}
		coef = append(coef, a)
	}
	preds := []string{}
	for _, p := range res.Predictors {
		preds = append(preds, p.Key)
	}
	return writeJSON(w, http.StatusOK, map[string]any{
		"outcome": res.Outcome.Key, "predictors": preds, "year": res.Year, "model": res.Model, "scope": res.Scope, "level": res.Level,
		"coefficients": coef, "r2": finitePtr(res.R2), "residualSe": finite(res.ResidualSE), "n": res.N,
		"excludedFewPupils": res.ExcludedFewPupils, "excludedMissing": res.ExcludedMissing, "minPupils": unitpicture.MinRegressionPupils,
		"rows": rows,
	})
}

type apiProfileRow struct {
	Indicator       string     `json:"indicator"`
	Name            string     `json:"name"`
	Background      bool       `json:"background"`
	Latest          apiPoint   `json:"latest"`
	Series          []apiPoint `json:"series"`
	OrganizerMedian *float64   `json:"organizerMedian"`
	Baseline        *apiPoint  `json:"baseline"`
	Move            string     `json:"move"`
	Diff            *float64   `json:"diff"`
	Lower           *float64   `json:"lower"`
	Upper           *float64   `json:"upper"`
	Score           int        `json:"score"`
	Reasons         []string   `json:"reasons"`
}

func (s *Server) apiUnitProfile(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	prof, err := unitpicture.UnitProfile(r.Context(), s.db, auth.FromContext(r.Context()), id, strings.TrimSpace(r.URL.Query().Get("baseline")))
	if err != nil {
		return err
	}
	rows := []apiProfileRow{}
	for _, x := range prof.Rows {
		a := apiProfileRow{Indicator: x.Indicator.Key, Name: x.Indicator.NameSV, Background: x.Indicator.Background, Latest: toAPIPoint(x.Latest),
			Series: []apiPoint{}, OrganizerMedian: finitePtr(x.OrganizerMedian), Move: string(x.Change.Move), Score: x.Score, Reasons: nonNil(x.Reasons)}
		for _, p := range x.Series {
			a.Series = append(a.Series, toAPIPoint(p))
		}
		if x.Change.From.Year != "" {
			b := toAPIPoint(x.Change.From)
			a.Baseline = &b
		}
		if t := x.Change.Test; t != nil {
			a.Diff, a.Lower, a.Upper = finite(t.Diff), finite(t.Lower), finite(t.Upper)
		}
		rows = append(rows, a)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"unitId": prof.UnitID, "code": prof.Code, "name": prof.Name, "baseline": prof.Baseline, "rows": rows})
}
