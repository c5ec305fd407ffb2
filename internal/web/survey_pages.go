package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/export"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/mail"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/survey"
)

// Pulse surveys for staff (issue 16): the list of rounds and, for those
// who manage surveys, the forms that build surveys from the bank and start
// rounds; the bank itself.

type surveysPage struct {
	Rounds    []survey.Round
	Surveys   []survey.Survey
	Bank      []survey.Question
	Audiences []string
}

// BankFor lists the bank's questions of one audience and kind.
func (p surveysPage) BankFor(audience, kind string) []survey.Question {
	var out []survey.Question
	for _, q := range p.Bank {
		if q.Audience == audience && q.Kind == kind {
			out = append(out, q)
		}
	}
	return out
}

func (s *Server) surveys(w http.ResponseWriter, r *http.Request) error {
	return s.renderSurveys(w, r, formData{Values: map[string]string{}}, nil)
}

func (s *Server) renderSurveys(w http.ResponseWriter, r *http.Request, fd formData, formErr error) error {
	ctx := r.Context()
	var page surveysPage
	var err error
	if page.Rounds, err = survey.Rounds(ctx, s.db); err != nil {
		return err
	}
	if auth.FromContext(ctx).Can(auth.ManageSurveys) {
		if page.Surveys, err = survey.Surveys(ctx, s.db); err != nil {
			return err
		}
		if page.Bank, err = survey.Questions(ctx, s.db); err != nil {
			return err
		}
	}
	page.Audiences = survey.Audiences
	fd.Extra = page
	return s.renderForm(w, r, "surveys", fd, formErr)
}

func (s *Server) createSurvey(w http.ResponseWriter, r *http.Request) error {
	vals := formValues(r, "name", "audience")
	in := survey.SurveyInput{Name: vals["name"], Audience: vals["audience"], Keys: r.PostForm["keys"]}
	in.FreeText = r.PostFormValue("free_text_" + in.Audience)
	if _, err := survey.CreateSurvey(r.Context(), s.db, in); err != nil {
		return s.renderSurveys(w, r, formData{Values: vals, Multi: map[string][]string{"keys": r.PostForm["keys"]}}, err)
	}
	s.flash(r, "saved")
	http.Redirect(w, r, "/surveys", http.StatusSeeOther)
	return nil
}

func (s *Server) createRound(w http.ResponseWriter, r *http.Request) error {
	vals := formValues(r, "survey", "round_name", "opens_on", "closes_on", "min_group")
	in := survey.RoundInput{Name: vals["round_name"], OpensOn: vals["opens_on"], ClosesOn: vals["closes_on"]}
	in.SurveyID, _ = strconv.ParseInt(vals["survey"], 10, 64)
	in.MinGroup, _ = strconv.Atoi(vals["min_group"])
	id, err := survey.CreateRound(r.Context(), s.db, in)
	if err != nil {
		if ae, ok := err.(*app.Error); ok {
			for i, f := range ae.Fields {
				if f.Field == "name" {
					ae.Fields[i].Field = "round_name"
				}
			}
		}
		return s.renderSurveys(w, r, formData{Values: vals}, err)
	}
	http.Redirect(w, r, "/surveys/rounds/"+idStr(id), http.StatusSeeOther)
	return nil
}

type surveyBankPage struct {
	Bank      []survey.Question
	Langs     []string
	Audiences []string
}

func (s *Server) surveyBank(w http.ResponseWriter, r *http.Request) error {
	return s.renderBank(w, r, formData{Values: map[string]string{}}, nil)
}

func (s *Server) renderBank(w http.ResponseWriter, r *http.Request, fd formData, formErr error) error {
	bank, err := survey.Questions(r.Context(), s.db)
	if err != nil {
		return err
	}
	fd.Extra = surveyBankPage{Bank: bank, Langs: bankLangs, Audiences: survey.Audiences}
	return s.renderForm(w, r, "survey_bank", fd, formErr)
}

var bankLangs = []string{"sv", "en", "ar", "so", "fa", i18n.EasySwedish}

// addSurveyQuestion adds the organizer's own question to the bank.
func (s *Server) addSurveyQuestion(w http.ResponseWriter, r *http.Request) error {
	vals := formValues(r, "key", "index", "audience", "kind")
	in := survey.QuestionInput{Key: vals["key"], Index: vals["index"], Audience: vals["audience"], Kind: vals["kind"], Texts: map[string]string{}}
	for _, l := range bankLangs {
		vals["text_"+l] = r.PostFormValue("text_" + l)
		in.Texts[l] = vals["text_"+l]
	}
	if _, err := survey.AddQuestion(r.Context(), s.db, in); err != nil {
		return s.renderBank(w, r, formData{Values: vals}, err)
	}
	s.flash(r, "saved")
	http.Redirect(w, r, "/surveys/bank", http.StatusSeeOther)
	return nil
}

// ---- A round ----

type surveyRoundPage struct {
	Round     survey.Round
	Results   survey.Results
	Table     export.Table
	Groups    []survey.Group
	Units     []org.Unit
	Manage    bool
	Texts     bool
	Open      bool
	ClassURL  string
	MailLangs []i18n.Language
}

func (s *Server) surveyRound(w http.ResponseWriter, r *http.Request) error {
	return s.renderRound(w, r, formData{Values: map[string]string{}}, nil)
}

func (s *Server) roundResults(r *http.Request) (survey.Results, export.Table, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return survey.Results{}, export.Table{}, err
	}
	res, err := survey.GetResults(r.Context(), s.db, id, s.opts.MinGroup, survey.Today())
	if err != nil {
		return res, export.Table{}, err
	}
	return res, surveyTable(res, s.pageLocalizer(r, "survey_round")), nil
}

func (s *Server) renderRound(w http.ResponseWriter, r *http.Request, fd formData, formErr error) error {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	res, table, err := s.roundResults(r)
	if err != nil {
		return err
	}
	page := surveyRoundPage{Round: res.Round, Results: res, Table: table, Manage: p.Can(auth.ManageSurveys),
		Texts: p.Can(auth.ReadSurveyTexts), Open: res.Round.OpenOn(survey.Today()), ClassURL: s.opts.PublicURL + "/survey/c/", MailLangs: i18n.FilerLanguages()}
	if page.Manage {
		if page.Groups, err = survey.Groups(ctx, s.db, res.Round.ID); err != nil {
			return err
		}
		if page.Units, err = org.ListUnits(ctx, s.db, auth.AllUnits()); err != nil {
			return err
		}
	}
	fd.Extra = page
	return s.renderForm(w, r, "survey_round", fd, formErr)
}

// surveyTable is the round's results as one table, shown on the page and
// exported: suppressed rows and values are texts, never numbers.
func surveyTable(res survey.Results, l *i18n.Localizer) export.Table {
	t := export.Table{ID: "results", Title: res.Round.Name,
		Columns: []string{l.T("survey.col.group"), l.T("survey.col.invited"), l.T("survey.col.answers"), l.T("survey.col.rate")}}
	t.Numeric = []bool{false, true, true, true}
	for _, m := range res.Measures {
		if m.Index {
			t.Columns = append(t.Columns, l.T("survey.index_col", map[string]any{"Index": indexName(m.Key, l)}))
		} else {
			t.Columns = append(t.Columns, m.Question.TextIn(l.Lang))
		}
		t.Numeric = append(t.Numeric, true)
	}
	hidden := l.T("survey.suppressed", map[string]any{"Min": res.MinGroup})
	for _, row := range res.Rows {
		name := l.T("survey.level.organizer")
		switch row.Level {
		case survey.LevelUnit:
			name = row.Unit
		case survey.LevelYear:
			name = row.Unit + " · " + l.T("survey.level.year", map[string]any{"Year": row.Year})
		case survey.LevelGroup:
			name = row.Unit + " · " + groupLabel(row, l)
		}
		cells := []export.Cell{export.Text(name), export.Number(float64(row.Invited), 0, l.Lang)}
		if row.Suppressed {
			cells = append(cells, export.Text(hidden), export.Text(hidden))
		} else {
			cells = append(cells, export.Number(float64(*row.Answers), 0, l.Lang))
			if row.Rate != nil {
				c := export.Cell{Num: row.Rate, Format: "0%", Text: l.Percent(*row.Rate*100, 0)}
				cells = append(cells, c)
			} else {
				cells = append(cells, export.Text("–"))
			}
		}
		if row.Level == survey.LevelOrganizer || row.Level == survey.LevelUnit {
			cells[0].Bold = true
		}
		for j, m := range res.Measures {
			v := row.Values[j]
			switch {
			case row.Suppressed:
				cells = append(cells, export.Text(hidden))
			case !res.Closed:
				cells = append(cells, export.Text(l.T("survey.after_close")))
			case v.Mean == nil:
				cells = append(cells, export.Text(l.T("survey.too_few")))
			case m.Index:
				cells = append(cells, export.Number(*v.Mean, 0, l.Lang))
			default:
				cells = append(cells, export.Number(*v.Mean, 1, l.Lang))
			}
		}
		t.Rows = append(t.Rows, cells)
	}
	t.Note = l.T("survey.table_note", map[string]any{"Min": res.MinGroup})
	return t
}

func groupLabel(row survey.Row, l *i18n.Localizer) string {
	switch {
	case row.Label != "":
		return row.Label
	case row.Kind == survey.KindGuardians:
		return l.T("survey.kind.guardians")
	default:
		return l.T("survey.kind.staff")
	}
}

func indexName(key string, l *i18n.Localizer) string {
	if n, ok := survey.IndexNames[key]; ok {
		if l.Lang == "en" {
			return n[1]
		}
		return n[0]
	}
	return key
}

func (s *Server) surveyResultsCSV(w http.ResponseWriter, r *http.Request) error {
	_, table, err := s.roundResults(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := export.WriteCSV(&buf, table, s.pageLocalizer(r, "survey_round").Lang); err != nil {
		return err
	}
	return download(w, "survey-"+r.PathValue("id")+".csv", "text/csv; charset=utf-8", buf.Bytes())
}

func (s *Server) addSurveyGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	vals := formValues(r, "unit", "year", "label", "invited")
	var in survey.GroupInput
	in.UnitID, _ = strconv.ParseInt(vals["unit"], 10, 64)
	in.Year, _ = strconv.Atoi(vals["year"])
	in.Invited, _ = strconv.Atoi(vals["invited"])
	in.Label = vals["label"]
	if _, err := survey.AddGroup(r.Context(), s.db, id, in); err != nil {
		return s.renderRound(w, r, formData{Values: vals}, err)
	}
	s.flash(r, "saved")
	http.Redirect(w, r, "/surveys/rounds/"+idStr(id), http.StatusSeeOther)
	return nil
}

func (s *Server) inviteSurvey(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	vals := formValues(r, "group", "language")
	vals["addresses"] = r.PostFormValue("addresses")
	gid, _ := strconv.ParseInt(vals["group"], 10, 64)
	round, err := survey.GetRound(r.Context(), s.db, id)
	if err != nil {
		return err
	}
	lang := vals["language"]
	if i18n.FilerLanguage(lang).Code != lang {
		lang = "sv"
	}
	l := s.catalog.For(lang)
	o, err := org.GetOrganizer(r.Context(), s.db)
	if err != nil {
		return err
	}
	addrs := strings.FieldsFunc(vals["addresses"], func(r rune) bool { return r == '\n' || r == ',' || r == ';' || r == ' ' || r == '\r' })
	err = survey.Invite(r.Context(), s.db, gid, addrs, func(to, tok string) mail.Message {
		link := s.opts.PublicURL + "/survey/p/" + tok
		if lang == i18n.EasySwedish {
			link += "?easy=1"
		}
		data := map[string]any{"Organizer": o.Name, "Link": link, "Closes": round.ClosesOn, "Survey": round.Name}
		return mail.Message{To: to, Subject: l.T("public.survey.mail_subject", data), Body: l.T("public.survey.mail_body", data)}
	})
	if err != nil {
		return s.renderRound(w, r, formData{Values: vals}, err)
	}
	if s.opts.WakeMailer != nil {
		s.opts.WakeMailer()
	}
	s.flash(r, "survey.invited_flash")
	http.Redirect(w, r, "/surveys/rounds/"+idStr(id), http.StatusSeeOther)
	return nil
}

func (s *Server) publishSurveyIndicators(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := survey.PublishIndicators(r.Context(), s.db, id, s.opts.MinGroup, survey.Today()); err != nil {
		return err
	}
	s.flash(r, "survey.published")
	http.Redirect(w, r, "/surveys/rounds/"+idStr(id), http.StatusSeeOther)
	return nil
}

// surveyQR is the QR code of a class's link, for the classroom.
func (s *Server) surveyQR(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	gid, err := pathID(r, "group")
	if err != nil {
		return err
	}
	groups, err := survey.Groups(r.Context(), s.db, id)
	if err != nil {
		return err
	}
	for _, g := range groups {
		if g.ID == gid && g.Code != "" {
			svg, err := survey.QRSVG(s.opts.PublicURL + "/survey/c/" + g.Code)
			if err != nil {
				return err
			}
			return sendSVG(w, svg)
		}
	}
	return app.NotFound()
}

// ---- Free texts ----

type surveyTextsPage struct {
	Round survey.Round
	Texts []survey.FreeText
}

func (s *Server) surveyTexts(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	round, err := survey.GetRound(r.Context(), s.db, id)
	if err != nil {
		return err
	}
	texts, err := survey.Texts(r.Context(), s.db, id, survey.Today())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "survey_texts", surveyTextsPage{Round: round, Texts: texts})
	return nil
}

func (s *Server) decideSurveyText(release bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if err := survey.DecideText(r.Context(), s.db, r.PathValue("text"), release); err != nil {
			return err
		}
		s.flash(r, "saved")
		http.Redirect(w, r, "/surveys/rounds/"+idStr(id)+"/texts", http.StatusSeeOther)
		return nil
	}
}
