package web

import (
	"math"
	"net/http"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/styrkedjan/styrkedjan/internal/dialogue"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
)

// The chart of an initiative's effect view (difference in differences):
// the participating units' mean and the other units' mean, before and
// after the start, as two lines. Drawn like the unit picture's charts
// (unitpicture_charts.go): its own SVG document from its own route with
// its own CSP, shown with <img> whose alt points to the table beside it,
// which carries the same figures. Drawn from the same Effect as the table.

func (s *Server) dialogueEffectChart(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	e, err := dialogue.InitiativeEffect(r.Context(), s.db, id)
	if err != nil {
		return err
	}
	b, err := effectChart(e, s.pageLocalizer(r, "dialogue_initiative"))
	if err != nil {
		return err
	}
	if b == nil {
		b = emptySVG
	}
	return sendSVG(w, b)
}

// effectChart draws the two groups' means before and after the start; nil
// when neither group has a unit with values in both periods.
func effectChart(e *dialogue.Effect, l *i18n.Localizer) ([]byte, error) {
	p := newUpPlot(l.Lang)
	p.Title.Text = wrap(e.Indicator.Name(l.Lang), 70)
	p.Title.TextStyle.Font.Size = 10
	p.Legend.Left = true // thumbnails first: a wider font than measured does not run into them
	p.X.Tick.Marker = plot.ConstantTicks([]plot.Tick{
		{Value: 0, Label: l.T("dialogue.effect.chart.before", "Start", e.Initiative.StartSchoolYear())},
		{Value: 1, Label: l.T("dialogue.effect.chart.after", "Start", e.Initiative.StartSchoolYear())},
	})
	p.X.Min, p.X.Max = -0.25, 1.25
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, g := range []struct {
		m      dialogue.PeriodMeans
		label  string
		dashed bool
	}{{e.Treated, "dialogue.effect.treated", false}, {e.Control, "dialogue.effect.control", true}} {
		if !g.m.OK {
			continue
		}
		ln, sc, err := plotter.NewLinePoints(plotter.XYs{{X: 0, Y: g.m.Before}, {X: 1, Y: g.m.After}})
		if err != nil {
			return nil, err
		}
		col := upBlue
		ln.Width, sc.Radius = vg.Points(2), vg.Points(3)
		if g.dashed {
			col = upOrange
			ln.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
			sc.Shape = draw.BoxGlyph{}
		}
		ln.Color, sc.Color = col, col
		p.Add(ln, sc)
		p.Legend.Add(l.T(g.label), ln, sc)
		lo, hi = math.Min(lo, math.Min(g.m.Before, g.m.After)), math.Max(hi, math.Max(g.m.Before, g.m.After))
	}
	if math.IsInf(lo, 0) {
		return nil, nil
	}
	pad := math.Max((hi-lo)*0.2, 0.5)
	p.Y.Min, p.Y.Max = lo-pad, hi+3*pad // room for the legend above the lines
	p.Add(plotter.NewGrid())
	return svgOf([]*plot.Plot{p}, 1, vg.Centimeter*14, vg.Centimeter*9)
}
