package export

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/styrkedjan/styrkedjan/internal/pdftest"
)

// A PDF read back: the title, a heading, a paragraph and a table whose
// header row is printed again on every page the table runs onto, and the
// page numbers in the footer.
func TestPDFTableRepeatsHeaderAcrossPages(t *testing.T) {
	d := NewPDF(PDFOptions{Title: "Provdokument", Lang: "sv", Created: time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC),
		FooterLeft: "Exempelby kommun – provdokument",
		PageLabel:  func(page, pages string) string { return fmt.Sprintf("Sida %s av %s", page, pages) }})
	d.Title("Provdokument")
	d.Heading("Ärenden per enhet", 12)
	d.Para("Åtta enheter, två läsår; värden under tio elever visas inte.", 10, "")
	tbl := Table{Title: "Tabellen", Columns: []string{"Enhetskolumn", "Antalkolumn"}, Numeric: []bool{false, true}}
	for i := range 150 {
		tbl.Rows = append(tbl.Rows, []Cell{Text(fmt.Sprintf("Rad %03d", i)), Number(float64(i), 0, "sv")})
	}
	tbl.Total = []Cell{Text("Summa"), Number(11175, 0, "sv")}
	tbl.Note = "Källa: provdata."
	d.Table(tbl, TableStyle{})
	b, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	text := pdftest.Text(t, b)
	if text == "" {
		t.Skip("pdftotext missing")
	}
	pages := strings.Count(text, "Exempelby kommun – provdokument")
	if pages < 3 {
		t.Fatalf("%d pages, want at least 3 for 150 rows:\n%s", pages, text)
	}
	if n := strings.Count(text, "Enhetskolumn"); n != pages {
		t.Errorf("the header row is printed %d times on %d pages", n, pages)
	}
	pdftest.Tagged(t, b, Tagged(), "Document", "H1", "H2", "P", "Table", "TR", "TH", "TD")
	for _, want := range []string{"Provdokument", "Ärenden per enhet", "Åtta enheter", "Rad 000", "Rad 149", "Summa", "11 175",
		"Källa: provdata.", fmt.Sprintf("Sida 1 av %d", pages), fmt.Sprintf("Sida %d av %d", pages, pages)} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
}

// Text outside cp1252 (Arabic, Persian, Chinese, emoji, the minus sign)
// neither fails nor crashes the document; what cp1252 has stays readable.
func TestPDFNonLatinText(t *testing.T) {
	d := NewPDF(PDFOptions{Title: "مدرسة 学校 🎒", Lang: "ar", FooterLeft: "Skola – مدرسة"})
	d.Title("Rapport مدرسة")
	d.Heading("学校 − översikt → nästa", 12)
	d.Para("Sómaali: dugsiga; فارسی: مدرسه; 🎒🏫\u202f12\u2009%", 10, "")
	d.Bullet("Ελληνικά και Русский")
	d.LabelValue("Värde − förändring", "−3", 9)
	d.Table(Table{Columns: []string{"名前", "Tal"}, Numeric: []bool{false, true},
		Rows: [][]Cell{{Text(strings.Repeat("مدرسة ", 80)), Text("−1")}}}, TableStyle{Wrap: true, Grid: true})
	d.Table(Table{Columns: []string{"名前", "Tal"}, Rows: [][]Cell{{Text(strings.Repeat("学校", 300)), Text("1")}}}, TableStyle{})
	b, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	text := pdftest.Text(t, b)
	if text == "" {
		t.Skip("pdftotext missing")
	}
	wants := []string{"Rapport", "- översikt -> nästa", "Sómaali: dugsiga", "Värde - förändring", "12 %"}
	if Tagged() { // printed by Chromium: every script as it is
		wants = []string{"Rapport", "− översikt → nästa", "Sómaali: dugsiga", "Värde − förändring", "Ελληνικά και Русский", "مدرسة"}
	}
	for _, want := range wants {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q:\n%s", want, text)
		}
	}
}

// A row taller than a page is cut to one page instead of running off it.
func TestPDFTallRow(t *testing.T) {
	d := NewPDF(PDFOptions{Title: "Lång"})
	long := strings.Repeat("Mycket lång text om ett ärende. ", 600)
	d.Table(Table{Columns: []string{"Text", "Nr"}, Rows: [][]Cell{{Text(long), Text("1")}, {Text("Nästa rad"), Text("2")}}},
		TableStyle{Wrap: true, Widths: []float64{0, 20}})
	b, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if text := pdftest.Text(t, b); text != "" && !strings.Contains(text, "Nästa rad") {
		t.Error("the row after a tall one is lost")
	}
}

// The workbook: a summary sheet and table sheets; numbers stay numbers with
// their format, suppressed values and formula-looking texts stay texts,
// the total row is bold, the header is frozen.
func TestWriteWorkbook(t *testing.T) {
	x, share := 1234.0, 0.256
	tbl := Table{Title: "Per enhet", Columns: []string{"Enhet", "Ärenden", "Andel"}, Numeric: []bool{false, true, true},
		Rows: [][]Cell{
			{Text("Ekbacka"), {Num: &x, Format: "#,##0", Text: "1 234"}, {Num: &share, Format: "0.0%", Text: "25,6 %"}},
			{Text("=SUM(A1:A9)"), Text(".."), Text("+1")},
			{Text("@cmd"), Text("-2 elever"), Cell{}},
		},
		Total: []Cell{Text("Totalt"), Number(1234, 0, "sv"), Text("")}}
	flag := true
	var buf bytes.Buffer
	err := WriteWorkbook(&buf, Workbook{Title: "Rapport", Lang: "sv", Footer: "Källa & datum",
		Summary: &Summary{Name: "Sammanfattning", Title: "Rapport", Lines: []Line{
			ValueLine("Ärenden", Number(12, 0, "sv")),
			{Label: "Nyckeltal", Style: Heading},
			{Label: "Mål nått", Value: &Cell{Bool: &flag, Text: "ja"}},
			{Style: Blank},
			{Label: strings.Repeat("Lång text. ", 50), Style: Wrapped},
		}},
		Tables: []Table{tbl}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 2 || sheets[0] != "Sammanfattning" || sheets[1] != "Per enhet" {
		t.Fatalf("sheets %q", sheets)
	}
	if v, _ := f.GetCellValue(sheets[0], "B3", excelize.Options{RawCellValue: true}); v != "12" {
		t.Errorf("summary B3 = %q, want 12", v)
	}
	if typ, _ := f.GetCellType(sheets[0], "B5"); typ != excelize.CellTypeBool {
		t.Errorf("a yes/no value is %v, want a boolean", typ)
	}
	s := sheets[1]
	num := func(cell, want string) {
		t.Helper()
		if typ, _ := f.GetCellType(s, cell); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("%s is %v, want a number", cell, typ)
		}
		if v, _ := f.GetCellValue(s, cell, excelize.Options{RawCellValue: true}); v != want {
			t.Errorf("%s = %q, want %q", cell, v, want)
		}
	}
	num("B2", "1234")
	num("C2", "0.256")
	num("B5", "1234")
	if v, _ := f.GetCellValue(s, "C2"); v != "25.6%" {
		t.Errorf("C2 shows %q, want the share as a percentage", v)
	}
	for cell, want := range map[string]string{"A3": "=SUM(A1:A9)", "B3": "..", "C3": "+1", "A4": "@cmd", "B4": "-2 elever"} {
		if typ, _ := f.GetCellType(s, cell); typ == excelize.CellTypeNumber || typ == excelize.CellTypeFormula {
			t.Errorf("%s is %v, want a text", cell, typ)
		}
		if formula, _ := f.GetCellFormula(s, cell); formula != "" {
			t.Errorf("%s is the formula %q", cell, formula)
		}
		if v, _ := f.GetCellValue(s, cell); v != want {
			t.Errorf("%s = %q, want %q", cell, v, want)
		}
	}
	styleID, _ := f.GetCellStyle(s, "B5")
	if st, err := f.GetStyle(styleID); err != nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("the total is not bold: %+v %v", st, err)
	}
	if panes, err := f.GetPanes(s); err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes %+v %v, want the header row frozen", panes, err)
	}
}

// CSV: formula-looking texts are neutralised, numbers (also negative ones)
// are not, and the total row is the last line.
func TestCSVFormulas(t *testing.T) {
	tbl := Table{Columns: []string{"A", "B"}, Rows: [][]Cell{
		{Text("=1+2"), Number(-3.5, 1, "sv")},
		{Text("+46 70"), Text("-x")},
		{Text("@SUM(A1)"), Text("\tTAB")},
	}, Total: []Cell{Text("Summa"), Number(2, 0, "sv")}}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, tbl, "sv"); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff")))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"A", "B"}, {"'=1+2", "-3,5"}, {"'+46 70", "'-x"}, {"'@SUM(A1)", "'\tTAB"}, {"Summa", "2"}}
	if fmt.Sprint(recs) != fmt.Sprint(want) {
		t.Errorf("records %q, want %q", recs, want)
	}
}

// The tagged document: language, title, headings in order, a list, key
// figures and tables with header cells, a chart with its alt text, the
// PDF/UA identification, and the author and subject in the metadata.
func TestPDFTagged(t *testing.T) {
	o := PDFOptions{Title: "Klagomål – rapport", Author: "Exempelby kommun", Subject: "HT 2026", Lang: "sv",
		Created: time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC), FooterLeft: "Exempelby",
		PageLabel: func(page, pages string) string { return "Sida " + page + " av " + pages }}
	d := NewPDF(o)
	d.Title("Klagomål – rapport")
	d.Heading("Nyckeltal", 12)
	d.LabelValue("Ärenden (arbetsdagar / median)", "12", 9)
	d.LabelValue("Andel besvarade i tid", "80 %", 9)
	d.Bullet("Första punkten")
	d.Bullet("Andra punkten")
	d.Figure(Figure{SVG: []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 50" width="100" height="50"><rect width="60" height="20" fill="#1d4f91"/></svg>`),
		Alt: "Stapeldiagram: ärenden per månad"})
	d.Table(Table{Title: "Per kategori", Columns: []string{"Kategori", "Antal"}, Numeric: []bool{false, true},
		Rows: [][]Cell{{Text("Mat"), Number(3, 0, "sv")}}, Total: []Cell{Text("Summa"), Number(3, 0, "sv")}}, TableStyle{})
	b, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	tree := pdftest.Tagged(t, b, Tagged(), "Document", "H1", "H2", "L", "LI", "Figure", "Table", "TR", "TH", "TD")
	if tree == "" {
		return
	}
	// identify finds the catalog of Chromium's output through its
	// cross-reference table, not by searching the file.
	raw, err := shared.print(ChromiumPath(), d.h.page(d.o), d.o)
	if err != nil {
		t.Fatal(err)
	}
	root := reRoot.FindSubmatch(raw[bytes.LastIndex(raw, []byte("trailer")):])
	if n, _ := strconv.Atoi(string(root[1])); xrefOffset(raw, n) < 0 {
		t.Error("the catalog of Chromium's PDF is not in its cross-reference table")
	}
	info, _ := pdftest.Info(t, b)
	for _, want := range []string{"Title:           Klagomål – rapport", "Author:          Exempelby kommun", "Subject:         HT 2026"} {
		if !strings.Contains(info, want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
	if !strings.Contains(string(b), "/Lang (sv)") {
		t.Error("no document language")
	}
	if !strings.Contains(string(b), "/Alt") {
		t.Error("the chart has no alt text")
	}
	// Reading order: the headings in the tree come in the order written.
	if h1, h2 := strings.Index(tree, "H1"), strings.Index(tree, "H2"); h1 < 0 || h2 < h1 {
		t.Errorf("headings out of order:\n%s", tree)
	}
	text := pdftest.Text(t, b)
	for _, want := range []string{"Ärenden (arbetsdagar / median)", "Sida 1 av 1", "Summa 3"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q:\n%s", want, text)
		}
	}
}

// BenchmarkPDFTagged prints a board-report-sized document (a title, key
// figures, a chart and three tables of 20 rows) through the shared
// Chromium; the first document, which starts the browser, is outside
// the timing. Without Chromium it measures the fpdf fallback.
func BenchmarkPDFTagged(b *testing.B) {
	build := func() *Doc {
		d := NewPDF(PDFOptions{Title: "Rapport", Lang: "sv", FooterLeft: "Exempelby",
			PageLabel: func(page, pages string) string { return "Sida " + page + " av " + pages }})
		d.Title("Rapport till nämnden")
		for i := range 8 {
			d.LabelValue(fmt.Sprintf("Nyckeltal %d", i), "12", 9)
		}
		d.Figure(Figure{SVG: []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 200"><rect width="300" height="40" fill="#1d4f91"/></svg>`), Alt: "Diagram"})
		for k := range 3 {
			tbl := Table{Title: fmt.Sprintf("Tabell %d", k), Columns: []string{"Enhet", "Ärenden", "Året innan", "Förändring (%)"}, Numeric: []bool{false, true, true, true}}
			for i := range 20 {
				tbl.Rows = append(tbl.Rows, []Cell{Text(fmt.Sprintf("Skola %d", i)), Number(float64(i), 0, "sv"), Number(float64(i+3), 0, "sv"), Text("−5 %")})
			}
			d.Table(tbl, TableStyle{})
		}
		return d
	}
	if _, err := build().Bytes(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := build().Bytes(); err != nil {
			b.Fatal(err)
		}
	}
}

// The same document twice is printed once: the second comes from the
// cache of printed PDFs, and is as tagged as the first; the cache drops
// its oldest entry when full.
func TestPrintedOnce(t *testing.T) {
	if !Tagged() {
		t.Skip("no Chromium: PDFs are drawn untagged")
	}
	makePDF := func() []byte {
		d := NewPDF(PDFOptions{Title: "Rapport", Lang: "sv", Created: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)})
		d.Title("Rapport till nämnden")
		d.Para("Samma innehåll två gånger.", 10, "")
		b, err := d.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	before := prints.Load()
	a, b := makePDF(), makePDF()
	if n := prints.Load() - before; n != 1 {
		t.Errorf("printed %d times, want once", n)
	}
	if !bytes.Equal(a, b) {
		t.Error("the second copy differs from the first")
	}
	c := &pdfCache{max: 2}
	c.put("a", []byte("1"))
	c.put("b", []byte("2"))
	c.put("c", []byte("3"))
	if _, ok := c.get("a"); ok {
		t.Error("the oldest entry stayed")
	}
	if v, ok := c.get("c"); !ok || string(v) != "3" {
		t.Error("the newest entry is missing")
	}
}
