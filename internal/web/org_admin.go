package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/mail"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

func (s *Server) adminHome(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "admin", nil)
	return nil
}

// --- Organizer ---

func (s *Server) organizerForm(w http.ResponseWriter, r *http.Request) error {
	o, err := org.GetOrganizer(r.Context(), s.db)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if o.Type == "" {
		o.Type = org.Municipal
	}
	return s.renderForm(w, r, "organizer", formData{Values: map[string]string{
		"name": o.Name, "type": o.Type, "org_number": o.OrgNumber, "reg_prefix": o.RegPrefix, "email": o.Email,
		"phone": o.Phone, "website": o.Website, "privacy_url": o.PrivacyURL,
	}, Extra: o}, nil)
}

// maxLogoUpload is the largest logo file read; org.SaveLogo then holds it
// to org.MaxLogoBytes with a message that names that limit.
const maxLogoUpload = 1 << 20

// saveOrganizer stores the organizer's details and, in the same form, a
// new logo (multipart field "logo") or its removal ("logo_remove").
func (s *Server) saveOrganizer(w http.ResponseWriter, r *http.Request) error {
	cleanup, err := parseUpload(w, r, "logo")
	defer cleanup()
	vals := formValues(r, "name", "type", "org_number", "reg_prefix", "email", "phone", "website", "privacy_url", "logo_remove")
	current, _ := org.GetOrganizer(r.Context(), s.db)
	if err == nil {
		err = store.InTx(r.Context(), s.db, func(tx *store.Tx) error {
			if err := org.SaveOrganizer(r.Context(), tx, org.Organizer{
				Name: vals["name"], Type: vals["type"], OrgNumber: vals["org_number"], RegPrefix: vals["reg_prefix"], Email: vals["email"],
				Phone: vals["phone"], Website: vals["website"], PrivacyURL: vals["privacy_url"],
			}); err != nil {
				return err
			}
			logo, _, err := readUpload(r, "logo", maxLogoUpload)
			switch {
			case err != nil:
				return err
			case logo != nil:
				return org.SaveLogo(r.Context(), tx, logo)
			case vals["logo_remove"] == "on":
				return org.SaveLogo(r.Context(), tx, nil)
			}
			return nil
		})
	}
	if err != nil {
		return s.renderForm(w, r, "organizer", formData{Values: vals, Extra: current}, err)
	}
	s.flash(r, "saved")
	http.Redirect(w, r, "/admin/organizer", http.StatusSeeOther)
	return nil
}

// optInt parses an optional whole number; blank is nil.
func optInt(v *app.Validation, field, s string) *int {
	if s == "" {
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		v.Add(field, "field.number")
		return nil
	}
	return &n
}

// optFloat parses an optional decimal number, accepting a decimal comma.
func optFloat(v *app.Validation, field, s string) *float64 {
	if s == "" {
		return nil
	}
	f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil {
		v.Add(field, "field.number")
		return nil
	}
	return &f
}

// --- School forms ---

func (s *Server) schoolForms(w http.ResponseWriter, r *http.Request) error {
	return s.schoolFormsPage(w, r, formData{Values: map[string]string{}}, nil)
}

func (s *Server) schoolFormsPage(w http.ResponseWriter, r *http.Request, fd formData, err error) error {
	forms, lerr := org.SchoolForms(r.Context(), s.db)
	if lerr != nil {
		return lerr
	}
	fd.Extra = forms
	return s.renderForm(w, r, "school_forms", fd, err)
}

func (s *Server) saveSchoolForm(w http.ResponseWriter, r *http.Request) error {
	vals := formValues(r, "code", "name_sv", "name_en", "min_year", "max_year", "sort")
	var v app.Validation
	f := org.SchoolForm{Code: vals["code"], NameSV: vals["name_sv"], NameEN: vals["name_en"],
		MinYear: optInt(&v, "min_year", vals["min_year"]), MaxYear: optInt(&v, "max_year", vals["max_year"])}
	if sort := optInt(&v, "sort", vals["sort"]); sort != nil {
		f.Sort = *sort
	}
	err := v.Err()
	if err == nil {
		err = org.SaveSchoolForm(r.Context(), s.db, f)
	}
	if err != nil {
		return s.schoolFormsPage(w, r, formData{Values: vals}, err)
	}
	s.flash(r, "saved")
	http.Redirect(w, r, "/admin/school-forms", http.StatusSeeOther)
	return nil
}

// --- Areas ---

func (s *Server) areas(w http.ResponseWriter, r *http.Request) error {
	return s.areasPage(w, r, formData{Values: map[string]string{}}, nil)
}

func (s *Server) areasPage(w http.ResponseWriter, r *http.Request, fd formData, err error) error {
	areas, lerr := org.Areas(r.Context(), s.db)
	if lerr != nil {
		return lerr
	}
	fd.Extra = areas
	return s.renderForm(w, r, "areas", fd, err)
}

func (s *Server) saveArea(w http.ResponseWriter, r *http.Request) error {
	vals := formValues(r, "id", "name")
	id, _ := strconv.ParseInt(vals["id"], 10, 64)
	if _, err := org.SaveArea(r.Context(), s.db, org.Area{ID: id, Name: vals["name"]}); err != nil {
		return s.areasPage(w, r, formData{Values: vals}, err)
	}
	s.flash(r, "saved")
	http.Redirect(w, r, "/admin/areas", http.StatusSeeOther)
	return nil
}

func (s *Server) deleteArea(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := org.DeleteArea(r.Context(), s.db, id); err != nil {
		return err
	}
	s.flash(r, "deleted")
	http.Redirect(w, r, "/admin/areas", http.StatusSeeOther)
	return nil
}

// --- Units ---

// unitFormExtra is what the unit form needs besides the values.
type unitFormExtra struct {
	ID    int64
	Forms []org.SchoolForm
	Areas []org.Area
	Years map[string][]int // form code -> years to show capacity fields for
}

func (s *Server) unitForm(w http.ResponseWriter, r *http.Request) error {
	u := org.Unit{Active: true}
	if r.PathValue("id") != "" {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if u, err = org.GetUnit(r.Context(), s.db, auth.AllUnits(), id); err != nil {
			return err
		}
	}
	return s.unitFormPage(w, r, u, unitValues(u), nil)
}

// unitValues flattens a unit into form values: form.CODE, from.CODE,
// to.CODE and cap.CODE.YEAR for the per-form fields.
func unitValues(u org.Unit) map[string]string {
	vals := map[string]string{
		"name": u.Name, "code": u.Code, "street_address": u.StreetAddress, "postal_code": u.PostalCode,
		"city": u.City, "email": u.Email, "phone": u.Phone,
	}
	if u.AreaID != nil {
		vals["area"] = idStr(*u.AreaID)
	}
	if u.Lat != nil {
		vals["lat"] = strconv.FormatFloat(*u.Lat, 'f', -1, 64)
		vals["lon"] = strconv.FormatFloat(*u.Lon, 'f', -1, 64)
	}
	if u.Active {
		vals["active"] = "on"
	}
	if u.Pupils != nil {
		vals["pupils"] = strconv.Itoa(*u.Pupils)
	}
	for _, f := range u.Forms {
		vals["form."+f.Form] = "on"
		if f.YearFrom != nil {
			vals["from."+f.Form] = strconv.Itoa(*f.YearFrom)
			vals["to."+f.Form] = strconv.Itoa(*f.YearTo)
		}
	}
	for _, c := range u.Capacity {
		vals[fmt.Sprintf("cap.%s.%d", c.Form, c.Year)] = strconv.Itoa(c.Places)
	}
	return vals
}

func (s *Server) unitFormPage(w http.ResponseWriter, r *http.Request, u org.Unit, vals map[string]string, err error) error {
	ctx := r.Context()
	forms, lerr := org.SchoolForms(ctx, s.db)
	if lerr != nil {
		return lerr
	}
	areas, lerr := org.Areas(ctx, s.db)
	if lerr != nil {
		return lerr
	}
	years := map[string][]int{}
	for _, f := range u.Forms {
		years[f.Form] = f.Years()
	}
	return s.renderForm(w, r, "unit_form", formData{Values: vals, Extra: unitFormExtra{ID: u.ID, Forms: forms, Areas: areas, Years: years}}, err)
}

func (s *Server) saveUnit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var u org.Unit
	if r.PathValue("id") != "" {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		u.ID = id
	}
	if err := r.ParseForm(); err != nil {
		return app.Errorf(app.EINVALID, "err.invalid")
	}
	vals := formValues(r, "name", "code", "area", "street_address", "postal_code", "city", "lat", "lon", "email", "phone", "pupils", "active")
	var v app.Validation
	u.Name, u.Code, u.StreetAddress, u.PostalCode, u.City = vals["name"], vals["code"], vals["street_address"], vals["postal_code"], vals["city"]
	u.Email, u.Phone, u.Active = vals["email"], vals["phone"], vals["active"] == "on"
	if vals["area"] != "" {
		if id, err := strconv.ParseInt(vals["area"], 10, 64); err == nil {
			u.AreaID = &id
		}
	}
	u.Lat, u.Lon = optFloat(&v, "lat", vals["lat"]), optFloat(&v, "lon", vals["lon"])
	u.Pupils = optInt(&v, "pupils", vals["pupils"])
	forms, err := org.SchoolForms(ctx, s.db)
	if err != nil {
		return err
	}
	for _, f := range forms {
		if r.PostFormValue("form."+f.Code) != "on" {
			continue
		}
		vals["form."+f.Code] = "on"
		uf := org.UnitForm{Form: f.Code}
		if f.HasYears() {
			vals["from."+f.Code], vals["to."+f.Code] = r.PostFormValue("from."+f.Code), r.PostFormValue("to."+f.Code)
			uf.YearFrom = optInt(&v, "forms."+f.Code, vals["from."+f.Code])
			uf.YearTo = optInt(&v, "forms."+f.Code, vals["to."+f.Code])
		}
		u.Forms = append(u.Forms, uf)
	}
	// Capacity fields are named cap.FORM.YEAR; blank means not set.
	for key, vs := range r.PostForm {
		rest, ok := strings.CutPrefix(key, "cap.")
		if !ok || len(vs) == 0 || strings.TrimSpace(vs[0]) == "" {
			continue
		}
		form, yearStr, ok := strings.Cut(rest, ".")
		year, yerr := strconv.Atoi(yearStr)
		if !ok || yerr != nil || !u.Offers(form) {
			continue // capacity of a form no longer offered is dropped
		}
		vals[key] = strings.TrimSpace(vs[0])
		if places := optInt(&v, key, vals[key]); places != nil {
			u.Capacity = append(u.Capacity, org.Capacity{Form: form, Year: year, Places: *places})
		}
	}
	err = v.Err()
	if err == nil {
		err = org.SaveUnit(ctx, s.db, &u)
	}
	if err != nil {
		return s.unitFormPage(w, r, u, vals, err)
	}
	s.flash(r, "saved")
	http.Redirect(w, r, "/admin/units/"+idStr(u.ID), http.StatusSeeOther)
	return nil
}

// --- People ---

type personFormExtra struct {
	ID         int64
	Roles      []auth.Role
	Units      []org.Unit
	Categories []org.Category
	Person     org.Person
}

func (s *Server) personForm(w http.ResponseWriter, r *http.Request) error {
	p := org.Person{Active: true, Role: auth.RoleOfficer}
	if r.PathValue("id") != "" {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if p, err = org.GetPerson(r.Context(), s.db, auth.AllUnits(), id); err != nil {
			return err
		}
	}
	vals := map[string]string{"name": p.Name, "email": p.Email, "role": string(p.Role), "title": p.Title, "phone": p.Phone}
	if p.Active {
		vals["active"] = "on"
	}
	return s.personFormPage(w, r, p, vals, nil)
}

func (s *Server) personFormPage(w http.ResponseWriter, r *http.Request, p org.Person, vals map[string]string, err error) error {
	ctx := r.Context()
	units, lerr := org.ListUnits(ctx, s.db, auth.AllUnits())
	if lerr != nil {
		return lerr
	}
	cats, lerr := org.Categories(ctx, s.db)
	if lerr != nil {
		return lerr
	}
	extra := personFormExtra{ID: p.ID, Roles: auth.Roles, Units: units, Categories: cats, Person: p}
	return s.renderForm(w, r, "person_form", formData{Values: vals, Extra: extra}, err)
}

func (s *Server) savePerson(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var p org.Person
	if r.PathValue("id") != "" {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		p.ID = id
		// Keep what the form does not edit (password state, last login).
		if old, err := org.GetPerson(ctx, s.db, auth.AllUnits(), id); err == nil {
			p.HasPassword, p.LastLoginAt = old.HasPassword, old.LastLoginAt
		} else {
			return err
		}
	}
	if err := r.ParseForm(); err != nil {
		return app.Errorf(app.EINVALID, "err.invalid")
	}
	vals := formValues(r, "name", "email", "role", "title", "phone", "active")
	p.Name, p.Email, p.Role, p.Title, p.Phone = vals["name"], vals["email"], auth.Role(vals["role"]), vals["title"], vals["phone"]
	p.Active = vals["active"] == "on"
	for _, s := range r.PostForm["units"] {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			p.Units = append(p.Units, id)
		}
	}
	p.Categories = r.PostForm["categories"]
	if org.LocksOut(auth.FromContext(ctx), p) {
		var v app.Validation
		v.Add("role", "field.self_lockout")
		return s.personFormPage(w, r, p, vals, v.Err())
	}
	if err := org.SavePerson(ctx, s.db, &p); err != nil {
		return s.personFormPage(w, r, p, vals, err)
	}
	s.flash(r, "saved")
	http.Redirect(w, r, "/admin/people/"+idStr(p.ID), http.StatusSeeOther)
	return nil
}

// invitePerson mails a person a link to choose their password (valid a week).
func (s *Server) invitePerson(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := org.GetPerson(ctx, s.db, auth.AllUnits(), id)
	if err != nil {
		return err
	}
	if !p.Active {
		return app.Errorf(app.EINVALID, "people.invite_inactive")
	}
	if err := s.sendPasswordLink(ctx, s.localizer(r), p.Email, auth.InviteTTL, "invite.mail_subject", "invite.mail_body"); err != nil {
		return err
	}
	s.flash(r, "people.invited")
	http.Redirect(w, r, "/admin/people/"+idStr(id), http.StatusSeeOther)
	return nil
}

// --- Mail queue ---

func (s *Server) outbox(w http.ResponseWriter, r *http.Request) error {
	entries, err := mail.Recent(r.Context(), s.db)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "outbox", entries)
	return nil
}

// organizerLogo serves the organizer's logo for the public pages' header:
// cached for an hour, revalidated by its time of change.
func (s *Server) organizerLogo(w http.ResponseWriter, r *http.Request) error {
	data, typ, at, err := org.Logo(r.Context(), s.db)
	if errors.Is(err, store.ErrNotFound) {
		return app.NotFound()
	}
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", typ)
	h.Set("Cache-Control", "public, max-age=3600")
	h.Set("Content-Security-Policy", "default-src 'none'")
	http.ServeContent(w, r, "logo", at, bytes.NewReader(data))
	return nil
}
