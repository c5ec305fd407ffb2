package demo_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

func TestGenerateCases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := demo.GenerateCases(ctx, db, 10, 1); err == nil {
			t.Fatal("generated cases without an organizer")
		}
		if err := demo.Load(ctx, db); err != nil {
			t.Fatal(err)
		}
		const n = 500
		if err := demo.GenerateCases(ctx, db, n, 1); err != nil {
			t.Fatal(err)
		}
		if got, err := demo.CaseCount(ctx, db); err != nil || got != n {
			t.Fatalf("CaseCount = %d, %v; want %d", got, err, n)
		}
		checkSeries(t, db)

		// The spread covers every kind and scope, and both ends of the workflow.
		for _, col := range []string{"kind", "unit_scope", "status", "channel", "filer_role"} {
			values := distinct(t, db, col)
			t.Logf("%s: %v", col, values)
			if len(values) < 3 {
				t.Errorf("only %d distinct values of %s: %v", len(values), col, values)
			}
		}
		if got := len(distinct(t, db, "kind")); got != len(complaint.Kinds) {
			t.Errorf("%d kinds, want %d", got, len(complaint.Kinds))
		}
		for _, cond := range []string{
			"status = 'closed'", "status IN ('registered', 'acknowledged', 'investigating')", "secret",
			"offensive_treatment AND reported_at IS NOT NULL", "filer_email = '' AND filer_phone = ''",
		} {
			if count(t, db, "SELECT COUNT(*) FROM complaints WHERE "+cond) == 0 {
				t.Errorf("no generated case has %s", cond)
			}
		}

		// Nothing contradicts itself or lies in the future.
		now := store.Now()
		for _, bad := range []string{
			"offensive_treatment <> (category_code = 'offensive_treatment')",
			"(unit_scope = 'unit') <> (unit_id IS NOT NULL)",
			"acknowledged_at < submitted_at OR answered_at < acknowledged_at OR closed_at < submitted_at",
			"(status = 'closed') <> (closed_at IS NOT NULL) OR (status = 'closed') <> (outcome <> '')",
			"status IN ('answered', 'closed') AND kind = 'complaint' AND answered_at IS NULL",
			"status <> 'registered' AND acknowledged_at IS NULL",
			"ack_due > answer_due OR ack_due < '2000' OR answer_due > '3000'",
			"updated_at < submitted_at",
		} {
			if n := count(t, db, "SELECT COUNT(*) FROM complaints WHERE "+bad); n > 0 {
				t.Errorf("%d cases where %s", n, bad)
			}
		}
		if n := count(t, db, "SELECT COUNT(*) FROM complaints WHERE updated_at > ? OR closed_at > ?", now, now); n > 0 {
			t.Errorf("%d cases changed in the future", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM complaints c WHERE (SELECT kind FROM complaint_events e
			WHERE e.complaint_id = c.id ORDER BY e.id LIMIT 1) <> 'registered'`); n > 0 {
			t.Errorf("%d cases do not start with their registration", n)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM complaint_events"); n < 2*500 {
			t.Errorf("only %d events for %d cases", n, 500)
		}

		// Cases land with the handler complaint.Route picks.
		dir, err := complaint.LoadDirectory(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := db.Query(ctx, "SELECT reference, unit_scope, COALESCE(unit_id, 0), category_code, concerns_principal, COALESCE(handler_id, 0) FROM complaints")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var ref string
			var s complaint.Submission
			var handler int64
			if err := rows.Scan(&ref, &s.UnitScope, &s.UnitID, &s.Category, &s.ConcernsPrincipal, &handler); err != nil {
				t.Fatal(err)
			}
			if want, _ := complaint.Route(&s, dir); handler != want {
				t.Errorf("%s: handler %d, Route says %d", ref, handler, want)
			}
		}
		rows.Close()

		// The server's sweep finds nothing left to remind or escalate.
		if rem, esc, err := complaint.Sweep(ctx, db, time.Now(), nil); err != nil || rem+esc > 0 {
			t.Errorf("Sweep after generating: %d reminders, %d escalations, %v", rem, esc, err)
		}

		// A real submission continues the series without a gap.
		sub := complaint.Submission{FilerRole: complaint.Guardian, UnitScope: complaint.ScopeUnknown,
			Kind: complaint.KindComment, Category: "teaching", WhatHappened: "Bra.", Language: "sv", Channel: "web"}
		if _, err := complaint.Submit(ctx, db, sub, time.Now(), nil); err != nil {
			t.Fatal(err)
		}
		checkSeries(t, db)

		// Topping up is idempotent and keeps the series gapless too.
		if added, err := demo.EnsureCases(ctx, db, n, 2); err != nil || added != 0 {
			t.Fatalf("EnsureCases(%d) on %d cases added %d, %v", n, n+1, added, err)
		}
		if added, err := demo.EnsureCases(ctx, db, n+100, 2); err != nil || added != 99 {
			t.Fatalf("EnsureCases(%d) added %d, %v; want 99", n+100, added, err)
		}
		checkSeries(t, db)

		// The work lists work on the generated cases.
		officer := as(t, db, "klagomal@exempelby.example")
		open := count(t, db, "SELECT COUNT(*) FROM complaints WHERE status IN ('registered', 'acknowledged', 'investigating')")
		today := civil.Today(time.Now())
		cases, total, err := complaint.WorkList(officer, db, complaint.Filter{}, today)
		if err != nil || total != open || len(cases) != min(open, 50) {
			t.Fatalf("officer's work list: %d of %d, %v; want %d open", len(cases), total, err, open)
		}
		_, all, err := complaint.WorkList(officer, db, complaint.Filter{Status: "all"}, today)
		if err != nil || all != n+100 {
			t.Fatalf("officer's whole list: %d, %v", all, err)
		}
		principal := as(t, db, "rektor.ekbacka@exempelby.example")
		_, mine, err := complaint.WorkList(principal, db, complaint.Filter{Status: "all"}, today)
		if err != nil || mine == 0 || mine >= all {
			t.Fatalf("principal's whole list: %d of %d, %v", mine, all, err)
		}
	})
}

// checkSeries checks that each year's references run 1, 2, ... without a
// gap up to the series' last number.
func checkSeries(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	rows, err := db.Query(ctx, "SELECT reference FROM complaints")
	if err != nil {
		t.Fatal(err)
	}
	numbers := map[int]map[int]bool{}
	for rows.Next() {
		var ref string
		var year, number int
		if err := rows.Scan(&ref); err != nil {
			t.Fatal(err)
		}
		if _, err := fmt.Sscanf(ref, "BUN %d/%d", &year, &number); err != nil {
			t.Fatalf("reference %q: %v", ref, err)
		}
		if numbers[year] == nil {
			numbers[year] = map[int]bool{}
		}
		numbers[year][number] = true
	}
	rows.Close()
	for year, got := range numbers {
		var last int
		if err := db.QueryRow(ctx, "SELECT last_number FROM registration_series WHERE prefix = 'BUN' AND year = ?", year).Scan(&last); err != nil {
			t.Fatalf("series %d: %v", year, err)
		}
		if len(got) != last {
			t.Errorf("series %d: %d cases, last number %d", year, len(got), last)
		}
		for i := 1; i <= last; i++ {
			if !got[i] {
				t.Errorf("series %d: number %d missing", year, i)
				break
			}
		}
	}
}

func distinct(t *testing.T, db *store.DB, column string) []string {
	t.Helper()
	rows, err := db.Query(context.Background(), "SELECT DISTINCT "+column+" FROM complaints ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func count(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", strings.Join(strings.Fields(query), " "), err)
	}
	return n
}

func as(t *testing.T, db *store.DB, email string) context.Context {
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
