package stats

import (
	"math"
	"testing"
)

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []int
		want float64
		ok   bool
	}{
		{nil, 0, false},
		{[]int{4}, 4, true},
		{[]int{3, 1, 2}, 2, true},
		{[]int{4, 1, 3, 2}, 2.5, true},
		{[]int{10, 0, 0, 0, 7, 1}, 0.5, true},
	} {
		got, ok := Median(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("Median(%v) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	in := []float64{3.5, -1, 2}
	if got, _ := Median(in); got != 2 || in[0] != 3.5 {
		t.Errorf("Median(floats) = %v, input now %v", got, in)
	}
}

// The expected values are exact sums over rational numbers (Python's
// fractions.Fraction and math.comb), rounded to float64 at the end. They
// agree with scipy.stats.binomtest(k, n, p, alternative="greater").pvalue.
func TestBinomialTail(t *testing.T) {
	for _, c := range []struct {
		k, n int
		p    float64
		want float64
	}{
		{0, 0, 0.5, 1},
		{3, 3, 0.5, 0.125},
		{7, 10, 0.5, 0.171875},
		{15, 20, 0.5, 0.020694732666015625},
		{30, 40, 1.0 / 3, 8.4748780331131446e-08},
		{60, 100, 0.5, 0.028443966820490395},
		{50, 100, 0.5, 0.53979461869358936},
		{1, 10, 0.1, 0.65132155989999996},
		{10, 10, 0.1, 1e-10},
		{520, 1000, 0.5, 0.10872414660207047},
		{570, 1000, 0.5, 5.3548688324797558e-06},
		{2, 20, 0.5, 0.99997997283935547},
		{5, 5, 0.9, 0.59048999999999996},
		{26000, 51000, 0.5, 4.8494261577464008e-06},
		{25600, 51000, 0.5, 0.18910844537875535},
		{11, 10, 0.5, 0},
		{-1, 10, 0.5, 1},
		{3, 10, 0, 0},
		{3, 10, 1, 1},
	} {
		got := BinomialTail(c.k, c.n, c.p)
		if !close(got, c.want) {
			t.Errorf("BinomialTail(%d, %d, %v) = %.17g, want %.17g", c.k, c.n, c.p, got, c.want)
		}
	}
	if !math.IsNaN(BinomialTail(1, 10, 1.5)) {
		t.Error("p outside [0, 1] should give NaN")
	}
}

func TestRiseP(t *testing.T) {
	// Equal exposures: the sign test, X ~ Binomial(a+b, 1/2).
	if got := RiseP(15, 365, 5, 365); !close(got, 0.020694732666015625) {
		t.Errorf("RiseP(15 vs 5) = %v", got)
	}
	// A leap year's extra day in the comparison period.
	if got := RiseP(12, 365, 5, 366); !close(got, 0.070959738594461599) {
		t.Errorf("RiseP(12/365 vs 5/366) = %.17g", got)
	}
	if got := RiseP(0, 1, 0, 1); got != 1 {
		t.Errorf("RiseP(0, 0) = %v, want 1", got)
	}
	if got := RiseP(3, 1, 0, 1); !close(got, 0.125) {
		t.Errorf("RiseP(3 vs 0) = %v, want 0.125", got)
	}
	// A fall is never significant as a rise.
	if got := RiseP(5, 1, 15, 1); got < 0.99 {
		t.Errorf("RiseP(5 vs 15) = %v", got)
	}
	if !math.IsNaN(RiseP(1, 0, 1, 1)) {
		t.Error("zero exposure should give NaN")
	}
}

func TestChange(t *testing.T) {
	if c, ok := Change(15, 10); !ok || c != 50 {
		t.Errorf("Change(15, 10) = %v, %v", c, ok)
	}
	if c, ok := Change(5, 10); !ok || c != -50 {
		t.Errorf("Change(5, 10) = %v, %v", c, ok)
	}
	if _, ok := Change(5, 0); ok {
		t.Error("Change from 0 should have no percentage")
	}
}

func close(got, want float64) bool {
	if want == 0 {
		return got == 0
	}
	return math.Abs(got-want) <= 1e-9*math.Abs(want)
}

func BenchmarkBinomialTailLarge(b *testing.B) {
	for b.Loop() {
		BinomialTail(26000, 51000, 0.5)
	}
}

// The rise rule: enough cases, more than before, and unlikely by chance.
func TestRise(t *testing.T) {
	for _, c := range []struct {
		a, b int
		want bool
	}{
		{15, 5, true},  // p ≈ 0.021
		{12, 5, false}, // p ≈ 0.07
		{4, 0, false},  // p = 0.0625 and below RiseMin
		{5, 0, true},   // p = 0.031, at RiseMin
		{40, 40, false},
		{3, 10, false},
	} {
		if got := Rise(c.a, 365, c.b, 365); got != c.want {
			t.Errorf("Rise(%d vs %d) = %v, want %v (p = %v)", c.a, c.b, got, c.want, RiseP(c.a, 365, c.b, 365))
		}
	}
}
