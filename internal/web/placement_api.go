package web

import (
	"net/http"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/placement/batch"
	"github.com/styrkedjan/styrkedjan/internal/placement/round"
)

// School placement in the JSON API, in shapes of its own (camelCase)
// rather than summary.json's and cutoffs.csv's.

type apiPlacementRound struct {
	ID          int64                `json:"id"`
	Name        string               `json:"name"`
	Years       []int                `json:"years"`
	Network     string               `json:"network"`
	Status      string               `json:"status"` // draft, result, published
	PublishedAt *time.Time           `json:"publishedAt"`
	Summary     *apiPlacementSummary `json:"summary,omitempty"` // the one round only
	Cutoffs     []apiCutoff          `json:"cutoffs,omitempty"` // the one round only
	Running     *apiRunState         `json:"running"`
	Counts      *apiProcessCounts    `json:"counts,omitempty"` // the one round only
}

// apiProcessCounts is how far the round's process has come (issue 15).
type apiProcessCounts struct {
	Applications  int `json:"applications"`
	DecisionsSent int `json:"decisionsSent"`
	Accepted      int `json:"accepted"`
	Declined      int `json:"declined"`
	Waiting       int `json:"waiting"`
	Appeals       int `json:"appeals"`
}

type apiDistances struct {
	Min    float64 `json:"min"`
	Q1     float64 `json:"q1"`
	Median float64 `json:"median"`
	Q3     float64 `json:"q3"`
	P90    float64 `json:"p90"`
	Max    float64 `json:"max"`
	Mean   float64 `json:"mean"`
}

type apiPlacementStats struct {
	Year             *int         `json:"year,omitempty"` // per year group only
	Applicants       int          `json:"applicants"`
	FirstChoice      int          `json:"firstChoice"`
	FirstChoiceShare float64      `json:"firstChoiceShare"`
	AnyChoice        int          `json:"anyChoice"`
	AnyChoiceShare   float64      `json:"anyChoiceShare"`
	Fallbacks        int          `json:"fallbacks"`
	Unplaced         int          `json:"unplaced"`
	BeyondNearHome   int          `json:"beyondNearHome"`
	DistanceMeters   apiDistances `json:"distanceMeters"`
}

type apiNearHome struct {
	From   int     `json:"from"`
	To     int     `json:"to"`
	Meters float64 `json:"meters"`
}

type apiPlacementRules struct {
	Criteria     []string      `json:"criteria"`
	SiblingYears []int         `json:"siblingYears"`
	Alternative  string        `json:"alternative"`
	Seed         int64         `json:"seed"`
	NearHome     []apiNearHome `json:"nearHome"`
}

type apiPlacementSummary struct {
	Total        apiPlacementStats   `json:"total"`
	Years        []apiPlacementStats `json:"years"`
	Rules        apiPlacementRules   `json:"rules"`
	StraightLine bool                `json:"straightLine"`
	NetworkHash  string              `json:"networkHash"`
	Attribution  string              `json:"attribution"`
	Schools      int                 `json:"schools"`
}

type apiPriority struct {
	Sibling           bool    `json:"sibling"`
	RelativeMeters    float64 `json:"relativeMeters"`
	AlternativeID     string  `json:"alternativeId"`
	AlternativeName   string  `json:"alternativeName"`
	AlternativeMeters float64 `json:"alternativeMeters"`
	NoAlternative     bool    `json:"noAlternative"`
	Meters            float64 `json:"meters"`
	Lottery           float64 `json:"lottery"`
}

type apiCutoff struct {
	SchoolID     string       `json:"schoolId"`
	SchoolName   string       `json:"schoolName"`
	Year         int          `json:"year"`
	Capacity     int          `json:"capacity"`
	Applicants   int          `json:"applicants"`
	FirstChoices int          `json:"firstChoices"`
	Admitted     int          `json:"admitted"`
	Fallbacks    int          `json:"fallbacks"`
	LastAdmitted *apiPriority `json:"lastAdmitted"` // null when nobody was admitted
}

func toAPIPlacementStats(s batch.Stats, year *int) apiPlacementStats {
	d := s.Distance
	return apiPlacementStats{Year: year, Applicants: s.Applicants, FirstChoice: s.FirstChoice, FirstChoiceShare: s.FirstChoiceShare,
		AnyChoice: s.AnyChoice, AnyChoiceShare: s.AnyChoiceShare, Fallbacks: s.Fallbacks, Unplaced: s.Unplaced,
		BeyondNearHome: s.BeyondNearHome, DistanceMeters: apiDistances{d.Min, d.Q1, d.Median, d.Q3, d.P90, d.Max, d.Mean}}
}

func toAPIPlacementSummary(s *batch.Summary) *apiPlacementSummary {
	out := &apiPlacementSummary{Total: toAPIPlacementStats(s.Total, nil), Years: []apiPlacementStats{},
		Rules: apiPlacementRules{Criteria: nonNil(s.Rules.Criteria), SiblingYears: nonNil(s.Rules.SiblingYears),
			Alternative: s.Rules.Alternative, Seed: s.Rules.Seed, NearHome: []apiNearHome{}},
		StraightLine: s.Straight, NetworkHash: s.NetworkHash, Attribution: s.Attribution, Schools: s.Schools}
	for _, y := range s.Years {
		out.Years = append(out.Years, toAPIPlacementStats(y.Stats, &y.Year))
	}
	for _, n := range s.Rules.NearHome {
		out.Rules.NearHome = append(out.Rules.NearHome, apiNearHome{n.From, n.To, n.Meters})
	}
	return out
}

func toAPICutoffs(cs []batch.Cutoff) []apiCutoff {
	out := make([]apiCutoff, 0, len(cs))
	for _, c := range cs {
		a := apiCutoff{SchoolID: c.SchoolID, SchoolName: c.SchoolName, Year: c.Year, Capacity: c.Capacity,
			Applicants: c.Applicants, FirstChoices: c.FirstChoice, Admitted: c.Admitted, Fallbacks: c.Fallbacks}
		if p := c.LastAdmitted; p != nil {
			a.LastAdmitted = &apiPriority{p.Sibling, p.RelativeMeters, p.AlternativeID, p.AlternativeName,
				p.AlternativeMeters, p.NoAlternative, p.Meters, p.Lottery}
		}
		out = append(out, a)
	}
	return out
}

type apiRunState struct {
	ID    int64  `json:"id"`
	Stage string `json:"stage"`
	Done  int    `json:"done"`
	Total int    `json:"total"`
}

func apiRound(rd *round.Round) apiPlacementRound {
	a := apiPlacementRound{ID: rd.ID, Name: rd.Name, Years: rd.Years, Network: rd.NetworkName, Status: "draft", PublishedAt: rd.PublishedAt}
	if a.Years == nil {
		a.Years = []int{}
	}
	switch {
	case rd.Published():
		a.Status = "published"
	case rd.ResultRunID != nil:
		a.Status = "result"
	}
	return a
}

func (s *Server) apiPlacementRounds(w http.ResponseWriter, r *http.Request) error {
	rs, err := round.List(r.Context(), s.db)
	if err != nil {
		return err
	}
	out := []apiPlacementRound{}
	for _, rd := range rs {
		out = append(out, apiRound(rd))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiPlacementRound(w http.ResponseWriter, r *http.Request) error {
	rd, err := s.loadRound(r)
	if err != nil {
		return err
	}
	a := apiRound(rd)
	c, err := round.Counts(r.Context(), s.db, rd.ID)
	if err != nil {
		return err
	}
	a.Counts = &apiProcessCounts{c.Applications, c.DecisionsSent, c.Accepted, c.Declined, c.Waiting, c.Appeals}
	runs, err := round.Runs(r.Context(), s.db, rd.ID)
	if err != nil {
		return err
	}
	for _, run := range runs {
		if run.Running() {
			a.Running = &apiRunState{ID: run.ID, Stage: run.Stage, Done: run.Done, Total: run.Total}
		}
		if rd.ResultRunID != nil && run.ID == *rd.ResultRunID {
			if run.Summary != nil {
				a.Summary = toAPIPlacementSummary(run.Summary)
			}
			a.Cutoffs = toAPICutoffs(run.Cutoffs)
		}
	}
	return writeJSON(w, http.StatusOK, a)
}
