package apply

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// One-time sign-in codes, for organizers without e-identification: a
// six-digit code mailed to the address on file, valid CodeLifetime, used
// once, refused after MaxTries wrong tries. Only a SHA-256 digest of the
// guardian row and the code is stored; a new code replaces the guardian's
// earlier one. The caller limits requests per address (cluster.Allow).
const (
	CodeLifetime = 10 * time.Minute
	MaxTries     = 5
	codeDigits   = 6
)

func codeDigest(guardianID int64, code string) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("placement-code:%d:%s", guardianID, code)))
	return hex.EncodeToString(sum[:])
}

func newCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%0*d", codeDigits, n.Int64()), nil
}

// NormalizeEmail is the form addresses are compared in.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// codeGuardian returns the guardian row a code for email goes to: the
// first row with that address whose child is in a round with an
// application window. 0 when there is none.
func codeGuardian(ctx context.Context, q store.Q, email string) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT g.id FROM placement_guardians g JOIN placement_children c ON c.id = g.child_id
		JOIN placement_rounds r ON r.id = c.round_id
		WHERE LOWER(g.email) = ? AND r.apply_opens <> '' ORDER BY g.id LIMIT 1`, email).Scan(&id)
	if store.IsNotFound(err) {
		return 0, nil
	}
	return id, err
}

// RequestCode mails a sign-in code to email when it is a guardian's
// address on file, in the guardian's language, and does nothing
// otherwise: the caller answers the same either way.
func RequestCode(ctx context.Context, q store.Q, m Mailer, email string, now time.Time) error {
	email = NormalizeEmail(email)
	if email == "" || len(email) > 254 {
		return nil
	}
	return store.InTx(ctx, q, func(tx *store.Tx) error {
		gid, err := codeGuardian(ctx, tx, email)
		if err != nil || gid == 0 {
			return err
		}
		code, err := newCode()
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM placement_codes WHERE guardian_id = ?", gid); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "INSERT INTO placement_codes (code_hash, guardian_id, created_at, expires_at, tries) VALUES (?, ?, ?, ?, 0)",
			codeDigest(gid, code), gid, now.UTC(), now.Add(CodeLifetime).UTC()); err != nil {
			return err
		}
		var name, lang string
		if err := tx.QueryRow(ctx, "SELECT name, language FROM placement_guardians WHERE id = ?", gid).Scan(&name, &lang); err != nil {
			return err
		}
		if err := m.code(ctx, tx, email, lang, code); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Create, "placement_code", itoa(gid), "sign-in code mailed")
	})
}

// VerifyCode checks a code for email. Right: the code is used up and the
// rows it opens are returned with the guardian row the session keeps
// (ForCode). Wrong, run out, used or too many tries: an app.EINVALID on
// the field "code", the same whatever the reason; each wrong try counts.
func VerifyCode(ctx context.Context, q store.Q, email, code string, now time.Time) (int64, error) {
	email = NormalizeEmail(email)
	code = strings.Join(strings.Fields(code), "")
	wrong := func() error {
		var v app.Validation
		v.Add("code", "apply.err.code")
		return v.Err()
	}
	var gid int64
	err := store.InTx(ctx, q, func(tx *store.Tx) error {
		var err error
		if gid, err = codeGuardian(ctx, tx, email); err != nil {
			return err
		}
		if gid == 0 {
			return nil
		}
		var hash string
		var expires time.Time
		var used *time.Time
		var tries int
		err = tx.QueryRow(ctx, "SELECT code_hash, expires_at, used_at, tries FROM placement_codes WHERE guardian_id = ?", gid).Scan(&hash, &expires, &used, &tries)
		if store.IsNotFound(err) {
			gid = 0
			return nil
		} else if err != nil {
			return err
		}
		ok := subtle.ConstantTimeCompare([]byte(hash), []byte(codeDigest(gid, code))) == 1
		if !ok || used != nil || !now.Before(expires) || tries >= MaxTries {
			if _, err := tx.Exec(ctx, "UPDATE placement_codes SET tries = tries + 1 WHERE code_hash = ?", hash); err != nil {
				return err
			}
			gid = 0
			return nil
		}
		if _, err := tx.Exec(ctx, "UPDATE placement_codes SET used_at = ? WHERE code_hash = ?", now.UTC(), hash); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Login, "placement_guardian", itoa(gid), "signed in with a mailed code")
	})
	if err != nil {
		return 0, err
	}
	if gid == 0 {
		return 0, wrong()
	}
	return gid, nil
}
