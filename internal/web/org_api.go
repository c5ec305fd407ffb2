package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/privacy"
)

// The organization in the JSON API: the organizer, school forms, units,
// people and the aggregate overview.

type apiOrganizer struct {
	Name      string `json:"name"`
	Type      string `json:"type"`
	OrgNumber string `json:"orgNumber"`
	RegPrefix string `json:"registrationPrefix"`
}

func (s *Server) apiOrganizer(w http.ResponseWriter, r *http.Request) error {
	o, err := org.GetOrganizer(r.Context(), s.db)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, apiOrganizer{o.Name, o.Type, o.OrgNumber, o.RegPrefix})
}

type apiSchoolForm struct {
	Code    string `json:"code"`
	NameSV  string `json:"nameSv"`
	NameEN  string `json:"nameEn"`
	MinYear *int   `json:"minYear"`
	MaxYear *int   `json:"maxYear"`
}

func (s *Server) apiSchoolForms(w http.ResponseWriter, r *http.Request) error {
	forms, err := org.SchoolForms(r.Context(), s.db)
	if err != nil {
		return err
	}
	out := make([]apiSchoolForm, 0, len(forms))
	for _, f := range forms {
		out = append(out, apiSchoolForm{f.Code, f.NameSV, f.NameEN, f.MinYear, f.MaxYear})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

type apiUnitForm struct {
	Form     string `json:"form"`
	YearFrom *int   `json:"yearFrom"`
	YearTo   *int   `json:"yearTo"`
}

type apiCapacity struct {
	Form   string `json:"form"`
	Year   int    `json:"year"`
	Places int    `json:"places"`
}

type apiUnit struct {
	ID            int64         `json:"id"`
	Name          string        `json:"name"`
	Code          string        `json:"unitCode"`
	Area          string        `json:"area"`
	StreetAddress string        `json:"streetAddress"`
	PostalCode    string        `json:"postalCode"`
	City          string        `json:"city"`
	Lat           *float64      `json:"lat"`
	Lon           *float64      `json:"lon"`
	Active        bool          `json:"active"`
	Forms         []apiUnitForm `json:"schoolForms"`
	Capacity      []apiCapacity `json:"capacity"`
}

func toAPIUnit(u org.Unit) apiUnit {
	a := apiUnit{ID: u.ID, Name: u.Name, Code: u.Code, Area: u.AreaName, StreetAddress: u.StreetAddress,
		PostalCode: u.PostalCode, City: u.City, Lat: u.Lat, Lon: u.Lon, Active: u.Active,
		Forms: []apiUnitForm{}, Capacity: []apiCapacity{}}
	for _, f := range u.Forms {
		a.Forms = append(a.Forms, apiUnitForm{f.Form, f.YearFrom, f.YearTo})
	}
	for _, c := range u.Capacity {
		a.Capacity = append(a.Capacity, apiCapacity{c.Form, c.Year, c.Places})
	}
	return a
}

// apiPublicUnit is a unit as anyone may see it: enough to choose it in a
// complaint form.
type apiPublicUnit struct {
	ID          int64    `json:"id"`
	Name        string   `json:"name"`
	Code        string   `json:"unitCode"`
	City        string   `json:"city"`
	SchoolForms []string `json:"schoolForms"`
}

// apiUnits lists every active unit's public facts (for e-service
// platforms' complaint forms) to anyone, and to those who may read units
// (auth.ReadUnits) the units in their scope with all their facts.
func (s *Server) apiUnits(w http.ResponseWriter, r *http.Request) error {
	p := auth.FromContext(r.Context())
	if !p.Can(auth.ReadUnits) {
		units, err := org.ListUnits(r.Context(), s.db, auth.AllUnits())
		if err != nil {
			return err
		}
		out := make([]apiPublicUnit, 0, len(units))
		for _, u := range units {
			if !u.Active {
				continue
			}
			pu := apiPublicUnit{ID: u.ID, Name: u.Name, Code: u.Code, City: u.City, SchoolForms: []string{}}
			for _, f := range u.Forms {
				pu.SchoolForms = append(pu.SchoolForms, f.Form)
			}
			out = append(out, pu)
		}
		return writeJSON(w, http.StatusOK, map[string]any{"items": out})
	}
	units, err := org.ListUnits(r.Context(), s.db, org.UnitScope(p))
	if err != nil {
		return err
	}
	out := make([]apiUnit, 0, len(units))
	for _, u := range units {
		out = append(out, toAPIUnit(u))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

func (s *Server) apiUnit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	u, err := org.GetUnit(r.Context(), s.db, org.UnitScope(auth.FromContext(r.Context())), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAPIUnit(u))
}

type apiPerson struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Email      string     `json:"email"`
	Role       string     `json:"role"`
	Title      string     `json:"title"`
	Phone      string     `json:"phone"`
	Active     bool       `json:"active"`
	Units      []int64    `json:"units"`
	Categories []string   `json:"categories"`
	LastLogin  *time.Time `json:"lastLoginAt"`
}

func toAPIPerson(p org.Person) apiPerson {
	return apiPerson{p.ID, p.Name, p.Email, string(p.Role), p.Title, p.Phone, p.Active, nonNil(p.Units), nonNil(p.Categories), p.LastLoginAt}
}

func (s *Server) apiPeople(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f := org.PeopleFilter{Query: r.URL.Query().Get("q")}
	if role, ok := auth.ParseRole(r.URL.Query().Get("role")); ok {
		f.Role = role
	}
	f.UnitID, _ = strconv.ParseInt(r.URL.Query().Get("unit"), 10, 64)
	people, err := org.ListPeople(ctx, s.db, org.PeopleScope(auth.FromContext(ctx)), f)
	if err != nil {
		return err
	}
	out := make([]apiPerson, 0, len(people))
	for _, p := range people {
		out = append(out, toAPIPerson(p))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

func (s *Server) apiPerson(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := org.GetPerson(r.Context(), s.db, org.PeopleScope(auth.FromContext(r.Context())), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAPIPerson(p))
}

type apiTotal struct {
	Key    string `json:"key"` // school form code or area name
	Units  int    `json:"units"`
	Places int    `json:"places"`
}

type apiRoleCount struct {
	Role  string        `json:"role"`
	Count privacy.Count `json:"count"` // null when suppressed (a small group)
}

type apiOverview struct {
	Units    int            `json:"units"`
	MinGroup int            `json:"minGroup"`
	Forms    []apiTotal     `json:"schoolForms"`
	Areas    []apiTotal     `json:"areas"`
	Staff    []apiRoleCount `json:"staffByRole"`
}

func (s *Server) apiOverview(w http.ResponseWriter, r *http.Request) error {
	ov, err := org.GetOverview(r.Context(), s.db, s.opts.MinGroup)
	if err != nil {
		return err
	}
	out := apiOverview{Units: ov.Units, MinGroup: s.opts.MinGroup, Forms: []apiTotal{}, Areas: []apiTotal{}, Staff: []apiRoleCount{}}
	for _, f := range ov.Forms {
		out.Forms = append(out.Forms, apiTotal{f.Form.Code, f.Units, f.Places})
	}
	for _, a := range ov.Areas {
		out.Areas = append(out.Areas, apiTotal{a.Area, a.Units, a.Places})
	}
	for _, c := range ov.StaffRoles {
		out.Staff = append(out.Staff, apiRoleCount{c.Role, c.Count})
	}
	return writeJSON(w, http.StatusOK, out)
}
