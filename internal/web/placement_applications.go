package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/placement/apply"
	"github.com/styrkedjan/styrkedjan/internal/placement/round"
)

// The officer's side of guardians' applications (issue 15): a round's
// applications by status and the children without one, and the schools'
// own texts that guardians see.

type placementApplicationsPage struct {
	Round *round.Round
	List  *apply.RoundApplications
	Names map[string]string // school ID → name
}

// Statuses lists the statuses in the order the page shows them.
func (placementApplicationsPage) Statuses() []string {
	return []string{apply.StatusDisputed, apply.StatusWaiting, apply.StatusAgreed}
}

func (s *Server) placementApplications(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	list, err := apply.Overview(ctx, s.db, id, time.Now())
	if err != nil {
		return err
	}
	rd, err := round.Get(ctx, s.db, id)
	if err != nil {
		return err
	}
	page := placementApplicationsPage{Round: rd, List: list, Names: map[string]string{}}
	if schools, err := rd.Schools(); err == nil {
		for _, sc := range schools {
			page.Names[sc.ID] = sc.Name
		}
	}
	s.render(w, r, http.StatusOK, "placement_applications", page)
	return nil
}

// schoolTexts lists the texts the person may write.
func (s *Server) schoolTexts(w http.ResponseWriter, r *http.Request) error {
	list, err := apply.SchoolTexts(r.Context(), s.db)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "placement_school_texts", formData{Values: map[string]string{}, Extra: list})
	return nil
}

// saveSchoolText stores one unit's text.
func (s *Server) saveSchoolText(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "unit")
	if err != nil {
		return err
	}
	if err := apply.SetSchoolText(r.Context(), s.db, id, r.PostFormValue("text")); err != nil {
		list, lerr := apply.SchoolTexts(r.Context(), s.db)
		if lerr != nil {
			return lerr
		}
		for i := range list {
			if list[i].UnitID == id {
				list[i].Text = r.PostFormValue("text")
			}
		}
		if ae, ok := err.(*app.Error); ok { // the field of this unit's form
			for i := range ae.Fields {
				ae.Fields[i].Field = "text-" + strconv.FormatInt(id, 10)
			}
		}
		return s.renderForm(w, r, "placement_school_texts", formData{Values: map[string]string{}, Extra: list}, err)
	}
	s.flash(r, "applyweb.texts.saved")
	http.Redirect(w, r, "/placement/school-texts", http.StatusSeeOther)
	return nil
}
