package web

import (
	"net/http"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/dialogue"
)

// Staff groups' answers to a staff dialogue and the self-assessment's
// follow-up of actions on the dialogue page (issue 16). Package dialogue
// decides who may create group links; a group answers through its link.

// dialogueAccess adds the staff groups (a staff dialogue) and the
// follow-up of actions made from the self-assessment to a dialogue page.
func (s *Server) dialogueAccess(r *http.Request, view *dialogueView) error {
	ctx := r.Context()
	if view.Type.Kind == dialogue.KindStaff {
		groups, err := dialogue.StaffGroups(ctx, s.db, view.ID)
		if err != nil {
			return err
		}
		view.StaffGroups = groups
	}
	var ids []int64
	for _, a := range view.Actions {
		ids = append(ids, a.ID)
	}
	for _, a := range view.Earlier {
		ids = append(ids, a.ID)
	}
	fu, err := dialogue.AccessFollowUps(ctx, s.db, ids)
	if err != nil {
		return err
	}
	view.AccessFollowUps = map[int64]*dialogue.AccessFollowUp{}
	for id, f := range fu {
		view.AccessFollowUps[id] = &f
	}
	return nil
}

// AccessLine writes an action's self-assessment follow-up.
func (f dialogueFmt) AccessLine(a *dialogue.AccessFollowUp) string { return a.Line(f.t) }

type staffGroupCreatedPage struct {
	DialogueID int64
	Title      string
	Label      string
	Link       string
}

func (s *Server) addStaffGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	label := r.PostFormValue("group_label")
	token, err := dialogue.AddStaffGroup(r.Context(), s.db, id, label, time.Now())
	if err != nil {
		if app.Code(err) == app.EINVALID {
			return s.renderDialogue(w, r, map[string]string{"group_label": label}, err)
		}
		return err
	}
	d, err := dialogue.Get(r.Context(), s.db, id)
	if err != nil {
		return err
	}
	// The link is shown this once (render sets no-store).
	s.render(w, r, http.StatusOK, "staff_group_created", formData{Extra: staffGroupCreatedPage{DialogueID: id, Title: d.Title,
		Label: label, Link: s.opts.PublicURL + "/g/" + token}})
	return nil
}

type staffGroupPage struct {
	*dialogue.StaffGroupForm
	Token string
	Min   int
	Max   int
	Done  bool
}

func (s *Server) staffGroupForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderStaffGroup(w, r, formData{Values: map[string]string{}}, nil, false)
}

func (s *Server) renderStaffGroup(w http.ResponseWriter, r *http.Request, fd formData, err error, done bool) error {
	token := r.PathValue("token")
	f, ferr := dialogue.StaffGroupByToken(r.Context(), s.db, token)
	if ferr != nil {
		return ferr
	}
	fd.Extra = staffGroupPage{StaffGroupForm: f, Token: token, Min: dialogue.MinStaff, Max: dialogue.MaxStaff, Done: done}
	return s.renderForm(w, r, "staff_group", fd, err)
}

func (s *Server) answerStaffGroup(w http.ResponseWriter, r *http.Request) error {
	vals := formValues(r, "members")
	vals["succeed"], vals["prevent"] = r.PostFormValue("succeed"), r.PostFormValue("prevent")
	err := dialogue.AnswerStaffGroup(r.Context(), s.db, r.PathValue("token"),
		dialogue.StaffGroupAnswer{Members: vals["members"], Succeed: vals["succeed"], Prevent: vals["prevent"]}, time.Now())
	switch app.Code(err) {
	case app.EINVALID:
		return s.renderStaffGroup(w, r, formData{Values: vals}, err, false)
	case app.ECONFLICT:
		// Answered already: the page says so.
		return s.renderStaffGroup(w, r, formData{Values: map[string]string{}}, nil, false)
	}
	if err != nil {
		return err
	}
	return s.renderStaffGroup(w, r, formData{Values: map[string]string{}}, nil, true)
}
