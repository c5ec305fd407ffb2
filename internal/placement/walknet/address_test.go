package walknet

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func TestSplitAddress(t *testing.T) {
	for _, c := range []struct{ in, street, number string }{
		{"Storgatan 12", "Storgatan", "12"},
		{"Storgatan 12 B", "Storgatan", "12 B"},
		{"Storgatan 12B lgh 1102", "Storgatan", "12B"},
		{"Övre Husargatan 3, 2 tr", "Övre Husargatan", "3"},
		{"Quai Antoine 1er 6", "Quai Antoine 1er", "6"},
		{"Rue de la Colle 4bis", "Rue de la Colle", "4bis"},
		{"Avenue Albert II 4-6", "Avenue Albert II", "4-6"},
	} {
		s, n, ok := SplitAddress(c.in)
		if !ok || s != c.street || n != c.number {
			t.Errorf("SplitAddress(%q) = %q, %q, %v", c.in, s, n, ok)
		}
	}
	if _, _, ok := SplitAddress("Storgatan"); ok {
		t.Error("an address without a number split")
	}
}

// Geocoding on the real Monaco extract: its addr:* tags find homes, two
// features of one address metres apart are one place, and what matches
// nothing is said so, not guessed.
func TestGeocodeMonaco(t *testing.T) {
	f, err := os.Open("testdata/monaco.osm.pbf")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	as, lo, hi, err := ReadAddresses(t.Context(), f, FormatPBF, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !(lo.Lat > 43.6 && hi.Lat < 43.8 && lo.Lon > 7.3 && hi.Lon < 7.6) {
		t.Errorf("bounds %v–%v are not Monaco's", lo, hi)
	}
	if len(as) < 50 {
		t.Fatalf("only %d addresses", len(as))
	}
	g := NewGazetteer(as)
	st, p, _ := g.Geocode("Quai Antoine 1er 6", "98000", "Monaco")
	if st != Found || StraightLine(p, Point{43.7329221, 7.4257905}) > 1 {
		t.Errorf("Quai Antoine 1er 6: %s at %v", st, p)
	}
	// Spelled in other case and spacing, and without postal code.
	if st, _, _ := g.Geocode("quai  antoine 1er 6", "", ""); st != Found {
		t.Errorf("folded spelling: %s", st)
	}
	// Two nodes about ten metres apart carry Rue du Gabian 11: one place.
	st, _, m := g.Geocode("Rue du Gabian 11", "", "")
	if st != Found || len(m) != 2 {
		t.Errorf("Rue du Gabian 11: %s, %d matches", st, len(m))
	}
	// A postal code the data contradicts rules a match out.
	if st, _, _ := g.Geocode("Quai Antoine 1er 6", "06360", ""); st != NoMatch {
		t.Errorf("wrong postal code: %s", st)
	}
	if st, _, _ := g.Geocode("Storgatan 1", "", ""); st != NoMatch {
		t.Errorf("unknown street: %s", st)
	}
	if st, _, _ := g.Geocode("Rue du Gabian", "", ""); st != NoNumber {
		t.Errorf("no number: %s", st)
	}
}

func TestGeocodeSeveral(t *testing.T) {
	g := NewGazetteer([]Address{
		{Street: "Skolvägen", HouseNumber: "1", City: "Norrby", Point: Point{59.0, 18.0}, OSM: "node/1"},
		{Street: "Skolvägen", HouseNumber: "1", City: "Söderby", Point: Point{59.1, 18.0}, OSM: "node/2"},
	})
	if st, _, m := g.Geocode("Skolvägen 1", "", ""); st != Several || len(m) != 2 {
		t.Errorf("two villages' Skolvägen 1: %s, %d", st, len(m))
	}
	if st, p, _ := g.Geocode("Skolvägen 1", "", "SÖDERBY"); st != Found || p.Lat != 59.1 {
		t.Errorf("narrowed by city: %s %v", st, p)
	}
}

// Any street name and house number written as a register writes them
// split back into the same two.
func TestSplitAddressProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		words := rapid.SliceOfN(rapid.StringMatching(`[A-ZÅÄÖa-zåäöé]{2,10}`), 1, 4).Draw(t, "words")
		street := strings.Join(words, " ")
		number := rapid.StringMatching(`[1-9][0-9]{0,2}( ?[A-Da-d])?`).Draw(t, "number")
		suffix := rapid.SampledFrom([]string{"", " lgh 1102", ", 2 tr", " 3 tr"}).Draw(t, "suffix")
		s, n, ok := SplitAddress(street + " " + number + suffix)
		if !ok || s != street || n != number {
			t.Fatalf("SplitAddress(%q) = %q, %q, %v", street+" "+number+suffix, s, n, ok)
		}
	})
}

// Every address in the Monaco extract geocodes to a place (never "no
// match"), and one found lies within SamePlace of a feature carrying it.
func TestGeocodeEveryMonacoAddress(t *testing.T) {
	f, err := os.Open("testdata/monaco.osm.pbf")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	as, _, _, err := ReadAddresses(t.Context(), f, FormatPBF, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	g := NewGazetteer(as)
	for _, a := range as {
		st, p, _ := g.Geocode(a.Street+" "+a.HouseNumber, a.Postcode, a.City)
		switch st {
		case NoMatch:
			t.Errorf("%s %s (%s): no match", a.Street, a.HouseNumber, a.OSM)
		case Found:
			if d := StraightLine(p, a.Point); d > SamePlace {
				t.Errorf("%s %s found %v m from %s", a.Street, a.HouseNumber, d, a.OSM)
			}
		}
	}
}

func BenchmarkReadAddressesMonaco(b *testing.B) {
	data, err := os.ReadFile("testdata/monaco.osm.pbf")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, _, err := ReadAddresses(b.Context(), bytes.NewReader(data), FormatPBF, ReadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
