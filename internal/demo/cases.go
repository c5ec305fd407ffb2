package demo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/workdays"
)

// CaseCount returns how many cases the database holds.
func CaseCount(ctx context.Context, q store.Q) (int, error) {
	var n int
	err := q.QueryRow(ctx, "SELECT COUNT(*) FROM complaints").Scan(&n)
	return n, err
}

// EnsureCases tops the database up to at least n cases with GenerateCases
// and returns how many it added: none when there are n already, so it is
// safe to call on every start.
func EnsureCases(ctx context.Context, db *store.DB, n int, seed int64) (int, error) {
	have, err := CaseCount(ctx, db)
	if err != nil || have >= n {
		return 0, err
	}
	return n - have, GenerateCases(ctx, db, n-have, seed)
}

// GenerateCases adds n fictional cases to a database that holds an
// organizer (normally the demo's), for trying the work lists with volume
// and for benchmarks. The cases are spread over the past two years, most
// in term time and on weekdays; they cover every active unit, the unknown
// unit and the whole organization, every category and kind; they are
// routed as complaint.Route would route them, have deadlines in working
// days and have moved through the workflow as far as their age makes
// likely, with the events that go with it (most with the handler's neutral
// summary for the principals' meetings). A few stall and are overdue,
// as in real life. References continue the organizer's registration
// series, which is moved on to match, so later submissions stay gapless.
//
// The same seed gives the same cases, relative to the current time. Rows
// are inserted with multi-row INSERTs, a batch per transaction: 100,000
// cases take seconds on either database.
func GenerateCases(ctx context.Context, db *store.DB, n int, seed int64) error {
	return generateCases(ctx, db, n, seed, store.Now(), nil)
}

// generateCases is GenerateCases at a given time, with categories that
// rise over the last year: rising maps a category code to how much more
// often it is chosen at now than a year before now (0.8: 80 per cent more),
// growing evenly over the year; before that year its weight is as usual.
func generateCases(ctx context.Context, db *store.DB, n int, seed int64, now time.Time, rising map[string]float64) error {
	if n <= 0 {
		return nil
	}
	ctx = auth.WithPrincipal(ctx, auth.System)
	g, err := newGenerator(ctx, db, seed, now)
	if err != nil {
		return err
	}
	g.rising = rising
	times := g.submissionTimes(n)
	for start := 0; start < n; start += genBatch {
		batch := make([]*genCase, 0, genBatch)
		for _, t := range times[start:min(start+genBatch, n)] {
			batch = append(batch, g.newCase(t))
		}
		if err := store.InTx(ctx, db, func(tx *store.Tx) error { return g.insert(ctx, tx, batch) }); err != nil {
			return fmt.Errorf("demo: generate cases: %w", err)
		}
	}
	if db.Dialect() == store.Postgres {
		// Autovacuum would analyze the new rows soon anyway; do it now so
		// the planner sees the volume straight away.
		for _, table := range []string{"complaints", "complaint_events"} {
			if _, err := db.Exec(ctx, "ANALYZE "+table); err != nil {
				return err
			}
		}
	}
	return audit.Log(ctx, db, audit.Create, "complaint", "", fmt.Sprintf("%d fictional demo cases generated", n))
}

// genBatch is the number of cases inserted per transaction. With 30
// columns a row it keeps a statement well under SQLite's limit of 32,766
// parameters (PostgreSQL allows 65,535).
const genBatch = 500

// generator holds what cases are made from: the organizer's setup and a
// seeded source of randomness.
type generator struct {
	rng      *rand.Rand
	now      time.Time // UTC
	today    string    // YYYY-MM-DD in Stockholm
	soon     string    // the last deadline date that already gets a reminder
	prefix   string
	settings complaint.Settings
	dir      complaint.Directory
	units    []int64
	cats     []string
	names    map[int64]string // user id -> name, for events
	dues     map[dueKey]string
	rising   map[string]float64 // see generateCases
}

type dueKey struct {
	date int // yyyymmdd in Stockholm
	days int
}

func newGenerator(ctx context.Context, q store.Q, seed int64, now time.Time) (*generator, error) {
	o, err := org.GetOrganizer(ctx, q)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errors.New("demo: the database has no organizer: load one before generating cases")
	}
	if err != nil {
		return nil, err
	}
	g := &generator{
		rng:    rand.New(rand.NewPCG(uint64(seed), 0x5717_4b3d_6a4e)),
		now:    now,
		prefix: o.RegPrefix,
		names:  map[int64]string{},
		dues:   map[dueKey]string{},
	}
	if g.settings, err = complaint.GetSettings(ctx, q); err != nil {
		return nil, err
	}
	if g.dir, err = complaint.LoadDirectory(ctx, q); err != nil {
		return nil, err
	}
	local := now.In(civil.Zone)
	g.today = local.Format(time.DateOnly)
	g.soon = workdays.Add(local, g.settings.RemindDays).Format(time.DateOnly)
	if g.units, err = queryList[int64](ctx, q, "SELECT id FROM units WHERE active ORDER BY id"); err != nil {
		return nil, err
	}
	if g.cats, err = queryList[string](ctx, q, "SELECT code FROM complaint_categories WHERE active ORDER BY sort, code"); err != nil {
		return nil, err
	}
	if len(g.cats) == 0 {
		return nil, errors.New("demo: no active complaint categories")
	}
	rows, err := q.Query(ctx, "SELECT id, name FROM users")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		g.names[id] = name
	}
	return g, rows.Err()
}

func queryList[T any](ctx context.Context, q store.Q, query string) ([]T, error) {
	rows, err := q.Query(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// submissionTimes returns n times in the two years before now, oldest
// first: fewer in the summer holiday, at weekends and at night.
func (g *generator) submissionTimes(n int) []time.Time {
	span := int64(2 * 365 * 24 * time.Hour)
	out := make([]time.Time, 0, n)
	for len(out) < n {
		t := g.now.Add(-time.Duration(g.rng.Int64N(span)))
		local := t.In(civil.Zone)
		w := 1.0
		switch local.Month() {
		case time.July:
			w *= 0.3
		case time.June, time.August, time.December:
			w *= 0.7
		}
		if d := local.Weekday(); d == time.Saturday || d == time.Sunday {
			w *= 0.4
		}
		switch h := local.Hour(); {
		case h < 6:
			w *= 0.05
		case h < 7, h >= 22:
			w *= 0.3
		}
		if g.rng.Float64() < w {
			out = append(out, t.Truncate(time.Microsecond))
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

// genCase is a case to insert, with its events in order.
type genCase struct {
	reference                                  string
	submitted                                  time.Time
	channel, language, filerRole               string
	unitID                                     int64 // 0 unless scope is unit
	scope                                      complaint.UnitScope
	kind                                       complaint.Kind
	category                                   string
	concernsPrincipal                          bool
	what, desired, name, email, phone          string
	status                                     complaint.Status
	outcome                                    complaint.Outcome
	handler                                    int64
	ackDue, answerDue                          string
	ackAt, answerAt, closedAt                  time.Time // zero: not (yet)
	remindedAt, escalatedAt, reportedAt, updAt time.Time
	secret, offensive                          bool
	summary                                    string // the handler's neutral summary
	events                                     []genEvent
}

type genEvent struct {
	at                       time.Time
	actorID                  int64 // 0: the filer or the system
	actor                    string
	kind                     complaint.EventKind
	visibility, body, detail string
}

// newCase makes a case submitted at t and plays its handling forward to now.
func (g *generator) newCase(t time.Time) *genCase {
	c := &genCase{
		submitted: t,
		channel:   pick(g.rng, []weighted[string]{{"web", 70}, {"api", 20}, {"staff", 10}}),
		language:  pick(g.rng, []weighted[string]{{"sv", 92}, {"en", 8}}),
		filerRole: pick(g.rng, []weighted[string]{{"guardian", 65}, {"pupil", 15}, {"staff", 5}, {"other", 15}}),
		kind: pick(g.rng, []weighted[complaint.Kind]{{complaint.KindComplaint, 55}, {complaint.KindComment, 20},
			{complaint.KindPraise, 10}, {complaint.KindSuggestion, 10}, {complaint.KindFault, 5}}),
	}
	c.category = g.category(c.kind, t)
	c.offensive = c.category == complaint.OffensiveTreatment
	switch {
	case (c.category == "school_placement" || c.category == "school_transport") && g.chance(0.5),
		g.chance(0.06):
		c.scope = complaint.ScopeOrganization
	case len(g.units) == 0 || g.chance(0.07):
		c.scope = complaint.ScopeUnknown
	default:
		c.scope = complaint.ScopeUnit
		c.unitID = g.units[g.rng.IntN(len(g.units))]
		c.concernsPrincipal = c.kind == complaint.KindComplaint && g.chance(0.04)
	}
	g.texts(c)
	g.filer(c)

	sub := complaint.Submission{UnitScope: c.scope, UnitID: c.unitID, Category: c.category, ConcernsPrincipal: c.concernsPrincipal}
	handler, reason := complaint.Route(&sub, g.dir)
	c.handler = handler
	local := t.In(civil.Zone)
	c.ackDue = g.due(local, g.settings.AckDays)
	c.answerDue = g.due(local, g.settings.AnswerDays)
	c.status = complaint.Registered
	c.event(t, 0, "filer", complaint.EventRegistered, "filer", "", reason)
	g.handle(c)
	g.sweep(c)
	slices.SortStableFunc(c.events, func(a, b genEvent) int { return a.at.Compare(b.at) })
	c.updAt = c.events[len(c.events)-1].at
	return c
}

func (c *genCase) event(at time.Time, actorID int64, actor string, kind complaint.EventKind, visibility, body, detail string) {
	c.events = append(c.events, genEvent{at, actorID, actor, kind, visibility, body, detail})
}

// handle plays the handler's part: acknowledge, investigate, answer and
// close, each step after the last and only if it has happened by now.
// About one case in seventy stalls at some step and stays open.
func (g *generator) handle(c *genCase) {
	if c.handler == 0 {
		return // nobody to take it: it waits, unassigned
	}
	name := g.names[c.handler]
	complaintKind := c.kind == complaint.KindComplaint
	stall := 5 // the step it stalls before; 5 = none
	if g.chance(0.015) {
		stall = g.rng.IntN(3) + 1
	}
	happened := func(step int, at time.Time) bool { return step < stall && !at.After(g.now) }
	act := func(at time.Time, kind complaint.EventKind, visibility, body, detail string) {
		c.event(at, c.handler, name, kind, visibility, body, detail)
	}

	// 1: acknowledged, mostly within the norm, sometimes days late.
	ack := c.submitted.Add(g.hours(1, 48))
	if g.chance(0.1) {
		ack = c.submitted.Add(g.hours(48, 240))
	}
	if c.offensive {
		// The principal reports offensive treatment to the organizer promptly.
		if at := c.submitted.Add(g.hours(1, 30)); happened(1, at) {
			c.reportedAt = at
			act(at, complaint.EventReported, "internal", "", "")
		}
	}
	if !happened(1, ack) {
		return
	}
	c.status, c.ackAt = complaint.Acknowledged, ack
	act(ack, complaint.EventAcknowledged, "filer", pickOrEmpty(g.rng, ackMessages, 0.5), "")
	// Most handlers write the neutral summary for the principals' meetings
	// when they take the case up.
	if g.chance(0.85) {
		c.summary = g.summary(c)
		act(ack, complaint.EventSummary, "internal", c.summary, "")
	}
	// Some cases are marked secret when they are taken up.
	if c.secret = g.chance(0.015) || (c.offensive && g.chance(0.2)); c.secret {
		act(ack, complaint.EventSecret, "internal", "", "on")
	}

	last := ack
	if complaintKind {
		// 2: investigating, for most complaints.
		if g.chance(0.7) {
			at := ack.Add(g.hours(0.1, 72))
			if !happened(2, at) {
				return
			}
			c.status, last = complaint.Investigating, at
			act(at, complaint.EventInvestigating, "filer", "", "")
		}
		if g.chance(0.25) {
			if at := last.Add(g.hours(1, 96)); !at.After(g.now) {
				act(at, complaint.EventNote, "internal", pickFrom(g.rng, notes), "")
			}
		}
		// 3: answered, mostly within two weeks.
		answer := c.submitted.Add(g.hours(48, 14*24))
		if g.chance(0.15) {
			answer = c.submitted.Add(g.hours(14*24, 45*24))
		}
		answer = later(answer, last.Add(g.hours(1, 24)))
		if !happened(3, answer) {
			return
		}
		c.status, c.answerAt, last = complaint.Answered, answer, answer
		act(answer, complaint.EventAnswered, "filer", pickFrom(g.rng, answers), "")
		if g.chance(0.08) {
			return // answered, never formally closed
		}
	} else if g.chance(0.02) {
		return // acknowledged feedback nobody closed
	}

	// 4: closed with an outcome.
	closed := last.Add(g.hours(1, 20*24))
	if !happened(4, closed) {
		return
	}
	outcomes := []weighted[complaint.Outcome]{{complaint.MeasuresTaken, 45}, {complaint.NoMeasures, 45}, {complaint.Forwarded, 10}}
	if !complaintKind {
		outcomes = []weighted[complaint.Outcome]{{complaint.MeasuresTaken, 35}, {complaint.NoMeasures, 60}, {complaint.Forwarded, 5}}
	}
	c.status, c.closedAt, c.outcome = complaint.Closed, closed, pick(g.rng, outcomes)
	act(closed, complaint.EventClosed, "filer", "", string(c.outcome))
}

// sweep does what complaint.Sweep would have done by now to an open case:
// a reminder when a deadline is near, an escalation once it has passed.
// The server's own sweep then has nothing left to do for generated cases.
func (g *generator) sweep(c *genCase) {
	if !c.status.Open() {
		return
	}
	answerDue := c.kind == complaint.KindComplaint
	registered := c.status == complaint.Registered
	last := c.submitted
	for _, e := range c.events {
		last = later(last, e.at)
	}
	switch {
	case (answerDue && c.answerDue < g.today) || (registered && c.ackDue < g.today):
		// Escalated the morning after the first deadline that passed.
		missed := c.answerDue
		if registered && c.ackDue < g.today {
			missed = c.ackDue
		}
		d, _ := civil.Parse(missed)
		at := earlier(later(d.AddDate(0, 0, 1).Add(7*time.Hour).UTC(), last.Add(time.Minute)), g.now)
		c.remindedAt, c.escalatedAt = at, at
		c.event(at, 0, "system", complaint.EventEscalated, "internal", "", c.answerDue)
	case (answerDue && c.answerDue <= g.soon) || (registered && c.ackDue <= g.soon):
		at := earlier(later(g.now.Add(-g.hours(0, 12)), last.Add(time.Minute)), g.now)
		c.remindedAt = at
		c.event(at, 0, "system", complaint.EventReminder, "internal", "", c.answerDue)
	}
}

// category picks a category that fits the kind: faults are mostly about
// premises, praise rarely about offensive treatment.
func (g *generator) category(kind complaint.Kind, t time.Time) string {
	if kind == complaint.KindFault && g.chance(0.7) && slices.Contains(g.cats, "premises") {
		return "premises"
	}
	weights := g.categoryWeights(t)
	for {
		code := pick(g.rng, weights)
		if slices.Contains(g.cats, code) && !(kind == complaint.KindPraise && code == complaint.OffensiveTreatment) {
			return code
		}
		if g.chance(0.2) {
			// The organizer has its own categories: take any of them.
			return g.cats[g.rng.IntN(len(g.cats))]
		}
	}
}

// categoryWeights returns the category weights at time t: categoryWeights,
// with the rising categories' weights grown by their share of the last year
// that has passed at t.
func (g *generator) categoryWeights(t time.Time) []weighted[string] {
	year := g.now.AddDate(-1, 0, 0)
	if len(g.rising) == 0 || !t.After(year) {
		return categoryWeights
	}
	grown := float64(t.Sub(year)) / float64(g.now.Sub(year))
	out := make([]weighted[string], len(categoryWeights))
	for i, c := range categoryWeights {
		// Weights in tenths keep the growth smooth with integer weights.
		out[i] = weighted[string]{c.v, int(math.Round(float64(c.w*10) * (1 + g.rising[c.v]*grown)))}
	}
	return out
}

// summary picks a short neutral summary that fits the case: no names, no
// details of who.
func (g *generator) summary(c *genCase) string {
	switch c.kind {
	case complaint.KindPraise:
		return pickFrom(g.rng, praiseSummaries)
	case complaint.KindSuggestion:
		return pickFrom(g.rng, suggestionSummaries)
	case complaint.KindFault:
		return pickFrom(g.rng, faultSummaries)
	}
	list, ok := summaries[c.category]
	if !ok {
		list = summaries["other"]
	}
	return pickFrom(g.rng, list)
}

func (g *generator) texts(c *genCase) {
	var first string
	switch c.kind {
	case complaint.KindPraise:
		first = pickFrom(g.rng, praise)
	case complaint.KindSuggestion:
		first = pickFrom(g.rng, suggestions)
	case complaint.KindFault:
		first = pickFrom(g.rng, faults)
	default:
		phrases, ok := happenings[c.category]
		if !ok {
			phrases = happenings["other"]
		}
		first = pickFrom(g.rng, phrases)
	}
	c.what = first
	if c.kind == complaint.KindComplaint || c.kind == complaint.KindComment {
		if more := pickOrEmpty(g.rng, details, 0.7); more != "" {
			c.what += " " + more
		}
	}
	if c.kind == complaint.KindComplaint {
		c.desired = pickOrEmpty(g.rng, desired, 0.75)
	}
}

// filer gives most filers a name and a way to be reached; a fifth stay
// anonymous. Phone numbers are in the range set aside for fiction.
func (g *generator) filer(c *genCase) {
	if g.chance(0.2) {
		return
	}
	first, last := pickFrom(g.rng, firstNames), pickFrom(g.rng, lastNames)
	c.name = first + " " + last
	if g.chance(0.85) {
		c.email = asciiLower.Replace(strings.ToLower(first+"."+last)) + "@epost.example"
	}
	if c.email == "" || g.chance(0.3) {
		c.phone = fmt.Sprintf("070-17406%02d", 5+g.rng.IntN(95))
	}
}

var asciiLower = strings.NewReplacer("å", "a", "ä", "a", "ö", "o", "é", "e")

// due returns the date days working days after local's date, cached: the
// same few hundred dates come up again and again.
func (g *generator) due(local time.Time, days int) string {
	y, m, d := local.Date()
	k := dueKey{y*10000 + int(m)*100 + d, days}
	s, ok := g.dues[k]
	if !ok {
		s = workdays.Add(local, days).Format(time.DateOnly)
		g.dues[k] = s
	}
	return s
}

func (g *generator) chance(p float64) bool { return g.rng.Float64() < p }

// hours returns a random duration between lo and hi hours.
func (g *generator) hours(lo, hi float64) time.Duration {
	return time.Duration((lo + g.rng.Float64()*(hi-lo)) * float64(time.Hour)).Truncate(time.Microsecond)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// insert numbers a batch of cases in the registration series, in order
// of submission, and inserts them and their events.
func (g *generator) insert(ctx context.Context, tx *store.Tx, batch []*genCase) error {
	// Reserve a block of numbers per year in this transaction: the series
	// row is locked until commit, and a rollback gives the block back.
	perYear := map[int]int{}
	for _, c := range batch {
		perYear[c.submitted.In(civil.Zone).Year()]++
	}
	next := map[int]int{}
	for year, k := range perYear {
		var last int
		err := tx.QueryRow(ctx, `INSERT INTO registration_series (prefix, year, last_number) VALUES (?, ?, ?)
			ON CONFLICT (prefix, year) DO UPDATE SET last_number = registration_series.last_number + excluded.last_number
			RETURNING last_number`, g.prefix, year, k).Scan(&last)
		if err != nil {
			return err
		}
		next[year] = last - k + 1
	}
	for _, c := range batch {
		year := c.submitted.In(civil.Zone).Year()
		c.reference = fmt.Sprintf("%s %d/%05d", g.prefix, year, next[year])
		next[year]++
	}

	args := make([]any, 0, len(batch)*len(caseInsertColumns))
	for _, c := range batch {
		args = append(args, c.reference, c.submitted, c.channel, c.language, c.filerRole, nullID(c.unitID),
			string(c.scope), string(c.kind), c.category, c.concernsPrincipal, c.what, c.desired, c.name, c.email,
			c.phone, string(c.status), string(c.outcome), nullID(c.handler), c.ackDue, c.answerDue,
			nullTime(c.ackAt), nullTime(c.answerAt), nullTime(c.closedAt), nullTime(c.remindedAt),
			nullTime(c.escalatedAt), c.secret, c.offensive, nullTime(c.reportedAt), c.updAt, c.summary)
	}
	rows, err := tx.Query(ctx, "INSERT INTO complaints ("+strings.Join(caseInsertColumns, ", ")+") VALUES "+
		valueRows(len(batch), len(caseInsertColumns))+" RETURNING id, reference", args...)
	if err != nil {
		return err
	}
	ids := make(map[string]int64, len(batch))
	for rows.Next() {
		var id int64
		var ref string
		if err := rows.Scan(&id, &ref); err != nil {
			rows.Close()
			return err
		}
		ids[ref] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	const eventColumns = 8
	const eventBatch = 2000
	args = args[:0]
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		_, err := tx.Exec(ctx, `INSERT INTO complaint_events (complaint_id, at, actor_id, actor, kind, visibility, body, detail)
			VALUES `+valueRows(len(args)/eventColumns, eventColumns), args...)
		args = args[:0]
		return err
	}
	for _, c := range batch {
		id, ok := ids[c.reference]
		if !ok {
			return fmt.Errorf("case %s was not returned by the insert", c.reference)
		}
		for _, e := range c.events {
			args = append(args, id, e.at, nullID(e.actorID), e.actor, string(e.kind), e.visibility, e.body, e.detail)
			if len(args) >= eventBatch*eventColumns {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}

var caseInsertColumns = []string{"reference", "submitted_at", "channel", "language", "filer_role", "unit_id",
	"unit_scope", "kind", "category_code", "concerns_principal", "what_happened", "desired_outcome", "filer_name",
	"filer_email", "filer_phone", "status", "outcome", "handler_id", "ack_due", "answer_due", "acknowledged_at",
	"answered_at", "closed_at", "reminded_at", "escalated_at", "secret", "offensive_treatment", "reported_at",
	"updated_at", "summary"}

// valueRows returns "(?, ?), (?, ?)" for rows rows of cols values.
func valueRows(rows, cols int) string {
	row := "(" + store.Placeholders(cols) + ")"
	var b strings.Builder
	b.Grow(rows * (len(row) + 2))
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	return b.String()
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

type weighted[T any] struct {
	v T
	w int
}

func pick[T any](r *rand.Rand, choices []weighted[T]) T {
	total := 0
	for _, c := range choices {
		total += c.w
	}
	n := r.IntN(total)
	for _, c := range choices {
		if n < c.w {
			return c.v
		}
		n -= c.w
	}
	panic("unreachable")
}

func pickFrom(r *rand.Rand, list []string) string { return list[r.IntN(len(list))] }

// pickOrEmpty picks from list with probability p, else returns "".
func pickOrEmpty(r *rand.Rand, list []string, p float64) string {
	if r.Float64() < p {
		return pickFrom(r, list)
	}
	return ""
}

// The fictional texts of generated cases.

var categoryWeights = []weighted[string]{
	{"treatment", 15}, {"teaching", 15}, {"special_support", 10}, {complaint.OffensiveTreatment, 8}, {"safety", 10},
	{"meals", 10}, {"school_transport", 6}, {"school_placement", 8}, {"premises", 8}, {"information", 5}, {"other", 5},
}

var happenings = map[string][]string{
	"treatment": {
		"Mitt barn blev utskällt inför hela klassen av en lärare.",
		"Personalen svarade otrevligt när jag ringde om hämtningen.",
		"En vikarie har vid flera tillfällen talat nedlåtande till eleverna.",
		"Vi blev inte lyssnade på vid utvecklingssamtalet.",
	},
	"teaching": {
		"Matematiklektionerna ställs in nästan varje vecka utan förklaring.",
		"Det har inte funnits någon engelsklärare sedan höstlovet.",
		"Proven rättas inte och vi vet inte hur vårt barn ligger till.",
		"Undervisningen i svenska som andraspråk har upphört.",
	},
	"special_support": {
		"Åtgärdsprogrammet som beslutades i våras har inte följts.",
		"Vi har begärt en utredning om särskilt stöd men inte fått något svar.",
		"Elevassistenten har tagits bort utan att vi informerats.",
		"Den anpassade studiegången har ändrats utan samråd med oss.",
	},
	complaint.OffensiveTreatment: {
		"Min son blir retad och knuffad på rasterna av några äldre elever.",
		"Min dotter har fått elaka meddelanden i klassens chattgrupp.",
		"Ett barn i gruppen blir regelbundet utestängt från leken.",
		"En elev har blivit kallad kränkande saker i omklädningsrummet.",
	},
	"safety": {
		"Det är så stökigt i klassrummet att mitt barn inte kan koncentrera sig.",
		"Grinden mot parkeringen står ofta öppen under utevistelsen.",
		"Det saknas vuxna på skolgården under lunchrasten.",
		"Brandlarmet har utlösts av elever flera gånger den här månaden.",
	},
	"meals": {
		"Maten tar slut innan de sista klasserna hunnit äta.",
		"Specialkosten för glutenallergi har blandats ihop flera gånger.",
		"Det serveras för lite grönsaker och maten är ofta kall.",
		"Det vegetariska alternativet saknas nästan varje fredag.",
	},
	"school_transport": {
		"Skolbussen kom inte i morse och barnen fick vänta i kylan.",
		"Taxin till skolan kommer för sent nästan varje dag.",
		"Vi har fått avslag på skolskjuts trots att vägen saknar trottoar.",
	},
	"school_placement": {
		"Vi fick inte plats på den skola vi valde i första hand.",
		"Syskonen har placerats på olika skolor.",
		"Placeringsbeslutet kom så sent att vi inte hann planera.",
	},
	"premises": {
		"Ventilationen i klassrummet fungerar inte och det blir mycket varmt.",
		"Toaletterna på andra våningen har varit trasiga i flera veckor.",
		"Det läcker in vatten i förskolans hall när det regnar.",
	},
	"information": {
		"Vi fick veta om studiedagen först dagen innan.",
		"Informationen på webbplatsen om lovomsorgen stämmer inte.",
		"Veckobreven har slutat komma.",
	},
	"other": {
		"Trafiken vid lämningen är kaotisk på morgnarna.",
		"Jag vill lämna en synpunkt på hur utvecklingssamtalen bokas.",
		"Skolans telefon är aldrig bemannad efter klockan två.",
	},
}

// Neutral summaries, as a handler writes them for the principals'
// meetings: short, without names.
var summaries = map[string][]string{
	"treatment": {
		"Vårdnadshavare upplever att personal har bemött en elev nedlåtande.",
		"Synpunkt på hur personalen bemöter vårdnadshavare i telefon.",
		"Vårdnadshavare känner sig inte lyssnade på vid samtal med skolan.",
	},
	"teaching": {
		"Lektioner i ett ämne har ställts in flera veckor i rad.",
		"Undervisning i ett ämne saknas sedan lovet.",
		"Oklart för vårdnadshavare hur eleven ligger till i ämnena.",
	},
	"special_support": {
		"Beslutat stöd enligt åtgärdsprogram har inte genomförts.",
		"Begäran om utredning av stödbehov har inte besvarats.",
		"Stöd i klassrummet har minskat utan information till hemmet.",
	},
	complaint.OffensiveTreatment: {
		"Elev upplever sig utsatt av andra elever på rasterna.",
		"Kränkande meddelanden i en digital kanal mellan elever.",
		"Elev upplever sig utestängd från gemenskapen i gruppen.",
	},
	"safety": {
		"Orolig arbetsmiljö i klassrummet.",
		"Brister i tillsynen under utevistelse.",
		"Synpunkt på säkerheten vid skolans grind och parkering.",
	},
	"meals": {
		"Maten räcker inte till alla klasser.",
		"Specialkost har blivit fel vid flera tillfällen.",
		"Synpunkt på matens kvalitet och temperatur.",
	},
	"school_transport": {
		"Skolskjutsen har varit sen eller uteblivit.",
		"Synpunkt på beslut om skolskjuts.",
	},
	"school_placement": {
		"Missnöje med placeringen efter skolvalet.",
		"Syskon har placerats på olika skolor.",
	},
	"premises": {
		"Brister i ventilationen i ett klassrum.",
		"Trasiga toaletter under en längre tid.",
		"Vattenläckage i lokalerna vid regn.",
	},
	"information": {
		"Sen information till vårdnadshavare om ändrade tider.",
		"Felaktig information på webbplatsen.",
	},
	"other": {
		"Synpunkt på trafiken vid lämning och hämtning.",
		"Svårt att nå skolan per telefon.",
		"Synpunkt på rutiner för att boka samtal.",
	},
}

var (
	praiseSummaries     = []string{"Beröm till personalen.", "Beröm för en aktivitet på skolan."}
	suggestionSummaries = []string{"Förslag om att utveckla verksamheten.", "Förslag om information till nya familjer."}
	faultSummaries      = []string{"Felanmälan om trasig utrustning.", "Felanmälan om lokalerna."}
)

var (
	praise = []string{
		"Stort tack till personalen för en fin hösttermin.",
		"Vår dotter trivs väldigt bra och lärarna är engagerade.",
		"Tack för den välplanerade temadagen om hållbarhet.",
		"Personalen på förskolan gör ett fantastiskt arbete.",
	}
	suggestions = []string{
		"Jag föreslår att skolan inför läxhjälp på eftermiddagarna.",
		"Det vore bra om matsedeln fanns på fler språk.",
		"Förslag: cykelställ under tak vid huvudentrén.",
		"Skolan kunde ha ett öppet hus för nya familjer i augusti.",
	}
	faults = []string{
		"Lampan vid entrén är trasig.",
		"Ett fönster i matsalen går inte att stänga.",
		"Gungan på lekplatsen har en lös kedja.",
		"Dörren till idrottshallen går inte att låsa.",
	}
	details = []string{
		"Det har pågått sedan början av terminen.",
		"Vi har tagit upp det med mentorn utan att något hänt.",
		"Det hände senast i förra veckan.",
		"Flera andra föräldrar har samma upplevelse.",
		"Vi har försökt nå ansvarig personal flera gånger.",
	}
	desired = []string{
		"Jag vill att skolan tar kontakt med mig.",
		"Jag önskar ett möte med rektor.",
		"Jag vill att situationen utreds och att åtgärder vidtas.",
		"Jag vill få en förklaring.",
	}
	ackMessages = []string{
		"Tack för ditt meddelande. Vi har tagit emot ärendet och återkommer.",
		"Vi har tagit emot dina synpunkter och ser över saken.",
	}
	notes = []string{
		"Har pratat med berörd personal.",
		"Väntar på uppgifter från mentorn.",
		"Ärendet togs upp på ledningsgruppens möte.",
		"Har ringt vårdnadshavaren, som inte svarade.",
	}
	answers = []string{
		"Vi har utrett det du beskrev och pratat med berörd personal. Vi har gjort förändringar så att det inte ska hända igen.",
		"Tack för att du hörde av dig. Vi har gått igenom ärendet och bedömer att skolan har följt sina rutiner, men vi tar med dina synpunkter i vårt fortsatta arbete.",
		"Vi beklagar det som hänt. Rektor har beslutat om åtgärder och vi följer upp dem på nästa möte med arbetslaget.",
	}
	firstNames = []string{"Anna", "Erik", "Maria", "Johan", "Sara", "Ali", "Fatima", "Lars", "Karin", "Mohammed",
		"Emma", "Oscar", "Elin", "Jonas", "Leila", "Per"}
	lastNames = []string{"Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
		"Svensson", "Gustafsson", "Hassan", "Lindberg", "Berg", "Holm", "Åberg", "Ström"}
)
