package main

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func parseOut(t *testing.T, out string) map[string][]float64 {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != "id,actual,expected,residual,lower,upper" {
		t.Fatalf("header %v", recs[0])
	}
	m := map[string][]float64{}
	for _, r := range recs[1:] {
		for _, s := range r[1:] {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatal(err)
			}
			m[r[0]] = append(m[r[0]], v)
		}
	}
	return m
}

// TestAnalyseAdjustedOLS uses the hand-computed case of the stats tests:
// x = 1..4, y = 2,4,5,8 → b0 = 0, b1 = 1.9, s² = 0.35, df = 2. For unit u1
// (x = 1): fitted 1.9, residual 0.1, leverage 1/4 + (1−2.5)²/5 = 0.7, so
// the interval is 1.9 ± t(0.975, 2)·√(0.35·1.7); R² = 1 − 0.7/18.75.
func TestAnalyseAdjustedOLS(t *testing.T) {
	in := writeTemp(t, "units.csv", "\ufeffunit,merit,edu\nu1,2,1\nu2,4,2\nu5,..,3\nu3,5,3\nu6,7,\nu4,8,4\n")
	code, out, errOut := runCmd(t, "", "analyse", "adjusted", "--input", in, "--id", "unit", "--outcome", "merit", "--predictors", "edu")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	m := parseOut(t, out)
	if len(m) != 4 || m["u5"] != nil || m["u6"] != nil {
		t.Fatalf("rows %v", m)
	}
	half := 4.302652729911275 * math.Sqrt(0.35*1.7)
	want := []float64{2, 1.9, 0.1, 1.9 - half, 1.9 + half}
	for i, w := range want {
		if math.Abs(m["u1"][i]-w) > 1e-4 {
			t.Errorf("u1 column %d = %v, want %v", i, m["u1"][i], w)
		}
	}
	for _, s := range []string{"n: 4", "skipped for missing values: 2", "R²: 0.9627", "edu,1.9000"} {
		if !strings.Contains(errOut, s) {
			t.Errorf("stderr lacks %q:\n%s", s, errOut)
		}
	}
}

// TestAnalyseAdjustedSALSA applies the published 2015/16 coefficients to a
// semicolon file with decimal commas: 93.567 + 69.846·2.2 − 35.271·0.51 −
// 83.641·0.06 = 224.22153, interval ± 1.959964·17.34.
func TestAnalyseAdjustedSALSA(t *testing.T) {
	in := writeTemp(t, "salsa.csv", "Skolenhet;Meritvärde;Föräldrar;Pojkar;Nyinvandrade\n12345678;230,0;2,2;0,51;0,06\n87654321;.;2,0;0,5;0,1\n")
	code, out, errOut := runCmd(t, "", "analyse", "adjusted", "--input", in, "--id", "Skolenhet", "--outcome", "Meritvärde",
		"--predictors", "Föräldrar,Pojkar,Nyinvandrade", "--model", "salsa2016", "--level", "0.95")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	m := parseOut(t, out)
	r := m["12345678"]
	half := 1.959963984540054 * 17.34
	for i, w := range []float64{230, 224.22153, 230 - 224.22153, 224.22153 - half, 224.22153 + half} {
		if math.Abs(r[i]-w) > 1e-4 {
			t.Errorf("column %d = %v, want %v", i, r[i], w)
		}
	}
	if len(m) != 1 || !strings.Contains(errOut, "skipped for missing values: 1") {
		t.Errorf("rows %v, stderr %s", m, errOut)
	}
}

func TestAnalyseAdjustedErrors(t *testing.T) {
	in := writeTemp(t, "units.csv", "unit,merit,edu\nu1,2,1\nu2,4,2\nu3,5,3\nu4,8,4\n")
	junk := writeTemp(t, "junk.csv", "unit,merit,edu\nu1,2,1\nu2,4,2\nu3,abc,3\nu4,8,4\n")
	few := writeTemp(t, "few.csv", "unit,merit,edu\nu1,2,1\nu2,4,2\n")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"bad outcome column", []string{"--input", in, "--id", "unit", "--outcome", "meritvarde", "--predictors", "edu"}, 2, `no column "meritvarde" (given by --outcome)`},
		{"bad predictor column", []string{"--input", in, "--id", "unit", "--outcome", "merit", "--predictors", "edu,boys"}, 2, `no column "boys" (given by --predictors)`},
		{"bad id column", []string{"--input", in, "--id", "kod", "--outcome", "merit", "--predictors", "edu"}, 2, `no column "kod"`},
		{"no predictors", []string{"--input", in, "--id", "unit", "--outcome", "merit"}, 2, "--predictors"},
		{"bad level", []string{"--input", in, "--id", "unit", "--outcome", "merit", "--predictors", "edu", "--level", "95"}, 2, "--level"},
		{"bad model", []string{"--input", in, "--id", "unit", "--outcome", "merit", "--predictors", "edu", "--model", "x"}, 2, "--model"},
		{"salsa needs three", []string{"--input", in, "--id", "unit", "--outcome", "merit", "--predictors", "edu", "--model", "salsa2016"}, 2, "exactly 3"},
		{"junk value", []string{"--input", junk, "--id", "unit", "--outcome", "merit", "--predictors", "edu"}, 1, `line 4, column "merit": not a number: "abc"`},
		{"too few rows", []string{"--input", few, "--id", "unit", "--outcome", "merit", "--predictors", "edu"}, 1, "too few observations"},
		{"missing file", []string{"--input", in + ".nope", "--id", "unit", "--outcome", "merit", "--predictors", "edu"}, 1, "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCmd(t, "", append([]string{"analyse", "adjusted"}, tc.args...)...)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d (want %d), stderr %q lacks %q", code, tc.code, errOut, tc.want)
			}
			if out != "" {
				t.Errorf("stdout on error: %q", out)
			}
		})
	}
	if code, _, _ := runCmd(t, "", "analyse"); code != 2 {
		t.Errorf("bare analyse: exit %d", code)
	}
}
