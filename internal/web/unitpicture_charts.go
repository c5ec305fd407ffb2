package web

import (
	"bytes"
	"image/color"
	"math"
	"net/http"
	"regexp"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/export"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture"
)

// Charts of the unit picture, drawn with gonum/plot and its SVG backend.
// vgsvg writes style attributes, which the pages' CSP (no 'unsafe-inline'
// for styles) would block in inline SVG, so every chart is its own SVG
// document served from its own route and shown with <img>: the page's CSP
// does not govern an image's insides. The charts are drawn from the same
// scoped and suppressed view models as the tables beside them, which carry
// the same figures for screen readers (the img's alt points to the table).

var (
	upInk     = color.RGBA{0x1f, 0x29, 0x33, 0xff}
	upBlue    = color.RGBA{0x1d, 0x4f, 0x91, 0xff}
	upGrey    = color.RGBA{0x8a, 0x94, 0x9e, 0xff}
	upBand    = color.RGBA{0xd6, 0xe4, 0xf5, 0xff}
	upOrange  = color.RGBA{0xb3, 0x54, 0x00, 0xff}
	upGreen   = color.RGBA{0x1e, 0x7b, 0x3a, 0xff}
	upRed     = color.RGBA{0xb0, 0x1e, 0x2d, 0xff}
	chartFont = font.Variant("Sans")
)

// newUpPlot returns a plot in the house style, with ticks in lang.
func newUpPlot(lang string) *plot.Plot {
	p := plot.New()
	for _, st := range []*vg.Length{&p.Title.TextStyle.Font.Size} {
		*st = 11
	}
	p.Title.TextStyle.Font.Variant = chartFont
	p.Legend.TextStyle.Font.Variant = chartFont
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Variant = chartFont
		a.Label.TextStyle.Font.Size = 10
		a.Tick.Label.Font.Variant = chartFont
		a.Tick.Label.Font.Size = 9
		a.Tick.Marker = localTicks(lang)
	}
	p.Legend.Top = true
	p.Legend.TextStyle.Font.Size = 9
	return p
}

// localTicks writes tick labels with i18n.Number in lang, with the
// decimals the default ticker chose (trailing zeros dropped).
func localTicks(lang string) plot.Ticker {
	return plot.TickerFunc(func(min, max float64) []plot.Tick {
		ts := plot.DefaultTicks{}.Ticks(min, max)
		for i := range ts {
			lb := ts[i].Label
			if lb == "" || strings.ContainsAny(lb, "eE") {
				continue
			}
			if strings.Contains(lb, ".") {
				lb = strings.TrimSuffix(strings.TrimRight(lb, "0"), ".")
			}
			_, frac, _ := strings.Cut(lb, ".")
			ts[i].Label = i18n.Number(lang, ts[i].Value, len(frac))
		}
		return ts
	})
}

// svgOf draws the plots in a grid of cols columns onto one SVG.
func svgOf(plots []*plot.Plot, cols int, w, h vg.Length) ([]byte, error) {
	c := vgsvg.New(w, h)
	dc := draw.New(c)
	if len(plots) == 1 {
		plots[0].Draw(dc)
	} else {
		rows := (len(plots) + cols - 1) / cols
		grid := make([][]*plot.Plot, rows)
		for i := range grid {
			grid[i] = make([]*plot.Plot, cols)
			for j := range cols {
				if k := i*cols + j; k < len(plots) {
					grid[i][j] = plots[k]
				}
			}
		}
		t := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
			PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
		canvases := plot.Align(grid, t, dc)
		for i := range grid {
			for j, p := range grid[i] {
				if p != nil {
					p.Draw(canvases[i][j])
				}
			}
		}
	}
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, err
	}
	return fluid(buf.Bytes()), nil
}

// svgSize matches the fixed width and height vgsvg gives the root element.
var svgSize = regexp.MustCompile(`<svg width="[0-9.]+pt" height="[0-9.]+pt" `)

// fluid drops the root's fixed size and keeps its viewBox, so the image
// takes the width of its container (a phone's too) at the chart's ratio.
func fluid(b []byte) []byte {
	if loc := svgSize.FindIndex(b); loc != nil {
		return append(append(append([]byte(nil), b[:loc[0]]...), "<svg "...), b[loc[1]:]...)
	}
	return b
}

// emptySVG is the image of a chart without data (the page says why).
var emptySVG = []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1" viewBox="0 0 1 1"></svg>`)

// sendSVG serves a chart. Its own CSP lets the SVG's style attributes
// apply when it is opened on its own, and allows nothing else.
func sendSVG(w http.ResponseWriter, b []byte) error {
	h := w.Header()
	h.Set("Content-Type", "image/svg+xml")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	h.Set("Cache-Control", "private, max-age=300")
	_, err := w.Write(b)
	return err
}

func (s *Server) upChart(w http.ResponseWriter, r *http.Request, draw func(l *i18n.Localizer) ([]byte, error)) error {
	b, err := draw(s.pageLocalizer(r, "unitpicture"))
	if err != nil {
		return err
	}
	if b == nil {
		b = emptySVG
	}
	return sendSVG(w, b)
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
	var us []unitpicture.UnitSeries
	for _, u := range sortedUnits(m) {
		if u.Current.Has() {
			us = append(us, u)
		}
	}
	if len(us) == 0 {
		return nil, nil
	}
	n := len(us)
	p := newUpPlot(l.Lang)
	p.X.Label.Text = l.T("upw.col.value_unit", "Unit", upUnitLabel(m.Indicator, l))
	names := make([]string, n)
	pts := make(plotter.XYs, n)
	labels := plotter.XYLabels{XYs: make(plotter.XYs, n), Labels: make([]string, n)}
	xmin, xmax := math.Inf(1), math.Inf(-1)
	for i, u := range us {
		y := float64(n - 1 - i) // best at the top
		names[n-1-i] = u.Name
		x := *u.Current.Value
		pts[i] = plotter.XY{X: x, Y: y}
		labels.XYs[i] = plotter.XY{X: x, Y: y}
		if u.Current.Pupils != nil {
			labels.Labels[i] = l.T("upw.chart.pupils", "N", *u.Current.Pupils)
		}
		xmin, xmax = math.Min(xmin, x), math.Max(xmax, x)
	}
	if o := m.Organizer; o.N > 0 {
		band, err := plotter.NewPolygon(plotter.XYs{{X: o.Q1, Y: -0.5}, {X: o.Q3, Y: -0.5}, {X: o.Q3, Y: float64(n) - 0.5}, {X: o.Q1, Y: float64(n) - 0.5}})
		if err != nil {
			return nil, err
		}
		band.Color, band.LineStyle.Width = upBand, 0
		p.Add(band)
		p.Legend.Add(l.T("upw.chart.quartiles"), band)
		med, err := plotter.NewLine(plotter.XYs{{X: o.Median, Y: -0.5}, {X: o.Median, Y: float64(n) - 0.5}})
		if err != nil {
			return nil, err
		}
		med.Color, med.Width = upBlue, vg.Points(1.5)
		p.Add(med)
		p.Legend.Add(l.T("upw.chart.median"), med)
	}
	if m.National != nil {
		nat, err := plotter.NewLine(plotter.XYs{{X: m.National.Value, Y: -0.5}, {X: m.National.Value, Y: float64(n) - 0.5}})
		if err != nil {
			return nil, err
		}
		nat.Color, nat.Width, nat.Dashes = upOrange, vg.Points(1.5), []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(nat)
		p.Legend.Add(l.T("upw.chart.national"), nat)
		xmin, xmax = math.Min(xmin, m.National.Value), math.Max(xmax, m.National.Value)
	}
	sc, err := plotter.NewScatter(pts)
	if err != nil {
		return nil, err
	}
	sc.GlyphStyle.Color, sc.GlyphStyle.Radius, sc.GlyphStyle.Shape = upInk, vg.Points(3.5), draw.CircleGlyph{}
	p.Add(sc)
	lb, err := plotter.NewLabels(labels)
	if err != nil {
		return nil, err
	}
	for i := range lb.TextStyle {
		lb.TextStyle[i].Font.Variant, lb.TextStyle[i].Font.Size, lb.TextStyle[i].Color = chartFont, 8, upGrey
	}
	lb.Offset = vg.Point{X: vg.Points(6), Y: -vg.Points(3)}
	p.Add(lb)
	p.NominalY(names...)
	span := math.Max(xmax-xmin, 1)
	p.X.Min, p.X.Max = xmin-span*0.05, xmax+span*0.15
	p.Y.Min, p.Y.Max = -0.7, float64(n)+1.6 // room for the legend above the top row
	p.Add(plotter.NewGrid())
	h := vg.Length(n)*vg.Millimeter*7 + vg.Centimeter*4.5
	return svgOf([]*plot.Plot{p}, 1, vg.Centimeter*18, h)
}

// seriesLine is a unit's values over the years (gaps where there is no number).
func seriesXYs(pts []unitpicture.Point, years []string) plotter.XYs {
	var xy plotter.XYs
	for _, pt := range pts {
		if !pt.Has() {
			continue
		}
		for i, y := range years {
			if y == pt.Year {
				xy = append(xy, plotter.XY{X: float64(i), Y: *pt.Value})
			}
		}
	}
	return xy
}

// yearTicks labels the x axis with school years.
func yearTicks(years []string) plot.Ticker {
	return plot.TickerFunc(func(min, max float64) []plot.Tick {
		var ts []plot.Tick
		step := 1
		if len(years) > 4 {
			step = 2
		}
		for i := 0; i < len(years); i += step {
			ts = append(ts, plot.Tick{Value: float64(i), Label: years[i][2:4] + "/" + years[i][5:]})
		}
		return ts
	})
}

// trendsChart: small multiples, one per unit, with the organizer's median
// per year in grey behind each unit's line; all on the same scale.
func trendsChart(m *unitpicture.IndicatorViewModel, l *i18n.Localizer) ([]byte, error) {
	if len(m.Units) == 0 || len(m.Years) == 0 {
		return nil, nil
	}
	var medXY plotter.XYs
	for _, ym := range m.OrganizerSeries {
		for i, y := range m.Years {
			if y == ym.Year {
				medXY = append(medXY, plotter.XY{X: float64(i), Y: ym.Median})
			}
		}
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, xy := range medXY {
		lo, hi = math.Min(lo, xy.Y), math.Max(hi, xy.Y)
	}
	var plots []*plot.Plot
	for _, u := range m.Units {
		xy := seriesXYs(u.Series, m.Years)
		for _, p := range xy {
			lo, hi = math.Min(lo, p.Y), math.Max(hi, p.Y)
		}
		p := newUpPlot(l.Lang)
		p.Title.Text = u.Name
		p.Title.TextStyle.Font.Size = 9
		p.X.Tick.Marker = yearTicks(m.Years)
		p.X.Min, p.X.Max = -0.3, float64(len(m.Years))-0.7
		if len(medXY) > 0 {
			ln, err := plotter.NewLine(medXY)
			if err != nil {
				return nil, err
			}
			ln.Color, ln.Width = upGrey, vg.Points(1)
			p.Add(ln)
		}
		if len(xy) > 0 {
			ln, sc, err := plotter.NewLinePoints(xy)
			if err != nil {
				return nil, err
			}
			ln.Color, ln.Width, sc.Color, sc.Radius = upBlue, vg.Points(1.5), upBlue, vg.Points(2)
			p.Add(ln, sc)
		}
		plots = append(plots, p)
	}
	if math.IsInf(lo, 0) {
		return nil, nil
	}
	pad := math.Max((hi-lo)*0.1, 0.5)
	for _, p := range plots {
		p.Y.Min, p.Y.Max = lo-pad, hi+pad
	}
	cols := min(4, len(plots))
	rows := (len(plots) + cols - 1) / cols
	return svgOf(plots, cols, vg.Centimeter*18, vg.Length(rows)*vg.Centimeter*4.2)
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
	years := profileYears(prof)
	var plots []*plot.Plot
	for _, row := range prof.Rows {
		if row.Indicator.Background {
			continue
		}
		xy := seriesXYs(row.Series, years)
		if len(xy) == 0 {
			continue
		}
		p := newUpPlot(l.Lang)
		p.Title.Text = wrap(row.Indicator.Name(l.Lang), 32)
		p.Title.TextStyle.Font.Size = 8
		p.X.Tick.Marker = yearTicks(years)
		p.X.Min, p.X.Max = -0.3, float64(len(years))-0.7
		ln, sc, err := plotter.NewLinePoints(xy)
		if err != nil {
			return nil, err
		}
		col := upBlue
		switch row.Change.Move {
		case unitpicture.Better:
			col = upGreen
		case unitpicture.Worse:
			col = upRed
		}
		ln.Color, ln.Width, sc.Color, sc.Radius = col, vg.Points(1.5), col, vg.Points(2)
		p.Add(ln, sc)
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, pt := range xy {
			lo, hi = math.Min(lo, pt.Y), math.Max(hi, pt.Y)
		}
		if row.OrganizerMedian != nil {
			lo, hi = math.Min(lo, *row.OrganizerMedian), math.Max(hi, *row.OrganizerMedian)
			med, err := plotter.NewLine(plotter.XYs{{X: -0.3, Y: *row.OrganizerMedian}, {X: float64(len(years)) - 0.7, Y: *row.OrganizerMedian}})
			if err != nil {
				return nil, err
			}
			med.Color, med.Dashes = upGrey, []vg.Length{vg.Points(3), vg.Points(2)}
			p.Add(med)
		}
		pad := math.Max((hi-lo)*0.15, 0.5)
		p.Y.Min, p.Y.Max = lo-pad, hi+pad
		plots = append(plots, p)
	}
	if len(plots) == 0 {
		return nil, nil
	}
	cols := min(3, len(plots))
	rows := (len(plots) + cols - 1) / cols
	return svgOf(plots, cols, vg.Centimeter*18, vg.Length(rows)*vg.Centimeter*4.5)
}

// wrap breaks s into at most two lines of about n characters, shortening the second.
func wrap(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	words := strings.Fields(s)
	var first string
	i := 0
	for ; i < len(words); i++ {
		next := strings.TrimSpace(first + " " + words[i])
		if len([]rune(next)) > n && first != "" {
			break
		}
		first = next
	}
	return first + "\n" + shorten(strings.Join(words[i:], " "), n)
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
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
	if len(res.Rows) == 0 {
		return nil, nil
	}
	p := newUpPlot(l.Lang)
	p.X.Label.Text = l.T("upw.chart.expected", "Name", res.Outcome.Name(l.Lang))
	p.Y.Label.Text = l.T("upw.chart.actual", "Name", res.Outcome.Name(l.Lang))
	lo, hi := math.Inf(1), math.Inf(-1)
	groups := map[string]plotter.XYs{}
	labels := plotter.XYLabels{}
	for _, r := range res.Rows {
		iv, err := plotter.NewLine(plotter.XYs{{X: r.Expected, Y: r.Lower}, {X: r.Expected, Y: r.Upper}})
		if err != nil {
			return nil, err
		}
		iv.Color, iv.Width = upGrey, vg.Points(1)
		p.Add(iv)
		groups[r.Verdict] = append(groups[r.Verdict], plotter.XY{X: r.Expected, Y: r.Actual})
		labels.XYs = append(labels.XYs, plotter.XY{X: r.Expected, Y: r.Actual})
		labels.Labels = append(labels.Labels, shorten(r.Name, 24))
		for _, v := range []float64{r.Expected, r.Actual, r.Lower, r.Upper} {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if math.IsInf(lo, 0) {
		return nil, nil
	}
	diag, err := plotter.NewLine(plotter.XYs{{X: lo, Y: lo}, {X: hi, Y: hi}})
	if err != nil {
		return nil, err
	}
	diag.Color, diag.Dashes = upInk, []vg.Length{vg.Points(4), vg.Points(3)}
	p.Add(diag)
	p.Legend.Add(l.T("upw.chart.as_expected"), diag)
	for _, g := range []struct {
		verdict, label string
		col            color.Color
		shape          draw.GlyphDrawer
	}{{"within", "upw.adj.within", upBlue, draw.CircleGlyph{}}, {"above", "upw.adj.above", upGreen, draw.TriangleGlyph{}},
		{"below", "upw.adj.below", upRed, draw.BoxGlyph{}}} {
		if len(groups[g.verdict]) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(groups[g.verdict])
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle.Color, sc.GlyphStyle.Shape, sc.GlyphStyle.Radius = g.col, g.shape, vg.Points(3.5)
		p.Add(sc)
		p.Legend.Add(l.T(g.label), sc)
	}
	lb, err := plotter.NewLabels(labels)
	if err != nil {
		return nil, err
	}
	for i := range lb.TextStyle {
		lb.TextStyle[i].Font.Variant, lb.TextStyle[i].Font.Size, lb.TextStyle[i].Color = chartFont, 7, upGrey
	}
	lb.Offset = vg.Point{X: vg.Points(5), Y: vg.Points(2)}
	p.Add(lb)
	p.Add(plotter.NewGrid())
	pad := (hi - lo) * 0.05
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = lo-pad, hi+pad*4, lo-pad, hi+pad
	return svgOf([]*plot.Plot{p}, 1, vg.Centimeter*18, vg.Centimeter*13)
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
	var plots []*plot.Plot
	for i, c := range res.Checks {
		var xy plotter.XYs
		for _, u := range res.Units {
			if u.Need != nil && u.Resources[i] != nil {
				xy = append(xy, plotter.XY{X: *u.Need, Y: *u.Resources[i]})
			}
		}
		p := newUpPlot(l.Lang)
		p.Title.Text = wrap(c.Indicator.Name(l.Lang), 30)
		p.Title.TextStyle.Font.Size = 8
		p.X.Label.Text = wrap(res.Need.Name(l.Lang), 30)
		p.X.Label.TextStyle.Font.Size = 8
		if c.Correlation != nil {
			p.Title.Text += "\nr = " + export.Format(*c.Correlation, 2, l.Lang)
		}
		if len(xy) == 0 {
			p.HideAxes()
		} else {
			sc, err := plotter.NewScatter(xy)
			if err != nil {
				return nil, err
			}
			sc.GlyphStyle.Color, sc.GlyphStyle.Radius, sc.GlyphStyle.Shape = upBlue, vg.Points(3), draw.CircleGlyph{}
			p.Add(sc)
		}
		plots = append(plots, p)
	}
	if len(plots) == 0 {
		return nil, nil
	}
	return svgOf(plots, len(plots), vg.Centimeter*18, vg.Centimeter*6.5)
}
