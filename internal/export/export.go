// Package export is the one document kit: tables written as CSV and XLSX,
// and documents written as PDF (pdf.go). A Table is plain cells: the
// capabilities and the web layer build them from their view models (where
// suppression has already been applied), so a page, its CSV, its XLSX and
// its PDF show the same figures. Capabilities decide what goes in a file;
// this package decides how it is written.
package export

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/i18n"
)

// Cell is one table cell: a number (Num set) or a text. A suppressed or
// missing value is a text (e.g. "färre än 10 elever"), never a number.
type Cell struct {
	Text     string   // shown when Num is nil; the formatted number otherwise
	Num      *float64 // the number, for spreadsheets
	Decimals int      // decimals to show
	Format   string   // the spreadsheet number format, e.g. "#,##0", "0.0%"; "" follows Decimals
	Bool     *bool    // a yes/no value: a boolean in spreadsheets, Text elsewhere
	Bold     bool     // bold in spreadsheets and documents
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
	Total   []Cell // nil: no total row; otherwise written last, in bold
	Note    string // the source and date, or a caveat; exported as a last line in XLSX
}

// Text returns a text cell.
func Text(s string) Cell { return Cell{Text: s} }

// Number returns a number cell for lang: its text is written by the one
// number formatter (i18n.Number: "1 234,5" in Swedish, "1,234.5" in
// English, a real minus sign).
func Number(x float64, decimals int, lang string) Cell {
	return Cell{Num: &x, Decimals: decimals, Text: i18n.Number(lang, x, decimals)}
}

// Format formats x with decimals for lang as a file would hold it:
// "12,4" in Swedish, "12.4" in English, thousands not grouped and a
// hyphen minus, so the text stays parseable ("" for NaN and ±Inf).
func Format(x float64, decimals int, lang string) string {
	return i18n.Plain(lang, x, decimals)
}

// WriteCSV writes t as CSV for spreadsheet programs in lang: UTF-8 with a
// byte-order mark; in Swedish separated by semicolons with decimal commas
// (as Skolverket's own files and Swedish Excel), in English by commas.
// The first line is the header; the total row, if any, is the last.
func WriteCSV(w io.Writer, t Table, lang string) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if i18n.DecimalComma(lang) {
		cw.Comma = ';'
	}
	if err := cw.Write(t.Columns); err != nil {
		return err
	}
	rec := make([]string, len(t.Columns))
	rows := t.Rows
	if t.Total != nil {
		rows = append(rows[:len(rows):len(rows)], t.Total)
	}
	for _, row := range rows {
		for i := range rec {
			rec[i] = ""
			if i < len(row) {
				rec[i] = csvText(row[i], lang)
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvText is a cell as a CSV file holds it: numbers in the parseable form
// of Format, texts safe from formula injection.
func csvText(c Cell, lang string) string {
	if c.Num != nil && c.Bool == nil {
		if s := Format(*c.Num, c.Decimals, lang); s != "" {
			return s
		}
	}
	return csvSafe(c.Text)
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
