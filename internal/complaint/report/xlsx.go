package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/export"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
)

// SuppressedMark is what a suppressed figure is in the XLSX, as in
// official Swedish statistics: "..". Missing figures are empty cells.
const SuppressedMark = ".."

// xlsxFormats are the spreadsheet number formats of the report's figures.
var xlsxFormats = map[numFmt]string{
	fmtCount:   "#,##0",    // a count with digit grouping
	fmtDecimal: "0.0",      // one decimal
	fmtShare:   "0.0%",     // a share as a percentage
	fmtChange:  "+0;-0;0",  // per cent, signed
	fmtP:       "0.000000", // p-values
}

// xlsxCell is a cell as the analyst's sheet holds it: numbers as numbers,
// suppressed figures as "..", missing ones as nothing.
func xlsxCell(c cell, format numFmt) export.Cell {
	switch c.kind {
	case numberCell:
		v := c.num
		return export.Cell{Num: &v, Format: xlsxFormats[format], Text: c.text}
	case hiddenCell:
		return export.Text(SuppressedMark)
	case textCell:
		return export.Text(c.text)
	}
	return export.Cell{}
}

// xlsxTable is a table as the analyst's sheet: every column, named by
// the sheet name.
func (t table) xlsxTable() export.Table {
	out := export.Table{Title: t.sheet}
	for i, c := range t.cols {
		out.Columns = append(out.Columns, c.title)
		out.Numeric = append(out.Numeric, i > 0)
	}
	cells := func(row []cell) []export.Cell {
		r := make([]export.Cell, len(row))
		for j, c := range row {
			r[j] = xlsxCell(c, t.cols[j].format)
		}
		return r
	}
	for _, row := range t.rows {
		out.Rows = append(out.Rows, cells(row))
	}
	if t.total != nil {
		out.Total = cells(t.total)
	}
	return out
}

// WriteXLSX writes the report as a workbook in l's language: a summary
// sheet (period, source, version, key figures, method, the analysis),
// then one data sheet per table, each with one header row, frozen, and
// numbers as numbers, so an analyst can reuse them as they are.
func (r *Report) WriteXLSX(w io.Writer, l *i18n.Localizer) error {
	text := func(label, value string) export.Line { return export.ValueLine(label, export.Text(value)) }
	lines := []export.Line{
		text(l.T("report.meta.organizer"), r.Organizer),
		text(l.T("report.meta.period"), r.Period.String()),
		text(l.T("report.meta.previous"), r.Previous.String()),
		text(l.T("report.meta.kind"), r.KindLabel(l)),
		text(l.T("report.meta.generated"), civil.DateTime(r.Generated)),
		text(l.T("report.meta.source"), r.Source(l)),
		text(l.T("report.meta.version"), r.SuppressionNote(l)),
		text(l.T("report.meta.marks"), l.T("report.marks", "Mark", SuppressedMark)),
		{Style: export.Blank},
		{Label: l.T("report.key_figures"), Style: export.Heading},
	}
	for _, kf := range r.keyFigures(l) {
		v := xlsxCell(kf.value, kf.format)
		v.Bold = true
		lines = append(lines, export.Line{Label: kf.label, Value: &v})
	}
	analysis := r.Analysis
	if strings.TrimSpace(analysis) == "" {
		analysis = l.T("report.no_analysis")
	}
	lines = append(lines, export.Line{Style: export.Blank},
		export.Line{Label: l.T("report.method_title"), Style: export.Bold},
		export.Line{Label: Method(l), Style: export.Wrapped},
		export.Line{Style: export.Blank},
		export.Line{Label: l.T("report.analysis"), Style: export.Bold},
		export.Line{Label: analysis, Style: export.Wrapped})
	b := export.Workbook{Title: l.T("report.title") + " " + r.Period.String(), Description: r.Source(l), Lang: l.Lang, Created: r.Generated,
		Summary: &export.Summary{Name: l.T("report.sheet.summary"), Title: l.T("report.title"), Lines: lines},
		Footer:  r.Source(l) + " " + r.Period.String()}
	for _, t := range r.tables(l) {
		b.Tables = append(b.Tables, t.xlsxTable())
	}
	if err := export.WriteWorkbook(w, b); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}
