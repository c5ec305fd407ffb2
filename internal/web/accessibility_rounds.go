package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/accessibility"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/dialogue"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture"
)

// The self-assessment rounds (issue 16): the list with the start form,
// the codes and links handed out once, a round's spread, gathered levels
// and actions, and the board's summary per area. Scope and rights are
// decided in package accessibility.

// accessFmt formats the self-assessment's numbers in the page's language.
type accessFmt struct{ Lang string }

// Mean writes an area mean with one decimal.
func (f accessFmt) Mean(x *float64) string {
	if x == nil {
		return "–"
	}
	return i18n.Number(f.Lang, *x, 1)
}

// Num writes a number with one decimal.
func (f accessFmt) Num(x float64) string { return i18n.Number(f.Lang, x, 1) }

type accessRoundsPage struct {
	accessFmt
	Rounds  []accessibility.Round
	Units   []org.Unit // the units the viewer may start rounds for
	Sets    []accessibility.Set
	CanRun  bool
	Manage  bool
	Summary bool
	Year    string
}

func (s *Server) accessRounds(w http.ResponseWriter, r *http.Request) error {
	return s.renderAccessRounds(w, r, formData{Values: map[string]string{"links": "0", "unit_code": "1"}}, nil)
}

func (s *Server) renderAccessRounds(w http.ResponseWriter, r *http.Request, fd formData, err error) error {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	l := s.pageLocalizer(r, "accessibility")
	page := accessRoundsPage{accessFmt: accessFmt{l.Lang}, CanRun: accessibility.MayRun(p), Manage: accessibility.MayManage(p),
		Summary: accessibility.MaySummary(p)}
	var lerr error
	if page.Rounds, lerr = accessibility.Rounds(ctx, s.db); lerr != nil {
		return lerr
	}
	if page.CanRun {
		if page.Units, lerr = org.ListUnits(ctx, s.db, accessibility.RunScope(p)); lerr != nil {
			return lerr
		}
		if page.Sets, lerr = accessibility.Sets(ctx, s.db); lerr != nil {
			return lerr
		}
	}
	if fd.Values["school_year"] == "" {
		fd.Values["school_year"] = currentSchoolYear(time.Now())
	}
	fd.Extra = page
	return s.renderForm(w, r, "accessibility", fd, err)
}

// currentSchoolYear is the school year of a date: from 1 July on the year
// that starts then.
func currentSchoolYear(now time.Time) string {
	y := now.Year()
	if now.Month() < time.July {
		y--
	}
	return unitpicture.SchoolYear(y)
}

type accessStartedPage struct {
	Round    *accessibility.Round
	CodeLink string
	Code     string
	Links    []string
}

func (s *Server) startAccessRound(w http.ResponseWriter, r *http.Request) error {
	vals := formValues(r, "unit", "set", "school_year", "links", "unit_code")
	in := accessibility.RoundInput{SchoolYear: vals["school_year"], UnitCode: vals["unit_code"] == "1"}
	in.UnitID, _ = strconv.ParseInt(vals["unit"], 10, 64)
	in.SetID, _ = strconv.ParseInt(vals["set"], 10, 64)
	var perr error
	if in.Links, perr = strconv.Atoi(vals["links"]); perr != nil && vals["links"] != "" {
		in.Links = -1
	}
	started, err := accessibility.StartRound(r.Context(), s.db, in, time.Now())
	if err != nil {
		return s.renderAccessRounds(w, r, formData{Values: vals}, err)
	}
	round, err := accessibility.GetRound(r.Context(), s.db, started.RoundID)
	if err != nil {
		return err
	}
	page := accessStartedPage{Round: round, Code: started.Code}
	if started.Code != "" {
		page.CodeLink = s.opts.PublicURL + "/a/" + started.Code
	}
	for _, t := range started.Tokens {
		page.Links = append(page.Links, s.opts.PublicURL+"/a/"+t)
	}
	// The code and links are shown this once (render sets no-store).
	s.render(w, r, http.StatusOK, "accessibility_started", formData{Extra: page})
	return nil
}

type accessRoundPage struct {
	accessFmt
	*accessibility.Result
	CanRun     bool
	Levels     []int
	Weakest    map[int64]bool
	Dialogues  []dialogue.Summary
	MinAnswers int
}

func (s *Server) accessRound(w http.ResponseWriter, r *http.Request) error {
	return s.renderAccessRound(w, r, formData{Values: map[string]string{}}, nil)
}

func (s *Server) renderAccessRound(w http.ResponseWriter, r *http.Request, fd formData, err error) error {
	ctx := r.Context()
	id, perr := pathID(r, "id")
	if perr != nil {
		return perr
	}
	res, gerr := accessibility.GetResult(ctx, s.db, id)
	if gerr != nil {
		return gerr
	}
	p := auth.FromContext(ctx)
	l := s.pageLocalizer(r, "accessibility_round")
	page := accessRoundPage{accessFmt: accessFmt{l.Lang}, Result: res, CanRun: accessibility.RunScope(p).Contains(res.Round.UnitID),
		Levels: []int{1, 2, 3, 4, 5}, Weakest: map[int64]bool{}, MinAnswers: accessibility.MinResponses}
	for _, w := range res.Weakest(accessibility.DefaultWeakest) {
		page.Weakest[w.ID] = true
	}
	if page.CanRun && res.Round.Gathered() {
		if page.Dialogues, gerr = accessibility.NextDialogues(ctx, s.db, res.Round); gerr != nil {
			return gerr
		}
	}
	fd.Extra = page
	return s.renderForm(w, r, "accessibility_round", fd, err)
}

func (s *Server) closeAccessRound(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := accessibility.CloseRound(r.Context(), s.db, id, time.Now()); err != nil {
		return err
	}
	s.flash(r, "accessibility.closed")
	http.Redirect(w, r, "/accessibility/rounds/"+idStr(id), http.StatusSeeOther)
	return nil
}

func (s *Server) gatherAccessRound(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := accessibility.Gather(r.Context(), s.db, id, r.PostFormValue, time.Now()); err != nil {
		vals := map[string]string{}
		for k := range r.PostForm {
			vals[k] = r.PostFormValue(k)
		}
		return s.renderAccessRound(w, r, formData{Values: vals}, err)
	}
	s.flash(r, "accessibility.gathered")
	http.Redirect(w, r, "/accessibility/rounds/"+idStr(id)+"#result", http.StatusSeeOther)
	return nil
}

func (s *Server) accessActions(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	did, _ := strconv.ParseInt(r.PostFormValue("dialogue"), 10, 64)
	var ids []int64
	for _, v := range r.PostForm["statements"] {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			ids = append(ids, n)
		}
	}
	if _, err := accessibility.MakeActions(r.Context(), s.db, id, did, ids, time.Now()); err != nil {
		return s.renderAccessRound(w, r, formData{Values: map[string]string{"dialogue": r.PostFormValue("dialogue")}}, err)
	}
	s.flash(r, "accessibility.actions_made")
	http.Redirect(w, r, "/dialogues/"+idStr(did)+"#actions", http.StatusSeeOther)
	return nil
}

type accessSummaryPage struct {
	accessFmt
	Years []accessibility.YearSummary
}

func (s *Server) accessSummary(w http.ResponseWriter, r *http.Request) error {
	years, err := accessibility.Summary(r.Context(), s.db)
	if err != nil {
		return err
	}
	l := s.pageLocalizer(r, "accessibility_summary")
	s.render(w, r, http.StatusOK, "accessibility_summary", formData{Extra: accessSummaryPage{accessFmt{l.Lang}, years}})
	return nil
}
