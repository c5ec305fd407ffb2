package placement

import (
	"strings"
	"testing"
)

// TestSelfCheckUsesTheSameComparison: x and y tie at the resolution on
// every criterion before the lottery (their distances differ by 1e-9 m),
// and x has the better lottery number. A result that gives the one seat
// to y must fail the self-check, although y lives a billionth of a metre
// nearer: the check compares as the matching does.
func TestSelfCheckUsesTheSameComparison(t *testing.T) {
	rules := DefaultRules()
	ids := []string{"a", "b"}
	if LotteryNumber(rules.Seed, ids[1]) < LotteryNumber(rules.Seed, ids[0]) {
		ids[0], ids[1] = ids[1], ids[0]
	}
	x, y := ids[0], ids[1] // x has the lower (better) lottery number
	m := Matrix{}
	m.Set(x, "A", 500+1e-9)
	m.Set(x, "B", 900)
	m.Set(y, "A", 500)
	m.Set(y, "B", 900)
	schools := []School{{ID: "A", Capacity: map[int]int{1: 1}}, {ID: "B", Capacity: map[int]int{1: 1}}}
	apps := []Applicant{{ID: x, Year: 1, Choices: []string{"A", "B"}}, {ID: y, Year: 1, Choices: []string{"A", "B"}}}

	r := &run{rules: rules, dist: m, byID: map[string]int{}, seats: map[[2]int]*seat{}, offer: map[int][]int{}}
	if err := r.load(schools, apps); err != nil {
		t.Fatal(err)
	}
	r.prioritize()
	r.accept()
	r.fallback()
	if err := r.check(); err != nil {
		t.Fatalf("the matching's own result fails: %v", err)
	}
	xi, yi := 0, 1
	if r.apps[0].ID != x {
		xi, yi = 1, 0
	}
	// Give A to y and B to x.
	a, b := r.apps[xi].seats[0], r.apps[xi].seats[1]
	a.held, b.held = []int{yi}, []int{xi}
	a.last, b.last = yi, xi
	r.apps[xi].held, r.apps[yi].held = 1, 0
	err := r.check()
	if err == nil || !strings.Contains(err.Error(), "lost school \"A\" to \""+y+"\"") {
		t.Fatalf("self-check passed a seat given to the worse lottery number: %v", err)
	}
}
