package web

import (
	"net/http"

	"github.com/styrkedjan/styrkedjan/internal/accessibility"
)

// The self-assessment of one unit in the JSON API (issue 16), in shapes
// of its own (camelCase, arrays never null, no NaN).

type apiAccessArea struct {
	Area       string   `json:"area"`
	Indicator  string   `json:"indicator"`
	Mean       *float64 `json:"mean"` // null until every statement of the area is gathered
	Gathered   int      `json:"gathered"`
	Statements int      `json:"statements"`
}

type apiAccessStatement struct {
	Key      string `json:"key"`
	Area     string `json:"area"`
	TextSV   string `json:"textSv"`
	TextEN   string `json:"textEn"`
	Gathered *int   `json:"gathered"` // null before gathering
	Proposed *int   `json:"proposed"` // the median of the answers; null while the spread is hidden
	// Spread: answers per level 1–5, and "don't know"; null while hidden.
	Spread   []int `json:"spread"`
	DontKnow *int  `json:"dontKnow"`
}

type apiAccessRound struct {
	ID         int64  `json:"id"`
	SchoolYear string `json:"schoolYear"`
	Status     string `json:"status"`
	Set        string `json:"set"`
	Responses  int    `json:"responses"`
	Gathered   bool   `json:"gathered"`
}

type apiAccessUnit struct {
	Unit struct {
		ID   int64  `json:"id"`
		Code string `json:"code"`
		Name string `json:"name"`
	} `json:"unit"`
	Rounds []apiAccessRound `json:"rounds"`
	// Latest is the latest closed round's result, or null.
	Latest *struct {
		Round        apiAccessRound       `json:"round"`
		SpreadHidden string               `json:"spreadHidden"` // "", "open" or "few"
		Areas        []apiAccessArea      `json:"areas"`
		Statements   []apiAccessStatement `json:"statements"`
	} `json:"latest"`
}

func toAPIAccessRound(r accessibility.Round) apiAccessRound {
	return apiAccessRound{ID: r.ID, SchoolYear: r.SchoolYear, Status: r.Status, Set: r.SetName, Responses: r.Responses, Gathered: r.Gathered()}
}

func (s *Server) apiAccessUnit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	u, err := accessibility.Unit(r.Context(), s.db, id)
	if err != nil {
		return err
	}
	var out apiAccessUnit
	out.Unit.ID, out.Unit.Code, out.Unit.Name = u.UnitID, u.UnitCode, u.UnitName
	out.Rounds = make([]apiAccessRound, 0, len(u.Rounds))
	for _, rd := range u.Rounds {
		out.Rounds = append(out.Rounds, toAPIAccessRound(rd))
	}
	if res := u.Latest; res != nil {
		out.Latest = &struct {
			Round        apiAccessRound       `json:"round"`
			SpreadHidden string               `json:"spreadHidden"`
			Areas        []apiAccessArea      `json:"areas"`
			Statements   []apiAccessStatement `json:"statements"`
		}{Round: toAPIAccessRound(*res.Round), SpreadHidden: res.Hidden, Areas: []apiAccessArea{}, Statements: []apiAccessStatement{}}
		for _, a := range res.Areas {
			out.Latest.Areas = append(out.Latest.Areas, apiAccessArea{Area: a.Area, Indicator: accessibility.IndicatorKey(a.Area),
				Mean: a.Mean, Gathered: a.Gathered, Statements: a.Of})
		}
		for _, st := range res.Statements {
			as := apiAccessStatement{Key: st.Key, Area: st.Area, TextSV: st.TextSV, TextEN: st.TextEN}
			if st.Gathered > 0 {
				g := st.Gathered
				as.Gathered = &g
			}
			if st.Counts != nil {
				as.Spread = append([]int{}, st.Counts[1:]...)
				dk := st.Counts[0]
				as.DontKnow = &dk
				if st.Proposed > 0 {
					p := st.Proposed
					as.Proposed = &p
				}
			}
			out.Latest.Statements = append(out.Latest.Statements, as)
		}
	}
	return writeJSON(w, http.StatusOK, out)
}
