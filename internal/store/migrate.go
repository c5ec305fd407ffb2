package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// Migrations are embedded and versioned, one folder per dialect so each can
// use its own idioms (identity columns, triggers). A migration number means the
// same change in both folders; TestMigrationsMatch keeps them in step.
//
//go:embed migrations
var migrations embed.FS

func (db *DB) provider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+string(db.dialect))
	if err != nil {
		return nil, err
	}
	var opts []goose.ProviderOption
	dialect := goose.DialectSQLite3
	if db.dialect == Postgres {
		dialect = goose.DialectPostgres
		// Several processes may migrate at once (rolling deploys); serialise them.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, db.sql, sub, opts...)
}

// Migrate applies all pending migrations and returns the versions applied.
func (db *DB) Migrate(ctx context.Context) ([]int64, error) {
	p, err := db.provider()
	if err != nil {
		return nil, err
	}
	if err := db.checkNotAhead(ctx, p); err != nil {
		return nil, err
	}
	res, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	applied := make([]int64, 0, len(res))
	for _, r := range res {
		applied = append(applied, r.Source.Version)
	}
	return applied, nil
}

// SchemaVersion reports the database's schema version and the newest this
// program knows.
func (db *DB) SchemaVersion(ctx context.Context) (current, target int64, err error) {
	p, err := db.provider()
	if err != nil {
		return 0, 0, err
	}
	return p.GetVersions(ctx)
}

// CheckSchema returns ErrSchemaBehind when migrations are pending and
// ErrSchemaAhead when the database was migrated by a newer program.
func (db *DB) CheckSchema(ctx context.Context) error {
	p, err := db.provider()
	if err != nil {
		return err
	}
	if err := db.checkNotAhead(ctx, p); err != nil {
		return err
	}
	current, target, err := p.GetVersions(ctx)
	if err != nil {
		return err
	}
	if current < target {
		return fmt.Errorf("%w (database at version %d, program needs %d): run `styrkedjan migrate`", ErrSchemaBehind, current, target)
	}
	return nil
}

func (db *DB) checkNotAhead(ctx context.Context, p *goose.Provider) error {
	current, target, err := p.GetVersions(ctx)
	if err != nil {
		return err
	}
	if current > target {
		return fmt.Errorf("%w (database at version %d, program knows %d): upgrade styrkedjan", ErrSchemaAhead, current, target)
	}
	return nil
}
