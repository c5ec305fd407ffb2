package stats

import (
	"math"
	"testing"
)

func TestChangeShare(t *testing.T) {
	for _, tc := range []struct {
		name      string
		base, now Obs
		want      Verdict
	}{
		{"up", Obs{60, 100}, Obs{80, 100}, Up},
		{"down", Obs{90, 200}, Obs{75, 200}, Down},
		{"no change", Obs{70, 50}, Obs{75, 50}, NoChange},
		{"no change at 100", Obs{100, 40}, Obs{97.5, 40}, NoChange},
		{"too few base", Obs{60, 9}, Obs{100, 100}, TooLittleData},
		{"too few now", Obs{60, 100}, Obs{0, 5}, TooLittleData},
		{"missing", Obs{math.NaN(), 100}, Obs{80, 100}, TooLittleData},
		{"out of range", Obs{160, 100}, Obs{80, 100}, TooLittleData},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := ChangeShare(tc.base, tc.now, 0.95)
			if r.Verdict != tc.want {
				t.Errorf("verdict %s, want %s (%+v)", r.Verdict, tc.want, r)
			}
			if r.Verdict != TooLittleData && !(r.Lower < r.Upper) {
				t.Errorf("interval %+v", r)
			}
			if !math.IsNaN(tc.base.Value) && r.Diff != tc.now.Value-tc.base.Value {
				t.Errorf("diff %v", r.Diff)
			}
		})
	}
	// A larger sample narrows the interval: the same 5-point rise is
	// chance at 50 pupils and real at 2,000.
	if r := ChangeShare(Obs{70, 2000}, Obs{75, 2000}, 0.95); r.Verdict != Up {
		t.Errorf("large n: %+v", r)
	}
}

func TestChangeMean(t *testing.T) {
	for _, tc := range []struct {
		name      string
		base, now Obs
		sd        float64
		want      Verdict
	}{
		{"up", Obs{200, 100}, Obs{230, 100}, 65, Up},
		{"down", Obs{230, 100}, Obs{200, 100}, 65, Down},
		{"no change", Obs{230, 60}, Obs{235, 60}, 65, NoChange},
		{"too few", Obs{230, 9}, Obs{300, 60}, 65, TooLittleData},
		{"no sd", Obs{230, 60}, Obs{300, 60}, 0, TooLittleData},
		{"missing", Obs{230, 60}, Obs{math.NaN(), 60}, 65, TooLittleData},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := ChangeMean(tc.base, tc.now, tc.sd, 0.95)
			if r.Verdict != tc.want {
				t.Errorf("verdict %s, want %s (%+v)", r.Verdict, tc.want, r)
			}
		})
	}
	// Hand check: 30 ± 1.959964·65·√(2/100) = 30 ± 18.0163.
	r := ChangeMean(Obs{200, 100}, Obs{230, 100}, 65, 0.95)
	if h := 1.959963984540054 * 65 * math.Sqrt(0.02); math.Abs(r.Lower-(30-h)) > 1e-9 || math.Abs(r.Upper-(30+h)) > 1e-9 {
		t.Errorf("interval %+v, want 30 ± %v", r, h)
	}
}

func TestQuantile(t *testing.T) {
	xs := []float64{7, 1, 3, 5, math.NaN()}
	for _, tc := range []struct{ q, want float64 }{{0, 1}, {0.25, 2.5}, {0.5, 4}, {0.75, 5.5}, {1, 7}} {
		if got, ok := Quantile(xs, tc.q); !ok || math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("Quantile(%v) = %v, want %v", tc.q, got, tc.want)
		}
	}
	if _, ok := Quantile(nil, 0.5); ok {
		t.Error("empty accepted")
	}
	q1, q3, iqr, ok := IQR(xs)
	if !ok || q1 != 2.5 || q3 != 5.5 || iqr != 3 {
		t.Errorf("IQR %v %v %v", q1, q3, iqr)
	}
}
