package meeting

import (
	"context"
	"strconv"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Agenda is a meeting with its cases: a section per unit that takes part,
// in name order, and last the organizer's section.
//
// The figures are for the period, From to To in Stockholm, both days
// included, and the statuses are as they were when the period ended (or
// now, while it lasts), reconstructed from the case's timestamps:
//
//   - new: came in during the period;
//   - open: came in before the period ended and was not yet answered or
//     closed when it ended (complaint.Status.Open);
//   - overdue: open, with a deadline passed by the end of the period
//     (complaint.Case.Overdue on the day after the period, or today while
//     it lasts: only complaints have an answer deadline);
//   - closed: answered or closed during the period (whichever came first).
//
// A case reopened after closing counts as open from the day it came in:
// reopening clears its closing time.
type Agenda struct {
	*Meeting
	Sections    []Section
	Total       Counts
	AsOf        string // the last day the figures cover: To, or today while the period lasts
	CanOrganize bool   // the viewer runs the meeting
	categories  map[string]org.Category
}

// Section is a unit's part of the agenda; the organizer's section (cases
// about an unknown unit, the whole organization, or a principal) has no
// Unit.
type Section struct {
	Unit   *Participant
	Counts Counts
	Cases  []Row
}

// Anchor is the section's fragment id on the page.
func (s Section) Anchor() string {
	if s.Unit == nil {
		return "organizer"
	}
	return "unit-" + strconv.FormatInt(s.Unit.UnitID, 10)
}

// Counts are a section's figures for the period.
type Counts struct{ New, Open, Overdue, Closed int }

func (c *Counts) add(r Row) {
	c.New += b2i(r.New)
	c.Open += b2i(r.Open)
	c.Overdue += b2i(r.Overdue)
	c.Closed += b2i(r.Closed)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Why a case's summary is not on the agenda.
const (
	WithheldSecret            = "secret"
	WithheldConcernsPrincipal = "concerns_principal"
)

// Row is a case on the agenda. It carries no personal data: no unit for a
// case about a principal, no filer, no free text; the handler's neutral
// summary only where it may be shown.
type Row struct {
	ID                 int64
	Reference          string
	Kind               complaint.Kind
	Category           string // code
	Scope              complaint.UnitScope
	ConcernsPrincipal  bool
	Secret             bool
	OffensiveTreatment bool
	Status             complaint.Status // when the period ended
	Submitted          string           // YYYY-MM-DD, Stockholm
	AnswerDue          string           // complaints only
	New                bool
	Open               bool
	Overdue            bool
	Closed             bool
	Summary            string // empty when withheld or not written
	Withheld           string // "", WithheldSecret or WithheldConcernsPrincipal
}

// CategoryName names a category code in lang ("sv" or "en").
func (a *Agenda) CategoryName(code, lang string) string {
	if c, ok := a.categories[code]; ok {
		return c.Name(lang)
	}
	return code
}

// Cases is the number of cases on the agenda.
func (a *Agenda) Cases() int {
	n := 0
	for _, s := range a.Sections {
		n += len(s.Cases)
	}
	return n
}

// GetAgenda returns the agenda of a meeting the context principal may see
// (app.NotFound otherwise). The read is audited: the agenda lists cases.
func GetAgenda(ctx context.Context, q store.Q, id int64, now time.Time) (*Agenda, error) {
	a, err := load(ctx, q, id, now)
	if err != nil {
		return nil, err
	}
	return a, audit.Log(ctx, q, audit.Read, "meeting", strconv.FormatInt(id, 10), "agenda of "+strconv.Itoa(a.Cases())+" cases")
}

// period returns the instants the period starts and ends (midnight after
// its last day, Stockholm), and the instant statuses are taken at: the
// end, or now while the period lasts.
func period(from, to string, now time.Time) (start, end, at time.Time) {
	f, _ := civil.Parse(from)
	t, _ := civil.Parse(to)
	start, end = f.UTC(), t.AddDate(0, 0, 1).UTC()
	at = end
	if now.Before(end) {
		at = now.UTC()
	}
	return start, end, at
}

// caseRow is what the agenda reads of a case: nothing personal.
type caseRow struct {
	id                          int64
	reference                   string
	submitted                   time.Time
	unitID                      *int64
	scope                       complaint.UnitScope
	kind                        complaint.Kind
	category                    string
	concernsPrincipal           bool
	status                      complaint.Status
	ackDue, answerDue           string
	ackAt, answeredAt, closedAt *time.Time
	secret, offensive           bool
	summary                     string
}

func load(ctx context.Context, q store.Q, id int64, now time.Time) (*Agenda, error) {
	m, err := get(ctx, q, id)
	if err != nil {
		return nil, err
	}
	a := &Agenda{Meeting: m, CanOrganize: organizer(auth.FromContext(ctx)), categories: map[string]org.Category{}}
	cats, err := org.Categories(ctx, q)
	if err != nil {
		return nil, err
	}
	for _, c := range cats {
		a.categories[c.Code] = c
	}
	start, end, at := period(m.From, m.To, now)
	a.AsOf = m.To
	if at.Before(end) {
		a.AsOf = civil.Today(at)
	}

	byUnit := map[int64]int{}
	for i := range m.Units {
		byUnit[m.Units[i].UnitID] = len(a.Sections)
		a.Sections = append(a.Sections, Section{Unit: &m.Units[i]})
	}
	orgSection := len(a.Sections)
	a.Sections = append(a.Sections, Section{})

	// The candidates: in before the period ended, and not answered or
	// closed before it began; of the meeting's units, or for the
	// organizer's section. The columns are chosen so that no free text or
	// filer data is ever read.
	rows, err := q.Query(ctx, `SELECT c.id, c.reference, c.submitted_at, c.unit_id, c.unit_scope, c.kind, c.category_code,
			c.concerns_principal, c.status, c.ack_due, c.answer_due, c.acknowledged_at, c.answered_at, c.closed_at,
			c.secret, c.offensive_treatment, c.summary
		FROM complaints c
		WHERE c.submitted_at < ? AND (c.answered_at IS NULL OR c.answered_at >= ?) AND (c.closed_at IS NULL OR c.closed_at >= ?)
			AND (c.unit_scope <> 'unit' OR c.concerns_principal
				OR c.unit_id IN (SELECT a.unit_id FROM meeting_units a WHERE a.meeting_id = ?))
		ORDER BY c.submitted_at, c.id`, end, start, start, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c caseRow
		if err := rows.Scan(&c.id, &c.reference, &c.submitted, &c.unitID, &c.scope, &c.kind, &c.category,
			&c.concernsPrincipal, &c.status, &c.ackDue, &c.answerDue, &c.ackAt, &c.answeredAt, &c.closedAt,
			&c.secret, &c.offensive, &c.summary); err != nil {
			return nil, err
		}
		r, ok := classify(c, start, end, at)
		if !ok {
			continue
		}
		i := orgSection
		if c.scope == complaint.ScopeUnit && !c.concernsPrincipal && c.unitID != nil {
			j, ok := byUnit[*c.unitID]
			if !ok {
				continue
			}
			i = j
		}
		a.Sections[i].Cases = append(a.Sections[i].Cases, r)
		a.Sections[i].Counts.add(r)
		a.Total.add(r)
	}
	return a, rows.Err()
}

// classify places a case in the period [start, end) with its status at
// at, and reports whether it belongs on the agenda: new, open or closed
// in the period.
func classify(c caseRow, start, end, at time.Time) (Row, bool) {
	if !c.submitted.Before(end) {
		return Row{}, false
	}
	finished := c.answeredAt
	if finished == nil || (c.closedAt != nil && c.closedAt.Before(*finished)) {
		finished = c.closedAt
	}
	if finished != nil && finished.Before(start) {
		return Row{}, false
	}
	r := Row{
		ID: c.id, Reference: c.reference, Kind: c.kind, Category: c.category, Scope: c.scope,
		ConcernsPrincipal: c.concernsPrincipal, Secret: c.secret, OffensiveTreatment: c.offensive,
		Status:    statusAt(c, at),
		Submitted: civil.Date(c.submitted),
	}
	if c.kind == complaint.KindComplaint {
		r.AnswerDue = c.answerDue
	}
	r.New = !c.submitted.Before(start)
	r.Closed = finished != nil && finished.Before(end)
	r.Open = r.Status.Open()
	state := complaint.Case{Kind: c.kind, Status: r.Status, AckDue: c.ackDue, AnswerDue: c.answerDue}
	r.Overdue = r.Open && state.Overdue(civil.Today(at))
	switch {
	case c.secret:
		r.Withheld = WithheldSecret
	case c.concernsPrincipal:
		r.Withheld = WithheldConcernsPrincipal
	default:
		r.Summary = c.summary
	}
	return r, r.New || r.Open || r.Closed
}

// statusAt reconstructs a case's status at an instant from its
// timestamps. Between acknowledgement and answer the current status is
// kept when it is still open (acknowledged or investigating): the
// timestamps do not tell the two apart.
func statusAt(c caseRow, at time.Time) complaint.Status {
	before := func(t *time.Time) bool { return t != nil && t.Before(at) }
	switch {
	case before(c.closedAt):
		return complaint.Closed
	case before(c.answeredAt):
		return complaint.Answered
	case before(c.ackAt):
		if c.status == complaint.Acknowledged || c.status == complaint.Investigating {
			return c.status
		}
		return complaint.Acknowledged
	}
	return complaint.Registered
}
