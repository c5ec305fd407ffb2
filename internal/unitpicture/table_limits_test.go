package unitpicture_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/unitpicture"
)

// xlsxWith builds a minimal workbook whose first sheet is sheetData (the
// rows, as XML), written by hand so a test controls every byte.
func xlsxWith(t testing.TB, sheetData string) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for _, p := range []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
			`<sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
		{"xl/worksheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
			sheetData + `</sheetData></worksheet>`},
	} {
		w, err := z.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(p.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// inline is one inline-string cell.
func inline(ref, v string) string {
	return fmt.Sprintf(`<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, v)
}

// wideSheet is the probe's file: a header, then rows rows with one value
// each in column XFD (the last column a sheet may have).
func wideSheet(t testing.TB, rows int) []byte {
	var b strings.Builder
	b.WriteString(`<row r="1">` + inline("A1", "Skolenhetskod") + inline("B1", "Värde") + `</row>`)
	for r := 2; r <= rows+1; r++ {
		fmt.Fprintf(&b, `<row r="%d"><c r="XFD%d"><v>1</v></c></row>`, r, r)
	}
	return xlsxWith(t, b.String())
}

// allocated runs fn and returns the bytes it allocated.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// A small spreadsheet that says it is wide or long must not make the server
// allocate gigabytes (issue 12: 6,000 rows with one cell in column XFD,
// 31 KB, took 3 GB): the rows are read one at a time, each checked against
// the header and the limits before it is kept, and the error names the
// line and the limit.
func TestParseTableWideSheetBounded(t *testing.T) {
	const limit = 200 << 20
	wide := wideSheet(t, 6000)
	t.Logf("the file is %d KB", len(wide)>>10)
	var err error
	n := allocated(func() { _, err = unitpicture.ParseTable(bytes.NewReader(wide), "bred.xlsx", unitpicture.KindXLSX) })
	t.Logf("allocated %d MB", n>>20)
	te, ok := errors.AsType[*unitpicture.TableError](err)
	if !ok || te.ID != "unitpicture.table.extra_cells" || te.Line != 2 {
		t.Errorf("a value in column XFD under a two-column header: %v", err)
	}
	if n > limit {
		t.Errorf("reading a %d KB file allocated %d MB", len(wide)>>10, n>>20)
	}

	// A header out in column XFD: more columns than a table may have.
	var b strings.Builder
	b.WriteString(`<row r="1">` + inline("A1", "Skolenhetskod"))
	for c := 2; c <= 300; c++ {
		b.WriteString(inline(colName(c)+"1", fmt.Sprintf("k%d", c)))
	}
	b.WriteString(`</row><row r="2"><c r="A2"><v>92000201</v></c></row>`)
	_, err = unitpicture.ParseTable(bytes.NewReader(xlsxWith(t, b.String())), "bred.xlsx", unitpicture.KindXLSX)
	te, ok = errors.AsType[*unitpicture.TableError](err)
	if !ok || te.ID != "unitpicture.table.too_many_columns" || te.Line != 1 || te.Args["Max"] != unitpicture.MaxTableColumns {
		t.Errorf("300 columns: %v", err)
	}

	// A row numbered near the sheet's end is read as that line, without
	// keeping the rows before it.
	far := xlsxWith(t, `<row r="1">`+inline("A1", "a")+`</row><row r="1000000">`+inline("A1000000", "x")+`</row>`)
	var tb *unitpicture.Table
	if n = allocated(func() { tb, err = unitpicture.ParseTable(bytes.NewReader(far), "lång.xlsx", unitpicture.KindXLSX) }); err != nil ||
		len(tb.Rows) != 1 || tb.Lines[0] != 1_000_000 || n > limit {
		t.Errorf("row 1,000,000: %v, %+v, %d MB", err, tb, n>>20)
	}

	// Cells without a reference count on one after another; a single row of
	// them is as wide as its XML.
	b.Reset()
	b.WriteString(`<row r="1">` + inline("A1", "a") + `</row><row r="2">` + strings.Repeat(`<c><v>1</v></c>`, 100_000) + `</row>`)
	_, err = unitpicture.ParseTable(bytes.NewReader(xlsxWith(t, b.String())), "bred.xlsx", unitpicture.KindXLSX)
	if te, ok = errors.AsType[*unitpicture.TableError](err); !ok || te.ID != "unitpicture.table.extra_cells" || te.Line != 2 {
		t.Errorf("100,000 cells in a row: %v", err)
	}
}

// colName is the spreadsheet name of column c (1 = A).
func colName(c int) string {
	s := ""
	for ; c > 0; c = (c - 1) / 26 {
		s = string(rune('A'+(c-1)%26)) + s
	}
	return s
}

// BenchmarkParseTableWideSheet reads the probe's 6,000-row XFD file.
//
//	go test -run '^$' -bench ParseTableWide -benchmem ./internal/unitpicture/
func BenchmarkParseTableWideSheet(b *testing.B) {
	wide := wideSheet(b, 6000)
	b.SetBytes(int64(len(wide)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := unitpicture.ParseTable(bytes.NewReader(wide), "bred.xlsx", unitpicture.KindXLSX); err == nil {
			b.Fatal("no error")
		}
	}
}

// xlsxParts builds a zip of parts of the given unpacked sizes (spaces,
// which deflate to almost nothing); the name "" means that many one-byte
// parts.
func xlsxParts(t testing.TB, parts map[string]int) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for name, size := range parts {
		if name == "" {
			for i := range size {
				w, err := z.Create(fmt.Sprintf("xl/media/p%d.bin", i))
				if err != nil {
					t.Fatal(err)
				}
				w.Write([]byte{0})
			}
			continue
		}
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		chunk := bytes.Repeat([]byte{' '}, 1<<20)
		for n := size; n > 0; n -= len(chunk) {
			if _, err := w.Write(chunk[:min(n, len(chunk))]); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
