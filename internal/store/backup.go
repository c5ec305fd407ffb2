package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ErrPostgresBackup is returned by Backup and Restore for a PostgreSQL
// database: its own tools (pg_dump, pg_restore) do that, see the README.
var ErrPostgresBackup = errors.New("a PostgreSQL database is backed up with pg_dump and restored with pg_restore (see the README's Operations section)")

// SQLitePath returns the file of a sqlite: URL.
func SQLitePath(rawURL string) (string, error) {
	d, dsn, err := parseURL(rawURL)
	if err != nil {
		return "", err
	}
	if d != SQLite {
		return "", ErrPostgresBackup
	}
	path := strings.TrimPrefix(dsn, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	return path, nil
}

// Backup writes a consistent copy of a SQLite database to out while the
// database stays in use (VACUUM INTO: one read transaction, so writers
// go on and the copy is of one moment). out must not exist. The copy is a
// plain SQLite file, checked with PRAGMA integrity_check before Backup
// returns.
func (db *DB) Backup(ctx context.Context, out string) error {
	if db.dialect != SQLite {
		return ErrPostgresBackup
	}
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("backup: %s exists; give a new file", out)
	}
	if _, err := db.sql.ExecContext(ctx, "VACUUM INTO ?", out); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return CheckSQLiteFile(ctx, out)
}

// CheckSQLiteFile opens a SQLite file and runs PRAGMA integrity_check on it.
func CheckSQLiteFile(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return err
	}
	db, err := Open(ctx, "sqlite:"+path)
	if err != nil {
		return err
	}
	defer db.Close()
	var check string
	if err := db.sql.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check); err != nil {
		return fmt.Errorf("%s is not a readable SQLite database: %w", path, err)
	}
	if check != "ok" {
		return fmt.Errorf("%s fails the integrity check: %s", path, check)
	}
	return nil
}

// RestoreSQLite puts the backup file from in place of the SQLite database
// at rawURL: it checks the backup, copies it beside the database and
// renames it over the database in one step, removing the old database's
// write-ahead log. No server may have the database open (stop them
// first). An existing database is replaced only with replace set.
func RestoreSQLite(ctx context.Context, from, rawURL string, replace bool) error {
	path, err := SQLitePath(rawURL)
	if err != nil {
		return err
	}
	if err := CheckSQLiteFile(ctx, from); err != nil {
		return fmt.Errorf("restore: the backup: %w", err)
	}
	if _, err := os.Stat(path); err == nil && !replace {
		return fmt.Errorf("restore: %s exists; stop the servers and give --replace to overwrite it", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".restore-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	src, err := os.Open(from)
	if err != nil {
		tmp.Close()
		return err
	}
	_, err = io.Copy(tmp, src)
	src.Close()
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return CheckSQLiteFile(ctx, path)
}
