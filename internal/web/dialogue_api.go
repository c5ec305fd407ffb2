package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/dialogue"
)

// Quality dialogues in the JSON API, in shapes of their own (camelCase,
// arrays never null, no NaN) rather than the domain types.

type apiDialogueUnit struct {
	ID   int64  `json:"id"`
	Code string `json:"code"`
	Name string `json:"name"`
}

func toAPIDialogueUnits(us []dialogue.UnitRef) []apiDialogueUnit {
	out := make([]apiDialogueUnit, 0, len(us))
	for _, u := range us {
		out = append(out, apiDialogueUnit{u.ID, u.Code, u.Name})
	}
	return out
}

type apiDialogueSummary struct {
	ID      int64             `json:"id"`
	Title   string            `json:"title"`
	Type    string            `json:"type"` // the type's key
	Kind    string            `json:"kind"`
	HeldOn  string            `json:"heldOn"`
	Term    string            `json:"term"`
	Status  string            `json:"status"`
	Units   []apiDialogueUnit `json:"units"`
	Actions int               `json:"actions"`
}

type apiDialogueType struct {
	ID        int64    `json:"id"`
	Key       string   `json:"key"`
	Kind      string   `json:"kind"`
	NameSV    string   `json:"nameSv"`
	NameEN    string   `json:"nameEn"`
	Questions []string `json:"questions"`
	Themes    []string `json:"themes"`
	Active    bool     `json:"active"`
}

type apiMinutes struct {
	Strengths        string `json:"strengths"`
	Challenges       string `json:"challenges"`
	Questions        string `json:"questions"`
	Actions          string `json:"actions"`
	Wins             string `json:"wins"`
	Decisions        string `json:"decisions"`
	AnalysisPack     string `json:"analysisPack"`
	DevelopmentAreas string `json:"developmentAreas"`
}

type apiParticipant struct {
	ID     int64  `json:"id"`
	UserID *int64 `json:"userId"`
	Name   string `json:"name"`
	Role   string `json:"role"`
}

type apiDialogue struct {
	ID           int64             `json:"id"`
	Type         apiDialogueType   `json:"type"`
	Title        string            `json:"title"`
	HeldOn       string            `json:"heldOn"`
	Term         string            `json:"term"`
	Theme        string            `json:"theme"`
	Status       string            `json:"status"`
	Minutes      apiMinutes        `json:"minutes"`
	Units        []apiDialogueUnit `json:"units"`
	Participants []apiParticipant  `json:"participants"`
	Actions      []apiAction       `json:"actions"`
	CreatedBy    string            `json:"createdBy"`
	CreatedAt    time.Time         `json:"createdAt"`
	UpdatedAt    time.Time         `json:"updatedAt"`
}

type apiComment struct {
	ID        int64     `json:"id"`
	By        string    `json:"by"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"createdAt"`
}

// apiChange is the unit picture's change test between two values.
type apiChange struct {
	From  apiPoint `json:"from"`
	To    apiPoint `json:"to"`
	Move  string   `json:"move"`
	Diff  *float64 `json:"diff"`
	Lower *float64 `json:"lower"`
	Upper *float64 `json:"upper"`
}

type apiFollowUp struct {
	Verdict string `json:"verdict"`
	// Basis: "action" (the last value published before the action) or
	// "older" (an older baseline chosen explicitly, not "since the action").
	Basis string `json:"basis"`
	// Years are the school years after the action the verdict rests on.
	Years      []string   `json:"years"`
	Latest     *apiPoint  `json:"latest"` // null: no value after the action yet
	Change     *apiChange `json:"change"`
	TargetMet  bool       `json:"targetMet"`
	ExpectedOn string     `json:"expectedOn,omitempty"` // not_yet_measurable: when the next value is expected
}

type apiActionIndicator struct {
	Key            string      `json:"key"`
	BaselineYear   string      `json:"baselineYear"`
	Baseline       *float64    `json:"baseline"`
	BaselinePupils *int        `json:"baselinePupils"`
	Target         *float64    `json:"target"`
	FollowUp       apiFollowUp `json:"followUp"`
}

type apiAction struct {
	ID             int64                `json:"id"`
	DialogueID     int64                `json:"dialogueId"`
	DialogueTitle  string               `json:"dialogueTitle"`
	DialogueHeldOn string               `json:"dialogueHeldOn"`
	UnitID         int64                `json:"unitId"`
	UnitName       string               `json:"unitName"`
	Title          string               `json:"title"`
	Owner          string               `json:"owner"`
	Due            string               `json:"due"`
	Status         string               `json:"status"`
	FindingID      *int64               `json:"findingId"`
	InitiativeID   *int64               `json:"initiativeId"`
	DoneAt         *time.Time           `json:"doneAt"`
	Indicators     []apiActionIndicator `json:"indicators"`
	Comments       []apiComment         `json:"comments"`
}

func toAPIAction(a dialogue.Action) apiAction {
	out := apiAction{ID: a.ID, DialogueID: a.DialogueID, DialogueTitle: a.DialogueTitle, DialogueHeldOn: a.DialogueHeldOn,
		UnitID: a.UnitID, UnitName: a.UnitName, Title: a.Title, Owner: a.Owner, Due: a.Due, Status: a.Status,
		FindingID: a.FindingID, InitiativeID: a.InitiativeID, DoneAt: a.DoneAt,
		Indicators: []apiActionIndicator{}, Comments: []apiComment{}}
	for _, i := range a.Indicators {
		f := apiFollowUp{Verdict: i.FollowUp.Verdict, Basis: i.FollowUp.Basis, Years: append([]string{}, i.FollowUp.Years...),
			TargetMet: i.FollowUp.TargetMet, ExpectedOn: i.FollowUp.ExpectedOn}
		if i.FollowUp.Latest.Year != "" {
			p := toAPIPoint(i.FollowUp.Latest)
			f.Latest = &p
		}
		if c := i.FollowUp.Change; c != nil {
			ch := apiChange{From: toAPIPoint(c.From), To: toAPIPoint(c.To), Move: string(c.Move)}
			if c.Test != nil {
				ch.Diff, ch.Lower, ch.Upper = finite(c.Test.Diff), finite(c.Test.Lower), finite(c.Test.Upper)
			}
			f.Change = &ch
		}
		out.Indicators = append(out.Indicators, apiActionIndicator{Key: i.Key, BaselineYear: i.BaselineYear,
			Baseline: finitePtr(i.Baseline), BaselinePupils: i.BaselinePupils, Target: finitePtr(i.Target), FollowUp: f})
	}
	for _, c := range a.Comments {
		out.Comments = append(out.Comments, apiComment{c.ID, c.By, c.Text, c.CreatedAt})
	}
	return out
}

func toAPIDialogue(d *dialogue.Dialogue) apiDialogue {
	t := d.Type
	m := d.Minutes
	out := apiDialogue{ID: d.ID, Title: d.Title, HeldOn: d.HeldOn, Term: d.Term, Theme: d.Theme, Status: d.Status,
		Type: apiDialogueType{ID: t.ID, Key: t.Key, Kind: t.Kind, NameSV: t.NameSV, NameEN: t.NameEN,
			Questions: nonNil(t.Questions), Themes: nonNil(t.Themes), Active: t.Active},
		Minutes: apiMinutes{m.Strengths, m.Challenges, m.Questions, m.Actions, m.Wins, m.Decisions, m.AnalysisPack, m.DevelopmentAreas},
		Units:   toAPIDialogueUnits(d.Units), Participants: []apiParticipant{}, Actions: []apiAction{},
		CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
	for _, p := range d.Participants {
		out.Participants = append(out.Participants, apiParticipant{p.ID, p.UserID, p.Name, p.Role})
	}
	for _, a := range d.Actions {
		out.Actions = append(out.Actions, toAPIAction(a))
	}
	return out
}

func (s *Server) apiDialogues(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := dialogue.Filter{Term: q.Get("term")}
	f.UnitID, _ = strconv.ParseInt(q.Get("unit"), 10, 64)
	list, err := dialogue.List(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	out := make([]apiDialogueSummary, 0, len(list))
	for _, d := range list {
		out = append(out, apiDialogueSummary{ID: d.ID, Title: d.Title, Type: d.Type, Kind: d.Kind, HeldOn: d.HeldOn,
			Term: d.Term, Status: d.Status, Units: toAPIDialogueUnits(d.Units), Actions: d.Actions})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"dialogues": out})
}

func (s *Server) apiDialogue(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := dialogue.Get(r.Context(), s.db, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAPIDialogue(d))
}

func (s *Server) apiActions(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := dialogue.ActionFilter{Status: q.Get("status")}
	f.UnitID, _ = strconv.ParseInt(q.Get("unit"), 10, 64)
	list, err := dialogue.Actions(r.Context(), s.db, f)
	if err != nil {
		return err
	}
	out := make([]apiAction, 0, len(list))
	for _, a := range list {
		out = append(out, toAPIAction(a))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"actions": out})
}
