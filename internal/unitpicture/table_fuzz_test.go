package unitpicture_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/unitpicture"
)

// FuzzParseTable: an own CSV or XLSX table is read or refused with a
// TableError naming the file, on a line the file has; a table keeps its
// limits; the CSV width guard counts the records and fields encoding/csv
// reads; and no file takes long.
func FuzzParseTable(f *testing.F) {
	f.Add([]byte("\uFEFFSkolenhetskod;Läsår;Elever;Frånvaro (%)\n92000201;2024/25;210;7,5\n92000202;2024;180;..\n"), false)
	f.Add([]byte("a,b\n\"x\"\"y\",\"1\n2\"\r\n\n3,\"4\n"), false)
	f.Add([]byte("a\tb\n1\t2\t\t\t\n"), false)
	f.Add(xlsxWith(f, `<row r="1">`+inline("A1", "Skolenhetskod")+inline("B1", "Värde")+`</row><row r="2"><c r="A2"><v>92000201</v></c><c r="B2"><v>7.5</v></c></row>`), true)
	f.Add(xlsxWith(f, `<row r="1">`+inline("A1", "a")+`</row><row r="3"><c r="XFD3"><v>1</v></c></row>`), true)
	if b, err := os.ReadFile("skolverket/testdata/slutbetyg-ak9-2024-25-skolenhet.csv"); err == nil {
		f.Add(b[:4096], false)
	}
	f.Fuzz(func(t *testing.T, in []byte, xlsx bool) {
		kind, name := unitpicture.KindCSV, "egen.csv"
		if xlsx {
			kind, name = unitpicture.KindXLSX, "egen.xlsx"
		}
		start := time.Now()
		tb, err := unitpicture.ParseTable(bytes.NewReader(in), name, kind)
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("took %v", d)
		}
		if err != nil {
			te, ok := errors.AsType[*unitpicture.TableError](err)
			if !ok || te.File != name || te.ID == "" || te.Line < 0 || (!xlsx && te.Line > bytes.Count(in, []byte("\n"))+1) {
				t.Fatalf("%v (%#v)", err, err)
			}
		} else {
			if len(tb.Columns) == 0 || len(tb.Columns) > unitpicture.MaxTableColumns || len(tb.Rows) != len(tb.Lines) ||
				len(tb.Rows)*len(tb.Columns) > unitpicture.MaxTableCells {
				t.Fatalf("table of %d columns, %d rows, %d lines", len(tb.Columns), len(tb.Rows), len(tb.Lines))
			}
			for i, r := range tb.Rows {
				if len(r) != len(tb.Columns) || tb.Lines[i] < 1 || (i > 0 && tb.Lines[i] <= tb.Lines[i-1]) {
					t.Fatalf("row %d: %d cells, line %d", i, len(r), tb.Lines[i])
				}
			}
		}
		if xlsx {
			return
		}
		for _, sep := range []byte{';', ',', '\t'} {
			type rec struct{ line, fields int }
			var want, got []rec
			cr := csv.NewReader(bytes.NewReader(in))
			cr.Comma, cr.FieldsPerRecord, cr.LazyQuotes = rune(sep), -1, true
			for {
				r, err := cr.Read()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("encoding/csv: %v", err)
				}
				line, _ := cr.FieldPos(0)
				want = append(want, rec{line, len(r)})
			}
			unitpicture.CSVRecords(in, sep, func(line, fields int) bool {
				got = append(got, rec{line, fields})
				return true
			})
			if len(got) != len(want) {
				t.Fatalf("separator %q: %d records, encoding/csv %d: %v, %v", sep, len(got), len(want), got, want)
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("separator %q, record %d: %v, encoding/csv %v", sep, i, got[i], want[i])
				}
			}
		}
	})
}
