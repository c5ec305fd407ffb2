package auth

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

const tokenPrefix = "sdk_"

// CreateToken issues a personal API bearer token for a user; the token acts
// with the user's role and scope. Only its digest is stored, so the returned
// secret is shown once.
func CreateToken(ctx context.Context, q store.Q, userID int64, label string, ttl time.Duration) (string, error) {
	secret, digest := newSecret(tokenPrefix)
	now := store.Now()
	var expires *time.Time
	if ttl > 0 {
		e := now.Add(ttl)
		expires = &e
	}
	_, err := q.Exec(ctx, "INSERT INTO api_tokens (user_id, token_hash, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
		userID, digest, label, now, expires)
	if errors.Is(err, store.ErrForeignKey) {
		return "", app.NotFound()
	}
	return secret, err
}

// TokenUser resolves a bearer token to its user's id, recording its use.
func TokenUser(ctx context.Context, q store.Q, secret string) (int64, error) {
	if !strings.HasPrefix(secret, tokenPrefix) {
		return 0, app.Errorf(app.EUNAUTHORIZED, "err.unauthorized")
	}
	now := store.Now()
	var id, userID int64
	err := q.QueryRow(ctx, `SELECT id, user_id FROM api_tokens
		WHERE token_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)`,
		digestOf(secret), now).Scan(&id, &userID)
	if errors.Is(err, store.ErrNotFound) {
		return 0, app.Errorf(app.EUNAUTHORIZED, "err.unauthorized")
	}
	if err != nil {
		return 0, err
	}
	_, err = q.Exec(ctx, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", now, id)
	return userID, err
}

// RevokeTokens revokes every token of a user (on deactivation).
func RevokeTokens(ctx context.Context, q store.Q, userID int64) error {
	_, err := q.Exec(ctx, "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", store.Now(), userID)
	return err
}

// How long a password link works: a reset asked for by the user, and an
// invitation sent by an administrator to a new person.
const (
	ResetTTL  = time.Hour
	InviteTTL = 7 * 24 * time.Hour
)

// CreateReset issues a single-use password secret, valid for ttl, for the
// user with this email. For an unknown or inactive address it returns
// store.ErrNotFound so the caller can skip sending mail, but must still
// answer the user the same.
func CreateReset(ctx context.Context, q store.Q, email string, ttl time.Duration) (secret string, userID int64, err error) {
	var active bool
	err = q.QueryRow(ctx, "SELECT id, active FROM users WHERE email = ?", NormalizeEmail(email)).Scan(&userID, &active)
	if err != nil {
		return "", 0, err
	}
	if !active {
		return "", 0, store.ErrNotFound
	}
	secret, digest := newSecret("")
	now := store.Now()
	_, err = q.Exec(ctx, "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
		digest, userID, now, now.Add(ttl))
	return secret, userID, err
}

// ErrResetInvalid means a reset link is unknown, used or expired.
var ErrResetInvalid = app.Errorf(app.EINVALID, "reset.invalid")

// CheckReset reports whether a reset secret is usable, without using it.
func CheckReset(ctx context.Context, q store.Q, secret string) error {
	var userID int64
	err := q.QueryRow(ctx, "SELECT user_id FROM password_resets WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
		digestOf(secret), store.Now()).Scan(&userID)
	if errors.Is(err, store.ErrNotFound) {
		return ErrResetInvalid
	}
	return err
}

// UseReset sets a new password with a reset secret, once. It also clears
// the account's login throttle and revokes other outstanding resets.
func UseReset(ctx context.Context, db store.Q, secret, newPassword string) (int64, error) {
	if err := ValidatePassword("password", newPassword); err != nil {
		return 0, err
	}
	var userID int64
	err := store.InTx(ctx, db, func(tx *store.Tx) error {
		now := store.Now()
		err := tx.QueryRow(ctx, `UPDATE password_resets SET used_at = ?
			WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING user_id`,
			now, digestOf(secret), now).Scan(&userID)
		if errors.Is(err, store.ErrNotFound) {
			return ErrResetInvalid
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL", now, userID); err != nil {
			return err
		}
		return SetPassword(ctx, tx, userID, newPassword)
	})
	return userID, err
}
