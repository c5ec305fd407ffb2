package export

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"strings"
)

// The tagged document. Every Doc call is also written as semantic HTML
// (headings, paragraphs, lists, tables with header cells, figures with alt
// text), which headless Chromium prints as a tagged PDF (chromium.go):
// the structure tree follows the HTML, so the reading order is the order
// of the calls and the headings, tables and figures are what the
// capability asked for. The fpdf drawing in pdf.go is the fallback where
// no Chromium is installed.

// htmlDoc collects the body of the document.
type htmlDoc struct {
	b        strings.Builder
	open     string // "ul" or "kv" while a list or a key-figure table is open
	parts    bool   // a part heading (size 14) was written: sections are h3
	headings int
	sections int // <section> elements open (Doc.Section)
}

// close ends an open list or key-figure table.
func (h *htmlDoc) close() {
	switch h.open {
	case "ul":
		h.b.WriteString("</ul>\n")
	case "kv":
		h.b.WriteString("</tbody></table>\n")
	}
	h.open = ""
}

// headingLevel maps the kit's heading sizes to HTML levels under the
// title (h1): a part (14) is h2; a section (12, 11) is h2, or h3 once the
// document has parts; a subsection (11) under a section of size 12 in a
// document with parts is h4.
func (h *htmlDoc) headingLevel(size float64) int {
	switch {
	case size >= 14:
		h.parts = true
		return 2
	case !h.parts:
		if size >= 12 {
			return 2
		}
		return 3
	case size >= 11:
		return 3
	default:
		return 4
	}
}

func (h *htmlDoc) title(s string) {
	h.close()
	fmt.Fprintf(&h.b, "<h1>%s</h1>\n", text(s))
}

func (h *htmlDoc) heading(s string, size float64) {
	h.close()
	h.headings++
	lv := h.headingLevel(size)
	fmt.Fprintf(&h.b, "<h%d>%s</h%d>\n", lv, text(s), lv)
}

// para writes a paragraph; small sizes are notes, muted text is grey.
func (h *htmlDoc) para(s string, size float64, style string, muted bool) {
	h.close()
	var class []string
	switch {
	case size >= 11:
		class = append(class, "lead")
	case size < 9:
		class = append(class, "small")
	}
	if strings.Contains(style, "B") {
		class = append(class, "b")
	}
	if strings.Contains(style, "I") {
		class = append(class, "i")
	}
	if muted {
		class = append(class, "muted")
	}
	attr := ""
	if len(class) > 0 {
		attr = ` class="` + strings.Join(class, " ") + `"`
	}
	fmt.Fprintf(&h.b, "<p%s>%s</p>\n", attr, text(s))
}

func (h *htmlDoc) bullet(s string) {
	if h.open != "ul" {
		h.close()
		h.b.WriteString("<ul>\n")
		h.open = "ul"
	}
	fmt.Fprintf(&h.b, "<li>%s</li>\n", text(s))
}

// labelValue adds a row to a two-column table of key figures: the label
// as the row's header cell, the value beside it.
func (h *htmlDoc) labelValue(label, value string) {
	if h.open != "kv" {
		h.close()
		h.b.WriteString(`<table class="kv"><tbody>` + "\n")
		h.open = "kv"
	}
	fmt.Fprintf(&h.b, `<tr><th scope="row">%s</th><td class="num">%s</td></tr>`+"\n", text(label), text(value))
}

// figure writes an SVG chart as an image with its alt text.
func (h *htmlDoc) figure(f Figure) {
	h.close()
	fmt.Fprintf(&h.b, `<figure><img alt="%s" src="data:image/svg+xml;base64,%s">`, html.EscapeString(f.Alt),
		base64.StdEncoding.EncodeToString(sansSVG(f.SVG)))
	if f.Caption != "" {
		fmt.Fprintf(&h.b, "<figcaption>%s</figcaption>", text(f.Caption))
	}
	h.b.WriteString("</figure>\n")
}

// table writes t with its column header cells, the first column's cells
// as row headers, the total as the last row (not a footer, which a
// printed table would repeat on every page) and the note under it.
func (h *htmlDoc) table(t Table, widths []float64, total float64, size float64) {
	h.close()
	if t.Title != "" {
		h.heading(t.Title, 12)
	}
	num := func(i int) bool { return i < len(t.Numeric) && t.Numeric[i] }
	fmt.Fprintf(&h.b, `<table style="font-size:%.1fpt"><colgroup>`, size)
	for _, w := range widths {
		fmt.Fprintf(&h.b, `<col style="width:%.2f%%">`, 100*w/total)
	}
	h.b.WriteString("</colgroup>\n<thead><tr>")
	for i, c := range t.Columns {
		cls := ""
		if num(i) {
			cls = ` class="num"`
		}
		fmt.Fprintf(&h.b, `<th scope="col"%s>%s</th>`, cls, text(c))
	}
	h.b.WriteString("</tr></thead>\n<tbody>\n")
	row := func(cells []Cell, bold bool) {
		if bold {
			h.b.WriteString(`<tr class="total">`)
		} else {
			h.b.WriteString("<tr>")
		}
		for i := range t.Columns {
			s := ""
			if i < len(cells) {
				s = cells[i].Text
			}
			cls := ""
			if num(i) {
				cls = ` class="num"`
			}
			if i == 0 {
				fmt.Fprintf(&h.b, `<th scope="row">%s</th>`, text(s))
			} else {
				fmt.Fprintf(&h.b, `<td%s>%s</td>`, cls, text(s))
			}
		}
		h.b.WriteString("</tr>\n")
	}
	for _, r := range t.Rows {
		row(r, false)
	}
	if t.Total != nil {
		row(t.Total, true)
	}
	h.b.WriteString("</tbody></table>\n")
	if t.Note != "" {
		fmt.Fprintf(&h.b, `<p class="small muted">%s</p>`+"\n", text(t.Note))
	}
}

// text escapes s for HTML and keeps its line breaks.
func text(s string) string {
	return strings.ReplaceAll(html.EscapeString(s), "\n", "<br>")
}

// pageCSS lays the document out on A4 with the kit's margins, keeps
// headings with what follows, lets tables run over pages (their header
// row repeats) without splitting a row, and leaves room for the footer.
const pageCSS = `@page{size:A4 %s;margin:15mm 15mm 18mm 15mm}
html{font-family:"Liberation Sans","DejaVu Sans",Arial,Helvetica,sans-serif;font-size:10pt;color:#1b1f24;line-height:1.35}
body{margin:0}
h1{font-size:16pt;margin:0 0 3mm;color:#1b1f24}
h2{font-size:12.5pt;margin:5mm 0 2mm;color:#0b4f8a}
h3{font-size:11pt;margin:4mm 0 1.5mm;color:#0b4f8a}
h4{font-size:10pt;margin:3mm 0 1mm;color:#0b4f8a}
h1,h2,h3,h4{break-after:avoid;page-break-after:avoid;line-height:1.2}
p{margin:0 0 1.5mm}
p.lead{font-size:11pt}
p.small{font-size:8pt}
.b{font-weight:bold}
.i{font-style:italic}
.muted{color:#4a5360}
ul{margin:0 0 2mm;padding-left:5mm}
li{margin:0 0 .8mm}
table{border-collapse:collapse;width:100%%;margin:1mm 0 2mm}
th,td{text-align:left;vertical-align:top;padding:.6mm 1mm;border-bottom:.3pt solid #c9ced6;overflow-wrap:break-word}
thead th{background:#eaeef3;font-weight:bold;border-bottom:.6pt solid #1b1f24;vertical-align:bottom}
tbody th{font-weight:normal}
tr{break-inside:avoid;page-break-inside:avoid}
tr.total th,tr.total td{font-weight:bold;border-top:.6pt solid #1b1f24}
.num{text-align:right;font-variant-numeric:tabular-nums}
table.kv{width:100%%;table-layout:auto}
table.kv td{font-weight:bold;white-space:nowrap}
figure{margin:2mm 0 3mm;break-inside:avoid}
figure img{display:block;width:100%%;height:auto;max-height:110mm;object-fit:contain;margin:0 auto}
figcaption{font-size:8pt;color:#4a5360}
`

// page is the whole HTML document.
func (h *htmlDoc) page(o PDFOptions) string {
	h.close()
	h.closeSection()
	orient := "portrait"
	if o.Landscape {
		orient = "landscape"
	}
	lang := o.Lang
	if lang == "" {
		lang = "sv"
	}
	return `<!DOCTYPE html><html lang="` + html.EscapeString(lang) + `"><head><meta charset="utf-8">` +
		`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">` +
		`<title>` + html.EscapeString(o.Title) + `</title><style>` + fmt.Sprintf(pageCSS, orient) + `</style></head><body>` + "\n" +
		h.b.String() + "</body></html>"
}

// footer is Chromium's footer template: the left text and the page label
// with Chromium's page number and page count filled in.
func footer(o PDFOptions) string {
	right := ""
	if o.PageLabel != nil {
		const page, pages = "\x00page\x00", "\x00pages\x00"
		right = html.EscapeString(o.PageLabel(page, pages))
		right = strings.NewReplacer(page, `<span class="pageNumber"></span>`, pages, `<span class="totalPages"></span>`).Replace(right)
	}
	return `<div style="font-family:'Liberation Sans','DejaVu Sans',Arial,sans-serif;font-size:7.5pt;color:#4a5360;width:100%;margin:0 15mm;display:flex;justify-content:space-between;gap:4mm">` +
		`<span style="overflow:hidden;white-space:nowrap;text-overflow:ellipsis">` + html.EscapeString(o.FooterLeft) + `</span><span style="white-space:nowrap">` + right + `</span></div>`
}

// sansSVG gives an SVG without a font of its own the document's sans-serif
// font (an image does not inherit the page's).
func sansSVG(svg []byte) []byte {
	i := bytes.Index(svg, []byte("<svg"))
	if i < 0 {
		return svg
	}
	end := bytes.IndexByte(svg[i:], '>')
	if end < 0 || bytes.Contains(svg[i:i+end], []byte("font-family")) {
		return svg
	}
	at := i + len("<svg")
	return append(append(append([]byte(nil), svg[:at]...), ` font-family="Liberation Sans, DejaVu Sans, Arial, sans-serif"`...), svg[at:]...)
}
