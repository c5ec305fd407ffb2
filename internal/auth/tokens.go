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
// user with this email, and revokes the user's older links: at most one
// link works at a time. For an unknown or inactive address it returns
// store.ErrNotFound so the caller can skip sending mail, but must still
// answer the user the same.
func CreateReset(ctx context.Context, q store.Q, email string, ttl time.Duration) (secret string, userID int64, err error) {
	err = store.InTx(ctx, q, func(tx *store.Tx) error {
		userID, err = lockActiveUser(ctx, tx, NormalizeEmail(email))
		if err != nil {
			return err
		}
		secret, err = createReset(ctx, tx, userID, ttl)
		return err
	})
	return secret, userID, err
}

// lockActiveUser returns the id of the active user with this (normalized)
// email and locks the row until the transaction ends (a no-op update), so
// that concurrent requests for links are counted and revoked in turn.
func lockActiveUser(ctx context.Context, tx *store.Tx, email string) (int64, error) {
	var userID int64
	err := tx.QueryRow(ctx, "UPDATE users SET updated_at = updated_at WHERE email = ? AND active RETURNING id", email).Scan(&userID)
	return userID, err
}

func createReset(ctx context.Context, tx *store.Tx, userID int64, ttl time.Duration) (string, error) {
	now := store.Now()
	if _, err := tx.Exec(ctx, "UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL", now, userID); err != nil {
		return "", err
	}
	secret, digest := newSecret("")
	_, err := tx.Exec(ctx, "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
		digest, userID, now, now.Add(ttl))
	return secret, err
}

// RequestReset is CreateReset for the forgot page, under its limits: at
// most maxResetMails links per account and maxResetRequests requests per
// address (AddressKey) per hour. It records the request and returns "" (and
// no error) when no mail is to be sent: an unknown or inactive address, or
// a limit reached; the page answers the same in every case.
func RequestReset(ctx context.Context, q store.Q, email, ip string, ttl time.Duration) (secret string, userID int64, err error) {
	email, addr := NormalizeEmail(email), AddressKey(ip)
	err = store.InTx(ctx, q, func(tx *store.Tx) error {
		since := store.Now().Add(-resetWindow)
		var byAddr int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM password_requests WHERE addr = ? AND at > ?", addr, since).Scan(&byAddr); err != nil {
			return err
		}
		if byAddr < maxResetRequests {
			uid, err := lockActiveUser(ctx, tx, email)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			var sent int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM password_requests WHERE email = ? AND at > ? AND sent", email, since).Scan(&sent); err != nil {
				return err
			}
			if uid != 0 && sent < maxResetMails {
				if secret, err = createReset(ctx, tx, uid, ttl); err != nil {
					return err
				}
				userID = uid
			}
		}
		_, err := tx.Exec(ctx, "INSERT INTO password_requests (email, addr, at, sent) VALUES (?, ?, ?, ?)", email, addr, store.Now(), secret != "")
		return err
	})
	if err != nil {
		return "", 0, err
	}
	return secret, userID, nil
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

// ResetResult says what a password reset ended.
type ResetResult struct {
	UserID           int64
	Sessions, Tokens int64 // sessions and API tokens ended
}

// UseReset sets a new password with a reset secret, once. A reset means the
// account may have been someone else's: it ends every session and API token
// of the user, revokes other outstanding links, forgets the user's known
// devices and clears the account's login throttle. Run it in the
// transaction that audits it.
func UseReset(ctx context.Context, db store.Q, secret, newPassword string) (ResetResult, error) {
	var r ResetResult
	if err := ValidatePassword("password", newPassword); err != nil {
		return r, err
	}
	err := store.InTx(ctx, db, func(tx *store.Tx) error {
		now := store.Now()
		err := tx.QueryRow(ctx, `UPDATE password_resets SET used_at = ?
			WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING user_id`,
			now, digestOf(secret), now).Scan(&r.UserID)
		if errors.Is(err, store.ErrNotFound) {
			return ErrResetInvalid
		}
		if err != nil {
			return err
		}
		r, err = ResetPassword(ctx, tx, r.UserID, newPassword)
		return err
	})
	if err != nil {
		return ResetResult{}, err
	}
	return r, nil
}

// ResetPassword sets a password the way a reset does (UseReset without the
// link; for an operator's `user set-password`): every session, API token
// and outstanding password link of the user ends, the known devices are
// forgotten and the login throttle is cleared.
func ResetPassword(ctx context.Context, q store.Q, userID int64, newPassword string) (ResetResult, error) {
	r := ResetResult{UserID: userID}
	err := store.InTx(ctx, q, func(tx *store.Tx) error {
		if err := SetPassword(ctx, tx, userID, newPassword); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL", store.Now(), userID)
		if err != nil {
			return err
		}
		if r.Sessions, r.Tokens, err = EndSignIns(ctx, tx, userID, ""); err != nil {
			return err
		}
		if err := ForgetDevices(ctx, tx, userID); err != nil {
			return err
		}
		var email string
		if err := tx.QueryRow(ctx, "SELECT email FROM users WHERE id = ?", userID).Scan(&email); err != nil {
			return err
		}
		return ClearThrottle(ctx, tx, email)
	})
	if err != nil {
		return ResetResult{}, err
	}
	return r, nil
}
