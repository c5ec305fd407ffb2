package geo

import (
	"math"
	"testing"

	"pgregory.net/rapid"
)

// Reference points: WGS84 degrees and SWEREF 99 TM metres. The origin and
// the pole follow from the definition (false northing 0 and easting
// 500 000 on the central meridian; at the pole the northing is k0 times
// GRS 80's published quarter meridian, 10 001 965.7293 m). The others were
// computed with PROJ 9.1.1 (cs2cs EPSG:4326 EPSG:3006), an independent
// implementation of the projection (Poder/Engsager's series).
var reference = []struct {
	name     string
	lat, lon float64
	n, e     float64
}{
	{"origin", 0, 15, 0, 500000},
	{"pole", 90, 15, 0.9996 * 10001965.7293, 500000},
	{"central meridian 58°", 58, 15, 6428710.1588, 500000},
	{"Stockholm", 59.3293, 18.0686, 6580743.0083, 674571.8664},
	{"Malmö", 55.6050, 13.0038, 6163926.5534, 374243.7585},
	{"Kiruna", 67.8558, 20.2253, 7536069.9699, 719583.1230},
	{"Göteborg", 57.7089, 11.9746, 6400326.0362, 319758.0201},
	{"Luleå", 65.5848, 22.1547, 7292393.9254, 829432.4411},
	{"Karlskrona", 56.1612, 15.5869, 6224176.0144, 536450.9242},
	{"Umeå", 63.8258, 20.2630, 7088280.7982, 758803.4353},
	{"far north-east", 69.0, 24.0, 7680742.0869, 858846.0432},
	{"far south-west", 55.0, 10.5, 6104055.9184, 212242.8846},
}

func TestToSwerefReference(t *testing.T) {
	for _, r := range reference {
		n, e := ToSweref(r.lat, r.lon)
		if math.Abs(n-r.n) > 0.001 || math.Abs(e-r.e) > 0.001 {
			t.Errorf("%s: ToSweref(%v, %v) = %.4f, %.4f; want %.4f, %.4f", r.name, r.lat, r.lon, n, e, r.n, r.e)
		}
	}
}

func TestToWGS84Reference(t *testing.T) {
	for _, r := range reference {
		if r.lat == 90 {
			continue // the longitude is undefined at the pole
		}
		lat, lon := ToWGS84(r.n, r.e)
		// 1e-8 degrees is about a millimetre.
		if math.Abs(lat-r.lat) > 1e-8 || math.Abs(lon-r.lon) > 1e-8 {
			t.Errorf("%s: ToWGS84(%v, %v) = %.10f, %.10f; want %v, %v", r.name, r.n, r.e, lat, lon, r.lat, r.lon)
		}
	}
}

// Converting there and back lands within a millimetre anywhere in and
// around Sweden, and the easting grows with the longitude, the northing
// with the latitude.
func TestRoundTripProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		lat := rapid.Float64Range(50, 72).Draw(t, "lat")
		lon := rapid.Float64Range(5, 30).Draw(t, "lon")
		n, e := ToSweref(lat, lon)
		if err := CheckSweref(n, e); err != nil {
			t.Fatalf("ToSweref(%v, %v) = %v, %v: %v", lat, lon, n, e, err)
		}
		lat2, lon2 := ToWGS84(n, e)
		if math.Abs(lat2-lat) > 1e-8 || math.Abs(lon2-lon) > 1e-8 {
			t.Fatalf("round trip (%v, %v) → (%v, %v) → (%v, %v)", lat, lon, n, e, lat2, lon2)
		}
		_, e2 := ToSweref(lat, lon+0.001)
		if !(e2 > e) {
			t.Fatalf("easting did not grow eastwards: %v → %v", e, e2)
		}
		n3, _ := ToSweref(lat+0.001, lon)
		if !(n3 > n) {
			t.Fatalf("northing did not grow northwards: %v → %v", n, n3)
		}
	})
}

func TestCheckSweref(t *testing.T) {
	for _, c := range []struct {
		n, e float64
		ok   bool
	}{
		{6580743, 674571, true},
		{674571, 6580743, false},    // swapped
		{59.3293, 18.0686, false},   // degrees
		{math.NaN(), 674571, false}, //
		{6580743, 1e7, false},
	} {
		if err := CheckSweref(c.n, c.e); (err == nil) != c.ok {
			t.Errorf("CheckSweref(%v, %v) = %v", c.n, c.e, err)
		}
	}
}
