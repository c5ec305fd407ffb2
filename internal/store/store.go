// Package store is the one storage boundary of Styrkedjan. It opens SQLite
// (the embedded default) or PostgreSQL (production) behind the same small API:
// queries are written once with '?' placeholders, rebound for PostgreSQL, and
// driver errors are normalised to the sentinels in errors.go.
//
// Capability packages (org, auth, audit, mail, ...) own their SQL and take a
// store.Q, so the same code runs inside or outside a transaction.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// Dialect names the SQL dialect behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Q is what capability packages query through: a *DB or a *Tx.
type Q interface {
	Exec(ctx context.Context, query string, args ...any) (sql.Result, error)
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *Row
	Dialect() Dialect
}

// DB is an open database.
type DB struct {
	sql     *sql.DB
	dialect Dialect
	url     string
}

// Open opens the database named by a URL: "sqlite:PATH" (also "sqlite://PATH"
// or "file:PATH") or "postgres://..." / "postgresql://...". It pings the
// database so that an unreachable server is reported here, clearly.
func Open(ctx context.Context, rawURL string) (*DB, error) {
	dialect, dsn, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	var db *sql.DB
	switch dialect {
	case SQLite:
		db, err = sql.Open("sqlite", dsn)
		if err == nil {
			// WAL lets readers run beside the single writer; a few
			// connections are plenty and keep lock waits short.
			db.SetMaxOpenConns(4)
		}
	case Postgres:
		db, err = sql.Open("pgx", dsn)
		if err == nil {
			db.SetMaxOpenConns(20)
			db.SetConnMaxIdleTime(5 * time.Minute)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("%w: %s: %v", ErrUnavailable, Redact(rawURL), err)
	}
	return &DB{sql: db, dialect: dialect, url: rawURL}, nil
}

func parseURL(raw string) (Dialect, string, error) {
	switch {
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		return Postgres, raw, nil
	case strings.HasPrefix(raw, "sqlite:"), strings.HasPrefix(raw, "file:"):
		path := strings.TrimPrefix(strings.TrimPrefix(raw, "sqlite:"), "file:")
		path = strings.TrimPrefix(path, "//")
		if path == "" {
			return "", "", fmt.Errorf("%w: the sqlite URL names no file (want sqlite:PATH)", ErrBadURL)
		}
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		q := url.Values{}
		// A 32 MiB page cache per connection and reads through a 256 MiB
		// memory map: at national scale (2M indicator values) an import
		// otherwise spends most of its time in read syscalls.
		for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(FULL)", "cache_size(-32768)", "mmap_size(268435456)"} {
			q.Add("_pragma", p)
		}
		q.Set("_txlock", "immediate") // writers queue on busy_timeout instead of failing on upgrade
		q.Set("_time_format", "sqlite")
		return SQLite, "file:" + path + "?" + q.Encode(), nil
	case raw == "":
		return "", "", fmt.Errorf("%w: no database URL given (use --db or STYRKEDJAN_DB)", ErrBadURL)
	}
	//lint:ignore ST1005 the ellipsis is part of the URL pattern shown to the operator
	return "", "", fmt.Errorf("%w: %q: want sqlite:PATH or postgres://...", ErrBadURL, Redact(raw))
}

// Redact masks the password in a database URL for logs and messages.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Close closes the database.
func (db *DB) Close() error { return db.sql.Close() }

// Dialect reports the SQL dialect.
func (db *DB) Dialect() Dialect { return db.dialect }

// SQL exposes the underlying handle for migrations and health checks.
func (db *DB) SQL() *sql.DB { return db.sql }

// Ping reports whether the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.sql.PingContext(ctx); err != nil {
		return fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	return nil
}

func (db *DB) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	r, err := db.sql.ExecContext(ctx, rebind(db.dialect, q), args...)
	return r, Normalize(err)
}

func (db *DB) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	rows, err := db.sql.QueryContext(ctx, rebind(db.dialect, q), args...)
	return rows, Normalize(err)
}

func (db *DB) QueryRow(ctx context.Context, q string, args ...any) *Row {
	return &Row{db.sql.QueryRowContext(ctx, rebind(db.dialect, q), args...)}
}

// Tx is a transaction; it satisfies Q.
type Tx struct {
	tx      *sql.Tx
	dialect Dialect
}

func (tx *Tx) Dialect() Dialect { return tx.dialect }

func (tx *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	r, err := tx.tx.ExecContext(ctx, rebind(tx.dialect, q), args...)
	return r, Normalize(err)
}

func (tx *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	rows, err := tx.tx.QueryContext(ctx, rebind(tx.dialect, q), args...)
	return rows, Normalize(err)
}

func (tx *Tx) QueryRow(ctx context.Context, q string, args ...any) *Row {
	return &Row{tx.tx.QueryRowContext(ctx, rebind(tx.dialect, q), args...)}
}

// InTx runs fn in a transaction, committing when fn returns nil. When q is
// already a transaction fn joins it, so helpers compose.
func InTx(ctx context.Context, q Q, fn func(tx *Tx) error) error {
	if tx, ok := q.(*Tx); ok {
		return fn(tx)
	}
	db, ok := q.(*DB)
	if !ok {
		return fmt.Errorf("store: InTx on %T", q)
	}
	stx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return Normalize(err)
	}
	tx := &Tx{tx: stx, dialect: db.dialect}
	if err := fn(tx); err != nil {
		_ = stx.Rollback()
		return err
	}
	return Normalize(stx.Commit())
}

// InReadTx runs fn in a read-only transaction that sees one snapshot of
// the database throughout: REPEATABLE READ on PostgreSQL, a deferred
// transaction on SQLite (whose snapshot starts at the first read and which,
// unlike InTx, takes no write lock). When q is already a transaction fn
// joins it.
func InReadTx(ctx context.Context, q Q, fn func(tx *Tx) error) error {
	if tx, ok := q.(*Tx); ok {
		return fn(tx)
	}
	db, ok := q.(*DB)
	if !ok {
		return fmt.Errorf("store: InReadTx on %T", q)
	}
	opts := &sql.TxOptions{ReadOnly: true}
	if db.dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	stx, err := db.sql.BeginTx(ctx, opts)
	if err != nil {
		return Normalize(err)
	}
	defer func() { _ = stx.Rollback() }()
	return fn(&Tx{tx: stx, dialect: db.dialect})
}

// Row wraps *sql.Row so that Scan reports ErrNotFound and other normalised errors.
type Row struct{ row *sql.Row }

func (r *Row) Scan(dest ...any) error { return Normalize(r.row.Scan(dest...)) }

// rebind turns '?' placeholders into PostgreSQL's $1, $2, ... It skips
// quoted literals, so a '?' inside a string is left alone.
func rebind(d Dialect, q string) string {
	if d != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n, inQuote := 0, false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inQuote = !inQuote
			b.WriteByte(c)
		case c == '?' && !inQuote:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Placeholders returns "?, ?, ?" for n arguments, for IN lists.
func Placeholders(n int) string {
	if n <= 0 {
		return "NULL"
	}
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// Now is the store's clock: UTC, truncated to microseconds so that values
// round-trip identically through both databases and compare as text in SQLite.
func Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// IsNotFound is shorthand for errors.Is(err, ErrNotFound).
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
