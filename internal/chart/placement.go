package chart

import (
	"cmp"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/i18n"
)

// Colours of the hand-built charts (presentation attributes, so they may
// sit inline in a page under a strict CSP).
const (
	svgInk   = "#1b1f24"
	svgMuted = "#4a5360"
	svgNow   = "#0b4f8a" // the brand blue
	svgPrev  = "#7d8896" // grey, 3.5:1 against white
	svgOver  = "#a4262c" // over-subscribed: dark red, 6:1 against white
	svgPoint = "#0b4f8a" // a school on the map
)

func esc(s string) string { return template.HTMLEscapeString(s) }

// openSVG starts an inline chart of w × h user units, scaled to the page's
// width and hidden from assistive technology (the table beside it holds
// the figures).
func openSVG(b *strings.Builder, w, h int) {
	fmt.Fprintf(b, `<svg class="chart" viewBox="0 0 %d %d" width="100%%" aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg">`, w, h)
}

// swatch writes one legend entry: a 12-unit square of fill at x, y and
// its label beside it.
func swatch(b *strings.Builder, x, y int, fill, label string) {
	fmt.Fprintf(b, `<rect x="%d" y="%d" width="12" height="12" fill="%s"/><text x="%d" y="%d" font-size="12" fill="%s">%s</text>`,
		x, y, fill, x+16, y+10, svgInk, esc(label))
}

// Bars is first choices against places per school: a bar of first
// choices (red when over-subscribed), a tick at the capacity, and the two
// numbers. The table beside it carries the same figures.
type Bars struct {
	FirstLabel, CapacityLabel string // the legend
	Rows                      []BarRow
}

// A BarRow is one school and year group.
type BarRow struct {
	Label                             string // cut to 30 characters
	FirstChoice, Capacity, Applicants int    // Applicants only widens the scale
	Over                              bool
}

// BarsSVG draws b as an inline SVG element; "" when it has no rows.
func BarsSVG(b Bars) string {
	if len(b.Rows) == 0 {
		return ""
	}
	const w, rowH, left, right, top = 720, 26, 230, 60, 28
	h := top + rowH*len(b.Rows) + 8
	peak := 1
	for _, d := range b.Rows {
		peak = max(peak, d.FirstChoice, d.Capacity, d.Applicants)
	}
	scale := float64(w-left-right) / float64(peak)
	var s strings.Builder
	openSVG(&s, w, h)
	swatch(&s, left, 6, svgNow, b.FirstLabel)
	fmt.Fprintf(&s, `<line x1="%d" x2="%d" y1="12" y2="12" stroke="%s" stroke-width="3"/><text x="%d" y="16" font-size="12" fill="%s">%s</text>`,
		left+200, left+214, svgInk, left+218, svgInk, esc(b.CapacityLabel))
	for i, d := range b.Rows {
		y := top + i*rowH
		label := d.Label
		if r := []rune(label); len(r) > 30 {
			label = string(r[:29]) + "…"
		}
		fill := svgNow
		if d.Over {
			fill = svgOver
		}
		fmt.Fprintf(&s, `<text x="%d" y="%d" font-size="12" text-anchor="end" fill="%s">%s</text>`, left-6, y+16, svgInk, esc(label))
		fmt.Fprintf(&s, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>`, left, y+4, float64(d.FirstChoice)*scale, rowH-8, fill)
		cx := float64(left) + float64(d.Capacity)*scale
		fmt.Fprintf(&s, `<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="%s" stroke-width="3"/>`, cx, cx, y+1, y+rowH-1, svgInk)
		fmt.Fprintf(&s, `<text x="%.1f" y="%d" font-size="11" fill="%s">%d / %d</text>`,
			math.Max(float64(left)+float64(d.FirstChoice)*scale, cx)+6, y+16, svgMuted, d.FirstChoice, d.Capacity)
	}
	s.WriteString(`</svg>`)
	return s.String()
}

// Map is counts in cells of a map (shaded by count, the number inside)
// and named points (schools), projected equirectangularly. Cells may
// differ in size; none should hide a count under the minimum group.
type Map struct {
	Cells  []Cell
	Points []Point
	// The extent to show; cells reaching beyond it widen it.
	MinLat, MinLon, MaxLat, MaxLon float64
	// Lang writes the scale bar's length; LegendCells and LegendSchools
	// (translated) label the legend under the map, drawn when given.
	Lang                       string
	LegendCells, LegendSchools string
	LegendWays                 string // the ways' legend, drawn when there are ways
	// Ways are the walking network's segments (a way between two nodes),
	// drawn thin under the counts; those shorter than a pixel at the
	// map's scale are left out, and at most MaxMapWays are drawn.
	Ways []Segment
}

// A Segment is a straight piece of a way.
type Segment struct{ ALat, ALon, BLat, BLon float64 }

// MaxMapWays bounds the ways a map draws (the page's size).
const MaxMapWays = 12000

// metresPerDegree is the length of one degree of latitude (mean Earth radius).
const metresPerDegree = 6371008.8 * math.Pi / 180

// scaleBar picks a round length whose bar is at most maxPx long.
func scaleBar(pxPerMetre, maxPx float64) float64 {
	best := 0.0
	for _, m := range []float64{50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000} {
		if m*pxPerMetre <= maxPx {
			best = m
		}
	}
	return best
}

// A Cell is a box of the map with a count.
type Cell struct {
	MinLat, MinLon, MaxLat, MaxLon float64
	Count                          int
}

// A Point is a named place.
type Point struct {
	Name     string
	Lat, Lon float64
}

// MapSVG draws m as an inline SVG element; "" when there is nothing to
// draw or no extent.
func MapSVG(m Map) string {
	if len(m.Cells) == 0 && len(m.Points) == 0 || math.IsInf(m.MinLat, 0) || math.IsNaN(m.MinLat) {
		return ""
	}
	const w, pad = 720, 20
	for _, c := range m.Cells { // cells reach beyond the homes' extent
		m.MinLat, m.MaxLat = math.Min(m.MinLat, c.MinLat), math.Max(m.MaxLat, c.MaxLat)
		m.MinLon, m.MaxLon = math.Min(m.MinLon, c.MinLon), math.Max(m.MaxLon, c.MaxLon)
	}
	kx := math.Cos((m.MinLat + m.MaxLat) / 2 * math.Pi / 180)
	spanX := math.Max((m.MaxLon-m.MinLon)*kx, 1e-6)
	spanY := math.Max(m.MaxLat-m.MinLat, 1e-6)
	scale := float64(w-2*pad) / spanX
	h := int(spanY*scale) + 2*pad
	if h > 900 {
		scale *= float64(900-2*pad) / (spanY * scale)
		h = 900
	}
	mapH := h
	const legendH = 56
	h += legendH
	px := func(lon float64) float64 { return pad + (lon-m.MinLon)*kx*scale }
	py := func(lat float64) float64 { return float64(mapH) - pad - (lat-m.MinLat)*scale }
	peak := 1
	for _, c := range m.Cells {
		peak = max(peak, c.Count)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart map" viewBox="0 0 %d %d" width="100%%" aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg">`, w, h)
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%d" height="%d" fill="#f4f6f8"/>`, w, mapH)
	// Coarser (merged) cells first, so finer ones lie on top.
	order := slices.Clone(m.Cells)
	slices.SortStableFunc(order, func(a, b Cell) int {
		return -cmp.Compare((a.MaxLat-a.MinLat)*(a.MaxLon-a.MinLon), (b.MaxLat-b.MinLat)*(b.MaxLon-b.MinLon))
	})
	for _, c := range order {
		x0, x1, y0, y1 := px(c.MinLon), px(c.MaxLon), py(c.MaxLat), py(c.MinLat)
		op := 0.15 + 0.6*float64(c.Count)/float64(peak)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" fill-opacity="%.2f" stroke="#ffffff"/>`,
			x0, y0, x1-x0, y1-y0, svgPrev, op)
	}
	if len(m.Ways) > 0 {
		var p strings.Builder
		n := 0
		for _, s := range m.Ways {
			x1, y1, x2, y2 := px(s.ALon), py(s.ALat), px(s.BLon), py(s.BLat)
			if math.Hypot(x2-x1, y2-y1) < 1 || n >= MaxMapWays {
				continue
			}
			inside := func(x, y float64) bool { return x >= 0 && y >= 0 && x <= w && y <= float64(mapH) }
			if !inside(x1, y1) && !inside(x2, y2) {
				continue
			}
			fmt.Fprintf(&p, "M%.1f %.1fL%.1f %.1f", x1, y1, x2, y2)
			n++
		}
		if p.Len() > 0 {
			fmt.Fprintf(&b, `<path d="%s" fill="none" stroke="#7a8591" stroke-width="0.7" stroke-opacity="0.8"/>`, p.String())
		}
	}
	for _, sc := range m.Points {
		x, y := px(sc.Lon), py(sc.Lat)
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="6" fill="%s" stroke="#ffffff" stroke-width="2"><title>%s</title></circle>`, x, y, svgPoint, esc(sc.Name))
		if x > w*0.7 { // label to the left near the right edge
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="11" text-anchor="end" fill="%s">%s</text>`, x-8, y-6, svgInk, esc(sc.Name))
		} else {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="11" fill="%s">%s</text>`, x+8, y-6, svgInk, esc(sc.Name))
		}
	}
	// The counts last, with a light halo: no school's name or dot hides one.
	for _, c := range order {
		x0, x1, y0, y1 := px(c.MinLon), px(c.MaxLon), py(c.MaxLat), py(c.MinLat)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="11" font-weight="700" stroke="#ffffff" stroke-width="3" paint-order="stroke" text-anchor="middle" fill="%s">%d</text>`,
			(x0+x1)/2, (y0+y1)/2+4, svgInk, c.Count)
	}
	// The scale bar and the legend under the map.
	y := float64(mapH) + 22
	if bar := scaleBar(scale/metresPerDegree, 160); bar > 0 {
		l := bar * scale / metresPerDegree
		fmt.Fprintf(&b, `<path d="M%d %.1fv6h%.1fv-6" fill="none" stroke="%s" stroke-width="2"/>`, pad, y-6, l, svgInk)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="11" fill="%s">%s</text>`, float64(pad)+l+6, y+1, svgInk, esc(i18n.Distance(m.Lang, bar)))
	}
	if m.LegendCells != "" {
		fmt.Fprintf(&b, `<rect x="%d" y="%.1f" width="14" height="14" fill="%s" fill-opacity="0.5"/>`, 250, y-11, svgPrev)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" font-size="11" fill="%s">%s</text>`, 270, y+1, svgInk, esc(m.LegendCells))
	}
	if m.LegendSchools != "" {
		fmt.Fprintf(&b, `<circle cx="%d" cy="%.1f" r="6" fill="%s" stroke="#ffffff" stroke-width="2"/>`, 257, y+20, svgPoint)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" font-size="11" fill="%s">%s</text>`, 270, y+24, svgInk, esc(m.LegendSchools))
	}
	if m.LegendWays != "" && len(m.Ways) > 0 {
		fmt.Fprintf(&b, `<path d="M%d %.1fh14" stroke="#7a8591" stroke-width="1.5"/>`, 480, y-4)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" font-size="11" fill="%s">%s</text>`, 500, y+1, svgInk, esc(m.LegendWays))
	}
	b.WriteString(`</svg>`)
	return b.String()
}
