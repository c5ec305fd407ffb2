package stats

import (
	"errors"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// UnitPeriods is one unit's yearly values before and after an initiative
// started (missing years left out).
type UnitPeriods struct {
	Before, After []float64
}

// DiDResult is a difference-in-differences estimate with its interval.
type DiDResult struct {
	// Estimate is (treated after − treated before) − (others after − others
	// before), each unit's change weighed equally.
	Estimate     float64
	SE           float64
	Lower, Upper float64
	DF           float64 // Welch–Satterthwaite degrees of freedom of the t interval
	// TreatedChange and ControlChange are the mean changes of the two groups.
	TreatedChange, ControlChange float64
	NTreated, NControl           int
	Verdict                      Verdict // Up, Down, NoChange (interval covers 0) or TooLittleData
}

// MinDiDUnits is the smallest number of units with both periods that each
// group must have.
const MinDiDUnits = 2

// ErrDiDTooFew is returned (with a TooLittleData result) when a group has
// fewer than MinDiDUnits units with values both before and after.
var ErrDiDTooFew = errors.New("stats: too few units with values before and after in a group")

// DiD estimates the effect of an initiative by difference in differences:
// every unit's change is the mean of its values after minus the mean before
// (collapsing the years, as Bertrand, Duflo and Mullainathan 2004 recommend
// against serially correlated errors); the estimate is the treated units'
// mean change minus the other units' mean change, and the interval a Welch
// t interval at the given level over the two groups of unit changes.
//
// Limits: it assumes parallel trends (without the initiative the treated
// units would have moved like the others) and that units did not choose the
// initiative because of a dip just before it. Units lacking a value on
// either side are left out. With fewer than MinDiDUnits units in a group,
// or a level outside (0, 1), the result is TooLittleData with ErrDiDTooFew.
// Unit changes in a group that are all equal give a zero standard error in
// that group (the interval then rests on the other group).
func DiD(treated, control []UnitPeriods, level float64) (DiDResult, error) {
	changes := func(us []UnitPeriods) []float64 {
		var out []float64
		for _, u := range us {
			b, okb := didMean(u.Before)
			a, oka := didMean(u.After)
			if okb && oka {
				out = append(out, a-b)
			}
		}
		return out
	}
	dt, dc := changes(treated), changes(control)
	r := DiDResult{NTreated: len(dt), NControl: len(dc), Lower: math.NaN(), Upper: math.NaN(), SE: math.NaN(), DF: math.NaN(),
		Estimate: math.NaN(), TreatedChange: math.NaN(), ControlChange: math.NaN(), Verdict: TooLittleData}
	if len(dt) > 0 {
		r.TreatedChange, _ = didMean(dt)
	}
	if len(dc) > 0 {
		r.ControlChange, _ = didMean(dc)
	}
	if len(dt) < MinDiDUnits || len(dc) < MinDiDUnits || !(level > 0 && level < 1) {
		return r, ErrDiDTooFew
	}
	r.Estimate = r.TreatedChange - r.ControlChange
	vt, vc := didVariance(dt)/float64(len(dt)), didVariance(dc)/float64(len(dc))
	r.SE = math.Sqrt(vt + vc)
	if r.SE == 0 {
		r.DF = float64(len(dt) + len(dc) - 2)
		r.Lower, r.Upper = r.Estimate, r.Estimate
	} else {
		r.DF = (vt + vc) * (vt + vc) / (vt*vt/float64(len(dt)-1) + vc*vc/float64(len(dc)-1))
		q := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: r.DF}.Quantile((1 + level) / 2)
		r.Lower, r.Upper = r.Estimate-q*r.SE, r.Estimate+q*r.SE
	}
	res := verdict(r.Estimate, r.Lower, r.Upper)
	r.Verdict = res.Verdict
	return r, nil
}

func didMean(xs []float64) (float64, bool) {
	var s float64
	n := 0
	for _, x := range xs {
		if finite(x) {
			s += x
			n++
		}
	}
	if n == 0 {
		return math.NaN(), false
	}
	return s / float64(n), true
}

// didVariance is the sample variance (n − 1).
func didVariance(xs []float64) float64 {
	m, _ := didMean(xs)
	var s float64
	for _, x := range xs {
		s += (x - m) * (x - m)
	}
	return s / float64(len(xs)-1)
}
