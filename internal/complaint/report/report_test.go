package report_test

import (
	"bytes"
	"context"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/export"
	"github.com/styrkedjan/styrkedjan/internal/pdftest"

	"github.com/xuri/excelize/v2"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/complaint/report"
	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/stats"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
	"github.com/styrkedjan/styrkedjan/internal/workdays"
)

func TestParsePeriod(t *testing.T) {
	p, err := report.ParsePeriod("2025-01-01", "2025-12-31")
	if err != nil || p.Days() != 365 {
		t.Fatalf("a year: %+v %v", p, err)
	}
	if prev := p.YearBefore(); prev.From != "2024-01-01" || prev.To != "2024-12-31" || prev.Days() != 366 {
		t.Errorf("year before: %+v (%d days)", prev, prev.Days())
	}
	if prev := (report.Period{From: "2024-02-01", To: "2024-02-29"}).YearBefore(); prev.To != "2023-02-28" {
		t.Errorf("29 February a year before: %+v", prev)
	}
	start, end := p.Bounds()
	if start.Format(time.RFC3339) != "2024-12-31T23:00:00Z" || end.Format(time.RFC3339) != "2025-12-31T23:00:00Z" {
		t.Errorf("bounds %s – %s, want Stockholm midnights", start, end)
	}
	for _, c := range []struct{ from, to, field, msg string }{
		{"2025-13-01", "2025-12-31", "from", "field.date"},
		{"2025-01-01", "", "to", "field.date"},
		{"2025-06-01", "2025-05-31", "to", "report.err_order"},
		{"2024-01-01", "2025-01-01", "to", "report.err_span"},
	} {
		_, err := report.ParsePeriod(c.from, c.to)
		ae, ok := err.(*app.Error)
		if !ok || len(ae.Fields) == 0 || ae.Fields[0].Field != c.field || ae.Fields[0].MsgID != c.msg {
			t.Errorf("ParsePeriod(%q, %q) = %v, want %s on %s", c.from, c.to, err, c.msg, c.field)
		}
	}
	if _, err := report.ParsePeriod("2024-01-01", "2024-12-31"); err != nil {
		t.Errorf("a leap year of 366 days: %v", err)
	}
	if p := report.DefaultPeriod(time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)); p.From != "2025-03-01" || p.To != "2026-02-28" {
		t.Errorf("default period %+v", p)
	}
}

// TestMessagesExist builds the report, in full and in the board's
// suppressed version, for every kind and in Swedish and English, writes
// its page model, PDF and XLSX, and fails on any message the report asked
// for that its language's catalog lacks (the catalog records them). The
// trends pages are crawled the same way by the web package's tests.
func TestMessagesExist(t *testing.T) {
	// The messages are asked for while the document is built: drawing the
	// 24 PDFs with fpdf is enough here (the tagged PDF is checked in
	// TestFilesOpen).
	t.Setenv("STYRKEDJAN_CHROMIUM", "none")
	db := storetest.SQLite(t)
	ctx := context.Background()
	if err := demo.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := demo.GenerateCases(ctx, db, 300, 7); err != nil {
		t.Fatal(err)
	}
	catalog, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	catalog.RecordMissing()
	now := time.Now()
	period := report.DefaultPeriod(now)
	officer := asUser(t, db, "klagomal@exempelby.example")
	if err := report.SaveAnalysis(officer, db, period, "En analys.", now); err != nil {
		t.Fatal(err)
	}
	kinds := append([]complaint.Kind{""}, complaint.Kinds...)
	for _, lang := range []string{"sv", "en"} {
		l := catalog.For(lang)
		for _, kind := range kinds {
			for _, minGroup := range []int{0, 5} {
				r, err := report.Build(ctx, db, report.Options{Period: period, Kind: kind, MinGroup: minGroup, Now: now, L: l})
				if err != nil {
					t.Fatal(err)
				}
				_ = r.Source(l) + r.SuppressionNote(l) + r.KindLabel(l) + report.Method(l)
				if err := r.WritePDF(io.Discard, l); err != nil {
					t.Fatal(err)
				}
				if err := r.WriteXLSX(io.Discard, l); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if missing := catalog.Missing(); len(missing) > 0 {
		t.Errorf("messages the report asked for but its catalogs lack:\n%s", strings.Join(missing, "\n"))
	}
}

// caseFacts is a case as the independent count below reads it.
type caseFacts struct {
	submitted               time.Time
	kind, category, scope   string
	unitID                  *int64
	status, outcome         string
	ackDue, answerDue       string
	acked, answered, closed *time.Time
}

func allCases(t *testing.T, db *store.DB) []caseFacts {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT submitted_at, kind, category_code, unit_scope, unit_id, status, outcome,
		ack_due, answer_due, acknowledged_at, answered_at, closed_at FROM complaints`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []caseFacts
	for rows.Next() {
		var c caseFacts
		if err := rows.Scan(&c.submitted, &c.kind, &c.category, &c.scope, &c.unitID, &c.status, &c.outcome, &c.ackDue,
			&c.answerDue, &c.acked, &c.answered, &c.closed); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

func (c caseFacts) unitKey() string {
	if c.scope == "unit" {
		return strconv.FormatInt(*c.unitID, 10)
	}
	return c.scope
}

func day(t time.Time) string { return civil.Date(t) }

func rowsByKey(rows []report.Row) map[string]report.Row {
	m := map[string]report.Row{}
	for _, r := range rows {
		m[r.Key] = r
	}
	return m
}

// TestFiguresEqualIndependentCounts generates cases and checks every
// figure of the full report against counts made here, over the cases' rows
// in Go (by civil date, not by instant as the report does) and with plain
// SQL, on every database.
func TestFiguresEqualIndependentCounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := demo.Load(ctx, db); err != nil {
			t.Fatal(err)
		}
		if err := demo.GenerateCases(ctx, db, 1500, 11); err != nil {
			t.Fatal(err)
		}
		catalog, _ := i18n.Load()
		now := time.Now()
		today := now.In(civil.Zone)
		period := report.Period{From: today.AddDate(0, -11, 1-today.Day()).Format(time.DateOnly), To: today.Format(time.DateOnly)}
		build := func(kind complaint.Kind) *report.Report {
			r, err := report.Build(ctx, db, report.Options{Period: period, Kind: kind, Now: now, L: catalog.For("sv")})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		before := map[complaint.Kind]*report.Report{}
		for _, kind := range []complaint.Kind{"", complaint.KindComplaint} {
			before[kind] = build(kind)
			checkFigures(t, db, before[kind], allCases(t, db), period, kind, today.Format(time.DateOnly))
		}

		// Retention removes personal data from cases closed over six months
		// ago; the figures must not move.
		months := 6
		settings, _ := complaint.GetSettings(ctx, db)
		settings.RetentionMonths = &months
		if err := complaint.SaveSettings(ctx, db, settings); err != nil {
			t.Fatal(err)
		}
		n, err := complaint.Anonymize(ctx, db, now)
		if err != nil || n == 0 {
			t.Fatalf("Anonymize = %d, %v; want some cases", n, err)
		}
		for kind, b := range before {
			after := build(kind)
			checkFigures(t, db, after, allCases(t, db), period, kind, today.Format(time.DateOnly))
			after.Generated = b.Generated
			if !reflect.DeepEqual(after, b) {
				t.Errorf("kind %q: the report changed after retention anonymized %d cases", kind, n)
			}
		}
	})
}

func checkFigures(t *testing.T, db *store.DB, r *report.Report, cases []caseFacts, p report.Period, kind complaint.Kind, today string) {
	t.Helper()
	prevFrom := time.Date(atoi(p.From[:4])-1, time.Month(atoi(p.From[5:7])), atoi(p.From[8:]), 0, 0, 0, 0, time.UTC)
	prevTo := time.Date(atoi(p.To[:4])-1, time.Month(atoi(p.To[5:7])), atoi(p.To[8:]), 0, 0, 0, 0, time.UTC)
	in := func(c caseFacts, from, to string) bool { d := day(c.submitted); return d >= from && d <= to }
	match := func(c caseFacts) bool { return kind == "" || c.kind == string(kind) }

	type want struct{ n, prev, open, overdue, answered, onTime, late int }
	total, cats, units, months, kinds := &want{}, map[string]*want{}, map[string]*want{}, map[string]*want{}, map[string]*want{}
	get := func(m map[string]*want, k string) *want {
		if m[k] == nil {
			m[k] = &want{}
		}
		return m[k]
	}
	var ackDays, answerDays []int
	ackOnTime, ackLate, answerOnTime, answerLate := 0, 0, 0, 0
	outcomes := map[string]map[string]int{}
	for _, c := range cases {
		current, previous := in(c, p.From, p.To), in(c, prevFrom.Format(time.DateOnly), prevTo.Format(time.DateOnly))
		if current {
			get(kinds, c.kind).n++
		}
		if previous {
			get(kinds, c.kind).prev++
		}
		if !match(c) {
			continue
		}
		groups := []*want{total, get(cats, c.category), get(units, c.unitKey())}
		open := c.status == "registered" || c.status == "acknowledged" || c.status == "investigating"
		for _, g := range groups {
			if current {
				g.n++
			}
			if previous {
				g.prev++
			}
			if open {
				g.open++
				if (c.status == "registered" && c.ackDue < today) || (c.kind == "complaint" && c.answerDue < today) {
					g.overdue++
				}
			}
		}
		if current {
			get(months, day(c.submitted)[:7]).n++
		}
		if previous {
			get(months, strconv.Itoa(atoi(day(c.submitted)[:4])+1)+day(c.submitted)[4:7]).prev++
		}
		if c.closed != nil && c.status == "closed" && day(*c.closed) >= p.From && day(*c.closed) <= p.To {
			for _, k := range []string{c.category, "total"} {
				if outcomes[k] == nil {
					outcomes[k] = map[string]int{}
				}
				outcomes[k][c.outcome]++
				outcomes[k]["closed"]++
			}
		}
		if !current {
			continue
		}
		start := workdays.Add(c.submitted.In(civil.Zone), 0)
		ack := c.acked
		if ack == nil {
			ack = c.answered
		}
		if ack == nil {
			ack = c.closed
		}
		if ack != nil {
			ackDays = append(ackDays, max(0, workdays.Between(start, ack.In(civil.Zone))))
			if day(*ack) <= c.ackDue {
				ackOnTime++
			}
		} else if c.status == "registered" && c.ackDue < today {
			ackLate++
		}
		if c.kind == "complaint" {
			if c.answered != nil {
				answerDays = append(answerDays, max(0, workdays.Between(start, c.answered.In(civil.Zone))))
				onTime := day(*c.answered) <= c.answerDue
				if onTime {
					answerOnTime++
				}
				for _, g := range groups {
					g.answered++
					if onTime {
						g.onTime++
					}
				}
			} else if open && c.answerDue < today {
				answerLate++
				for _, g := range groups {
					g.late++
				}
			}
		}
	}
	if total.n == 0 || total.prev == 0 || total.open == 0 || len(answerDays) == 0 {
		t.Fatalf("the generated cases give nothing to compare: %+v", total)
	}

	check := func(what string, got report.Count, want int) {
		t.Helper()
		if n, ok := got.Value(); !ok || n != want {
			t.Errorf("%s = %v (shown %v), want %d", what, n, ok, want)
		}
	}
	checkRow := func(what string, row report.Row, w *want) {
		t.Helper()
		if w == nil {
			w = &want{}
		}
		check(what+" count", row.Count, w.n)
		check(what+" previous", row.Previous, w.prev)
		if row.Open.N() != w.open || row.Overdue.N() != w.overdue || row.Answered.N() != w.answered {
			t.Errorf("%s open/overdue/answered = %d/%d/%d, want %d/%d/%d", what, row.Open.N(), row.Overdue.N(), row.Answered.N(),
				w.open, w.overdue, w.answered)
		}
		if s, ok := row.AnswerOnTime.Value(); w.answered+w.late > 0 && (!ok || !near(s, float64(w.onTime)/float64(w.answered+w.late))) {
			t.Errorf("%s answered on time = %v, want %d/%d", what, s, w.onTime, w.answered+w.late)
		}
		if c, ok := stats.Change(w.n, w.prev); ok {
			if v, _ := row.Change.Value(); !near(v, c) {
				t.Errorf("%s change = %v, want %v", what, v, c)
			}
		}
		pv := stats.RiseP(w.n, float64(r.Period.Days()), w.prev, float64(r.Previous.Days()))
		if want := w.n >= 5 && w.n > w.prev && pv < 0.05; row.Rise != want && what != "month" && what != "kind" {
			t.Errorf("%s rise = %v, want %v (p = %v)", what, row.Rise, want, pv)
		}
	}
	checkRow("total", r.Total, total)
	if got := rowsByKey(r.Categories); len(got) < len(cats) {
		t.Errorf("%d category rows for %d categories with cases", len(got), len(cats))
	} else {
		for code, w := range cats {
			checkRow("category "+code, got[code], w)
		}
	}
	got := rowsByKey(r.Units)
	for key, w := range units {
		checkRow("unit "+key, got[key], w)
	}
	for key, row := range got {
		if _, ok := units[key]; !ok && (row.Count.N() != 0 || row.Previous.N() != 0) {
			t.Errorf("unit %s has %d cases, want none", key, row.Count.N())
		}
	}
	if len(r.Months) != 12 {
		t.Errorf("%d months, want 12", len(r.Months))
	}
	for _, row := range r.Months {
		w := months[row.Key]
		if w == nil {
			w = &want{}
		}
		check("month "+row.Key, row.Count, w.n)
		check("month "+row.Key+" previous", row.Previous, w.prev)
	}
	for _, row := range r.Kinds {
		w := kinds[row.Key]
		if w == nil {
			w = &want{}
		}
		check("kind "+row.Key, row.Count, w.n)
		check("kind "+row.Key+" previous", row.Previous, w.prev)
	}
	checkStep := func(what string, s report.Step, days []int, onTime, late int) {
		t.Helper()
		m, _ := stats.Median(days)
		if v, _ := s.Median.Value(); s.Done.N() != len(days) || s.OnTime.N() != onTime || s.Late.N() != late || !near(v, m) {
			t.Errorf("%s: done %d on time %d late %d median %v; want %d, %d, %d, %v", what, s.Done.N(), s.OnTime.N(), s.Late.N(), v,
				len(days), onTime, late, m)
		}
	}
	checkStep("acknowledgement", r.Ack, ackDays, ackOnTime, ackLate)
	checkStep("answer", r.Answer, answerDays, answerOnTime, answerLate)
	for _, o := range append(r.Outcomes, r.Closed) {
		w := outcomes[o.Key]
		if o.Closed.N() != w["closed"] || o.Measures.N() != w["measures_taken"] || o.NoMeasures.N() != w["no_measures"] ||
			o.Forwarded.N() != w["forwarded"] {
			t.Errorf("outcomes %s: %d = %d + %d + %d, want %v", o.Key, o.Closed.N(), o.Measures.N(), o.NoMeasures.N(), o.Forwarded.N(), w)
		}
	}

	// The same counts straight from SQL, by instant.
	ctx := context.Background()
	start, end := r.Period.Bounds()
	var n, open int
	where, args := "submitted_at >= ? AND submitted_at < ?", []any{start, end}
	openWhere := "status IN ('registered', 'acknowledged', 'investigating')"
	var openArgs []any
	if kind != "" {
		where += " AND kind = ?"
		args = append(args, string(kind))
		openWhere += " AND kind = ?"
		openArgs = append(openArgs, string(kind))
	}
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM complaints WHERE "+where, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM complaints WHERE "+openWhere, openArgs...).Scan(&open); err != nil {
		t.Fatal(err)
	}
	if r.Total.Count.N() != n || r.Total.Open.N() != open {
		t.Errorf("SQL: %d cases, %d open; the report says %d, %d", n, open, r.Total.Count.N(), r.Total.Open.N())
	}
	rows, err := db.Query(ctx, "SELECT category_code, COUNT(*) FROM complaints WHERE "+where+" GROUP BY category_code", args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	byCat := rowsByKey(r.Categories)
	for rows.Next() {
		var code string
		var k int
		if err := rows.Scan(&code, &k); err != nil {
			t.Fatal(err)
		}
		if byCat[code].Count.N() != k {
			t.Errorf("SQL: %d cases in %s, the report says %d", k, code, byCat[code].Count.N())
		}
	}
}

// asUser is a context signed in as a demo person.
func asUser(t *testing.T, db *store.DB, email string) context.Context {
	t.Helper()
	ctx := context.Background()
	id, err := org.PersonIDByEmail(ctx, db, email)
	if err != nil {
		t.Fatal(err)
	}
	p, err := auth.LoadPrincipal(ctx, db, id)
	if err != nil {
		t.Fatal(err)
	}
	return auth.WithPrincipal(ctx, p)
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

// TestBoardVersionHidesSmallGroups builds the board members' version over
// few cases: no shown count is between 1 and 4, no column hides exactly
// one count, and no p-values are given.
func TestBoardVersionHidesSmallGroups(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	if err := demo.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := demo.GenerateCases(ctx, db, 160, 3); err != nil {
		t.Fatal(err)
	}
	catalog, _ := i18n.Load()
	now := time.Now()
	period := report.DefaultPeriod(now)
	full, err := report.Build(ctx, db, report.Options{Period: period, Now: now, L: catalog.For("sv")})
	if err != nil {
		t.Fatal(err)
	}
	board, err := report.Build(ctx, db, report.Options{Period: period, Now: now, L: catalog.For("sv"), MinGroup: 5})
	if err != nil {
		t.Fatal(err)
	}
	if !board.Suppressed() || full.Suppressed() {
		t.Fatal("Suppressed() is wrong")
	}
	hidden := 0
	column := func(what string, counts []report.Count, fullCounts []report.Count) {
		t.Helper()
		lone := 0
		for i, c := range counts {
			if n, ok := c.Value(); ok {
				if n > 0 && n < 5 {
					t.Errorf("%s: %d shown to the board", what, n)
				}
				if n != fullCounts[i].N() {
					t.Errorf("%s: board sees %d, officer %d", what, n, fullCounts[i].N())
				}
			} else {
				hidden++
				lone++
			}
		}
		nonzero := 0
		for _, c := range counts {
			if n, ok := c.Value(); ok && n > 0 {
				nonzero++
			}
		}
		if lone == 1 && nonzero > 0 {
			t.Errorf("%s: exactly one count hidden, which subtraction from the total would reveal", what)
		}
	}
	tables := []struct {
		name        string
		board, full []report.Row
	}{{"category", board.Categories, full.Categories}, {"unit", board.Units, full.Units}, {"month", board.Months, full.Months},
		{"kind", board.Kinds, full.Kinds}}
	for _, tb := range tables {
		for _, f := range []struct {
			name string
			get  func(report.Row) report.Count
		}{{"count", func(r report.Row) report.Count { return r.Count }}, {"previous", func(r report.Row) report.Count { return r.Previous }},
			{"open", func(r report.Row) report.Count { return r.Open }}} {
			var b, fl []report.Count
			for i := range tb.board {
				b, fl = append(b, f.get(tb.board[i])), append(fl, f.get(tb.full[i]))
			}
			column(tb.name+" "+f.name, b, fl)
		}
		for _, row := range tb.board {
			if _, ok := row.P.Value(); ok {
				t.Errorf("%s %s: the board sees a p-value", tb.name, row.Key)
			}
			if row.Count.Suppressed() && (!row.Rate.Missing() && !row.Rate.Suppressed() || row.Rise) {
				t.Errorf("%s %s: a suppressed count with a rate or a rise", tb.name, row.Key)
			}
		}
	}
	if hidden == 0 {
		t.Fatal("nothing was suppressed; the test needs small groups")
	}
	for i, o := range board.Outcomes {
		for _, c := range []report.Count{o.Closed, o.Measures, o.NoMeasures, o.Forwarded} {
			if n, ok := c.Value(); ok && n > 0 && n < 5 {
				t.Errorf("outcome %s: %d shown", o.Key, n)
			}
		}
		if o.Closed.N() != full.Outcomes[i].Closed.N() && !o.Closed.Suppressed() {
			t.Errorf("outcome %s: board %d, officer %d", o.Key, o.Closed.N(), full.Outcomes[i].Closed.N())
		}
	}

	// The exported files hold the same: the XLSX has no count from 1 to 4.
	var buf bytes.Buffer
	if err := board.WriteXLSX(&buf, catalog.For("sv")); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	sawMark := false
	for _, sheet := range f.GetSheetList()[1:] {
		rows, _ := f.GetRows(sheet)
		header := rows[0]
		for _, row := range rows[1:] {
			for j, v := range row {
				if v == report.SuppressedMark {
					sawMark = true
				}
				if j == 0 || !isCountColumn(header[j]) {
					continue
				}
				if n, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", ""), 64); err == nil && n > 0 && n < 5 {
					t.Errorf("XLSX %s, %s, %s: %v", sheet, row[0], header[j], v)
				}
			}
		}
	}
	if !sawMark {
		t.Error("the board's XLSX marks nothing as suppressed")
	}
}

// isCountColumn tells the count columns of the Swedish sheets (not norms,
// medians, rates, shares or changes).
func isCountColumn(h string) bool {
	return slices.Contains([]string{"Ärenden", "Året innan", "Pågående nu", "Varav försenade", "Klara", "Varav i tid",
		"Ej klara, försenade", "Avslutade", "Åtgärder vidtagna", "Inga åtgärder behövdes", "Lämnade vidare"}, h)
}

func TestAnalysisIsKeptPerPeriodAndOnlyStaffWriteIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := demo.Load(ctx, db); err != nil {
			t.Fatal(err)
		}
		a := report.Period{From: "2025-01-01", To: "2025-12-31"}
		b := report.Period{From: "2025-01-01", To: "2025-06-30"}
		officer := asUser(t, db, "klagomal@exempelby.example")
		if err := report.SaveAnalysis(officer, db, a, "Första\r\ntexten\x00", time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := report.SaveAnalysis(officer, db, a, "Andra texten", time.Now()); err != nil {
			t.Fatal(err)
		}
		board := asUser(t, db, "ordforande@exempelby.example")
		if err := report.SaveAnalysis(board, db, b, "Nämnden skriver", time.Now()); app.Code(err) != app.EFORBIDDEN {
			t.Errorf("a board member saving: %v", err)
		}
		if err := report.SaveAnalysis(officer, db, b, strings.Repeat("x", report.MaxAnalysis+1), time.Now()); app.Code(err) != app.EINVALID {
			t.Errorf("too long: %v", err)
		}
		catalog, _ := i18n.Load()
		for _, c := range []struct {
			p    report.Period
			want string
		}{{a, "Andra texten"}, {b, ""}} {
			r, err := report.Build(ctx, db, report.Options{Period: c.p, Now: time.Now(), L: catalog.For("sv")})
			if err != nil {
				t.Fatal(err)
			}
			if r.Analysis != c.want {
				t.Errorf("analysis for %s = %q, want %q", c.p, r.Analysis, c.want)
			}
		}
	})
}

// TestFilesOpen writes both files and reads them back: the XLSX with
// excelize, the PDF's text with pdftotext (poppler-utils), which CI
// installs; without it the PDF check is skipped unless
// STYRKEDJAN_REQUIRE_BROWSER=1.
func TestFilesOpen(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	if err := demo.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := demo.GenerateCases(ctx, db, 400, 5); err != nil {
		t.Fatal(err)
	}
	catalog, _ := i18n.Load()
	now := time.Now()
	officer := asUser(t, db, "klagomal@exempelby.example")
	period := report.DefaultPeriod(now)
	if err := report.SaveAnalysis(officer, db, period, "Ökningen av ärenden om måltider förklaras av bytet av leverantör.", now); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"sv", "en"} {
		r, err := report.Build(ctx, db, report.Options{Period: period, Now: now, L: catalog.For(lang)})
		if err != nil {
			t.Fatal(err)
		}
		var x bytes.Buffer
		if err := r.WriteXLSX(&x, catalog.For(lang)); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&x)
		if err != nil {
			t.Fatalf("%s: the XLSX does not open: %v", lang, err)
		}
		sheets := f.GetSheetList()
		if len(sheets) != 7 {
			t.Errorf("%s: sheets %v", lang, sheets)
		}
		cat := sheets[2]
		rows, _ := f.GetRows(cat, excelize.Options{RawCellValue: true})
		last := rows[len(rows)-1]
		if last[1] != strconv.Itoa(r.Total.Count.N()) {
			t.Errorf("%s: %s total %q, want %d", lang, cat, last[1], r.Total.Count.N())
		}
		if typ, _ := f.GetCellType(cat, "B2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("%s: counts are not numbers (B2 is %v)", lang, typ)
		}
		panes, err := f.GetPanes(cat)
		if err != nil || !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("%s: panes %+v %v, want the header row frozen", lang, panes, err)
		}

		var p bytes.Buffer
		if err := r.WritePDF(&p, catalog.For(lang)); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(p.Bytes(), []byte("%PDF-")) {
			t.Fatalf("%s: not a PDF", lang)
		}
		pdftest.Tagged(t, p.Bytes(), export.Tagged(), "Document", "H1", "H2", "Table", "TR", "TH", "TD")
		text := pdftest.Text(t, p.Bytes())
		if text == "" {
			continue
		}
		want := []string{catalog.For(lang).T("report.title"), "Exempelby kommun", catalog.For(lang).T("report.by_category"),
			i18n.Int(lang, r.Total.Count.N()), period.From}
		if lang == "sv" {
			want = append(want, "Ökningen av ärenden om måltider förklaras av bytet av leverantör.", "Källa: Styrkedjan", "Särskilt stöd")
		}
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: the PDF's text lacks %q", lang, w)
			}
		}
	}
}
