package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/go-pdf/fpdf"

	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
)

// The PDF uses the core Helvetica font in code page 1252, which covers
// Swedish and English: no font files to ship. A4, portrait.

const (
	pdfMargin = 15.0
	pdfWidth  = 210 - 2*pdfMargin
)

type pdfDoc struct {
	*fpdf.Fpdf
	tr  func(string) string
	r   *Report
	l   *i18n.Localizer
	src string // the source line under every table
}

// cp1252 lacks the minus sign and the narrow spaces; the rest of what
// the report writes is in it.
var pdfReplacer = strings.NewReplacer("\u2212", "-", "\u202f", " ", "\u2009", " ")

func (d *pdfDoc) text(s string) string { return d.tr(pdfReplacer.Replace(s)) }

func (d *pdfDoc) font(style string, size float64) { d.SetFont("Helvetica", style, size) }

// para writes wrapped text across the page.
func (d *pdfDoc) para(s string, size float64, style string) {
	d.font(style, size)
	d.MultiCell(pdfWidth, size*0.5, d.text(s), "", "L", false)
}

func (d *pdfDoc) heading(s string) {
	d.ensure(24)
	d.Ln(4)
	d.font("B", 12)
	d.SetTextColor(11, 79, 138)
	d.MultiCell(pdfWidth, 6, d.text(s), "", "L", false)
	d.SetTextColor(27, 31, 36)
	d.Ln(1)
}

// ensure starts a new page unless h millimetres are left on this one.
func (d *pdfDoc) ensure(h float64) bool {
	_, pageH := d.GetPageSize()
	if d.GetY()+h > pageH-pdfMargin-8 {
		d.AddPage()
		return true
	}
	return false
}

// fit cuts s (already translated) to width w with an ellipsis.
func (d *pdfDoc) fit(s string, w float64) string {
	if d.GetStringWidth(s) <= w {
		return s
	}
	ell := d.tr("…")
	for len(s) > 0 && d.GetStringWidth(s+ell) > w {
		s = s[:len(s)-1]
	}
	return s + ell
}

// table writes a table with a wrapped header row repeated on every page,
// then the note and the source line.
func (d *pdfDoc) table(t table) {
	var cols []column
	var idx []int
	for i, c := range t.cols {
		if !c.xlsxOnly {
			cols, idx = append(cols, c), append(idx, i)
		}
	}
	const unit = 16.0 // millimetres per unit of relative width
	widths := make([]float64, len(cols))
	rest := pdfWidth
	for i, c := range cols[1:] {
		widths[i+1] = c.width * unit
		rest -= widths[i+1]
	}
	widths[0] = rest
	const fontSize, headSize, rowH = 7.5, 6.5, 5.0

	header := func() {
		d.font("B", headSize)
		lines := 1
		split := make([][][]byte, len(cols))
		for i, c := range cols {
			split[i] = d.SplitLines([]byte(d.text(c.title)), widths[i])
			lines = max(lines, len(split[i]))
		}
		h := float64(lines)*3 + 1.6
		x0, y0 := d.GetXY()
		d.SetFillColor(234, 238, 243)
		d.Rect(x0, y0, pdfWidth, h, "F")
		x := x0
		for i := range cols {
			align := "R"
			if i == 0 {
				align = "L"
			}
			for j, line := range split[i] {
				d.SetXY(x, y0+0.8+float64(j)*3)
				d.CellFormat(widths[i], 3, string(line), "", 0, align, false, 0, "")
			}
			x += widths[i]
		}
		d.SetXY(x0, y0+h)
		d.SetDrawColor(27, 31, 36)
		d.Line(x0, y0+h, x0+pdfWidth, y0+h)
	}
	row := func(cells []cell, bold bool) {
		if d.ensure(rowH) {
			header()
		}
		style := ""
		if bold {
			style = "B"
		}
		d.font(style, fontSize)
		x0, y0 := d.GetXY()
		for i, k := range idx {
			align := "R"
			if i == 0 {
				align = "L"
			}
			d.CellFormat(widths[i], rowH, d.fit(d.text(cells[k].text), widths[i]-1.5), "", 0, align, false, 0, "")
		}
		d.SetDrawColor(201, 206, 214)
		d.Line(x0, y0+rowH, x0+pdfWidth, y0+rowH)
		d.SetXY(x0, y0+rowH)
	}

	d.heading(t.title)
	d.ensure(20)
	header()
	for _, r := range t.rows {
		row(r, false)
	}
	if t.total != nil {
		row(t.total, true)
	}
	d.Ln(1.5)
	d.SetTextColor(74, 83, 96)
	if t.note != "" {
		d.para(t.note, 7.5, "")
	}
	d.para(d.src, 7.5, "I")
	d.SetTextColor(27, 31, 36)
}

// WritePDF writes the report as a PDF in l's language: the key figures,
// the officer's analysis, what stands out, the method, and every table
// with its source and date.
func (r *Report) WritePDF(w io.Writer, l *i18n.Localizer) error {
	f := fpdf.New("P", "mm", "A4", "")
	d := &pdfDoc{Fpdf: f, tr: f.UnicodeTranslatorFromDescriptor(""), r: r, l: l}
	d.src = r.Source(l) + " " + l.T("report.period_line", "From", r.Period.From, "To", r.Period.To,
		"PrevFrom", r.Previous.From, "PrevTo", r.Previous.To)
	title := l.T("report.title")
	f.SetTitle(title, true)
	f.SetAuthor(r.Organizer, true)
	f.SetSubject(r.Period.String(), true)
	f.SetCreator("Styrkedjan", true)
	f.SetLang(l.Lang)
	f.SetCreationDate(r.Generated)
	f.SetModificationDate(r.Generated)
	f.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	f.SetAutoPageBreak(true, pdfMargin)
	f.AliasNbPages("{nb}")
	f.SetFooterFunc(func() {
		f.SetY(-12)
		d.font("", 7.5)
		f.SetTextColor(74, 83, 96)
		f.CellFormat(pdfWidth/2, 5, d.text(r.Organizer+" – "+title+" "+r.Period.String()), "", 0, "L", false, 0, "")
		f.CellFormat(pdfWidth/2, 5, d.text(l.T("report.page", "Page", f.PageNo(), "Pages", "{nb}")), "", 0, "R", false, 0, "")
		f.SetTextColor(27, 31, 36)
	})
	f.AddPage()
	f.SetTextColor(74, 83, 96)
	d.para(r.Organizer, 10, "")
	f.SetTextColor(27, 31, 36)
	d.para(title, 17, "B")
	f.Ln(1)
	d.para(l.T("report.period_line", "From", r.Period.From, "To", r.Period.To, "PrevFrom", r.Previous.From,
		"PrevTo", r.Previous.To)+" "+l.T("report.kind_line", "Kind", r.KindLabel(l)), 10, "")
	f.Ln(1)
	d.para(r.SuppressionNote(l), 9, "")
	d.para(r.Source(l), 9, "I")

	d.heading(l.T("report.key_figures"))
	for _, kf := range r.keyFigures(l) {
		d.ensure(5.5)
		d.font("", 9)
		f.CellFormat(pdfWidth-40, 5.5, d.fit(d.text(kf.label), pdfWidth-42), "B", 0, "L", false, 0, "")
		d.font("B", 9)
		f.CellFormat(40, 5.5, d.text(kf.value.text), "B", 1, "R", false, 0, "")
	}
	f.Ln(1.5)
	f.SetTextColor(74, 83, 96)
	d.para(d.src, 7.5, "I")
	f.SetTextColor(27, 31, 36)

	d.heading(l.T("report.analysis"))
	if strings.TrimSpace(r.Analysis) == "" {
		d.para(l.T("report.no_analysis"), 10, "I")
	} else {
		d.para(r.Analysis, 10, "")
		if r.AnalysisUpdated != nil {
			f.Ln(1)
			f.SetTextColor(74, 83, 96)
			d.para(l.T("report.analysis_updated", "Date", civil.Date(*r.AnalysisUpdated)), 8, "I")
			f.SetTextColor(27, 31, 36)
		}
	}

	d.heading(l.T("report.stands_out"))
	if rises := r.Rises(); len(rises) == 0 {
		d.para(l.T("report.no_rises"), 10, "")
	} else {
		for _, row := range rises {
			d.para("•  "+l.T("report.rise_line", "Label", row.Label, "Count", row.Count.Format(l.Lang),
				"Previous", row.Previous.Format(l.Lang), "Change", row.Change.Signed(l.Lang)), 10, "")
		}
	}
	f.Ln(1)
	d.para(Method(l), 8.5, "")

	for _, t := range r.tables(l) {
		d.table(t)
	}
	d.heading(l.T("report.about"))
	d.para(r.SuppressionNote(l), 8.5, "")
	f.Ln(1)
	d.para(l.T("report.about_text"), 8.5, "")
	if err := f.Error(); err != nil {
		return fmt.Errorf("report: pdf: %w", err)
	}
	return f.Output(w)
}
