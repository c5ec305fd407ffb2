package web

import (
	"net/http"
	"slices"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/placement/appeal"
	"github.com/styrkedjan/styrkedjan/internal/placement/round"
)

// The appeals register of a placement round (issue 15): the officer's list
// by status with filters and the form to record an appeal, one appeal's
// form to change it, and the board's counts by school and outcome.

type placementAppealsPage struct {
	Round       *round.Round
	Appeals     []*appeal.Appeal
	Filter      appeal.Filter
	Filtered    bool
	Schools     []schoolOption
	SchoolNames map[string]string
	Routes      []string
	Outcomes    []string
	// OutcomeOptions are the outcomes with their names, for the form's select.
	OutcomeOptions []schoolOption
	Statuses       []string
	Today          string
	Appeal         *appeal.Appeal // the appeal being changed (its own page)
}

type schoolOption struct{ ID, Name string }

func (s *Server) appealsPage(r *http.Request, rd *round.Round) (placementAppealsPage, error) {
	l := s.pageLocalizer(r, "placement_appeals")
	pg := placementAppealsPage{Round: rd, SchoolNames: map[string]string{}, Routes: appeal.Routes,
		Outcomes: appeal.Outcomes, Statuses: appeal.Statuses, Today: civil.Today(time.Now())}
	for _, o := range appeal.Outcomes {
		pg.OutcomeOptions = append(pg.OutcomeOptions, schoolOption{o, l.T("appeal.outcome." + o)})
	}
	schools, err := rd.Schools()
	if err != nil {
		return pg, err
	}
	for _, sc := range schools {
		pg.Schools = append(pg.Schools, schoolOption{sc.ID, sc.Name})
		pg.SchoolNames[sc.ID] = sc.Name
	}
	return pg, nil
}

// appealFilter reads the register's filters from the query; unknown values
// do not filter.
func appealFilter(r *http.Request) appeal.Filter {
	q := r.URL.Query()
	keep := func(v string, allowed []string) string {
		if slices.Contains(allowed, v) {
			return v
		}
		return ""
	}
	return appeal.Filter{Status: keep(q.Get("status"), appeal.Statuses), Route: keep(q.Get("route"), appeal.Routes),
		Outcome: keep(q.Get("outcome"), appeal.Outcomes), School: q.Get("school"), Late: q.Get("late") == "1"}
}

func appealFormValues(r *http.Request) (appeal.Form, map[string]string) {
	f := appeal.Form{ApplicantID: r.PostFormValue("applicant"), SchoolID: r.PostFormValue("school"), Route: r.PostFormValue("route"),
		ReceivedOn: r.PostFormValue("received_on"), DeadlineFrom: r.PostFormValue("deadline_from"), Deadline: r.PostFormValue("deadline"),
		ForwardedOn: r.PostFormValue("forwarded_on"), Outcome: r.PostFormValue("outcome"), OutcomeOn: r.PostFormValue("outcome_on"),
		Note: r.PostFormValue("note")}
	return f, appealValues(f)
}

func appealValues(f appeal.Form) map[string]string {
	return map[string]string{"applicant": f.ApplicantID, "school": f.SchoolID, "route": f.Route, "received_on": f.ReceivedOn,
		"deadline_from": f.DeadlineFrom, "deadline": f.Deadline, "forwarded_on": f.ForwardedOn, "outcome": f.Outcome,
		"outcome_on": f.OutcomeOn, "note": f.Note}
}

func (s *Server) placementAppeals(w http.ResponseWriter, r *http.Request) error {
	return s.placementAppealsWith(w, r, map[string]string{"received_on": civil.Today(time.Now())}, nil)
}

func (s *Server) placementAppealsWith(w http.ResponseWriter, r *http.Request, vals map[string]string, formErr error) error {
	ctx := r.Context()
	rd, err := s.loadRound(r)
	if err != nil {
		return err
	}
	pg, err := s.appealsPage(r, rd)
	if err != nil {
		return err
	}
	pg.Filter = appealFilter(r)
	pg.Filtered = pg.Filter != appeal.Filter{}
	if pg.Appeals, err = appeal.List(ctx, s.db, rd.ID, pg.Filter); err != nil {
		return err
	}
	return s.renderForm(w, r, "placement_appeals", formData{Values: vals, Extra: pg}, formErr)
}

func (s *Server) recordPlacementAppeal(w http.ResponseWriter, r *http.Request) error {
	rd, err := s.loadRound(r)
	if err != nil {
		return err
	}
	f, vals := appealFormValues(r)
	if _, err := appeal.Record(r.Context(), s.db, rd.ID, f); err != nil {
		return s.placementAppealsWith(w, r, vals, err)
	}
	s.flash(r, "appeal.recorded")
	http.Redirect(w, r, "/placement/rounds/"+idStr(rd.ID)+"/appeals", http.StatusSeeOther)
	return nil
}

func (s *Server) placementAppeal(w http.ResponseWriter, r *http.Request) error {
	return s.placementAppealWith(w, r, nil, nil)
}

func (s *Server) placementAppealWith(w http.ResponseWriter, r *http.Request, vals map[string]string, formErr error) error {
	rd, err := s.loadRound(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "appeal")
	if err != nil {
		return err
	}
	a, err := appeal.Get(r.Context(), s.db, rd.ID, id)
	if err != nil {
		return err
	}
	pg, err := s.appealsPage(r, rd)
	if err != nil {
		return err
	}
	pg.Appeal = a
	if vals == nil {
		vals = appealValues(a.Form())
	}
	return s.renderForm(w, r, "placement_appeal", formData{Values: vals, Extra: pg}, formErr)
}

func (s *Server) updatePlacementAppeal(w http.ResponseWriter, r *http.Request) error {
	rd, err := s.loadRound(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "appeal")
	if err != nil {
		return err
	}
	f, vals := appealFormValues(r)
	if err := appeal.Update(r.Context(), s.db, rd.ID, id, f); err != nil {
		return s.placementAppealWith(w, r, vals, err)
	}
	s.flash(r, "appeal.updated")
	http.Redirect(w, r, "/placement/rounds/"+idStr(rd.ID)+"/appeals", http.StatusSeeOther)
	return nil
}

type placementAppealStatsPage struct {
	Rounds      []appeal.RoundStats
	SchoolNames map[int64]map[string]string // round → school ID → name
	Columns     []string
	MinGroup    int
}

// placementAppealStats is the board's view: every round's appeals counted
// by school and outcome, small groups suppressed.
func (s *Server) placementAppealStats(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	minGroup := s.placementMinGroup()
	rs, err := appeal.Stats(ctx, s.db, minGroup)
	if err != nil {
		return err
	}
	pg := placementAppealStatsPage{Rounds: rs, SchoolNames: map[int64]map[string]string{}, Columns: appeal.StatsColumns, MinGroup: minGroup}
	for _, st := range rs {
		names := map[string]string{}
		if rd, err := round.Get(ctx, s.db, st.RoundID); err == nil {
			if schools, err := rd.Schools(); err == nil {
				for _, sc := range schools {
					names[sc.ID] = sc.Name
				}
			}
		}
		pg.SchoolNames[st.RoundID] = names
	}
	s.render(w, r, http.StatusOK, "placement_appeal_stats", pg)
	return nil
}
