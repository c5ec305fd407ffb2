package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

// contents lists what a restore must bring back: every case, every
// follow-up link and every audit entry, each as a line of its columns.
func contents(t *testing.T, dbURL string) (cases, links, audit []string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	read := func(query string, n int) []string {
		rows, err := db.Query(ctx, query)
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			vals := make([]any, n)
			ptrs := make([]any, n)
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				if tm, ok := v.(time.Time); ok {
					vals[i] = tm.UTC().Format(time.RFC3339Nano)
				}
				if b, ok := v.([]byte); ok {
					vals[i] = string(b)
				}
			}
			out = append(out, fmt.Sprint(vals...))
		}
		return out
	}
	cases = read("SELECT id, reference, status, what_happened, submitted_at FROM complaints ORDER BY id", 5)
	links = read("SELECT token_hash, complaint_id, created_at FROM complaint_links ORDER BY token_hash", 3)
	audit = read("SELECT id, at, actor, action, entity, entity_id, summary FROM audit_log ORDER BY id", 7)
	return cases, links, audit
}

// fileComplaints files n complaints through the intake API of the server
// at base; each gets a follow-up link and audit entries.
func fileComplaints(t *testing.T, base string, n int) {
	t.Helper()
	for i := range n {
		body := fmt.Sprintf(`{"filerRole":"guardian","unit":"unknown","kind":"complaint","category":"teaching","whatHappened":"Säkerhetskopia %d.","email":"filer%d@epost.example"}`, i, i)
		res, err := http.Post(base+"/api/v1/complaints", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("complaint %d: %d", i, res.StatusCode)
		}
	}
}

func sameContents(t *testing.T, what string, wantURL, gotURL string) {
	t.Helper()
	wc, wl, wa := contents(t, wantURL)
	gc, gl, ga := contents(t, gotURL)
	if len(wc) == 0 || len(wl) == 0 || len(wa) == 0 {
		t.Fatalf("%s: the original holds %d cases, %d links, %d audit entries: nothing to compare", what, len(wc), len(wl), len(wa))
	}
	for _, c := range []struct {
		name      string
		want, got []string
	}{{"cases", wc, gc}, {"links", wl, gl}, {"audit entries", wa, ga}} {
		if strings.Join(c.want, "\n") != strings.Join(c.got, "\n") {
			t.Errorf("%s: %d %s restored, want %d equal ones", what, len(c.got), c.name, len(c.want))
		}
	}
	t.Logf("%s: %d cases, %d links, %d audit entries restored", what, len(gc), len(gl), len(ga))
}

// TestBackupAndRestore backs a SQLite demo database up while a server
// writes to it, restores the copy elsewhere and finds every case, link
// and audit entry of the moment of the backup; restore refuses to
// overwrite a database unless told, and PostgreSQL is sent to pg_dump.
func TestBackupAndRestore(t *testing.T) {
	dir := t.TempDir()
	dbURL := "sqlite:" + filepath.Join(dir, "live.db")
	ctx := context.Background()
	if code, _, stderr := runCmd(t, "", "migrate", "--db", dbURL); code != 0 {
		t.Fatal(stderr)
	}
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	err = demo.Load(ctx, db)
	if err == nil {
		_, err = demo.EnsureCases(ctx, db, 200, 1)
	}
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	// The server stays up: the backup is online.
	live, _ := boot(t, "serve", "--db", dbURL, "--addr", "127.0.0.1:0")
	fileComplaints(t, live, 5)

	out := filepath.Join(dir, "backup.db")
	if code, stdout, stderr := runCmd(t, "", "backup", "--db", dbURL, "--out", out); code != 0 {
		t.Fatalf("backup: %d %s %s", code, stdout, stderr)
	}
	if code, _, stderr := runCmd(t, "", "backup", "--db", dbURL, "--out", out); code != 1 || !strings.Contains(stderr, "exists") {
		t.Errorf("a second backup over the first: %d %s", code, stderr)
	}
	restored := "sqlite:" + filepath.Join(dir, "restored", "styrkedjan.db")
	if code, stdout, stderr := runCmd(t, "", "restore", "--from", out, "--db", restored); code != 0 || !strings.Contains(stdout, "Restored") {
		t.Fatalf("restore: %d %s %s", code, stdout, stderr)
	}
	sameContents(t, "sqlite", dbURL, restored)
	if code, _, stderr := runCmd(t, "", "restore", "--from", out, "--db", restored); code != 1 || !strings.Contains(stderr, "--replace") {
		t.Errorf("restore over a database without --replace: %d %s", code, stderr)
	}
	if code, _, stderr := runCmd(t, "", "restore", "--from", out, "--db", restored, "--replace"); code != 0 {
		t.Errorf("restore --replace: %d %s", code, stderr)
	}
	// A restored database serves.
	base, _ := boot(t, "serve", "--db", restored, "--addr", "127.0.0.1:0")
	if code, _ := get(t, base+"/healthz"); code != 200 {
		t.Errorf("healthz of the restored database: %d", code)
	}
	// Not a backup: refused, the database untouched.
	junk := filepath.Join(dir, "junk.db")
	if err := os.WriteFile(junk, []byte("not a database, just text of some length to look like a file"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := runCmd(t, "", "restore", "--from", junk, "--db", "sqlite:"+filepath.Join(dir, "other.db")); code != 1 {
		t.Errorf("restore of a file that is no database: %d", code)
	}
	if code, _, stderr := runCmd(t, "", "backup", "--db", "postgres://db.example/styrkedjan", "--out", out+"2"); code != 2 || !strings.Contains(stderr, "pg_dump") {
		t.Errorf("backup of PostgreSQL: %d %s", code, stderr)
	}
	if code, _, _ := runCmd(t, "", "backup", "--db", dbURL); code != 2 {
		t.Errorf("backup without --out: %d", code)
	}
}

// TestPostgresDumpAndRestore loads the demo into PostgreSQL with demo
// --db, dumps it with pg_dump as the README says, restores the dump into
// a new database with pg_restore and finds every case, link and audit
// entry there. It needs PostgreSQL and its client tools (.ci/run has
// both); it skips without them.
func TestPostgresDumpAndRestore(t *testing.T) {
	pgURL := storetest.PostgresURL(t)
	for _, tool := range []string{"pg_dump", "pg_restore"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skip(tool + " is not installed")
		}
	}
	t.Run("demo --db", func(t *testing.T) {
		base, stdout := boot(t, "demo", "--db", pgURL, "--addr", "127.0.0.1:0", "--cases", "150")
		if code, _ := get(t, base+"/healthz"); code != 200 {
			t.Errorf("healthz: %d", code)
		}
		if !strings.Contains(stdout.String(), "Demo accounts") || strings.Contains(stdout.String(), "sqlite:") {
			t.Errorf("no demo banner naming the database:\n%s", stdout)
		}
		fileComplaints(t, base, 5)
	})
	u, err := url.Parse(pgURL)
	if err != nil {
		t.Fatal(err)
	}
	schema := u.Query().Get("search_path")
	plain := *u
	plain.RawQuery = ""
	dump := filepath.Join(t.TempDir(), "styrkedjan.dump")
	if b, err := exec.Command("pg_dump", "--format=custom", "--no-owner", "--schema="+schema, "--file="+dump, "--dbname="+plain.String()).CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, b)
	}
	// A new database to restore into.
	ctx := context.Background()
	admin, err := store.Open(ctx, plain.String())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	target := "restore_" + schema
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+target); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+target+" WITH (FORCE)") })
	into := plain
	into.Path = "/" + target
	if b, err := exec.Command("pg_restore", "--no-owner", "--exit-on-error", "--dbname="+into.String(), dump).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, b)
	}
	q := u.Query()
	into.RawQuery = q.Encode()
	sameContents(t, "postgres", pgURL, into.String())
	// The restored database is current and serves.
	base, _ := boot(t, "serve", "--db", into.String(), "--addr", "127.0.0.1:0")
	if code, _ := get(t, base+"/healthz"); code != 200 {
		t.Errorf("healthz of the restored database: %d", code)
	}
}
