package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/meeting"
	"github.com/styrkedjan/styrkedjan/internal/org"
)

// Principals' meetings: the list with the form for a new meeting, the
// agenda with its forms, and the agenda as PDF. Scope and rights are
// decided in package meeting.

type meetingsPage struct {
	Meetings  []meeting.Summary
	CanCreate bool
	Units     []org.Unit // active units, for the new meeting's form
}

func (s *Server) meetings(w http.ResponseWriter, r *http.Request) error {
	d, err := meeting.Defaults(r.Context(), s.db, time.Now())
	if err != nil {
		return err
	}
	fd := formData{
		Values: map[string]string{"title": s.pageLocalizer(r, "meetings").T("meetings.default_title", "Date", d.HeldOn),
			"held_on": d.HeldOn, "period_from": d.From, "period_to": d.To},
		Multi: map[string][]string{"units": idStrings(d.UnitIDs)},
	}
	return s.meetingsList(w, r, fd, nil)
}

func (s *Server) meetingsList(w http.ResponseWriter, r *http.Request, fd formData, formErr error) error {
	ctx := r.Context()
	list, err := meeting.List(ctx, s.db)
	if err != nil {
		return err
	}
	page := meetingsPage{Meetings: list, CanCreate: meeting.MayCreate(auth.FromContext(ctx))}
	if page.CanCreate {
		if page.Units, err = org.ActiveUnits(ctx, s.db); err != nil {
			return err
		}
		sortUnits(page.Units)
	}
	fd.Extra = page
	return s.renderForm(w, r, "meetings", fd, formErr)
}

func (s *Server) createMeeting(w http.ResponseWriter, r *http.Request) error {
	vals := formValues(r, "title", "held_on", "period_from", "period_to")
	units := r.PostForm["units"]
	in := meeting.Input{Title: vals["title"], HeldOn: vals["held_on"], From: vals["period_from"], To: vals["period_to"]}
	for _, u := range units {
		id, err := strconv.ParseInt(u, 10, 64)
		if err != nil {
			id = -1 // no such unit: Create explains it
		}
		in.UnitIDs = append(in.UnitIDs, id)
	}
	id, err := meeting.Create(r.Context(), s.db, in, time.Now())
	if err == nil {
		s.flash(r, "meetings.created")
		http.Redirect(w, r, "/meetings/"+idStr(id), http.StatusSeeOther)
		return nil
	}
	return s.meetingsList(w, r, formData{Values: vals, Multi: map[string][]string{"units": units}}, err)
}

// meetingView is the agenda page.
type meetingView struct {
	*meeting.Agenda
	FollowupUnits []meeting.Participant // the units the viewer may add follow-ups for
	CanFollowup   bool
}

func (s *Server) meetingPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderMeeting(w, r, map[string]string{}, nil)
}

func (s *Server) renderMeeting(w http.ResponseWriter, r *http.Request, vals map[string]string, actErr error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := meeting.GetAgenda(r.Context(), s.db, id, time.Now())
	if err != nil {
		return err
	}
	view := meetingView{Agenda: a}
	for _, u := range a.Units {
		if u.CanEdit {
			view.FollowupUnits = append(view.FollowupUnits, u)
		}
	}
	view.CanFollowup = a.CanOrganize || len(view.FollowupUnits) > 0
	return s.renderForm(w, r, "meeting", formData{Values: vals, Extra: view}, actErr)
}

// meetingAction applies one of the agenda's forms, each its own route
// (POST /meetings/{id}/presented, ...); package meeting decides whether the
// caller may (organizers anything, a principal their own units' entries).
// Several forms share field names, so field errors and typed text are
// keyed by form: "notes", "unitID.notes", "followup_text" and so on, as
// the template names them.
func (s *Server) meetingAction(action string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error { return s.applyMeetingAction(w, r, action) }
}

func (s *Server) applyMeetingAction(w http.ResponseWriter, r *http.Request, action string) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	vals := formValues(r, "unit", "presented", "notes", "followup", "done",
		"followup_text", "followup_unit", "followup_owner", "followup_due")
	vals["notes"] = r.PostFormValue("notes") // keep the text as typed
	vals["followup_text"] = r.PostFormValue("followup_text")
	unitID, _ := strconv.ParseInt(vals["unit"], 10, 64)
	now := time.Now()
	var anchor, prefix string
	vals["action"] = action
	switch action {
	case "presented":
		anchor = "unit-" + idStr(unitID)
		presented := vals["presented"] == "1"
		if err = meeting.MarkPresented(ctx, s.db, id, unitID, presented, now); err == nil && presented {
			s.flash(r, "meeting.done.presented")
		} else if err == nil {
			s.flash(r, "meeting.done.unpresented")
		}
	case "unit_notes":
		anchor, prefix = "unit-"+idStr(unitID), "unit"+idStr(unitID)+"."
		vals[prefix+"notes"] = vals["notes"]
		delete(vals, "notes") // the meeting's notes field keeps its own text
		if err = meeting.SaveUnitNotes(ctx, s.db, id, unitID, vals[prefix+"notes"], now); err == nil {
			s.flash(r, "meeting.done.notes")
		}
	case "notes":
		anchor = "notes"
		if err = meeting.SaveNotes(ctx, s.db, id, vals["notes"], now); err == nil {
			s.flash(r, "meeting.done.notes")
		}
	case "followup":
		anchor, prefix = "followups", "followup_"
		in := meeting.FollowupInput{Text: vals["followup_text"], Owner: vals["followup_owner"], Due: vals["followup_due"]}
		if vals["followup_unit"] != "" {
			if in.UnitID, err = strconv.ParseInt(vals["followup_unit"], 10, 64); err != nil {
				in.UnitID = -1 // not a unit of the meeting: a field error
			}
		}
		if _, err = meeting.AddFollowup(ctx, s.db, id, in, now); err == nil {
			s.flash(r, "meeting.done.followup")
		}
	case "followup_done":
		anchor = "followups"
		fid, _ := strconv.ParseInt(vals["followup"], 10, 64)
		if err = meeting.SetFollowupDone(ctx, s.db, id, fid, vals["done"] == "1", now); err == nil {
			s.flash(r, "meeting.done.followup_done")
		}
	default:
		err = app.Errorf(app.EINVALID, "err.invalid")
	}
	if err != nil {
		var ae *app.Error
		if errors.As(err, &ae) && ae.Code == app.EINVALID && prefix != "" {
			for i := range ae.Fields {
				ae.Fields[i].Field = prefix + ae.Fields[i].Field
			}
		}
		return s.renderMeeting(w, r, vals, err)
	}
	http.Redirect(w, r, "/meetings/"+idStr(id)+"#"+anchor, http.StatusSeeOther)
	return nil
}

func (s *Server) meetingPDF(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	l := s.pageLocalizer(r, "meeting") // a staff language
	b, err := meeting.ExportPDF(r.Context(), s.db, id, time.Now(), l.T, l.Lang)
	if err != nil {
		return err
	}
	return showFile(w, "rektorsmote-"+idStr(id)+".pdf", "application/pdf", b)
}

func idStrings(ids []int64) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = idStr(id)
	}
	return out
}
