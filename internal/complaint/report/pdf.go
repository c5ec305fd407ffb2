package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/export"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
)

// The PDF is written with the document kit (export.Doc): A4 portrait, the
// core Helvetica font.

// pdfWidthUnit is the millimetres per unit of a column's relative width;
// the first column takes the rest.
const pdfWidthUnit = 16.0

// pdfTable is a table as printed: without the analyst's columns, numbers
// right-aligned, the total in bold.
func (t table) pdfTable() (export.Table, []float64) {
	out := export.Table{Title: t.title, Note: t.note}
	var idx []int
	var widths []float64
	for i, c := range t.cols {
		if c.xlsxOnly {
			continue
		}
		idx = append(idx, i)
		out.Columns = append(out.Columns, c.title)
		out.Numeric = append(out.Numeric, i > 0)
		w := c.width * pdfWidthUnit
		if i == 0 {
			w = 0
		}
		widths = append(widths, w)
	}
	cells := func(row []cell) []export.Cell {
		r := make([]export.Cell, len(idx))
		for j, k := range idx {
			r[j] = export.Text(row[k].text)
		}
		return r
	}
	for _, row := range t.rows {
		out.Rows = append(out.Rows, cells(row))
	}
	if t.total != nil {
		out.Total = cells(t.total)
	}
	return out, widths
}

// WritePDF writes the report as a PDF in l's language: the key figures,
// the officer's analysis, what stands out, the method, and every table
// with its source and date, the categories and months with their charts
// (Charts) above them.
func (r *Report) WritePDF(w io.Writer, l *i18n.Localizer) error {
	src := r.Source(l) + " " + l.T("report.period_line", "From", r.Period.From, "To", r.Period.To,
		"PrevFrom", r.Previous.From, "PrevTo", r.Previous.To)
	title := l.T("report.title")
	d := export.NewPDF(export.PDFOptions{Title: title, Author: r.Organizer, Subject: r.Period.String(), Lang: l.Lang, Created: r.Generated,
		FooterLeft: r.Organizer + " – " + title + " " + r.Period.String(),
		PageLabel: func(page, pages string) string {
			return l.T("report.page", "Page", page, "Pages", pages)
		}})
	source := func() {
		d.SetMuted(true)
		d.Para(src, 7.5, "I")
		d.SetMuted(false)
	}
	d.SetMuted(true)
	d.Para(r.Organizer, 10, "")
	d.SetMuted(false)
	d.Title(title)
	d.Space(1)
	d.Para(l.T("report.period_line", "From", r.Period.From, "To", r.Period.To, "PrevFrom", r.Previous.From,
		"PrevTo", r.Previous.To)+" "+l.T("report.kind_line", "Kind", r.KindLabel(l)), 10, "")
	d.Space(1)
	d.Para(r.SuppressionNote(l), 9, "")
	d.Para(r.Source(l), 9, "I")

	d.Heading(l.T("report.key_figures"), 12)
	for _, kf := range r.keyFigures(l) {
		d.LabelValue(kf.label, kf.value.text, 9)
	}
	d.Space(1.5)
	source()

	d.Heading(l.T("report.analysis"), 12)
	if strings.TrimSpace(r.Analysis) == "" {
		d.Para(l.T("report.no_analysis"), 10, "I")
	} else {
		d.Para(r.Analysis, 10, "")
		if r.AnalysisUpdated != nil {
			d.Space(1)
			d.SetMuted(true)
			d.Para(l.T("report.analysis_updated", "Date", civil.Date(*r.AnalysisUpdated)), 8, "I")
			d.SetMuted(false)
		}
	}

	d.Heading(l.T("report.stands_out"), 12)
	if rises := r.Rises(); len(rises) == 0 {
		d.Para(l.T("report.no_rises"), 10, "")
	} else {
		for _, row := range rises {
			d.Bullet(l.T("report.rise_line", "Label", row.Label, "Count", row.Count.Format(l.Lang),
				"Previous", row.Previous.Format(l.Lang), "Change", row.Change.Signed(l.Lang)))
		}
	}
	d.Space(1)
	d.Para(Method(l), 8.5, "")

	for _, t := range r.tables(l) {
		pt, widths := t.pdfTable()
		if f, ok := r.Charts[t.chart]; ok && len(f.SVG) > 0 {
			d.Heading(pt.Title, 12)
			pt.Title = ""
			d.Figure(f)
		}
		d.Table(pt, export.TableStyle{Widths: widths, FontSize: 7.5})
		if pt.Note == "" {
			d.Space(1.5)
		}
		source()
	}
	d.Heading(l.T("report.about"), 12)
	d.Para(r.SuppressionNote(l), 8.5, "")
	d.Space(1)
	d.Para(l.T("report.about_text"), 8.5, "")
	if err := d.Output(w); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}
