package web

import (
	"bytes"
	"errors"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/dialogue"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture"
)

// Quality dialogues (issue 6): the list with the planning form, a
// dialogue with its participants, minutes and actions, the preparation
// pack (page and PDF), types, initiatives with their effect, inspection
// findings, good examples and the series report (page, PDF, XLSX). Scope
// and rights are decided in package dialogue.

// dialogueFmt formats values for the dialogue pages in the page's language.
type dialogueFmt struct {
	Lang string
	t    dialogue.Translate
}

func newDialogueFmt(l *i18n.Localizer) dialogueFmt { return dialogueFmt{Lang: l.Lang, t: l.T} }

// Verdict is an action indicator's verdict in words (dialogue's one text).
func (f dialogueFmt) Verdict(i dialogue.ActionIndicator) string { return i.VerdictText(f.t) }

// Basis says what an action indicator's verdict compares.
func (f dialogueFmt) Basis(i dialogue.ActionIndicator) string { return i.BasisText(f.t) }

// Point writes a value of an indicator with its unit and school year.
func (f dialogueFmt) Point(ind unitpicture.Indicator, p unitpicture.Point) string {
	return dialogue.PointText(ind, p, f.Lang, f.t)
}

// Question writes a suggested question with its figures.
func (f dialogueFmt) Question(q dialogue.Question) string {
	return f.t(q.MsgID, q.Args(f.Lang, f.t)...)
}

// Num formats a number.
func (f dialogueFmt) Num(x float64) string { return dialogue.FormatValue(x, f.Lang) }

// Ptr formats a number that may be missing ("–").
func (f dialogueFmt) Ptr(x *float64) string {
	if x == nil {
		return "–"
	}
	return dialogue.FormatValue(*x, f.Lang)
}

// Has reports whether a point carries a number.
func (dialogueFmt) Has(p unitpicture.Point) bool { return p.Has() }

// Today is today's date in Stockholm.
func (dialogueFmt) Today() string { return civil.Date(time.Now()) }

type dialoguesPage struct {
	dialogueFmt
	Dialogues []dialogue.Summary
	CanPlan   bool
	Organizer bool
	CanReport bool
	Types     []dialogue.Type
	Units     []org.Unit // the units the viewer may plan for
}

func (s *Server) dialogues(w http.ResponseWriter, r *http.Request) error {
	fd := formData{Values: map[string]string{"held_on": civil.Date(time.Now())}}
	return s.dialoguesList(w, r, fd, nil)
}

func (s *Server) dialoguesList(w http.ResponseWriter, r *http.Request, fd formData, formErr error) error {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	list, err := dialogue.List(ctx, s.db, dialogue.Filter{})
	if err != nil {
		return err
	}
	page := dialoguesPage{dialogueFmt: newDialogueFmt(s.pageLocalizer(r, "dialogues")), Dialogues: list, CanPlan: dialogue.MayPlan(p),
		Organizer: dialogue.Organizer(p), CanReport: dialogue.MayReadSeries(p)}
	if page.CanPlan {
		types, err := dialogue.Types(ctx, s.db)
		if err != nil {
			return err
		}
		for _, t := range types {
			if t.Active {
				page.Types = append(page.Types, t)
			}
		}
		units, err := org.ListUnits(ctx, s.db, auth.AllUnits())
		if err != nil {
			return err
		}
		scope := dialogue.PlanScope(p)
		for _, u := range units {
			if u.Active && scope.Contains(u.ID) {
				page.Units = append(page.Units, u)
			}
		}
		sortUnits(page.Units)
	}
	fd.Extra = page
	return s.renderForm(w, r, "dialogues", fd, formErr)
}

func (s *Server) createDialogue(w http.ResponseWriter, r *http.Request) error {
	vals := formValues(r, "type", "title", "held_on", "theme")
	units := r.PostForm["units"]
	in := dialogue.Input{Title: vals["title"], HeldOn: vals["held_on"], Theme: vals["theme"]}
	in.TypeID, _ = strconv.ParseInt(vals["type"], 10, 64)
	for _, u := range units {
		id, err := strconv.ParseInt(u, 10, 64)
		if err != nil {
			id = -1
		}
		in.UnitIDs = append(in.UnitIDs, id)
	}
	id, err := dialogue.Create(r.Context(), s.db, in, time.Now())
	if err == nil {
		s.flash(r, "dialogues.created")
		http.Redirect(w, r, "/dialogues/"+idStr(id), http.StatusSeeOther)
		return nil
	}
	return s.dialoguesList(w, r, formData{Values: vals, Multi: map[string][]string{"units": units}}, err)
}

type dialogueView struct {
	dialogueFmt
	*dialogue.Dialogue
	Roles       []string
	Statuses    []string
	Indicators  []unitpicture.Indicator
	Findings    []dialogue.Finding
	Initiatives []dialogue.Initiative
	Earlier     []dialogue.Action // actions from earlier dialogues with the units, followed up here
	// Issue 16 (dialogue_staffgroups.go): the staff groups' answers and
	// the self-assessment's follow-up of actions, by action ID.
	StaffGroups     []dialogue.StaffGroup
	AccessFollowUps map[int64]*dialogue.AccessFollowUp
}

// actionEditForm is the edit form of one agreed action: the posted text
// after a refused edit, else the action as stored. Keys are the fields'
// ids (and error keys), "a{id}." and the field name.
type actionEditForm struct {
	Open               bool // after a refused edit, so the form shows
	Title, Owner, Due  string
	TitleKey, OwnerKey string
	DueKey             string
	Rows               []actionEditRow
}

type actionEditRow struct {
	N                                int
	Indicator, Target, Year          string
	IndicatorName, TargetName        string
	YearName                         string
	IndicatorKey, TargetKey, YearKey string
}

// EditForm returns the edit form of action a, from the posted values vals.
func (v dialogueView) EditForm(a dialogue.Action, vals map[string]string) actionEditForm {
	k := "a" + idStr(a.ID) + "."
	f := actionEditForm{Open: vals[k+"editing"] == "1", TitleKey: k + dialogue.FieldEditTitle, OwnerKey: k + dialogue.FieldEditOwner,
		DueKey: k + dialogue.FieldEditDue}
	n := min(len(a.Indicators)+1, dialogue.MaxIndicators)
	if f.Open {
		f.Title, f.Owner, f.Due = vals[f.TitleKey], vals[f.OwnerKey], vals[f.DueKey]
		for i := range dialogue.MaxIndicators + 1 {
			if vals[k+dialogue.EditIndicator(i)] != "" && i >= n {
				n = i + 1
			}
		}
	} else {
		f.Title, f.Owner, f.Due = a.Title, a.Owner, a.Due
	}
	for i := range n {
		row := actionEditRow{N: i + 1, IndicatorName: dialogue.EditIndicator(i), TargetName: dialogue.EditTarget(i), YearName: dialogue.EditBaselineYear(i)}
		row.IndicatorKey, row.TargetKey, row.YearKey = k+row.IndicatorName, k+row.TargetName, k+row.YearName
		switch {
		case f.Open:
			row.Indicator, row.Target, row.Year = vals[row.IndicatorKey], vals[row.TargetKey], vals[row.YearKey]
		case i < len(a.Indicators):
			x := a.Indicators[i]
			row.Indicator, row.Year = x.Key, x.BaselineYear
			if x.Target != nil {
				row.Target = i18n.Plain(v.Lang, *x.Target, -1) // exact, so an unchanged form keeps it
			}
		}
		f.Rows = append(f.Rows, row)
	}
	return f
}

func (s *Server) dialoguePage(w http.ResponseWriter, r *http.Request) error {
	return s.renderDialogue(w, r, map[string]string{}, nil)
}

func (s *Server) renderDialogue(w http.ResponseWriter, r *http.Request, vals map[string]string, actErr error) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := dialogue.Get(ctx, s.db, id)
	if err != nil {
		return err
	}
	view := dialogueView{dialogueFmt: newDialogueFmt(s.pageLocalizer(r, "dialogue")), Dialogue: d, Roles: dialogue.Roles, Statuses: dialogue.Statuses}
	if view.Earlier, err = dialogue.EarlierActions(ctx, s.db, d); err != nil {
		return err
	}
	if err := s.dialogueAccess(r, &view); err != nil {
		return err
	}
	if d.CanEdit {
		inds, err := unitpicture.Indicators(ctx, s.db)
		if err != nil {
			return err
		}
		for _, i := range inds {
			if i.Active && !i.Background {
				view.Indicators = append(view.Indicators, i)
			}
		}
		if view.Findings, err = dialogue.Findings(ctx, s.db); err != nil {
			return err
		}
		if view.Initiatives, err = dialogue.Initiatives(ctx, s.db); err != nil {
			return err
		}
	}
	return s.renderForm(w, r, "dialogue", formData{Values: vals, Extra: view}, actErr)
}

// dialogueAction applies one of the dialogue page's forms, each its own
// route (POST /dialogues/{id}/minutes, ...); package
// dialogue decides whether the caller may change the dialogue or action.
func (s *Server) dialogueAction(action string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error { return s.applyDialogueAction(w, r, action) }
}

func (s *Server) applyDialogueAction(w http.ResponseWriter, r *http.Request, action string) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	vals := formValues(r, "participant", "participant_name", "participant_role", "participant_email",
		"action_unit", "action_title", "action_owner", "action_due", "action_indicator", "action_target", "action_baseline_year",
		"action_finding", "action_initiative", "target_action", "status", "held")
	for _, f := range []string{"strengths", "challenges", "questions", "actions", "wins", "decisions", "analysis_pack", "development_areas"} {
		vals[f] = r.PostFormValue(f) // keep the text as typed
	}
	vals["comment"] = r.PostFormValue("comment")
	now := time.Now()
	var anchor, prefix string
	vals["action"] = action
	switch action {
	case "participant":
		anchor = "participants"
		if _, err = dialogue.AddParticipant(ctx, s.db, id, dialogue.ParticipantInput{Name: vals["participant_name"], Role: vals["participant_role"],
			Email: vals["participant_email"]}, now); err == nil {
			s.flash(r, "dialogue.done.participant")
		}
	case "remove_participant":
		anchor = "participants"
		pid, _ := strconv.ParseInt(vals["participant"], 10, 64)
		if err = dialogue.RemoveParticipant(ctx, s.db, id, pid, now); err == nil {
			s.flash(r, "dialogue.done.participant_removed")
		}
	case "minutes":
		anchor = "minutes"
		m := dialogue.Minutes{Strengths: vals["strengths"], Challenges: vals["challenges"], Questions: vals["questions"], Actions: vals["actions"],
			Wins: vals["wins"], Decisions: vals["decisions"], AnalysisPack: vals["analysis_pack"], DevelopmentAreas: vals["development_areas"]}
		if err = dialogue.Record(ctx, s.db, id, m, vals["held"] == "1", now); err == nil {
			s.flash(r, "dialogue.done.minutes")
		}
	case "add_action":
		anchor = "actions"
		in := dialogue.ActionInput{Title: vals["action_title"], Owner: vals["action_owner"], Due: vals["action_due"],
			Indicators: []dialogue.IndicatorInput{{Key: vals["action_indicator"], Target: vals["action_target"], BaselineYear: vals["action_baseline_year"]}}}
		if in.UnitID, err = strconv.ParseInt(vals["action_unit"], 10, 64); err != nil {
			in.UnitID = -1
		}
		in.FindingID, _ = strconv.ParseInt(vals["action_finding"], 10, 64)
		in.InitiativeID, _ = strconv.ParseInt(vals["action_initiative"], 10, 64)
		if _, err = dialogue.AddAction(ctx, s.db, id, in, now); err == nil {
			s.flash(r, "dialogue.done.action")
		}
	case "action_status", "action_comment", "edit_action", "remove_action":
		aid, _ := strconv.ParseInt(vals["target_action"], 10, 64)
		anchor, prefix = "action-"+idStr(aid), "a"+idStr(aid)+"."
		if err = dialogue.ActionOf(ctx, s.db, id, aid); err == nil {
			switch vals["action"] {
			case "action_status":
				if err = dialogue.SetStatus(ctx, s.db, aid, vals["status"], now); err == nil {
					s.flash(r, "dialogue.done.status")
				}
			case "action_comment":
				if err = dialogue.AddComment(ctx, s.db, aid, vals["comment"], now); err == nil {
					s.flash(r, "dialogue.done.comment")
				}
			case "edit_action":
				in, posted := editInput(r)
				maps.Copy(vals, prefixed(prefix, posted)) // keep the text as typed
				vals[prefix+"editing"] = "1"
				if err = dialogue.UpdateAction(ctx, s.db, aid, in, now); err == nil {
					s.flash(r, "dialogue.done.action_edited")
				}
			case "remove_action":
				if err = dialogue.RemoveAction(ctx, s.db, aid, now); err == nil {
					anchor = "actions"
					s.flash(r, "dialogue.done.action_removed")
				}
			}
		}
		vals[prefix+"comment"] = vals["comment"]
		delete(vals, "comment")
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
		return s.renderDialogue(w, r, vals, err)
	}
	http.Redirect(w, r, "/dialogues/"+idStr(id)+"#"+anchor, http.StatusSeeOther)
	return nil
}

// editInput reads the edit form of an action: its fields as posted (by
// field name) and the edit they make.
func editInput(r *http.Request) (dialogue.ActionEdit, map[string]string) {
	posted := map[string]string{}
	for _, f := range []string{dialogue.FieldEditTitle, dialogue.FieldEditOwner, dialogue.FieldEditDue} {
		posted[f] = r.PostFormValue(f)
	}
	in := dialogue.ActionEdit{Title: posted[dialogue.FieldEditTitle], Owner: posted[dialogue.FieldEditOwner], Due: posted[dialogue.FieldEditDue]}
	for i := range dialogue.MaxIndicators + 1 {
		x := dialogue.IndicatorInput{Key: r.PostFormValue(dialogue.EditIndicator(i)), Target: r.PostFormValue(dialogue.EditTarget(i)),
			BaselineYear: r.PostFormValue(dialogue.EditBaselineYear(i))}
		posted[dialogue.EditIndicator(i)], posted[dialogue.EditTarget(i)], posted[dialogue.EditBaselineYear(i)] = x.Key, x.Target, x.BaselineYear
		in.Indicators = append(in.Indicators, x)
	}
	return in, posted
}

func prefixed(prefix string, m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[prefix+k] = v
	}
	return out
}

type prepView struct {
	dialogueFmt
	*dialogue.Pack
}

func (s *Server) dialoguePrep(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	l := s.pageLocalizer(r, "dialogue_prep")
	pk, err := dialogue.Prepare(r.Context(), s.db, id, l.Lang, time.Now())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "dialogue_prep", formData{Extra: prepView{newDialogueFmt(l), pk}})
	return nil
}

func (s *Server) dialoguePrepPDF(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	l := s.pageLocalizer(r, "dialogue_prep")
	pk, err := dialogue.Prepare(r.Context(), s.db, id, l.Lang, time.Now())
	if err != nil {
		return err
	}
	b, err := pk.PDF(l.T)
	if err != nil {
		return err
	}
	return showFile(w, "forberedelse-dialog-"+idStr(id)+".pdf", "application/pdf", b)
}

// ---- Types ----

type typesPage struct {
	Types []dialogue.Type
	Kinds []string
}

// Join puts a template's questions or themes one per line.
func (typesPage) Join(xs []string) string { return strings.Join(xs, "\n") }

func (s *Server) dialogueTypes(w http.ResponseWriter, r *http.Request) error {
	return s.renderTypes(w, r, formData{Values: map[string]string{}}, nil)
}

func (s *Server) renderTypes(w http.ResponseWriter, r *http.Request, fd formData, formErr error) error {
	types, err := dialogue.Types(r.Context(), s.db)
	if err != nil {
		return err
	}
	fd.Extra = typesPage{Types: types, Kinds: dialogue.Kinds}
	return s.renderForm(w, r, "dialogue_types", fd, formErr)
}

func (s *Server) saveDialogueType(w http.ResponseWriter, r *http.Request) error {
	vals := formValues(r, "id", "kind", "name_sv", "name_en", "active")
	vals["questions"], vals["themes"] = r.PostFormValue("questions"), r.PostFormValue("themes")
	in := dialogue.TypeInput{Kind: vals["kind"], NameSV: vals["name_sv"], NameEN: vals["name_en"], Questions: vals["questions"],
		Themes: vals["themes"], Active: vals["active"] == "1"}
	in.ID, _ = strconv.ParseInt(vals["id"], 10, 64)
	prefix := ""
	if in.ID != 0 {
		prefix = "t" + idStr(in.ID) + "."
	}
	if _, err := dialogue.SaveType(r.Context(), s.db, in, time.Now()); err != nil {
		var ae *app.Error
		if errors.As(err, &ae) && ae.Code == app.EINVALID && prefix != "" {
			for i := range ae.Fields {
				ae.Fields[i].Field = prefix + ae.Fields[i].Field
			}
			for k, v := range vals {
				vals[prefix+k] = v
			}
		}
		return s.renderTypes(w, r, formData{Values: vals}, err)
	}
	s.flash(r, "saved")
	http.Redirect(w, r, "/dialogues/types", http.StatusSeeOther)
	return nil
}

// ---- Initiatives ----

type initiativesPage struct {
	Initiatives []dialogue.Initiative
	Organizer   bool
	Units       []org.Unit
	Indicators  []unitpicture.Indicator
}

func (s *Server) dialogueInitiatives(w http.ResponseWriter, r *http.Request) error {
	return s.renderInitiatives(w, r, formData{Values: map[string]string{}}, nil)
}

func (s *Server) renderInitiatives(w http.ResponseWriter, r *http.Request, fd formData, formErr error) error {
	ctx := r.Context()
	list, err := dialogue.Initiatives(ctx, s.db)
	if err != nil {
		return err
	}
	page := initiativesPage{Initiatives: list, Organizer: dialogue.Organizer(auth.FromContext(ctx))}
	if page.Organizer {
		if page.Units, err = org.ActiveUnits(ctx, s.db); err != nil {
			return err
		}
		sortUnits(page.Units)
		inds, err := unitpicture.Indicators(ctx, s.db)
		if err != nil {
			return err
		}
		for _, i := range inds {
			if i.Active && !i.Background {
				page.Indicators = append(page.Indicators, i)
			}
		}
	}
	fd.Extra = page
	return s.renderForm(w, r, "dialogue_initiatives", fd, formErr)
}

func (s *Server) addInitiative(w http.ResponseWriter, r *http.Request) error {
	vals := formValues(r, "initiative_name", "initiative_start", "initiative_indicator")
	vals["initiative_description"] = r.PostFormValue("initiative_description")
	units := r.PostForm["initiative_units"]
	in := dialogue.InitiativeInput{Name: vals["initiative_name"], Description: vals["initiative_description"], StartYear: vals["initiative_start"],
		Indicator: vals["initiative_indicator"]}
	for _, u := range units {
		id, err := strconv.ParseInt(u, 10, 64)
		if err != nil {
			id = -1
		}
		in.UnitIDs = append(in.UnitIDs, id)
	}
	id, err := dialogue.AddInitiative(r.Context(), s.db, in, time.Now())
	if err != nil {
		return s.renderInitiatives(w, r, formData{Values: vals, Multi: map[string][]string{"initiative_units": units}}, err)
	}
	s.flash(r, "saved")
	http.Redirect(w, r, "/dialogues/initiatives/"+idStr(id)+"/effect", http.StatusSeeOther)
	return nil
}

type effectView struct {
	dialogueFmt
	*dialogue.Effect
}

func (s *Server) dialogueInitiative(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	e, err := dialogue.InitiativeEffect(r.Context(), s.db, id)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "dialogue_initiative", formData{Extra: effectView{newDialogueFmt(s.pageLocalizer(r, "dialogue_initiative")), e}})
	return nil
}

// ---- Inspection findings ----

type findingsPage struct {
	dialogueFmt
	Findings  []dialogue.Finding
	Organizer bool
	Units     []org.Unit
}

// Kinds are the kinds of finding.
func (findingsPage) Kinds() []string {
	return []string{dialogue.FindingDecision, dialogue.FindingInjunction}
}

func (s *Server) dialogueFindings(w http.ResponseWriter, r *http.Request) error {
	return s.renderFindings(w, r, formData{Values: map[string]string{}}, nil)
}

func (s *Server) renderFindings(w http.ResponseWriter, r *http.Request, fd formData, formErr error) error {
	ctx := r.Context()
	list, err := dialogue.Findings(ctx, s.db)
	if err != nil {
		return err
	}
	page := findingsPage{dialogueFmt: newDialogueFmt(s.pageLocalizer(r, "dialogue_findings")), Findings: list,
		Organizer: dialogue.Organizer(auth.FromContext(ctx))}
	if page.Organizer {
		units, err := org.ListUnits(ctx, s.db, auth.AllUnits())
		if err != nil {
			return err
		}
		page.Units = units
		sortUnits(page.Units)
	}
	fd.Extra = page
	return s.renderForm(w, r, "dialogue_findings", fd, formErr)
}

func (s *Server) addFinding(w http.ResponseWriter, r *http.Request) error {
	vals := formValues(r, "finding_unit", "finding_kind", "finding_reference", "finding_decided_on", "finding_deadline")
	vals["finding_summary"] = r.PostFormValue("finding_summary")
	in := dialogue.FindingInput{Kind: vals["finding_kind"], Reference: vals["finding_reference"], DecidedOn: vals["finding_decided_on"],
		Deadline: vals["finding_deadline"], Summary: vals["finding_summary"]}
	if vals["finding_unit"] != "" {
		var err error
		if in.UnitID, err = strconv.ParseInt(vals["finding_unit"], 10, 64); err != nil {
			in.UnitID = -1
		}
	}
	if _, err := dialogue.AddFinding(r.Context(), s.db, in, time.Now()); err != nil {
		return s.renderFindings(w, r, formData{Values: vals}, err)
	}
	s.flash(r, "saved")
	http.Redirect(w, r, "/dialogues/findings", http.StatusSeeOther)
	return nil
}

// resolveFinding marks a finding resolved on the posted date.
func (s *Server) resolveFinding(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "finding")
	if err != nil {
		return err
	}
	vals := formValues(r, "resolved_on")
	if err := dialogue.ResolveFinding(r.Context(), s.db, id, vals["resolved_on"]); err != nil {
		return s.renderFindings(w, r, formData{Values: vals}, err)
	}
	s.flash(r, "saved")
	http.Redirect(w, r, "/dialogues/findings", http.StatusSeeOther)
	return nil
}

// ---- Good examples ----

type examplesPage struct {
	Examples   []dialogue.Example
	CanPublish bool
	MaxMB      int
}

func (s *Server) dialogueExamples(w http.ResponseWriter, r *http.Request) error {
	return s.renderExamples(w, r, formData{Values: map[string]string{}}, nil)
}

func (s *Server) renderExamples(w http.ResponseWriter, r *http.Request, fd formData, formErr error) error {
	list, err := dialogue.Examples(r.Context(), s.db)
	if err != nil {
		return err
	}
	fd.Extra = examplesPage{Examples: list, CanPublish: dialogue.MayPlan(auth.FromContext(r.Context())), MaxMB: dialogue.MaxExampleFile >> 20}
	return s.renderForm(w, r, "dialogue_examples", fd, formErr)
}

func (s *Server) publishExample(w http.ResponseWriter, r *http.Request) error {
	vals := formValues(r, "example_title", "example_school_form")
	for _, f := range []string{"example_summary", "example_approach", "example_results"} {
		vals[f] = r.PostFormValue(f)
	}
	_, err := dialogue.PublishExample(r.Context(), s.db, dialogue.Example{Title: vals["example_title"], Summary: vals["example_summary"],
		Approach: vals["example_approach"], Results: vals["example_results"], SchoolForm: vals["example_school_form"]}, time.Now())
	if err != nil {
		return s.renderExamples(w, r, formData{Values: vals}, err)
	}
	s.flash(r, "dialogue.done.example")
	http.Redirect(w, r, "/dialogues/examples", http.StatusSeeOther)
	return nil
}

func (s *Server) exportExamples(w http.ResponseWriter, r *http.Request) error {
	var buf bytes.Buffer
	if err := dialogue.ExportExamples(r.Context(), s.db, &buf); err != nil {
		return err
	}
	return download(w, "goda-exempel.json", "application/json", buf.Bytes())
}

func (s *Server) importExamples(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, dialogue.MaxExampleFile+64<<10)
	fail := func(msgID string, args ...any) error {
		var v app.Validation
		if len(args) > 0 {
			v.Add("file", msgID, args[0].(map[string]any))
		} else {
			v.Add("file", msgID)
		}
		return s.renderExamples(w, r, formData{Values: map[string]string{}}, v.Err())
	}
	if err := r.ParseMultipartForm(dialogue.MaxExampleFile); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return fail("dialogue.err_file_large")
		}
		return fail("dialogue.err_file_missing")
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return fail("dialogue.err_file_missing")
	}
	defer f.Close()
	list, err := dialogue.ParseExamples(f, hdr.Filename)
	var ie *dialogue.ImportError
	if errors.As(err, &ie) {
		l := s.pageLocalizer(r, "dialogue_examples")
		where := ie.File
		switch {
		case ie.Line > 0:
			where = l.T("dialogue.examples.where_line", "File", ie.File, "Line", ie.Line)
		case ie.Example > 0:
			where = l.T("dialogue.examples.where_example", "File", ie.File, "Example", ie.Example)
		}
		return fail("dialogue.err_file", map[string]any{"Where": where, "Problem": l.T(ie.MsgID)})
	} else if err != nil {
		return err
	}
	n, err := dialogue.ImportExamples(r.Context(), s.db, list, time.Now())
	if err != nil {
		return err
	}
	if n == 0 {
		s.flash(r, "dialogue.done.imported_none")
	} else {
		s.flash(r, "dialogue.done.imported")
	}
	http.Redirect(w, r, "/dialogues/examples", http.StatusSeeOther)
	return nil
}

// ---- The series report ----

type seriesView struct {
	dialogueFmt
	*dialogue.Series
}

func (s *Server) seriesReport(w http.ResponseWriter, r *http.Request) (*dialogue.Series, error) {
	return dialogue.SeriesReport(r.Context(), s.db, strings.TrimSpace(r.URL.Query().Get("term")), time.Now())
}

func (s *Server) dialogueReport(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.seriesReport(w, r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "dialogue_report", formData{Values: map[string]string{"term": rep.Term},
		Extra: seriesView{newDialogueFmt(s.pageLocalizer(r, "dialogue_report")), rep}})
	return nil
}

func (s *Server) dialogueReportPDF(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.seriesReport(w, r)
	if err != nil {
		return err
	}
	l := s.pageLocalizer(r, "dialogue_report")
	b, err := rep.PDF(l.T, l.Lang)
	if err != nil {
		return err
	}
	return showFile(w, "kvalitetsdialoger-"+strings.ReplaceAll(rep.Term, " ", "-")+".pdf", "application/pdf", b)
}

func (s *Server) dialogueReportXLSX(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.seriesReport(w, r)
	if err != nil {
		return err
	}
	l := s.pageLocalizer(r, "dialogue_report")
	var buf bytes.Buffer
	if err := rep.WriteXLSX(&buf, l.T, l.Lang); err != nil {
		return err
	}
	return download(w, "kvalitetsdialoger-"+strings.ReplaceAll(rep.Term, " ", "-")+".xlsx",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
}

// Target writes an action indicator's target with its unit ("–" for none).
func (f dialogueFmt) Target(i dialogue.ActionIndicator) string {
	if i.Target == nil {
		return "–"
	}
	return dialogue.IndicatorValue(i.Indicator, *i.Target, f.Lang, f.t)
}

// Value writes a value of an indicator with its unit; x is a float64 or a
// *float64 ("–" when nil).
func (f dialogueFmt) Value(ind unitpicture.Indicator, x any) string {
	switch v := x.(type) {
	case float64:
		return dialogue.IndicatorValue(ind, v, f.Lang, f.t)
	case *float64:
		if v != nil {
			return dialogue.IndicatorValue(ind, *v, f.Lang, f.t)
		}
	}
	return "–"
}
