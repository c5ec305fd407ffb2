package privacy

import (
	"encoding/json"
	"testing"
)

func TestSuppress(t *testing.T) {
	for _, tc := range []struct {
		n, min int
		show   bool
		json   string
	}{
		{0, 5, true, "0"},
		{1, 5, false, "null"},
		{4, 5, false, "null"},
		{5, 5, true, "5"},
		{120, 10, true, "120"},
	} {
		c := Suppress(tc.n, tc.min)
		n, ok := c.Value()
		if ok != tc.show || (ok && n != tc.n) {
			t.Errorf("Suppress(%d, %d).Value() = %d, %v", tc.n, tc.min, n, ok)
		}
		b, _ := json.Marshal(c)
		if string(b) != tc.json {
			t.Errorf("Suppress(%d, %d) JSON = %s, want %s", tc.n, tc.min, b, tc.json)
		}
	}
}
