package chart

import (
	"bytes"
	"encoding/xml"
	"io"
	"math"
	"regexp"
	"strings"
	"testing"
)

// svgDoc is what a test reads back from an SVG.
type svgDoc struct {
	root     string
	title    string // the root's <title>
	desc     string // the root's <desc>
	elements map[string]int
	texts    []string // the contents of every <text>
}

// parse reads b as XML, failing the test when it is not well formed or
// mentions NaN or infinity anywhere.
func parse(t *testing.T, b []byte) svgDoc {
	t.Helper()
	if bytes.Contains(b, []byte("NaN")) || bytes.Contains(b, []byte("Inf")) {
		t.Fatalf("NaN or Inf in the SVG:\n%s", b)
	}
	d := svgDoc{elements: map[string]int{}}
	dec := xml.NewDecoder(bytes.NewReader(b))
	var stack []string
	var text *strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not XML: %v\n%s", err, b)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if d.root == "" {
				d.root = tok.Name.Local
			}
			stack = append(stack, tok.Name.Local)
			d.elements[tok.Name.Local]++
			text = &strings.Builder{}
		case xml.CharData:
			if text != nil {
				text.Write(tok)
			}
		case xml.EndElement:
			s := strings.TrimSpace(text.String())
			switch {
			case tok.Name.Local == "text":
				d.texts = append(d.texts, s)
			case tok.Name.Local == "title" && len(stack) == 2:
				d.title = s
			case tok.Name.Local == "desc" && len(stack) == 2:
				d.desc = s
			}
			stack = stack[:len(stack)-1]
			text = &strings.Builder{}
		}
	}
	if d.root != "svg" {
		t.Fatalf("root element %q", d.root)
	}
	return d
}

func (d svgDoc) count(text string) int {
	n := 0
	for _, s := range d.texts {
		if s == text {
			n++
		}
	}
	return n
}

func f(x float64) *float64 { return &x }

var doc = Doc{Lang: "sv", Title: "Meritvärde åk 9", Desc: "Punktdiagram. Samma siffror finns i tabellen."}

func checkDoc(t *testing.T, d svgDoc) {
	t.Helper()
	if d.title != doc.Title || d.desc != doc.Desc {
		t.Errorf("title %q, desc %q", d.title, d.desc)
	}
}

func TestDotChart(t *testing.T) {
	b, err := DotChart(Dots{Doc: doc, XLabel: "Värde (poäng)",
		Rows: []Dot{{"Ekbacka skola", 241.5, "42 elever"}, {"Björkdalen", 230, "17 elever"}, {"Åsen", 212.25, ""}},
		Band: &Band{Q1: 215, Median: 230, Q3: 240, Label: "Kvartiler", MedianLabel: "Median"},
		Ref:  &Ref{Value: 225, Label: "Riket"}})
	if err != nil {
		t.Fatal(err)
	}
	d := parse(t, b)
	checkDoc(t, d)
	for _, s := range []string{"Ekbacka skola", "Björkdalen", "Åsen", "42 elever", "17 elever", "Värde (poäng)", "Kvartiler", "Median", "Riket"} {
		if n := d.count(s); n != 1 {
			t.Errorf("%q is written %d times", s, n)
		}
	}
	for _, s := range d.texts {
		if strings.ContainsAny(s, "0123456789") && strings.Contains(s, ".") {
			t.Errorf("a decimal point in Swedish: %q", s)
		}
	}
	if b, err := DotChart(Dots{Doc: doc}); b != nil || err != nil {
		t.Errorf("no rows: %d bytes, %v", len(b), err)
	}
}

func TestTrendsAndProfile(t *testing.T) {
	years := []string{"2021/22", "2022/23", "2023/24"}
	b, err := TrendsChart(Trends{Doc: doc, Years: years, Ref: Series{f(220), f(222), f(224)},
		Panels: []TrendPanel{{"Ekbacka skola", Series{f(230), nil, f(241)}}, {"Björkdalen", Series{nil, nil, nil}}}})
	if err != nil {
		t.Fatal(err)
	}
	d := parse(t, b)
	checkDoc(t, d)
	for _, s := range []string{"Ekbacka skola", "Björkdalen"} {
		if d.count(s) != 1 {
			t.Errorf("panel title %q written %d times", s, d.count(s))
		}
	}
	if n := d.count("21/22"); n != 2 { // a year axis per panel
		t.Errorf("year tick 21/22 written %d times, want 2", n)
	}
	if b, err := TrendsChart(Trends{Doc: doc, Years: years, Panels: []TrendPanel{{"Tom", Series{nil, nil, nil}}}}); b != nil || err != nil {
		t.Errorf("no numbers: %d bytes, %v", len(b), err)
	}

	b, err = ProfileChart(Profile{Doc: doc, Years: years, Panels: []ProfilePanel{
		{Title: "Andel behöriga till yrkesprogram", Values: Series{f(88), f(90), f(93)}, Move: Better, Level: f(91)},
		{Title: "Tom", Values: Series{nil, nil, nil}},
		{Title: "Meritvärde", Values: Series{f(230), f(220), nil}, Move: Worse}}})
	if err != nil {
		t.Fatal(err)
	}
	d = parse(t, b)
	checkDoc(t, d)
	if d.count("Tom") != 0 || d.count("Meritvärde") != 1 || d.count("Andel behöriga till yrkesprogram") != 1 {
		t.Errorf("panel titles: %q", d.texts)
	}
	if !bytes.Contains(b, []byte("#1E7B3A")) && !bytes.Contains(b, []byte("#1e7b3a")) {
		t.Error("a better move is not green")
	}
}

func TestAdjustedScattersAndBeforeAfter(t *testing.T) {
	b, err := AdjustedChart(Adjusted{Doc: doc, XLabel: "Förväntat", YLabel: "Faktiskt", AsExpected: "Som väntat",
		Within: "Inom", Above: "Över", Below: "Under",
		Rows: []AdjustedRow{{"Ekbacka skola", 230, 245, 236, 244, Above}, {"Björkdalen", 220, 221, 211, 229, Within},
			{"En skola med ett mycket långt namn", 210, 190, 200, 220, Below}}})
	if err != nil {
		t.Fatal(err)
	}
	d := parse(t, b)
	checkDoc(t, d)
	for _, s := range []string{"Ekbacka skola", "Björkdalen", "En skola med ett mycket…", "Som väntat", "Inom", "Över", "Under", "Förväntat", "Faktiskt"} {
		if d.count(s) != 1 {
			t.Errorf("%q written %d times", s, d.count(s))
		}
	}

	b, err = ScattersChart(Scatters{Doc: doc, Panels: []ScatterPanel{
		{Title: "Lärartäthet", Note: "r = 0,42", XLabel: "Föräldrarnas utbildning", Points: []XY{{X: 1.5, Y: 12}, {X: 2.1, Y: 11}, {X: 2.6, Y: 10}}},
		{Title: "Speciallärare", XLabel: "Föräldrarnas utbildning"}}})
	if err != nil {
		t.Fatal(err)
	}
	d = parse(t, b)
	checkDoc(t, d)
	if d.count("Lärartäthet") != 1 || d.count("r = 0,42") != 1 || d.count("Speciallärare") != 1 {
		t.Errorf("scatter titles: %q", d.texts)
	}

	b, err = BeforeAfterChart(BeforeAfter{Doc: doc, Heading: "Meritvärde", Before: "Före 2023/24", After: "Från 2023/24",
		Groups: []Group{{Label: "Med i insatsen", Before: 220, After: 231, OK: true}, {Label: "Övriga", Before: 221, After: 224, OK: true, Dashed: true}}})
	if err != nil {
		t.Fatal(err)
	}
	d = parse(t, b)
	checkDoc(t, d)
	for _, s := range []string{"Meritvärde", "Före 2023/24", "Från 2023/24", "Med i insatsen", "Övriga"} {
		if d.count(s) != 1 {
			t.Errorf("%q written %d times", s, d.count(s))
		}
	}
	if b, err := BeforeAfterChart(BeforeAfter{Doc: doc, Groups: []Group{{Label: "x"}}}); b != nil || err != nil {
		t.Errorf("no group with data: %d bytes, %v", len(b), err)
	}
}

func TestBarsSVG(t *testing.T) {
	s := BarsSVG(Bars{FirstLabel: "Förstahandsval", CapacityLabel: "Platser", Rows: []BarRow{
		{Label: "Ekbacka skola åk F", FirstChoice: 40, Capacity: 30, Applicants: 55, Over: true},
		{Label: `Skolan "<Björk>" & co med ett namn längre än trettio tecken`, FirstChoice: 10, Capacity: 25, Applicants: 20}}})
	d := parse(t, []byte(s))
	if d.elements["rect"] != 3 || d.elements["line"] != 3 || len(d.texts) != 6 {
		t.Errorf("%d bars, %d capacity lines, %d texts", d.elements["rect"], d.elements["line"], len(d.texts))
	}
	for _, want := range []string{"Förstahandsval", "Platser", "Ekbacka skola åk F", `Skolan "<Björk>" & co med ett…`, "40 / 30", "10 / 25"} {
		if d.count(want) != 1 {
			t.Errorf("%q written %d times in %q", want, d.count(want), d.texts)
		}
	}
	if !strings.Contains(s, svgOver) {
		t.Error("the over-subscribed school is not red")
	}
	if BarsSVG(Bars{}) != "" {
		t.Error("bars without rows")
	}
}

func TestMapSVG(t *testing.T) {
	m := Map{MinLat: 59.30, MinLon: 18.00, MaxLat: 59.32, MaxLon: 18.04,
		Cells:  []Cell{{59.30, 18.00, 59.31, 18.02, 12}, {59.31, 18.02, 59.33, 18.05, 7}}, // the second widens the extent
		Points: []Point{{"Ekbacka skola", 59.305, 18.01}, {"Östra <skolan>", 59.315, 18.039}}}
	d := parse(t, []byte(MapSVG(m)))
	// Two cells and the background; two schools; their counts, names and the scale bar.
	if d.elements["rect"] != 3 || d.elements["circle"] != 2 || len(d.texts) != 5 {
		t.Errorf("%d rects, %d circles, %d texts", d.elements["rect"], d.elements["circle"], len(d.texts))
	}
	// The scale bar: about 0.04° × cos 59.3° ≈ 2.3 km over 680 px; 500 m fits in 160 px.
	if d.count("500 m") != 1 {
		t.Errorf("scale bar: %v", d.texts)
	}
	// Counts are drawn after the names, so no name covers a count.
	svg := MapSVG(m)
	if strings.LastIndex(svg, ">Ekbacka skola<") > strings.Index(svg, ">12<") {
		t.Error("a school's name is drawn over the counts")
	}
	m.Lang, m.LegendCells, m.LegendSchools = "sv", "Ruta med antal", "Skola"
	if d := parse(t, []byte(MapSVG(m))); d.elements["rect"] != 4 || d.elements["circle"] != 3 || d.count("Ruta med antal") != 1 || d.count("Skola") != 1 {
		t.Errorf("legend: %d rects, %d circles, %v", d.elements["rect"], d.elements["circle"], d.texts)
	}
	for _, want := range []string{"12", "7", "Ekbacka skola", "Östra <skolan>"} {
		if d.count(want) != 1 {
			t.Errorf("%q written %d times", want, d.count(want))
		}
	}
	// The ways: drawn under the counts, a segment shorter than a pixel and
	// one wholly outside the map left out, with their legend.
	m.LegendWays = "Gångväg"
	m.Ways = []Segment{{59.305, 18.01, 59.315, 18.03}, {59.305, 18.01, 59.305, 18.010001}, {60, 19, 60.1, 19.1}}
	svg = MapSVG(m)
	ways := regexp.MustCompile(`<path d="(M[^"]*)" fill="none" stroke="#7a8591"`).FindStringSubmatch(svg)
	if ways == nil || strings.Count(ways[1], "M") != 1 {
		t.Errorf("ways: %v", ways)
	}
	if strings.Index(svg, `stroke="#7a8591"`) > strings.Index(svg, ">12<") || !strings.Contains(svg, ">Gångväg<") {
		t.Error("the ways are drawn over the counts, or have no legend")
	}
	if MapSVG(Map{MinLat: math.Inf(1)}) != "" || MapSVG(Map{}) != "" {
		t.Error("a map with nothing to draw")
	}
}

func TestTickLabels(t *testing.T) {
	for _, tc := range []struct {
		in   string
		v    float64
		lang string
		want string
	}{
		{"2.50", 2.5, "sv", "2,5"}, {"2.50", 2.5, "en", "2.5"}, {"240", 240, "sv", "240"}, {"0.25", 0.25, "ar", "0,25"},
		{"1e+06", 1e6, "sv", "1e+06"}, {"3.0", 3, "sv", "3"}, {"", 0, "sv", ""}, {"-2.5", -2.5, "sv", "\u22122,5"},
		{"12000", 12000, "sv", "12\u202f000"}, {"12000", 12000, "en", "12,000"},
	} {
		if got := tickLabel(tc.in, tc.v, tc.lang); got != tc.want {
			t.Errorf("tickLabel(%q, %s) = %q, want %q", tc.in, tc.lang, got, tc.want)
		}
	}
	if shortYear("2024/25") != "24/25" || shortYear("x") != "x" {
		t.Error("shortYear")
	}
}

func TestPairedCharts(t *testing.T) {
	p := Paired{Lang: "sv", NowLabel: "Perioden", PrevLabel: "Året före", Rows: []PairedRow{
		{Label: "januari 2026", Now: Count{N: 12, Text: "12"}, Prev: Count{N: 7, Text: "7"}},
		{Label: "februari 2026", Now: Count{N: 3, Text: "färre än 5", Hidden: true}, Prev: Count{N: 0, Text: "0"}},
		{Label: "Måltider & <mat>", Now: Count{N: 1500, Text: "1 500"}, Prev: Count{N: 9, Text: "9"}},
	}}
	for name, svg := range map[string]string{"columns": ColumnsSVG(p), "rows": RowsSVG(p)} {
		if err := xml.Unmarshal([]byte(svg), new(struct{})); err != nil {
			t.Fatalf("%s: not XML: %v", name, err)
		}
		if strings.Contains(svg, "färre än 5") || strings.Contains(svg, "<mat>") {
			t.Errorf("%s: a hidden count is drawn, or a label is not escaped:\n%s", name, svg)
		}
		if !strings.Contains(svg, "Perioden") || !strings.Contains(svg, "1 500") {
			t.Errorf("%s: legend or value missing", name)
		}
	}
	// Columns: the zero count and the hidden one draw no bar; 4 of 6 remain.
	if n := strings.Count(ColumnsSVG(p), "<rect x=\"") - 2; n != 4 {
		t.Errorf("columns: %d bars, want 4", n)
	}
	// The count axis is in Swedish figures.
	if !strings.Contains(ColumnsSVG(p), ">1\u202f000<") {
		t.Error("columns: the axis lacks 1 000 with a narrow no-break space")
	}
	if ColumnsSVG(Paired{}) != "" || RowsSVG(Paired{}) != "" {
		t.Error("a chart with no rows")
	}
}

// Small multiples keep their whole titles: two indicators that differ
// only at the end (year 6 and year 9) are told apart.
func TestProfileTitlesNotTruncated(t *testing.T) {
	v := func(x float64) *float64 { return &x }
	long := "Andel elever som uppnått kunskapskraven i alla ämnen, årskurs "
	b, err := ProfileChart(Profile{Doc: Doc{Lang: "sv"}, Years: []string{"2023/24", "2024/25"}, Panels: []ProfilePanel{
		{Title: long + "6", Values: Series{v(80), v(82)}}, {Title: long + "9", Values: Series{v(70), v(75)}}}})
	if err != nil {
		t.Fatal(err)
	}
	d := parse(t, b)
	all := strings.Join(d.texts, " ")
	for _, want := range []string{"årskurs 6", "årskurs 9"} {
		if !strings.Contains(all, want) {
			t.Errorf("the titles lose %q: %q", want, d.texts)
		}
	}
	if strings.Contains(all, "…") {
		t.Errorf("a title is cut: %q", d.texts)
	}
}

// A value axis that does not start at zero says so under the chart; one
// that does, does not.
func TestNotFromZeroSaid(t *testing.T) {
	v := func(x float64) *float64 { return &x }
	const note = "Axeln börjar inte på noll."
	b, err := TrendsChart(Trends{Doc: Doc{Lang: "sv", NotFromZero: note}, Years: []string{"2023/24", "2024/25"},
		Panels: []TrendPanel{{Title: "Ekbacka", Values: Series{v(80), v(84)}}}})
	if err != nil {
		t.Fatal(err)
	}
	if d := parse(t, b); d.count(note) != 1 {
		t.Errorf("no note under a chart from 78 to 86: %q", d.texts)
	}
	b, err = ProfileChart(Profile{Doc: Doc{Lang: "sv", NotFromZero: note}, Years: []string{"2023/24", "2024/25"},
		Panels: []ProfilePanel{{Title: "Andel", Values: Series{v(-2), v(3)}}}})
	if err != nil {
		t.Fatal(err)
	}
	if d := parse(t, b); d.count(note) != 0 {
		t.Errorf("a note under a chart whose axis holds zero: %q", d.texts)
	}
}

// The compensatory check names its dots, and names of dots close together
// do not overlap (checked again in the browser with its own font).
func TestScatterDotsNamed(t *testing.T) {
	b, err := ScattersChart(Scatters{Doc: Doc{Lang: "sv"}, Panels: []ScatterPanel{{Title: "Lärartäthet", XLabel: "Föräldrarnas utbildning",
		Points: []XY{{X: 2.0, Y: 10, Label: "Ekbackaskolan"}, {X: 2.02, Y: 10.05, Label: "Kvarnbyskolan"}, {X: 2.5, Y: 12, Label: "Hagaskolan"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	d := parse(t, b)
	for _, name := range []string{"Ekbackaskolan", "Kvarnbyskolan", "Hagaskolan"} {
		if d.count(name) != 1 {
			t.Errorf("the dot of %s is not named: %q", name, d.texts)
		}
	}
}
