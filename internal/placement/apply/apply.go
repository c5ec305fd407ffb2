// Package apply is the guardians' side of a school-choice round (issue 15):
// a round's application window, the schools a child may be applied for with
// the facts guardians ask about, ranked choices that may change until the
// window closes, joint custody (the first custodian applies, the other
// agrees or disagrees), sign-in by e-identification or by a one-time code
// mailed to the address on file, receipts by e-mail, and the officer's list
// of applications by status and of children without one.
//
// Children and guardians come from the register (placement_children,
// placement_guardians); this package owns placement_codes and
// placement_applications. Every read and write of an application is audited.
package apply

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Application statuses (placement_applications.status).
const (
	StatusWaiting  = "waiting"  // joint custody: the other custodian has not answered
	StatusAgreed   = "agreed"   // complete: both agreed, or sole custody
	StatusDisputed = "disputed" // the other custodian disagreed: the municipality cannot follow one guardian's wish
)

// Window states of a round.
const (
	WindowNotYet = "not_yet"
	WindowOpen   = "open"
	WindowClosed = "closed"
)

// Who is the person on the guardian pages: the placement_guardians rows
// they may act for. Via is "e-id" or "code".
type Who struct {
	GuardianIDs []int64
	Via         string
}

// Empty reports whether the person acts for no one.
func (w Who) Empty() bool { return len(w.GuardianIDs) == 0 }

// ForPIN returns the rows of the guardian whose personal identity number
// has the HMAC pinMac (placement_guardians.pin_mac = guardians.pin_mac).
func ForPIN(ctx context.Context, q store.Q, pinMac string) (Who, error) {
	w := Who{Via: "e-id"}
	if pinMac == "" {
		return w, nil
	}
	ids, err := ids(ctx, q, "SELECT id FROM placement_guardians WHERE pin_mac = ? ORDER BY id", pinMac)
	w.GuardianIDs = ids
	return w, err
}

// ForEID returns the rows of the guardian signed in with e-identification
// (guardians.id, auth.Principal.GuardianID).
func ForEID(ctx context.Context, q store.Q, guardianID int64) (Who, error) {
	var mac string
	err := q.QueryRow(ctx, "SELECT pin_mac FROM guardians WHERE id = ?", guardianID).Scan(&mac)
	if errors.Is(err, store.ErrNotFound) {
		return Who{Via: "e-id"}, nil
	} else if err != nil {
		return Who{}, err
	}
	return ForPIN(ctx, q, mac)
}

// ForCode returns the rows a code sent to guardian row id opens: that
// guardian's rows with the same address and name (one person with several
// children). Another person sharing the address is not opened.
func ForCode(ctx context.Context, q store.Q, id int64) (Who, error) {
	w := Who{Via: "code"}
	var email, name string
	err := q.QueryRow(ctx, "SELECT email, name FROM placement_guardians WHERE id = ?", id).Scan(&email, &name)
	if errors.Is(err, store.ErrNotFound) {
		return w, nil
	} else if err != nil {
		return w, err
	}
	rows, err := q.Query(ctx, "SELECT id, email, name FROM placement_guardians WHERE LOWER(email) = ? ORDER BY id", strings.ToLower(strings.TrimSpace(email)))
	if err != nil {
		return w, err
	}
	defer rows.Close()
	for rows.Next() {
		var gid int64
		var e, n string
		if err := rows.Scan(&gid, &e, &n); err != nil {
			return w, store.Normalize(err)
		}
		if sameName(n, name) {
			w.GuardianIDs = append(w.GuardianIDs, gid)
		}
	}
	return w, store.Normalize(rows.Err())
}

func sameName(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}

func ids(ctx context.Context, q store.Q, query string, args ...any) ([]int64, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, store.Normalize(err)
		}
		out = append(out, id)
	}
	return out, store.Normalize(rows.Err())
}

// A Guardian is one of a child's guardians from the register.
type Guardian struct {
	ID       int64
	Name     string
	Email    string
	Language string
	Custody  bool
}

// An Application is a child's ranked choices and their state.
type Application struct {
	Choices     []string // school IDs, first wish first
	Status      string
	SubmittedBy int64
	SubmittedAt time.Time
	UpdatedAt   time.Time
	AnsweredBy  int64
	AnsweredAt  *time.Time
}

// A Child is a child of a round as a guardian sees it.
type Child struct {
	ID             int64
	RoundID        int64
	RoundName      string
	Name           string
	Year           int
	Lat, Lon       *float64
	Opens, Closes  string // civil dates, inclusive
	Window         string // WindowNotYet, WindowOpen, WindowClosed
	ChoicesAllowed int
	Guardians      []Guardian
	Me             int64 // the guardian row the viewer acts through (0 for officers)
	Application    *Application
}

// Custodians returns the guardians who share custody.
func (c *Child) Custodians() []Guardian {
	var out []Guardian
	for _, g := range c.Guardians {
		if g.Custody {
			out = append(out, g)
		}
	}
	return out
}

// Joint reports whether more than one guardian has custody.
func (c *Child) Joint() bool { return len(c.Custodians()) > 1 }

// Guardian returns the guardian with row id.
func (c *Child) Guardian(id int64) (Guardian, bool) {
	for _, g := range c.Guardians {
		if g.ID == id {
			return g, true
		}
	}
	return Guardian{}, false
}

// MayAnswer reports whether the viewer is the custodian whose answer the
// application waits for (or who may change their answer).
func (c *Child) MayAnswer() bool {
	g, ok := c.Guardian(c.Me)
	return ok && g.Custody && c.Application != nil && c.Application.SubmittedBy != c.Me && c.Joint()
}

// windowState says where today lies against the window [opens, closes].
func windowState(opens, closes string, now time.Time) string {
	today := civil.Today(now)
	switch {
	case opens == "" || closes == "" || today < opens:
		return WindowNotYet
	case today > closes:
		return WindowClosed
	}
	return WindowOpen
}

const childColumns = `c.id, c.round_id, r.name, c.name, c.year, c.lat, c.lon, r.apply_opens, r.apply_closes, r.choices_allowed
	FROM placement_children c JOIN placement_rounds r ON r.id = c.round_id`

func scanChild(sc interface{ Scan(...any) error }, now time.Time) (*Child, error) {
	var c Child
	if err := sc.Scan(&c.ID, &c.RoundID, &c.RoundName, &c.Name, &c.Year, &c.Lat, &c.Lon, &c.Opens, &c.Closes, &c.ChoicesAllowed); err != nil {
		return nil, store.Normalize(err)
	}
	c.Window = windowState(c.Opens, c.Closes, now)
	return &c, nil
}

// fill reads the child's guardians and application.
func fill(ctx context.Context, q store.Q, c *Child) error {
	rows, err := q.Query(ctx, "SELECT id, name, email, language, custody FROM placement_guardians WHERE child_id = ? ORDER BY id", c.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var g Guardian
		if err := rows.Scan(&g.ID, &g.Name, &g.Email, &g.Language, &g.Custody); err != nil {
			rows.Close()
			return store.Normalize(err)
		}
		c.Guardians = append(c.Guardians, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return store.Normalize(err)
	}
	a, err := application(ctx, q, c.ID)
	c.Application = a
	return err
}

func application(ctx context.Context, q store.Q, childID int64) (*Application, error) {
	var a Application
	var choices string
	var sub, ans *int64
	err := q.QueryRow(ctx, `SELECT choices, status, submitted_by, submitted_at, updated_at, answered_by, answered_at
		FROM placement_applications WHERE child_id = ?`, childID).Scan(&choices, &a.Status, &sub, &a.SubmittedAt, &a.UpdatedAt, &ans, &a.AnsweredAt)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	a.Choices = splitChoices(choices)
	if sub != nil {
		a.SubmittedBy = *sub
	}
	if ans != nil {
		a.AnsweredBy = *ans
	}
	return &a, nil
}

func splitChoices(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// Children returns the children who acts for in rounds with an application
// window, the newest round first.
func Children(ctx context.Context, q store.Q, who Who, now time.Time) ([]*Child, error) {
	if who.Empty() {
		return nil, nil
	}
	ph := strings.TrimSuffix(strings.Repeat("?,", len(who.GuardianIDs)), ",")
	args := make([]any, len(who.GuardianIDs))
	for i, id := range who.GuardianIDs {
		args[i] = id
	}
	rows, err := q.Query(ctx, "SELECT DISTINCT "+childColumns+` JOIN placement_guardians g ON g.child_id = c.id
		WHERE g.id IN (`+ph+") AND r.apply_opens <> '' ORDER BY c.round_id DESC, c.name, c.id", args...)
	if err != nil {
		return nil, err
	}
	var out []*Child
	for rows.Next() {
		c, err := scanChild(rows, now)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, store.Normalize(err)
	}
	for _, c := range out {
		if err := fill(ctx, q, c); err != nil {
			return nil, err
		}
		c.Me = who.actsFor(c.Guardians)
	}
	return out, nil
}

// ChildFor returns one child who acts for; any other child is
// app.NotFound. The read is audited.
func ChildFor(ctx context.Context, q store.Q, who Who, childID int64, now time.Time) (*Child, error) {
	c, err := child(ctx, q, childID, now)
	if err != nil {
		return nil, err
	}
	if c.Me = who.actsFor(c.Guardians); c.Me == 0 || c.Opens == "" {
		return nil, app.NotFound()
	}
	return c, logAs(ctx, q, who, c.Me, "read", c.ID, "application page read")
}

func child(ctx context.Context, q store.Q, childID int64, now time.Time) (*Child, error) {
	c, err := scanChild(q.QueryRow(ctx, "SELECT "+childColumns+" WHERE c.id = ?", childID), now)
	if errors.Is(err, store.ErrNotFound) {
		return nil, app.NotFound()
	} else if err != nil {
		return nil, err
	}
	return c, fill(ctx, q, c)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// joinChoices is the stored form of ranked school IDs.
func joinChoices(cs []string) string { return strings.Join(slices.Clip(cs), ",") }
