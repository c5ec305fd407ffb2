package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/survey"
)

// Pupils, guardians and staff answer a pulse survey: pupils through their
// class code (typed on /survey, or the class link /survey/c/{code} the QR
// code in the classroom holds), guardians and staff through their personal
// link /survey/p/{token}. These are public pages in every language and in
// easy-to-read Swedish (?easy=1, kept by the form). Nothing about the
// person is kept: answering is not audited, and no cookie is set.

type surveyFormPage struct {
	Form   survey.Form
	Action string
	Easy   bool
	Qs     []surveyQ
	Text   *surveyQ
	Lang   string
	Scale  []string
}

type surveyQ struct {
	ID    string
	Text  string
	Value string
}

// surveyLang switches the request to easy-to-read Swedish when asked.
func surveyLang(r *http.Request) (*http.Request, bool) {
	if r.FormValue("easy") == "1" {
		return r.WithContext(withLang(r.Context(), i18n.EasySwedish)), true
	}
	return r, false
}

func (s *Server) surveyCodeForm(w http.ResponseWriter, r *http.Request) error {
	r, easy := surveyLang(r)
	s.render(w, r, http.StatusOK, "survey_code", formData{Values: map[string]string{}, Extra: easy})
	return nil
}

// surveyCode sends a typed class code on to the class link.
func (s *Server) surveyCode(w http.ResponseWriter, r *http.Request) error {
	r, easy := surveyLang(r)
	code := survey.NormalizeCode(r.PostFormValue("code"))
	if _, err := survey.ByClassCode(r.Context(), s.db, code, survey.Today()); err != nil {
		if app.Code(err) == app.ENOTFOUND {
			var v app.Validation
			v.Add("code", "public.survey.err_code")
			return s.renderForm(w, r, "survey_code", formData{Values: map[string]string{"code": r.PostFormValue("code")}, Extra: easy}, v.Err())
		}
		return err
	}
	http.Redirect(w, r, "/survey/c/"+url.PathEscape(code)+easyQuery(easy), http.StatusSeeOther)
	return nil
}

func easyQuery(easy bool) string {
	if easy {
		return "?easy=1"
	}
	return ""
}

func (s *Server) surveyClass(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	return s.surveyShow(w, r, "/survey/c/"+url.PathEscape(code), func(ctx context.Context) (survey.Form, error) {
		return survey.ByClassCode(ctx, s.db, code, survey.Today())
	})
}

func (s *Server) surveyLink(w http.ResponseWriter, r *http.Request) error {
	tok := r.PathValue("token")
	return s.surveyShow(w, r, "/survey/p/"+url.PathEscape(tok), func(ctx context.Context) (survey.Form, error) {
		return survey.ByLink(ctx, s.db, tok, survey.Today())
	})
}

func (s *Server) surveyShow(w http.ResponseWriter, r *http.Request, action string, open func(context.Context) (survey.Form, error)) error {
	r, easy := surveyLang(r)
	f, err := open(r.Context())
	if err != nil {
		return s.surveyClosed(w, r, err)
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	return s.renderSurvey(w, r, f, action, easy, survey.Answers{}, nil)
}

// surveyClosed shows why a form cannot be answered (not open, used link)
// as a page of its own; other errors go the usual way.
func (s *Server) surveyClosed(w http.ResponseWriter, r *http.Request, err error) error {
	var e *app.Error
	if app.Code(err) != app.ECONFLICT || !errors.As(err, &e) {
		return err
	}
	s.render(w, r, http.StatusConflict, "survey_thanks", surveyDone{MsgID: e.MsgID, Data: e.Data})
	return nil
}

type surveyDone struct {
	MsgID string
	Data  map[string]any
}

func (s *Server) renderSurvey(w http.ResponseWriter, r *http.Request, f survey.Form, action string, easy bool, a survey.Answers, formErr error) error {
	lang := s.localizer(r).Lang
	page := surveyFormPage{Form: f, Action: action + easyQuery(easy), Easy: easy, Lang: lang,
		Scale: []string{"1", "2", "3", "4", "5", survey.DontKnow}}
	vals := map[string]string{}
	for _, q := range f.Round.Survey.Items {
		sq := surveyQ{ID: strconv.FormatInt(q.ID, 10), Text: q.TextIn(lang)}
		if q.Kind == survey.Text {
			sq.Value = a.Text
			page.Text = &sq
			vals["text"] = a.Text
			continue
		}
		sq.Value = a.Values[q.ID]
		page.Qs = append(page.Qs, sq)
	}
	return s.renderForm(w, r, "survey_form", formData{Values: vals, Extra: page}, formErr)
}

func (s *Server) surveyClassAnswer(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	return s.surveyAnswer(w, r, "/survey/c/"+url.PathEscape(code),
		func(ctx context.Context) (survey.Form, error) {
			return survey.ByClassCode(ctx, s.db, code, survey.Today())
		},
		func(ctx context.Context, a survey.Answers) error {
			return survey.SubmitClass(ctx, s.db, code, a, survey.Today())
		})
}

func (s *Server) surveyLinkAnswer(w http.ResponseWriter, r *http.Request) error {
	tok := r.PathValue("token")
	return s.surveyAnswer(w, r, "/survey/p/"+url.PathEscape(tok),
		func(ctx context.Context) (survey.Form, error) { return survey.ByLink(ctx, s.db, tok, survey.Today()) },
		func(ctx context.Context, a survey.Answers) error {
			return survey.SubmitLink(ctx, s.db, tok, a, survey.Today())
		})
}

func (s *Server) surveyAnswer(w http.ResponseWriter, r *http.Request, action string, open func(context.Context) (survey.Form, error),
	submit func(context.Context, survey.Answers) error) error {
	r, easy := surveyLang(r)
	f, err := open(r.Context())
	if err != nil {
		return s.surveyClosed(w, r, err)
	}
	a := survey.Answers{Values: map[int64]string{}, Text: r.PostFormValue("text")}
	for _, q := range f.Round.Survey.Statements() {
		a.Values[q.ID] = r.PostFormValue("q" + strconv.FormatInt(q.ID, 10))
	}
	if err := submit(r.Context(), a); err != nil {
		if app.Code(err) == app.EINVALID {
			return s.renderSurvey(w, r, f, action, easy, a, err)
		}
		return s.surveyClosed(w, r, err)
	}
	s.render(w, r, http.StatusOK, "survey_thanks", surveyDone{})
	return nil
}
