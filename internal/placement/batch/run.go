package batch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/placement"
	"github.com/styrkedjan/styrkedjan/internal/placement/explain"
	"github.com/styrkedjan/styrkedjan/internal/placement/walknet"
)

// loadCatalog parses the embedded message catalogs once per process: every
// run (and every what-if in the web application) explains with the same texts.
var loadCatalog = sync.OnceValues(i18n.Load)

// Attribution is the licence notice for distances computed on
// OpenStreetMap data; it goes wherever results are shipped or shown.
const Attribution = "© OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright)"

// AreaMargin is how far beyond the network's bounding box a home may lie
// with Input.FarHomes before it is refused as outside the organizer's area.
const AreaMargin = 5000.0

// outsideArea reports whether p lies beyond lo–hi widened by AreaMargin.
func outsideArea(p, lo, hi walknet.Point) bool {
	dLat := AreaMargin / 111320
	dLon := AreaMargin / (111320 * math.Cos(p.Lat*math.Pi/180))
	return p.Lat < lo.Lat-dLat || p.Lat > hi.Lat+dLat || p.Lon < lo.Lon-dLon || p.Lon > hi.Lon+dLon
}

// DefaultMaxSnapMeters is how far a home or school may lie from the
// nearest walkable way.
const DefaultMaxSnapMeters = 500

// Input is everything a run needs.
type Input struct {
	// Network is the OSM file; Graph, when set, is used instead of loading it.
	Network string
	Graph   *walknet.Graph

	Schools    []School
	Applicants []Applicant
	Rules      placement.Rules

	// Straight uses straight-line (haversine) distances between the given
	// coordinates instead of walking distances; no network is needed.
	Straight bool
	// Generated marks a made-up example network (walknet.GenerateCity):
	// explanations say so instead of crediting OpenStreetMap.
	Generated bool
	// CacheDir caches the distance matrix on disk when set.
	CacheDir string
	// Workers for the distance step; 0 uses every core.
	Workers int
	// MaxSnapMeters: homes and schools farther than this from a walkable
	// way are errors ("outside the network"); 0 means DefaultMaxSnapMeters.
	MaxSnapMeters float64
	// FarHomes places homes farther than MaxSnapMeters from any walkable
	// way (a long private drive) instead of refusing them: the straight
	// line to the nearest way is counted in every distance, and the
	// explanation and Output.Access show it. Only a home beyond the
	// network's bounding box plus AreaMargin is refused, as clearly wrong.
	FarHomes bool

	// Distances, when set, are reused instead of computed (a what-if
	// rerun with other capacities or rules: the same schools and
	// applicants at the same places). Run checks that they fit.
	Distances *Distances
}

// Stage is a step of a run, for progress reports.
type Stage string

// The stages in order.
const (
	StageLoading    Stage = "loading"
	StageSnapping   Stage = "snapping"
	StageDistances  Stage = "distances"
	StageMatching   Stage = "matching"
	StageExplaining Stage = "explaining"
	StageDone       Stage = "done"
)

// Progress tells how far a run has come: Done of Total in the stage.
type Progress struct {
	Stage       Stage
	Done, Total int
}

// Distances is a dense matrix of distances from every applicant's home to
// every school; it implements placement.Distances. +Inf is unreachable.
type Distances struct {
	Schools     []string    // school IDs, columns
	Applicants  []string    // applicant IDs, rows
	Matrix      [][]float64 // metres, [applicant][school]
	SchoolSnap  []float64   // metres from each school to its way (0 for straight lines)
	HomeSnap    []float64   // metres from each home to its way
	Straight    bool        // straight lines rather than walking
	NetworkHash string      // the walking network's hash ("" for straight lines)
	col         map[string]int
	row         map[string]int
	key         string // the points the matrix was computed for; see pointsKey
}

// pointsKey identifies the schools' and homes' IDs and coordinates.
func pointsKey(in Input) string {
	h := sha256.New()
	for _, s := range in.Schools {
		fmt.Fprintf(h, "s%q %v %v\n", s.ID, s.Lat, s.Lon)
	}
	for _, a := range in.Applicants {
		fmt.Fprintf(h, "a%q %v %v\n", a.ID, a.Lat, a.Lon)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (d *Distances) index() {
	d.col = make(map[string]int, len(d.Schools))
	for i, id := range d.Schools {
		d.col[id] = i
	}
	d.row = make(map[string]int, len(d.Applicants))
	for i, id := range d.Applicants {
		d.row[id] = i
	}
}

// Meters implements placement.Distances.
func (d *Distances) Meters(applicantID, schoolID string) (float64, bool) {
	i, ok1 := d.row[applicantID]
	j, ok2 := d.col[schoolID]
	if !ok1 || !ok2 {
		return 0, false
	}
	m := d.Matrix[i][j]
	return m, !math.IsInf(m, 0) && !math.IsNaN(m)
}

// Output is the result of a run.
type Output struct {
	Input        Input // as given, with the network's graph dropped
	Result       *placement.Result
	Distances    *Distances
	Explanations []explain.Explanation // one per applicant, in Result.Placements order
	Cutoffs      []Cutoff
	Summary      Summary
	// Access: with Input.FarHomes, applicant ID → metres from the home to
	// the nearest walkable way, for homes farther than MaxSnapMeters.
	Access map[string]float64
}

// Run snaps schools and homes onto the walking network, computes walking
// distances, places the pupils with placement.Match, explains every
// decision and sums up. progress may be nil. Errors about the input name
// the file and line (*Errors or *LineError).
func Run(ctx context.Context, in Input, progress func(Progress)) (*Output, error) {
	report := func(s Stage, done, total int) {
		if progress != nil {
			progress(Progress{Stage: s, Done: done, Total: total})
		}
	}
	if len(in.Schools) == 0 {
		return nil, errors.New("batch: no schools")
	}
	if err := in.Rules.Validate(); err != nil {
		return nil, err
	}
	catalog, err := loadCatalog()
	if err != nil {
		return nil, err
	}
	d := in.Distances
	if d != nil && !d.fits(in) {
		d = nil
	}
	if d == nil {
		if d, err = distances(ctx, in, report); err != nil {
			return nil, err
		}
	}
	if err := checkReachable(in, d); err != nil {
		return nil, err
	}
	report(StageMatching, 0, 1)
	schools := make([]placement.School, len(in.Schools))
	names := make(map[string]string, len(in.Schools))
	for i, s := range in.Schools {
		schools[i] = placement.School{ID: s.ID, Name: s.Name, Capacity: s.Capacity}
		names[s.ID] = s.Name
	}
	apps := make([]placement.Applicant, len(in.Applicants))
	for i, a := range in.Applicants {
		apps[i] = placement.Applicant{ID: a.ID, Year: a.Year, Choices: a.Choices, Siblings: a.Siblings}
	}
	res, err := placement.Match(schools, apps, d, in.Rules)
	if err != nil {
		return nil, err
	}
	report(StageMatching, 1, 1)

	out := &Output{Input: in, Result: res, Distances: d}
	out.Input.Graph = nil
	out.Input.Distances = nil
	ex := explain.New(catalog, names, in.Rules)
	ex.Straight, ex.Generated = in.Straight, in.Generated
	if in.FarHomes && !in.Straight {
		maxSnap := in.MaxSnapMeters
		if maxSnap <= 0 {
			maxSnap = DefaultMaxSnapMeters
		}
		for i, m := range d.HomeSnap {
			if m > maxSnap {
				if out.Access == nil {
					out.Access = map[string]float64{}
				}
				out.Access[d.Applicants[i]] = m
			}
		}
		ex.Access = out.Access
	}
	if !in.Straight && !in.Generated {
		ex.Source = Attribution
	}
	if out.Explanations, err = explainAll(ctx, ex, res.Placements, in.Workers, report); err != nil {
		return nil, err
	}
	out.Cutoffs = cutoffs(res, names)
	out.Summary = summarize(in, res, d)
	report(StageDone, 1, 1)
	return out, nil
}

// explainAll explains the placements on every core, reporting progress
// per chunk (from one goroutine at a time).
func explainAll(ctx context.Context, ex *explain.Explainer, ps []placement.Placement, workers int, report func(Stage, int, int)) ([]explain.Explanation, error) {
	const chunk = 500
	out := make([]explain.Explanation, len(ps))
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	report(StageExplaining, 0, len(ps))
	var (
		mu   sync.Mutex
		done int
		next atomic.Int64
		wg   sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			for {
				lo := int(next.Add(chunk)) - chunk
				if lo >= len(ps) || ctx.Err() != nil {
					return
				}
				hi := min(lo+chunk, len(ps))
				for i := lo; i < hi; i++ {
					out[i] = ex.Explain(ps[i])
				}
				mu.Lock()
				done += hi - lo
				report(StageExplaining, done, len(ps))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// fits reports whether precomputed distances cover the input's schools and
// applicants.
func (d *Distances) fits(in Input) bool {
	if d.Straight != in.Straight || len(d.Schools) != len(in.Schools) || len(d.Applicants) != len(in.Applicants) {
		return false
	}
	if d.key != "" {
		return d.key == pointsKey(in)
	}
	if d.col == nil {
		d.index()
	}
	for _, s := range in.Schools {
		if _, ok := d.col[s.ID]; !ok {
			return false
		}
	}
	for _, a := range in.Applicants {
		if _, ok := d.row[a.ID]; !ok {
			return false
		}
	}
	return true
}

func distances(ctx context.Context, in Input, report func(Stage, int, int)) (*Distances, error) {
	d := &Distances{Straight: in.Straight, key: pointsKey(in)}
	for _, s := range in.Schools {
		d.Schools = append(d.Schools, s.ID)
	}
	for _, a := range in.Applicants {
		d.Applicants = append(d.Applicants, a.ID)
	}
	d.index()
	d.Matrix = make([][]float64, len(in.Applicants))
	d.SchoolSnap = make([]float64, len(in.Schools))
	d.HomeSnap = make([]float64, len(in.Applicants))
	if in.Straight {
		report(StageDistances, 0, len(in.Applicants))
		for i, a := range in.Applicants {
			row := make([]float64, len(in.Schools))
			for j, s := range in.Schools {
				row[j] = walknet.StraightLine(walknet.Point{Lat: a.Lat, Lon: a.Lon}, walknet.Point{Lat: s.Lat, Lon: s.Lon})
			}
			d.Matrix[i] = row
		}
		report(StageDistances, len(in.Applicants), len(in.Applicants))
		return d, nil
	}

	g := in.Graph
	if g == nil {
		if in.Network == "" {
			return nil, errors.New("batch: no network file")
		}
		report(StageLoading, 0, 1)
		var err error
		if g, err = walknet.Load(ctx, in.Network); err != nil {
			return nil, err
		}
		report(StageLoading, 1, 1)
	}
	d.NetworkHash = g.Hash()
	maxSnap := in.MaxSnapMeters
	if maxSnap <= 0 {
		maxSnap = DefaultMaxSnapMeters
	}
	total := len(in.Schools) + len(in.Applicants)
	report(StageSnapping, 0, total)
	errs := &Errors{}
	snap := func(ps []walknet.Point, file func(int) (string, int), limit float64) []walknet.Snapped {
		sn, es := g.SnapAllConnected(ps, limit)
		for i, e := range es {
			if e == nil {
				continue
			}
			f, line := file(i)
			le := &LineError{File: f, Line: line, Msg: e.Error(), ID: "placement.input.network", Args: map[string]any{"Detail": e.Error()}}
			if errors.Is(e, walknet.ErrOutside) {
				lat, lon, max := fmt.Sprintf("%.6f", ps[i].Lat), fmt.Sprintf("%.6f", ps[i].Lon), fmt.Sprintf("%g", maxSnap)
				le.Msg = fmt.Sprintf("(%s, %s) is outside the network: no walkable way within %s m", lat, lon, max)
				le.ID, le.Args = "placement.input.outside_network", map[string]any{"Lat": lat, "Lon": lon, "Max": max}
			}
			errs.add(le)
		}
		return sn
	}
	sp := make([]walknet.Point, len(in.Schools))
	for i, s := range in.Schools {
		sp[i] = walknet.Point{Lat: s.Lat, Lon: s.Lon}
	}
	hp := make([]walknet.Point, len(in.Applicants))
	for i, a := range in.Applicants {
		hp[i] = walknet.Point{Lat: a.Lat, Lon: a.Lon}
	}
	ss := snap(sp, func(i int) (string, int) { return in.Schools[i].File, in.Schools[i].Line }, maxSnap)
	homeLimit := maxSnap
	if in.FarHomes {
		homeLimit = 0 // any distance within the area
		lo, hi := g.Bounds()
		for i, p := range hp {
			if outsideArea(p, lo, hi) {
				a := in.Applicants[i]
				lat, lon, m := fmt.Sprintf("%.6f", p.Lat), fmt.Sprintf("%.6f", p.Lon), fmt.Sprintf("%g", AreaMargin)
				errs.add(&LineError{File: a.File, Line: a.Line, Msg: fmt.Sprintf("(%s, %s) is outside the area: more than %s m beyond the network", lat, lon, m),
					ID: "placement.input.outside_area", Args: map[string]any{"Lat": lat, "Lon": lon, "Max": m}})
			}
		}
		if err := errs.err(); err != nil {
			return nil, err
		}
	}
	hs := snap(hp, func(i int) (string, int) { return in.Applicants[i].File, in.Applicants[i].Line }, homeLimit)
	if err := errs.err(); err != nil {
		return nil, err
	}
	for i := range ss {
		d.SchoolSnap[i] = ss[i].SnapMeters
	}
	for i := range hs {
		d.HomeSnap[i] = hs[i].SnapMeters
	}
	report(StageSnapping, total, total)

	report(StageDistances, 0, 1)
	var m [][]float64
	var err error
	if in.CacheDir != "" {
		m, err = g.MatrixCached(ctx, in.CacheDir, ss, hs, in.Workers)
	} else {
		m, err = g.Matrix(ctx, ss, hs, in.Workers)
	}
	if err != nil {
		return nil, err
	}
	if len(m) != len(ss) {
		return nil, fmt.Errorf("batch: distance matrix has %d rows, want %d", len(m), len(ss))
	}
	for i := range in.Applicants {
		row := make([]float64, len(in.Schools))
		for j := range in.Schools {
			row[j] = m[j][i]
		}
		d.Matrix[i] = row
	}
	report(StageDistances, 1, 1)
	return d, nil
}

// checkReachable turns a chosen school that cannot be reached on foot into
// an error on the applicant's line.
func checkReachable(in Input, d *Distances) error {
	errs := &Errors{}
	for _, a := range in.Applicants {
		for _, c := range a.Choices {
			if _, ok := d.Meters(a.ID, c); !ok {
				errs.add(&LineError{File: a.File, Line: a.Line, Field: "choices", Msg: fmt.Sprintf("school %q cannot be reached on foot from the home (not connected in the network)", c),
					ID: "placement.input.unreachable", Args: map[string]any{"School": strconv.Quote(c)}})
			}
		}
	}
	return errs.err()
}

// Cutoff sums up one school and year group, as in cutoffs.csv.
type Cutoff struct {
	SchoolID     string            `json:"school_id"`
	SchoolName   string            `json:"school_name"`
	Year         int               `json:"year"`
	Capacity     int               `json:"capacity"`
	Applicants   int               `json:"applicants"`
	FirstChoice  int               `json:"first_choices"`
	Admitted     int               `json:"admitted"`
	Fallbacks    int               `json:"fallbacks"`
	LastAdmitted *explain.Priority `json:"last_admitted,omitempty"`
}

func cutoffs(res *placement.Result, names map[string]string) []Cutoff {
	out := make([]Cutoff, 0, len(res.Schools))
	for _, s := range res.Schools {
		c := Cutoff{SchoolID: s.SchoolID, SchoolName: names[s.SchoolID], Year: s.Year, Capacity: s.Capacity,
			Applicants: s.Applicants, FirstChoice: s.FirstChoice, Admitted: s.Admitted, Fallbacks: s.Fallbacks}
		if s.LastAdmitted != nil {
			p := explain.FromPriority(*s.LastAdmitted, names)
			c.LastAdmitted = &p
		}
		out = append(out, c)
	}
	return out
}

// A Change is one pupil whose placement differs between two runs.
type Change struct {
	ApplicantID string `json:"applicant_id"`
	Year        int    `json:"year"`
	FromSchool  string `json:"from_school"` // "" when absent or unplaced before
	FromRank    int    `json:"from_rank"`
	ToSchool    string `json:"to_school"` // "" when absent or unplaced after
	ToRank      int    `json:"to_rank"`
}

// Diff lists the pupils placed at another school (or with another choice
// rank) after than before, by applicant ID; pupils in only one run are
// listed with an empty school on the other side.
func Diff(before, after *Output) []Change {
	type pl struct {
		school string
		rank   int
		year   int
	}
	b := map[string]pl{}
	for _, p := range before.Result.Placements {
		b[p.ApplicantID] = pl{p.SchoolID, p.ChoiceRank, p.Year}
	}
	var out []Change
	seen := map[string]bool{}
	for _, p := range after.Result.Placements {
		seen[p.ApplicantID] = true
		old, ok := b[p.ApplicantID]
		if ok && old.school == p.SchoolID && old.rank == p.ChoiceRank {
			continue
		}
		out = append(out, Change{ApplicantID: p.ApplicantID, Year: p.Year, FromSchool: old.school, FromRank: old.rank, ToSchool: p.SchoolID, ToRank: p.ChoiceRank})
	}
	for id, old := range b {
		if !seen[id] {
			out = append(out, Change{ApplicantID: id, Year: old.year, FromSchool: old.school, FromRank: old.rank})
		}
	}
	slices.SortFunc(out, func(x, y Change) int {
		switch {
		case x.ApplicantID < y.ApplicantID:
			return -1
		case x.ApplicantID > y.ApplicantID:
			return 1
		}
		return 0
	})
	return out
}
