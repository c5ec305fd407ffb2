package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/placement"
	"github.com/styrkedjan/styrkedjan/internal/placement/batch"
	"github.com/styrkedjan/styrkedjan/internal/placement/round"
)

// The rules form of a round (issue 15): priority order, sibling year
// groups, the alternative school, near-home limits, choices allowed and
// acceptance days in plain words; rules.toml stays the export and import.

type placementRulesPage struct {
	Round    *round.Round
	Criteria []string // every criterion, for the order's selects
	// Alternatives are the ways to choose the alternative school.
	Alternatives []string
	Positions    []int // 1..4
	Years        []int // 0..batch.MaxYear, for sibling year groups
	Form         round.RulesForm
	Rows         []int // 1..MaxNearHomeRows
	// ImportErrors are the imported TOML's line errors in the page's language.
	ImportErrors []string
	Imported     bool
}

func (s *Server) rulesPage(rd *round.Round, f round.RulesForm) placementRulesPage {
	pg := placementRulesPage{Round: rd, Form: f, Positions: []int{1, 2, 3, 4},
		Alternatives: []string{placement.Nearest.String(), placement.NearestWithRoom.String()}}
	for c := placement.Sibling; c <= placement.Lottery; c++ {
		pg.Criteria = append(pg.Criteria, c.String())
	}
	for y := 0; y <= batch.MaxYear; y++ {
		pg.Years = append(pg.Years, y)
	}
	for i := 1; i <= round.MaxNearHomeRows; i++ {
		pg.Rows = append(pg.Rows, i)
	}
	return pg
}

func (s *Server) placementRules(w http.ResponseWriter, r *http.Request) error {
	rd, err := s.loadRound(r)
	if err != nil {
		return err
	}
	_, _, rules, err := rd.Inputs()
	if err != nil {
		return err
	}
	set, err := round.GetSettings(r.Context(), s.db, rd.ID)
	if err != nil {
		return err
	}
	return s.renderForm(w, r, "placement_rules", formData{Values: map[string]string{}, Extra: s.rulesPage(rd, round.FormFromRules(rules, set))}, nil)
}

func rulesFormFrom(r *http.Request) round.RulesForm {
	var f round.RulesForm
	for i := range f.Criteria {
		f.Criteria[i] = r.PostFormValue("criterion_" + strconv.Itoa(i+1))
	}
	f.SiblingYears = r.PostForm["sibling_years"]
	f.Alternative = r.PostFormValue("alternative")
	f.Seed = r.PostFormValue("seed")
	for i := range f.NearHome {
		n := strconv.Itoa(i + 1)
		f.NearHome[i] = round.NearHomeRow{From: r.PostFormValue("near_home_" + n + "_from"), To: r.PostFormValue("near_home_" + n + "_to"),
			Meters: r.PostFormValue("near_home_" + n + "_meters")}
	}
	f.Choices, f.AcceptDays = r.PostFormValue("choices"), r.PostFormValue("accept_days")
	return f
}

// savePlacementRules saves the form; with "import" it fills the form from
// the pasted rules.toml instead, for the officer to check and save.
func (s *Server) savePlacementRules(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	rd, err := s.loadRound(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := rulesFormFrom(r)
	if r.PostFormValue("import") != "" {
		rules, err := round.ImportRules(r.PostFormValue("rules"), "rules")
		pg := s.rulesPage(rd, f)
		if err != nil {
			l := s.pageLocalizer(r, "placement_rules")
			err = round.LocalizeLineErrors(err, l.T)
			if ae := (*app.Error)(nil); errors.As(err, &ae) {
				for _, fe := range ae.Fields {
					pg.ImportErrors = append(pg.ImportErrors, l.T(fe.MsgID, fe.Data))
				}
			}
			return s.renderForm(w, r, "placement_rules", formData{Values: map[string]string{"rules": r.PostFormValue("rules")}, Extra: pg}, err)
		}
		set, err := round.GetSettings(ctx, s.db, rd.ID)
		if err != nil {
			return err
		}
		nf := round.FormFromRules(rules, set)
		pg.Form, pg.Imported = nf, true
		return s.renderForm(w, r, "placement_rules", formData{Values: map[string]string{}, Extra: pg}, nil)
	}
	_, _, keep, err := rd.Inputs()
	if err != nil {
		return err
	}
	err = f.Validate(keep)
	if err == nil {
		err = round.SaveRules(ctx, s.db, rd.ID, f.Rules, round.Settings{ChoicesAllowed: f.ChoicesN, AcceptDays: f.AcceptDaysN})
	}
	if err != nil {
		return s.renderForm(w, r, "placement_rules", formData{Values: map[string]string{}, Extra: s.rulesPage(rd, f)}, err)
	}
	s.flash(r, "rulesform.saved")
	http.Redirect(w, r, fmt.Sprintf("/placement/rounds/%d", rd.ID), http.StatusSeeOther)
	return nil
}

// placementRulesTOML exports the round's rules as rules.toml.
func (s *Server) placementRulesTOML(w http.ResponseWriter, r *http.Request) error {
	rd, err := s.loadRound(r)
	if err != nil {
		return err
	}
	return download(w, fmt.Sprintf("placering-%d-rules.toml", rd.ID), "application/toml; charset=utf-8", []byte(rd.RulesTOML))
}
