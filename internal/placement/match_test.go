package placement_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/placement"
)

// row is one applicant in a hand-made instance: year 1, choices in rank
// order, and distances to schools.
type row struct {
	id      string
	choices string // space-separated school IDs
	meters  map[string]float64
}

func instance(caps map[string]int, rows []row) ([]placement.School, []placement.Applicant, placement.Matrix) {
	var schools []placement.School
	for id, c := range caps {
		schools = append(schools, placement.School{ID: id, Name: "Skola " + id, Capacity: map[int]int{1: c}})
	}
	m := placement.Matrix{}
	var apps []placement.Applicant
	for _, r := range rows {
		apps = append(apps, placement.Applicant{ID: r.id, Year: 1, Choices: strings.Fields(r.choices)})
		for s, d := range r.meters {
			m.Set(r.id, s, d)
		}
	}
	return schools, apps, m
}

// absolute ranks purely by distance, so that a distance matrix can encode
// any textbook priority order: the nearer, the higher.
var absolute = placement.Rules{Criteria: []placement.Criterion{placement.AbsoluteProximity}, Seed: 1}

func placed(t *testing.T, res *placement.Result) map[string]string {
	t.Helper()
	got := map[string]string{}
	for _, p := range res.Placements {
		got[p.ApplicantID] = p.SchoolID
	}
	return got
}

func match(t *testing.T, schools []placement.School, apps []placement.Applicant, m placement.Distances, rules placement.Rules) *placement.Result {
	t.Helper()
	res, err := placement.Match(schools, apps, m, rules)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func wantPlaced(t *testing.T, res *placement.Result, want map[string]string) {
	t.Helper()
	got := placed(t, res)
	for a, s := range want {
		if got[a] != s {
			t.Errorf("%s placed at %q, want %q", a, got[a], s)
		}
	}
}

// TestDAEfficiencyExample is the example of Abdulkadiroğlu and Sönmez
// (2003) where deferred acceptance is stable but not Pareto efficient.
//
//	preferences          priorities
//	i1: s2 > s1 > s3     s1: i1 > i3 > i2
//	i2: s1 > s2 > s3     s2: i2 > i1 > i3
//	i3: s1 > s2 > s3     s3: i2 > i3 > i1
//
// Round 1: i1→s2 (held), i2→s1, i3→s1; s1 keeps i3, rejects i2.
// Round 2: i2→s2; s2 prefers i2 to i1, rejects i1.
// Round 3: i1→s1; s1 prefers i1 to i3, rejects i3.
// Round 4: i3→s2, rejected (i2 higher); i3→s3, held.
// Result i1–s1, i2–s2, i3–s3: i1 and i2 would rather swap, but doing so
// would let i3 justifiably envy i1 at s1.
func TestDAEfficiencyExample(t *testing.T) {
	schools, apps, m := instance(map[string]int{"s1": 1, "s2": 1, "s3": 1}, []row{
		{"i1", "s2 s1 s3", map[string]float64{"s1": 100, "s2": 200, "s3": 300}},
		{"i2", "s1 s2 s3", map[string]float64{"s1": 300, "s2": 100, "s3": 100}},
		{"i3", "s1 s2 s3", map[string]float64{"s1": 200, "s2": 300, "s3": 200}},
	})
	res := match(t, schools, apps, m, absolute)
	wantPlaced(t, res, map[string]string{"i1": "s1", "i2": "s2", "i3": "s3"})
	// i3's explanation: s1 and s2 were full with higher priority.
	p := res.Placements[2]
	if p.ChoiceRank != 3 || len(p.Declined) != 2 {
		t.Fatalf("i3: %+v", p)
	}
	d := p.Declined[0]
	if d.SchoolID != "s1" || d.Reason != placement.Outranked || d.Capacity != 1 || d.Applicants != 3 || d.FirstChoice != 2 ||
		d.Own.Meters != 200 || d.LastAdmitted == nil || d.LastAdmitted.Meters != 100 {
		t.Errorf("i3 declined at s1: %+v", d)
	}
}

// TestDAStudentOptimal is Gale and Shapley's (1962) cyclic example: each
// school ranks last the applicant who wants it most.
//
//	a: A > B > C    A: b > c > a
//	b: B > C > A    B: c > a > b
//	c: C > A > B    C: a > b > c
//
// Every applicant's first choice receives exactly one proposal in round
// 1, so all are held and the run ends: the student-optimal stable
// matching gives everyone their first choice (the school-optimal one
// would give everyone their second).
func TestDAStudentOptimal(t *testing.T) {
	schools, apps, m := instance(map[string]int{"A": 1, "B": 1, "C": 1}, []row{
		{"a", "A B C", map[string]float64{"A": 300, "B": 200, "C": 100}},
		{"b", "B C A", map[string]float64{"A": 100, "B": 300, "C": 200}},
		{"c", "C A B", map[string]float64{"A": 200, "B": 100, "C": 300}},
	})
	res := match(t, schools, apps, m, absolute)
	wantPlaced(t, res, map[string]string{"a": "A", "b": "B", "c": "C"})
	for _, p := range res.Placements {
		if p.ChoiceRank != 1 || len(p.Declined) != 0 {
			t.Errorf("%+v", p)
		}
	}
}

// TestDACapacities is a college-admissions example with a school of two
// places.
//
//	1: A > B > C    A (2 places): 4 > 3 > 2 > 1
//	2: A > B > C    B (1 place):  1 > 2 > 4 > 3
//	3: A > C > B    C (1 place):  1 > 2 > 3 > 4
//	4: B > A > C
//
// Round 1: 1, 2, 3 → A keeps {3, 2}, rejects 1; 4 → B held.
// Round 2: 1 → B; B prefers 1 to 4, rejects 4.
// Round 3: 4 → A; A keeps {4, 3}, rejects 2.
// Round 4: 2 → B, rejected (1 higher); 2 → C, held.
// Result 1–B, 2–C, 3–A, 4–A; A's cut-off is applicant 3 (200 m).
func TestDACapacities(t *testing.T) {
	schools, apps, m := instance(map[string]int{"A": 2, "B": 1, "C": 1}, []row{
		{"1", "A B C", map[string]float64{"A": 400, "B": 100, "C": 100}},
		{"2", "A B C", map[string]float64{"A": 300, "B": 200, "C": 200}},
		{"3", "A C B", map[string]float64{"A": 200, "B": 400, "C": 300}},
		{"4", "B A C", map[string]float64{"A": 100, "B": 300, "C": 400}},
	})
	res := match(t, schools, apps, m, absolute)
	wantPlaced(t, res, map[string]string{"1": "B", "2": "C", "3": "A", "4": "A"})
	ranks := map[string]int{"1": 2, "2": 3, "3": 1, "4": 2}
	for _, p := range res.Placements {
		if p.ChoiceRank != ranks[p.ApplicantID] || p.Fallback {
			t.Errorf("%s: rank %d fallback %v", p.ApplicantID, p.ChoiceRank, p.Fallback)
		}
	}
	a := res.Schools[0]
	if a.SchoolID != "A" || a.Capacity != 2 || a.FirstChoice != 3 || a.Applicants != 4 || a.Admitted != 2 ||
		a.LastAdmitted == nil || a.LastAdmitted.Meters != 200 {
		t.Errorf("A: %+v", a)
	}
	two := res.Placements[1].Declined
	if len(two) != 2 || two[1].SchoolID != "B" || two[1].LastAdmitted.Meters != 100 || two[1].Own.Meters != 200 {
		t.Errorf("2 declined: %+v", two)
	}
}

// relativeInstance: four applicants with the same home, each wishing one
// school. D is nearest but offers only year 2, so it never serves as
// alternative for year 1.
func relativeInstance(capA int) ([]placement.School, []placement.Applicant, placement.Matrix) {
	schools := []placement.School{
		{ID: "A", Capacity: map[int]int{1: capA}},
		{ID: "B", Capacity: map[int]int{1: 5}},
		{ID: "C", Capacity: map[int]int{1: 5}},
		{ID: "D", Capacity: map[int]int{2: 5}},
	}
	m := placement.Matrix{}
	var apps []placement.Applicant
	for _, s := range []string{"A", "B", "C"} {
		id := "p" + s
		apps = append(apps, placement.Applicant{ID: id, Year: 1, Choices: []string{s}})
		m.Set(id, "A", 500)
		m.Set(id, "B", 800)
		m.Set(id, "C", 1200)
		m.Set(id, "D", 100)
	}
	return schools, apps, m
}

func TestRelativeProximityScores(t *testing.T) {
	for _, tc := range []struct {
		name string
		alt  placement.Alternative
		capA int
		// per wished school: alternative and score
		want map[string]struct {
			alt   string
			score float64
		}
	}{
		// Nearest: A is nearest, so for A the alternative is the second
		// nearest, B: 800 − 500 = 300. For B and C it is A: 500 − 800 =
		// −300 and 500 − 1200 = −700.
		{"nearest", placement.Nearest, 1, map[string]struct {
			alt   string
			score float64
		}{"A": {"B", 300}, "B": {"A", -300}, "C": {"A", -700}}},
		// NearestWithRoom: A has 1 place and 1 first-choice applicant, so
		// it has no room and is skipped: for B the alternative is C,
		// 1200 − 800 = 400; for C it is B, 800 − 1200 = −400.
		{"with room", placement.NearestWithRoom, 1, map[string]struct {
			alt   string
			score float64
		}{"A": {"B", 300}, "B": {"C", 400}, "C": {"B", -400}}},
		// With 2 places A has room again and the result equals Nearest.
		{"with room, A not full", placement.NearestWithRoom, 2, map[string]struct {
			alt   string
			score float64
		}{"A": {"B", 300}, "B": {"A", -300}, "C": {"A", -700}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			schools, apps, m := relativeInstance(tc.capA)
			rules := placement.DefaultRules()
			rules.Alternative = tc.alt
			res := match(t, schools, apps, m, rules)
			for _, p := range res.Placements {
				w := tc.want[p.SchoolID]
				if p.Priority == nil || p.Priority.AlternativeID != w.alt || p.Priority.Relative != w.score || p.Priority.NoAlternative {
					t.Errorf("%s at %s: %+v, want alternative %s score %v", p.ApplicantID, p.SchoolID, p.Priority, w.alt, w.score)
				}
			}
		})
	}
}

func TestRelativeProximityNoAlternative(t *testing.T) {
	schools := []placement.School{{ID: "A", Capacity: map[int]int{1: 1}}, {ID: "B", Capacity: map[int]int{2: 1}}}
	m := placement.Matrix{}
	m.Set("x", "A", 900)
	m.Set("y", "A", 100)
	m.Set("y", "B", 50) // B does not offer year 1
	apps := []placement.Applicant{{ID: "x", Year: 1, Choices: []string{"A"}}, {ID: "y", Year: 1, Choices: []string{"A"}}}
	res := match(t, schools, apps, m, placement.DefaultRules())
	for _, p := range res.Placements {
		pr := p.Priority
		if pr == nil {
			pr = &p.Declined[0].Own
		}
		if !pr.NoAlternative || pr.Relative != 0 || pr.AlternativeID != "" {
			t.Errorf("%s: %+v", p.ApplicantID, pr)
		}
	}
	// Both without alternative: absolute proximity decides.
	wantPlaced(t, res, map[string]string{"y": "A"})
}

// TestRelativeBeatsAbsolute: x lives 1000 m from A but 3000 m from any
// other school (score 2000); y lives 300 m from A and 500 m from B (score
// 200). Under relative proximity x has the stronger claim to A, although
// y lives closer (HFD 2015 ref. 50); under absolute proximity y wins.
func TestRelativeBeatsAbsolute(t *testing.T) {
	schools, apps, m := instance(map[string]int{"A": 1, "B": 1}, []row{
		{"x", "A", map[string]float64{"A": 1000, "B": 3000}},
		{"y", "A", map[string]float64{"A": 300, "B": 500}},
	})
	wantPlaced(t, match(t, schools, apps, m, placement.DefaultRules()), map[string]string{"x": "A", "y": "B"})
	wantPlaced(t, match(t, schools, apps, m, absolute), map[string]string{"x": "B", "y": "A"})
}

func TestSiblingYears(t *testing.T) {
	schools := []placement.School{
		{ID: "A", Capacity: map[int]int{1: 1, 7: 1}},
		{ID: "B", Capacity: map[int]int{1: 1, 7: 1}},
	}
	m := placement.Matrix{}
	var apps []placement.Applicant
	for _, y := range []struct {
		prefix string
		year   int
	}{{"f", 1}, {"h", 7}} {
		near, sib := y.prefix+"-near", y.prefix+"-sibling"
		m.Set(near, "A", 100)
		m.Set(near, "B", 900)
		m.Set(sib, "A", 800)
		m.Set(sib, "B", 900)
		apps = append(apps,
			placement.Applicant{ID: near, Year: y.year, Choices: []string{"A"}},
			placement.Applicant{ID: sib, Year: y.year, Choices: []string{"A"}, Siblings: []string{"A"}})
	}
	rules := placement.DefaultRules()
	rules.Criteria = append([]placement.Criterion{placement.Sibling}, rules.Criteria...)
	rules.SiblingYears = []int{0, 1, 2, 3, 4, 5, 6} // F–6, as Göteborg
	res := match(t, schools, apps, m, rules)
	// Year 1: the sibling wins A despite a weaker relative claim;
	// year 7: no sibling priority, the nearer applicant wins.
	wantPlaced(t, res, map[string]string{"f-sibling": "A", "f-near": "B", "h-near": "A", "h-sibling": "B"})
}

func TestFallback(t *testing.T) {
	schools := []placement.School{
		{ID: "A", Capacity: map[int]int{1: 1}},
		{ID: "B", Capacity: map[int]int{1: 1, 2: 3}},
		{ID: "C", Capacity: map[int]int{1: 1}},
		{ID: "Z", Capacity: map[int]int{1: 0, 2: 1}},
	}
	m := placement.Matrix{}
	for _, a := range []string{"x", "y", "z", "w"} {
		m.Set(a, "A", 100)
		m.Set(a, "B", 200)
		m.Set(a, "C", 300)
		m.Set(a, "Z", 50)
	}
	m.Set("x", "A", 50) // x wins A
	apps := []placement.Applicant{
		{ID: "w", Year: 1, Choices: []string{"A"}},
		{ID: "x", Year: 1, Choices: []string{"A"}},
		{ID: "y", Year: 1, Choices: []string{"Z", "A"}},
		{ID: "z", Year: 1, Choices: []string{"A"}},
	}
	rules := placement.DefaultRules()
	rules.NearHome = []placement.NearHomeLimit{{From: 0, To: 3, Meters: 250}}
	res := match(t, schools, apps, m, rules)
	// w, y, z all lose A to x. Two seats remain (B at 200 m, C at 300 m)
	// and go to the two with the lowest lottery numbers, nearest first;
	// the third stays unplaced.
	order := []string{"w", "y", "z"}
	lot := func(id string) float64 { return placement.LotteryNumber(rules.Seed, id) }
	for i := 0; i < len(order); i++ {
		for j := i + 1; j < len(order); j++ {
			if lot(order[j]) < lot(order[i]) {
				order[i], order[j] = order[j], order[i]
			}
		}
	}
	want := map[string]string{"x": "A", order[0]: "B", order[1]: "C", order[2]: ""}
	wantPlaced(t, res, want)
	for _, p := range res.Placements {
		if p.ApplicantID == "x" {
			if p.Fallback || p.ChoiceRank != 1 || p.BeyondLimit {
				t.Errorf("x: %+v", p)
			}
			continue
		}
		if !p.Fallback || p.ChoiceRank != 0 || p.Priority != nil || p.NearHomeLimit != 250 {
			t.Errorf("%s: %+v", p.ApplicantID, p)
		}
		if beyond := p.SchoolID != "B"; p.BeyondLimit != beyond {
			t.Errorf("%s at %q: BeyondLimit %v", p.ApplicantID, p.SchoolID, p.BeyondLimit)
		}
		if p.ApplicantID == "y" {
			if len(p.Declined) != 2 || p.Declined[0].Reason != placement.NotOffered || p.Declined[0].LastAdmitted != nil ||
				p.Declined[1].Reason != placement.Outranked {
				t.Errorf("y declined: %+v", p.Declined)
			}
		}
	}
	for _, s := range res.Schools {
		if s.SchoolID == "B" && s.Year == 1 && (s.Fallbacks != 1 || s.Admitted != 0 || s.LastAdmitted != nil) {
			t.Errorf("B: %+v", s)
		}
	}
}

func TestInvalidInput(t *testing.T) {
	ok := func() ([]placement.School, []placement.Applicant, placement.Matrix) {
		schools, apps, m := instance(map[string]int{"A": 1}, []row{{"x", "A", map[string]float64{"A": 1}}})
		return schools, apps, m
	}
	for _, tc := range []struct {
		name   string
		break_ func(*[]placement.School, *[]placement.Applicant, placement.Matrix, *placement.Rules)
		want   string
	}{
		{"unknown school", func(_ *[]placement.School, a *[]placement.Applicant, _ placement.Matrix, _ *placement.Rules) {
			(*a)[0].Choices = []string{"Q"}
		}, `unknown school "Q"`},
		{"unknown sibling school", func(_ *[]placement.School, a *[]placement.Applicant, _ placement.Matrix, _ *placement.Rules) {
			(*a)[0].Siblings = []string{"Q"}
		}, `unknown sibling school "Q"`},
		{"duplicate applicant", func(_ *[]placement.School, a *[]placement.Applicant, _ placement.Matrix, _ *placement.Rules) {
			*a = append(*a, (*a)[0])
		}, `duplicate applicant "x"`},
		{"duplicate school", func(s *[]placement.School, _ *[]placement.Applicant, _ placement.Matrix, _ *placement.Rules) {
			*s = append(*s, (*s)[0])
		}, `duplicate school "A"`},
		{"chosen twice", func(_ *[]placement.School, a *[]placement.Applicant, _ placement.Matrix, _ *placement.Rules) {
			(*a)[0].Choices = []string{"A", "A"}
		}, "chosen twice"},
		{"negative capacity", func(s *[]placement.School, _ *[]placement.Applicant, _ placement.Matrix, _ *placement.Rules) {
			(*s)[0].Capacity[1] = -1
		}, "negative capacity"},
		{"missing distance", func(_ *[]placement.School, _ *[]placement.Applicant, m placement.Matrix, _ *placement.Rules) {
			delete(m["x"], "A")
		}, "no valid distance"},
		{"negative distance", func(_ *[]placement.School, _ *[]placement.Applicant, m placement.Matrix, _ *placement.Rules) {
			m.Set("x", "A", -1)
		}, "no valid distance"},
		{"criterion twice", func(_ *[]placement.School, _ *[]placement.Applicant, _ placement.Matrix, r *placement.Rules) {
			r.Criteria = []placement.Criterion{placement.Lottery, placement.Lottery}
		}, "listed twice"},
		{"overlapping limits", func(_ *[]placement.School, _ *[]placement.Applicant, _ placement.Matrix, r *placement.Rules) {
			r.NearHome = []placement.NearHomeLimit{{0, 3, 2000}, {3, 6, 4000}}
		}, "overlap"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, a, m := ok()
			r := placement.DefaultRules()
			tc.break_(&s, &a, m, &r)
			_, err := placement.Match(s, a, m, r)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
}

func TestLotteryNumber(t *testing.T) {
	a, b := placement.LotteryNumber(1, "x"), placement.LotteryNumber(1, "x")
	if a != b || a < 0 || a >= 1 {
		t.Errorf("%v %v", a, b)
	}
	if placement.LotteryNumber(2, "x") == a || placement.LotteryNumber(1, "y") == a {
		t.Error("lottery ignores seed or ID")
	}
}

// TestTieAtResolutionGoesToTheNextCriterion is issue 20's case from Krems:
// pupils whose relative proximities differ only in the 13th significant
// digit. At the resolution (whole metres) they tie, so absolute proximity
// decides, and between two pupils at the same distance the lottery —
// whatever the distance engine's last digits say.
func TestTieAtResolutionGoesToTheNextCriterion(t *testing.T) {
	m := placement.Matrix{}
	// near lives 1,686 m from S01, far 1,869 m; both leave through the same
	// corner, so their relative proximities are the same 3,380.497… m, but
	// far's came out a few ulps larger. twin lives in near's building.
	m.Set("near", "S01", 1686.4011)
	m.Set("near", "S02", 1686.4011+3380.4979655942393)
	m.Set("twin", "S01", 1686.4011+1e-9)
	m.Set("twin", "S02", 1686.4011+3380.4979655942398)
	m.Set("far", "S01", 1869.2036)
	m.Set("far", "S02", 1869.2036+3380.4979655942398)
	raw := func(id string) float64 { return m[id]["S02"] - m[id]["S01"] }
	if !(raw("far") > raw("near")) {
		t.Fatalf("the example needs far's raw relative proximity above near's: %v, %v", raw("far"), raw("near"))
	}
	schools := []placement.School{{ID: "S01", Capacity: map[int]int{1: 1}}, {ID: "S02", Capacity: map[int]int{1: 5}}}
	apps := []placement.Applicant{{ID: "near", Year: 1, Choices: []string{"S01"}}, {ID: "twin", Year: 1, Choices: []string{"S01"}},
		{ID: "far", Year: 1, Choices: []string{"S01"}}}
	rules := placement.DefaultRules()
	res := match(t, schools, apps, m, rules)
	winner, loser := "near", "twin"
	if placement.LotteryNumber(rules.Seed, "twin") < placement.LotteryNumber(rules.Seed, "near") {
		winner, loser = loser, winner
	}
	wantPlaced(t, res, map[string]string{winner: "S01", loser: "S02", "far": "S02"})
	for _, p := range res.Placements {
		// Every choice's priority and the lottery number are in the
		// result, also for the pupil placed at the first choice.
		if len(p.Choices) != 1 || p.Choices[0].SchoolID != "S01" || !p.Choices[0].Offered || p.Choices[0].Priority.Relative != 3380 ||
			p.Lottery != placement.LotteryNumber(rules.Seed, p.ApplicantID) {
			t.Errorf("%s: choices %+v, lottery %v", p.ApplicantID, p.Choices, p.Lottery)
		}
		if p.ApplicantID == winner {
			continue
		}
		// Relative proximity is the difference rounded to whole metres:
		// 3,380.497… m is 3,380 m for all three (the rounded distances
		// 5,067 − 1,686 and 5,250 − 1,869 would say 3,381).
		d := p.Declined[0]
		if d.Own.Relative != 3380 || d.LastAdmitted.Relative != 3380 || d.LastAdmitted.Meters != 1686 || d.LastAdmitted.AlternativeMeters != 5067 {
			t.Errorf("%s: priorities not at whole metres: own %+v, last admitted %+v", p.ApplicantID, d.Own, *d.LastAdmitted)
		}
		c, tied := rules.Decisive(d.Own, *d.LastAdmitted)
		want, wantTied := placement.AbsoluteProximity, []placement.Criterion{placement.RelativeProximity}
		if p.ApplicantID == loser {
			want, wantTied = placement.Lottery, []placement.Criterion{placement.RelativeProximity, placement.AbsoluteProximity}
		}
		if c != want || !slices.Equal(tied, wantTied) {
			t.Errorf("%s: decisive %v after ties %v, want %v after %v", p.ApplicantID, c, tied, want, wantTied)
		}
	}
}

func TestResolutionSteps(t *testing.T) {
	r := placement.DefaultRules()
	for _, tc := range []struct {
		res, in, want float64
	}{
		{1, 1686.4999, 1686}, {1, 1686.5, 1687}, {1, 3380.4979655942398, 3380}, {1, 0.4, 0},
		{0.5, 10.26, 10.5}, {0.5, 10.24, 10}, {0.1, 168.64, 168.6}, {10, 1865, 1870}, {10, 1864.9, 1860},
		{0, 2.5, 3}, // 0: the default, whole metres
	} {
		r.Resolution = tc.res
		if got := r.AtResolution(tc.in); got != tc.want {
			t.Errorf("%v m at %v m: %v, want %v", tc.in, tc.res, got, tc.want)
		}
	}
	for _, bad := range []float64{-1, 0.001, 101, math.NaN(), math.Inf(1)} {
		r.Resolution = bad
		if err := r.Validate(); err == nil {
			t.Errorf("resolution %v accepted", bad)
		}
	}
}

// TestDecisiveNamesTiesInOrder: the criteria before the decisive one are
// the ties; the lottery decides last even when not listed; equal on
// everything is 0 (the applicant ID decides).
func TestDecisiveNamesTiesInOrder(t *testing.T) {
	r := placement.DefaultRules()
	a := placement.Priority{Relative: 300, AlternativeMeters: 900, Meters: 600.2, Lottery: 0.1}
	b := placement.Priority{Relative: 300, AlternativeMeters: 900, Meters: 599.9, Lottery: 0.2}
	if c, tied := r.Decisive(a, b); c != placement.Lottery || len(tied) != 2 || r.Compare(a, b) <= 0 {
		t.Errorf("decisive %v, tied %v, compare %d", c, tied, r.Compare(a, b))
	}
	r.Criteria = []placement.Criterion{placement.AbsoluteProximity}
	if c, tied := r.Decisive(a, b); c != placement.Lottery || len(tied) != 1 {
		t.Errorf("unlisted lottery: decisive %v, tied %v", c, tied)
	}
	b.Lottery = a.Lottery
	if c, _ := r.Decisive(a, b); c != 0 || r.Compare(a, b) != 0 {
		t.Errorf("equal: decisive %v, compare %d", c, r.Compare(a, b))
	}
}
