package report

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
)

// SuppressedMark is what a suppressed figure is in the XLSX, as in
// official Swedish statistics: "..". Missing figures are empty cells.
const SuppressedMark = ".."

// WriteXLSX writes the report as a workbook in l's language: a summary
// sheet (period, source, version, key figures, method, the analysis),
// then one data sheet per table, each with one header row, frozen, and
// numbers as numbers, so an analyst can reuse them as they are.
func (r *Report) WriteXLSX(w io.Writer, l *i18n.Localizer) error {
	f := excelize.NewFile()
	defer f.Close()
	x := &xlsx{f: f, r: r, l: l}
	if err := x.styles(); err != nil {
		return err
	}
	summary := sheetName(l.T("report.sheet.summary"))
	if err := f.SetSheetName("Sheet1", summary); err != nil {
		return err
	}
	x.summary(summary)
	for _, t := range r.tables(l) {
		x.data(t)
	}
	x.footer(summary)
	f.SetActiveSheet(0)
	_ = f.SetDocProps(&excelize.DocProperties{Title: l.T("report.title") + " " + r.Period.String(), Creator: "Styrkedjan",
		Description: r.Source(l), Language: l.Lang, Created: r.Generated.Format(time.RFC3339)})
	if x.err != nil {
		return fmt.Errorf("report: xlsx: %w", x.err)
	}
	return f.Write(w)
}

type xlsx struct {
	f   *excelize.File
	r   *Report
	l   *i18n.Localizer
	err error // the first error; later calls do nothing

	header, bold, title, wrap, muted int
	formats                          map[numFmt]int
	boldFormats                      map[numFmt]int
}

func (x *xlsx) check(err error) {
	if x.err == nil && err != nil {
		x.err = err
	}
}

func (x *xlsx) style(s *excelize.Style) int {
	id, err := x.f.NewStyle(s)
	x.check(err)
	return id
}

func (x *xlsx) styles() error {
	custom := func(s string) *string { return &s }
	x.header = x.style(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"},
		Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EAEEF3"}},
		Border: []excelize.Border{{Type: "bottom", Color: "1B1F24", Style: 1}}})
	x.bold = x.style(&excelize.Style{Font: &excelize.Font{Bold: true}})
	x.title = x.style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	x.wrap = x.style(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	x.muted = x.style(&excelize.Style{Font: &excelize.Font{Italic: true, Color: "4A5360"}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	formats := map[numFmt]*excelize.Style{
		fmtCount:   {NumFmt: 3},                        // #,##0
		fmtDecimal: {CustomNumFmt: custom("0.0")},      // one decimal
		fmtShare:   {CustomNumFmt: custom("0.0%")},     // a share as a percentage
		fmtChange:  {CustomNumFmt: custom("+0;-0;0")},  // per cent, signed
		fmtP:       {CustomNumFmt: custom("0.000000")}, // p-values
	}
	x.formats, x.boldFormats = map[numFmt]int{}, map[numFmt]int{}
	for k, s := range formats {
		s.Alignment = &excelize.Alignment{Horizontal: "right"}
		x.formats[k] = x.style(s)
		b := *s
		b.Font = &excelize.Font{Bold: true}
		x.boldFormats[k] = x.style(&b)
	}
	return x.err
}

func cellName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

// put writes one cell: numbers as numbers, suppressed figures as "..",
// missing ones as nothing.
func (x *xlsx) put(sheet string, col, row int, c cell, format numFmt, bold bool) {
	ref := cellName(col, row)
	switch c.kind {
	case numberCell:
		x.check(x.f.SetCellValue(sheet, ref, c.num))
		style := x.formats[format]
		if bold {
			style = x.boldFormats[format]
		}
		x.check(x.f.SetCellStyle(sheet, ref, ref, style))
	case hiddenCell:
		x.check(x.f.SetCellValue(sheet, ref, SuppressedMark))
		x.check(x.f.SetCellStyle(sheet, ref, ref, x.formats[format]))
	case textCell:
		x.check(x.f.SetCellValue(sheet, ref, c.text))
		if bold {
			x.check(x.f.SetCellStyle(sheet, ref, ref, x.bold))
		}
	}
}

func (x *xlsx) summary(sheet string) {
	r, l := x.r, x.l
	f := x.f
	x.check(f.SetColWidth(sheet, "A", "A", 58))
	x.check(f.SetColWidth(sheet, "B", "B", 18))
	row := 1
	line := func(label string, value any) {
		x.check(f.SetCellValue(sheet, cellName(1, row), label))
		x.check(f.SetCellValue(sheet, cellName(2, row), value))
		row++
	}
	x.check(f.SetCellValue(sheet, "A1", l.T("report.title")))
	x.check(f.SetCellStyle(sheet, "A1", "A1", x.title))
	row = 3
	line(l.T("report.meta.organizer"), r.Organizer)
	line(l.T("report.meta.period"), r.Period.String())
	line(l.T("report.meta.previous"), r.Previous.String())
	line(l.T("report.meta.kind"), r.KindLabel(l))
	line(l.T("report.meta.generated"), civil.DateTime(r.Generated))
	line(l.T("report.meta.source"), r.Source(l))
	line(l.T("report.meta.version"), r.SuppressionNote(l))
	line(l.T("report.meta.marks"), l.T("report.marks", "Mark", SuppressedMark))
	row++
	x.check(f.SetCellValue(sheet, cellName(1, row), l.T("report.key_figures")))
	x.check(f.SetCellStyle(sheet, cellName(1, row), cellName(2, row), x.header))
	row++
	for _, kf := range r.keyFigures(l) {
		x.check(f.SetCellValue(sheet, cellName(1, row), kf.label))
		x.put(sheet, 2, row, kf.value, kf.format, true)
		row++
	}
	row++
	x.check(f.SetCellValue(sheet, cellName(1, row), l.T("report.method_title")))
	x.check(f.SetCellStyle(sheet, cellName(1, row), cellName(1, row), x.bold))
	row++
	x.check(f.SetCellValue(sheet, cellName(1, row), Method(l)))
	x.check(f.SetCellStyle(sheet, cellName(1, row), cellName(1, row), x.wrap))
	x.check(f.SetRowHeight(sheet, row, 90))
	row += 2
	x.check(f.SetCellValue(sheet, cellName(1, row), l.T("report.analysis")))
	x.check(f.SetCellStyle(sheet, cellName(1, row), cellName(1, row), x.bold))
	row++
	text := r.Analysis
	if strings.TrimSpace(text) == "" {
		text = l.T("report.no_analysis")
	}
	x.check(f.SetCellValue(sheet, cellName(1, row), text))
	x.check(f.SetCellStyle(sheet, cellName(1, row), cellName(1, row), x.wrap))
	x.check(f.SetRowHeight(sheet, row, min(409, 15*float64(strings.Count(text, "\n")+1+utf8.RuneCountInString(text)/70))))
}

// data writes one table as a sheet: the header in row 1, frozen with the
// first column, then the rows and the total.
func (x *xlsx) data(t table) {
	sheet := sheetName(t.sheet)
	_, err := x.f.NewSheet(sheet)
	x.check(err)
	for i, c := range t.cols {
		x.check(x.f.SetCellValue(sheet, cellName(i+1, 1), c.title))
		width := 14.0
		if i == 0 {
			width = 34
		}
		col, _ := excelize.ColumnNumberToName(i + 1)
		x.check(x.f.SetColWidth(sheet, col, col, width))
	}
	x.check(x.f.SetCellStyle(sheet, "A1", cellName(len(t.cols), 1), x.header))
	x.check(x.f.SetRowHeight(sheet, 1, 46))
	rows := t.rows
	if t.total != nil {
		rows = append(rows[:len(rows):len(rows)], t.total)
	}
	for i, cells := range rows {
		bold := t.total != nil && i == len(rows)-1
		for j, c := range cells {
			x.put(sheet, j+1, i+2, c, t.cols[j].format, bold)
		}
	}
	x.check(x.f.SetPanes(sheet, &excelize.Panes{Freeze: true, XSplit: 1, YSplit: 1, TopLeftCell: "B2", ActivePane: "bottomRight",
		Selection: []excelize.Selection{{SQRef: "B2", ActiveCell: "B2", Pane: "bottomRight"}}}))
}

// footer puts the source and the page number on every printed page.
func (x *xlsx) footer(summary string) {
	src := strings.ReplaceAll(x.r.Source(x.l)+" "+x.r.Period.String(), "&", "&&")
	if utf8.RuneCountInString(src) > 200 {
		src = string([]rune(src)[:200])
	}
	for _, sheet := range x.f.GetSheetList() {
		x.check(x.f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{OddFooter: "&L" + src + "&R&P / &N"}))
	}
}

// sheetName makes a valid sheet name: at most 31 characters, none of : \ / ? * [ ].
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '-'
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	return s
}
