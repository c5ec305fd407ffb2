package auth

import (
	"context"
	"errors"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/store"
)

// SessionStore keeps web sessions in the database (alexedwards/scs CtxStore),
// so they survive restarts and work across several app servers.
type SessionStore struct{ DB *store.DB }

func (s SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	err := s.DB.QueryRow(ctx, "SELECT data FROM sessions WHERE token = ? AND expiry > ?", token, store.Now()).Scan(&data)
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, nil
	}
	return data, err == nil, err
}

func (s SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`,
		token, b, expiry.UTC().Truncate(time.Microsecond))
	return err
}

func (s SessionStore) DeleteCtx(ctx context.Context, token string) error {
	_, err := s.DB.Exec(ctx, "DELETE FROM sessions WHERE token = ?", token)
	return err
}

// The context-free methods satisfy scs.Store; scs calls the Ctx variants.
func (s SessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}
func (s SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}
func (s SessionStore) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }

// Sweep deletes expired sessions and login attempts older than a day.
func Sweep(ctx context.Context, db store.Q) error {
	now := store.Now()
	if _, err := db.Exec(ctx, "DELETE FROM sessions WHERE expiry <= ?", now); err != nil {
		return err
	}
	_, err := db.Exec(ctx, "DELETE FROM login_attempts WHERE at < ?", now.Add(-24*time.Hour))
	return err
}
