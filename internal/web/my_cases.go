package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/placement/apply"
	"github.com/styrkedjan/styrkedjan/internal/placement/round"
)

// "Mina ärenden": the cases a guardian filed while signed in with
// e-identification (complaint.GuardianCases decides which).
type myCasesPage struct {
	SignedIn bool
	Cases    []*complaint.Case
	// Applications: the children the guardian applies for a school for
	// (issue 15), with their applications' state.
	Applications []*apply.Child
	// Decisions: school placement decisions of the guardian's children (issue 15).
	Decisions []round.MyDecision
}

func (s *Server) myCases(w http.ResponseWriter, r *http.Request) error {
	if s.opts.GuardianSSO == nil {
		return app.NotFound()
	}
	page := myCasesPage{SignedIn: auth.FromContext(r.Context()).GuardianID != 0}
	if page.SignedIn {
		var err error
		if page.Cases, err = complaint.GuardianCases(r.Context(), s.db); err != nil {
			return err
		}
		g, err := apply.ForEID(r.Context(), s.db, auth.FromContext(r.Context()).GuardianID)
		if err != nil {
			return err
		}
		if page.Applications, err = apply.Children(r.Context(), s.db, g, time.Now()); err != nil {
			return err
		}
		if page.Decisions, err = round.GuardianDecisions(r.Context(), s.db); err != nil {
			return err
		}
	}
	s.render(w, r, http.StatusOK, "my_cases", page)
	return nil
}

// myCase shows one of them as the follow-up link would, without the
// link, with the form for the filer's reply.
func (s *Server) myCase(w http.ResponseWriter, r *http.Request) error {
	return s.myCasePage(w, r, map[string]string{}, nil)
}

func (s *Server) myCasePage(w http.ResponseWriter, r *http.Request, vals map[string]string, ferr error) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return app.NotFound()
	}
	fc, err := complaint.GuardianCase(r.Context(), s.db, id)
	if err != nil {
		return err
	}
	page := followUpPage{Case: fc.Case, Events: fc.Events, Values: vals, FilerLang: languageOf(fc.Case.Language), Mine: true}
	if page.Handler, err = s.handlerLabel(r.Context(), s.pageLocalizer(r, "followup"), fc.Case); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.renderForm(w, r, "followup", formData{Values: vals, Extra: page}, ferr)
}

// myCaseReply takes the guardian's reply to their case (complaint.GuardianReply).
func (s *Server) myCaseReply(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return app.NotFound()
	}
	vals := map[string]string{}
	cleanup, err := parseUpload(w, r, "files")
	defer cleanup()
	if err != nil {
		return s.myCasePage(w, r, vals, err)
	}
	vals["body"] = r.FormValue("body")
	files, err := formFiles(r, "files")
	if err == nil {
		err = complaint.GuardianReply(r.Context(), s.db, id, vals["body"], files, time.Now(), s.composer(), complaint.PersonEmail(r.Context(), s.db))
	}
	if err != nil {
		return s.myCasePage(w, r, vals, err)
	}
	s.opts.WakeMailer()
	s.flash(r, "public.reply_sent")
	http.Redirect(w, r, "/my-cases/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}
