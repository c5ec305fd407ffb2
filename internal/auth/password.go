package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Argon2id parameters after OWASP's password storage cheat sheet
// (m=19 MiB, t=2, p=1).
var hashParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// MinPasswordLength follows NIST SP 800-63B for user-chosen secrets.
const MinPasswordLength = 10

// HashPassword returns an argon2id hash in PHC string format.
func HashPassword(pw string) (string, error) { return argon2id.CreateHash(pw, hashParams) }

// dummyHash is compared against when the email is unknown, so that a
// failed login takes the same time whether or not the account exists.
var dummyHash, _ = HashPassword("not a real password, only spends the same time")

// ValidatePassword checks a new password and returns an app error naming the field.
func ValidatePassword(field, pw string) error {
	var v app.Validation
	if utf8.RuneCountInString(pw) < MinPasswordLength {
		v.Add(field, "field.password_short", map[string]any{"Min": MinPasswordLength})
	}
	return v.Err()
}

// SetPassword validates and stores a new password for a user.
func SetPassword(ctx context.Context, q store.Q, userID int64, pw string) error {
	if err := ValidatePassword("password", pw); err != nil {
		return err
	}
	h, err := HashPassword(pw)
	if err != nil {
		return err
	}
	res, err := q.Exec(ctx, "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", h, store.Now(), userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return app.NotFound()
	}
	return nil
}

// ErrBadCredentials is the one generic error for an unknown email, a wrong
// password or an inactive account.
var ErrBadCredentials = app.Errorf(app.EUNAUTHORIZED, "login.failed")

// Attempt is one try to sign in (or to confirm the current password).
type Attempt struct {
	Email, Password string
	IP              string // the client's address; limits count AddressKey(IP)
	Device          string // the device cookie's secret (RememberDevice), "" when none
}

// Authenticate checks an email and password under the login throttle (see
// throttle.go), recording the attempt. It returns the user's id.
func Authenticate(ctx context.Context, db store.Q, a Attempt) (int64, error) {
	email := NormalizeEmail(a.Email)
	var (
		id     int64
		hash   *string
		active bool
	)
	err := db.QueryRow(ctx, "SELECT id, password_hash, active FROM users WHERE email = ?", email).Scan(&id, &hash, &active)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return 0, err
	}
	device, err := knownDevice(ctx, db, id, a.Device)
	if err != nil {
		return 0, err
	}
	addr := AddressKey(a.IP)
	if err := checkThrottle(ctx, db, email, addr, device); err != nil {
		return 0, err
	}
	stored := dummyHash
	if hash != nil {
		stored = *hash
	}
	match, cmpErr := argon2id.ComparePasswordAndHash(a.Password, stored)
	ok := cmpErr == nil && match && hash != nil && active
	now := store.Now()
	if _, err := db.Exec(ctx, "INSERT INTO login_attempts (email, ip, addr, device, at, success) VALUES (?, ?, ?, ?, ?, ?)",
		email, a.IP, addr, device, now, ok); err != nil {
		return 0, err
	}
	if !ok {
		return 0, ErrBadCredentials
	}
	if _, err := db.Exec(ctx, "UPDATE users SET last_login_at = ? WHERE id = ?", now, id); err != nil {
		return 0, err
	}
	return id, nil
}

// NormalizeEmail trims and lower-cases an address for storage and lookup.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// LoadPrincipal reads a user and their scope. Inactive and unknown users
// give app.EUNAUTHORIZED.
func LoadPrincipal(ctx context.Context, q store.Q, userID int64) (*Principal, error) {
	p := &Principal{UserID: userID}
	var active bool
	err := q.QueryRow(ctx, "SELECT name, email, role, active FROM users WHERE id = ?", userID).Scan(&p.Name, &p.Email, &p.Role, &active)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !active) {
		return nil, app.Errorf(app.EUNAUTHORIZED, "err.unauthorized")
	}
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, "SELECT unit_id FROM user_units WHERE user_id = ? ORDER BY unit_id", userID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		p.Units = append(p.Units, id)
	}
	rows.Close()
	rows, err = q.Query(ctx, "SELECT category_code FROM user_categories WHERE user_id = ? ORDER BY category_code", userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		p.Categories = append(p.Categories, c)
	}
	return p, rows.Err()
}

// newSecret returns a random URL-safe secret and its SHA-256 hex digest;
// only the digest is stored.
func newSecret(prefix string) (secret, digest string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // never happens on supported platforms
	}
	secret = prefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, digestOf(secret)
}

func digestOf(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
