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

// myCase shows one of them as the follow-up link would, without the link.
func (s *Server) myCase(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return app.NotFound()
	}
	fc, err := complaint.GuardianCase(r.Context(), s.db, id)
	if err != nil {
		return err
	}
	page := followUpPage{Case: fc.Case, Events: fc.Events, Values: map[string]string{}, FilerLang: languageOf(fc.Case.Language)}
	if page.Handler, err = s.handlerLabel(r.Context(), s.pageLocalizer(r, "followup"), fc.Case); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "followup", formData{Values: page.Values, Extra: page})
	return nil
}
