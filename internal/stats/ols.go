package stats

import (
	"errors"
	"fmt"
	"math"
	"sync"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// This file uses gonum (mat for the QR decomposition, distuv for the t and
// normal quantiles); the rest of the package is standard library only.

// OLSFit is an ordinary least-squares fit with an intercept.
//
// Names[0] is "(intercept)", then the predictor names in order; Coef and SE
// follow the same order. DF = N - p where p = len(Coef).
type OLSFit struct {
	Names                 []string
	Coef, SE              []float64
	R2, AdjR2, ResidualSE float64
	N, DF                 int
	XtXInv                [][]float64 // (X'X)⁻¹ including the intercept column, for prediction intervals

	mu sync.Mutex
	tq map[float64]float64 // t quantiles by level, cached: one costs ~20 µs
}

// tQuantile returns t(DF, (1+level)/2), cached per level.
func (f *OLSFit) tQuantile(level float64) float64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	if t, ok := f.tq[level]; ok {
		return t
	}
	if f.tq == nil {
		f.tq = map[float64]float64{}
	}
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(f.DF)}.Quantile((1 + level) / 2)
	f.tq[level] = t
	return t
}

// Errors from OLS.
var (
	ErrTooFewRows = errors.New("stats: too few observations for the number of predictors (need n > p)")
	ErrSingular   = errors.New("stats: the predictors are collinear (singular design matrix)")
	ErrNotFinite  = errors.New("stats: NaN or infinite value in the data")
)

// OLS fits y = b0 + b1 x1 + ... + bk xk by least squares. x[i] is the row of
// predictors for observation i (all rows the same length k); names has k
// entries (or is nil, giving x1, x2, ...). An intercept is always added.
//
// The fit uses a Householder QR decomposition of the design matrix (not the
// normal equations), so it stays accurate on ill-conditioned data such as
// NIST's Longley set. It returns an error for n <= p, for a singular
// (collinear) design, and for NaN or infinite inputs; it never panics.
//
// Limits: classical OLS assumptions (independent, homoscedastic errors).
// Standard errors are not robust to heteroscedasticity, and units are
// weighted equally regardless of their number of pupils.
func OLS(y []float64, x [][]float64, names []string) (*OLSFit, error) {
	n := len(y)
	if len(x) != n {
		return nil, fmt.Errorf("stats: %d outcomes but %d predictor rows", n, len(x))
	}
	k := 0
	if n > 0 {
		k = len(x[0])
	}
	if names == nil {
		for j := range k {
			names = append(names, fmt.Sprintf("x%d", j+1))
		}
	}
	if len(names) != k {
		return nil, fmt.Errorf("stats: %d names for %d predictors", len(names), k)
	}
	p := k + 1
	if n <= p {
		return nil, fmt.Errorf("%w: n=%d, p=%d", ErrTooFewRows, n, p)
	}
	X := mat.NewDense(n, p, nil)
	Y := mat.NewDense(n, 1, nil)
	var ymean float64
	for i := range n {
		if len(x[i]) != k {
			return nil, fmt.Errorf("stats: row %d has %d predictors, want %d", i+1, len(x[i]), k)
		}
		if !finite(y[i]) {
			return nil, fmt.Errorf("%w: outcome in row %d", ErrNotFinite, i+1)
		}
		X.Set(i, 0, 1)
		for j, v := range x[i] {
			if !finite(v) {
				return nil, fmt.Errorf("%w: %s in row %d", ErrNotFinite, names[j], i+1)
			}
			X.Set(i, j+1, v)
		}
		Y.Set(i, 0, y[i])
		ymean += y[i]
	}
	ymean /= float64(n)

	var qr mat.QR
	qr.Factorize(X)
	var R mat.Dense
	qr.RTo(&R)
	// Singularity: a diagonal element of R that is tiny relative to the
	// column's scale means a column is (nearly) a combination of others.
	for j := range p {
		col := mat.Col(nil, j, X)
		scale := mat.Norm(mat.NewVecDense(n, col), 2)
		if scale == 0 || math.Abs(R.At(j, j)) <= 1e-10*scale {
			return nil, fmt.Errorf("%w (column %q)", ErrSingular, append([]string{"(intercept)"}, names...)[j])
		}
	}
	var B mat.Dense
	if err := qr.SolveTo(&B, false, Y); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSingular, err)
	}
	// (X'X)⁻¹ = R⁻¹ R⁻ᵀ with R the p×p upper triangle.
	Rp := mat.NewTriDense(p, mat.Upper, nil)
	for i := range p {
		for j := i; j < p; j++ {
			Rp.SetTri(i, j, R.At(i, j))
		}
	}
	var Rinv mat.TriDense
	if err := Rinv.InverseTri(Rp); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSingular, err)
	}
	var XtXInv mat.Dense
	XtXInv.Mul(&Rinv, Rinv.T())

	f := &OLSFit{Names: append([]string{"(intercept)"}, names...), N: n, DF: n - p}
	f.Coef = make([]float64, p)
	for j := range p {
		f.Coef[j] = B.At(j, 0)
	}
	var sse, sst float64
	for i := range n {
		fit := f.Coef[0]
		for j, v := range x[i] {
			fit += f.Coef[j+1] * v
		}
		r := y[i] - fit
		sse += r * r
		d := y[i] - ymean
		sst += d * d
	}
	s2 := sse / float64(f.DF)
	f.ResidualSE = math.Sqrt(s2)
	if sst > 0 {
		f.R2 = 1 - sse/sst
		f.AdjR2 = 1 - (1-f.R2)*float64(n-1)/float64(f.DF)
	}
	f.SE = make([]float64, p)
	f.XtXInv = make([][]float64, p)
	for i := range p {
		f.SE[i] = math.Sqrt(s2 * XtXInv.At(i, i))
		f.XtXInv[i] = mat.Row(nil, i, &XtXInv)
	}
	return f, nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Fitted returns b0 + b·x for one row of predictors (without the intercept
// column). It returns NaN when x has the wrong length.
func (f *OLSFit) Fitted(x []float64) float64 {
	if len(x) != len(f.Coef)-1 {
		return math.NaN()
	}
	v := f.Coef[0]
	for j, xv := range x {
		v += f.Coef[j+1] * xv
	}
	return v
}

// Predict returns the fitted value at x and a prediction interval for a
// new observation at level (e.g. 0.95):
//
//	fit ± t(df, (1+level)/2) · s · √(1 + x₀ᵀ (XᵀX)⁻¹ x₀)
//
// with x₀ = (1, x). For a unit that was part of the fit this is the usual
// "is this unit unusual?" interval; it assumes normal, homoscedastic
// errors. A wrong length or a level outside (0, 1) gives NaNs.
func (f *OLSFit) Predict(x []float64, level float64) (fit, lower, upper float64) {
	fit = f.Fitted(x)
	if math.IsNaN(fit) || !(level > 0 && level < 1) {
		return math.NaN(), math.NaN(), math.NaN()
	}
	x0 := append([]float64{1}, x...)
	var q float64
	for i := range x0 {
		for j := range x0 {
			q += x0[i] * f.XtXInv[i][j] * x0[j]
		}
	}
	h := f.tQuantile(level) * f.ResidualSE * math.Sqrt(1+q)
	return fit, fit - h, fit + h
}

// Model is a linear model with published coefficients: Coef[0] is the
// constant and Coef[1:] follow Names.
type Model struct {
	Names      []string
	Coef       []float64
	ResidualSE float64
}

// SALSA2016 is Skolverket's SALSA model of the average merit value in year 9
// for 2015/16 (1,443 school units, R² 0.585): constant 93.567, parents'
// average education level (index 1–3) 69.846, share of boys −35.271,
// share of newly immigrated pupils −83.641, residual standard error 17.34.
// The shares are proportions 0–1, not percent.
//
// Caveats (Skolverket): not a ranking and not value added (no prior
// attainment); residuals are relative to that year's national level, so
// applying 2015/16 coefficients to later years shifts every unit alike.
var SALSA2016 = Model{
	Names:      []string{"parents_education", "share_boys", "share_newly_immigrated"},
	Coef:       []float64{93.567, 69.846, -35.271, -83.641},
	ResidualSE: 17.34,
}

// Predict returns the model's value at x and the interval fit ± z·RSE with
// z the standard normal quantile for level. Only the residual spread is
// included: the published model gives no parameter covariance, so the
// uncertainty of the coefficients themselves is ignored (it is small with
// 1,443 units, but the interval is slightly too narrow). A wrong length or
// a level outside (0, 1) gives NaNs.
func (m Model) Predict(x []float64, level float64) (fit, lower, upper float64) {
	if len(x) != len(m.Coef)-1 || !(level > 0 && level < 1) {
		return math.NaN(), math.NaN(), math.NaN()
	}
	fit = m.Coef[0]
	for j, v := range x {
		fit += m.Coef[j+1] * v
	}
	z := distuv.UnitNormal.Quantile((1 + level) / 2)
	return fit, fit - z*m.ResidualSE, fit + z*m.ResidualSE
}
