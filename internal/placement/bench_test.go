package placement_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/placement"
)

// BenchmarkMatch: 10,000 applicants in years F–9, 150 schools spread over
// a 10 × 10 km city, each applicant choosing 3 of their 6 nearest schools;
// distances are straight lines times a random detour factor 1.1–1.6, for
// every applicant and school (1.5 million entries in a Matrix).
func BenchmarkMatch(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 7))
	type pt struct{ x, y float64 }
	const nSchools, nApps = 150, 10_000
	schools := make([]placement.School, nSchools)
	pos := make([]pt, nSchools)
	for s := range schools {
		caps := map[int]int{}
		for y := 0; y <= 9; y++ {
			caps[y] = 4 + r.IntN(7) // 4–10 places: about 1,050 per year group for about 1,000 applicants
		}
		schools[s] = placement.School{ID: fmt.Sprintf("S%03d", s), Capacity: caps}
		pos[s] = pt{r.Float64() * 10_000, r.Float64() * 10_000}
	}
	m := placement.Matrix{}
	apps := make([]placement.Applicant, nApps)
	order := make([]int, nSchools)
	for a := range apps {
		id := fmt.Sprintf("A%05d", a)
		home := pt{r.Float64() * 10_000, r.Float64() * 10_000}
		d := make([]float64, nSchools)
		for s := range schools {
			d[s] = math.Round(math.Hypot(home.x-pos[s].x, home.y-pos[s].y) * (1.1 + 0.5*r.Float64()))
			m.Set(id, schools[s].ID, d[s])
			order[s] = s
		}
		slices.SortFunc(order, func(i, j int) int { return int(d[i] - d[j]) })
		near := slices.Clone(order[:6])
		r.Shuffle(len(near), func(i, j int) { near[i], near[j] = near[j], near[i] })
		choices := make([]string, 3)
		for k := range choices {
			choices[k] = schools[near[k]].ID
		}
		apps[a] = placement.Applicant{ID: id, Year: r.IntN(10), Choices: choices}
	}
	rules := placement.DefaultRules()
	b.ReportAllocs()
	var res *placement.Result
	for b.Loop() {
		var err error
		if res, err = placement.Match(schools, apps, m, rules); err != nil {
			b.Fatal(err)
		}
	}
	first, fallback, unplaced := 0, 0, 0
	for _, p := range res.Placements {
		switch {
		case p.ChoiceRank == 1:
			first++
		case p.SchoolID == "":
			unplaced++
		case p.Fallback:
			fallback++
		}
	}
	b.ReportMetric(float64(first)/nApps, "first-choice-share")
	b.ReportMetric(float64(fallback), "fallbacks")
	b.ReportMetric(float64(unplaced), "unplaced")
}
