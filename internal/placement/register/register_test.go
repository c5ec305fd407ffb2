package register

import (
	"errors"
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/placement/batch"
	"github.com/styrkedjan/styrkedjan/internal/placement/geo"
	"pgregory.net/rapid"
)

// PIN completes eleven digits (YYYYMMDDNNN) with the check digit.
func PIN(s string) string {
	for d := range 10 {
		if p := s + fmt.Sprint(d); ValidPIN(p) {
			return p
		}
	}
	panic(s)
}

func lineErrors(t *testing.T, err error) []*batch.LineError {
	t.Helper()
	var errs *batch.Errors
	var le *batch.LineError
	switch {
	case errors.As(err, &errs):
		return errs.List
	case errors.As(err, &le):
		return []*batch.LineError{le}
	}
	t.Fatalf("not a line error: %v", err)
	return nil
}

func TestParse(t *testing.T) {
	child, g1, g2 := PIN("20210315123"), PIN("19850101234"), PIN("19870202345")
	in := "\ufeffchild_id;name;birth_date;address;postal_code;city;current_school;n;e;lat;lon;guardian1_name;guardian1_email;guardian1_phone;guardian1_pin;guardian1_custody;guardian1_language;guardian2_name;guardian2_email;guardian2_pin;guardian2_custody\r\n" +
		child[:8] + "-" + child[8:] + ";Alva Berg;2021-03-15;Storgatan 1;123 45;Ort;Förskolan Äpplet;6580743.0083;674571.8664;;;Anna Berg;anna@example.se;070-123 45 67;" + g1 + ";ja;sv;Olof Berg;;" + g2 + ";ja\r\n" +
		"k-2;Noor Ali;;Lillvägen 2;12346;Ort;;;;59.33;18.07;Sara Ali;;;;;ar;;;;\r\n" +
		"k-3;Liam Ek;;Bygatan 3;12347;Ort;;;;;;Eva Ek;eva@example.se;;;;en;Per Ek;per@example.se;;nej\r\n"
	cs, err := Parse(strings.NewReader(in), "register.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 3 {
		t.Fatalf("%d children", len(cs))
	}
	a := cs[0]
	if a.PIN != child || a.Key != "" || a.Name != "Alva Berg" || a.PostalCode != "12345" || a.LocatedBy != LocatedSweref || a.Line != 2 || a.Year != -1 {
		t.Errorf("first child: %+v", a)
	}
	if math.Abs(a.Lat-59.3293) > 1e-8 || math.Abs(a.Lon-18.0686) > 1e-8 {
		t.Errorf("SWEREF home at %v, %v", a.Lat, a.Lon)
	}
	if len(a.Guardians) != 2 || a.Guardians[0].PIN != g1 || !a.Guardians[1].Custody || a.Guardians[0].Phone != "070-123 45 67" {
		t.Errorf("guardians: %+v", a.Guardians)
	}
	if b := cs[1]; b.Key != "k-2" || b.LocatedBy != LocatedWGS84 || len(b.Guardians) != 1 || b.Guardians[0].Language != "ar" {
		t.Errorf("second child: %+v", b)
	}
	if c := cs[2]; c.Located || c.Guardians[1].Custody || c.Guardians[0].Language != "en" {
		t.Errorf("third child: %+v", c)
	}
}

func TestParseProblems(t *testing.T) {
	h := "child_id,name,year,address,postal_code,city,n,e,lat,lon,guardian1_name,guardian1_email,guardian1_pin,guardian1_custody,guardian1_language\n"
	in := h +
		"200101011234,A,0,Väg 1,12345,Ort,,,,,G,,,,\n" + // bad check digit
		"0101011234,B,0,Väg 1,12345,Ort,,,,,G,,,,\n" + // ten digits
		"k1,C,11,Väg 1,1234,Ort,,,,,G,g@x,,kanske,de\n" +
		"k2,D,0,,12345,Ort,,,,,G,,,,\n" + // nowhere
		"k3,E,0,Väg 1,12345,Ort,674571,6580743,,,G,,,,\n" + // swapped
		"k4,F,0,Väg 1,12345,Ort,6580743,674571,59.3,18.0,G,,,,\n" + // both
		"k5,G,0,Väg 1,12345,Ort,,,,,,,,,\n" + // no guardian
		"k5,H,0,Väg 1,12345,Ort,,,,,G,,,,\n" + // fine
		"k5,I,0,Väg 1,12345,Ort,,,,,G,,,,\n" // duplicate
	_, err := Parse(strings.NewReader(in), "register.csv")
	var got []string
	for _, le := range lineErrors(t, err) {
		got = append(got, le.Error())
	}
	want := []string{
		"register.csv:2:1: child_id: not a valid personal identity number",
		"register.csv:3:1: child_id: give the personal identity number with twelve digits (the century too)",
		"register.csv:4:6: year: \"11\" is not a year group (F or 0–9)",
		"register.csv:4:16: postal_code: \"1234\" is not a postal code (five digits)",
		"register.csv:4:31: guardian1_email: \"g@x\" is not an e-mail address",
		"register.csv:4:36: guardian1_custody: \"kanske\": write ja or nej",
		"register.csv:4:43: guardian1_language: \"de\" is not a language decisions are written in (sv, en, ar, so, fa, sv-x-easy)",
		"register.csv:5:8: address: neither an address nor coordinates",
		"register.csv:6:25: n: northing 674571 is less than easting 6580743: are n and e swapped?",
		"register.csv:7:25: n: give n,e or lat,lon, not both",
		"register.csv:8:29: guardian1_name: no guardian",
		"register.csv:10:1: child_id: the same child as on line 9",
	}
	if !slices.Equal(got, want) {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	_, err = Parse(strings.NewReader("child_id,name,address,postal_code,city,n,colour\n"), "register.csv")
	got = nil
	for _, le := range lineErrors(t, err) {
		got = append(got, le.Error())
	}
	want = []string{
		"register.csv:1: unknown column \"colour\"",
		"register.csv:1: no column guardian1_name",
		"register.csv:1: give both columns n and e, or neither",
	}
	if !slices.Equal(got, want) {
		t.Errorf("header errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Every message ID the parser names is in both catalogs, the English text
// equals what the command line prints, and Swedish differs.
func TestMessages(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("register.go")
	if err != nil {
		t.Fatal(err)
	}
	ids := regexp.MustCompile(`"(placement\.(?:register|input)\.[a-z_0-9]+)"`).FindAllStringSubmatch(string(src), -1)
	if len(ids) < 20 {
		t.Fatalf("only %d IDs", len(ids))
	}
	for _, m := range ids {
		if !cat.Has("sv", m[1]) || !cat.Has("en", m[1]) {
			t.Errorf("%s is missing from a catalog", m[1])
		}
	}
	_, err = Parse(strings.NewReader("child_id,name,year,address,postal_code,city,n,e,guardian1_name,guardian1_email,guardian1_custody,guardian1_language\n"+
		"1,,x,,1,O,1,2,,a,b,c\nk,N,0,A,12345,O,1,,G,,,\n"), "r.csv")
	en, sv := cat.For("en"), cat.For("sv")
	for _, le := range lineErrors(t, err) {
		if got := en.T(le.ID, le.Args); got != le.Msg {
			t.Errorf("%s in English: %q, the parser says %q", le.ID, got, le.Msg)
		}
		if got := sv.T(le.ID, le.Args); got == le.Msg || strings.Contains(got, "<no value>") {
			t.Errorf("%s in Swedish: %q", le.ID, got)
		}
	}
}

// Any extract written from valid children reads back as the same children,
// with SWEREF homes converted to within a millimetre.
func TestRoundTripProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 8).Draw(t, "n")
		var b strings.Builder
		b.WriteString(strings.Join(Header(), ",") + "\n")
		type want struct {
			key      string
			lat, lon float64
			located  string
			emails   int
		}
		var ws []want
		for i := range n {
			key := fmt.Sprintf("c%d", i)
			lat := rapid.Float64Range(55.5, 68.5).Draw(t, "lat")
			lon := rapid.Float64Range(11.5, 23.5).Draw(t, "lon")
			mode := rapid.IntRange(0, 2).Draw(t, "mode")
			var ne, ll string
			w := want{key: key}
			switch mode {
			case 0:
				nn, ee := geo.ToSweref(lat, lon)
				ne = fmt.Sprintf("%.3f,%.3f", nn, ee)
				w.lat, w.lon, w.located = lat, lon, LocatedSweref
			case 1:
				ll = fmt.Sprintf("%.7f,%.7f", lat, lon)
				w.lat, w.lon, w.located = lat, lon, LocatedWGS84
			}
			if ne == "" {
				ne = ","
			}
			if ll == "" {
				ll = ","
			}
			email := ""
			if rapid.Bool().Draw(t, "email") {
				email = key + "@example.se"
				w.emails = 1
			}
			fmt.Fprintf(&b, "%s,Barn %d,,0,Gatan %d,12345,Ort,,%s,%s,Vh %d,%s,,,,ja,sv,,,,,,,\n", key, i, i+1, ne, ll, i, email)
			ws = append(ws, w)
		}
		cs, err := Parse(strings.NewReader(b.String()), "r.csv")
		if err != nil {
			t.Fatalf("%v\n%s", err, b.String())
		}
		if len(cs) != len(ws) {
			t.Fatalf("%d children, want %d", len(cs), len(ws))
		}
		for i, c := range cs {
			w := ws[i]
			if c.Key != w.key || c.LocatedBy != w.located || c.Year != 0 || len(c.Guardians) != 1 {
				t.Fatalf("child %d: %+v, want %+v", i, c, w)
			}
			if w.located != "" && (math.Abs(c.Lat-w.lat) > 1e-6 || math.Abs(c.Lon-w.lon) > 1e-6) {
				t.Fatalf("child %d at %v,%v want %v,%v", i, c.Lat, c.Lon, w.lat, w.lon)
			}
			if (c.Guardians[0].Email != "") != (w.emails == 1) {
				t.Fatalf("child %d e-mail %q", i, c.Guardians[0].Email)
			}
		}
	})
}
