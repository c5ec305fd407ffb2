package skolverket

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

const nationalCSV = "testdata/slutbetyg-ak9-2024-25-skolenhet.csv"

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseCSVNational(t *testing.T) {
	raw := readFile(t, nationalCSV)
	d, err := ParseCSV(bytes.NewReader(raw), nationalCSV)
	if err != nil {
		t.Fatal(err)
	}
	// Count independently from the raw text: unit rows are lines whose
	// second field is an 8-digit code; value fields are fields 8–11.
	lines := strings.Split(strings.TrimPrefix(string(raw), "\ufeff"), "\n")
	code := regexp.MustCompile(`^\d{8}$`)
	rows := 0
	want := map[Status]int{}
	approx, cirka, decimals, values := 0, 0, 0, 0
	rawByLine := map[int][]string{}
	for i, l := range lines {
		f := strings.Split(strings.TrimRight(l, "\r"), ";")
		if len(f) != 11 || !code.MatchString(f[1]) {
			continue
		}
		rows++
		rawByLine[i+1] = f[7:]
		for _, v := range f[7:] {
			values++
			switch {
			case v == "..":
				want[StatusFew]++
			case v == ".":
				want[StatusNoData]++
			case strings.HasPrefix(v, "~"):
				approx++
			case strings.HasPrefix(v, "cirka"):
				cirka++
			case strings.Contains(v, ","):
				decimals++
			}
		}
	}
	if rows < 1000 {
		t.Fatalf("test found only %d unit rows; file changed?", rows)
	}
	if d.Report.RowsRead != rows {
		t.Errorf("RowsRead %d, file has %d unit rows", d.Report.RowsRead, rows)
	}
	if d.Report.ValuesRead != values || len(d.Values) != values {
		t.Errorf("ValuesRead %d (%d values), want %d", d.Report.ValuesRead, len(d.Values), values)
	}
	for st, n := range want {
		if d.Report.Missing[st] != n {
			t.Errorf("Missing[%q] = %d, want %d", st, d.Report.Missing[st], n)
		}
	}
	if len(d.Report.Missing) != len(want) {
		t.Errorf("Missing %v, want %v", d.Report.Missing, want)
	}
	if len(d.Report.UnknownColumns) != 0 || len(d.Report.Problems) != 0 {
		t.Errorf("unknown %v problems %v", d.Report.UnknownColumns, d.Report.Problems)
	}
	if d.Report.UnitsSeen != len(d.Units) || d.Report.UnitsSeen == 0 {
		t.Errorf("UnitsSeen %d units %d", d.Report.UnitsSeen, len(d.Units))
	}
	gotApprox, gotDecimals := 0, 0
	for _, v := range d.Values {
		if v.SchoolYear != "2024/25" || v.Group != GroupAll {
			t.Fatalf("value %+v: year/group", v)
		}
		if v.Status == StatusFew || v.Status == StatusNoData {
			if v.Value != nil {
				t.Fatalf("line %d: missing value %q has a number %v", v.Line, v.Raw, *v.Value)
			}
			continue
		}
		if v.Value == nil {
			t.Fatalf("line %d: %q has no number", v.Line, v.Raw)
		}
		if v.Status == StatusApprox {
			gotApprox++
			if "~"+trimFloat(*v.Value) != v.Raw {
				t.Errorf("line %d: %q parsed as %v", v.Line, v.Raw, *v.Value)
			}
		}
		if strings.Contains(v.Raw, ",") {
			gotDecimals++
			if strings.ReplaceAll(v.Raw, ",", ".") != trimFloat(*v.Value) && strings.ReplaceAll(v.Raw, ",", ".") != fmt.Sprintf("%.1f", *v.Value) {
				t.Errorf("line %d: %q parsed as %v", v.Line, v.Raw, *v.Value)
			}
		}
		found := false
		for _, r := range rawByLine[v.Line] {
			found = found || r == v.Raw
		}
		if !found {
			t.Errorf("line %d: raw %q not in the line", v.Line, v.Raw)
		}
	}
	if gotApprox != approx || approx == 0 {
		t.Errorf("approximate values %d, file has %d", gotApprox, approx)
	}
	if gotDecimals != decimals || decimals == 0 {
		t.Errorf("decimal-comma values %d, file has %d", gotDecimals, decimals)
	}
	_ = cirka
	// Pupils: a row with "Antal elever" 10 gives Pupils 10 on its other values.
	for _, v := range d.Values {
		if v.UnitCode == "82520504" && v.Indicator == "merit_value_9" {
			if v.Pupils == nil || *v.Pupils != 10 {
				t.Errorf("Åkerboskolan pupils %v", v.Pupils)
			}
		}
	}
}

func trimFloat(f float64) string { return strings.TrimSuffix(fmt.Sprintf("%g", f), ".0") }

// mutate returns the national file with line n (1-based) changed by fn.
func mutate(t *testing.T, fn func(n int, line string) string) []byte {
	lines := strings.Split(string(readFile(t, nationalCSV)), "\n")
	for i := range lines {
		lines[i] = fn(i+1, lines[i])
	}
	return []byte(strings.Join(lines, "\n"))
}

func TestParseCSVMalformed(t *testing.T) {
	for _, tc := range []struct {
		name string
		file []byte
		want []string // substrings of the error
	}{
		{"wrong separator", mutate(t, func(_ int, l string) string { return strings.ReplaceAll(l, ";", ",") }),
			[]string{"bad.csv", "line 6", "wrong separator"}},
		{"tab separator", mutate(t, func(_ int, l string) string { return strings.ReplaceAll(l, ";", "\t") }),
			[]string{"line 6", "wrong separator"}},
		{"truncated line", mutate(t, func(n int, l string) string {
			if n == 100 {
				return l[:strings.LastIndex(l, ";")]
			}
			return l
		}), []string{"bad.csv", "line 100", "10 fields, want 11"}},
		{"unknown columns only", mutate(t, func(n int, l string) string {
			if n == 6 {
				f := strings.Split(l, ";")
				for i := 7; i < len(f); i++ {
					f[i] = fmt.Sprintf("Okänd kolumn %d", i)
				}
				return strings.Join(f, ";")
			}
			return l
		}), []string{"line 6", "no known value columns", "Okänd kolumn 7"}},
		{"non-numeric junk", mutate(t, func(n int, l string) string {
			if n == 50 || n == 51 {
				f := strings.Split(l, ";")
				f[10] = "12,4x"
				return strings.Join(f, ";")
			}
			return l
		}), []string{"line 50", "line 51", "Genomsnittligt meritvärde", `not a number: "12,4x"`}},
		{"no header", mutate(t, func(n int, l string) string {
			if n == 6 {
				return ";;;;;;;;;;"
			}
			return l
		}), []string{"no header row"}},
		{"no school year", mutate(t, func(n int, l string) string {
			if n == 4 {
				return ";;;;;;;;;;"
			}
			return l
		}), []string{"no school year"}},
		{"empty", nil, []string{"empty file"}},
		{"not utf-8", mutate(t, func(n int, l string) string {
			if n == 8 {
				return strings.ReplaceAll(l, "ä", "\xe4")
			}
			return l
		}), []string{"UTF-8"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := ParseCSV(bytes.NewReader(tc.file), "bad.csv")
			if err == nil {
				t.Fatalf("no error; %d values", len(d.Values))
			}
			if d != nil {
				t.Error("data returned with an error")
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Errorf("error %T, want *ParseError", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestParseCSVVariants(t *testing.T) {
	// A malformed unit code on one row: that row skipped and reported; an
	// extra unknown column reported; "cirka 210" and CRLF line ends read.
	file := mutate(t, func(n int, l string) string {
		switch {
		case n == 6:
			l += ";Något nytt"
		case n > 6 && strings.Count(l, ";") == 10 && l[0] != ';':
			l += ";1"
		}
		if n == 7 {
			f := strings.Split(l, ";")
			f[1] = "4800076"
			l = strings.Join(f, ";")
		}
		if n == 9 {
			f := strings.Split(l, ";")
			f[7] = "cirka 210"
			l = strings.Join(f, ";")
		}
		return l + "\r"
	})
	d, err := ParseCSV(bytes.NewReader(file), "variant.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Report.Problems) != 1 || d.Report.Problems[0].Line != 7 || !strings.Contains(d.Report.Problems[0].Msg, "4800076") {
		t.Errorf("problems %+v", d.Report.Problems)
	}
	if len(d.Report.UnknownColumns) != 1 || d.Report.UnknownColumns[0] != "Något nytt" {
		t.Errorf("unknown %v", d.Report.UnknownColumns)
	}
	for _, v := range d.Values {
		if v.UnitCode == "48000763" {
			t.Fatal("skipped row imported")
		}
		if v.Line == 9 && v.Indicator == "pupils_grade9" {
			if v.Value == nil || *v.Value != 210 || v.Status != StatusCirka || v.Raw != "cirka 210" {
				t.Errorf("cirka: %+v", v)
			}
		}
		if v.Line == 9 && v.Indicator == "merit_value_9" && (v.Pupils == nil || *v.Pupils != 210) {
			t.Errorf("pupils from cirka: %v", v.Pupils)
		}
	}
}

func TestParseValue(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		st   Status
		miss bool
		bad  bool
	}{
		{"12,4", 12.4, StatusOK, false, false}, {"230", 230, StatusOK, false, false},
		{"1 234,5", 1234.5, StatusOK, false, false}, {"1\u00a0234", 1234, StatusOK, false, false},
		{"..", 0, StatusFew, true, false}, {".", 0, StatusNoData, true, false},
		{"~100", 100, StatusApprox, false, false}, {"cirka 210", 210, StatusCirka, false, false},
		{"abc", 0, "", true, true}, {"12,4,5", 0, "", true, true}, {"~", 0, "", true, true}, {"1e5", 0, "", true, true},
	} {
		v, st, err := ParseValue(tc.in)
		switch {
		case tc.bad:
			if err == nil {
				t.Errorf("%q accepted", tc.in)
			}
		case err != nil:
			t.Errorf("%q: %v", tc.in, err)
		case tc.miss && v != nil, !tc.miss && (v == nil || *v != tc.want), st != tc.st:
			t.Errorf("%q → %v %q", tc.in, v, st)
		}
	}
}

// BenchmarkParseCSV parses a generated national-scale file: 5,000 units in
// the format of the real file.
func BenchmarkParseCSV(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("\ufeffStatistik från Skolverket, https://www.skolverket.se;;;;;;;;;;\n;;;;;;;;;;\nGrundskola - Slutbetyg årskurs 9, samtliga elever;;;;;;;;;;\nValt läsår: 2024/25;;;;;;;;;;\n;;;;;;;;;;\n")
	buf.WriteString("Skola;Skol-enhetskod;Skolkommun;Kommun-kod;Typ av huvudman;Huvudman;Huvudman orgnr;Antal elever;Andel (%) elever som uppfyllt betygskriterierna i alla ämnen;Andel (%) elever behöriga till yrkesprog.;Genomsnittligt meritvärde (17 ämnen)\n")
	vals := []string{"..", ".", "~100", "87,5", "92,1"}
	for i := range 5000 {
		fmt.Fprintf(&buf, "Skola %d;%08d;Kommun;%04d;Kommunal;Kommun %d;2120000000;%d;%s;%s;%d,%d\n",
			i, 10000000+i, i%290, i%290, 10+i%150, vals[i%5], vals[(i+1)%5], 150+i%150, i%10)
	}
	buf.WriteString(";;;;;;;;;;\nRapportbeskrivning;;;;;;;;;;\n")
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		d, err := ParseCSV(bytes.NewReader(data), "bench.csv")
		if err != nil || d.Report.RowsRead != 5000 {
			b.Fatal(err)
		}
	}
}

// A national total row ("Riket", no unit code) becomes the national
// reference value; it is not a unit.
func TestParseCSVRiket(t *testing.T) {
	raw := string(readFile(t, nationalCSV))
	header := "Skola;Skol-enhetskod;Skolkommun;Kommun-kod;Typ av huvudman;Huvudman;Huvudman orgnr;Antal elever;"
	i := strings.Index(raw, header)
	nl := strings.Index(raw[i:], "\n")
	withRiket := raw[:i+nl+1] + "Riket;;;;;;;105234;73,9;84,7;230,1\r\n" + raw[i+nl+1:]
	d, err := ParseCSV(strings.NewReader(withRiket), "med-riket.csv")
	if err != nil {
		t.Fatal(err)
	}
	plain, err := ParseCSV(strings.NewReader(raw), nationalCSV)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Units) != len(plain.Units) || len(d.Report.Problems) != len(plain.Report.Problems) {
		t.Errorf("units %d (want %d), problems %v", len(d.Units), len(plain.Units), d.Report.Problems)
	}
	got := map[string]float64{}
	for _, v := range d.Values {
		if v.UnitCode == NationalCode && v.Value != nil {
			got[v.Indicator] = *v.Value
			if v.Indicator != "pupils_grade9" && (v.Pupils == nil || *v.Pupils != 105234) {
				t.Errorf("riket %s: pupils %v", v.Indicator, v.Pupils)
			}
		}
	}
	if got["merit_value_9"] != 230.1 || got["pass_all_subjects_9"] != 73.9 || got["eligible_vocational_9"] != 84.7 {
		t.Errorf("riket values %v", got)
	}
}
