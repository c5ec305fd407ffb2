package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/styrkedjan/styrkedjan/internal/store"
)

// runBackup writes an online copy of a SQLite database (VACUUM INTO); a
// PostgreSQL database is backed up with pg_dump (the README says how).
func runBackup(ctx context.Context, e env, args []string) error {
	fs := newFlagSet("backup", e)
	dbURL := fs.String("db", e.getenv("STYRKEDJAN_DB"), "database URL (env STYRKEDJAN_DB)")
	out := fs.String("out", "", "the backup `FILE` to write (must not exist)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dbURL == "" || *out == "" {
		return usagef("backup: give --db sqlite:PATH and --out FILE")
	}
	if _, err := store.SQLitePath(*dbURL); err != nil {
		if errors.Is(err, store.ErrPostgresBackup) {
			return usagef("backup: %v", err)
		}
		return usageError{err}
	}
	db, err := openDB(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, *out); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Backed up %s to %s.\n", store.Redact(*dbURL), *out)
	return nil
}

// runRestore puts a backup made by runBackup in place of a SQLite
// database; the servers using it must be stopped.
func runRestore(ctx context.Context, e env, args []string) error {
	fs := newFlagSet("restore", e)
	dbURL := fs.String("db", e.getenv("STYRKEDJAN_DB"), "database URL to restore into (env STYRKEDJAN_DB)")
	from := fs.String("from", "", "the backup `FILE` written by styrkedjan backup")
	replace := fs.Bool("replace", false, "overwrite an existing database (stop every server using it first)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dbURL == "" || *from == "" {
		return usagef("restore: give --from FILE and --db sqlite:PATH")
	}
	if _, err := store.SQLitePath(*dbURL); err != nil {
		if errors.Is(err, store.ErrPostgresBackup) {
			return usagef("restore: %v", err)
		}
		return usageError{err}
	}
	if err := store.RestoreSQLite(ctx, *from, *dbURL, *replace); err != nil {
		return err
	}
	db, err := openDB(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	current, target, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Restored %s from %s (schema version %d", store.Redact(*dbURL), *from, current)
	if current < target {
		fmt.Fprintf(e.stdout, "; run styrkedjan migrate to bring it to %d", target)
	}
	fmt.Fprintln(e.stdout, ").")
	return nil
}
