package web

import (
	"net/http"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/placement/batch"
	"github.com/styrkedjan/styrkedjan/internal/placement/round"
)

// School placement in the JSON API.

type apiPlacementRound struct {
	ID          int64          `json:"id"`
	Name        string         `json:"name"`
	Years       []int          `json:"years"`
	Network     string         `json:"network"`
	Status      string         `json:"status"` // draft, result, published
	PublishedAt *time.Time     `json:"published_at,omitempty"`
	Summary     *batch.Summary `json:"summary,omitempty"`
	Cutoffs     []batch.Cutoff `json:"cutoffs,omitempty"`
	Running     *apiRunState   `json:"running,omitempty"`
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
	runs, err := round.Runs(r.Context(), s.db, rd.ID)
	if err != nil {
		return err
	}
	for _, run := range runs {
		if run.Running() {
			a.Running = &apiRunState{ID: run.ID, Stage: run.Stage, Done: run.Done, Total: run.Total}
		}
		if rd.ResultRunID != nil && run.ID == *rd.ResultRunID {
			a.Summary, a.Cutoffs = run.Summary, run.Cutoffs
		}
	}
	return writeJSON(w, http.StatusOK, a)
}
