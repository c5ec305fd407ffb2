package batch

import (
	"strings"
	"testing"
)

// The readers never panic and either return data or an error naming the file.
func FuzzReadInputs(f *testing.F) {
	f.Add(goodSchools, "applicant_id,year,lat,lon,choices,siblings\np1,1,57.7,11.9,A;B,B\n", "seed = 1\n")
	f.Add("school_id,name,lat,lon,year,capacity\nA,\"x\ny\",1,2,3,4\n", "applicant_id,year,lat,lon,choices,siblings\n,,,,;;,\n", "[[near_home]]\nfrom=1\n")
	f.Add("\ufeffschool_id;name", "\"", "criteria = [\"x\"]")
	f.Fuzz(func(t *testing.T, schools, apps, rules string) {
		s, err := ReadSchools(strings.NewReader(schools), "schools.csv")
		if err != nil && !strings.HasPrefix(err.Error(), "schools.csv") {
			t.Fatalf("error without the file: %v", err)
		}
		if err == nil && len(s) == 0 {
			t.Fatal("no schools and no error")
		}
		if _, err := ReadApplicants(strings.NewReader(apps), "applicants.csv", s); err != nil && !strings.HasPrefix(err.Error(), "applicants.csv") {
			t.Fatalf("error without the file: %v", err)
		}
		if _, err := ReadRules(strings.NewReader(rules), "rules.toml"); err != nil && !strings.HasPrefix(err.Error(), "rules.toml") {
			t.Fatalf("error without the file: %v", err)
		}
	})
}
