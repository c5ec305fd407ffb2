package web

import (
	"net/http"
	"strconv"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/org"
)

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

// orgLookups is what pages need to show names for codes and ids.
type orgLookups struct {
	Forms     []org.SchoolForm
	unitsByID map[int64]org.Unit
}

func (o orgLookups) FormName(code, lang string) string {
	for _, f := range o.Forms {
		if f.Code == code {
			return f.Name(lang)
		}
	}
	return code
}

func (o orgLookups) UnitName(id int64) string { return o.unitsByID[id].Name }

func (s *Server) lookups(r *http.Request) (orgLookups, error) {
	ctx := r.Context()
	forms, err := org.SchoolForms(ctx, s.db)
	if err != nil {
		return orgLookups{}, err
	}
	// Unit names are not personal data; every page may name any unit.
	units, err := org.ListUnits(ctx, s.db, auth.AllUnits())
	if err != nil {
		return orgLookups{}, err
	}
	byID := make(map[int64]org.Unit, len(units))
	for _, u := range units {
		byID[u.ID] = u
	}
	return orgLookups{Forms: forms, unitsByID: byID}, nil
}

type overviewPage struct {
	org.Overview
	MinGroup int
}

func (s *Server) overview(w http.ResponseWriter, r *http.Request) error {
	ov, err := org.GetOverview(r.Context(), s.db, s.opts.MinGroup)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "overview", overviewPage{ov, s.opts.MinGroup})
	return nil
}

type unitsPage struct {
	orgLookups
	List []org.Unit
}

func (s *Server) unitList(w http.ResponseWriter, r *http.Request) error {
	p := auth.FromContext(r.Context())
	units, err := org.ListUnits(r.Context(), s.db, org.UnitScope(p))
	if err != nil {
		return err
	}
	lk, err := s.lookups(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "units", unitsPage{lk, units})
	return nil
}

type unitPage struct {
	orgLookups
	Unit  org.Unit
	Staff []org.Person
	// ShowStaff is false when the role may not read people at this unit.
	ShowStaff bool
}

func (s *Server) unitPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p := auth.FromContext(ctx)
	u, err := org.GetUnit(ctx, s.db, org.UnitScope(p), id)
	if err != nil {
		return err
	}
	page := unitPage{Unit: u}
	if people := org.PeopleScope(p); people.Contains(id) {
		page.ShowStaff = true
		if page.Staff, err = org.ListPeople(ctx, s.db, people, org.PeopleFilter{UnitID: id}); err != nil {
			return err
		}
	}
	if page.orgLookups, err = s.lookups(r); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "unit", page)
	return nil
}

type peoplePage struct {
	orgLookups
	List   []org.Person
	Filter org.PeopleFilter
	Roles  []auth.Role
}

func (s *Server) peopleList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f := org.PeopleFilter{Query: r.URL.Query().Get("q")}
	if role, ok := auth.ParseRole(r.URL.Query().Get("role")); ok {
		f.Role = role
	}
	if id, err := strconv.ParseInt(r.URL.Query().Get("unit"), 10, 64); err == nil {
		f.UnitID = id
	}
	people, err := org.ListPeople(ctx, s.db, org.PeopleScope(auth.FromContext(ctx)), f)
	if err != nil {
		return err
	}
	lk, err := s.lookups(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "people", peoplePage{lk, people, f, auth.Roles})
	return nil
}

type personPage struct {
	orgLookups
	Person org.Person
}

func (s *Server) personPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	person, err := org.GetPerson(ctx, s.db, org.PeopleScope(auth.FromContext(ctx)), id)
	if err != nil {
		return err
	}
	lk, err := s.lookups(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "person", personPage{lk, person})
	return nil
}
