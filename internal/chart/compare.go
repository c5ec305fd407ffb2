package chart

import (
	"fmt"
	"math"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/i18n"
)

// Paired is a count per label for this period beside the same period a
// year before (the complaint trends' months and categories). Suppressed
// counts are not drawn; the table beside the chart says why.
type Paired struct {
	Lang                string // for the axis numbers
	NowLabel, PrevLabel string // the legend
	Rows                []PairedRow
}

// A PairedRow is one month or category.
type PairedRow struct {
	Label     string
	Now, Prev Count
}

// Count is one drawn figure: N and its text as the table shows it; a
// Hidden count (suppressed for small groups) is left out of the chart.
type Count struct {
	N      int
	Text   string
	Hidden bool
}

// Colours of the paired charts beyond those in placement.go.
const (
	svgLine = "#c9ced6" // grid lines
)

// niceMax rounds up to 1, 2 or 5 times a power of ten, for axis ticks.
func niceMax(v int) (top, step int) {
	if v <= 0 {
		return 4, 1
	}
	raw := float64(v) / 4
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*pow >= raw {
			step = max(int(m*pow), 1)
			break
		}
	}
	top = step * int(math.Ceil(float64(v)/float64(step)))
	return top, step
}

func (p Paired) legend(b *strings.Builder, x, y int) {
	swatch(b, x, y, svgNow, p.NowLabel)
	swatch(b, x+170, y, svgPrev, p.PrevLabel)
}

// ColumnsSVG draws p as pairs of columns over a count axis (months); ""
// when it has no rows.
func ColumnsSVG(p Paired) string {
	if len(p.Rows) == 0 {
		return ""
	}
	const w, h, left, right, top, bottom = 720, 260, 44, 8, 28, 34
	peak := 0
	for _, r := range p.Rows {
		peak = max(peak, r.Now.N, r.Prev.N)
	}
	yMax, step := niceMax(peak)
	plotH := float64(h - top - bottom)
	y := func(v int) float64 { return float64(top) + plotH - plotH*float64(v)/float64(yMax) }
	var b strings.Builder
	openSVG(&b, w, h)
	p.legend(&b, left, 4)
	for v := 0; v <= yMax; v += step {
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="%s" stroke-width="1"/>`, left, w-right, y(v), y(v), svgLine)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" font-size="11" text-anchor="end" fill="%s">%s</text>`, left-4, y(v)+4, svgMuted, esc(i18n.Int(p.Lang, v)))
	}
	slot := float64(w-left-right) / float64(len(p.Rows))
	bar := math.Min(slot*0.38, 22)
	for i, r := range p.Rows {
		x0 := float64(left) + slot*float64(i) + slot/2
		for j, c := range []Count{r.Now, r.Prev} {
			if c.Hidden || c.N == 0 {
				continue
			}
			x := x0 - bar + float64(j)*bar
			fill := svgNow
			if j == 1 {
				fill = svgPrev
			}
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s: %s</title></rect>`,
				x, y(c.N), bar-1, y(0)-y(c.N), fill, esc(r.Label), esc(c.Text))
		}
		label := r.Label
		if rs := []rune(label); len(p.Rows) > 6 && len(rs) > 3 {
			label = string(rs[:3]) // "januari 2026" → "jan"
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="11" text-anchor="middle" fill="%s">%s</text>`, x0, h-bottom+16, svgInk, esc(label))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// RowsSVG draws p as pairs of horizontal bars, one row per label
// (categories); "" when it has no rows.
func RowsSVG(p Paired) string {
	if len(p.Rows) == 0 {
		return ""
	}
	const w, labelW, right, rowH, top = 720, 210, 56, 30, 28
	h := top + rowH*len(p.Rows) + 8
	peak := 1
	for _, r := range p.Rows {
		peak = max(peak, r.Now.N, r.Prev.N)
	}
	span := float64(w - labelW - right)
	var b strings.Builder
	openSVG(&b, w, h)
	p.legend(&b, labelW, 4)
	for i, r := range p.Rows {
		y0 := top + i*rowH
		label := r.Label
		if rs := []rune(label); len(rs) > 30 {
			label = string(rs[:29]) + "…"
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" text-anchor="end" fill="%s">%s</text>`, labelW-8, y0+16, svgInk, esc(label))
		for j, c := range []Count{r.Now, r.Prev} {
			fill, hgt, dy := svgNow, 12, 2
			if j == 1 {
				fill, hgt, dy = svgPrev, 8, 16
			}
			if c.Hidden {
				continue
			}
			wd := span * float64(c.N) / float64(peak)
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"><title>%s: %s</title></rect>`,
				labelW, y0+dy, wd, hgt, fill, esc(r.Label), esc(c.Text))
			if j == 0 {
				fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="11" fill="%s">%s</text>`, float64(labelW)+wd+4, y0+12, svgInk, esc(c.Text))
			}
		}
		if r.Now.Hidden {
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="%s">–</text>`, labelW+4, y0+12, svgMuted)
		}
	}
	b.WriteString(`</svg>`)
	return b.String()
}
