package store

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Sentinels every dialect's driver errors are normalised to, so callers never
// import a driver package to tell what went wrong.
var (
	ErrNotFound      = errors.New("store: not found")
	ErrAlreadyExists = errors.New("store: already exists")
	ErrForeignKey    = errors.New("store: referenced row missing or still referenced")
	ErrCheck         = errors.New("store: check constraint failed")
	ErrUnavailable   = errors.New("store: database unavailable")
	ErrBadURL        = errors.New("store: bad database URL")
	ErrSchemaBehind  = errors.New("store: database schema is behind this program")
	ErrSchemaAhead   = errors.New("store: database schema is newer than this program")
)

// Normalize maps driver errors to the sentinels above, keeping the original
// error in the chain for logs.
func Normalize(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505":
			return fmt.Errorf("%w: %s", ErrAlreadyExists, pgErr.ConstraintName)
		case "23503":
			return fmt.Errorf("%w: %s", ErrForeignKey, pgErr.ConstraintName)
		case "23514", "23502":
			return fmt.Errorf("%w: %s", ErrCheck, pgErr.Message)
		}
		return err
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		switch sqErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %v", ErrAlreadyExists, sqErr)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("%w: %v", ErrForeignKey, sqErr)
		case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
			return fmt.Errorf("%w: %v", ErrCheck, sqErr)
		}
	}
	return err
}
