package survey

import (
	"context"
	"strconv"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/mail"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// DontKnow is the form value of "don't know".
const DontKnow = "dk"

// Form is what a pupil, guardian or staff member answers: a round's
// survey for one group.
type Form struct {
	Round Round
	Group Group
}

// ByClassCode opens the form of a class code on the civil date today:
// app.NotFound for an unknown code, survey.err_not_open outside the
// round's dates.
func ByClassCode(ctx context.Context, db store.Q, code, today string) (Form, error) {
	return formWhere(ctx, db, "g.code = ?", NormalizeCode(code), today)
}

// ByLink opens the form of a personal link; a used link gives
// survey.err_used.
func ByLink(ctx context.Context, db store.Q, tok, today string) (Form, error) {
	f, err := formWhere(ctx, db, "g.id = (SELECT group_id FROM survey_links WHERE digest = ?)", digest(tok), today)
	if err != nil {
		return f, err
	}
	var used bool
	if err := db.QueryRow(ctx, "SELECT used FROM survey_links WHERE digest = ?", digest(tok)).Scan(&used); err != nil {
		return f, err
	}
	if used {
		return f, app.Errorf(app.ECONFLICT, "public.survey.err_used")
	}
	return f, nil
}

func formWhere(ctx context.Context, db store.Q, cond, arg, today string) (Form, error) {
	var f Form
	var roundID int64
	err := db.QueryRow(ctx, `SELECT g.id, g.round_id, g.unit_id, u.name, g.kind, g.year, g.label, g.invited
		FROM survey_groups g JOIN units u ON u.id = g.unit_id WHERE `+cond, arg).Scan(
		&f.Group.ID, &roundID, &f.Group.UnitID, &f.Group.UnitName, &f.Group.Kind, &f.Group.Year, &f.Group.Label, &f.Group.Invited)
	if store.IsNotFound(err) {
		return f, app.NotFound()
	}
	if err != nil {
		return f, err
	}
	if f.Round, err = GetRound(ctx, db, roundID); err != nil {
		return f, err
	}
	if !f.Round.OpenOn(today) {
		e := app.Errorf(app.ECONFLICT, "public.survey.err_not_open")
		e.Data = map[string]any{"Opens": f.Round.OpensOn, "Closes": f.Round.ClosesOn}
		return f, e
	}
	return f, nil
}

// Answers is a filled-in form: per statement "1"–"5", DontKnow or ""
// (skipped), and the free text.
type Answers struct {
	Values map[int64]string
	Text   string
	values map[int64]*int // checked: nil for don't know
}

// Validate checks the answers against the survey: only its statements,
// only 1–5 or "don't know", a free text of at most 2,000 characters, and
// something answered.
func (a *Answers) Validate(s Survey) error {
	var v app.Validation
	a.values = map[int64]*int{}
	for _, q := range s.Statements() {
		raw := a.Values[q.ID]
		switch raw {
		case "":
			continue
		case DontKnow:
			a.values[q.ID] = nil
		default:
			n, err := strconv.Atoi(raw)
			if err != nil || n < 1 || n > 5 {
				v.Add("q"+strconv.FormatInt(q.ID, 10), "public.survey.err_scale")
				continue
			}
			a.values[q.ID] = &n
		}
	}
	a.Text = app.CleanText(a.Text)
	if _, ok := s.FreeText(); !ok {
		a.Text = ""
	}
	if app.TooLong(a.Text, maxText) {
		v.Add("text", "field.too_long", map[string]any{"Max": maxText})
	}
	if len(a.values) == 0 && a.Text == "" && !v.Has("text") {
		v.Add("form", "public.survey.err_empty")
	}
	return v.Err()
}

// SubmitClass stores a pupil's answers through the class code. A class
// code is shared, so it cannot refuse a second answer from one pupil; the
// response rate shows answers against the class size.
func SubmitClass(ctx context.Context, db store.Q, code string, a Answers, today string) error {
	f, err := ByClassCode(ctx, db, code, today)
	if err != nil {
		return err
	}
	if err := a.Validate(f.Round.Survey); err != nil {
		return err
	}
	return store.InTx(ctx, db, func(tx *store.Tx) error { return insertResponse(ctx, tx, f.Group.ID, a) })
}

// SubmitLink stores the answers given through a personal link, once. The
// link is marked used in a transaction of its own (a used mark, no time),
// and only then are the answers stored in another, so no row of the
// answer shares a transaction (PostgreSQL's xmin) with the link's mark. A
// second answer through the link finds it used and is refused with
// survey.err_used. If storing the answers fails, the mark is taken back.
func SubmitLink(ctx context.Context, db store.Q, tok string, a Answers, today string) error {
	f, err := ByLink(ctx, db, tok, today)
	if err != nil {
		return err
	}
	if err := a.Validate(f.Round.Survey); err != nil {
		return err
	}
	res, err := db.Exec(ctx, "UPDATE survey_links SET used = ? WHERE digest = ? AND used = ?", true, digest(tok), false)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return app.Errorf(app.ECONFLICT, "public.survey.err_used")
	}
	err = store.InTx(ctx, db, func(tx *store.Tx) error { return insertResponse(ctx, tx, f.Group.ID, a) })
	if err != nil {
		_, _ = db.Exec(context.WithoutCancel(ctx), "UPDATE survey_links SET used = ? WHERE digest = ?", false, digest(tok))
	}
	return err
}

// insertResponse writes one response: a random ID and the group, the
// answers keyed by it, and the free text under an ID of its own.
func insertResponse(ctx context.Context, tx *store.Tx, groupID int64, a Answers) error {
	if len(a.values) > 0 {
		id := randomID()
		if _, err := tx.Exec(ctx, "INSERT INTO survey_responses (id, group_id) VALUES (?, ?)", id, groupID); err != nil {
			return err
		}
		for qid, v := range a.values {
			if _, err := tx.Exec(ctx, "INSERT INTO survey_answers (response_id, question_id, value) VALUES (?, ?, ?)", id, qid, v); err != nil {
				return err
			}
		}
	}
	if a.Text != "" {
		flags := Check(a.Text)
		status := "clear"
		if len(flags) > 0 {
			status = "flagged"
		}
		if _, err := tx.Exec(ctx, "INSERT INTO survey_texts (id, group_id, body, flags, status) VALUES (?, ?, ?, ?, ?)",
			randomID(), groupID, a.Text, flagNames(flags), status); err != nil {
			return err
		}
	}
	return nil
}

// Invite makes a personal link for each address and queues the mail that
// carries it (compose writes it from the address and the link's token), in
// one transaction; the group's invited count grows by as many. The
// addresses are not stored beside the links: only the outbox holds them,
// with the mail.
func Invite(ctx context.Context, db store.Q, groupID int64, addresses []string, compose func(to, token string) mail.Message) error {
	if !mayManage(auth.FromContext(ctx)) {
		return app.Forbidden()
	}
	var kind string
	if err := db.QueryRow(ctx, "SELECT kind FROM survey_groups WHERE id = ?", groupID).Scan(&kind); err != nil {
		if store.IsNotFound(err) {
			return app.NotFound()
		}
		return err
	}
	if kind == KindClass {
		return app.NotFound()
	}
	var v app.Validation
	seen := map[string]bool{}
	var list []string
	for _, a := range addresses {
		a = app.CleanLine(a)
		if a == "" || seen[a] {
			continue
		}
		if _, err := mailAddress(a); err != nil {
			v.Add("addresses", "survey.err_address", map[string]any{"Address": a})
			break
		}
		seen[a] = true
		list = append(list, a)
	}
	if len(list) == 0 && !v.Has("addresses") {
		v.Add("addresses", "field.required")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return store.InTx(ctx, db, func(tx *store.Tx) error {
		for _, to := range list {
			tok, d := token()
			if _, err := tx.Exec(ctx, "INSERT INTO survey_links (digest, group_id, used) VALUES (?, ?, ?)", d, groupID, false); err != nil {
				return err
			}
			if _, err := mail.Enqueue(ctx, tx, compose(to, tok)); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, "UPDATE survey_groups SET invited = invited + ? WHERE id = ?", len(list), groupID); err != nil {
			return err
		}
		return audit.Log(ctx, tx, "survey.invite", "survey_group", strconv.FormatInt(groupID, 10), strconv.Itoa(len(list))+" links")
	})
}

// Links makes n personal links for a guardians' or staff group without
// mailing them, for letters handed out on paper (auth.ManageSurveys): the
// tokens are returned once and only their digests kept; the group's
// invited count grows by n.
func Links(ctx context.Context, db store.Q, groupID int64, n int) ([]string, error) {
	if !mayManage(auth.FromContext(ctx)) {
		return nil, app.Forbidden()
	}
	if n < 1 || n > 5000 {
		var v app.Validation
		v.Add("count", "survey.err_invited")
		return nil, v.Err()
	}
	var kind string
	if err := db.QueryRow(ctx, "SELECT kind FROM survey_groups WHERE id = ?", groupID).Scan(&kind); err != nil || kind == KindClass {
		if err == nil || store.IsNotFound(err) {
			return nil, app.NotFound()
		}
		return nil, err
	}
	var out []string
	err := store.InTx(ctx, db, func(tx *store.Tx) error {
		for range n {
			tok, d := token()
			if _, err := tx.Exec(ctx, "INSERT INTO survey_links (digest, group_id, used) VALUES (?, ?, ?)", d, groupID, false); err != nil {
				return err
			}
			out = append(out, tok)
		}
		if _, err := tx.Exec(ctx, "UPDATE survey_groups SET invited = invited + ? WHERE id = ?", n, groupID); err != nil {
			return err
		}
		return audit.Log(ctx, tx, "survey.links", "survey_group", strconv.FormatInt(groupID, 10), strconv.Itoa(n)+" links")
	})
	return out, err
}
