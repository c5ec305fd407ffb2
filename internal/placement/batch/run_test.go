package batch

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/placement"
	"github.com/styrkedjan/styrkedjan/internal/placement/explain"
	"github.com/styrkedjan/styrkedjan/internal/placement/walknet"
)

// riverCity is a generated city, 30 × 20 blocks of 100 m, with a river
// between x = 900 m and x = 1100 m crossed by bridges at y = 700 m and
// y = 2200 m, schools on both banks and applicants on grid corners of both
// banks: half wish their nearest school on their own bank (straight line),
// half wish nothing and are placed by the fallback rule.
func riverCity(t testing.TB) (*walknet.City, []School, []Applicant) {
	city := walknet.GenerateCity(walknet.CityOptions{Seed: 7, Rows: 30, Cols: 20, SpacingMeters: 100, Bridges: 2})
	o := city.Options.Origin
	ky := 6371008.8 * math.Pi / 180
	kx := ky * math.Cos(o.Lat*math.Pi/180)
	at := func(x, y float64) (float64, float64) { return o.Lat + y/ky, o.Lon + x/kx }
	var schools []School
	for i, xy := range [][2]float64{
		{450, 700}, {450, 2300}, // west bank, far from the river's middle
		{1150, 1500},              // east bank, just across the river's middle
		{1550, 700}, {1550, 2300}, // east bank
		{1750, 1500},
	} {
		lat, lon := at(xy[0], xy[1])
		cap := 45
		if i == 2 {
			cap = 12 // over-subscribed when the west bank's pupils may compete for it
		}
		schools = append(schools, School{ID: fmt.Sprintf("S%d", i+1), Name: fmt.Sprintf("Skola %d", i+1), Lat: lat, Lon: lon,
			Capacity: map[int]int{1: cap}, File: "schools.csv", Line: i + 2})
	}
	var apps []Applicant
	for _, x := range []float64{100, 300, 500, 700, 900, 1100, 1300, 1500, 1700, 1900} {
		for y := 100.0; y < 3000; y += 200 {
			lat, lon := at(x, y)
			a := Applicant{ID: fmt.Sprintf("P%04.0f%04.0f", x, y), Year: 1, Lat: lat, Lon: lon, File: "applicants.csv", Line: len(apps) + 2}
			if len(apps)%2 == 0 {
				best, bestD := "", math.Inf(1)
				for _, s := range schools {
					p, q := walknet.Point{Lat: lat, Lon: lon}, walknet.Point{Lat: s.Lat, Lon: s.Lon}
					if d := walknet.StraightLine(p, q); city.Side(p) == city.Side(q) && d < bestD {
						best, bestD = s.ID, d
					}
				}
				a.Choices = []string{best}
			}
			apps = append(apps, a)
		}
	}
	return city, schools, apps
}

// acrossWithRoomAtHome counts the pupils placed at a school across the
// river that they did not ask for, while a school on their own bank
// offering their year still had a free place after the run (so it had one
// when they were placed: places only fill up).
func acrossWithRoomAtHome(t *testing.T, city *walknet.City, schools []School, apps []Applicant, o *Output) []string {
	side := map[string]int{}
	for _, s := range schools {
		side[s.ID] = city.Side(walknet.Point{Lat: s.Lat, Lon: s.Lon})
	}
	room := map[string]int{}
	for _, sy := range o.Result.Schools {
		room[sy.SchoolID] += sy.Capacity - sy.Admitted - sy.Fallbacks
		if sy.Capacity-sy.Admitted-sy.Fallbacks < 0 {
			t.Fatalf("%s over capacity", sy.SchoolID)
		}
	}
	byID := map[string]Applicant{}
	for _, a := range apps {
		byID[a.ID] = a
	}
	var bad []string
	for _, p := range o.Result.Placements {
		a := byID[p.ApplicantID]
		home := city.Side(walknet.Point{Lat: a.Lat, Lon: a.Lon})
		if p.SchoolID == "" || side[p.SchoolID] == home || slices.Contains(a.Choices, p.SchoolID) {
			continue
		}
		for _, s := range schools {
			if side[s.ID] == home && s.Capacity[a.Year] > 0 && room[s.ID] > 0 {
				bad = append(bad, fmt.Sprintf("%s at %s (room at %s)", p.ApplicantID, p.SchoolID, s.ID))
				break
			}
		}
	}
	return bad
}

func TestRiver(t *testing.T) {
	city, schools, apps := riverCity(t)
	ctx := context.Background()
	var seen []Progress
	walk, err := Run(ctx, Input{Graph: city.Graph, Schools: schools, Applicants: apps, Rules: placement.DefaultRules()}, func(p Progress) { seen = append(seen, p) })
	if err != nil {
		t.Fatal(err)
	}
	checkProgress(t, seen, []Stage{StageSnapping, StageDistances, StageMatching, StageExplaining, StageDone})
	straight, err := Run(ctx, Input{Schools: schools, Applicants: apps, Rules: placement.DefaultRules(), Straight: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if bad := acrossWithRoomAtHome(t, city, schools, apps, walk); len(bad) > 0 {
		t.Errorf("walking: %d pupils placed across the river with room at home: %v", len(bad), bad)
	}
	bad := acrossWithRoomAtHome(t, city, schools, apps, straight)
	if len(bad) == 0 {
		t.Errorf("straight lines: no pupil placed across the river with room at home; the test city shows nothing")
	}
	t.Logf("straight lines: %d pupils placed across the river with room at home, e.g. %v", len(bad), bad[:min(3, len(bad))])
	if walk.Summary.NetworkHash != city.Graph.Hash() || walk.Summary.Attribution == "" || straight.Summary.NetworkHash != "" {
		t.Errorf("summary: hash %q attribution %q", walk.Summary.NetworkHash, walk.Summary.Attribution)
	}
	// What-if: fewer places at S3 moves pupils; Diff names them, and the
	// rerun reuses the distances.
	s2 := slices.Clone(schools)
	s2[2].Capacity = map[int]int{1: 4}
	again, err := Run(ctx, Input{Schools: s2, Applicants: apps, Rules: placement.DefaultRules(), Distances: walk.Distances}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if again.Distances != walk.Distances {
		t.Error("the what-if did not reuse the distances")
	}
	// Moved schools are not measured with the old distances.
	s3 := slices.Clone(schools)
	s3[0].Lat += 0.001
	moved3, err := Run(ctx, Input{Graph: city.Graph, Schools: s3, Applicants: apps, Rules: placement.DefaultRules(), Distances: walk.Distances}, nil)
	if err != nil || moved3.Distances == walk.Distances {
		t.Errorf("moved school: %v, distances reused", err)
	}
	changes := Diff(walk, again)
	moved := 0
	for _, p := range walk.Result.Placements {
		for _, q := range again.Result.Placements {
			if p.ApplicantID == q.ApplicantID && (p.SchoolID != q.SchoolID || p.ChoiceRank != q.ChoiceRank) {
				moved++
			}
		}
	}
	if moved == 0 || len(changes) != moved {
		t.Errorf("what-if: %d changes, %d moved", len(changes), moved)
	}
	for _, c := range changes {
		if c.FromSchool == c.ToSchool && c.FromRank == c.ToRank {
			t.Errorf("change without a change: %+v", c)
		}
	}
}

// TestExplanationsMatchTheDecision parses the structured part of every
// explanation back and compares it with the decision's data, and checks
// that the texts carry the same numbers.
func TestExplanationsMatchTheDecision(t *testing.T) {
	// Every message the explanations ask for exists in its language (the
	// catalog records those it lacks).
	catalog, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	catalog.RecordMissing()
	defer func() {
		if missing := catalog.Missing(); len(missing) > 0 {
			t.Errorf("messages the explanations asked for but the catalogs lack: %v", missing)
		}
	}()
	city, schools, apps := riverCity(t)
	rules := placement.DefaultRules()
	rules.Criteria = []placement.Criterion{placement.Sibling, placement.RelativeProximity, placement.AbsoluteProximity, placement.Lottery}
	rules.NearHome = []placement.NearHomeLimit{{From: 0, To: 3, Meters: 700}}
	rules.Seed = 42
	// A school that does not take year 1 but is wished anyway.
	schools = append(schools, School{ID: "S7", Name: "Sjuan", Lat: schools[0].Lat, Lon: schools[0].Lon, Capacity: map[int]int{0: 20}, File: "schools.csv", Line: 9})
	for i := range apps {
		if i%7 == 0 {
			apps[i].Choices = append([]string{"S3", "S7"}, slices.DeleteFunc(slices.Clone(apps[i].Choices), func(s string) bool { return s == "S3" })...)
		}
	}
	o, err := Run(context.Background(), Input{Graph: city.Graph, Schools: schools, Applicants: apps, Rules: rules}, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := o.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, ExplanationsFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	byID := map[string]placement.Placement{}
	for _, p := range o.Result.Placements {
		byID[p.ApplicantID] = p
	}
	n, outranked, notOffered, beyond := 0, 0, 0, 0
	for sc.Scan() {
		var e explain.Explanation
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		n++
		p, ok := byID[e.ApplicantID]
		if !ok {
			t.Fatalf("explanation for unknown %q", e.ApplicantID)
		}
		if e.SchoolID != p.SchoolID || e.ChoiceRank != p.ChoiceRank || e.Meters != p.Meters || e.Fallback != p.Fallback || len(e.Declined) != len(p.Declined) {
			t.Fatalf("%s: explanation %+v, decision %+v", e.ApplicantID, e, p)
		}
		if e.Text.SV == "" || e.Text.EN == "" || e.Text.SVEasy == "" || e.Text.SV == e.Text.SVEasy {
			t.Fatalf("%s: texts %+v", e.ApplicantID, e.Text)
		}
		for _, txt := range []string{e.Text.SV, e.Text.EN, e.Text.SVEasy} {
			if strings.Contains(txt, "placement.explain") || strings.Contains(txt, "placement.easy") || strings.Contains(txt, "placement.value") || strings.Contains(txt, "<no value>") {
				t.Fatalf("%s: a message is missing: %s", e.ApplicantID, txt)
			}
		}
		// The pupil's own lottery number and priority at every choice.
		if e.Lottery != placement.LotteryNumber(rules.Seed, e.ApplicantID) || e.ResolutionMeters != 1 || len(e.Choices) != len(p.Choices) {
			t.Errorf("%s: lottery %v, resolution %v, %d choices of %d", e.ApplicantID, e.Lottery, e.ResolutionMeters, len(e.Choices), len(p.Choices))
		}
		for k, c := range e.Choices {
			if c.Rank != k+1 || c.SchoolID != p.Choices[k].SchoolID || c.Priority.Meters != p.Choices[k].Priority.Meters || c.Priority.Meters != math.Round(c.Priority.Meters) {
				t.Errorf("%s: choice %+v, decision %+v", e.ApplicantID, c, p.Choices[k])
			}
		}
		if e.SchoolName != "" && !strings.Contains(e.Text.SV, e.SchoolName) {
			t.Errorf("%s: the text does not name %s", e.ApplicantID, e.SchoolName)
		}
		if !strings.Contains(e.Text.SV, i18n.Distance("sv", p.Meters)) || !strings.Contains(e.Text.EN, i18n.Distance("en", p.Meters)) {
			t.Errorf("%s: the text lacks the distance %s", e.ApplicantID, i18n.Distance("sv", p.Meters))
		}
		if p.BeyondLimit {
			beyond++
			if e.NearHome == nil || e.NearHome.Met || e.NearHome.LimitMeters != 700 {
				t.Errorf("%s: near home %+v", e.ApplicantID, e.NearHome)
			}
		}
		if !slices.Contains(e.Appeal.Routes, explain.LegalityReview) {
			t.Errorf("%s: appeal %+v", e.ApplicantID, e.Appeal)
		}
		for k, d := range p.Declined {
			ed := e.Declined[k]
			if ed.SchoolID != d.SchoolID || ed.Capacity != d.Capacity || ed.Applicants != d.Applicants || ed.FirstChoice != d.FirstChoice || ed.Reason != d.Reason.String() {
				t.Errorf("%s: declined %+v vs %+v", e.ApplicantID, ed, d)
			}
			if ed.Own != explain.FromPriority(d.Own, map[string]string{ed.Own.AlternativeID: ed.Own.AlternativeName}) {
				t.Errorf("%s: own priority %+v vs %+v", e.ApplicantID, ed.Own, d.Own)
			}
			switch d.Reason {
			case placement.Outranked:
				outranked++
				// The last admitted pupil's priority there is the cut-off of
				// the school in Result.Schools.
				var cut *placement.Priority
				for _, sy := range o.Result.Schools {
					if sy.SchoolID == d.SchoolID && sy.Year == p.Year {
						cut = sy.LastAdmitted
					}
				}
				if cut == nil || ed.LastAdmitted == nil || ed.LastAdmitted.Lottery != cut.Lottery || ed.LastAdmitted.RelativeMeters != cut.Relative ||
					ed.LastAdmitted.Meters != cut.Meters || ed.LastAdmitted.AlternativeMeters != cut.AlternativeMeters {
					t.Errorf("%s at %s: last admitted %+v, cut-off %+v", e.ApplicantID, d.SchoolID, ed.LastAdmitted, cut)
				}
				// The distances behind the own relative proximity are the
				// distance matrix's at the resolution (whole metres), and
				// relative proximity is their difference.
				if m, _ := o.Distances.Meters(p.ApplicantID, d.SchoolID); ed.Own.Meters != math.Round(m) {
					t.Errorf("%s: own distance %v, matrix %v", e.ApplicantID, ed.Own.Meters, m)
				}
				own, _ := o.Distances.Meters(p.ApplicantID, d.SchoolID)
				if m, _ := o.Distances.Meters(p.ApplicantID, ed.Own.AlternativeID); !ed.Own.NoAlternative &&
					(ed.Own.AlternativeMeters != math.Round(m) || ed.Own.RelativeMeters != math.Round(m-own)+0) {
					t.Errorf("%s: alternative distance %v, matrix %v, relative %v", e.ApplicantID, ed.Own.AlternativeMeters, m, ed.Own.RelativeMeters)
				}
				// Priority values are written in whole metres, as compared.
				for _, want := range []string{strconv.Itoa(d.Capacity), i18n.Number("sv", d.Own.Meters, 0) + " m", i18n.Number("sv", cut.Relative, 0) + " m"} {
					if !strings.Contains(e.Text.SV, want) {
						t.Errorf("%s: the Swedish text lacks %q:\n%s", e.ApplicantID, want, e.Text.SV)
					}
				}
				if c, tied := rules.Decisive(d.Own, *d.LastAdmitted); ed.Decisive != c.String() && !(c == 0 && ed.Decisive == "applicant_id") || len(ed.Tied) != len(tied) {
					t.Errorf("%s: decisive %q after %v, the rules say %v after %v", e.ApplicantID, ed.Decisive, ed.Tied, c, tied)
				}
			case placement.NotOffered:
				notOffered++
				if !slices.Contains(e.Appeal.Routes, explain.AppealsBoard) || !slices.Contains(e.Appeal.BoardSchools, d.SchoolID) {
					t.Errorf("%s: not offered at %s but appeal %+v", e.ApplicantID, d.SchoolID, e.Appeal)
				}
				if !strings.Contains(e.Text.SV, "Skolväsendets överklagandenämnd. Skicka") {
					t.Errorf("%s: the text does not point to the appeals board:\n%s", e.ApplicantID, e.Text.SV)
				}
			}
		}
		if len(e.Appeal.BoardSchools) == 0 && slices.Contains(e.Appeal.Routes, explain.AppealsBoard) {
			t.Errorf("%s: appeals board without a school", e.ApplicantID)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n != len(apps) || outranked == 0 || notOffered == 0 || beyond == 0 {
		t.Fatalf("%d explanations of %d; %d outranked, %d not offered, %d beyond the limit: the test data shows too little", n, len(apps), outranked, notOffered, beyond)
	}
	checkFiles(t, dir, len(apps))
}

// checkFiles parses the written files back.
func checkFiles(t *testing.T, dir string, apps int) {
	t.Helper()
	for _, name := range []string{PlacementsFile, CutoffsFile} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if name == PlacementsFile {
			if len(recs) != apps+1 || strings.Join(recs[0], ",") != "applicant_id,school_id,choice_rank,distance_m,fallback" {
				t.Fatalf("%s: %d rows, header %v", name, len(recs), recs[0])
			}
			seen := map[string]bool{}
			for _, r := range recs[1:] {
				if seen[r[0]] {
					t.Fatalf("%s: %s twice", name, r[0])
				}
				seen[r[0]] = true
				if r[4] == "true" && r[2] != "0" {
					t.Fatalf("%s: fallback with rank %s", name, r[2])
				}
			}
		}
	}
	s, err := ReadSummary(filepath.Join(dir, SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	if s.Total.Applicants != apps || s.Total.AnyChoice+s.Total.Fallbacks+s.Total.Unplaced != apps || s.Rules.Seed == 0 {
		t.Fatalf("summary %+v", s.Total)
	}
	d := s.Total.Distance
	if !(d.Min <= d.Q1 && d.Q1 <= d.Median && d.Median <= d.Q3 && d.Q3 <= d.P90 && d.P90 <= d.Max) || d.Max == 0 {
		t.Fatalf("distance distribution %+v", d)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*.tmp"))
	if len(leftovers) > 0 {
		t.Fatalf("temporary files left: %v", leftovers)
	}
}

func TestOutsideTheNetwork(t *testing.T) {
	city, schools, apps := riverCity(t)
	apps[3].Lat += 0.05 // 5.5 km north of the city
	schools[1].Lon -= 0.05
	_, err := Run(context.Background(), Input{Graph: city.Graph, Schools: schools, Applicants: apps, Rules: placement.DefaultRules()}, nil)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"schools.csv:3: ", "applicants.csv:5: ", "is outside the network: no walkable way within 500 m"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want %q", err, want)
		}
	}
}

func TestQuantile(t *testing.T) {
	d := distribution([]float64{4, 1, 3, 2, 5})
	if d.Min != 1 || d.Q1 != 2 || d.Median != 3 || d.Q3 != 4 || d.Max != 5 || d.Mean != 3 || math.Abs(d.P90-4.6) > 1e-9 {
		t.Fatalf("%+v", d)
	}
}

func checkProgress(t *testing.T, seen []Progress, want []Stage) {
	t.Helper()
	var stages []Stage
	for _, p := range seen {
		if p.Done < 0 || p.Done > p.Total {
			t.Errorf("progress %+v", p)
		}
		if len(stages) == 0 || stages[len(stages)-1] != p.Stage {
			stages = append(stages, p.Stage)
		}
	}
	if !slices.Equal(stages, want) {
		t.Errorf("stages %v, want %v", stages, want)
	}
	if last := seen[len(seen)-1]; last.Stage != StageDone || last.Done != last.Total {
		t.Errorf("last progress %+v", last)
	}
}

// A home far from any walkable way (a long private drive) stops a run by
// default; with FarHomes the pupil is placed with the straight line to the
// nearest way counted and shown, and only a home beyond the area is
// refused.
func TestFarHomes(t *testing.T) {
	city, ss, as := riverCity(t)
	o := city.Options.Origin
	kx := 6371008.8 * math.Pi / 180 * math.Cos(o.Lat*math.Pi/180)
	as[3].Lon = o.Lon - 900/kx // 900 m west of the city's westmost street
	far := as[3].ID
	in := Input{Graph: city.Graph, Schools: ss, Applicants: as, Rules: placement.DefaultRules()}
	if _, err := Run(t.Context(), in, nil); err == nil || !strings.Contains(err.Error(), "outside the network") {
		t.Fatalf("without FarHomes: %v", err)
	}
	in.FarHomes = true
	out, err := Run(t.Context(), in, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Access) != 1 || out.Access[far] < 850 || out.Access[far] > 950 {
		t.Fatalf("access %v", out.Access)
	}
	for i, p := range out.Result.Placements {
		e := out.Explanations[i]
		if p.ApplicantID != far {
			if e.AccessMeters != 0 {
				t.Errorf("%s has access %v", p.ApplicantID, e.AccessMeters)
			}
			continue
		}
		if e.AccessMeters != out.Access[far] || p.Meters < e.AccessMeters {
			t.Errorf("far home placed %v m away with access %v", p.Meters, e.AccessMeters)
		}
		if !strings.Contains(e.Text.EN, "from the nearest walkable way on the map") || !strings.Contains(e.Text.SV, "fågelvägen") ||
			!strings.Contains(e.Text.SVEasy, "närmaste väg eller stig") {
			t.Errorf("the explanation does not show the access:\n%s", e.Text.EN)
		}
	}
	as[5].Lat += 0.2 // 22 km away: clearly wrong
	_, err = Run(t.Context(), in, nil)
	les := lineErrors(t, err)
	if len(les) != 1 || les[0].ID != "placement.input.outside_area" || les[0].Line != as[5].Line {
		t.Errorf("outside the area: %v", err)
	}
}
