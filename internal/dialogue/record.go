package dialogue

import (
	"context"
	"strconv"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// What a politician who took part in a dialogue sees (auth.ReadDialogueRecord):
// the record without personal data. That is the dialogue's title, type,
// date, theme, units and status; who took part, as counts per role (no
// names); the actions agreed at it and the earlier actions of its units it
// followed up, each with its unit, due date, status and the indicators'
// follow-up (the one Verdict). Never the minutes' free text (they may
// mention people), a participant's name, an action's owner or comments.

// RoleCount is how many took part in one participant role.
type RoleCount struct {
	Role  string
	Count int
}

// RecordAction is an action as the record shows it: no owner, no comments.
type RecordAction struct {
	ID             int64
	UnitName       string
	Title          string
	Due            string
	Status         string
	DialogueHeldOn string
	Indicators     []ActionIndicator
}

// DialogueRecord is a dialogue's record without personal data.
type DialogueRecord struct {
	ID                   int64
	Title                string
	Type                 Type
	HeldOn, Term, Status string
	Theme                string
	Units                []UnitRef
	Roles                []RoleCount
	Actions              []RecordAction // agreed at this dialogue
	FollowedUp           []RecordAction // earlier actions of its units
}

func recordActions(list []Action) []RecordAction {
	out := make([]RecordAction, 0, len(list))
	for _, a := range list {
		out = append(out, RecordAction{ID: a.ID, UnitName: a.UnitName, Title: a.Title, Due: a.Due, Status: a.Status,
			DialogueHeldOn: a.DialogueHeldOn, Indicators: a.Indicators})
	}
	return out
}

// RecordOf returns the record without personal data of a dialogue the
// context principal may read it of (app.NotFound otherwise), and audits the
// read.
func RecordOf(ctx context.Context, q store.Q, id int64) (*DialogueRecord, error) {
	p := auth.FromContext(ctx)
	cond, args := recordVisible(p)
	r := &DialogueRecord{}
	var typeID int64
	err := q.QueryRow(ctx, `SELECT d.id, d.type_id, d.title, d.held_on, d.theme, d.status FROM dialogues d WHERE d.id = ? AND `+cond,
		append([]any{id}, args...)...).Scan(&r.ID, &typeID, &r.Title, &r.HeldOn, &r.Theme, &r.Status)
	if store.IsNotFound(err) {
		return nil, app.NotFound()
	}
	if err != nil {
		return nil, err
	}
	r.Term = Term(r.HeldOn)
	if r.Type, err = TypeByID(ctx, q, typeID); err != nil {
		return nil, err
	}
	if r.Units, err = units(ctx, q, id); err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, "SELECT role, COUNT(*) FROM dialogue_participants WHERE dialogue_id = ? GROUP BY role ORDER BY role", id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var c RoleCount
		if err := rows.Scan(&c.Role, &c.Count); err != nil {
			rows.Close()
			return nil, err
		}
		r.Roles = append(r.Roles, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	agreed, err := actions(ctx, q, "a.dialogue_id = ?", []any{id}, p)
	if err != nil {
		return nil, err
	}
	r.Actions = recordActions(agreed)
	for _, u := range r.Units {
		earlier, err := actions(ctx, q, "a.unit_id = ? AND d.held_on < ? AND d.id <> ?", []any{u.ID, r.HeldOn, id}, p)
		if err != nil {
			return nil, err
		}
		r.FollowedUp = append(r.FollowedUp, recordActions(earlier)...)
	}
	return r, audit.Log(ctx, q, audit.Read, "dialogue", strconv.FormatInt(id, 10), "record without personal data")
}

// Records lists the dialogues whose record the context principal may read
// because they took part (a board member's start page), newest first.
func Records(ctx context.Context, q store.Q) ([]Summary, error) {
	p := auth.FromContext(ctx)
	if p.Reach(auth.ReadDialogueRecord) != auth.ReachOwn {
		return nil, nil
	}
	cond, args := recordVisible(p)
	rows, err := q.Query(ctx, `SELECT d.id, d.title, d.held_on, d.status FROM dialogues d WHERE `+cond+` ORDER BY d.held_on DESC, d.id DESC LIMIT 50`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Summary
	for rows.Next() {
		var s Summary
		if err := rows.Scan(&s.ID, &s.Title, &s.HeldOn, &s.Status); err != nil {
			return nil, err
		}
		s.Term = Term(s.HeldOn)
		out = append(out, s)
	}
	return out, rows.Err()
}
