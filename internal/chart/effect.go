package chart

import (
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// BeforeAfter is two groups' means before and after a start (an
// initiative's effect view: difference in differences), as two lines.
type BeforeAfter struct {
	Doc
	Heading       string // above the plot, wrapped onto two lines when long
	Before, After string // the x axis's two labels
	Groups        []Group
}

// A Group is one line; a group without OK data is left out.
type Group struct {
	Label         string
	Before, After float64
	OK            bool
	Dashed        bool // the comparison group: orange, dashed, squares
}

// BeforeAfterChart draws b; nil when no group has data.
func BeforeAfterChart(b BeforeAfter) ([]byte, error) {
	p := newPlot(b.Lang)
	p.Title.Text = wrap(b.Heading, 70)
	p.Title.TextStyle.Font.Size = 10
	p.Legend.Left = true // thumbnails first: a wider font than measured does not run into them
	// The legend sits inside the plot, clear of the title above it.
	p.Title.Padding = vg.Points(10)
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(8), -vg.Points(6)
	p.X.Tick.Marker = plot.ConstantTicks([]plot.Tick{{Value: 0, Label: b.Before}, {Value: 1, Label: b.After}})
	p.X.Min, p.X.Max = -0.25, 1.25
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, g := range b.Groups {
		if !g.OK {
			continue
		}
		ln, sc, err := plotter.NewLinePoints(plotter.XYs{{X: 0, Y: g.Before}, {X: 1, Y: g.After}})
		if err != nil {
			return nil, err
		}
		col := blue
		ln.Width, sc.Radius = vg.Points(2), vg.Points(3)
		if g.Dashed {
			col = orange
			ln.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
			sc.Shape = draw.BoxGlyph{}
		}
		ln.Color, sc.Color = col, col
		p.Add(ln, sc)
		p.Legend.Add(g.Label, ln, sc)
		lo, hi = math.Min(lo, math.Min(g.Before, g.After)), math.Max(hi, math.Max(g.Before, g.After))
	}
	if math.IsInf(lo, 0) {
		return nil, nil
	}
	pad := math.Max((hi-lo)*0.2, 0.5)
	p.Y.Min, p.Y.Max = lo-pad, hi+3*pad // room for the legend above the lines
	p.Add(plotter.NewGrid())
	return svgOf(b.Doc, []*plot.Plot{p}, 1, vg.Centimeter*14, vg.Centimeter*9)
}
