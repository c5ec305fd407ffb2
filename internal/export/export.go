// Package export writes the unit picture's tables as CSV and XLSX. A Table
// is plain cells: the web layer builds them from the view models (where
// suppression has already been applied) and renders the same tables as
// HTML, so a page, its CSV and its XLSX always show the same figures.
package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Cell is one table cell: a number (Num set) or a text. A suppressed or
// missing value is a text (e.g. "färre än 10 elever"), never a number.
type Cell struct {
	Text     string   // shown when Num is nil; the formatted number otherwise
	Num      *float64 // the number, for spreadsheets
	Decimals int      // decimals to show
	Href     string   // a link on pages (not exported)
	Mark     string   // a CSS class on pages, e.g. "up", "down", "muted" (not exported)
}

// Table is one titled table. The first column names the rows.
type Table struct {
	ID      string // a stable identifier: "values", "series", ...
	Title   string
	Columns []string
	Numeric []bool // per column: right-aligned numbers
	Rows    [][]Cell
	Note    string // the source and date, or a caveat; exported as a last line in XLSX
}

// Text returns a text cell.
func Text(s string) Cell { return Cell{Text: s} }

// Number returns a number cell formatted for lang ("sv": decimal comma).
func Number(x float64, decimals int, lang string) Cell {
	return Cell{Num: &x, Decimals: decimals, Text: Format(x, decimals, lang)}
}

// Format formats x with decimals for lang: "12,4" in Swedish, "12.4" in
// English; thousands are not grouped, so the text stays parseable.
func Format(x float64, decimals int, lang string) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	s := strconv.FormatFloat(x, 'f', decimals, 64)
	if s == "-0" || strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-")
	}
	if lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// WriteCSV writes t as CSV for spreadsheet programs in lang: UTF-8 with a
// byte-order mark; in Swedish separated by semicolons with decimal commas
// (as Skolverket's own files and Swedish Excel), in English by commas.
// The first line is the header.
func WriteCSV(w io.Writer, t Table, lang string) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if lang != "en" {
		cw.Comma = ';'
	}
	if err := cw.Write(t.Columns); err != nil {
		return err
	}
	rec := make([]string, len(t.Columns))
	for _, row := range t.Rows {
		for i := range rec {
			rec[i] = ""
			if i < len(row) {
				rec[i] = csvSafe(row[i].Text)
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe keeps a text cell from being read as a formula by spreadsheet
// programs (CSV injection); numbers with a leading minus stay as they are.
func csvSafe(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '@', '\t', '\r':
		return "'" + s
	case '-':
		if _, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64); err != nil {
			return "'" + s
		}
	}
	return s
}

// WriteXLSX writes the tables as one workbook, a sheet per table, with
// numbers as numbers and a note line under each table.
func WriteXLSX(w io.Writer, tables []Table, title string) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	formats := map[int]int{}
	numStyle := func(dec int) (int, error) {
		if id, ok := formats[dec]; ok {
			return id, nil
		}
		code := "0"
		if dec > 0 {
			code += "." + strings.Repeat("0", dec)
		}
		id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
		formats[dec] = id
		return id, err
	}
	used := map[string]bool{}
	for i, t := range tables {
		name := sheetName(t.Title, used)
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		for c, h := range t.Columns {
			ref, _ := excelize.CoordinatesToCellName(c+1, 1)
			if err := f.SetCellStr(name, ref, h); err != nil {
				return err
			}
		}
		if len(t.Columns) > 0 {
			end, _ := excelize.CoordinatesToCellName(len(t.Columns), 1)
			if err := f.SetCellStyle(name, "A1", end, bold); err != nil {
				return err
			}
		}
		for r, row := range t.Rows {
			for c, cell := range row {
				ref, _ := excelize.CoordinatesToCellName(c+1, r+2)
				if cell.Num != nil {
					if err := f.SetCellFloat(name, ref, *cell.Num, -1, 64); err != nil {
						return err
					}
					st, err := numStyle(cell.Decimals)
					if err != nil {
						return err
					}
					if err := f.SetCellStyle(name, ref, ref, st); err != nil {
						return err
					}
				} else if err := f.SetCellStr(name, ref, cell.Text); err != nil {
					return err
				}
			}
		}
		if t.Note != "" {
			ref, _ := excelize.CoordinatesToCellName(1, len(t.Rows)+3)
			if err := f.SetCellStr(name, ref, t.Note); err != nil {
				return err
			}
		}
		for c := range t.Columns {
			col, _ := excelize.ColumnNumberToName(c + 1)
			width := 12.0
			if c == 0 {
				width = 30
			}
			if err := f.SetColWidth(name, col, col, width); err != nil {
				return err
			}
		}
		if err := f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	_ = f.SetDocProps(&excelize.DocProperties{Title: title, Creator: "Styrkedjan"})
	return f.Write(w)
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
