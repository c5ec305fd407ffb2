// Package storetest opens migrated, empty databases for tests: SQLite always,
// PostgreSQL too when STYRKEDJAN_TEST_POSTGRES holds a connection URL. Each
// PostgreSQL test gets its own schema, dropped afterwards.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/store"
)

// EnvPostgres names the variable holding the PostgreSQL URL for tests.
const EnvPostgres = "STYRKEDJAN_TEST_POSTGRES"

// Each runs fn as a subtest once per configured database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	if os.Getenv(EnvPostgres) != "" {
		t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
	}
}

// EachURL is Each for tests that open the database themselves (for example
// by booting the whole program): fn gets a database URL with an empty schema.
func EachURL(t *testing.T, fn func(t *testing.T, dbURL string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLiteURL(t)) })
	if os.Getenv(EnvPostgres) != "" {
		t.Run("postgres", func(t *testing.T) { fn(t, PostgresURL(t)) })
	}
}

// SQLiteURL returns the URL of a new SQLite file in the test's temp dir.
func SQLiteURL(t *testing.T) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "test.db")
}

// PostgresURL creates a fresh schema and returns a URL whose search_path
// points at it. The test is skipped when PostgreSQL is not configured.
func PostgresURL(t *testing.T) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Skip(EnvPostgres + " not set")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	dbURL := SchemaURL(t, schema)
	t.Cleanup(func() {
		db, err := store.Open(context.Background(), base)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
	})
	return dbURL
}

// SchemaURL creates the PostgreSQL schema if it does not exist yet and
// returns a URL whose search_path points at it. The schema is kept, so
// benchmarks can cache large generated data in it between runs; tests
// use PostgresURL, which drops its schema afterwards.
func SchemaURL(tb testing.TB, schema string) string {
	tb.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		tb.Skip(EnvPostgres + " not set")
	}
	ctx := context.Background()
	admin, err := store.Open(ctx, base)
	if err != nil {
		tb.Fatalf("open postgres: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+schema); err != nil {
		tb.Fatalf("create schema %s: %v", schema, err)
	}
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("parse %s: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// SQLite opens a migrated SQLite database in the test's temp dir.
func SQLite(t *testing.T) *store.DB { return open(t, SQLiteURL(t)) }

// Postgres opens a migrated PostgreSQL database in a fresh schema.
func Postgres(t *testing.T) *store.DB { return open(t, PostgresURL(t)) }

func open(t *testing.T, dbURL string) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatalf("open %s: %v", store.Redact(dbURL), err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}
