package web

import (
	"net/http"
	"strconv"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/org"
)

type complaintSettingsPage struct {
	Officers   []org.Person
	Categories []org.Category
}

func (s *Server) complaintSettings(w http.ResponseWriter, r *http.Request) error {
	st, err := complaint.GetSettings(r.Context(), s.db)
	if err != nil {
		return err
	}
	vals := map[string]string{"ack_days": strconv.Itoa(st.AckDays), "answer_days": strconv.Itoa(st.AnswerDays),
		"remind_days": strconv.Itoa(st.RemindDays)}
	if st.ComplaintOfficerID != nil {
		vals["officer"] = idStr(*st.ComplaintOfficerID)
	}
	if st.RetentionMonths != nil {
		vals["retention_months"] = strconv.Itoa(*st.RetentionMonths)
	}
	return s.complaintSettingsPage(w, r, vals, nil)
}

func (s *Server) complaintSettingsPage(w http.ResponseWriter, r *http.Request, vals map[string]string, err error) error {
	ctx := r.Context()
	officers, lerr := org.ListPeople(ctx, s.db, auth.AllUnits(), org.PeopleFilter{Role: auth.RoleOfficer})
	if lerr != nil {
		return lerr
	}
	cats, lerr := org.Categories(ctx, s.db)
	if lerr != nil {
		return lerr
	}
	return s.renderForm(w, r, "complaint_settings", formData{Values: vals, Extra: complaintSettingsPage{officers, cats}}, err)
}

func (s *Server) saveComplaintSettings(w http.ResponseWriter, r *http.Request) error {
	vals := formValues(r, "ack_days", "answer_days", "remind_days", "officer", "retention_months")
	var v app.Validation
	st := complaint.Settings{}
	for _, f := range []struct {
		name string
		dst  *int
	}{{"ack_days", &st.AckDays}, {"answer_days", &st.AnswerDays}, {"remind_days", &st.RemindDays}} {
		if n := optInt(&v, f.name, vals[f.name]); n != nil {
			*f.dst = *n
		} else if !v.Has(f.name) {
			v.Add(f.name, "field.required")
		}
	}
	if id, err := strconv.ParseInt(vals["officer"], 10, 64); err == nil {
		st.ComplaintOfficerID = &id
	}
	st.RetentionMonths = optInt(&v, "retention_months", vals["retention_months"])
	err := v.Err()
	if err == nil {
		err = complaint.SaveSettings(r.Context(), s.db, st)
	}
	if err != nil {
		return s.complaintSettingsPage(w, r, vals, err)
	}
	s.flash(r, "saved")
	http.Redirect(w, r, "/admin/complaints", http.StatusSeeOther)
	return nil
}

func (s *Server) saveCategory(w http.ResponseWriter, r *http.Request) error {
	vals := formValues(r, "code", "name_sv", "name_en", "active")
	c := org.Category{Code: vals["code"], NameSV: vals["name_sv"], NameEN: vals["name_en"], Active: vals["active"] == "on"}
	if err := org.SaveCategory(r.Context(), s.db, c); err != nil {
		st, _ := complaint.GetSettings(r.Context(), s.db)
		all := map[string]string{"ack_days": strconv.Itoa(st.AckDays), "answer_days": strconv.Itoa(st.AnswerDays),
			"remind_days": strconv.Itoa(st.RemindDays), "code": vals["code"], "name_sv": vals["name_sv"], "name_en": vals["name_en"]}
		return s.complaintSettingsPage(w, r, all, err)
	}
	s.flash(r, "saved")
	http.Redirect(w, r, "/admin/complaints", http.StatusSeeOther)
	return nil
}
