package export

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
	"golang.org/x/text/encoding/charmap"
)

// The PDF kit. Every PDF the application writes is a Doc: A4 with 15 mm
// margins, the core Helvetica font in code page 1252 (Windows-1252 covers
// Swedish and English, so there are no font files to ship), headings,
// paragraphs, bullets, tables whose header row repeats on every page, and
// a footer with a left text and the page number. Text is UTF-8; what
// cp1252 lacks is replaced (the minus sign by "-", narrow spaces by a
// space, arrows by "->") or shown as a dot — it never fails the document.
// Capabilities decide what goes in a document; the kit decides how it is
// written.

// Page geometry and colours, in millimetres and RGB.
const (
	pdfMargin     = 15.0
	pdfFooterRoom = 8.0 // kept free above the bottom margin for the footer
)

var (
	colorText    = [3]int{27, 31, 36}
	colorMuted   = [3]int{74, 83, 96}
	colorHeading = [3]int{11, 79, 138}
	colorFill    = [3]int{234, 238, 243}
	colorRule    = [3]int{201, 206, 214}
)

// PDFOptions describe a document: its metadata and footer.
type PDFOptions struct {
	Landscape bool
	Title     string // the document title (metadata; Doc.Title writes it on the page)
	Author    string
	Subject   string
	Lang      string    // "sv", "en": the document's language
	Created   time.Time // creation and modification date
	// FooterLeft is the footer's left text on every page (cut to fit).
	FooterLeft string
	// PageLabel writes the footer's right text for a page, e.g.
	// "Sida 2 av 5"; page and pages may be placeholders the kit fills in
	// when the document is done. Nil: no page numbers.
	PageLabel func(page, pages string) string
}

// Figure is a chart in a document: the SVG and its alt text (what the
// chart shows, for a reader who cannot see it), and an optional caption.
type Figure struct {
	SVG     []byte
	Alt     string
	Caption string
}

// Doc is a PDF document being written. Write to it top to bottom, then
// call Output or Bytes once.
type Doc struct {
	o     PDFOptions
	h     htmlDoc    // the tagged document (pdfhtml.go)
	f     *fpdf.Fpdf // the untagged fallback
	tr    func(string) string
	width float64 // between the margins
	muted bool
}

// pdfReplacer maps what cp1252 lacks to its nearest text.
var pdfReplacer = strings.NewReplacer("\u2212", "-", "\u202f", "\u00a0", "\u2009", "\u00a0", "→", "->", "←", "<-",
	"≤", "<=", "≥", ">=", "\t", " ", "\r\n", "\n", "\r", "\n")

// cp1252 translates UTF-8 to the core fonts' code page (Windows-1252), a
// character it lacks as '.', as fpdf's own translator does. fpdf's
// translator parses its code page table for every document (which cost
// more than drawing the text) and writes into one buffer shared by all
// its calls, so it can be neither built once nor shared; this one is
// both cheap and safe for concurrent documents.
func cp1252(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r < utf8.RuneSelf {
			b = append(b, byte(r))
		} else if c, ok := charmap.Windows1252.EncodeRune(r); ok {
			b = append(b, c)
		} else {
			b = append(b, '.')
		}
	}
	return string(b)
}

// NewPDF starts a document with its first page.
func NewPDF(o PDFOptions) *Doc {
	orientation, width := "P", 210.0
	if o.Landscape {
		orientation, width = "L", 297.0
	}
	f := fpdf.New(orientation, "mm", "A4", "")
	d := &Doc{o: o, f: f, tr: cp1252, width: width - 2*pdfMargin}
	f.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	f.SetAutoPageBreak(true, pdfMargin+pdfFooterRoom)
	f.SetTitle(o.Title, true)
	if o.Author != "" {
		f.SetAuthor(o.Author, true)
	}
	if o.Subject != "" {
		f.SetSubject(o.Subject, true)
	}
	f.SetCreator("Styrkedjan", true)
	if o.Lang != "" {
		f.SetLang(o.Lang)
	}
	if !o.Created.IsZero() {
		f.SetCreationDate(o.Created)
		f.SetModificationDate(o.Created)
	}
	const pagesAlias = "{nb}"
	f.AliasNbPages(pagesAlias)
	f.SetFooterFunc(func() {
		f.SetY(-12)
		f.SetFont("Helvetica", "", 7.5)
		f.SetTextColor(colorMuted[0], colorMuted[1], colorMuted[2])
		right := ""
		if o.PageLabel != nil {
			right = d.text(o.PageLabel(strconv.Itoa(f.PageNo()), pagesAlias))
		}
		rightW := f.GetStringWidth(right) + 2
		f.CellFormat(d.width-rightW, 5, d.fit(d.text(o.FooterLeft), d.width-rightW-2), "", 0, "L", false, 0, "")
		f.CellFormat(rightW, 5, right, "", 0, "R", false, 0, "")
		d.color()
	})
	f.AddPage()
	d.color()
	return d
}

// Width is the width between the margins in millimetres.
func (d *Doc) Width() float64 { return d.width }

// text turns UTF-8 into the core fonts' cp1252.
func (d *Doc) text(s string) string { return d.tr(pdfReplacer.Replace(s)) }

func (d *Doc) color() {
	c := colorText
	if d.muted {
		c = colorMuted
	}
	d.f.SetTextColor(c[0], c[1], c[2])
}

func (d *Doc) font(style string, size float64) { d.f.SetFont("Helvetica", style, size) }

// SetMuted writes the following text in grey (notes, sources) or again in
// the text colour.
func (d *Doc) SetMuted(on bool) {
	d.muted = on
	d.color()
}

// fit cuts s (already in cp1252, one byte a character) to width w with an
// ellipsis.
func (d *Doc) fit(s string, w float64) string {
	if d.f.GetStringWidth(s) <= w {
		return s
	}
	ell := d.tr("…")
	for len(s) > 0 && d.f.GetStringWidth(s+ell) > w {
		s = s[:len(s)-1]
	}
	return s + ell
}

// Ensure starts a new page unless h millimetres are left on this one, and
// reports whether it did.
func (d *Doc) Ensure(h float64) bool {
	_, pageH := d.f.GetPageSize()
	if d.f.GetY()+h > pageH-pdfMargin-pdfFooterRoom {
		d.f.AddPage()
		return true
	}
	return false
}

// Space leaves h millimetres of vertical space.
func (d *Doc) Space(h float64) { d.f.Ln(h) }

// Title writes the document's title on the page.
func (d *Doc) Title(s string) {
	d.h.title(s)
	d.font("B", 16)
	d.f.MultiCell(d.width, 8, d.text(s), "", "L", false)
}

// Heading writes a section heading of the given size (12 for a section,
// 11 for a subsection, 14 for a part), kept together with what follows.
func (d *Doc) Heading(s string, size float64) {
	d.h.heading(s, size)
	d.heading(s, size)
}

func (d *Doc) heading(s string, size float64) {
	d.Ensure(24)
	d.f.Ln(3.5)
	d.font("B", size)
	d.f.SetTextColor(colorHeading[0], colorHeading[1], colorHeading[2])
	d.f.MultiCell(d.width, size*0.5, d.text(s), "", "L", false)
	d.color()
	d.f.Ln(1)
}

// Para writes wrapped text across the page in size points; style is ""
// or any of "B" (bold) and "I" (italic).
func (d *Doc) Para(s string, size float64, style string) {
	d.h.para(s, size, style, d.muted)
	d.para(s, size, style)
}

func (d *Doc) para(s string, size float64, style string) {
	d.font(style, size)
	d.f.MultiCell(d.width, size*0.5, d.text(s), "", "L", false)
}

// Bullet writes a wrapped list item at 10 points.
func (d *Doc) Bullet(s string) {
	d.h.bullet(s)
	d.font("", 10)
	x := d.f.GetX()
	d.f.CellFormat(5, 5, d.text("•"), "", 0, "L", false, 0, "")
	d.f.MultiCell(d.width-5, 5, d.text(s), "", "L", false)
	d.f.SetX(x)
}

// LabelValue writes a line with a label on the left and a bold value on
// the right, ruled below (key figures).
func (d *Doc) LabelValue(label, value string, size float64) {
	d.h.labelValue(label, value)
	h := size*0.5 + 1
	d.Ensure(h)
	valueW := 40.0
	d.font("", size)
	d.f.CellFormat(d.width-valueW, h, d.fit(d.text(label), d.width-valueW-2), "B", 0, "L", false, 0, "")
	d.font("B", size)
	d.f.CellFormat(valueW, h, d.fit(d.text(value), valueW-1), "B", 1, "R", false, 0, "")
}

// TableStyle says how Doc.Table lays a table out.
type TableStyle struct {
	// Widths are the columns' widths in millimetres; a 0 shares what the
	// others leave. Nil: the first column takes half, the others share the rest.
	Widths []float64
	// Wrap wraps long cells over several lines; otherwise a cell is cut
	// to its column with an ellipsis.
	Wrap bool
	// Grid draws every cell's border; otherwise rows are ruled below.
	Grid     bool
	FontSize float64 // 0: 8 points
}

// Table writes t: its title as a heading (when set), the header row
// (shaded, wrapped, repeated at the top of every page the table runs
// onto), the rows, the total row in bold, then the note in grey. Numeric
// columns are right-aligned.
func (d *Doc) Table(t Table, st TableStyle) {
	n := len(t.Columns)
	if n == 0 {
		return
	}
	widths := d.widths(n, st.Widths)
	size := st.FontSize
	if size == 0 {
		size = 8
	}
	total := 0.0
	for _, w := range widths {
		total += w
	}
	d.h.table(t, widths, total, size+0.5)
	headSize := size - 1
	lineH := size * 0.45
	align := func(i int) string {
		if i < len(t.Numeric) && t.Numeric[i] {
			return "R"
		}
		return "L"
	}
	border := func(x, y, w, h float64) {
		if st.Grid {
			d.f.SetDrawColor(colorRule[0], colorRule[1], colorRule[2])
			d.f.Rect(x, y, w, h, "D")
		}
	}
	header := func() {
		d.font("B", headSize)
		split := make([][][]byte, n)
		lines := 1
		for i, c := range t.Columns {
			split[i] = d.f.SplitLines([]byte(d.text(c)), widths[i])
			lines = max(lines, len(split[i]))
		}
		h := float64(lines)*headSize*0.45 + 1.6
		x0, y0 := d.f.GetXY()
		d.f.SetFillColor(colorFill[0], colorFill[1], colorFill[2])
		d.f.Rect(x0, y0, d.width, h, "F")
		x := x0
		for i := range t.Columns {
			for j, line := range split[i] {
				d.f.SetXY(x, y0+0.8+float64(j)*headSize*0.45)
				d.f.CellFormat(widths[i], headSize*0.45, string(line), "", 0, align(i), false, 0, "")
			}
			border(x, y0, widths[i], h)
			x += widths[i]
		}
		d.f.SetDrawColor(colorText[0], colorText[1], colorText[2])
		d.f.Line(x0, y0+h, x0+d.width, y0+h)
		d.f.SetXY(x0, y0+h)
	}
	row := func(cells []Cell, bold bool) {
		style := ""
		if bold {
			style = "B"
		}
		d.font(style, size)
		texts := make([][]string, n)
		lines := 1
		for i := range n {
			s := ""
			if i < len(cells) {
				s = d.text(cells[i].Text)
			}
			if st.Wrap {
				for _, l := range d.f.SplitLines([]byte(s), widths[i]-1.5) {
					texts[i] = append(texts[i], string(l))
				}
			} else {
				texts[i] = []string{d.fit(strings.ReplaceAll(s, "\n", " "), widths[i]-1.5)}
			}
			lines = max(lines, len(texts[i]))
		}
		// A row never runs over more than a page: cut what a page cannot hold.
		_, pageH := d.f.GetPageSize()
		if most := int((pageH - 2*pdfMargin - pdfFooterRoom - 30) / lineH); lines > most {
			for i := range texts {
				if len(texts[i]) > most {
					texts[i] = append(texts[i][:most-1], d.fit(texts[i][most-1]+d.tr("…"), widths[i]-1.5))
				}
			}
			lines = most
		}
		h := float64(lines)*lineH + 1.6
		if d.Ensure(h) {
			header()
			d.font(style, size)
		}
		x0, y0 := d.f.GetXY()
		x := x0
		for i := range n {
			for j, l := range texts[i] {
				d.f.SetXY(x+0.5, y0+0.8+float64(j)*lineH)
				d.f.CellFormat(widths[i]-1, lineH, l, "", 0, align(i), false, 0, "")
			}
			border(x, y0, widths[i], h)
			x += widths[i]
		}
		if !st.Grid {
			d.f.SetDrawColor(colorRule[0], colorRule[1], colorRule[2])
			d.f.Line(x0, y0+h, x0+d.width, y0+h)
		}
		d.f.SetXY(x0, y0+h)
	}

	if t.Title != "" {
		d.heading(t.Title, 12)
	}
	d.Ensure(20)
	header()
	for _, r := range t.Rows {
		row(r, false)
	}
	if t.Total != nil {
		row(t.Total, true)
	}
	if t.Note != "" {
		d.f.Ln(1.5)
		muted := d.muted
		d.SetMuted(true)
		d.para(t.Note, 7.5, "")
		d.SetMuted(muted)
	}
}

// widths resolves a table's column widths to the page width.
func (d *Doc) widths(n int, given []float64) []float64 {
	out := make([]float64, n)
	if given == nil {
		if n == 1 {
			return []float64{d.width}
		}
		out[0] = d.width / 2
		for i := 1; i < n; i++ {
			out[i] = d.width / 2 / float64(n-1)
		}
		return out
	}
	rest, zeros := d.width, 0
	for i := range n {
		if i < len(given) && given[i] > 0 {
			out[i] = given[i]
			rest -= given[i]
		} else {
			zeros++
		}
	}
	for i := range n {
		if out[i] == 0 && zeros > 0 {
			out[i] = max(rest/float64(zeros), 5)
		}
	}
	return out
}

// Figure writes a chart with its alt text. The tagged document shows the
// chart; the untagged fallback, which cannot draw SVG, writes the alt text.
func (d *Doc) Figure(f Figure) {
	if len(f.SVG) == 0 {
		return
	}
	d.h.figure(f)
	muted := d.muted
	d.SetMuted(true)
	d.para(f.Alt, 8.5, "I")
	d.SetMuted(muted)
}

// Output writes the finished document to w: a tagged PDF printed by
// Chromium (with the PDF/UA identification), or, where Chromium is
// missing or fails, the untagged fpdf drawing.
func (d *Doc) Output(w io.Writer) error {
	b, err := d.Bytes()
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// Bytes returns the finished document (see Output).
func (d *Doc) Bytes() ([]byte, error) {
	if path := ChromiumPath(); path != "" {
		b, err := shared.print(path, d.h.page(d.o), d.o)
		if err == nil {
			b, err = identify(b, d.o)
		}
		if err == nil {
			return b, nil
		}
		slog.Error("export: printing a tagged PDF with Chromium failed; this PDF is written untagged", "err", err)
	} else {
		warnUntagged()
	}
	return d.untagged()
}

// untagged returns the fpdf drawing.
func (d *Doc) untagged() ([]byte, error) {
	if err := d.f.Error(); err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	var buf bytes.Buffer
	if err := d.f.Output(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
