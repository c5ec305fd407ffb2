package auth

import (
	"context"
	"errors"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/store"
)

// DeviceLifetime is how long a device stays known after its last sign-in.
const DeviceLifetime = 180 * 24 * time.Hour

const devicePrefix = "sdd_"

// knownDevice returns the digest of secret when it is a known device of the
// user, else "".
func knownDevice(ctx context.Context, q store.Q, userID int64, secret string) (string, error) {
	if userID == 0 || secret == "" {
		return "", nil
	}
	digest := digestOf(secret)
	var n int
	err := q.QueryRow(ctx, "SELECT COUNT(*) FROM known_devices WHERE token_hash = ? AND user_id = ? AND last_used_at > ?",
		digest, userID, store.Now().Add(-DeviceLifetime)).Scan(&n)
	if err != nil || n == 0 {
		return "", err
	}
	return digest, nil
}

// RememberDevice marks the browser holding secret (its device cookie, or
// "") as a known device of the user after a successful sign-in, and
// returns the secret the cookie should hold: the same one when it already
// was the user's, else a new one.
func RememberDevice(ctx context.Context, q store.Q, userID int64, secret string) (string, error) {
	now := store.Now()
	if secret != "" {
		res, err := q.Exec(ctx, "UPDATE known_devices SET last_used_at = ? WHERE token_hash = ? AND user_id = ? AND last_used_at > ?",
			now, digestOf(secret), userID, now.Add(-DeviceLifetime))
		if err != nil {
			return "", err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return secret, nil
		}
	}
	secret, digest := newSecret(devicePrefix)
	_, err := q.Exec(ctx, "INSERT INTO known_devices (token_hash, user_id, created_at, last_used_at) VALUES (?, ?, ?, ?)",
		digest, userID, now, now)
	if errors.Is(err, store.ErrForeignKey) {
		return "", store.ErrNotFound
	}
	return secret, err
}

// ForgetDevices makes every device of the user unknown again (after a
// password reset: whoever had the account before starts from nothing).
func ForgetDevices(ctx context.Context, q store.Q, userID int64) error {
	_, err := q.Exec(ctx, "DELETE FROM known_devices WHERE user_id = ?", userID)
	return err
}
