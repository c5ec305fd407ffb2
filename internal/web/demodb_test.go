package web_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

// The demo organizer is loaded once per test binary and database kind into
// a template; every test gets its own copy (a copied SQLite file, or a
// PostgreSQL database created from a template database), so tests stay
// isolated without paying for demo.Load (and its placement round) each time.
var templates struct {
	sqliteOnce sync.Once
	sqliteDir  string // holds demo.db
	sqliteErr  error

	pgOnce  sync.Once
	pgAdmin *store.DB // the STYRKEDJAN_TEST_POSTGRES database, for CREATE/DROP DATABASE
	pgName  string    // the template database
	pgErr   error
}

func TestMain(m *testing.M) {
	code := m.Run()
	dropTemplates()
	os.Exit(code)
}

func dropTemplates() {
	if templates.sqliteDir != "" {
		os.RemoveAll(templates.sqliteDir)
	}
	if templates.pgAdmin != nil {
		if templates.pgName != "" {
			_, _ = templates.pgAdmin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+templates.pgName+" WITH (FORCE)")
		}
		templates.pgAdmin.Close()
	}
}

// eachDB runs fn once per configured database, each time on a fresh copy of
// the demo. It marks t parallel: tests that use it must not change package
// state or the environment.
func eachDB(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Parallel()
	t.Run("sqlite", func(t *testing.T) { fn(t, demoSQLite(t)) })
	if os.Getenv(storetest.EnvPostgres) != "" {
		t.Run("postgres", func(t *testing.T) { fn(t, demoPostgres(t)) })
	}
}

// loadDemo migrates the empty database at dbURL and loads the demo into it.
func loadDemo(dbURL string) error {
	ctx := context.Background()
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if err := demo.Load(ctx, db); err != nil {
		return fmt.Errorf("load demo: %w", err)
	}
	if db.Dialect() == store.SQLite {
		// Everything into the main file, so that copying it copies all.
		if _, err := db.Exec(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
			return err
		}
	}
	return nil
}

// demoSQLite opens a copy of the demo SQLite database in t's temp dir.
func demoSQLite(t *testing.T) *store.DB {
	t.Helper()
	templates.sqliteOnce.Do(func() {
		dir, err := os.MkdirTemp("", "styrkedjan-web-demo-")
		if err != nil {
			templates.sqliteErr = err
			return
		}
		templates.sqliteDir = dir
		templates.sqliteErr = loadDemo("sqlite:" + filepath.Join(dir, "demo.db"))
	})
	if templates.sqliteErr != nil {
		t.Fatalf("demo template (sqlite): %v", templates.sqliteErr)
	}
	dst := filepath.Join(t.TempDir(), "test.db")
	for _, suffix := range []string{"", "-wal"} {
		if err := copyFile(filepath.Join(templates.sqliteDir, "demo.db"+suffix), dst+suffix); err != nil && !(suffix != "" && os.IsNotExist(err)) {
			t.Fatalf("copy demo database: %v", err)
		}
	}
	return openDB(t, "sqlite:"+dst)
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// demoPostgres opens a new PostgreSQL database created from the demo
// template, dropped when t ends. The test is skipped when PostgreSQL is not
// configured.
func demoPostgres(t *testing.T) *store.DB {
	t.Helper()
	base := os.Getenv(storetest.EnvPostgres)
	if base == "" {
		t.Skip(storetest.EnvPostgres + " not set")
	}
	ctx := context.Background()
	templates.pgOnce.Do(func() {
		admin, err := store.Open(ctx, base)
		if err != nil {
			templates.pgErr = err
			return
		}
		templates.pgAdmin = admin
		name := randomName("styrkedjan_demo_")
		if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
			templates.pgErr = err
			return
		}
		templates.pgName = name
		// loadDemo closes its connections: CREATE DATABASE ... TEMPLATE
		// refuses a template anyone is connected to.
		u, err := databaseURL(base, name)
		if err == nil {
			err = loadDemo(u)
		}
		templates.pgErr = err
	})
	if templates.pgErr != nil {
		t.Fatalf("demo template (postgres): %v", templates.pgErr)
	}
	name := randomName("t_")
	if _, err := templates.pgAdmin.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE "+templates.pgName); err != nil {
		t.Fatalf("copy demo database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := templates.pgAdmin.Exec(context.Background(), "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
	})
	u, err := databaseURL(base, name)
	if err != nil {
		t.Fatal(err)
	}
	return openDB(t, u)
}

func randomName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// databaseURL is base with its database name replaced.
func databaseURL(base, name string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("parse %s: %w", storetest.EnvPostgres, err)
	}
	u.Path = "/" + name
	return u.String(), nil
}

func openDB(t *testing.T, dbURL string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatalf("open %s: %v", store.Redact(dbURL), err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
