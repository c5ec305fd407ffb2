package auth

import (
	"context"
	"errors"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/styrkedjan/styrkedjan/internal/store"
)

// SessionUserKey is the session value holding the signed-in user's id
// (int64). The store reads it to know whose session a row is.
const SessionUserKey = "user_id"

// SessionStore keeps web sessions in the database (alexedwards/scs CtxStore),
// so they survive restarts and work across several app servers. Each row
// knows its user (the SessionUserKey value, read with Codec), so that
// EndSessions can end a person's sessions. Deleting a session, and ending
// it, leaves a tombstone until it expires: a request of that session still
// in flight commits at its end (scs commits every request when an idle
// timeout is set), and must not bring it back.
type SessionStore struct {
	DB *store.DB
	// Codec is the session manager's codec; nil is scs's default (gob).
	Codec scs.Codec
}

func (s SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	err := s.DB.QueryRow(ctx, "SELECT data FROM sessions WHERE token = ? AND expiry > ? AND ended_at IS NULL", token, store.Now()).Scan(&data)
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, nil
	}
	return data, err == nil, err
}

// CommitCtx stores a session, unless it has ended.
func (s SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	const upsert = `INSERT INTO sessions (token, data, expiry, user_id) VALUES (?, ?, ?, ?)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry, user_id = excluded.user_id
		WHERE sessions.ended_at IS NULL`
	expiry = expiry.UTC().Truncate(time.Microsecond)
	user := s.userOf(b)
	_, err := s.DB.Exec(ctx, upsert, token, b, expiry, user)
	if errors.Is(err, store.ErrForeignKey) {
		// The user is gone; the session is still stored, and the identity
		// middleware ends it when it finds no such user.
		_, err = s.DB.Exec(ctx, upsert, token, b, expiry, nil)
	}
	return err
}

// DeleteCtx ends the session (scs calls it on Destroy and RenewToken).
func (s SessionStore) DeleteCtx(ctx context.Context, token string) error {
	_, err := s.DB.Exec(ctx, "UPDATE sessions SET data = ?, ended_at = ? WHERE token = ? AND ended_at IS NULL", []byte{}, store.Now(), token)
	return err
}

// userOf returns the user id a session's data holds, or nil.
func (s SessionStore) userOf(b []byte) *int64 {
	c := s.Codec
	if c == nil {
		c = scs.GobCodec{}
	}
	_, values, err := c.Decode(b)
	if err != nil {
		return nil
	}
	if id, ok := values[SessionUserKey].(int64); ok && id > 0 {
		return &id
	}
	return nil
}

// The context-free methods satisfy scs.Store; scs calls the Ctx variants.
func (s SessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}
func (s SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}
func (s SessionStore) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }

// EndSessions ends every session of the user except the one with token
// keep ("" for none) and returns how many it ended.
func EndSessions(ctx context.Context, q store.Q, userID int64, keep string) (int64, error) {
	res, err := q.Exec(ctx, "UPDATE sessions SET data = ?, ended_at = ? WHERE user_id = ? AND ended_at IS NULL AND token <> ?",
		[]byte{}, store.Now(), userID, keep)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// EndSignIns ends what a password protects besides itself: the user's
// sessions (but keep) and API tokens. It returns how many of each.
func EndSignIns(ctx context.Context, q store.Q, userID int64, keep string) (sessions, tokens int64, err error) {
	if sessions, err = EndSessions(ctx, q, userID, keep); err != nil {
		return 0, 0, err
	}
	res, err := q.Exec(ctx, "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", store.Now(), userID)
	if err != nil {
		return 0, 0, err
	}
	tokens, err = res.RowsAffected()
	return sessions, tokens, err
}

// Sweep deletes expired sessions (ended ones too), login attempts older
// than a day, password requests older than a day and devices unused for
// DeviceLifetime.
func Sweep(ctx context.Context, db store.Q) error {
	now := store.Now()
	for _, d := range []struct {
		sql string
		arg time.Time
	}{
		{"DELETE FROM sessions WHERE expiry <= ?", now},
		{"DELETE FROM login_attempts WHERE at < ?", now.Add(-24 * time.Hour)},
		{"DELETE FROM password_requests WHERE at < ?", now.Add(-24 * time.Hour)},
		{"DELETE FROM known_devices WHERE last_used_at < ?", now.Add(-DeviceLifetime)},
	} {
		if _, err := db.Exec(ctx, d.sql, d.arg); err != nil {
			return err
		}
	}
	return nil
}
