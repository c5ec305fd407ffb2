package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/jobs"
	"github.com/styrkedjan/styrkedjan/internal/metrics"
	"github.com/styrkedjan/styrkedjan/internal/placement/round"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func count(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// eventually fails the test unless cond holds within a few seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not happen", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSweepsRunAndStopWithContext starts the jobs with short intervals and
// checks that both sweeps do their work, keep running on their interval,
// and stop when the context ends.
func TestSweepsRunAndStopWithContext(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := demo.Load(ctx, db); err != nil {
			t.Fatal(err)
		}
		catalog, err := i18n.Load()
		if err != nil {
			t.Fatal(err)
		}
		now := store.Now()
		expiredSession := func(token string) {
			if _, err := db.Exec(ctx, "INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)", token, []byte("x"), now.Add(-time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		expiredSession("expired-1")
		if _, err := db.Exec(ctx, "INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)", "live", []byte("x"), now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, "INSERT INTO login_attempts (email, ip, at, success) VALUES (?, ?, ?, ?)",
			"someone@example.se", "192.0.2.1", now.Add(-48*time.Hour), false); err != nil {
			t.Fatal(err)
		}
		// A complaint filed 40 days ago: its acknowledgement is long overdue.
		rec, err := complaint.Submit(ctx, db, complaint.Submission{FilerRole: complaint.Guardian, Kind: complaint.KindComplaint,
			Category: "teaching", WhatHappened: "Ingen fick lunch.", Language: "sv", Channel: "web", UnitScope: complaint.ScopeUnknown},
			time.Now().AddDate(0, 0, -40), nil)
		if err != nil {
			t.Fatal(err)
		}
		mailsBefore := count(t, db, "SELECT COUNT(*) FROM outbox")

		j, err := jobs.New(ctx, jobs.Config{DB: db, Catalog: catalog, Log: quiet(), PublicURL: "https://styrkedjan.example",
			AuthSweepEvery: 30 * time.Millisecond, CaseSweepEvery: 30 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		run, stop := context.WithCancel(ctx)
		defer stop()
		j.Start(run)

		eventually(t, "the auth sweep", func() bool {
			return count(t, db, "SELECT COUNT(*) FROM sessions WHERE token = ?", "expired-1") == 0 &&
				count(t, db, "SELECT COUNT(*) FROM login_attempts") == 0
		})
		if count(t, db, "SELECT COUNT(*) FROM sessions WHERE token = ?", "live") != 1 {
			t.Error("the sweep deleted a live session")
		}
		eventually(t, "the case sweep's escalation", func() bool {
			return count(t, db, "SELECT COUNT(*) FROM complaints WHERE id = ? AND escalated_at IS NOT NULL", rec.ID) == 1
		})
		if count(t, db, "SELECT COUNT(*) FROM outbox WHERE subject LIKE ?", "%"+rec.Reference+"%") == 0 ||
			count(t, db, "SELECT COUNT(*) FROM outbox") <= mailsBefore {
			t.Errorf("no escalation mail naming %s queued", rec.Reference)
		}
		// The sweep keeps running on its interval.
		expiredSession("expired-2")
		eventually(t, "the next auth sweep", func() bool {
			return count(t, db, "SELECT COUNT(*) FROM sessions WHERE token = ?", "expired-2") == 0
		})

		stop()
		done := make(chan struct{})
		go func() { j.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("the jobs did not stop when the context ended")
		}
		// Stopped means stopped: nothing sweeps any more.
		expiredSession("expired-3")
		time.Sleep(150 * time.Millisecond)
		if count(t, db, "SELECT COUNT(*) FROM sessions WHERE token = ?", "expired-3") != 1 {
			t.Error("a sweep ran after the jobs stopped")
		}
	})
}

// TestNewFailsInterruptedPlacementRuns: a run that a crash left "running"
// is failed by jobs.New, before a server built on the jobs takes requests.
func TestNewFailsInterruptedPlacementRuns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := demo.Load(ctx, db); err != nil {
			t.Fatal(err)
		}
		var roundID int64
		if err := db.QueryRow(ctx, "SELECT id FROM placement_rounds WHERE name = ?", demo.PlacementRoundName).Scan(&roundID); err != nil {
			t.Fatal(err)
		}
		var runID int64
		if err := db.QueryRow(ctx, `INSERT INTO placement_runs (round_id, kind, capacities, status, stage, instance, started_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, roundID, round.KindMain, "", round.StatusRunning, "matching", "a-dead-process", store.Now()).Scan(&runID); err != nil {
			t.Fatal(err)
		}
		j, err := jobs.New(ctx, jobs.Config{DB: db, Log: quiet()})
		if err != nil {
			t.Fatal(err)
		}
		var status, msg string
		if err := db.QueryRow(ctx, "SELECT status, error FROM placement_runs WHERE id = ?", runID).Scan(&status, &msg); err != nil {
			t.Fatal(err)
		}
		if status != round.StatusFailed || msg != round.ErrInterrupted {
			t.Fatalf("interrupted run after jobs.New: %s %q", status, msg)
		}
		if j.Placement() == nil {
			t.Fatal("no placement service")
		}
	})
}

// Two processes' jobs on one database: each job's round runs in one of
// them at a time (the other skips while the lease is held), and when the
// holder stops, the other takes the job over.
func TestJobsRunInOneProcessAtATime(t *testing.T) {
	storetest.EachURL(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		open := func() *store.DB {
			db, err := store.Open(ctx, dbURL)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		}
		db1, db2 := open(), open()
		if _, err := db1.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if err := demo.Load(ctx, db1); err != nil {
			t.Fatal(err)
		}
		catalog, err := i18n.Load()
		if err != nil {
			t.Fatal(err)
		}
		start := func(db *store.DB) (*jobs.Jobs, *metrics.Metrics, context.CancelFunc) {
			m := metrics.New(db)
			j, err := jobs.New(ctx, jobs.Config{DB: db, Catalog: catalog, Log: quiet(), PublicURL: "https://styrkedjan.example", Metrics: m,
				AuthSweepEvery: 40 * time.Millisecond, CaseSweepEvery: 40 * time.Millisecond, WatchdogEvery: 40 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			run, stop := context.WithCancel(ctx)
			j.Start(run)
			return j, m, stop
		}
		j1, m1, stop1 := start(db1)
		j2, m2, stop2 := start(db2)
		defer stop2()
		eventually(t, "rounds in both processes, each job done at least once", func() bool {
			for _, job := range []string{jobs.JobAuthSweep, jobs.JobCaseSweep, jobs.JobDigest, jobs.JobWatchdog} {
				// A round may take longer than the interval on a busy
				// machine (the digest reads every handler's cases).
				if m1.JobRuns(job, "ok")+m2.JobRuns(job, "ok")+m1.JobRuns(job, "error")+m2.JobRuns(job, "error") == 0 {
					return false
				}
			}
			return m1.JobRuns(jobs.JobCaseSweep, "ok")+m1.JobRuns(jobs.JobCaseSweep, "skipped") >= 5 &&
				m2.JobRuns(jobs.JobCaseSweep, "ok")+m2.JobRuns(jobs.JobCaseSweep, "skipped") >= 5
		})
		for _, job := range []string{jobs.JobAuthSweep, jobs.JobCaseSweep, jobs.JobDigest, jobs.JobWatchdog} {
			ok1, ok2 := m1.JobRuns(job, "ok"), m2.JobRuns(job, "ok")
			if (ok1 > 0) == (ok2 > 0) {
				t.Errorf("%s: %d rounds in the first process, %d in the second; want one process only", job, ok1, ok2)
			}
			if e := m1.JobRuns(job, "error") + m2.JobRuns(job, "error"); e > 0 {
				t.Errorf("%s: %d rounds failed", job, e)
			}
		}
		// The holder of the case sweep stops: the other takes it over.
		holder, other, stopHolder, jHolder := m1, m2, stop1, j1
		if m2.JobRuns(jobs.JobCaseSweep, "ok") > 0 {
			holder, other, stopHolder, jHolder = m2, m1, stop2, j2
		}
		_ = holder
		stopHolder()
		jHolder.Wait()
		before := other.JobRuns(jobs.JobCaseSweep, "ok")
		eventually(t, "the take-over", func() bool { return other.JobRuns(jobs.JobCaseSweep, "ok") > before })
		stop1()
	})
}
