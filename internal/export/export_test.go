package export

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func sample(lang string) Table {
	return Table{ID: "values", Title: "Meritvärde per enhet, 2024/25", Columns: []string{"Enhet", "Värde", "Elever"},
		Rows: [][]Cell{
			{Text("Ekbacka"), Number(231.46, 1, lang), Number(52, 0, lang)},
			{Text("Kvarnby"), Text("färre än 10 elever"), Text("–")},
			{Text("=HYPERLINK(\"x\")"), Number(-3.25, 2, lang), Number(0, 0, lang)},
		}, Note: "Källa: Skolverket."}
}

func TestFormat(t *testing.T) {
	for _, c := range []struct {
		x    float64
		dec  int
		lang string
		want string
	}{{12.44, 1, "sv", "12,4"}, {12.45, 1, "en", "12.5"}, {-0.04, 1, "sv", "0,0"}, {1234.5, 0, "sv", "1235"}, {-3.25, 2, "sv", "-3,25"}} {
		if got := Format(c.x, c.dec, c.lang); got != c.want {
			t.Errorf("Format(%v, %d, %s) = %q, want %q", c.x, c.dec, c.lang, got, c.want)
		}
	}
}

func TestWriteCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, sample("sv"), "sv"); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\ufeff")) {
		t.Error("no byte-order mark")
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff")))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"Enhet", "Värde", "Elever"}, {"Ekbacka", "231,5", "52"}, {"Kvarnby", "färre än 10 elever", "–"},
		{"'=HYPERLINK(\"x\")", "-3,25", "0"}}
	if len(recs) != len(want) {
		t.Fatalf("records %q", recs)
	}
	for i := range want {
		if strings.Join(recs[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("record %d = %q, want %q", i, recs[i], want[i])
		}
	}
	buf.Reset()
	if err := WriteCSV(&buf, sample("en"), "en"); err != nil {
		t.Fatal(err)
	}
	recs, err = csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
	if err != nil || recs[1][1] != "231.5" {
		t.Errorf("english csv %q %v", recs, err)
	}
}

func TestWriteXLSX(t *testing.T) {
	var buf bytes.Buffer
	long := sample("sv")
	long.Title = "A title that is far longer than thirty-one characters: [x]"
	if err := WriteXLSX(&buf, []Table{sample("sv"), long, sample("sv")}, "Enhetsbilden"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 3 || sheets[0] == sheets[2] || len([]rune(sheets[1])) > 31 || strings.ContainsAny(sheets[1], "[]") {
		t.Fatalf("sheets %q", sheets)
	}
	v, _ := f.GetCellValue(sheets[0], "B2", excelize.Options{RawCellValue: true})
	if v != "231.46" {
		t.Errorf("B2 = %q, want the number 231.46", v)
	}
	if typ, _ := f.GetCellType(sheets[0], "B3"); typ == excelize.CellTypeNumber {
		t.Error("a suppressed value is a number")
	}
	if v, _ := f.GetCellValue(sheets[0], "B3"); v != "färre än 10 elever" {
		t.Errorf("B3 = %q", v)
	}
	if v, _ := f.GetCellValue(sheets[0], "A6"); v != "Källa: Skolverket." {
		t.Errorf("note A6 = %q", v)
	}
}
