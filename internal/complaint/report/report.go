// Package report compiles complaints into the figures the organizer
// steers by: the trends dashboard and the report to the political board
// (nämnd). For a period it counts cases by kind, category, unit and month,
// compares them with the same period a year earlier, flags rises that are
// unlikely to be chance, relates them to the number of pupils, measures
// handling times against the organizer's norms and counts the outcomes of
// the cases closed. It writes the report as PDF and as XLSX.
//
// The report holds no personal data: counts and derived figures only, and
// the officer's own analysis text. For board members every count from 1
// to MinGroup-1 is suppressed, with the counts that would reveal it by
// subtraction, and so is every figure computed from a group that small.
package report

import (
	"context"
	"math"
	"slices"
	"strconv"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/export"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/stats"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/workdays"
)

// The rule for flagging a rise is stats.Rise's: the count is at least
// MinRise and a rise this large from the comparison period would happen in
// fewer than Alpha of the cases if the underlying rate had not changed
// (stats.RiseP, with the number of days in each period as exposure).
const (
	Alpha   = stats.RiseAlpha
	MinRise = stats.RiseMin
)

// Keys of the unit rows that are not units.
const (
	KeyUnknown      = string(complaint.ScopeUnknown)
	KeyOrganization = string(complaint.ScopeOrganization)
)

// Options choose what a report covers and who it is for.
type Options struct {
	Period Period
	// Kind limits every table but the one by kind to one kind of
	// feedback; "" counts every kind.
	Kind complaint.Kind
	// MinGroup > 0 makes the board members' version: counts from 1 to
	// MinGroup-1 are suppressed, and no p-values are given.
	MinGroup int
	Now      time.Time
	L        *i18n.Localizer // required: names of kinds, categories, months and the rows that are not units
	// Cache, when set, keeps the counts of the cases between reports
	// while no case changes (see Cache); nil counts them every time.
	Cache *Cache
}

// Row is one line of a table: a kind, a category, a unit or a month, or
// the total.
type Row struct {
	Key      string // kind, category code, unit id, KeyUnknown, KeyOrganization or YYYY-MM
	Label    string
	Count    Count  // cases submitted in the period
	Previous Count  // in the same period a year earlier
	Change   Figure // per cent
	P        Figure // one-sided p-value of the rise (not in the board version)
	Rise     bool   // a rise unlikely to be chance
	Pupils   int    // units: pupils (or children) at the unit
	Rate     Figure // cases per 100 pupils
	Open     Count  // open now, whenever submitted
	Overdue  Count  // of them, past a deadline
	Answered Count  // complaints of the period answered
	// AnswerMedian is the median number of working days from receipt to
	// answer, AnswerOnTime the share answered by the deadline of the
	// complaints answered or overdue.
	AnswerMedian Figure
	AnswerOnTime Figure
}

// Step is how one step of the handling (acknowledging, answering) went for
// the period's cases.
type Step struct {
	Norm   int    // working days the organizer allows
	Done   Count  // cases where the step is done
	OnTime Count  // done by the deadline
	Late   Count  // not done and past the deadline
	Median Figure // working days from receipt (the first working day on or after it)
	Share  Figure // OnTime / (Done + Late)
}

// OutcomeRow counts the outcomes of the cases of a category closed in the period.
type OutcomeRow struct {
	Key, Label    string
	Closed        Count
	Measures      Count
	NoMeasures    Count
	Forwarded     Count
	MeasuresShare Figure
}

// Report is the compiled figures for a period.
type Report struct {
	Organizer  string
	Period     Period
	Previous   Period
	Kind       complaint.Kind
	Today      string    // the date "open now" refers to
	Generated  time.Time // UTC
	MinGroup   int       // 0: full figures
	AckDays    int
	AnswerDays int
	Pupils     int // pupils at the units that have a number

	Total      Row
	Kinds      []Row // every kind, whatever Kind is
	Categories []Row
	Units      []Row // units by name, then the unknown unit and the whole organization
	Months     []Row
	Ack        Step
	Answer     Step // complaints only
	Outcomes   []OutcomeRow
	Closed     OutcomeRow // the outcomes' total

	Analysis        string // the officer's text for the period
	AnalysisUpdated *time.Time

	// Charts are the page's charts for the PDF, drawn by the caller (the
	// web layer or the command, with internal/chart) with their alt
	// texts, keyed "categories" and "months"; the PDF shows each above
	// its table. Build leaves it empty.
	Charts map[string]export.Figure
}

// Suppressed reports whether this is the board members' version.
func (r *Report) Suppressed() bool { return r.MinGroup > 0 }

// Rises lists the categories and units whose rise is flagged.
func (r *Report) Rises() []Row {
	var out []Row
	for _, rows := range [][]Row{r.Categories, r.Units} {
		for _, row := range rows {
			if row.Rise {
				out = append(out, row)
			}
		}
	}
	return out
}

// ParseKind reads the kind filter: "" or "all" is every kind.
func ParseKind(s string) (complaint.Kind, error) {
	if s == "" || s == "all" {
		return "", nil
	}
	if k := complaint.Kind(s); slices.Contains(complaint.Kinds, k) {
		return k, nil
	}
	var v app.Validation
	v.Add("kind", "field.choose")
	return "", v.Err()
}

// tally accumulates one row's raw numbers.
type tally struct {
	n, prev, open, overdue int
	answerDays             []int
	answerOnTime           int
	answerLate             int
	closed, measures, none int
	forwarded              int
}

type tallies map[string]*tally

func (t tallies) at(key string) *tally {
	x := t[key]
	if x == nil {
		x = &tally{}
		t[key] = x
	}
	return x
}

// get returns the tally for key, or an empty one, without adding it: a
// tallies collected once may be read by many reports at the same time.
func (t tallies) get(key string) *tally {
	if x := t[key]; x != nil {
		return x
	}
	return &tally{}
}

type step struct {
	days         []int
	onTime, late int
}

// Build compiles the report.
func Build(ctx context.Context, q store.Q, o Options) (*Report, error) {
	local := o.Now.In(civil.Zone)
	r := &Report{Period: o.Period, Previous: o.Period.YearBefore(), Kind: o.Kind, Today: local.Format(time.DateOnly),
		Generated: o.Now.UTC(), MinGroup: max(o.MinGroup, 0)}
	settings, err := complaint.GetSettings(ctx, q)
	if err != nil {
		return nil, err
	}
	r.AckDays, r.AnswerDays = settings.AckDays, settings.AnswerDays
	if organizer, err := org.GetOrganizer(ctx, q); err == nil {
		r.Organizer = organizer.Name
	} else if !store.IsNotFound(err) {
		return nil, err
	}
	cats, err := org.Categories(ctx, q)
	if err != nil {
		return nil, err
	}
	units, err := loadUnits(ctx, q)
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		if u.active && u.pupils != nil {
			r.Pupils += *u.pupils
		}
	}

	var t *tallied
	if o.Cache != nil {
		t, err = o.Cache.get(ctx, q, o.Period, o.Kind, r.Today)
	} else {
		t, err = collect(ctx, q, o.Period, o.Kind, r.Today)
	}
	if err != nil {
		return nil, err
	}
	total, kinds, byCat, byUnit, byMonth, ack, answer := t.total, t.kinds, t.byCat, t.byUnit, t.byMonth, t.ack, t.answer

	l := o.L
	// The rows of each table, in display order.
	var catKeys, catLabels []string
	for _, c := range cats {
		if _, used := byCat[c.Code]; used || c.Active {
			catKeys, catLabels = append(catKeys, c.Code), append(catLabels, c.Name(l.Lang))
		}
	}
	var gone []string // codes of cases whose category is no longer in the list
	for code := range byCat {
		if !slices.Contains(catKeys, code) {
			gone = append(gone, code)
		}
	}
	slices.Sort(gone)
	catKeys, catLabels = append(catKeys, gone...), append(catLabels, gone...)
	var unitKeys, unitLabels []string
	pupils := map[string]int{}
	for _, u := range units {
		key := strconv.FormatInt(u.id, 10)
		if _, used := byUnit[key]; used || u.active {
			unitKeys, unitLabels = append(unitKeys, key), append(unitLabels, u.name)
			if u.pupils != nil {
				pupils[key] = *u.pupils
			}
		}
	}
	unitKeys = append(unitKeys, KeyUnknown, KeyOrganization)
	unitLabels = append(unitLabels, l.T("scope.unknown"), l.T("scope.organization"))

	days, prevDays := float64(r.Period.Days()), float64(r.Previous.Days())
	min := r.MinGroup
	hideFig := func(n int) bool { return min > 0 && n < min }
	build := func(keys, labels []string, ts tallies, flags bool) []Row {
		list := make([]*tally, len(keys))
		for i, k := range keys {
			list[i] = ts.get(k)
		}
		col := func(f func(*tally) int) []bool {
			ns := make([]int, len(list))
			for i, t := range list {
				ns[i] = f(t)
			}
			return hideColumn(ns, min)
		}
		hn, hp := col(func(t *tally) int { return t.n }), col(func(t *tally) int { return t.prev })
		ho, hd := col(func(t *tally) int { return t.open }), col(func(t *tally) int { return t.overdue })
		ha := col(func(t *tally) int { return len(t.answerDays) })
		rows := make([]Row, len(keys))
		for i, t := range list {
			rows[i] = r.row(keys[i], labels[i], t, hn[i], hp[i], ho[i], hd[i], ha[i], days, prevDays, flags, hideFig)
		}
		return rows
	}
	r.Total = r.row("total", l.T("report.total"), total, hideFig(total.n) && total.n > 0, hideFig(total.prev) && total.prev > 0,
		hideFig(total.open) && total.open > 0, hideFig(total.overdue) && total.overdue > 0,
		hideFig(len(total.answerDays)) && len(total.answerDays) > 0, days, prevDays, true, hideFig)
	r.Total.Rate = rate(total.n, r.Pupils, r.Total.Count.Suppressed())
	var kindKeys, kindLabels []string
	for _, k := range complaint.Kinds {
		kindKeys, kindLabels = append(kindKeys, string(k)), append(kindLabels, l.T("kind."+string(k)))
	}
	r.Kinds = build(kindKeys, kindLabels, kinds, false)
	r.Categories = build(catKeys, catLabels, byCat, true)
	for i := range r.Categories {
		r.Categories[i].Rate = rate(byCat.get(catKeys[i]).n, r.Pupils, r.Categories[i].Count.Suppressed())
	}
	r.Units = build(unitKeys, unitLabels, byUnit, true)
	for i := range r.Units {
		if p, ok := pupils[unitKeys[i]]; ok {
			r.Units[i].Pupils = p
			r.Units[i].Rate = rate(byUnit.get(unitKeys[i]).n, p, r.Units[i].Count.Suppressed())
		}
	}
	var monthLabels []string
	months := r.Period.months()
	for _, m := range months {
		month, _ := strconv.Atoi(m[5:])
		monthLabels = append(monthLabels, l.T("report.month."+strconv.Itoa(month))+" "+m[:4])
	}
	r.Months = build(months, monthLabels, byMonth, false)

	r.Ack = makeStep(r.AckDays, ack, min)
	r.Answer = makeStep(r.AnswerDays, answer, min)
	r.Outcomes, r.Closed = outcomes(catKeys, catLabels, byCat, total, l.T("report.total"), min)

	r.Analysis, r.AnalysisUpdated, err = analysis(ctx, q, o.Period)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// tallied is what a report counts from the cases of its period, its
// comparison period and the open cases: everything the report reads from
// the complaints table. It depends on the period, the kind filter and
// today's date only, and is never changed once collected (Build reads it
// with tallies.get), so one value may serve many reports at once.
type tallied struct {
	total                         *tally
	kinds, byCat, byUnit, byMonth tallies
	ack, answer                   step
}

// collect counts the cases for a report of kind over p, with today as the
// date open cases are overdue against.
func collect(ctx context.Context, q store.Q, p Period, kind complaint.Kind, today string) (*tallied, error) {
	match := func(k complaint.Kind) bool { return kind == "" || k == kind }
	total, kinds, byCat, byUnit, byMonth := &tally{}, tallies{}, tallies{}, tallies{}, tallies{}
	var ack, answer step

	err := eachCurrent(ctx, q, p, func(c *caseRow) {
		kinds.at(string(c.kind)).n++
		if !match(c.kind) {
			return
		}
		sub := c.submitted.In(civil.Zone)
		cat, unit := byCat.at(c.category), byUnit.at(c.unitKey)
		total.n++
		cat.n++
		unit.n++
		byMonth.at(sub.Format("2006-01")).n++

		start := workdays.Add(sub, 0) // a case received on a day off counts from the next working day
		if done := c.acknowledgedAt(); done != nil {
			at := done.In(civil.Zone)
			ack.days = append(ack.days, max(workdays.Between(start, at), 0))
			if at.Format(time.DateOnly) <= c.ackDue {
				ack.onTime++
			}
		} else if c.status == complaint.Registered && c.ackDue < today {
			ack.late++
		}
		if c.kind != complaint.KindComplaint {
			return
		}
		if c.answered != nil {
			at := c.answered.In(civil.Zone)
			days := max(workdays.Between(start, at), 0)
			onTime := at.Format(time.DateOnly) <= c.answerDue
			answer.days = append(answer.days, days)
			for _, t := range []*tally{total, cat, unit} {
				t.answerDays = append(t.answerDays, days)
				if onTime {
					t.answerOnTime++
				}
			}
			if onTime {
				answer.onTime++
			}
		} else if c.status.Open() && c.answerDue < today {
			answer.late++
			total.answerLate++
			cat.answerLate++
			unit.answerLate++
		}
	})
	if err != nil {
		return nil, err
	}
	err = eachPrevious(ctx, q, p.YearBefore(), func(c *caseRow) {
		kinds.at(string(c.kind)).prev++
		if !match(c.kind) {
			return
		}
		total.prev++
		byCat.at(c.category).prev++
		byUnit.at(c.unitKey).prev++
		byMonth.at(shiftYear(civil.Date(c.submitted), 1)[:7]).prev++
	})
	if err != nil {
		return nil, err
	}
	err = eachOpen(ctx, q, func(c *caseRow) {
		if !match(c.kind) {
			return
		}
		overdue := (c.status == complaint.Registered && c.ackDue < today) || (c.kind == complaint.KindComplaint && c.answerDue < today)
		for _, t := range []*tally{total, byCat.at(c.category), byUnit.at(c.unitKey)} {
			t.open++
			if overdue {
				t.overdue++
			}
		}
	})
	if err != nil {
		return nil, err
	}
	err = eachClosed(ctx, q, p, func(c *caseRow) {
		if !match(c.kind) {
			return
		}
		for _, t := range []*tally{total, byCat.at(c.category)} {
			t.closed++
			switch c.outcome {
			case complaint.MeasuresTaken:
				t.measures++
			case complaint.NoMeasures:
				t.none++
			case complaint.Forwarded:
				t.forwarded++
			}
		}
	})
	if err != nil {
		return nil, err
	}

	// Sorted once here, so the medians are read, not sorted, per report.
	for _, ts := range []tallies{kinds, byCat, byUnit, byMonth, {"": total}} {
		for _, t := range ts {
			slices.Sort(t.answerDays)
		}
	}
	slices.Sort(ack.days)
	slices.Sort(answer.days)
	return &tallied{total: total, kinds: kinds, byCat: byCat, byUnit: byUnit, byMonth: byMonth, ack: ack, answer: answer}, nil
}

// sortedMedian is stats.Median of a sorted slice, without copying it.
func sortedMedian(xs []int) (float64, bool) {
	if len(xs) == 0 {
		return 0, false
	}
	m := len(xs) / 2
	if len(xs)%2 == 1 {
		return float64(xs[m]), true
	}
	return (float64(xs[m-1]) + float64(xs[m])) / 2, true
}

// row computes one table row from its tally and the hidden flags of its
// counts (decided over the whole table).
func (r *Report) row(key, label string, t *tally, hn, hp, ho, hd, ha bool, days, prevDays float64, flags bool, hideFig func(int) bool) Row {
	row := Row{Key: key, Label: label, Count: count(t.n, hn), Previous: count(t.prev, hp), Open: count(t.open, ho),
		Overdue: count(t.overdue, hd), Answered: count(len(t.answerDays), ha)}
	switch c, ok := stats.Change(t.n, t.prev); {
	case hn || hp:
		row.Change = hiddenFigure
	case ok:
		row.Change = value(c, 0)
	}
	if flags {
		p := stats.RiseP(t.n, days, t.prev, prevDays)
		row.Rise = !hn && t.n >= MinRise && t.n > t.prev && p < Alpha
		if !r.Suppressed() && !math.IsNaN(p) {
			row.P = value(p, 3)
		}
	}
	switch m, ok := sortedMedian(t.answerDays); {
	case !ok:
	case hideFig(len(t.answerDays)):
		row.AnswerMedian = hiddenFigure
	default:
		row.AnswerMedian = value(m, 1)
	}
	row.AnswerOnTime = share(t.answerOnTime, len(t.answerDays)+t.answerLate, hideFig)
	return row
}

func rate(n, pupils int, hidden bool) Figure {
	switch {
	case hidden:
		return hiddenFigure
	case pupils <= 0:
		return missing
	}
	return value(float64(n)/float64(pupils)*100, 1)
}

func share(part, whole int, hide func(int) bool) Figure {
	switch {
	case whole == 0:
		return missing
	case hide(whole):
		return hiddenFigure
	}
	return value(float64(part)/float64(whole), 3)
}

func makeStep(norm int, s step, min int) Step {
	hide := func(n int) bool { return min > 0 && n < min }
	c := func(n int) Count { return count(n, hide(n) && n > 0) }
	out := Step{Norm: norm, Done: c(len(s.days)), OnTime: c(s.onTime), Late: c(s.late),
		Share: share(s.onTime, len(s.days)+s.late, hide)}
	switch m, ok := sortedMedian(s.days); {
	case !ok:
	case hide(len(s.days)):
		out.Median = hiddenFigure
	default:
		out.Median = value(m, 1)
	}
	return out
}

// outcomes builds the outcome table: categories by outcome, with row and
// column totals, suppressed across both directions.
func outcomes(keys, labels []string, ts tallies, total *tally, totalLabel string, min int) ([]OutcomeRow, OutcomeRow) {
	const cols = 4 // closed, measures, none, forwarded
	ns := make([]int, 0, (len(keys)+1)*cols)
	for _, k := range keys {
		t := ts.get(k)
		ns = append(ns, t.closed, t.measures, t.none, t.forwarded)
	}
	var groups [][]int
	for i := range keys {
		groups = append(groups, []int{i*cols + 1, i*cols + 2, i*cols + 3})
	}
	for c := range cols {
		var g []int
		for i := range keys {
			g = append(g, i*cols+c)
		}
		groups = append(groups, g)
	}
	base := len(ns)
	ns = append(ns, total.closed, total.measures, total.none, total.forwarded)
	groups = append(groups, []int{base + 1, base + 2, base + 3})
	hidden := hideSmall(ns, groups, min)
	hide := func(n int) bool { return min > 0 && n < min }
	make1 := func(key, label string, at int) OutcomeRow {
		row := OutcomeRow{Key: key, Label: label, Closed: count(ns[at], hidden[at]), Measures: count(ns[at+1], hidden[at+1]),
			NoMeasures: count(ns[at+2], hidden[at+2]), Forwarded: count(ns[at+3], hidden[at+3])}
		row.MeasuresShare = share(ns[at+1], ns[at], hide)
		if hidden[at+1] && !row.MeasuresShare.Missing() {
			row.MeasuresShare = hiddenFigure
		}
		return row
	}
	rows := make([]OutcomeRow, len(keys))
	for i := range keys {
		rows[i] = make1(keys[i], labels[i], i*cols)
	}
	return rows, make1("total", totalLabel, base)
}

// caseRow is what the figures need of a case.
type caseRow struct {
	submitted               time.Time
	kind                    complaint.Kind
	category, unitKey       string
	status                  complaint.Status
	outcome                 complaint.Outcome
	ackDue, answerDue       string
	acked, answered, closed *time.Time
	unitID                  *int64
	scope                   string
}

// acknowledgedAt is when the case was acknowledged; an answer or closing
// without a separate acknowledgement counts as one.
func (c *caseRow) acknowledgedAt() *time.Time {
	switch {
	case c.acked != nil:
		return c.acked
	case c.answered != nil:
		return c.answered
	}
	return c.closed
}

func (c *caseRow) setUnitKey() {
	if c.scope == string(complaint.ScopeUnit) && c.unitID != nil {
		c.unitKey = strconv.FormatInt(*c.unitID, 10)
	} else {
		c.unitKey = c.scope
	}
}

type unitInfo struct {
	id     int64
	name   string
	pupils *int
	active bool
}

func loadUnits(ctx context.Context, q store.Q) ([]unitInfo, error) {
	rows, err := q.Query(ctx, "SELECT id, name, pupils, active FROM units")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []unitInfo
	for rows.Next() {
		var u unitInfo
		if err := rows.Scan(&u.id, &u.name, &u.pupils, &u.active); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	coll := collate.New(language.Swedish)
	slices.SortFunc(out, func(a, b unitInfo) int { return coll.CompareString(a.name, b.name) })
	return out, rows.Err()
}

// eachCurrent calls fn for every case submitted in the period.
func eachCurrent(ctx context.Context, q store.Q, p Period, fn func(*caseRow)) error {
	start, end := p.Bounds()
	rows, err := q.Query(ctx, `SELECT submitted_at, kind, category_code, unit_id, unit_scope, status, ack_due, answer_due,
			acknowledged_at, answered_at, closed_at
		FROM complaints WHERE submitted_at >= ? AND submitted_at < ?`, start, end)
	if err != nil {
		return err
	}
	defer rows.Close()
	var c caseRow
	for rows.Next() {
		c = caseRow{}
		if err := rows.Scan(&c.submitted, &c.kind, &c.category, &c.unitID, &c.scope, &c.status, &c.ackDue, &c.answerDue,
			&c.acked, &c.answered, &c.closed); err != nil {
			return err
		}
		c.setUnitKey()
		fn(&c)
	}
	return rows.Err()
}

// eachPrevious calls fn for every case submitted in the comparison
// period, with only what is counted there.
func eachPrevious(ctx context.Context, q store.Q, p Period, fn func(*caseRow)) error {
	start, end := p.Bounds()
	rows, err := q.Query(ctx, `SELECT submitted_at, kind, category_code, unit_id, unit_scope
		FROM complaints WHERE submitted_at >= ? AND submitted_at < ?`, start, end)
	if err != nil {
		return err
	}
	defer rows.Close()
	var c caseRow
	for rows.Next() {
		c = caseRow{}
		if err := rows.Scan(&c.submitted, &c.kind, &c.category, &c.unitID, &c.scope); err != nil {
			return err
		}
		c.setUnitKey()
		fn(&c)
	}
	return rows.Err()
}

// eachOpen calls fn for every open case, whenever it was submitted.
func eachOpen(ctx context.Context, q store.Q, fn func(*caseRow)) error {
	rows, err := q.Query(ctx, `SELECT kind, category_code, unit_id, unit_scope, status, ack_due, answer_due
		FROM complaints WHERE status IN ('registered', 'acknowledged', 'investigating')`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var c caseRow
	for rows.Next() {
		c = caseRow{}
		if err := rows.Scan(&c.kind, &c.category, &c.unitID, &c.scope, &c.status, &c.ackDue, &c.answerDue); err != nil {
			return err
		}
		c.setUnitKey()
		fn(&c)
	}
	return rows.Err()
}

// eachClosed calls fn for every case closed in the period.
func eachClosed(ctx context.Context, q store.Q, p Period, fn func(*caseRow)) error {
	start, end := p.Bounds()
	rows, err := q.Query(ctx, `SELECT kind, category_code, outcome FROM complaints
		WHERE status = 'closed' AND closed_at >= ? AND closed_at < ?`, start, end)
	if err != nil {
		return err
	}
	defer rows.Close()
	var c caseRow
	for rows.Next() {
		c = caseRow{}
		if err := rows.Scan(&c.kind, &c.category, &c.outcome); err != nil {
			return err
		}
		fn(&c)
	}
	return rows.Err()
}
