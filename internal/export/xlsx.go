package export

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Workbook is an XLSX file: an optional summary sheet first, then one
// sheet per table, each with one frozen, shaded header row (and the first
// column frozen), numbers as numbers with their format, texts as texts
// (a suppressed figure is a text, and a text that looks like a formula
// stays a text), the total row in bold and the note under the table.
type Workbook struct {
	Title       string // document properties
	Description string
	Lang        string
	Created     time.Time
	Summary     *Summary
	Tables      []Table
	// Footer is printed at the bottom left of every page, with the page
	// number on the right ("1 / 3"); "" prints no footer.
	Footer string
}

// Summary is a sheet of lines: the title, then labels with values,
// headings and long texts.
type Summary struct {
	Name  string // the sheet name
	Title string
	Lines []Line
}

// LineStyle says how a summary line is written.
type LineStyle int

const (
	Plain   LineStyle = iota // a label and its value
	Heading                  // a shaded heading over label and value
	Bold                     // a bold label
	Wrapped                  // a long text in the label column, wrapped, its row high enough
	Blank                    // an empty line
)

// Line is a summary line.
type Line struct {
	Label string
	Value *Cell // in the second column; nil: none
	Style LineStyle
}

// ValueLine is a Plain line with a value cell.
func ValueLine(label string, v Cell) Line { return Line{Label: label, Value: &v} }

// WriteXLSX writes the tables as one workbook, a sheet per table.
func WriteXLSX(w io.Writer, tables []Table, title string) error {
	return WriteWorkbook(w, Workbook{Title: title, Tables: tables})
}

type xlsxWriter struct {
	f   *excelize.File
	err error // the first error; later calls do nothing

	header, bold, title, wrap, right, boldRight int
	formats                                     map[string]int // number format (and ",b" when bold) → style
}

func (x *xlsxWriter) check(err error) {
	if x.err == nil && err != nil {
		x.err = err
	}
}

func (x *xlsxWriter) style(s *excelize.Style) int {
	id, err := x.f.NewStyle(s)
	x.check(err)
	return id
}

// numStyle is the style of a number cell.
func (x *xlsxWriter) numStyle(c Cell) int {
	code := c.Format
	if code == "" {
		code = "0"
		if c.Decimals > 0 {
			code += "." + strings.Repeat("0", c.Decimals)
		}
	}
	key := code
	if c.Bold {
		key += ",b"
	}
	if id, ok := x.formats[key]; ok {
		return id
	}
	s := &excelize.Style{CustomNumFmt: &code, Alignment: &excelize.Alignment{Horizontal: "right"}}
	if code == "#,##0" {
		s = &excelize.Style{NumFmt: 3, Alignment: &excelize.Alignment{Horizontal: "right"}}
	}
	if c.Bold {
		s.Font = &excelize.Font{Bold: true}
	}
	id := x.style(s)
	x.formats[key] = id
	return id
}

func ref(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

// put writes one cell: a number as a number, anything else as a string
// (never a formula).
func (x *xlsxWriter) put(sheet string, col, row int, c Cell, numeric bool) {
	r := ref(col, row)
	if c.Num != nil {
		x.check(x.f.SetCellFloat(sheet, r, *c.Num, -1, 64))
		x.check(x.f.SetCellStyle(sheet, r, r, x.numStyle(c)))
		return
	}
	if c.Bool != nil {
		x.check(x.f.SetCellBool(sheet, r, *c.Bool))
		return
	}
	if c.Text == "" {
		return
	}
	x.check(x.f.SetCellStr(sheet, r, c.Text))
	switch {
	case numeric && c.Bold:
		x.check(x.f.SetCellStyle(sheet, r, r, x.boldRight))
	case numeric:
		x.check(x.f.SetCellStyle(sheet, r, r, x.right))
	case c.Bold:
		x.check(x.f.SetCellStyle(sheet, r, r, x.bold))
	}
}

// WriteWorkbook writes b as XLSX to w.
func WriteWorkbook(w io.Writer, b Workbook) error {
	f := excelize.NewFile()
	defer f.Close()
	x := &xlsxWriter{f: f, formats: map[string]int{}}
	x.header = x.style(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"},
		Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EAEEF3"}},
		Border: []excelize.Border{{Type: "bottom", Color: "1B1F24", Style: 1}}})
	x.bold = x.style(&excelize.Style{Font: &excelize.Font{Bold: true}})
	x.title = x.style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	x.wrap = x.style(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	x.right = x.style(&excelize.Style{Alignment: &excelize.Alignment{Horizontal: "right"}})
	x.boldRight = x.style(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Horizontal: "right"}})
	used := map[string]bool{}
	first := true
	newSheet := func(title string) string {
		name := sheetName(title, used)
		if first {
			x.check(f.SetSheetName("Sheet1", name))
			first = false
		} else {
			_, err := f.NewSheet(name)
			x.check(err)
		}
		return name
	}
	if b.Summary != nil {
		x.summary(newSheet(b.Summary.Name), b.Summary)
	}
	for _, t := range b.Tables {
		x.table(newSheet(t.Title), t)
	}
	if b.Footer != "" {
		footer := strings.ReplaceAll(b.Footer, "&", "&&")
		if utf8.RuneCountInString(footer) > 200 {
			footer = string([]rune(footer)[:200])
		}
		for _, sheet := range f.GetSheetList() {
			x.check(f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{OddFooter: "&L" + footer + "&R&P / &N"}))
		}
	}
	f.SetActiveSheet(0)
	props := &excelize.DocProperties{Title: b.Title, Creator: "Styrkedjan", Description: b.Description, Language: b.Lang}
	if !b.Created.IsZero() {
		props.Created = b.Created.UTC().Format(time.RFC3339)
	}
	x.check(f.SetDocProps(props))
	if x.err != nil {
		return fmt.Errorf("xlsx: %w", x.err)
	}
	return f.Write(w)
}

// summary writes a summary sheet.
func (x *xlsxWriter) summary(sheet string, s *Summary) {
	f := x.f
	x.check(f.SetColWidth(sheet, "A", "A", 58))
	x.check(f.SetColWidth(sheet, "B", "B", 18))
	x.check(f.SetCellStr(sheet, "A1", s.Title))
	x.check(f.SetCellStyle(sheet, "A1", "A1", x.title))
	row := 3
	for _, l := range s.Lines {
		if l.Label != "" {
			x.check(f.SetCellStr(sheet, ref(1, row), l.Label))
		}
		if l.Value != nil {
			x.put(sheet, 2, row, *l.Value, false)
		}
		switch l.Style {
		case Heading:
			x.check(f.SetCellStyle(sheet, ref(1, row), ref(2, row), x.header))
		case Bold:
			x.check(f.SetCellStyle(sheet, ref(1, row), ref(1, row), x.bold))
		case Wrapped:
			x.check(f.SetCellStyle(sheet, ref(1, row), ref(1, row), x.wrap))
			lines := strings.Count(l.Label, "\n") + 1 + utf8.RuneCountInString(l.Label)/70
			x.check(f.SetRowHeight(sheet, row, min(409, 15*float64(lines))))
		}
		row++
	}
}

// table writes one table as a sheet: the header in row 1, frozen with the
// first column, then the rows, the total and the note.
func (x *xlsxWriter) table(sheet string, t Table) {
	f := x.f
	numeric := func(i int) bool { return i > 0 && i < len(t.Numeric) && t.Numeric[i] }
	lines := 1
	for c, h := range t.Columns {
		x.check(f.SetCellStr(sheet, ref(c+1, 1), h))
		col, _ := excelize.ColumnNumberToName(c + 1)
		width := 14.0
		if c == 0 {
			width = 32
		}
		lines = max(lines, 1+utf8.RuneCountInString(h)/int(width))
		x.check(f.SetColWidth(sheet, col, col, width))
	}
	if len(t.Columns) > 0 {
		x.check(f.SetCellStyle(sheet, "A1", ref(len(t.Columns), 1), x.header))
		x.check(f.SetRowHeight(sheet, 1, 15*float64(min(lines, 4))))
	}
	rows := t.Rows
	if t.Total != nil {
		rows = append(rows[:len(rows):len(rows)], t.Total)
	}
	for r, cells := range rows {
		total := t.Total != nil && r == len(rows)-1
		for c, cell := range cells {
			if total {
				cell.Bold = true
			}
			x.put(sheet, c+1, r+2, cell, numeric(c))
		}
	}
	if t.Note != "" {
		x.check(f.SetCellStr(sheet, ref(1, len(rows)+3), t.Note))
	}
	x.check(f.SetPanes(sheet, &excelize.Panes{Freeze: true, XSplit: 1, YSplit: 1, TopLeftCell: "B2", ActivePane: "bottomRight",
		Selection: []excelize.Selection{{SQRef: "B2", ActiveCell: "B2", Pane: "bottomRight"}}}))
}

// sheetName makes a valid, unique sheet name: at most 31 characters,
// none of []:*?/\.
func sheetName(s string, used map[string]bool) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, s)
	s = strings.Trim(s, "' ")
	if s == "" {
		s = "Tabell"
	}
	if utf8.RuneCountInString(s) > 28 {
		s = string([]rune(s)[:28])
	}
	name := s
	for i := 2; used[strings.ToLower(name)]; i++ {
		name = fmt.Sprintf("%s %d", s, i)
	}
	used[strings.ToLower(name)] = true
	return name
}
