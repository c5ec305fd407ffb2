package stats

import (
	"bufio"
	"encoding/csv"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
)

// readXY reads a testdata CSV whose first column is y and the rest predictors.
func readXY(t testing.TB, name string) (y []float64, x [][]float64, names []string) {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	names = rows[0][1:]
	for _, r := range rows[1:] {
		var xs []float64
		for i, s := range r {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				y = append(y, v)
			} else {
				xs = append(xs, v)
			}
		}
		x = append(x, xs)
	}
	return y, x, names
}

// certified reads testdata/certified.txt: map "name kind" → values by index.
func certified(t *testing.T) map[string][]float64 {
	t.Helper()
	f, err := os.Open("testdata/certified.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string][]float64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l == "" || l[0] == '#' {
			continue
		}
		fs := strings.Fields(l)
		i, _ := strconv.Atoi(fs[2])
		v, err := strconv.ParseFloat(fs[3], 64)
		if err != nil {
			t.Fatal(err)
		}
		k := fs[0] + " " + fs[1]
		for len(m[k]) <= i {
			m[k] = append(m[k], math.NaN())
		}
		m[k][i] = v
	}
	return m
}

func relErr(got, want float64) float64 { return math.Abs(got-want) / math.Abs(want) }

func TestOLSNIST(t *testing.T) {
	cert := certified(t)
	for _, tc := range []struct {
		name string
		tol  float64
	}{{"longley", 1e-7}, {"norris", 1e-9}} {
		t.Run(tc.name, func(t *testing.T) {
			y, x, names := readXY(t, tc.name+".csv")
			f, err := OLS(y, x, names)
			if err != nil {
				t.Fatal(err)
			}
			if len(cert[tc.name+" coef"]) != len(f.Coef) {
				t.Fatalf("%d coefficients, certified %d", len(f.Coef), len(cert[tc.name+" coef"]))
			}
			for i, want := range cert[tc.name+" coef"] {
				if e := relErr(f.Coef[i], want); e > tc.tol {
					t.Errorf("coef %d = %.15g, certified %.15g (rel err %.2g)", i, f.Coef[i], want, e)
				}
			}
			for i, want := range cert[tc.name+" se"] {
				if e := relErr(f.SE[i], want); e > tc.tol {
					t.Errorf("SE %d = %.15g, certified %.15g (rel err %.2g)", i, f.SE[i], want, e)
				}
			}
			if e := relErr(f.ResidualSE, cert[tc.name+" rse"][0]); e > tc.tol {
				t.Errorf("residual SE %.15g, certified %.15g", f.ResidualSE, cert[tc.name+" rse"][0])
			}
			if e := relErr(f.R2, cert[tc.name+" r2"][0]); e > tc.tol {
				t.Errorf("R² %.15g, certified %.15g", f.R2, cert[tc.name+" r2"][0])
			}
			if f.N != len(y) || f.DF != len(y)-len(f.Coef) {
				t.Errorf("N %d DF %d", f.N, f.DF)
			}
		})
	}
}

// TestPredictHand checks the prediction interval on a case computed by
// hand: x = 1..4, y = 2,4,5,8 gives b0 = 0, b1 = 1.9, SSE = 0.7, s² =
// 0.35, df = 2. At x0 = 5: fit 9.5, se = √(0.35·(1 + 1/4 + (5−2.5)²/5)) =
// √0.875, t(0.975, 2) = 4.302652729911275, half width 4.024763092398897.
func TestPredictHand(t *testing.T) {
	f, err := OLS([]float64{2, 4, 5, 8}, [][]float64{{1}, {2}, {3}, {4}}, []string{"x"})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(f.Coef[0]) > 1e-12 || math.Abs(f.Coef[1]-1.9) > 1e-12 {
		t.Fatalf("coef %v", f.Coef)
	}
	fit, lo, hi := f.Predict([]float64{5}, 0.95)
	const half = 4.024763092398897
	if math.Abs(fit-9.5) > 1e-12 || math.Abs(lo-(9.5-half)) > 1e-9 || math.Abs(hi-(9.5+half)) > 1e-9 {
		t.Errorf("Predict = %v [%v, %v], want 9.5 ± %v", fit, lo, hi, half)
	}
	if fit, _, _ := f.Predict([]float64{1, 2}, 0.95); !math.IsNaN(fit) {
		t.Error("wrong length should give NaN")
	}
	if _, lo, _ := f.Predict([]float64{5}, 1.5); !math.IsNaN(lo) {
		t.Error("bad level should give NaN")
	}
}

func TestOLSErrors(t *testing.T) {
	_, err := OLS([]float64{1, 2}, [][]float64{{1}, {2}}, nil)
	if !errors.Is(err, ErrTooFewRows) {
		t.Errorf("n <= p: %v", err)
	}
	_, err = OLS([]float64{1, 2, 3, 4}, [][]float64{{1, 2}, {2, 4}, {3, 6}, {4, 8}}, []string{"a", "b"})
	if !errors.Is(err, ErrSingular) {
		t.Errorf("collinear: %v", err)
	}
	_, err = OLS([]float64{1, 2, 3, 4}, [][]float64{{1}, {1}, {1}, {1}}, []string{"const"})
	if !errors.Is(err, ErrSingular) {
		t.Errorf("constant predictor: %v", err)
	}
	_, err = OLS([]float64{1, math.NaN(), 3, 4}, [][]float64{{1}, {2}, {3}, {5}}, nil)
	if !errors.Is(err, ErrNotFinite) {
		t.Errorf("NaN: %v", err)
	}
	_, err = OLS([]float64{1, 2, 3, 4}, [][]float64{{1}, {2}, {3}}, nil)
	if err == nil {
		t.Error("length mismatch accepted")
	}
}

// TestSALSA2016 applies Skolverket's published 2015/16 coefficients at a
// national-mean background. The inputs are this test's stated national
// means (parents' education index 2.2, share of boys 0.51, share of newly
// immigrated 0.06 — round figures close to the 2015/16 national level);
// the expected value is the arithmetic on the published coefficients:
// 93.567 + 69.846·2.2 − 35.271·0.51 − 83.641·0.06 = 224.22153.
func TestSALSA2016(t *testing.T) {
	fit, lo, hi := SALSA2016.Predict([]float64{2.2, 0.51, 0.06}, 0.95)
	if math.Abs(fit-224.22153) > 1e-9 {
		t.Errorf("fit %v, want 224.22153", fit)
	}
	half := 1.959963984540054 * 17.34
	if math.Abs(lo-(224.22153-half)) > 1e-9 || math.Abs(hi-(224.22153+half)) > 1e-9 {
		t.Errorf("interval [%v, %v], want ±%v", lo, hi, half)
	}
	if f, _, _ := SALSA2016.Predict([]float64{2.2}, 0.95); !math.IsNaN(f) {
		t.Error("wrong length accepted")
	}
}

// BenchmarkOLS fits 5,000 units × 3 predictors (the national scale).
func BenchmarkOLS(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	const n = 5000
	y := make([]float64, n)
	x := make([][]float64, n)
	for i := range n {
		edu, boys, imm := 1.5+r.Float64()*1.3, 0.4+r.Float64()*0.2, r.Float64()*0.2
		x[i] = []float64{edu, boys, imm}
		y[i] = 93.567 + 69.846*edu - 35.271*boys - 83.641*imm + r.NormFloat64()*17.34
	}
	names := []string{"parents_education", "share_boys", "share_newly_immigrated"}
	b.ResetTimer()
	for b.Loop() {
		f, err := OLS(y, x, names)
		if err != nil {
			b.Fatal(err)
		}
		for i := range n {
			f.Predict(x[i], 0.95)
		}
	}
}
