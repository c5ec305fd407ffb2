package web

import (
	"math"
	"testing"
)

func TestHomeFormValidate(t *testing.T) {
	for _, c := range []struct {
		in       string
		lat, lon float64
		ok       bool
	}{
		{"59.3293, 18.0686", 59.3293, 18.0686, true},
		{"59.3293 18.0686", 59.3293, 18.0686, true},
		{"6580743.0083, 674571.8664", 59.3293, 18.0686, true}, // SWEREF 99 TM
		{"6580743;674571.8664", 59.3293, 18.0686, true},
		{"674571, 6580743", 0, 0, false}, // swapped
		{"59,3293, 18,0686", 0, 0, false},
		{"", 0, 0, false},
		{"north, east", 0, 0, false},
		{"45, 200", 0, 0, false},
		{"NaN, 1", 0, 0, false},
	} {
		lat, lon, err := homeForm{Position: c.in}.Validate()
		if (err == nil) != c.ok {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if c.ok && (math.Abs(lat-c.lat) > 1e-6 || math.Abs(lon-c.lon) > 1e-6) {
			t.Errorf("%q: %v, %v", c.in, lat, lon)
		}
	}
}
