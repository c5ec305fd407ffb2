package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/placement/apply"
)

// The guardians' application pages (issue 15): their children in rounds
// with an application window, and for a child the schools with their
// facts, a map, the ranked choices and the other custodian's answer.
// Package apply decides whose children these are.

// applyEasy switches a Swedish page to easy-to-read Swedish (?easy=1 or
// the form's easy field), as the complaint form's easy page does.
func (s *Server) applyEasy(r *http.Request) (*http.Request, bool) {
	easy := r.URL.Query().Get("easy") == "1" || r.PostFormValue("easy") == "1"
	if !easy || s.localizer(r).Lang != "sv" {
		return r, false
	}
	return r.WithContext(withLang(r.Context(), i18n.EasySwedish)), true
}

type applyHomePage struct {
	Children []*apply.Child
	Via      string
}

// applyHome lists the guardian's children.
func (s *Server) applyHome(w http.ResponseWriter, r *http.Request) error {
	r, _ = s.applyEasy(r)
	g, err := s.who(r)
	if err != nil {
		return err
	}
	page := applyHomePage{Via: g.Via}
	if page.Children, err = apply.Children(r.Context(), s.db, g, time.Now()); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "apply_home", page)
	return nil
}

// applyResult is one unit-picture value as the page shows it.
type applyResult struct {
	Label string
	Text  string
}

// applySchool is a school with its facts written for the page.
type applySchool struct {
	apply.SchoolFacts
	Walk    string
	Pupils  string
	Results []applyResult
}

type applyChildPage struct {
	Child     *apply.Child
	Choice    *apply.Choice
	Schools   []applySchool
	Names     map[string]string
	Ranks     []int
	Selected  map[int]string // rank → school ID
	Easy      bool
	Submitter string
}

// Chosen is the school ID chosen at rank.
func (p applyChildPage) Chosen(rank int) string { return p.Selected[rank] }

func (s *Server) applyChildData(r *http.Request, childID int64) (*applyChildPage, error) {
	g, err := s.who(r)
	if err != nil {
		return nil, err
	}
	c, err := apply.ChildFor(r.Context(), s.db, g, childID, time.Now())
	if err != nil {
		return nil, err
	}
	ch, err := apply.Facts(r.Context(), s.db, s.placementService(), c)
	if err != nil {
		return nil, err
	}
	l := s.pageLocalizer(r, "apply_child")
	page := &applyChildPage{Child: c, Choice: ch, Names: map[string]string{}, Selected: map[int]string{}}
	for i := 1; i <= c.ChoicesAllowed; i++ {
		page.Ranks = append(page.Ranks, i)
	}
	for _, f := range ch.Schools {
		page.Names[f.ID] = f.Name
		sc := applySchool{SchoolFacts: f, Walk: l.T("apply.fact.unknown"), Pupils: l.T("apply.fact.unknown")}
		if f.WalkM != nil {
			sc.Walk = l.Distance(*f.WalkM)
		}
		if f.Pupils != nil {
			sc.Pupils = l.Int(*f.Pupils)
		}
		for _, res := range f.Results {
			text := l.T("apply.fact.suppressed")
			if res.Latest.Has() {
				v := l.Number(*res.Latest.Value, 1)
				if res.Indicator.Unit == "percent" {
					v = l.Percent(*res.Latest.Value, 0)
				}
				text = l.T("apply.fact.value_year", "Value", v, "Year", res.Latest.Year)
			}
			sc.Results = append(sc.Results, applyResult{Label: l.T("apply.indicator." + res.Indicator.Key), Text: text})
		}
		page.Schools = append(page.Schools, sc)
	}
	if a := c.Application; a != nil {
		for i, id := range a.Choices {
			page.Selected[i+1] = id
		}
		if sub, ok := c.Guardian(a.SubmittedBy); ok {
			page.Submitter = sub.Name
		}
	}
	return page, nil
}

// applyChild shows a child's schools and application.
func (s *Server) applyChild(w http.ResponseWriter, r *http.Request) error {
	r, easy := s.applyEasy(r)
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	page, err := s.applyChildData(r, id)
	if err != nil {
		return err
	}
	page.Easy = easy
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "apply_child", formData{Values: map[string]string{}, Extra: page})
	return nil
}

// applyChoices reads the ranked choices of the form (choice1, choice2, …).
func applyChoices(r *http.Request, allowed int) []string {
	var out []string
	for i := 1; i <= allowed; i++ {
		out = append(out, strings.TrimSpace(r.PostFormValue("choice"+strconv.Itoa(i))))
	}
	return out
}

// applySubmit stores the ranked choices.
func (s *Server) applySubmit(w http.ResponseWriter, r *http.Request) error {
	r, easy := s.applyEasy(r)
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	page, err := s.applyChildData(r, id)
	if err != nil {
		return err
	}
	page.Easy = easy
	choices := applyChoices(r, page.Child.ChoicesAllowed)
	g, err := s.who(r)
	if err != nil {
		return err
	}
	lang := s.localizer(r).Lang
	if _, err = apply.Submit(r.Context(), s.db, s.applyMailer(r), g, id, choices, lang, time.Now()); err != nil {
		page.Selected = map[int]string{}
		for i, c := range choices {
			page.Selected[i+1] = c
		}
		return s.renderForm(w, r, "apply_child", formData{Values: map[string]string{}, Extra: page}, err)
	}
	s.opts.WakeMailer()
	s.flash(r, "apply.saved")
	http.Redirect(w, r, applyChildURL(id, easy), http.StatusSeeOther)
	return nil
}

// applyAnswer records the other custodian's answer.
func (s *Server) applyAnswer(w http.ResponseWriter, r *http.Request) error {
	r, easy := s.applyEasy(r)
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	g, err := s.who(r)
	if err != nil {
		return err
	}
	agree := r.PostFormValue("answer") == "agree"
	if err := apply.Answer(r.Context(), s.db, s.applyMailer(r), g, id, agree, s.localizer(r).Lang, time.Now()); err != nil {
		if app.Code(err) != app.EINVALID {
			return err
		}
		page, perr := s.applyChildData(r, id)
		if perr != nil {
			return perr
		}
		page.Easy = easy
		return s.renderForm(w, r, "apply_child", formData{Values: map[string]string{}, Extra: page}, err)
	}
	s.opts.WakeMailer()
	s.flash(r, "apply.answered")
	http.Redirect(w, r, applyChildURL(id, easy), http.StatusSeeOther)
	return nil
}

func applyChildURL(id int64, easy bool) string {
	u := "/apply/children/" + strconv.FormatInt(id, 10)
	if easy {
		u += "?easy=1"
	}
	return u
}
