package batch

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/styrkedjan/styrkedjan/internal/placement"
)

// Summary is summary.json: how the run went, per year group and in total.
type Summary struct {
	Total       Stats       `json:"total"`
	Years       []YearStats `json:"years"`
	Rules       RulesInfo   `json:"rules"`
	Straight    bool        `json:"straight_line"`
	NetworkHash string      `json:"network_hash,omitempty"`
	Attribution string      `json:"attribution,omitempty"`
	Schools     int         `json:"schools"`
	// Engine is placement.Engine of the run (0 in files from before it).
	Engine int `json:"engine"`
}

// RulesInfo is the rules as summary.json records them.
type RulesInfo struct {
	Criteria     []string        `json:"criteria"`
	SiblingYears []int           `json:"sibling_years,omitempty"`
	Alternative  string          `json:"alternative"`
	Seed         int64           `json:"seed"`
	NearHome     []NearHomeLimit `json:"near_home,omitempty"`
	// ResolutionMeters: distances are compared in whole steps of this.
	ResolutionMeters float64 `json:"resolution_m"`
}

// NearHomeLimit is one near-home limit as summary.json records it.
type NearHomeLimit struct {
	From   int     `json:"from"`
	To     int     `json:"to"`
	Meters float64 `json:"meters"`
}

// Stats are the figures for a group of applicants. Shares are of all
// applicants in the group, between 0 and 1.
type Stats struct {
	Applicants       int          `json:"applicants"`
	FirstChoice      int          `json:"first_choice"`
	FirstChoiceShare float64      `json:"first_choice_share"`
	AnyChoice        int          `json:"any_choice"`
	AnyChoiceShare   float64      `json:"any_choice_share"`
	Fallbacks        int          `json:"fallbacks"`
	Unplaced         int          `json:"unplaced"`
	BeyondNearHome   int          `json:"beyond_near_home"`
	Distance         Distribution `json:"distance_m"`
}

// YearStats are the figures for one year group.
type YearStats struct {
	Year int `json:"year"`
	Stats
}

// Distribution describes the distances from home to the placed school
// (placed pupils only), in metres; quantiles by linear interpolation.
type Distribution struct {
	Min    float64 `json:"min"`
	Q1     float64 `json:"q1"`
	Median float64 `json:"median"`
	Q3     float64 `json:"q3"`
	P90    float64 `json:"p90"`
	Max    float64 `json:"max"`
	Mean   float64 `json:"mean"`
}

func rulesInfo(r placement.Rules) RulesInfo {
	ri := RulesInfo{Criteria: []string{}, SiblingYears: r.SiblingYears, Alternative: r.Alternative.String(), Seed: r.Seed,
		ResolutionMeters: r.DistanceResolution()}
	for _, c := range r.Criteria {
		ri.Criteria = append(ri.Criteria, c.String())
	}
	for _, l := range r.NearHome {
		ri.NearHome = append(ri.NearHome, NearHomeLimit(l))
	}
	return ri
}

func summarize(in Input, res *placement.Result, d *Distances) Summary {
	s := Summary{Rules: rulesInfo(in.Rules), Straight: in.Straight, Schools: len(in.Schools), Engine: placement.Engine}
	if !in.Straight {
		s.NetworkHash, s.Attribution = d.NetworkHash, Attribution
	}
	type acc struct {
		st    Stats
		dists []float64
	}
	total := &acc{}
	years := map[int]*acc{}
	for _, p := range res.Placements {
		y := years[p.Year]
		if y == nil {
			y = &acc{}
			years[p.Year] = y
		}
		for _, a := range []*acc{total, y} {
			a.st.Applicants++
			switch {
			case p.SchoolID == "":
				a.st.Unplaced++
			case p.Fallback:
				a.st.Fallbacks++
			default:
				a.st.AnyChoice++
				if p.ChoiceRank == 1 {
					a.st.FirstChoice++
				}
			}
			if p.BeyondLimit {
				a.st.BeyondNearHome++
			}
			if p.SchoolID != "" {
				a.dists = append(a.dists, p.Meters)
			}
		}
	}
	fin := func(a *acc) Stats {
		st := a.st
		if st.Applicants > 0 {
			st.FirstChoiceShare = float64(st.FirstChoice) / float64(st.Applicants)
			st.AnyChoiceShare = float64(st.AnyChoice) / float64(st.Applicants)
		}
		st.Distance = distribution(a.dists)
		return st
	}
	s.Total = fin(total)
	s.Years = []YearStats{}
	for y, a := range years {
		s.Years = append(s.Years, YearStats{Year: y, Stats: fin(a)})
	}
	slices.SortFunc(s.Years, func(a, b YearStats) int { return a.Year - b.Year })
	return s
}

func distribution(xs []float64) Distribution {
	if len(xs) == 0 {
		return Distribution{}
	}
	slices.Sort(xs)
	var sum float64
	for _, x := range xs {
		sum += x
	}
	return Distribution{Min: xs[0], Q1: quantile(xs, 0.25), Median: quantile(xs, 0.5), Q3: quantile(xs, 0.75),
		P90: quantile(xs, 0.9), Max: xs[len(xs)-1], Mean: sum / float64(len(xs))}
}

// quantile of sorted xs by linear interpolation between closest ranks.
func quantile(xs []float64, q float64) float64 {
	pos := q * float64(len(xs)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(xs)-1)
	return xs[lo] + (xs[hi]-xs[lo])*(pos-float64(lo))
}

// The files WriteDir writes.
const (
	PlacementsFile   = "placements.csv"
	CutoffsFile      = "cutoffs.csv"
	ExplanationsFile = "explanations.jsonl"
	SummaryFile      = "summary.json"
)

// WriteDir writes placements.csv, cutoffs.csv, explanations.jsonl and
// summary.json into dir (created if missing). Each file is written to a
// temporary file first and all are renamed into place only when every one
// is complete, so a crash never leaves half-written files.
func (o *Output) WriteDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	writers := []struct {
		name  string
		write func(*bufio.Writer) error
	}{
		{PlacementsFile, o.writePlacements},
		{CutoffsFile, o.writeCutoffs},
		{ExplanationsFile, o.writeExplanations},
		{SummaryFile, o.writeSummary},
	}
	var temps []string
	cleanup := func() {
		for _, t := range temps {
			os.Remove(t)
		}
	}
	for _, w := range writers {
		f, err := os.CreateTemp(dir, "."+w.name+".*.tmp")
		if err != nil {
			cleanup()
			return err
		}
		temps = append(temps, f.Name())
		bw := bufio.NewWriterSize(f, 1<<16)
		err = w.write(bw)
		if err == nil {
			err = bw.Flush()
		}
		if err == nil {
			err = f.Chmod(0o644)
		}
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			cleanup()
			return fmt.Errorf("write %s: %w", filepath.Join(dir, w.name), err)
		}
	}
	for i, w := range writers {
		if err := os.Rename(temps[i], filepath.Join(dir, w.name)); err != nil {
			cleanup()
			return err
		}
	}
	return nil
}

func fmtMeters(m float64) string {
	if math.IsInf(m, 0) || math.IsNaN(m) {
		return ""
	}
	return strconv.FormatFloat(m, 'f', 1, 64)
}

func (o *Output) writePlacements(w *bufio.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"applicant_id", "school_id", "choice_rank", "distance_m", "fallback"})
	for _, p := range o.Result.Placements {
		d := ""
		if p.SchoolID != "" {
			d = fmtMeters(p.Meters)
		}
		_ = cw.Write([]string{p.ApplicantID, p.SchoolID, strconv.Itoa(p.ChoiceRank), d, strconv.FormatBool(p.Fallback)})
	}
	cw.Flush()
	return cw.Error()
}

func (o *Output) writeCutoffs(w *bufio.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"school_id", "year", "capacity", "applicants", "first_choices", "admitted", "fallbacks",
		"last_sibling", "last_relative_m", "last_alternative_id", "last_alternative_m", "last_no_alternative", "last_distance_m", "last_lottery"})
	for _, c := range o.Cutoffs {
		rec := []string{c.SchoolID, strconv.Itoa(c.Year), strconv.Itoa(c.Capacity), strconv.Itoa(c.Applicants),
			strconv.Itoa(c.FirstChoice), strconv.Itoa(c.Admitted), strconv.Itoa(c.Fallbacks)}
		if l := c.LastAdmitted; l != nil {
			rel, altM := fmtMeters(l.RelativeMeters), fmtMeters(l.AlternativeMeters)
			if l.NoAlternative {
				rel, altM = "", ""
			}
			rec = append(rec, strconv.FormatBool(l.Sibling), rel, l.AlternativeID, altM,
				strconv.FormatBool(l.NoAlternative), fmtMeters(l.Meters), strconv.FormatFloat(l.Lottery, 'f', -1, 64))
		} else {
			rec = append(rec, "", "", "", "", "", "", "")
		}
		_ = cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

func (o *Output) writeExplanations(w *bufio.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for i := range o.Explanations {
		if err := enc.Encode(&o.Explanations[i]); err != nil {
			return err
		}
	}
	return nil
}

func (o *Output) writeSummary(w *bufio.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(o.Summary)
}

// ReadSummary reads a summary.json written by WriteDir.
func ReadSummary(path string) (Summary, error) {
	var s Summary
	b, err := os.ReadFile(path)
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, errors.New(path + ": " + err.Error())
	}
	return s, nil
}
