package chart

import (
	"gonum.org/v1/plot/font"
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Dots is a dot chart: a row per unit, top row first, with an optional
// quartile band and median and an optional national value.
type Dots struct {
	Doc
	XLabel string
	Rows   []Dot // top to bottom
	Band   *Band
	Ref    *Ref // e.g. the national value: a dashed vertical line
}

// A Dot is one row of a dot chart.
type Dot struct {
	Name  string
	Value float64
	Note  string // beside the dot, e.g. the number of pupils; may be empty
}

// Band is a shaded interval from Q1 to Q3 with a line at the median.
type Band struct {
	Q1, Median, Q3     float64
	Label, MedianLabel string // legend texts
}

// Ref is a reference value and its legend text.
type Ref struct {
	Value float64
	Label string
}

// DotChart draws d; nil when it has no rows.
func DotChart(d Dots) ([]byte, error) {
	n := len(d.Rows)
	if n == 0 {
		return nil, nil
	}
	p := newPlot(d.Lang)
	p.X.Label.Text = d.XLabel
	names := make([]string, n)
	pts := make(plotter.XYs, n)
	labels := plotter.XYLabels{XYs: make(plotter.XYs, n), Labels: make([]string, n)}
	xmin, xmax := math.Inf(1), math.Inf(-1)
	for i, r := range d.Rows {
		y := float64(n - 1 - i) // the first row at the top
		names[n-1-i] = r.Name
		pts[i] = plotter.XY{X: r.Value, Y: y}
		labels.XYs[i] = plotter.XY{X: r.Value, Y: y}
		labels.Labels[i] = r.Note
		xmin, xmax = math.Min(xmin, r.Value), math.Max(xmax, r.Value)
	}
	if b := d.Band; b != nil {
		poly, err := plotter.NewPolygon(plotter.XYs{{X: b.Q1, Y: -0.5}, {X: b.Q3, Y: -0.5}, {X: b.Q3, Y: float64(n) - 0.5}, {X: b.Q1, Y: float64(n) - 0.5}})
		if err != nil {
			return nil, err
		}
		poly.Color, poly.LineStyle.Width = band, 0
		p.Add(poly)
		p.Legend.Add(b.Label, poly)
		med, err := plotter.NewLine(plotter.XYs{{X: b.Median, Y: -0.5}, {X: b.Median, Y: float64(n) - 0.5}})
		if err != nil {
			return nil, err
		}
		med.Color, med.Width = blue, vg.Points(1.5)
		p.Add(med)
		p.Legend.Add(b.MedianLabel, med)
	}
	if ref := d.Ref; ref != nil {
		nat, err := plotter.NewLine(plotter.XYs{{X: ref.Value, Y: -0.5}, {X: ref.Value, Y: float64(n) - 0.5}})
		if err != nil {
			return nil, err
		}
		nat.Color, nat.Width, nat.Dashes = orange, vg.Points(1.5), []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(nat)
		p.Legend.Add(ref.Label, nat)
		xmin, xmax = math.Min(xmin, ref.Value), math.Max(xmax, ref.Value)
	}
	sc, err := plotter.NewScatter(pts)
	if err != nil {
		return nil, err
	}
	sc.GlyphStyle.Color, sc.GlyphStyle.Radius, sc.GlyphStyle.Shape = ink, vg.Points(3.5), draw.CircleGlyph{}
	p.Add(sc)
	lb, err := plotter.NewLabels(labels)
	if err != nil {
		return nil, err
	}
	for i := range lb.TextStyle {
		lb.TextStyle[i].Font.Variant, lb.TextStyle[i].Font.Size, lb.TextStyle[i].Color = sans, 8, muted
	}
	lb.Offset = vg.Point{X: vg.Points(6), Y: -vg.Points(3)}
	p.Add(lb)
	p.NominalY(names...)
	span := math.Max(xmax-xmin, 1)
	p.X.Min, p.X.Max = xmin-span*0.05, xmax+span*0.15
	p.Y.Min, p.Y.Max = -0.7, float64(n)+1.6 // room for the legend above the top row
	p.Add(plotter.NewGrid())
	h := vg.Length(n)*vg.Millimeter*7 + vg.Centimeter*4.5
	return svgOf(d.Doc, []*plot.Plot{p}, 1, vg.Centimeter*18, h)
}

// A Series is one value per school year of the chart's Years, nil where
// there is no number (the line joins the points on either side).
type Series []*float64

func (s Series) xys() plotter.XYs {
	var xy plotter.XYs
	for i, v := range s {
		if v != nil {
			xy = append(xy, plotter.XY{X: float64(i), Y: *v})
		}
	}
	return xy
}

// Trends is small multiples, one panel per unit, with a reference series
// (the organizer's median) in grey behind each unit's line, all on the
// same scale.
type Trends struct {
	Doc
	Years  []string // school years "2024/25", the x axis
	Ref    Series   // may be empty
	Panels []TrendPanel
}

// A TrendPanel is one unit's line.
type TrendPanel struct {
	Title  string
	Values Series
}

// TrendsChart draws t; nil when there are no panels or no numbers.
func TrendsChart(t Trends) ([]byte, error) {
	if len(t.Panels) == 0 || len(t.Years) == 0 {
		return nil, nil
	}
	refXY := t.Ref.xys()
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, xy := range refXY {
		lo, hi = math.Min(lo, xy.Y), math.Max(hi, xy.Y)
	}
	var plots []*plot.Plot
	for _, u := range t.Panels {
		xy := u.Values.xys()
		for _, p := range xy {
			lo, hi = math.Min(lo, p.Y), math.Max(hi, p.Y)
		}
		p := newPlot(t.Lang)
		p.Title.Text = u.Title
		p.Title.TextStyle.Font.Size = 9
		p.X.Tick.Marker = yearTicks(t.Years)
		p.X.Min, p.X.Max = -0.3, float64(len(t.Years))-0.7
		if len(refXY) > 0 {
			ln, err := plotter.NewLine(refXY)
			if err != nil {
				return nil, err
			}
			ln.Color, ln.Width = grey, vg.Points(1)
			p.Add(ln)
		}
		if len(xy) > 0 {
			ln, sc, err := plotter.NewLinePoints(xy)
			if err != nil {
				return nil, err
			}
			ln.Color, ln.Width, sc.Color, sc.Radius = blue, vg.Points(1.5), blue, vg.Points(2)
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
	return svgOf(t.Doc, plots, cols, vg.Centimeter*18, vg.Length(rows)*vg.Centimeter*4.2)
}

// Move colours a profile panel's line.
type Move int

// Moves: no judgement (blue), better (green), worse (red).
const (
	Neutral Move = iota
	Better
	Worse
)

// Profile is a unit's small charts, one per indicator, each on its own
// scale, with an optional level (the organizer's median) as a dashed line.
type Profile struct {
	Doc
	Years  []string
	Panels []ProfilePanel
}

// A ProfilePanel is one indicator's series.
type ProfilePanel struct {
	Title  string // wrapped onto two lines when long
	Values Series
	Move   Move
	Level  *float64
}

// ProfileChart draws p; nil when no panel has a number.
func ProfileChart(pr Profile) ([]byte, error) {
	var plots []*plot.Plot
	for _, row := range pr.Panels {
		xy := row.Values.xys()
		if len(xy) == 0 {
			continue
		}
		p := newPlot(pr.Lang)
		p.Title.Text = wrapAll(row.Title, 34)
		p.Title.TextStyle.Font.Size = 8
		p.X.Tick.Marker = yearTicks(pr.Years)
		p.X.Min, p.X.Max = -0.3, float64(len(pr.Years))-0.7
		ln, sc, err := plotter.NewLinePoints(xy)
		if err != nil {
			return nil, err
		}
		col := blue
		switch row.Move {
		case Better:
			col = green
		case Worse:
			col = red
		}
		ln.Color, ln.Width, sc.Color, sc.Radius = col, vg.Points(1.5), col, vg.Points(2)
		p.Add(ln, sc)
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, pt := range xy {
			lo, hi = math.Min(lo, pt.Y), math.Max(hi, pt.Y)
		}
		if row.Level != nil {
			lo, hi = math.Min(lo, *row.Level), math.Max(hi, *row.Level)
			med, err := plotter.NewLine(plotter.XYs{{X: -0.3, Y: *row.Level}, {X: float64(len(pr.Years)) - 0.7, Y: *row.Level}})
			if err != nil {
				return nil, err
			}
			med.Color, med.Dashes = grey, []vg.Length{vg.Points(3), vg.Points(2)}
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
	lines := 1
	for _, p := range plots {
		lines = max(lines, strings.Count(p.Title.Text, "\n")+1)
	}
	for _, p := range plots { // the same height of title in every panel: the plots line up
		p.Title.Text += strings.Repeat("\n", lines-1-strings.Count(p.Title.Text, "\n"))
	}
	return svgOf(pr.Doc, plots, cols, vg.Centimeter*18, vg.Length(rows)*(vg.Centimeter*4.1+vg.Length(lines)*vg.Points(10)))
}

// Verdicts of an adjusted result: where the actual value lies against the
// prediction interval.
const (
	Within = "within"
	Above  = "above"
	Below  = "below"
)

// Adjusted is actual against expected: each unit at (expected, actual)
// with its prediction interval as a vertical bar, and the line
// actual = expected.
type Adjusted struct {
	Doc
	XLabel, YLabel string
	Rows           []AdjustedRow
	// Legend texts: the diagonal and the three verdicts.
	AsExpected, Within, Above, Below string
}

// An AdjustedRow is one unit.
type AdjustedRow struct {
	Name                           string
	Expected, Actual, Lower, Upper float64
	Verdict                        string // Within, Above or Below
}

// AdjustedChart draws a; nil when it has no finite values.
func AdjustedChart(a Adjusted) ([]byte, error) {
	if len(a.Rows) == 0 {
		return nil, nil
	}
	p := newPlot(a.Lang)
	p.X.Label.Text = wrapAll(a.XLabel, 60)
	p.Y.Label.Text = wrapAll(a.YLabel, 40) // a long title runs past a phone's short axis
	lo, hi := math.Inf(1), math.Inf(-1)
	groups := map[string]plotter.XYs{}
	var named []XY
	for _, r := range a.Rows {
		iv, err := plotter.NewLine(plotter.XYs{{X: r.Expected, Y: r.Lower}, {X: r.Expected, Y: r.Upper}})
		if err != nil {
			return nil, err
		}
		iv.Color, iv.Width = grey, vg.Points(1)
		p.Add(iv)
		groups[r.Verdict] = append(groups[r.Verdict], plotter.XY{X: r.Expected, Y: r.Actual})
		named = append(named, XY{X: r.Expected, Y: r.Actual, Label: shorten(r.Name, 24)})
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
	diag.Color, diag.Dashes = ink, []vg.Length{vg.Points(4), vg.Points(3)}
	p.Add(diag)
	p.Legend.Add(a.AsExpected, diag)
	for _, g := range []struct {
		verdict, label string
		col            color.Color
		shape          draw.GlyphDrawer
	}{{Within, a.Within, blue, draw.CircleGlyph{}}, {Above, a.Above, green, draw.TriangleGlyph{}},
		{Below, a.Below, red, draw.BoxGlyph{}}} {
		if len(groups[g.verdict]) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(groups[g.verdict])
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle.Color, sc.GlyphStyle.Shape, sc.GlyphStyle.Radius = g.col, g.shape, vg.Points(3.5)
		p.Add(sc)
		p.Legend.Add(g.label, sc)
	}
	p.Add(plotter.NewGrid())
	pad := (hi - lo) * 0.05
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = lo-pad, hi+pad*4, lo-pad, hi+pad
	// Names go where they overlap no other name or dot (placeLabels), as
	// on the compensatory check: close units' names must not collide.
	return svgWith(a.Doc, []*plot.Plot{p}, 1, vg.Centimeter*18, vg.Centimeter*13, func(_ int, p *plot.Plot, c draw.Canvas) {
		placeLabels(p, c, named)
	})
}

// Scatters is a row of scatter plots side by side (the compensatory
// check: each resource against need).
type Scatters struct {
	Doc
	Panels []ScatterPanel
}

// A ScatterPanel is one scatter plot.
type ScatterPanel struct {
	Title  string // wrapped onto two lines when long
	Note   string // a further title line, e.g. "r = 0,42"; may be empty
	XLabel string // wrapped like the title
	Points []XY   // none: the panel is drawn without axes
}

// XY is a point, with the name written beside it (may be empty).
type XY struct {
	X, Y  float64
	Label string
}

// ScattersChart draws s; nil when it has no panels.
func ScattersChart(s Scatters) ([]byte, error) {
	var plots []*plot.Plot
	for _, c := range s.Panels {
		p := newPlot(s.Lang)
		p.Title.Text = wrap(c.Title, 30)
		p.Title.TextStyle.Font.Size = 8
		p.X.Label.Text = wrap(c.XLabel, 30)
		p.X.Label.TextStyle.Font.Size = 8
		if c.Note != "" {
			p.Title.Text += "\n" + c.Note
		}
		if len(c.Points) == 0 {
			p.HideAxes()
		} else {
			xy := make(plotter.XYs, len(c.Points))
			for i, pt := range c.Points {
				xy[i] = plotter.XY{X: pt.X, Y: pt.Y}
			}
			sc, err := plotter.NewScatter(xy)
			if err != nil {
				return nil, err
			}
			sc.GlyphStyle.Color, sc.GlyphStyle.Radius, sc.GlyphStyle.Shape = blue, vg.Points(3), draw.CircleGlyph{}
			p.Add(sc)
			// Room around the dots for their names.
			x0, x1, y0, y1 := plotter.XYRange(xy)
			dx, dy := math.Max(x1-x0, 1e-9), math.Max(y1-y0, 1e-9)
			p.X.Min, p.X.Max = x0-dx*0.12, x1+dx*0.3
			p.Y.Min, p.Y.Max = y0-dy*0.15, y1+dy*0.15
		}
		plots = append(plots, p)
	}
	if len(plots) == 0 {
		return nil, nil
	}
	named := false
	for _, c := range s.Panels {
		for _, pt := range c.Points {
			named = named || pt.Label != ""
		}
	}
	if !named {
		return svgOf(s.Doc, plots, len(plots), vg.Centimeter*18, vg.Centimeter*6.5)
	}
	// Named dots need room: one panel a row, across the width.
	return svgWith(s.Doc, plots, 1, vg.Centimeter*18, vg.Length(len(plots))*vg.Centimeter*7.5, func(i int, p *plot.Plot, c draw.Canvas) {
		placeLabels(p, c, s.Panels[i].Points)
	})
}

// placeLabels writes each point's name beside its dot where it overlaps
// no other name, no dot and stays inside the plot: right of the dot, else
// left, above, below or diagonally; a name that fits nowhere goes where it
// overlaps least.
func placeLabels(p *plot.Plot, c draw.Canvas, pts []XY) {
	dc := p.DataCanvas(c)
	tx, ty := p.Transforms(&dc)
	sty := draw.TextStyle{Color: muted, Font: font.From(font.Font{Variant: sans}, vg.Points(7.5)), Handler: p.Title.TextStyle.Handler,
		XAlign: draw.XLeft, YAlign: draw.YCenter}
	type box struct{ x0, y0, x1, y1 vg.Length }
	overlap := func(a, b box) vg.Length {
		w := min(a.x1, b.x1) - max(a.x0, b.x0)
		h := min(a.y1, b.y1) - max(a.y0, b.y0)
		if w <= 0 || h <= 0 {
			return 0
		}
		return w * h
	}
	r := vg.Points(3.5)
	var taken []box
	for _, pt := range pts {
		x, y := tx(pt.X), ty(pt.Y)
		taken = append(taken, box{x - r, y - r, x + r, y + r})
	}
	gap := vg.Points(2)
	for i, pt := range pts {
		if pt.Label == "" {
			continue
		}
		x, y := tx(pt.X), ty(pt.Y)
		w, h := sty.Width(pt.Label), sty.Height(pt.Label)
		cands := []box{
			{x + r + gap, y - h/2, x + r + gap + w, y + h/2},
			{x - r - gap - w, y - h/2, x - r - gap, y + h/2},
			{x - w/2, y + r + gap, x + w/2, y + r + gap + h},
			{x - w/2, y - r - gap - h, x + w/2, y - r - gap},
			{x + r, y + r, x + r + w, y + r + h},
			{x + r, y - r - h, x + r + w, y - r},
			{x - r - w, y + r, x - r, y + r + h},
			{x - r - w, y - r - h, x - r, y - r},
		}
		best, bestCost := cands[0], vg.Length(-1)
		for _, b := range cands {
			var cost vg.Length
			if b.x0 < c.Min.X || b.x1 > c.Max.X || b.y0 < dc.Min.Y-vg.Points(8) || b.y1 > dc.Max.Y {
				cost += 1e6 // outside the panel: cut off or over the axis
			}
			for j, t := range taken {
				if j != i {
					cost += overlap(b, t)
				}
			}
			if bestCost < 0 || cost < bestCost {
				best, bestCost = b, cost
			}
			if cost == 0 {
				break
			}
		}
		taken = append(taken, best)
		c.FillText(sty, vg.Point{X: best.x0, Y: (best.y0 + best.y1) / 2}, pt.Label)
	}
}
