package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/accessibility"
	"github.com/styrkedjan/styrkedjan/internal/app"
)

// The staff's assessment form (issue 16): reached through the unit code
// (typed at /a or in the link /a/{code}) or a personal link /a/{token},
// without an account. The answer is stored without the link, the person
// or the time (package accessibility).

type accessCodePage struct{}

// accessCode asks for the unit code; a typed code goes to its form.
func (s *Server) accessCode(w http.ResponseWriter, r *http.Request) error {
	if code := strings.TrimSpace(r.URL.Query().Get("code")); code != "" {
		http.Redirect(w, r, "/a/"+url.PathEscape(accessibility.NormalizeCode(code)), http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusOK, "accessibility_code", formData{Values: map[string]string{}, Extra: accessCodePage{}})
	return nil
}

type accessFormPage struct {
	*accessibility.Form
	Token  string
	Areas  []string
	Levels []int
}

// Field is a statement's form field.
func (accessFormPage) Field(id int64) string { return accessibility.StatementField(id) }

func (s *Server) accessForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderAccessForm(w, r, formData{Values: map[string]string{}}, nil)
}

func (s *Server) renderAccessForm(w http.ResponseWriter, r *http.Request, fd formData, err error) error {
	token := r.PathValue("token")
	f, ferr := accessibility.ByToken(r.Context(), s.db, token)
	if ferr != nil {
		if app.Code(ferr) == app.ECONFLICT {
			s.render(w, r, http.StatusConflict, "accessibility_thanks", formData{Extra: app.Errorf(app.ECONFLICT, ferr.(*app.Error).MsgID)})
			return nil
		}
		return ferr
	}
	fd.Extra = accessFormPage{Form: f, Token: token, Areas: accessibility.Areas, Levels: []int{1, 2, 3, 4, 5}}
	return s.renderForm(w, r, "accessibility_form", fd, err)
}

func (s *Server) submitAccessForm(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	if err := accessibility.Submit(r.Context(), s.db, token, r.PostFormValue); err != nil {
		if app.Code(err) == app.EINVALID {
			vals := map[string]string{}
			for k := range r.PostForm {
				vals[k] = r.PostFormValue(k)
			}
			return s.renderAccessForm(w, r, formData{Values: vals}, err)
		}
		if app.Code(err) == app.ECONFLICT {
			s.render(w, r, http.StatusConflict, "accessibility_thanks", formData{Extra: err})
			return nil
		}
		return err
	}
	s.render(w, r, http.StatusOK, "accessibility_thanks", formData{})
	return nil
}
