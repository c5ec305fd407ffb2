package web

import (
	"net/http"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/chart"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture"
)

// Charts of the unit picture, drawn by internal/chart. Every chart is its
// own SVG document served from its own route (sendSVG) and shown with
// <img>: the page's CSP does not govern an image's insides. The charts are
// drawn from the same scoped and suppressed view models as the tables
// beside them, which carry the same figures for screen readers (the img's
// alt points to the table). Here the view models become chart models, with
// their texts in the page's language.

func (s *Server) upChart(w http.ResponseWriter, r *http.Request, draw func(l *i18n.Localizer) ([]byte, error)) error {
	b, err := draw(s.pageLocalizer(r, "unitpicture"))
	if err != nil {
		return err
	}
	return sendSVG(w, b)
}

// yearSeries puts a unit's values on the chart's school years.
func yearSeries(pts []unitpicture.Point, years []string) chart.Series {
	out := make(chart.Series, len(years))
	for _, pt := range pts {
		if !pt.Has() {
			continue
		}
		for i, y := range years {
			if y == pt.Year {
				out[i] = pt.Value
			}
		}
	}
	return out
}

// ---- the indicator view: every unit on one dot chart ----

func (s *Server) upIndicatorChart(w http.ResponseWriter, r *http.Request) error {
	m, err := s.chartView(r)
	if err != nil {
		return err
	}
	return s.upChart(w, r, func(l *i18n.Localizer) ([]byte, error) { return indicatorDotChart(m, l) })
}

func (s *Server) upTrendsChart(w http.ResponseWriter, r *http.Request) error {
	m, err := s.chartView(r)
	if err != nil {
		return err
	}
	return s.upChart(w, r, func(l *i18n.Localizer) ([]byte, error) { return trendsChart(m, l) })
}

func (s *Server) chartView(r *http.Request) (*unitpicture.IndicatorViewModel, error) {
	q := r.URL.Query()
	key := q.Get("indicator")
	if key == "" {
		key = unitpicture.DefaultOutcome
	}
	return unitpicture.IndicatorView(r.Context(), s.db, auth.FromContext(r.Context()), key, q.Get("year"))
}

// indicatorDotChart: a row per unit with a value, sorted with the best at
// the top; the organizer's quartile band and median; the national value;
// the number of pupils beside each dot.
func indicatorDotChart(m *unitpicture.IndicatorViewModel, l *i18n.Localizer) ([]byte, error) {
	d := chart.Dots{Doc: chart.Doc{Lang: l.Lang, Title: m.Indicator.Name(l.Lang), Desc: l.T("upw.ind.chart_alt")}, XLabel: l.T("upw.col.value_unit", "Unit", upUnitLabel(m.Indicator, l))}
	for _, u := range sortedUnits(m) {
		if !u.Current.Has() {
			continue
		}
		dot := chart.Dot{Name: u.Name, Value: *u.Current.Value}
		if u.Current.Pupils != nil {
			dot.Note = l.T("upw.chart.pupils", "N", *u.Current.Pupils)
		}
		d.Rows = append(d.Rows, dot)
	}
	if o := m.Organizer; o.N > 0 {
		d.Band = &chart.Band{Q1: o.Q1, Median: o.Median, Q3: o.Q3, Label: l.T("upw.chart.quartiles"), MedianLabel: l.T("upw.chart.median")}
	}
	if m.National != nil {
		d.Ref = &chart.Ref{Value: m.National.Value, Label: l.T("upw.chart.national")}
	}
	return chart.DotChart(d)
}

// trendsChart: small multiples, one per unit, with the organizer's median
// per year in grey behind each unit's line; all on the same scale.
func trendsChart(m *unitpicture.IndicatorViewModel, l *i18n.Localizer) ([]byte, error) {
	t := chart.Trends{Doc: chart.Doc{Lang: l.Lang, Title: m.Indicator.Name(l.Lang), Desc: l.T("upw.ind.trends_alt"), NotFromZero: l.T("upw.chart.not_from_zero")}, Years: m.Years, Ref: make(chart.Series, len(m.Years))}
	for _, ym := range m.OrganizerSeries {
		for i, y := range m.Years {
			if y == ym.Year {
				t.Ref[i] = &ym.Median
			}
		}
	}
	for _, u := range m.Units {
		t.Panels = append(t.Panels, chart.TrendPanel{Title: u.Name, Values: yearSeries(u.Series, m.Years)})
	}
	return chart.TrendsChart(t)
}

// ---- the unit profile: a small chart per indicator ----

func (s *Server) upUnitChart(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	prof, err := unitpicture.UnitProfile(r.Context(), s.db, auth.FromContext(r.Context()), id, r.URL.Query().Get("baseline"))
	if app.Code(err) == app.EINVALID {
		prof, err = unitpicture.UnitProfile(r.Context(), s.db, auth.FromContext(r.Context()), id, "")
	}
	if err != nil {
		return err
	}
	return s.upChart(w, r, func(l *i18n.Localizer) ([]byte, error) { return profileChart(prof, l) })
}

func profileChart(prof *unitpicture.Profile, l *i18n.Localizer) ([]byte, error) {
	c := chart.Profile{Doc: chart.Doc{Lang: l.Lang, Title: prof.Name, Desc: l.T("upw.unit.chart_alt"), NotFromZero: l.T("upw.chart.not_from_zero")}, Years: profileYears(prof)}
	for _, row := range prof.Rows {
		if row.Indicator.Background {
			continue
		}
		move := chart.Neutral
		switch row.Change.Move {
		case unitpicture.Better:
			move = chart.Better
		case unitpicture.Worse:
			move = chart.Worse
		}
		c.Panels = append(c.Panels, chart.ProfilePanel{Title: row.Indicator.Name(l.Lang), Values: yearSeries(row.Series, c.Years),
			Move: move, Level: row.OrganizerMedian})
	}
	return chart.ProfileChart(c)
}

// ---- results against background: actual against expected ----

func (s *Server) upAdjustedChart(w http.ResponseWriter, r *http.Request) error {
	aq, _, _ := adjustedQuery(r)
	res, err := unitpicture.Adjusted(r.Context(), s.db, auth.FromContext(r.Context()), aq)
	if err != nil {
		return err
	}
	return s.upChart(w, r, func(l *i18n.Localizer) ([]byte, error) { return adjustedChart(res, l) })
}

// adjustedChart: each unit at (expected, actual) with its prediction
// interval as a vertical bar; the line actual = expected.
func adjustedChart(res *unitpicture.AdjustedResult, l *i18n.Localizer) ([]byte, error) {
	a := chart.Adjusted{Doc: chart.Doc{Lang: l.Lang, Title: res.Outcome.Name(l.Lang), Desc: l.T("upw.adj.chart_alt")},
		XLabel: l.T("upw.chart.expected", "Name", res.Outcome.Name(l.Lang)), YLabel: l.T("upw.chart.actual", "Name", res.Outcome.Name(l.Lang)),
		AsExpected: l.T("upw.chart.as_expected"), Within: l.T("upw.adj.within"), Above: l.T("upw.adj.above"), Below: l.T("upw.adj.below")}
	for _, r := range res.Rows {
		a.Rows = append(a.Rows, chart.AdjustedRow{Name: r.Name, Expected: r.Expected, Actual: r.Actual, Lower: r.Lower, Upper: r.Upper, Verdict: r.Verdict})
	}
	return chart.AdjustedChart(a)
}

// ---- the compensatory check: each resource against need ----

func (s *Server) upCompensatoryChart(w http.ResponseWriter, r *http.Request) error {
	res, err := unitpicture.Compensatory(r.Context(), s.db, auth.FromContext(r.Context()), r.URL.Query().Get("year"))
	if err != nil {
		return err
	}
	return s.upChart(w, r, func(l *i18n.Localizer) ([]byte, error) { return compensatoryChart(res, l) })
}

func compensatoryChart(res *unitpicture.CompensatoryResult, l *i18n.Localizer) ([]byte, error) {
	sc := chart.Scatters{Doc: chart.Doc{Lang: l.Lang, Title: res.Need.Name(l.Lang), Desc: l.T("upw.comp.chart_alt")}}
	for i, c := range res.Checks {
		p := chart.ScatterPanel{Title: c.Indicator.Name(l.Lang), XLabel: res.Need.Name(l.Lang)}
		if c.Correlation != nil {
			p.Note = "r = " + l.Number(*c.Correlation, 2)
		}
		for _, u := range res.Units {
			if u.Need != nil && u.Resources[i] != nil {
				p.Points = append(p.Points, chart.XY{X: *u.Need, Y: *u.Resources[i], Label: u.Name})
			}
		}
		sc.Panels = append(sc.Panels, p)
	}
	return chart.ScattersChart(sc)
}
