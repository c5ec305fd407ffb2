package dialogue

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Staff groups (issue 16): for a staff dialogue the principal hands each
// group of MinStaff to MaxStaff staff a group link; the group answers the
// two staff-group questions (what makes us succeed, how we can work
// preventively) once, and the answers become part of the dialogue's
// record: the dialogue page and its preparation pack (page and PDF). The
// link is stored as its SHA-256 digest; the answer names the group's label
// and size, not its members.

// Limits of staff groups.
const (
	MaxStaffGroups   = 30
	MaxStaffAnswer   = 4000
	MaxStaffGroupTag = 100
)

// StaffGroup is one group's answer (empty until it answered).
type StaffGroup struct {
	ID         int64
	Label      string
	Members    int
	Succeed    string
	Prevent    string
	AnsweredAt *time.Time
}

// Answered reports whether the group has answered.
func (g StaffGroup) Answered() bool { return g.AnsweredAt != nil }

func groupDigest(token string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(token)))
	return hex.EncodeToString(sum[:])
}

// AddStaffGroup creates a group link on a staff dialogue the context
// principal may change and returns its token (shown once). Field
// "group_label".
func AddStaffGroup(ctx context.Context, db store.Q, dialogueID int64, label string, now time.Time) (string, error) {
	label = app.CleanLine(label)
	var token string
	err := store.InTx(ctx, db, func(tx *store.Tx) error {
		d, err := forChange(ctx, tx, dialogueID)
		if err != nil {
			return err
		}
		if d.Type.Kind != KindStaff {
			return app.Errorf(app.ECONFLICT, "dialogue.err_group_kind")
		}
		var v app.Validation
		switch {
		case label == "":
			v.Add("group_label", "field.required")
		case app.TooLong(label, MaxStaffGroupTag):
			v.Add("group_label", "field.too_long", map[string]any{"Max": MaxStaffGroupTag})
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM dialogue_staff_groups WHERE dialogue_id = ?", dialogueID).Scan(&n); err != nil {
			return err
		}
		if n >= MaxStaffGroups {
			v.Add("group_label", "dialogue.err_groups_max", map[string]any{"Max": MaxStaffGroups})
		}
		if err := v.Err(); err != nil {
			return err
		}
		b := make([]byte, 24)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		token = base64.RawURLEncoding.EncodeToString(b)
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO dialogue_staff_groups (dialogue_id, label, token_hash, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
			dialogueID, label, groupDigest(token), now).Scan(&id); err != nil {
			return err
		}
		if err := touch(ctx, tx, dialogueID, now); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Create, "dialogue_staff_group", strconv.FormatInt(id, 10), "dialogue "+strconv.FormatInt(dialogueID, 10))
	})
	return token, err
}

// StaffGroups returns the staff groups of a dialogue the context principal
// may see (as Get); the answers are part of the minutes.
func StaffGroups(ctx context.Context, q store.Q, dialogueID int64) ([]StaffGroup, error) {
	if _, err := load(ctx, q, dialogueID); err != nil {
		return nil, err
	}
	return staffGroups(ctx, q, dialogueID)
}

func staffGroups(ctx context.Context, q store.Q, dialogueID int64) ([]StaffGroup, error) {
	rows, err := q.Query(ctx, `SELECT id, label, COALESCE(members, 0), succeed, prevent, answered_at FROM dialogue_staff_groups
		WHERE dialogue_id = ? ORDER BY id`, dialogueID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StaffGroup
	for rows.Next() {
		var g StaffGroup
		if err := rows.Scan(&g.ID, &g.Label, &g.Members, &g.Succeed, &g.Prevent, &g.AnsweredAt); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// StaffGroupForm is what a group sees through its link.
type StaffGroupForm struct {
	DialogueTitle string
	HeldOn        string
	UnitName      string
	Label         string
	Answered      bool
}

// StaffGroupByToken returns the form behind a group link: app.NotFound
// for an unknown link. Not audited: it shows no personal data.
func StaffGroupByToken(ctx context.Context, q store.Q, token string) (*StaffGroupForm, error) {
	f := &StaffGroupForm{}
	var answered *time.Time
	var id int64
	err := q.QueryRow(ctx, `SELECT d.id, d.title, d.held_on, g.label, g.answered_at FROM dialogue_staff_groups g JOIN dialogues d ON d.id = g.dialogue_id
		WHERE g.token_hash = ?`, groupDigest(token)).Scan(&id, &f.DialogueTitle, &f.HeldOn, &f.Label, &answered)
	if store.IsNotFound(err) {
		return nil, app.NotFound()
	} else if err != nil {
		return nil, err
	}
	f.Answered = answered != nil
	us, err := units(ctx, q, id)
	if err != nil {
		return nil, err
	}
	for i, u := range us {
		if i > 0 {
			f.UnitName += ", "
		}
		f.UnitName += u.Name
	}
	return f, nil
}

// StaffGroupAnswer is a group's answer.
type StaffGroupAnswer struct {
	Members string // how many answered together, MinStaff to MaxStaff
	Succeed string
	Prevent string
}

// Validate checks the answer: fields "members", "succeed", "prevent".
func (a *StaffGroupAnswer) Validate() (int, error) {
	var v app.Validation
	n, err := strconv.Atoi(strings.TrimSpace(a.Members))
	if err != nil || n < MinStaff || n > MaxStaff {
		v.Add("members", "dialogue.err_group_members", map[string]any{"Min": MinStaff, "Max": MaxStaff})
	}
	a.Succeed, a.Prevent = strings.TrimSpace(app.CleanText(a.Succeed)), strings.TrimSpace(app.CleanText(a.Prevent))
	for _, f := range []struct{ name, text string }{{"succeed", a.Succeed}, {"prevent", a.Prevent}} {
		switch {
		case f.text == "":
			v.Add(f.name, "field.required")
		case app.TooLong(f.text, MaxStaffAnswer):
			v.Add(f.name, "field.too_long", map[string]any{"Max": MaxStaffAnswer})
		}
	}
	return n, v.Err()
}

// AnswerStaffGroup stores a group's answer through its link, once: a
// second answer is refused ("dialogue.err_group_answered").
func AnswerStaffGroup(ctx context.Context, db store.Q, token string, a StaffGroupAnswer, now time.Time) error {
	if _, err := StaffGroupByToken(ctx, db, token); err != nil {
		return err
	}
	n, err := a.Validate()
	if err != nil {
		return err
	}
	return store.InTx(ctx, db, func(tx *store.Tx) error {
		var id, dialogueID int64
		err := tx.QueryRow(ctx, "SELECT id, dialogue_id FROM dialogue_staff_groups WHERE token_hash = ?", groupDigest(token)).Scan(&id, &dialogueID)
		if store.IsNotFound(err) {
			return app.NotFound()
		} else if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE dialogue_staff_groups SET members = ?, succeed = ?, prevent = ?, answered_at = ?
			WHERE id = ? AND answered_at IS NULL`, n, a.Succeed, a.Prevent, now, id)
		if err != nil {
			return err
		}
		if k, err := res.RowsAffected(); err != nil {
			return err
		} else if k != 1 {
			return app.Errorf(app.ECONFLICT, "dialogue.err_group_answered")
		}
		if err := touch(ctx, tx, dialogueID, now); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Update, "dialogue_staff_group", strconv.FormatInt(id, 10), "answered by a group of "+strconv.Itoa(n))
	})
}
