package web

import (
	"net/http"

	"github.com/styrkedjan/styrkedjan/internal/survey"
)

// Pulse surveys in the JSON API: the rounds ("surveys": what was sent out)
// and a round's results, where suppressed groups are absent altogether
// (not null): nothing of a group under the minimum leaves the server.

type apiSurvey struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Survey     string `json:"survey"`
	Audience   string `json:"audience"`
	OpensOn    string `json:"opensOn"`
	ClosesOn   string `json:"closesOn"`
	SchoolYear string `json:"schoolYear"`
}

type apiSurveyMeasure struct {
	Key   string `json:"key"`
	Kind  string `json:"kind"` // index (0–100) or statement (1–5)
	Index string `json:"index"`
}

type apiSurveyValue struct {
	Key  string  `json:"key"`
	Mean float64 `json:"mean"`
	N    int     `json:"n"`
}

type apiSurveyRow struct {
	Level    string           `json:"level"`
	UnitID   *int64           `json:"unitId"`
	Unit     string           `json:"unit"`
	UnitCode string           `json:"unitCode"`
	Year     int              `json:"year"`
	Group    string           `json:"group"`
	Invited  int              `json:"invited"`
	Answers  int              `json:"answers"`
	Rate     *float64         `json:"rate"`
	Values   []apiSurveyValue `json:"values"`
}

type apiSurveyResults struct {
	Survey   apiSurvey          `json:"survey"`
	MinGroup int                `json:"minGroup"`
	Closed   bool               `json:"closed"`
	Measures []apiSurveyMeasure `json:"measures"`
	Rows     []apiSurveyRow     `json:"rows"`
}

func toAPISurvey(r survey.Round) apiSurvey {
	return apiSurvey{ID: r.ID, Name: r.Name, Survey: r.Survey.Name, Audience: r.Survey.Audience, OpensOn: r.OpensOn,
		ClosesOn: r.ClosesOn, SchoolYear: r.SchoolYear}
}

func (s *Server) apiSurveys(w http.ResponseWriter, r *http.Request) error {
	rounds, err := survey.Rounds(r.Context(), s.db)
	if err != nil {
		return err
	}
	out := []apiSurvey{}
	for _, rd := range rounds {
		out = append(out, toAPISurvey(rd))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"surveys": out})
}

func (s *Server) apiSurveyResults(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	res, err := survey.GetResults(r.Context(), s.db, id, s.opts.MinGroup, survey.Today())
	if err != nil {
		return err
	}
	out := apiSurveyResults{Survey: toAPISurvey(res.Round), MinGroup: res.MinGroup, Closed: res.Closed,
		Measures: []apiSurveyMeasure{}, Rows: []apiSurveyRow{}}
	for _, m := range res.Measures {
		am := apiSurveyMeasure{Key: m.Key, Kind: "index", Index: m.Key}
		if !m.Index {
			am.Kind, am.Index = "statement", m.Question.Index
		}
		out.Measures = append(out.Measures, am)
	}
	for _, row := range res.Rows {
		if row.Suppressed {
			continue // absent, not null
		}
		ar := apiSurveyRow{Level: row.Level, Unit: row.Unit, UnitCode: row.UnitCode, Year: row.Year, Group: row.Label,
			Invited: row.Invited, Answers: *row.Answers, Rate: row.Rate, Values: []apiSurveyValue{}}
		if row.Level != survey.LevelOrganizer {
			uid := row.UnitID
			ar.UnitID = &uid
		}
		if row.Level == survey.LevelGroup && row.Label == "" {
			ar.Group = row.Kind
		}
		for j, v := range row.Values {
			if v.Mean != nil {
				ar.Values = append(ar.Values, apiSurveyValue{Key: res.Measures[j].Key, Mean: *v.Mean, N: *v.N})
			}
		}
		out.Rows = append(out.Rows, ar)
	}
	return writeJSON(w, http.StatusOK, out)
}
