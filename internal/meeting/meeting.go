// Package meeting keeps the principals' meetings (rektorsmöten): every
// other week the principals report their units' complaints round the table
// and the organizer looks for patterns. An officer creates a meeting for a
// period and chooses the units that take part; the agenda lists, per unit,
// the complaints that were new, open, overdue or closed in the period; each
// principal marks their unit as presented; notes and follow-ups are kept on
// the meeting. The agenda prints and exports as PDF.
//
// Who sees what. The agenda is shared by everyone at the table: a
// principal whose unit takes part sees the whole agenda, every unit's
// section, as in the room. It therefore never carries personal data: the
// meeting package does not even read the filer's name, contact details or
// free text. A case row shows its reference, kind, category, status, dates
// and the handler's neutral summary (written without names, see
// complaint.MaxSummary). Two kinds of case show no summary to anyone, on
// screen or in the PDF: secret cases, and cases that concern the principal.
// The latter are moreover reported in the organizer's section, without
// their unit, beside the cases about an unknown unit or the whole
// organization, so that the principal concerned does not learn of them at
// the table (the case scope keeps them from that principal too). The
// agenda looks the same to every viewer; only the forms differ.
//
// Officers (the roles whose scope for auth.HoldMeetings is every unit)
// create meetings and may do everything on them. A principal sees the
// meetings in which at least one of their units takes part (others are
// app.NotFound), may mark only their own units as presented, write only
// their own units' notes, and add and close follow-ups only for their own
// units (app.Forbidden otherwise). The meeting's own notes are the
// officer's minutes. Reads of the agenda and every change are audited.
package meeting

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Text limits, in characters.
const (
	MaxTitle    = 200
	MaxNotes    = 10000 // the meeting's notes, a unit's notes
	MaxFollowup = 1000
	MaxOwner    = 200
	MaxDays     = 366 // the longest period a meeting may cover
	// DefaultDays is the length of the default period: the two weeks
	// between meetings held every other week, today included.
	DefaultDays = 14
)

// Meeting is a principals' meeting with the units that take part and its
// follow-ups.
type Meeting struct {
	ID        int64
	Title     string
	HeldOn    string // YYYY-MM-DD
	From, To  string // the period, civil dates in Stockholm, both included
	Notes     string
	CreatedBy string // name
	CreatedAt time.Time
	UpdatedAt time.Time
	Units     []Participant // by name
	Followups []Followup    // in the order they were added
}

// Participant is a unit taking part in a meeting.
type Participant struct {
	UnitID      int64
	Name        string
	PresentedAt *time.Time
	PresentedBy string // name of who marked it
	Notes       string
	CanEdit     bool // the viewer may mark it presented and write its notes
}

// Followup is something to follow up after the meeting.
type Followup struct {
	ID        int64
	UnitID    *int64
	UnitName  string
	Text      string
	Owner     string
	Due       string // YYYY-MM-DD or ""
	DoneAt    *time.Time
	CreatedAt time.Time
	CanEdit   bool // the viewer may mark it done or not done
}

// Summary is a meeting in the list.
type Summary struct {
	ID        int64
	Title     string
	HeldOn    string
	From, To  string
	Units     int
	Presented int
}

// Input is a new meeting.
type Input struct {
	Title   string
	HeldOn  string
	From    string
	To      string
	UnitIDs []int64
}

// FollowupInput is a new follow-up.
type FollowupInput struct {
	Text   string
	UnitID int64 // 0: the whole meeting
	Owner  string
	Due    string
}

// Defaults proposes a new meeting held today: the last two weeks, and
// every active unit led by an active principal, so that a unit with
// nothing to report shows that too.
func Defaults(ctx context.Context, q store.Q, now time.Time) (Input, error) {
	local := now.In(civil.Zone)
	in := Input{
		HeldOn: local.Format(time.DateOnly),
		From:   local.AddDate(0, 0, -(DefaultDays - 1)).Format(time.DateOnly),
		To:     local.Format(time.DateOnly),
	}
	rows, err := q.Query(ctx, `SELECT DISTINCT n.id, n.name FROM units n JOIN user_units l ON l.unit_id = n.id
		JOIN users u ON u.id = l.user_id WHERE n.active AND u.active AND u.role = 'principal' ORDER BY n.name, n.id`)
	if err != nil {
		return in, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return in, err
		}
		in.UnitIDs = append(in.UnitIDs, id)
	}
	return in, rows.Err()
}

// Create validates and stores a new meeting with its units. Only
// organizers may; others get app.Forbidden.
func Create(ctx context.Context, db store.Q, in Input, now time.Time) (int64, error) {
	p := auth.FromContext(ctx)
	if !organizer(p) {
		return 0, app.Forbidden()
	}
	in.Title = app.CleanLine(in.Title)
	in.HeldOn, in.From, in.To = strings.TrimSpace(in.HeldOn), strings.TrimSpace(in.From), strings.TrimSpace(in.To)
	slices.Sort(in.UnitIDs)
	in.UnitIDs = slices.Compact(in.UnitIDs)
	var id int64
	err := store.InTx(ctx, db, func(tx *store.Tx) error {
		var v app.Validation
		switch {
		case in.Title == "":
			v.Add("title", "field.required")
		case app.TooLong(in.Title, MaxTitle):
			v.Add("title", "field.too_long", map[string]any{"Max": MaxTitle})
		}
		if !validDate(in.HeldOn) {
			v.Add("held_on", "field.date")
		}
		from, to := validDate(in.From), validDate(in.To)
		if !from {
			v.Add("period_from", "field.date")
		}
		switch {
		case !to:
			v.Add("period_to", "field.date")
		case from && in.To < in.From:
			v.Add("period_to", "meeting.err_period_order")
		case from && days(in.From, in.To) > MaxDays:
			v.Add("period_to", "meeting.err_period_long", map[string]any{"Max": MaxDays})
		}
		if len(in.UnitIDs) == 0 {
			v.Add("units", "meeting.err_no_units")
		} else {
			var n int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM units WHERE active AND id IN ("+store.Placeholders(len(in.UnitIDs))+")",
				ids(in.UnitIDs)...).Scan(&n); err != nil {
				return err
			}
			if n != len(in.UnitIDs) {
				v.Add("units", "field.choose")
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO meetings (title, period_from, period_to, held_on, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.Title, in.From, in.To, in.HeldOn, p.UserID, now, now).Scan(&id); err != nil {
			return err
		}
		for _, u := range in.UnitIDs {
			if _, err := tx.Exec(ctx, "INSERT INTO meeting_units (meeting_id, unit_id) VALUES (?, ?)", id, u); err != nil {
				return err
			}
		}
		return audit.Log(ctx, tx, audit.Create, "meeting", strconv.FormatInt(id, 10),
			in.Title+" ("+in.From+" – "+in.To+", "+strconv.Itoa(len(in.UnitIDs))+" units)")
	})
	return id, err
}

// List returns the meetings the context principal may see, latest first.
func List(ctx context.Context, q store.Q) ([]Summary, error) {
	cond, args := visible(auth.FromContext(ctx))
	return summaries(ctx, q, cond+" ORDER BY m.held_on DESC, m.id DESC LIMIT 500", args)
}

// summaries lists the meetings that match where (a condition on alias m,
// followed by the order and limit) with their unit counts.
func summaries(ctx context.Context, q store.Q, where string, args []any) ([]Summary, error) {
	rows, err := q.Query(ctx, `SELECT m.id, m.title, m.held_on, m.period_from, m.period_to,
			(SELECT COUNT(*) FROM meeting_units a WHERE a.meeting_id = m.id),
			(SELECT COUNT(*) FROM meeting_units a WHERE a.meeting_id = m.id AND a.presented_at IS NOT NULL)
		FROM meetings m WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Summary
	for rows.Next() {
		var s Summary
		if err := rows.Scan(&s.ID, &s.Title, &s.HeldOn, &s.From, &s.To, &s.Units, &s.Presented); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// get reads a meeting the context principal may see, with its units and
// follow-ups and what the principal may change on them; app.NotFound
// otherwise.
func get(ctx context.Context, q store.Q, id int64) (*Meeting, error) {
	p := auth.FromContext(ctx)
	cond, args := visible(p)
	m := &Meeting{}
	err := q.QueryRow(ctx, `SELECT m.id, m.title, m.held_on, m.period_from, m.period_to, m.notes, COALESCE(u.name, ''),
			m.created_at, m.updated_at
		FROM meetings m LEFT JOIN users u ON u.id = m.created_by WHERE m.id = ? AND `+cond, append([]any{id}, args...)...).
		Scan(&m.ID, &m.Title, &m.HeldOn, &m.From, &m.To, &m.Notes, &m.CreatedBy, &m.CreatedAt, &m.UpdatedAt)
	if errors.Is(err, store.ErrNotFound) {
		return nil, app.NotFound()
	}
	if err != nil {
		return nil, err
	}
	scope := unitScope(p)
	rows, err := q.Query(ctx, `SELECT a.unit_id, n.name, a.presented_at, COALESCE(u.name, ''), a.notes
		FROM meeting_units a JOIN units n ON n.id = a.unit_id LEFT JOIN users u ON u.id = a.presented_by
		WHERE a.meeting_id = ? ORDER BY n.name, n.id`, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var u Participant
		if err := rows.Scan(&u.UnitID, &u.Name, &u.PresentedAt, &u.PresentedBy, &u.Notes); err != nil {
			rows.Close()
			return nil, err
		}
		u.CanEdit = scope.Contains(u.UnitID)
		m.Units = append(m.Units, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, `SELECT f.id, f.unit_id, COALESCE(n.name, ''), f.text, f.owner, f.due, f.done_at, f.created_at
		FROM meeting_followups f LEFT JOIN units n ON n.id = f.unit_id WHERE f.meeting_id = ? ORDER BY f.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var f Followup
		if err := rows.Scan(&f.ID, &f.UnitID, &f.UnitName, &f.Text, &f.Owner, &f.Due, &f.DoneAt, &f.CreatedAt); err != nil {
			return nil, err
		}
		f.CanEdit = organizer(p) || (f.UnitID != nil && scope.Contains(*f.UnitID))
		m.Followups = append(m.Followups, f)
	}
	return m, rows.Err()
}

// Participant returns the unit's entry in the meeting, or nil.
func (m *Meeting) Participant(unitID int64) *Participant {
	for i := range m.Units {
		if m.Units[i].UnitID == unitID {
			return &m.Units[i]
		}
	}
	return nil
}

// unitForChange returns the meeting and the unit entry the context
// principal wants to change: app.NotFound when either is out of sight,
// app.Forbidden when the unit is another principal's.
func unitForChange(ctx context.Context, tx *store.Tx, meetingID, unitID int64) (*Meeting, error) {
	m, err := get(ctx, tx, meetingID)
	if err != nil {
		return nil, err
	}
	u := m.Participant(unitID)
	if u == nil {
		return nil, app.NotFound()
	}
	if !u.CanEdit {
		return nil, app.Forbidden()
	}
	return m, nil
}

func touch(ctx context.Context, tx *store.Tx, id int64, now time.Time) error {
	_, err := tx.Exec(ctx, "UPDATE meetings SET updated_at = ? WHERE id = ?", now, id)
	return err
}

// MarkPresented marks a unit as presented at the meeting (or, with
// presented false, takes the mark back).
func MarkPresented(ctx context.Context, db store.Q, meetingID, unitID int64, presented bool, now time.Time) error {
	p := auth.FromContext(ctx)
	return store.InTx(ctx, db, func(tx *store.Tx) error {
		if _, err := unitForChange(ctx, tx, meetingID, unitID); err != nil {
			return err
		}
		var at, by any
		summary := "unit " + strconv.FormatInt(unitID, 10) + " not presented"
		if presented {
			at, by = now, p.UserID
			summary = "unit " + strconv.FormatInt(unitID, 10) + " presented"
		}
		if _, err := tx.Exec(ctx, "UPDATE meeting_units SET presented_at = ?, presented_by = ? WHERE meeting_id = ? AND unit_id = ?",
			at, by, meetingID, unitID); err != nil {
			return err
		}
		if err := touch(ctx, tx, meetingID, now); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Update, "meeting", strconv.FormatInt(meetingID, 10), summary)
	})
}

// SaveUnitNotes stores a unit's notes from the meeting. The field is
// "notes".
func SaveUnitNotes(ctx context.Context, db store.Q, meetingID, unitID int64, notes string, now time.Time) error {
	notes = app.CleanText(notes)
	return store.InTx(ctx, db, func(tx *store.Tx) error {
		if _, err := unitForChange(ctx, tx, meetingID, unitID); err != nil {
			return err
		}
		if app.TooLong(notes, MaxNotes) {
			var v app.Validation
			v.Add("notes", "field.too_long", map[string]any{"Max": MaxNotes})
			return v.Err()
		}
		if _, err := tx.Exec(ctx, "UPDATE meeting_units SET notes = ? WHERE meeting_id = ? AND unit_id = ?", notes, meetingID, unitID); err != nil {
			return err
		}
		if err := touch(ctx, tx, meetingID, now); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Update, "meeting", strconv.FormatInt(meetingID, 10), "notes of unit "+strconv.FormatInt(unitID, 10))
	})
}

// SaveNotes stores the meeting's own notes, the organizer's minutes. The
// field is "notes".
func SaveNotes(ctx context.Context, db store.Q, meetingID int64, notes string, now time.Time) error {
	notes = app.CleanText(notes)
	return store.InTx(ctx, db, func(tx *store.Tx) error {
		if _, err := get(ctx, tx, meetingID); err != nil {
			return err
		}
		if !organizer(auth.FromContext(ctx)) {
			return app.Forbidden()
		}
		if app.TooLong(notes, MaxNotes) {
			var v app.Validation
			v.Add("notes", "field.too_long", map[string]any{"Max": MaxNotes})
			return v.Err()
		}
		if _, err := tx.Exec(ctx, "UPDATE meetings SET notes = ?, updated_at = ? WHERE id = ?", notes, now, meetingID); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Update, "meeting", strconv.FormatInt(meetingID, 10), "notes")
	})
}

// AddFollowup records a follow-up on the meeting. Organizers may add one
// for any unit of the meeting or for none; a principal only for one of
// their own units. Fields: "text", "unit", "owner", "due".
func AddFollowup(ctx context.Context, db store.Q, meetingID int64, in FollowupInput, now time.Time) (int64, error) {
	in.Text, in.Owner, in.Due = app.CleanText(in.Text), app.CleanLine(in.Owner), strings.TrimSpace(in.Due)
	var id int64
	err := store.InTx(ctx, db, func(tx *store.Tx) error {
		m, err := get(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		var v app.Validation
		switch {
		case in.Text == "":
			v.Add("text", "field.required")
		case app.TooLong(in.Text, MaxFollowup):
			v.Add("text", "field.too_long", map[string]any{"Max": MaxFollowup})
		}
		var unit any
		switch u := m.Participant(in.UnitID); {
		case in.UnitID == 0 && organizer(auth.FromContext(ctx)):
		case in.UnitID == 0:
			v.Add("unit", "field.choose")
		case u == nil:
			v.Add("unit", "field.choose")
		case !u.CanEdit:
			return app.Forbidden()
		default:
			unit = in.UnitID
		}
		if app.TooLong(in.Owner, MaxOwner) {
			v.Add("owner", "field.too_long", map[string]any{"Max": MaxOwner})
		}
		if in.Due != "" && !validDate(in.Due) {
			v.Add("due", "field.date")
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO meeting_followups (meeting_id, unit_id, text, owner, due, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, meetingID, unit, in.Text, in.Owner, in.Due, now).Scan(&id); err != nil {
			return err
		}
		if err := touch(ctx, tx, meetingID, now); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Update, "meeting", strconv.FormatInt(meetingID, 10), "follow-up "+strconv.FormatInt(id, 10)+" added")
	})
	return id, err
}

// SetFollowupDone marks a follow-up as done, or as not done again.
func SetFollowupDone(ctx context.Context, db store.Q, meetingID, followupID int64, done bool, now time.Time) error {
	return store.InTx(ctx, db, func(tx *store.Tx) error {
		m, err := get(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(m.Followups, func(f Followup) bool { return f.ID == followupID })
		if i < 0 {
			return app.NotFound()
		}
		if !m.Followups[i].CanEdit {
			return app.Forbidden()
		}
		var at any
		summary := "follow-up " + strconv.FormatInt(followupID, 10) + " not done"
		if done {
			at = now
			summary = "follow-up " + strconv.FormatInt(followupID, 10) + " done"
		}
		if _, err := tx.Exec(ctx, "UPDATE meeting_followups SET done_at = ? WHERE id = ? AND meeting_id = ?", at, followupID, meetingID); err != nil {
			return err
		}
		if err := touch(ctx, tx, meetingID, now); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Update, "meeting", strconv.FormatInt(meetingID, 10), summary)
	})
}

// validDate reports whether s is a real YYYY-MM-DD date.
func validDate(s string) bool {
	t, err := time.Parse(time.DateOnly, s)
	return err == nil && t.Format(time.DateOnly) == s
}

// days returns the number of days from one date to another, both included.
func days(from, to string) int {
	a, _ := time.Parse(time.DateOnly, from)
	b, _ := time.Parse(time.DateOnly, to)
	return int(b.Sub(a).Hours()/24) + 1
}

func ids(list []int64) []any {
	out := make([]any, len(list))
	for i, id := range list {
		out[i] = id
	}
	return out
}

// Upcoming returns the meetings held from from to to (YYYY-MM-DD,
// inclusive) that the context principal takes part in: every meeting for
// those who run them, those with one of their units for principals.
// Earliest first.
func Upcoming(ctx context.Context, q store.Q, from, to string) ([]Summary, error) {
	p := auth.FromContext(ctx)
	if !p.Can(auth.HoldMeetings) && !organizer(p) {
		return nil, nil
	}
	cond, args := visible(p)
	return summaries(ctx, q, "m.held_on BETWEEN ? AND ? AND "+cond+" ORDER BY m.held_on, m.id LIMIT 100", append([]any{from, to}, args...))
}
