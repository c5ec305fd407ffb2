package accessibility

import (
	"context"
	"strconv"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// DontKnow is the form value of "don't know"; it is stored as NULL.
const DontKnow = "dk"

// Form is what a member of staff sees through a unit code or a personal
// link: the unit, the school year and the statements. It names no one.
type Form struct {
	RoundID    int64
	UnitName   string
	SchoolYear string
	Personal   bool // through a personal link (answers once)
	Set        *Set
}

// StatementField is the form field of a statement's answer.
func StatementField(id int64) string { return "s" + strconv.FormatInt(id, 10) }

// findToken finds the open round of a unit code or an unused personal
// link: app.NotFound for an unknown or closed one, ECONFLICT
// ("accessibility.err_used") for a used link.
func findToken(ctx context.Context, q store.Q, token string) (roundID int64, personal bool, err error) {
	token = strings.TrimSpace(token)
	if token == "" {
		return 0, false, app.NotFound()
	}
	var status string
	err = q.QueryRow(ctx, "SELECT id, status FROM access_rounds WHERE code_hash = ?", digest(NormalizeCode(token))).Scan(&roundID, &status)
	if store.IsNotFound(err) {
		var used bool
		personal = true
		err = q.QueryRow(ctx, `SELECT r.id, r.status, l.used FROM access_links l JOIN access_rounds r ON r.id = l.round_id
			WHERE l.token_hash = ?`, digest(token)).Scan(&roundID, &status, &used)
		if err == nil && used {
			return 0, true, app.Errorf(app.ECONFLICT, "accessibility.err_used")
		}
	}
	if store.IsNotFound(err) {
		return 0, false, app.NotFound()
	} else if err != nil {
		return 0, false, err
	}
	if status != StatusOpen {
		return 0, personal, app.Errorf(app.ECONFLICT, "accessibility.err_closed")
	}
	return roundID, personal, nil
}

// ByToken returns the form of a unit code or personal link. Reading it is
// not audited: it holds no personal data.
func ByToken(ctx context.Context, q store.Q, token string) (*Form, error) {
	id, personal, err := findToken(ctx, q, token)
	if err != nil {
		return nil, err
	}
	f := &Form{RoundID: id, Personal: personal}
	var setID int64
	if err := q.QueryRow(ctx, `SELECT r.set_id, u.name, r.school_year FROM access_rounds r JOIN units u ON u.id = r.unit_id WHERE r.id = ?`, id).
		Scan(&setID, &f.UnitName, &f.SchoolYear); err != nil {
		return nil, err
	}
	if f.Set, err = GetSet(ctx, q, setID); err != nil {
		return nil, err
	}
	return f, nil
}

// ParseAnswers reads a form's answers: for every statement of the set a
// level 1..Levels or DontKnow (nil). A statement left unanswered is a field
// error, so nothing is stored half-way.
func ParseAnswers(set *Set, value func(field string) string) (map[int64]*int, error) {
	var v app.Validation
	out := map[int64]*int{}
	for _, s := range set.Statements {
		f := StatementField(s.ID)
		raw := strings.TrimSpace(value(f))
		if raw == DontKnow {
			out[s.ID] = nil
			continue
		}
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > Levels {
			v.Add(f, "accessibility.err_answer")
			continue
		}
		out[s.ID] = &n
	}
	return out, v.Err()
}

// Submit stores one individual assessment through a unit code or a
// personal link. The answer row holds the round and the levels only: no
// person, no link, no time. A personal link is marked used in the same
// transaction, and a second answer through it is refused
// ("accessibility.err_used"). A unit code accepts any number of answers:
// it is handed only to the unit's staff.
func Submit(ctx context.Context, db store.Q, token string, value func(field string) string) error {
	return store.InTx(ctx, db, func(tx *store.Tx) error {
		f, err := ByToken(ctx, tx, token)
		if err != nil {
			return err
		}
		answers, err := ParseAnswers(f.Set, value)
		if err != nil {
			return err
		}
		if f.Personal {
			res, err := tx.Exec(ctx, "UPDATE access_links SET used = ? WHERE token_hash = ? AND used = ?", true, digest(strings.TrimSpace(token)), false)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n != 1 {
				return app.Errorf(app.ECONFLICT, "accessibility.err_used")
			}
		}
		var rid int64
		if err := tx.QueryRow(ctx, "INSERT INTO access_responses (round_id) VALUES (?) RETURNING id", f.RoundID).Scan(&rid); err != nil {
			return err
		}
		for _, s := range f.Set.Statements {
			var level any
			if l := answers[s.ID]; l != nil {
				level = *l
			}
			if _, err := tx.Exec(ctx, "INSERT INTO access_answers (response_id, statement_id, level) VALUES (?, ?, ?)", rid, s.ID, level); err != nil {
				return err
			}
		}
		return nil
	})
}
