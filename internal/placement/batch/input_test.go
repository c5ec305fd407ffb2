package batch

import (
	"errors"
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/placement"
)

const goodSchools = "school_id,name,lat,lon,year,capacity\n" +
	"A,Alfaskolan,57.70,11.95,0,20\n" +
	"A,Alfaskolan,57.70,11.95,1,25\n" +
	"B,Betaskolan,57.71,11.96,1,30\n"

func TestReadSchools(t *testing.T) {
	// A byte order mark and CRLF line ends are fine.
	in := "\ufeff" + strings.ReplaceAll(goodSchools, "\n", "\r\n")
	s, err := ReadSchools(strings.NewReader(in), "schools.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(s) != 2 || s[0].ID != "A" || s[0].Capacity[0] != 20 || s[0].Capacity[1] != 25 || s[1].Capacity[1] != 30 || s[1].Line != 4 {
		t.Fatalf("got %+v", s)
	}
	if s[0].Lat != 57.70 || s[0].Lon != 11.95 || s[0].Name != "Alfaskolan" {
		t.Fatalf("got %+v", s[0])
	}
}

func TestBadSchools(t *testing.T) {
	h := "school_id,name,lat,lon,year,capacity\n"
	for _, c := range []struct{ name, in, want string }{
		{"header", "id,name,lat,lon,year,capacity\nA,x,1,2,0,3\n", "schools.csv:1: wrong header"},
		{"semicolons", "school_id;name;lat;lon;year;capacity\n", "schools.csv:1: wrong header \"school_id;name;lat;lon;year;capacity\": the separator must be a comma"},
		{"empty", "", "schools.csv:1: empty file"},
		{"negative capacity", h + "A,x,57.7,11.9,0,10\nA,x,57.7,11.9,1,-3\n", "schools.csv:3:17: capacity: negative capacity -3"},
		{"bad number", h + "A,x,57,7,11.9,0,10\n", "schools.csv:2: 7 fields, want 6"},
		{"comma decimal", h + "A,x,\"57,7\",11.9,0,10\n", "schools.csv:2:5: lat: \"57,7\" is not a number"},
		{"truncated", h + "A,x,57.7,11.9\n", "schools.csv:2: 4 fields, want 6"},
		{"year", h + "A,x,57.7,11.9,F,10\n", "schools.csv:2:15: year: \"F\" is not a whole number"},
		{"latitude", h + "A,x,97.7,11.9,1,10\n", "schools.csv:2:5: lat: 97.7 is out of range ±90"},
		{"name differs", h + "A,x,57.7,11.9,0,10\nA,y,57.7,11.9,1,10\n", "schools.csv:3:3: name: school \"A\" is called \"x\" on line 2"},
		{"coordinates differ", h + "A,x,57.7,11.9,0,10\nA,x,57.8,11.9,1,10\n", "schools.csv:3:5: lat: school \"A\" has other coordinates on line 2"},
		{"year twice", h + "A,x,57.7,11.9,0,10\nA,x,57.7,11.9,0,12\n", "schools.csv:3:15: year: school \"A\" has year 0 twice"},
		{"empty id", h + ",x,57.7,11.9,0,10\n", "schools.csv:2:1: school_id: empty"},
		{"bare quote", h + "A,x\"y,57.7,11.9,0,10\n", "schools.csv:2:4: bare \" in non-quoted-field"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadSchools(strings.NewReader(c.in), "schools.csv")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v\nwant %s", err, c.want)
			}
		})
	}
}

func TestErrorsAreCollected(t *testing.T) {
	var b strings.Builder
	b.WriteString("school_id,name,lat,lon,year,capacity\n")
	for range 30 {
		b.WriteString("A,x,57.7,11.9,0,-1\n")
	}
	_, err := ReadSchools(strings.NewReader(b.String()), "schools.csv")
	var errs *Errors
	if !errors.As(err, &errs) {
		t.Fatalf("got %T %v", err, err)
	}
	if len(errs.List) != MaxErrors || errs.More != 10 || !strings.HasSuffix(err.Error(), "… and 10 more errors") || errs.List[0].Line != 2 || errs.List[MaxErrors-1].Line != MaxErrors+1 {
		t.Fatalf("got %d errors, first %v", len(errs.List), errs.List[0])
	}
	var le *LineError
	if !errors.As(err, &le) || le.Field != "capacity" {
		t.Fatalf("errors.As LineError: %v", le)
	}
}

func TestBadApplicants(t *testing.T) {
	schools, err := ReadSchools(strings.NewReader(goodSchools), "schools.csv")
	if err != nil {
		t.Fatal(err)
	}
	h := "applicant_id,year,lat,lon,choices,siblings\n"
	for _, c := range []struct{ name, in, want string }{
		{"header", "applicant_id,year,lat,lon,choices\n", "applicants.csv:1: wrong header"},
		{"unknown school", h + "p1,1,57.7,11.9,A;X,\n", "applicants.csv:2:16: choices: unknown school id \"X\""},
		{"unknown sibling school", h + "p1,1,57.7,11.9,A,Q\n", "applicants.csv:2:18: siblings: unknown school id \"Q\""},
		{"duplicate applicant", h + "p1,1,57.7,11.9,A,\np2,1,57.7,11.9,B,\np1,1,57.7,11.9,B,\n", "applicants.csv:4:1: applicant_id: duplicate applicant \"p1\" (first on line 2)"},
		{"chosen twice", h + "p1,1,57.7,11.9,A;B;A,\n", "applicants.csv:2:16: choices: school \"A\" chosen twice"},
		{"negative year", h + "p1,-1,57.7,11.9,A,\n", "applicants.csv:2:4: year: negative year -1"},
		{"bad lon", h + "p1,1,57.7,east,A,\n", "applicants.csv:2:11: lon: \"east\" is not a number"},
		{"truncated", h + "p1,1,57.7,11.9,A,\np2,1,57.7", "applicants.csv:3: 3 fields, want 6"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadApplicants(strings.NewReader(c.in), "applicants.csv", schools)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v\nwant %s", err, c.want)
			}
		})
	}
	a, err := ReadApplicants(strings.NewReader(h+"p1,1,57.7,11.9, A ; B ,B\r\np2,0,57.7,11.9,,\n"), "applicants.csv", schools)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 2 || strings.Join(a[0].Choices, "|") != "A|B" || a[0].Siblings[0] != "B" || len(a[1].Choices) != 0 || a[1].Line != 3 {
		t.Fatalf("got %+v", a)
	}
}

func TestReadRules(t *testing.T) {
	r, err := readRulesFile(t, "testdata/rules.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	want := placement.Rules{
		Criteria:     []placement.Criterion{placement.Sibling, placement.RelativeProximity, placement.AbsoluteProximity, placement.Lottery},
		SiblingYears: []int{0, 1, 2, 3, 4, 5, 6}, Alternative: placement.Nearest, Seed: 2027,
		NearHome: []placement.NearHomeLimit{{From: 0, To: 3, Meters: 2000}, {From: 4, To: 6, Meters: 4000}, {From: 7, To: 9, Meters: 6000}},
	}
	if RulesTOML(r) != RulesTOML(want) {
		t.Fatalf("got\n%s\nwant\n%s", RulesTOML(r), RulesTOML(want))
	}
	// RulesTOML reads back to the same rules.
	r2, err := ReadRules(strings.NewReader(RulesTOML(r)), "x.toml")
	if err != nil || RulesTOML(r2) != RulesTOML(r) {
		t.Fatalf("round trip: %v\n%s", err, RulesTOML(r2))
	}
	if r.DistanceResolution() != 1 || !strings.Contains(RulesTOML(r), "resolution_m = 1\n") {
		t.Errorf("resolution %v in\n%s", r.Resolution, RulesTOML(r))
	}
	r4, err := ReadRules(strings.NewReader("resolution_m = 0.5\n"), "half.toml")
	if err != nil || r4.Resolution != 0.5 || !strings.Contains(RulesTOML(r4), "resolution_m = 0.5\n") {
		t.Fatalf("resolution 0.5: %v %+v", err, r4)
	}
	// Empty: the defaults.
	r3, err := ReadRules(strings.NewReader(""), "empty.toml")
	if err != nil || RulesTOML(r3) != RulesTOML(placement.DefaultRules()) {
		t.Fatalf("defaults: %v %s", err, RulesTOML(r3))
	}

	for _, c := range []struct{ name, in, want string }{
		{"syntax", "criteria = [\"sibling\"\nseed = 1\n", "rules.toml:2"},
		{"unknown criterion", "seed = 3\ncriteria = [\"sibling\", \"wealth\"]\n", "rules.toml:2: criteria: unknown criterion \"wealth\""},
		{"unknown key", "seed = 3\nsiblings = [1]\n", "rules.toml:2: siblings: unknown key"},
		{"alternative", "alternative = \"farthest\"\n", "rules.toml:1: alternative: \"farthest\": use nearest or nearest_with_room"},
		{"overlap", "[[near_home]]\nfrom = 0\nto = 3\nmeters = 2000\n[[near_home]]\nfrom = 3\nto = 6\nmeters = 4000\n", "rules.toml: near-home limits 0–3 and 3–6 overlap"},
		{"incomplete limit", "[[near_home]]\nfrom = 0\nto = 3\n[[near_home]]\nfrom = 4\n", "rules.toml:1: near_home[1]: give from, to and meters"},
		{"twice", "criteria = [\"lottery\", \"lottery\"]\n", "criterion lottery listed twice"},
		{"bad seed", "seed = \"x\"\n", "rules.toml:1"},
		{"resolution", "seed = 1\nresolution_m = 0\n", "rules.toml:2: resolution_m: 0 m is outside 0.01–100 m"},
		{"resolution too coarse", "resolution_m = 500\n", "rules.toml:1: resolution_m: 500 m is outside 0.01–100 m"},
		{"nested", "seed = 1 # [[[[[[[[[[\ncriteria = \"[[[[[[[[[[\"\nnear_home = " + strings.Repeat("[{a=", 5), "rules.toml:3: nested more than 8 levels deep"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadRules(strings.NewReader(c.in), "rules.toml")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v\nwant %s", err, c.want)
			}
		})
	}
}

// Rules files take time linear in their size (issue 12, the fuzz target
// that stalled): the TOML decoder's time grows faster than the file with
// the nesting depth (64 KB of "[{a=" took minutes), and every unknown key
// looked its line up in the whole file.
func TestReadRulesBoundedTime(t *testing.T) {
	var keys strings.Builder
	for i := range 20_000 {
		fmt.Fprintf(&keys, "k%d = 1\n", i)
	}
	for name, in := range map[string]string{
		"nested":       "near_home = " + strings.Repeat("[{a=", 16<<10),
		"unknown keys": keys.String(),
	} {
		start := time.Now()
		_, err := ReadRules(strings.NewReader(in), "rules.toml")
		if d := time.Since(start); err == nil || d > 5*time.Second {
			t.Errorf("%s (%d KB): %v after %v", name, len(in)>>10, err, d)
		}
	}
	// Two levels, as in a list of inline tables, are fine.
	r, err := ReadRules(strings.NewReader("near_home = [{from = 0, to = 3, meters = 2000}, {from = 4, to = 6, meters = 4000}]\n"), "rules.toml")
	if err != nil || len(r.NearHome) != 2 {
		t.Errorf("inline tables: %v, %+v", err, r.NearHome)
	}
}

func readRulesFile(t *testing.T, path string) (placement.Rules, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return ReadRules(f, path)
}

// lineErrors returns the line errors in err.
func lineErrors(t *testing.T, err error) []*LineError {
	t.Helper()
	if errs, ok := errors.AsType[*Errors](err); ok {
		return errs.List
	}
	if le, ok := errors.AsType[*LineError](err); ok {
		return []*LineError{le}
	}
	t.Fatalf("%v is no line error", err)
	return nil
}

// Every problem in an input file has a message ID that both catalogs
// define; the English text is the one the command line prints, and the
// Swedish one differs from it, so pages show the user's language.
func TestLineErrorMessages(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	sv, en := cat.For("sv"), cat.For("en")
	schools, err := ReadSchools(strings.NewReader(goodSchools), "schools.csv")
	if err != nil {
		t.Fatal(err)
	}
	sh := "school_id,name,lat,lon,year,capacity\n"
	ah := "applicant_id,year,lat,lon,choices,siblings\n"
	var errs []error
	for _, in := range []string{"", "id,name\n", "school_id;name;lat;lon;year;capacity\n", sh,
		sh + "A,x,57.7,11.9,0,10\nA,x,57.7,11.9,1,-3\nA,y,57.7,11.9,2,1\nA,x,57.8,11.9,3,1\nA,x,57.7,11.9,0,12\n",
		sh + ",x,\"57,7\",11.9,F,10\nB,x,97.7,11.9,11,10\nB,x\"y,57.7,11.9,0,10\nC,x,57.7\n\"D,x\n"} {
		_, err := ReadSchools(strings.NewReader(in), "schools.csv")
		errs = append(errs, err)
	}
	_, err = ReadApplicants(strings.NewReader(ah+"p1,1,57.7,11.9,A;X;;A,Q\np1,x,57.7,east,B,\n"), "applicants.csv", schools)
	errs = append(errs, err)
	for _, in := range []string{"criteria = [\"sibling\"\n", "seed = \"x\"\n", "criteria = [\"wealth\"]\nsiblings = 1\nsibling_years = [12]\nalternative = \"far\"\n[[near_home]]\nfrom = 0\n",
		"criteria = [\"lottery\", \"lottery\"]\n", "a = " + strings.Repeat("[", 9)} {
		_, err := ReadRules(strings.NewReader(in), "rules.toml")
		errs = append(errs, err)
	}
	for _, in := range []string{"id,lat,lon\n", "id,lat,lon\np,1,2\np,1,2\n", "id,n,e\np,674571,6580743\nq,59.3,18.1\n"} {
		_, err := ReadPoints(strings.NewReader(in), "points.csv")
		errs = append(errs, err)
	}
	city, ss, as := riverCity(t)
	as[3].Lat += 0.05
	_, err = Run(t.Context(), Input{Graph: city.Graph, Schools: ss, Applicants: as, Rules: placement.DefaultRules()}, nil)
	errs = append(errs, err)

	seen := map[string]bool{}
	for _, err := range errs {
		for _, le := range lineErrors(t, err) {
			if le.ID == "" {
				t.Errorf("%v: no message ID", le)
				continue
			}
			seen[le.ID] = true
			if !cat.Has("sv", le.ID) || !cat.Has("en", le.ID) {
				t.Errorf("%s is missing from a catalog", le.ID)
			}
			if got := en.T(le.ID, le.Args); got != le.Msg {
				t.Errorf("%s in English: %q, the command line says %q", le.ID, got, le.Msg)
			}
			at := map[string]any{"File": le.File, "Line": le.Line, "Column": le.Column, "Field": le.Field, "Msg": le.Msg}
			if got := en.T("placement.input.at", at); got != le.Error() {
				t.Errorf("placement.input.at in English: %q, want %q", got, le.Error())
			}
			if got := sv.T(le.ID, le.Args); got == le.Msg || strings.Contains(got, "<no value>") {
				t.Errorf("%s in Swedish: %q", le.ID, got)
			}
		}
	}
	// The IDs the code names (here and in the round package) are all in
	// both catalogs, also those no input above reaches.
	for _, f := range []string{"input.go", "rules.go", "run.go", "../round/round.go"} {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ids := regexp.MustCompile(`"(placement\.input\.[a-z_]+)"`).FindAllStringSubmatch(string(src), -1)
		if f == "input.go" && len(ids) < 20 {
			t.Fatalf("only %d message IDs found in %s", len(ids), f)
		}
		for _, m := range ids {
			if !cat.Has("sv", m[1]) || !cat.Has("en", m[1]) {
				t.Errorf("%s (in %s) is missing from a catalog", m[1], f)
			}
			data := map[string]any{"File": "f.csv", "Line": 2, "Msg": "m"}
			if en.T(m[1], data) == sv.T(m[1], data) {
				t.Errorf("%s is not translated: %q", m[1], sv.T(m[1], data))
			}
		}
	}
	t.Logf("%d message IDs reached", len(seen))
	if len(seen) < 25 {
		t.Errorf("the inputs above reach only %d message IDs: %v", len(seen), seen)
	}
}

// Every input file takes n,e (SWEREF 99 TM metres) in place of lat,lon,
// converted to the same WGS84 positions; mistakes are reported by line.
func TestSwerefColumns(t *testing.T) {
	const latLon = "school_id,name,lat,lon,year,capacity\nA,Centralskolan,59.3293,18.0686,0,10\n"
	const ne = "school_id,name,n,e,year,capacity\nA,Centralskolan,6580743.0083,674571.8664,0,10\n"
	want, err := ReadSchools(strings.NewReader(latLon), "schools.csv")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadSchools(strings.NewReader(ne), "schools.csv")
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got[0].Lat-want[0].Lat) > 1e-8 || math.Abs(got[0].Lon-want[0].Lon) > 1e-8 {
		t.Errorf("n,e read as %v,%v; want %v,%v", got[0].Lat, got[0].Lon, want[0].Lat, want[0].Lon)
	}
	as, err := ReadApplicants(strings.NewReader("applicant_id,year,n,e,choices,siblings\np1,0,6580743.0083,674571.8664,A,\n"), "applicants.csv", got)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(as[0].Lat-59.3293) > 1e-8 || math.Abs(as[0].Lon-18.0686) > 1e-8 {
		t.Errorf("applicant at %v,%v", as[0].Lat, as[0].Lon)
	}
	ps, err := ReadPoints(strings.NewReader("id,n,e\nx,6580743.0083,674571.8664\n"), "points.csv")
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(ps[0].Lat-59.3293) > 1e-8 {
		t.Errorf("point at %v,%v", ps[0].Lat, ps[0].Lon)
	}
	_, err = ReadPoints(strings.NewReader("id,n,e\nswapped,674571,6580743\ndegrees,59.3,18.1\nfar,6580743,-2000000\nword,north,1\n"), "points.csv")
	var msgs []string
	for _, le := range lineErrors(t, err) {
		msgs = append(msgs, le.Error())
	}
	wantMsgs := []string{
		"points.csv:2:9: n: northing 674571 is less than easting 6580743: are n and e swapped?",
		"points.csv:3:9: n: 59.3 is not a SWEREF 99 TM coordinate in metres",
		"points.csv:4:13: e: -2000000 is not a SWEREF 99 TM coordinate in metres",
		"points.csv:5:6: n: \"north\" is not a number (use a decimal point)",
	}
	if !slices.Equal(msgs, wantMsgs) {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(msgs, "\n"), strings.Join(wantMsgs, "\n"))
	}
}
