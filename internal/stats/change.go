package stats

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// Obs is one observed value of a unit with the number of pupils behind it.
type Obs struct {
	Value float64
	N     int
}

// Verdict is the outcome of a change test.
type Verdict string

// The verdicts. Up and Down say which way the value moved, not whether that
// is better: the indicator's direction decides that.
const (
	Up            Verdict = "up"
	Down          Verdict = "down"
	NoChange      Verdict = "no_change"
	TooLittleData Verdict = "too_little_data"
)

// MinPupils is the smallest number of pupils behind a value that the change
// tests accept (the same limit as the suppression of small groups).
const MinPupils = 10

// ChangeResult is a difference now − base with its interval and verdict.
type ChangeResult struct {
	Diff, Lower, Upper float64
	Verdict            Verdict
}

func tooLittle(diff float64) ChangeResult {
	return ChangeResult{Diff: diff, Lower: math.NaN(), Upper: math.NaN(), Verdict: TooLittleData}
}

func verdict(diff, lo, hi float64) ChangeResult {
	v := NoChange
	switch {
	case lo > 0:
		v = Up
	case hi < 0:
		v = Down
	}
	return ChangeResult{Diff: diff, Lower: lo, Upper: hi, Verdict: v}
}

func okObs(o Obs) bool { return o.N >= MinPupils && finite(o.Value) }

// ChangeShare tests whether a share (percent, 0–100) moved beyond chance
// variation between base and now, treating each as a binomial proportion
// over its N pupils (two independent samples). Diff is the observed
// difference in percentage points; the interval is the Agresti–Caffo
// interval (one success and one failure added to each sample), which
// behaves well near 0 and 100 %.
//
// Limits: the pupils of two years are different cohorts, and the test asks
// whether the difference is larger than cohort-to-cohort chance variation
// would give; it says nothing about causes. Either N below MinPupils, a
// value outside 0–100, NaN, or a level outside (0, 1) gives TooLittleData.
func ChangeShare(base, now Obs, level float64) ChangeResult {
	diff := now.Value - base.Value
	if !okObs(base) || !okObs(now) || base.Value < 0 || base.Value > 100 || now.Value < 0 || now.Value > 100 || !(level > 0 && level < 1) {
		return tooLittle(diff)
	}
	adj := func(o Obs) (p, v float64) {
		n := float64(o.N)
		p = (o.Value/100*n + 1) / (n + 2)
		return p, p * (1 - p) / (n + 2)
	}
	p1, v1 := adj(base)
	p2, v2 := adj(now)
	z := distuv.UnitNormal.Quantile((1 + level) / 2)
	h := z * math.Sqrt(v1+v2) * 100
	d := (p2 - p1) * 100
	return verdict(diff, d-h, d+h)
}

// ChangeMean tests whether a mean over pupils (e.g. a merit value) moved
// beyond chance variation between base and now, given a pupil-level
// standard deviation pupilSD (assumed equal in both years; see the
// indicator catalogue for where the figure comes from). The interval is
// Diff ± z·pupilSD·√(1/n₁ + 1/n₂).
//
// Limits: pupilSD is an assumption, not estimated from the unit's pupils; a
// unit with unusually spread results gets too narrow an interval. Either N
// below MinPupils, NaN, pupilSD ≤ 0 or a level outside (0, 1) gives
// TooLittleData.
func ChangeMean(base, now Obs, pupilSD, level float64) ChangeResult {
	diff := now.Value - base.Value
	if !okObs(base) || !okObs(now) || !(pupilSD > 0) || math.IsInf(pupilSD, 0) || !(level > 0 && level < 1) {
		return tooLittle(diff)
	}
	z := distuv.UnitNormal.Quantile((1 + level) / 2)
	h := z * pupilSD * math.Sqrt(1/float64(base.N)+1/float64(now.N))
	return verdict(diff, diff-h, diff+h)
}

// Quantile returns the q-quantile (0 ≤ q ≤ 1) of xs by linear interpolation
// between order statistics (Hyndman–Fan type 7, the default of R and
// spreadsheets) and true, or NaN and false for an empty xs or q outside
// [0, 1]. NaNs in xs are ignored. xs is not modified.
func Quantile(xs []float64, q float64) (float64, bool) {
	s := make([]float64, 0, len(xs))
	for _, v := range xs {
		if !math.IsNaN(v) {
			s = append(s, v)
		}
	}
	if len(s) == 0 || !(q >= 0 && q <= 1) {
		return math.NaN(), false
	}
	slices.Sort(s)
	h := q * float64(len(s)-1)
	lo := math.Floor(h)
	i := int(lo)
	if i+1 >= len(s) {
		return s[len(s)-1], true
	}
	return s[i] + (h-lo)*(s[i+1]-s[i]), true
}

// IQR returns the first and third quartiles and their difference (the
// interquartile range), with ok false for an empty xs.
func IQR(xs []float64) (q1, q3, iqr float64, ok bool) {
	q1, ok = Quantile(xs, 0.25)
	if !ok {
		return math.NaN(), math.NaN(), math.NaN(), false
	}
	q3, _ = Quantile(xs, 0.75)
	return q1, q3, q3 - q1, true
}
