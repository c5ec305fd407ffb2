package stats

import (
	"math"
	"math/rand/v2"
	"testing"
)

// panel builds units with a unit effect, a common year trend, noise and,
// for treated units, an effect from year start on.
func panel(rng *rand.Rand, n int, effect float64, years, start int) []UnitPeriods {
	out := make([]UnitPeriods, n)
	for i := range out {
		unit := rng.NormFloat64() * 15
		for y := 0; y < years; y++ {
			v := 220 + unit + 1.5*float64(y) + rng.NormFloat64()*4
			if y >= start {
				out[i].After = append(out[i].After, v+effect)
			} else {
				out[i].Before = append(out[i].Before, v)
			}
		}
	}
	return out
}

func TestDiDRecoversAKnownEffect(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 1))
	treated := panel(rng, 12, 8, 6, 3)
	control := panel(rng, 30, 0, 6, 3)
	r, err := DiD(treated, control, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r.Estimate-8) > 3 {
		t.Errorf("estimate %.2f, want about 8", r.Estimate)
	}
	if !(r.Lower < 8 && 8 < r.Upper) {
		t.Errorf("interval [%.2f, %.2f] does not cover 8", r.Lower, r.Upper)
	}
	if r.Verdict != Up || r.NTreated != 12 || r.NControl != 30 {
		t.Errorf("verdict %s, n %d/%d", r.Verdict, r.NTreated, r.NControl)
	}
	// Both groups share the trend of 1.5 a year: the control change is about
	// 1.5 × 3 years between the period means.
	if math.Abs(r.ControlChange-4.5) > 2 {
		t.Errorf("control change %.2f, want about 4.5", r.ControlChange)
	}
}

func TestDiDNoEffectCoversZero(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 2))
	r, err := DiD(panel(rng, 15, 0, 6, 3), panel(rng, 25, 0, 6, 3), 0.95)
	if err != nil {
		t.Fatal(err)
	}
	if !(r.Lower < 0 && 0 < r.Upper) || r.Verdict != NoChange {
		t.Errorf("no effect: %.2f [%.2f, %.2f] %s", r.Estimate, r.Lower, r.Upper, r.Verdict)
	}
}

// The 95 % interval covers the true effect in about 95 % of repetitions.
func TestDiDCoverage(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 3))
	const reps = 1000
	covered := 0
	for i := 0; i < reps; i++ {
		r, err := DiD(panel(rng, 8, -5, 5, 2), panel(rng, 12, 0, 5, 2), 0.95)
		if err != nil {
			t.Fatal(err)
		}
		if r.Lower <= -5 && -5 <= r.Upper {
			covered++
		}
	}
	if share := float64(covered) / reps; share < 0.93 || share > 0.97 {
		t.Errorf("coverage %.3f, want about 0.95", share)
	}
}

// A hand-computed case: treated changes 4 and 6, control changes 1 and 3.
func TestDiDByHand(t *testing.T) {
	r, err := DiD(
		[]UnitPeriods{{Before: []float64{10}, After: []float64{14}}, {Before: []float64{8, 12}, After: []float64{16}}},
		[]UnitPeriods{{Before: []float64{5}, After: []float64{6}}, {Before: []float64{7}, After: []float64{10}}, {Before: []float64{1}}},
		0.95)
	if err != nil {
		t.Fatal(err)
	}
	// changes: treated 4, 6 (mean 5, var 2); control 1, 3 (mean 2, var 2);
	// SE = sqrt(2/2 + 2/2) = sqrt 2; df = (1+1)^2 / (1/1 + 1/1) = 2; t(0.975, 2) = 4.302653.
	if r.Estimate != 3 || math.Abs(r.SE-math.Sqrt2) > 1e-12 || math.Abs(r.DF-2) > 1e-12 {
		t.Fatalf("%+v", r)
	}
	if want := 3 - 4.302652729911275*math.Sqrt2; math.Abs(r.Lower-want) > 1e-9 {
		t.Errorf("lower %.9f, want %.9f", r.Lower, want)
	}
	if r.NControl != 2 {
		t.Errorf("a unit without an after value counted: %d", r.NControl)
	}
}

func TestDiDTooFew(t *testing.T) {
	r, err := DiD([]UnitPeriods{{Before: []float64{1}, After: []float64{2}}}, []UnitPeriods{{Before: []float64{1}, After: []float64{2}}, {Before: []float64{1}, After: []float64{3}}}, 0.95)
	if err == nil || r.Verdict != TooLittleData || !math.IsNaN(r.Estimate) {
		t.Errorf("one treated unit: %+v, %v", r, err)
	}
}
