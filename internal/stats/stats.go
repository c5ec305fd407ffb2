// Package stats holds the statistical helpers the reports and the unit
// picture need: the median and quantiles, an exact binomial tail, the test
// that decides whether a count has risen by more than chance would explain,
// ordinary least squares with prediction intervals (ols.go), the change
// tests between two years (change.go) and difference in differences
// (did.go). Pure functions: no database, no HTTP; gonum for linear algebra
// and distributions.
package stats

import (
	"math"
	"slices"
)

// Median returns the middle value of xs (the mean of the two middle ones
// for an even count) and true, or 0 and false when xs is empty. xs is not
// modified.
func Median[T Number](xs []T) (float64, bool) {
	if len(xs) == 0 {
		return 0, false
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return float64(s[m]), true
	}
	return (float64(s[m-1]) + float64(s[m])) / 2, true
}

// Number is what Median takes.
type Number interface {
	~int | ~int32 | ~int64 | ~float32 | ~float64
}

// BinomialTail returns P(X ≥ k) for X ~ Binomial(n, p), summed exactly term
// by term in floating point (no normal approximation), so it is right for
// small counts and for far tails. It sums whichever tail is the smaller
// and starts from its largest term, so the sum converges within a few
// dozen terms even for n in the hundreds of thousands.
func BinomialTail(k, n int, p float64) float64 {
	switch {
	case n < 0 || p < 0 || p > 1 || math.IsNaN(p):
		return math.NaN()
	case k <= 0:
		return 1
	case k > n:
		return 0
	case p == 0:
		return 0
	case p == 1:
		return 1
	}
	mean := float64(n) * p
	if float64(k) > mean {
		// Upper tail: terms fall from i = k upwards.
		return sumTerms(k, n, p, 1)
	}
	// Lower tail P(X ≤ k-1): terms fall from i = k-1 downwards.
	return math.Max(0, 1-sumTerms(k-1, n, p, -1))
}

// sumTerms adds the binomial probabilities from i = start in direction dir
// (+1 or -1) until they no longer change the sum. The terms are falling in
// that direction when start is on the far side of the mean.
func sumTerms(start, n int, p float64, dir int) float64 {
	logP, logQ := math.Log(p), math.Log1p(-p)
	term := math.Exp(logChoose(n, start) + float64(start)*logP + float64(n-start)*logQ)
	sum := 0.0
	odds := p / (1 - p)
	for i := start; i >= 0 && i <= n; i += dir {
		sum += term
		if term <= sum*1e-17 {
			break
		}
		if dir > 0 {
			term *= float64(n-i) / float64(i+1) * odds
		} else {
			term *= float64(i) / float64(n-i+1) / odds
		}
	}
	return math.Min(sum, 1)
}

func logChoose(n, k int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}

// The rule for flagging a rise in complaints, shared by the board report
// and the dialogue preparation pack: the count is at least RiseMin, higher
// than before, and a rise this large would happen in fewer than RiseAlpha
// of the cases if the underlying rate had not changed (RiseP).
const (
	RiseAlpha = 0.05
	RiseMin   = 5
)

// Rise applies the rule to count a over exposure ea against count b over
// exposure eb (for example the days of each period).
func Rise(a int, ea float64, b int, eb float64) bool {
	return a >= RiseMin && a > b && RiseP(a, ea, b, eb) < RiseAlpha
}

// RiseP is the one-sided p-value of the hypothesis that the rate behind
// count a (over exposure ea, for example days or pupil-years) is no higher
// than the rate behind count b (over exposure eb). It is the exact
// conditional test for two Poisson counts: if the rates were equal, then
// given the total n = a + b, a would follow Binomial(n, ea/(ea+eb)), and
// the p-value is the chance of a count of a or more. A small p-value means
// a rise this large would rarely happen by chance alone.
//
// Counts of zero give 1 (nothing to test); non-positive exposures give NaN.
func RiseP(a int, ea float64, b int, eb float64) float64 {
	if ea <= 0 || eb <= 0 || a < 0 || b < 0 {
		return math.NaN()
	}
	if a == 0 {
		return 1
	}
	return BinomialTail(a, a+b, ea/(ea+eb))
}

// Change returns the relative change from before to now in per cent, or
// false when before is zero (a change from nothing has no percentage).
func Change(now, before int) (float64, bool) {
	if before == 0 {
		return 0, false
	}
	return float64(now-before) / float64(before) * 100, true
}
