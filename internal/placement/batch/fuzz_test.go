package batch

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

// The readers' fuzz targets take one file each. FuzzReadInputs took all
// three at once and stalled at 0 execs/s for half a minute at a time
// (issue 12): the fuzzer minimizes every new interesting input before it
// reports the runs that took (up to -fuzzminimizetime, 60 s by default),
// and minimizing three strings of some hundred bytes, with every run
// parsing all three files, took that long. Rules files also took time
// that grew faster than their size (TOML nesting, the line of every
// unknown key: TestReadRulesBoundedTime). One input per target makes runs
// and minimization cheap; .ci/run also bounds -fuzzminimizetime.

// fuzzLimit is how long one run may take on any input a fuzzer makes.
const fuzzLimit = 2 * time.Second

// checkLineErrors fails unless err is nil or line errors naming the file,
// each on a line the input has (0: the whole file).
func checkLineErrors(t *testing.T, err error, name, in string) {
	t.Helper()
	if err == nil {
		return
	}
	var list []*LineError
	if errs, ok := errors.AsType[*Errors](err); ok {
		list = errs.List
		if len(list) == 0 || len(list) > MaxErrors {
			t.Fatalf("%d errors in a list", len(list))
		}
	} else if le, ok := errors.AsType[*LineError](err); ok {
		list = []*LineError{le}
	} else {
		t.Fatalf("not a line error: %v", err)
	}
	lines := strings.Count(in, "\n") + 1
	for _, le := range list {
		if le.File != name || le.Line < 0 || le.Line > lines || !strings.HasPrefix(le.Error(), name) {
			t.Fatalf("%q of %d lines: %v (file %q, line %d)", name, lines, le, le.File, le.Line)
		}
	}
}

func timed(t *testing.T, fn func()) {
	t.Helper()
	start := time.Now()
	fn()
	if d := time.Since(start); d > fuzzLimit {
		t.Fatalf("took %v", d)
	}
}

func FuzzReadSchools(f *testing.F) {
	f.Add(goodSchools)
	f.Add("school_id,name,lat,lon,year,capacity\nA,\"x\ny\",1,2,3,4\n")
	f.Add("\ufeffschool_id;name")
	f.Add("school_id,name,lat,lon,year,capacity\r\nA,x,57.7,11.9,0,10\r\nA,x,57.7,11.9,0,-1\r\n\"B")
	f.Fuzz(func(t *testing.T, in string) {
		timed(t, func() {
			s, err := ReadSchools(strings.NewReader(in), "schools.csv")
			checkLineErrors(t, err, "schools.csv", in)
			if err == nil && len(s) == 0 {
				t.Fatal("no schools and no error")
			}
		})
	})
}

func FuzzReadApplicants(f *testing.F) {
	schools, err := ReadSchools(strings.NewReader(goodSchools), "schools.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add("applicant_id,year,lat,lon,choices,siblings\np1,1,57.7,11.9,A;B,B\n")
	f.Add("applicant_id,year,lat,lon,choices,siblings\n,,,,;;,\n")
	f.Add("applicant_id,year,lat,lon,choices,siblings\np1,1,57.7,11.9,A;A;X,Q\np1,x,57.7,east,B,\n\"")
	f.Fuzz(func(t *testing.T, in string) {
		timed(t, func() {
			_, err := ReadApplicants(strings.NewReader(in), "applicants.csv", schools)
			checkLineErrors(t, err, "applicants.csv", in)
		})
	})
}

func FuzzReadRules(f *testing.F) {
	example, err := os.ReadFile("testdata/rules.example.toml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(example))
	f.Add("seed = 1\n")
	f.Add("[[near_home]]\nfrom=1\n")
	f.Add("criteria = [\"x\"]")
	f.Add("near_home = [{from = 0, to = 3, meters = 2000}]\n'''a\n''' # [[\n")
	f.Fuzz(func(t *testing.T, in string) {
		timed(t, func() {
			r, err := ReadRules(strings.NewReader(in), "rules.toml")
			checkLineErrors(t, err, "rules.toml", in)
			if err != nil {
				return
			}
			// What was read writes back to the same rules.
			r2, err := ReadRules(strings.NewReader(RulesTOML(r)), "again.toml")
			if err != nil || RulesTOML(r2) != RulesTOML(r) {
				t.Fatalf("round trip: %v\n%s", err, RulesTOML(r))
			}
		})
	})
}

func FuzzReadPoints(f *testing.F) {
	f.Add("id,lat,lon\np,57.7,11.9\n")
	f.Add("id,lat,lon\np,1,2\np,1,2\n")
	f.Add("\ufeffid,lat,lon\r\n\"p\"\"\",NaN,1e999\r\n")
	f.Fuzz(func(t *testing.T, in string) {
		timed(t, func() {
			_, err := ReadPoints(strings.NewReader(in), "points.csv")
			checkLineErrors(t, err, "points.csv", in)
		})
	})
}
