package batch

import (
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/placement/walknet"
)

// GenOptions configures GenerateInputs: a generated city with schools and
// applicants, for benchmarks, tests and demos. No real data is involved.
type GenOptions struct {
	City       walknet.CityOptions // its Schools is the number of schools
	Applicants int
	Years      []int // year groups (default 0, 1, 2)
	Choices    int   // choices per applicant, among the nearest schools (default 3)
	Seed       int64
}

// GenerateInputs builds a city and fictional schools and applicants on it:
// schools from the city's amenity=school nodes with 12–30 places per year
// group, applicants at random homes in the city with their choices among
// the 8 schools nearest home (straight line), some with siblings.
func GenerateInputs(o GenOptions) (*walknet.City, []School, []Applicant) {
	if len(o.Years) == 0 {
		o.Years = []int{0, 1, 2}
	}
	if o.Choices <= 0 {
		o.Choices = 3
	}
	city := walknet.GenerateCity(o.City)
	rng := rand.New(rand.NewPCG(uint64(o.Seed), 0x9e17))
	var schools []School
	for i, p := range city.Graph.Schools() {
		s := School{ID: fmt.Sprintf("S%03d", i+1), Name: p.Name, Lat: p.Point.Lat, Lon: p.Point.Lon, Capacity: map[int]int{}, File: "schools.csv"}
		if s.Name == "" {
			s.Name = "Skola " + s.ID
		}
		for _, y := range o.Years {
			s.Capacity[y] = 12 + rng.IntN(19)
		}
		schools = append(schools, s)
	}
	homes := city.RandomPoints(o.Applicants, o.Seed)
	apps := make([]Applicant, len(homes))
	type cand struct {
		id string
		d  float64
	}
	cands := make([]cand, len(schools))
	for i, h := range homes {
		for j, s := range schools {
			cands[j] = cand{s.ID, walknet.StraightLine(h, walknet.Point{Lat: s.Lat, Lon: s.Lon})}
		}
		slices.SortFunc(cands, func(a, b cand) int {
			switch {
			case a.d < b.d:
				return -1
			case a.d > b.d:
				return 1
			}
			return strings.Compare(a.id, b.id)
		})
		near := cands[:min(8, len(cands))]
		a := Applicant{ID: fmt.Sprintf("A%06d", i+1), Year: o.Years[rng.IntN(len(o.Years))], Lat: h.Lat, Lon: h.Lon, File: "applicants.csv"}
		for _, k := range rng.Perm(len(near))[:min(o.Choices, len(near))] {
			a.Choices = append(a.Choices, near[k].id)
		}
		// Most families rank the nearest school first.
		if rng.Float64() < 0.6 && !slices.Contains(a.Choices[:1], near[0].id) {
			a.Choices = slices.DeleteFunc(a.Choices, func(s string) bool { return s == near[0].id })
			a.Choices = append([]string{near[0].id}, a.Choices...)
			a.Choices = a.Choices[:min(o.Choices, len(a.Choices))]
		}
		if rng.Float64() < 0.15 {
			a.Siblings = []string{near[rng.IntN(len(near))].id}
		}
		apps[i] = a
	}
	return city, schools, apps
}

// WriteSchools writes schools in the schools.csv format, one row per
// school and year group.
func WriteSchools(w io.Writer, schools []School) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(schoolsHeader)
	for _, s := range schools {
		years := make([]int, 0, len(s.Capacity))
		for y := range s.Capacity {
			years = append(years, y)
		}
		slices.Sort(years)
		for _, y := range years {
			_ = cw.Write([]string{s.ID, s.Name, strconv.FormatFloat(s.Lat, 'f', 7, 64), strconv.FormatFloat(s.Lon, 'f', 7, 64),
				strconv.Itoa(y), strconv.Itoa(s.Capacity[y])})
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteApplicants writes applicants in the applicants.csv format.
func WriteApplicants(w io.Writer, apps []Applicant) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(applicantsHeader)
	for _, a := range apps {
		_ = cw.Write([]string{a.ID, strconv.Itoa(a.Year), strconv.FormatFloat(a.Lat, 'f', 7, 64), strconv.FormatFloat(a.Lon, 'f', 7, 64),
			strings.Join(a.Choices, ";"), strings.Join(a.Siblings, ";")})
	}
	cw.Flush()
	return cw.Error()
}
