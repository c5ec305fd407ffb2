package round_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/placement/batch"
	"github.com/styrkedjan/styrkedjan/internal/placement/round"
	"github.com/styrkedjan/styrkedjan/internal/placement/walknet"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

const childEnv = "STYRKEDJAN_ROUND_KILL_CHILD" // "dbURL|runID": act as the server running it

// TestMain lets the test binary act as a server process that runs one
// placement run, so that a test can kill it mid-run.
func TestMain(m *testing.M) {
	if v := os.Getenv(childEnv); v != "" {
		os.Exit(child(v))
	}
	os.Exit(m.Run())
}

func child(v string) int {
	var dbURL string
	var runID int64
	for i := len(v) - 1; i >= 0; i-- {
		if v[i] == '|' {
			dbURL = v[:i]
			runID, _ = strconv.ParseInt(v[i+1:], 10, 64)
			break
		}
	}
	ctx := system()
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		return 3
	}
	if err := round.Offline(nil).Execute(ctx, db, runID); err != nil {
		return 4
	}
	return 0
}

// TestKilledRunLeavesAllOrNothing kills the process running a placement at
// several moments: each time the run is either done with every result or
// still marked running with none, and the next start fails it so it can
// be rerun.
func TestKilledRunLeavesAllOrNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "kill.db")
	ctx := context.Background()
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	f := newFixtureWith(t, db, batch.GenOptions{City: walknet.CityOptions{Seed: 4, Rows: 40, Cols: 40, Schools: 12},
		Applicants: 3000, Years: []int{0}, Choices: 3, Seed: 8})
	id, err := round.Create(system(), db, f.draft())
	if err != nil {
		t.Fatal(err)
	}
	outcomes := map[string]int{}
	// The last delay lets the run finish: both outcomes are checked.
	for _, delay := range []time.Duration{0, 100 * time.Millisecond, 300 * time.Millisecond, 700 * time.Millisecond, 1500 * time.Millisecond, 2 * time.Minute} {
		var runID int64
		if err := db.QueryRow(ctx, `INSERT INTO placement_runs (round_id, kind, status, instance, started_at)
			VALUES (?, 'main', 'running', 'child', ?) RETURNING id`, id, store.Now()).Scan(&runID); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+dbURL+"|"+strconv.FormatInt(runID, 10))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("child ended by itself with %v", err)
			}
		case <-time.After(delay):
			_ = cmd.Process.Kill()
			<-done
		}
		run, err := round.GetRun(system(), db, id, runID)
		if err != nil {
			t.Fatal(err)
		}
		n := count(t, db, "SELECT COUNT(*) FROM placement_results WHERE run_id = ?", runID)
		switch {
		case run.Status == round.StatusDone && n == len(f.apps):
		case run.Status == round.StatusRunning && n == 0:
			if _, err := round.NewService(ctx, db, nil); err != nil { // the restart
				t.Fatal(err)
			}
			if r, _ := round.GetRun(system(), db, id, runID); r.Status != round.StatusFailed {
				t.Errorf("after restart the killed run is %s", r.Status)
			}
		default:
			t.Fatalf("killed after %v: status %s with %d of %d results", delay, run.Status, n, len(f.apps))
		}
		outcomes[run.Status]++
	}
	t.Logf("outcomes: %v", outcomes)
	if outcomes[round.StatusRunning] == 0 {
		t.Log("no kill landed mid-run on this machine; only finished runs were checked")
	}
}
