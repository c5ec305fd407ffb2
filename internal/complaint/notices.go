package complaint

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/mail"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/workdays"
)

// How a person hears of cases that come to them.
const (
	NoticesImmediate = "immediate" // a mail for every case at once (the default)
	NoticesDigest    = "digest"    // one morning digest
)

// NoticeLanguages are the staff languages notices and digests are written in.
var NoticeLanguages = []string{"sv", "en"}

// DigestHour is the civil hour (Europe/Stockholm) from which the morning
// digest goes out.
const DigestHour = 7

// DigestDays is how many working days ahead the digest looks for deadlines.
const DigestDays = 2

// NoticePrefs is a person's choice of notices.
type NoticePrefs struct {
	Notices  string // NoticesImmediate or NoticesDigest
	Language string // one of NoticeLanguages
}

// GetNoticePrefs reads a person's choice.
func GetNoticePrefs(ctx context.Context, q store.Q, userID int64) (NoticePrefs, error) {
	var p NoticePrefs
	err := q.QueryRow(ctx, "SELECT notices, language FROM users WHERE id = ?", userID).Scan(&p.Notices, &p.Language)
	return p, err
}

// SetNoticePrefs stores the signed-in person's choice after checking it
// (fields "notices" and "language") and logs the change.
func SetNoticePrefs(ctx context.Context, db store.Q, prefs NoticePrefs) error {
	p := auth.FromContext(ctx)
	if !p.Authenticated() {
		return app.Errorf(app.EUNAUTHORIZED, "err.unauthorized")
	}
	var v app.Validation
	if prefs.Notices != NoticesImmediate && prefs.Notices != NoticesDigest {
		v.Add("notices", "field.choose")
	}
	if !slices.Contains(NoticeLanguages, prefs.Language) {
		v.Add("language", "field.choose")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return store.InTx(ctx, db, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, "UPDATE users SET notices = ?, language = ?, updated_at = ? WHERE id = ?",
			prefs.Notices, prefs.Language, store.Now(), p.UserID); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Update, "user", strconv.FormatInt(p.UserID, 10), "notices "+prefs.Notices+" "+prefs.Language)
	})
}

// Deadline returns the deadline that applies to an open case now: "ack"
// with the acknowledge-by date while it is registered, else "answer" with
// the answer-by date for a complaint; "" for a closed case or other
// feedback already acknowledged.
func (c *Case) Deadline() (which, date string) {
	switch {
	case !c.Status.Open():
		return "", ""
	case c.Status == Registered:
		return "ack", c.AckDue
	case c.NeedsAnswer():
		return "answer", c.AnswerDue
	}
	return "", ""
}

// categoryName is a category's name in a staff language.
func categoryName(ctx context.Context, q store.Q, code, lang string) string {
	var sv, en string
	if err := q.QueryRow(ctx, "SELECT name_sv, name_en FROM complaint_categories WHERE code = ?", code).Scan(&sv, &en); err != nil {
		return code
	}
	if lang == "en" && en != "" {
		return en
	}
	return sv
}

// notify tells the person who must act on case id (mustAct) that it came
// to them by an event of kind: it records the arrival for their digest
// and, unless they chose the digest, queues a mail at once. The mail names
// the reference, category, kind and deadline and links to the case; never
// the filer's text, name or contact.
func notify(ctx context.Context, tx *store.Tx, id int64, kind EventKind, now time.Time, compose Composer) error {
	c, err := scanCase(tx.QueryRow(ctx, "SELECT "+caseColumns+" WHERE c.id = ?", id))
	if err != nil {
		return err
	}
	to := mustAct(ctx, c)
	if to == 0 {
		return nil
	}
	var email, notices, lang string
	var active bool
	if err := tx.QueryRow(ctx, "SELECT email, notices, language, active FROM users WHERE id = ?", to).
		Scan(&email, &notices, &lang, &active); err != nil {
		return err
	}
	if !active {
		return nil
	}
	mailed := notices != NoticesDigest && compose != nil
	if _, err := tx.Exec(ctx, "INSERT INTO case_notices (user_id, complaint_id, kind, at, mailed) VALUES (?, ?, ?, ?, ?)",
		to, id, string(kind), now, mailed); err != nil {
		return err
	}
	if !mailed {
		return nil
	}
	n := Notice{Kind: kind, Case: staffView(c), To: email, Lang: lang, Staff: true,
		CategoryName: categoryName(ctx, tx, c.Category, lang)}
	_, err = mail.Enqueue(ctx, tx, compose.Compose(n))
	return err
}

// staffView keeps what a notice may tell: no free text, no filer.
func staffView(c *Case) *Case {
	return &Case{ID: c.ID, Reference: c.Reference, SubmittedAt: c.SubmittedAt, Kind: c.Kind, Category: c.Category,
		Status: c.Status, AckDue: c.AckDue, AnswerDue: c.AnswerDue, HandlerID: c.HandlerID, Secret: c.Secret}
}

// DigestItem is one case in a morning digest.
type DigestItem struct {
	Case         *Case // staffView: reference, kind, category, status, deadlines
	CategoryName string
	Overdue      bool // a deadline has passed
	DueSoon      bool // a deadline within DigestDays working days
	New          bool // came to the person since their previous digest
}

// Digest is a person's morning digest.
type Digest struct {
	To, Lang string
	Day      string // the civil date
	Items    []DigestItem
}

// DigestComposer writes the digest's mail; MailComposer implements it.
type DigestComposer interface {
	ComposeDigest(d Digest) mail.Message
}

// SendDigests makes today's morning digest for every active person who
// may handle cases, at or after DigestHour civil time: their open cases
// that are overdue or due within DigestDays working days and, for those
// who chose the digest, the cases that came to them since their previous
// digest. Each person's day is claimed by a row in case_digests inserted
// in the same transaction as the mail, so a digest goes out at most once
// a day however many processes run it or restart; a day with nothing to
// list sends nothing. It returns how many digests it queued.
func SendDigests(ctx context.Context, db *store.DB, now time.Time, compose DigestComposer) (int, error) {
	local := now.In(civil.Zone)
	if local.Hour() < DigestHour {
		return 0, nil
	}
	ctx = auth.WithPrincipal(ctx, auth.System)
	day := local.Format(time.DateOnly)
	soon := workdays.Add(local, DigestDays).Format(time.DateOnly)

	rows, err := db.Query(ctx, `SELECT id, role FROM users u WHERE active
		AND NOT EXISTS (SELECT 1 FROM case_digests d WHERE d.user_id = u.id AND d.day = ?) ORDER BY id`, day)
	if err != nil {
		return 0, err
	}
	var people []int64
	for rows.Next() {
		var id int64
		var role auth.Role
		if err := rows.Scan(&id, &role); err != nil {
			rows.Close()
			return 0, err
		}
		if MayBeHandler(role) {
			people = append(people, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}

	sent := 0
	for _, id := range people {
		err := store.InTx(ctx, db, func(tx *store.Tx) error {
			var prev *time.Time
			var at time.Time
			err := tx.QueryRow(ctx, "SELECT made_at FROM case_digests WHERE user_id = ? AND day < ? ORDER BY day DESC LIMIT 1", id, day).Scan(&at)
			switch {
			case err == nil:
				prev = &at
			case !store.IsNotFound(err):
				return err
			}
			res, err := tx.Exec(ctx, "INSERT INTO case_digests (user_id, day, made_at, mailed) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
				id, day, now, false)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil // another process made it
			}
			d, err := digestFor(ctx, tx, id, prev, day, soon)
			if err != nil || len(d.Items) == 0 || compose == nil {
				return err
			}
			if _, err := tx.Exec(ctx, "UPDATE case_digests SET mailed = ? WHERE user_id = ? AND day = ?", true, id, day); err != nil {
				return err
			}
			if _, err := mail.Enqueue(ctx, tx, compose.ComposeDigest(d)); err != nil {
				return err
			}
			sent++
			return nil
		})
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// digestFor lists a person's digest: open cases they handle within their
// scope (noticeScope), overdue or due by soon, and for digest subscribers
// those that came to them after prev (every unmailed arrival before the
// first digest). Overdue first, then by deadline.
func digestFor(ctx context.Context, tx *store.Tx, userID int64, prev *time.Time, today, soon string) (Digest, error) {
	p, err := auth.LoadPrincipal(ctx, tx, userID)
	if err != nil {
		return Digest{}, err
	}
	prefs, err := GetNoticePrefs(ctx, tx, userID)
	if err != nil {
		return Digest{}, err
	}
	d := Digest{To: p.Email, Lang: prefs.Language, Day: today}
	cond, args := noticeScope(p)
	newCond, newArgs := "1=0", []any{}
	if prefs.Notices == NoticesDigest {
		newCond, newArgs = "c.id IN (SELECT complaint_id FROM case_notices WHERE user_id = ? AND NOT mailed)", []any{userID}
		if prev != nil {
			newCond, newArgs = "c.id IN (SELECT complaint_id FROM case_notices WHERE user_id = ? AND NOT mailed AND at > ?)", []any{userID, *prev}
		}
	}
	query := "SELECT " + caseFields + ", " + newCond + " FROM complaints c " + caseJoins + ` WHERE ` + cond + `
		AND c.status IN ('registered', 'acknowledged', 'investigating')
		AND ((c.status = 'registered' AND c.ack_due <= ?) OR (c.kind = 'complaint' AND c.answer_due <= ?) OR ` + newCond + `)`
	all := append(append(append(append([]any{}, newArgs...), args...), soon, soon), newArgs...)
	rows, err := tx.Query(ctx, query, all...)
	if err != nil {
		return d, err
	}
	defer rows.Close()
	for rows.Next() {
		var isNew bool
		c, err := scanCase(rows, &isNew)
		if err != nil {
			return d, err
		}
		_, due := c.Deadline()
		d.Items = append(d.Items, DigestItem{Case: staffView(c), Overdue: c.Overdue(today), DueSoon: due != "" && due <= soon, New: isNew})
	}
	if err := rows.Err(); err != nil {
		return d, err
	}
	rows.Close()
	for i := range d.Items {
		d.Items[i].CategoryName = categoryName(ctx, tx, d.Items[i].Case.Category, d.Lang)
	}
	slices.SortStableFunc(d.Items, func(a, b DigestItem) int {
		if a.Overdue != b.Overdue {
			if a.Overdue {
				return -1
			}
			return 1
		}
		_, da := a.Case.Deadline()
		_, db := b.Case.Deadline()
		switch {
		case da == db:
			return cmp.Compare(a.Case.ID, b.Case.ID)
		case da == "":
			return 1
		case db == "":
			return -1
		case da < db:
			return -1
		}
		return 1
	})
	return d, nil
}
