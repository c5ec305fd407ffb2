// Package chart draws Styrkedjan's charts as SVG: a view model in, SVG
// bytes out. It knows no HTTP, no database and no capability: callers
// build the models from their (scoped, suppressed) domain data and put
// every text in them already translated; Lang only chooses how tick
// numbers are written.
//
// Two kinds of drawing live here. The unit picture's and the dialogues'
// charts are drawn with gonum/plot's SVG backend, which writes style
// attributes: the web layer serves each as its own SVG document (with its
// own CSP) shown through <img>. The placement charts (Bars, Map) are
// hand-built SVG with presentation attributes only, fit to sit inline in
// a page whose CSP forbids inline styles.
package chart

import (
	"bytes"
	"image/color"
	"regexp"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// The house colours of the plotted charts.
var (
	ink    = color.RGBA{0x1f, 0x29, 0x33, 0xff}
	blue   = color.RGBA{0x1d, 0x4f, 0x91, 0xff}
	grey   = color.RGBA{0x8a, 0x94, 0x9e, 0xff} // lines only: 3:1 against white
	muted  = color.RGBA{0x4a, 0x53, 0x60, 0xff} // grey text: 7.9:1 against white
	band   = color.RGBA{0xd6, 0xe4, 0xf5, 0xff}
	orange = color.RGBA{0xb3, 0x54, 0x00, 0xff}
	green  = color.RGBA{0x1e, 0x7b, 0x3a, 0xff}
	red    = color.RGBA{0xb0, 0x1e, 0x2d, 0xff}
	sans   = font.Variant("Sans")
)

// Empty is the image of a chart without data (the page says why). The
// drawing functions return nil for no data; callers serve Empty then.
var Empty = []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1" viewBox="0 0 1 1"></svg>`)

// newPlot returns a plot in the house style, with ticks in lang.
func newPlot(lang string) *plot.Plot {
	p := plot.New()
	p.Title.TextStyle.Font.Size = 11
	p.Title.TextStyle.Font.Variant = sans
	p.Legend.TextStyle.Font.Variant = sans
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Variant = sans
		a.Label.TextStyle.Font.Size = 10
		a.Tick.Label.Font.Variant = sans
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
			ts[i].Label = tickLabel(ts[i].Label, ts[i].Value, lang)
		}
		return ts
	})
}

func tickLabel(lb string, v float64, lang string) string {
	if lb == "" || strings.ContainsAny(lb, "eE") {
		return lb // a minor tick, or one only exponents can write
	}
	if strings.Contains(lb, ".") {
		lb = strings.TrimSuffix(strings.TrimRight(lb, "0"), ".")
	}
	_, frac, _ := strings.Cut(lb, ".")
	return i18n.Number(lang, v, len(frac))
}

// yearTicks labels the x axis with school years ("2024/25" → "24/25"),
// every other one when there are more than four.
func yearTicks(years []string) plot.Ticker {
	return plot.TickerFunc(func(min, max float64) []plot.Tick {
		var ts []plot.Tick
		step := 1
		if len(years) > 4 {
			step = 2
		}
		for i := 0; i < len(years); i += step {
			ts = append(ts, plot.Tick{Value: float64(i), Label: shortYear(years[i])})
		}
		return ts
	})
}

func shortYear(y string) string {
	if len(y) >= 7 && y[4] == '/' {
		return y[2:4] + "/" + y[5:]
	}
	return y
}

// Doc is what every plotted chart says about itself: its <title> and
// <desc> (for a person who opens the image alone or a tool that reads
// it), and the language of its tick numbers.
type Doc struct {
	Lang  string // "en" writes decimal points, every other language commas
	Title string
	Desc  string
	// NotFromZero is said under a chart whose value axis does not start
	// at zero (e.g. "The vertical axis does not start at zero."), so a
	// change does not look larger than it is; charts whose axes start at
	// zero do not show it.
	NotFromZero string
}

// noteHeight is the room under a chart for its note.
const noteHeight = vg.Centimeter * 0.7

// svgOf draws the plots in a grid of cols columns onto one SVG.
func svgOf(doc Doc, plots []*plot.Plot, cols int, w, h vg.Length) ([]byte, error) {
	return svgWith(doc, plots, cols, w, h, nil)
}

// svgWith is svgOf with a drawing step after each plot (e.g. labels placed
// where they collide with nothing), given the plot's index and canvas.
func svgWith(doc Doc, plots []*plot.Plot, cols int, w, h vg.Length, after func(i int, p *plot.Plot, c draw.Canvas)) ([]byte, error) {
	note := ""
	if doc.NotFromZero != "" {
		for _, p := range plots {
			if p.Y.Min > 0 || p.Y.Max < 0 {
				note = doc.NotFromZero
			}
		}
	}
	if note != "" {
		h += noteHeight
	}
	c := vgsvg.New(w, h)
	dc := draw.New(c)
	if note != "" {
		sty := draw.TextStyle{Color: muted, Font: font.From(font.Font{Variant: sans}, vg.Points(8)), Handler: plots[0].Title.TextStyle.Handler}
		dc.FillText(sty, vg.Point{X: vg.Millimeter * 2, Y: vg.Millimeter * 2}, note)
		dc = draw.Crop(dc, 0, 0, noteHeight, 0)
	}
	if len(plots) == 1 {
		plots[0].Draw(dc)
		if after != nil {
			after(0, plots[0], dc)
		}
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
					if after != nil {
						after(i*cols+j, p, canvases[i][j])
					}
				}
			}
		}
	}
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, err
	}
	return described(fluid(buf.Bytes()), doc), nil
}

// described puts the document's title and description first in the root
// element; nothing when both are empty.
func described(b []byte, doc Doc) []byte {
	if doc.Title == "" && doc.Desc == "" {
		return b
	}
	i := bytes.Index(b, []byte("<svg"))
	if i < 0 {
		return b
	}
	end := bytes.IndexByte(b[i:], '>')
	if end < 0 {
		return b
	}
	at := i + end + 1
	var meta bytes.Buffer
	if doc.Title != "" {
		meta.WriteString("\n<title>" + esc(doc.Title) + "</title>")
	}
	if doc.Desc != "" {
		meta.WriteString("\n<desc>" + esc(doc.Desc) + "</desc>")
	}
	return append(append(append([]byte(nil), b[:at]...), meta.Bytes()...), b[at:]...)
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

// wrapAll breaks s into lines of about n characters and loses nothing, so
// titles that differ only at the end (year 6 and year 9) stay apart.
func wrapAll(s string, n int) string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if next := strings.TrimSpace(line + " " + w); len([]rune(next)) > n && line != "" {
			lines = append(lines, line)
			line = w
		} else {
			line = next
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// shorten cuts s to n characters, the last an ellipsis.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
