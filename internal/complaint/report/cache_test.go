package report_test

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/complaint/report"
	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

// cacheFixture is a demo organizer with a few hundred cases, a cache and
// what the steps of the property test draw from.
type cacheFixture struct {
	db       *store.DB
	catalog  *i18n.Catalog
	cache    *report.Cache
	officer  context.Context
	units    []int64
	cats     []string
	handlers []int64
	now      time.Time
	period   report.Period
}

func newCacheFixture(t *testing.T, db *store.DB) *cacheFixture {
	ctx := context.Background()
	if err := demo.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := demo.GenerateCases(ctx, db, 300, 19); err != nil {
		t.Fatal(err)
	}
	months := 6
	settings, _ := complaint.GetSettings(ctx, db)
	settings.RetentionMonths = &months
	if err := complaint.SaveSettings(ctx, db, settings); err != nil {
		t.Fatal(err)
	}
	catalog, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	today := now.In(civil.Zone)
	f := &cacheFixture{db: db, catalog: catalog, cache: report.NewCache(), officer: asUser(t, db, "klagomal@exempelby.example"),
		now: now, period: report.Period{From: today.AddDate(-1, 0, 1).Format(time.DateOnly), To: today.Format(time.DateOnly)}}
	f.units = ids(t, db, "SELECT id FROM units WHERE active ORDER BY id")
	f.handlers = ids(t, db, "SELECT id FROM users WHERE role IN ('officer', 'principal', 'specialist') AND active ORDER BY id")
	rows, err := db.Query(ctx, "SELECT code FROM complaint_categories WHERE active ORDER BY code")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		f.cats = append(f.cats, c)
	}
	rows.Close()
	return f
}

// fataler is what the helpers need of a *testing.T or a *rapid.T.
type fataler interface{ Fatal(args ...any) }

func ids(t fataler, db *store.DB, query string) []int64 {
	rows, err := db.Query(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

// compare builds the reports the web serves (every kind and complaints;
// the officer's full figures and the board's suppressed ones) through the
// cache and by a full count, and fails unless they are equal.
func (f *cacheFixture) compare(t interface {
	fataler
	Fatalf(string, ...any)
}, when string) {
	ctx := context.Background()
	for _, kind := range []complaint.Kind{"", complaint.KindComplaint} {
		for _, min := range []int{0, 5} {
			o := report.Options{Period: f.period, Kind: kind, MinGroup: min, Now: f.now, L: f.catalog.For("sv")}
			full, err := report.Build(ctx, f.db, o)
			if err != nil {
				t.Fatal(err)
			}
			o.Cache = f.cache
			cached, err := report.Build(ctx, f.db, o)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(cached, full) {
				t.Fatalf("%s: kind %q, min group %d: the cached report differs from a full count\ncached total %+v\nfull total   %+v",
					when, kind, min, cached.Total, full.Total)
			}
		}
	}
}

// TestCachedFiguresEqualFullCount applies random sequences of intakes,
// status changes, reassignments, secrecy changes and retention sweeps and
// checks after each step that the reports built through the cache equal
// those built by counting every case again, on every database.
func TestCachedFiguresEqualFullCount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newCacheFixture(t, db)
		ctx := context.Background()
		f.compare(t, "start")
		rapid.Check(t, func(rt *rapid.T) {
			steps := rapid.IntRange(1, 6).Draw(rt, "steps")
			for i := range steps {
				step := rapid.SampledFrom([]string{"intake", "status", "status", "reassign", "secret", "retention"}).Draw(rt, "step")
				var err error
				switch step {
				case "intake":
					s := complaint.Submission{FilerRole: complaint.Guardian, Language: "sv", Channel: "web",
						Kind:         rapid.SampledFrom(complaint.Kinds).Draw(rt, "kind"),
						Category:     rapid.SampledFrom(f.cats).Draw(rt, "category"),
						WhatHappened: "Ingen förklarade varför.",
						UnitScope:    rapid.SampledFrom([]complaint.UnitScope{complaint.ScopeUnit, complaint.ScopeUnit, complaint.ScopeUnknown, complaint.ScopeOrganization}).Draw(rt, "scope")}
					if s.UnitScope == complaint.ScopeUnit {
						s.UnitID = rapid.SampledFrom(f.units).Draw(rt, "unit")
					}
					// Into this period, the comparison period or before it.
					at := f.now.Add(-time.Duration(rapid.IntRange(0, 800*24).Draw(rt, "hoursAgo")) * time.Hour)
					_, err = complaint.Submit(ctx, db, s, at, nil)
				case "status", "reassign", "secret":
					cases := ids(rt, db, "SELECT id FROM complaints ORDER BY id")
					id := rapid.SampledFrom(cases).Draw(rt, "case")
					var a complaint.Action
					switch step {
					case "status":
						a.Kind = rapid.SampledFrom([]complaint.EventKind{complaint.EventAcknowledged, complaint.EventInvestigating,
							complaint.EventAnswered, complaint.EventClosed, complaint.EventReopened}).Draw(rt, "action")
						a.Body = "Svar på ärendet."
						a.Outcome = rapid.SampledFrom(complaint.Outcomes).Draw(rt, "outcome")
						if a.Kind != complaint.EventClosed {
							a.Outcome = ""
						}
					case "reassign":
						a = complaint.Action{Kind: complaint.EventAssigned, Body: "Ny handläggare.", Confirmed: true,
							HandlerID: rapid.SampledFrom(f.handlers).Draw(rt, "handler")}
					case "secret":
						a = complaint.Action{Kind: complaint.EventSecret, Secret: rapid.Bool().Draw(rt, "secret")}
					}
					err = complaint.Act(f.officer, db, id, a, time.Now(), nil)
				case "retention":
					_, err = complaint.Anonymize(ctx, db, f.now)
				}
				if err != nil && app.Code(err) != app.EINVALID {
					rt.Fatalf("step %d, %s: %v", i, step, err)
				}
				f.compare(rt, fmt.Sprintf("after step %d (%s)", i, step))
			}
		})
	})
}

// TestCacheSharesOneCount checks that concurrent reports that miss the
// cache wait for one count, and that all get the same figures.
func TestCacheSharesOneCount(t *testing.T) {
	db := storetest.SQLite(t)
	f := newCacheFixture(t, db)
	ctx := context.Background()
	before, err := report.StatsVersion(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	reports := make([]*report.Report, 8)
	for i := range reports {
		wg.Go(func() {
			r, err := report.Build(ctx, db, report.Options{Period: f.period, Now: f.now, L: f.catalog.For("sv"), Cache: f.cache})
			if err != nil {
				t.Error(err)
			}
			reports[i] = r
		})
	}
	wg.Wait()
	for _, r := range reports[1:] {
		if !reflect.DeepEqual(r, reports[0]) {
			t.Fatal("concurrent reports differ")
		}
	}
	if n := report.CacheCounts(f.cache); n != 1 {
		t.Errorf("%d counts for 8 concurrent reports of one key, want 1", n)
	}
	// A submission moves the counter in its own transaction; a change of a
	// column the figures do not count (the secrecy) does not.
	if _, err := complaint.Submit(ctx, db, complaint.Submission{FilerRole: complaint.Guardian, Kind: complaint.KindComplaint,
		Category: f.cats[0], WhatHappened: "Ingen lunch.", Language: "sv", Channel: "web", UnitScope: complaint.ScopeUnknown}, f.now, nil); err != nil {
		t.Fatal(err)
	}
	after, _ := report.StatsVersion(ctx, db)
	if after <= before {
		t.Errorf("the counter stayed at %d after a submission", after)
	}
	id := ids(t, db, "SELECT MAX(id) FROM complaints")[0]
	if err := complaint.Act(f.officer, db, id, complaint.Action{Kind: complaint.EventSecret, Secret: true}, time.Now(), nil); err != nil {
		t.Fatal(err)
	}
	if v, _ := report.StatsVersion(ctx, db); v != after {
		t.Errorf("the counter moved from %d to %d on a secrecy change", after, v)
	}
}
