package apply

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"math/big"
	"slices"
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

// codeGuardians returns the guardian rows a code for email goes to: for
// each person (by name) with that address whose child is in a round with
// an application window, their first row. Parents sharing an address are
// two people with a code each.
func codeGuardians(ctx context.Context, q store.Q, email string) ([]int64, error) {
	rows, err := q.Query(ctx, `SELECT g.id, g.name FROM placement_guardians g JOIN placement_children c ON c.id = g.child_id
		JOIN placement_rounds r ON r.id = c.round_id
		WHERE LOWER(g.email) = ? AND r.apply_opens <> '' ORDER BY g.id`, email)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	var names []string
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, store.Normalize(err)
		}
		if !slices.ContainsFunc(names, func(n string) bool { return sameName(n, name) }) {
			names = append(names, name)
			out = append(out, id)
		}
	}
	return out, store.Normalize(rows.Err())
}

// RequestCode mails a sign-in code to email for each person whose address
// on file it is, in their language, and does nothing otherwise: the caller
// answers the same either way.
func RequestCode(ctx context.Context, q store.Q, m Mailer, email string, now time.Time) error {
	email = NormalizeEmail(email)
	if email == "" || len(email) > 254 {
		return nil
	}
	return store.InTx(ctx, q, func(tx *store.Tx) error {
		gids, err := codeGuardians(ctx, tx, email)
		if err != nil {
			return err
		}
		for _, gid := range gids {
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
			if err := m.code(ctx, tx, email, lang, name, code); err != nil {
				return err
			}
			if err := audit.Log(ctx, tx, audit.Create, "placement_code", itoa(gid), "sign-in code mailed"); err != nil {
				return err
			}
		}
		return nil
	})
}

// VerifyCode checks a code for email. Right: the code is used up and the
// guardian row it was sent for is returned (the session keeps it; ForCode
// gives the rows it opens). Wrong, run out, used or too many tries: an
// app.EINVALID on the field "code", the same whatever the reason; each
// wrong try counts against every live code of the address.
func VerifyCode(ctx context.Context, q store.Q, email, code string, now time.Time) (int64, error) {
	email = NormalizeEmail(email)
	code = strings.Join(strings.Fields(code), "")
	var found int64
	err := store.InTx(ctx, q, func(tx *store.Tx) error {
		gids, err := codeGuardians(ctx, tx, email)
		if err != nil {
			return err
		}
		var hashes []string
		for _, gid := range gids {
			var hash string
			var expires time.Time
			var used *time.Time
			var tries int
			err = tx.QueryRow(ctx, "SELECT code_hash, expires_at, used_at, tries FROM placement_codes WHERE guardian_id = ?", gid).Scan(&hash, &expires, &used, &tries)
			if store.IsNotFound(err) {
				continue
			} else if err != nil {
				return err
			}
			hashes = append(hashes, hash)
			ok := subtle.ConstantTimeCompare([]byte(hash), []byte(codeDigest(gid, code))) == 1
			if ok && used == nil && now.Before(expires) && tries < MaxTries {
				found = gid
			}
		}
		if found == 0 {
			for _, h := range hashes {
				if _, err := tx.Exec(ctx, "UPDATE placement_codes SET tries = tries + 1 WHERE code_hash = ?", h); err != nil {
					return err
				}
			}
			return nil
		}
		if _, err := tx.Exec(ctx, "UPDATE placement_codes SET used_at = ? WHERE guardian_id = ?", now.UTC(), found); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Login, "placement_guardian", itoa(found), "signed in with a mailed code")
	})
	if err != nil {
		return 0, err
	}
	if found == 0 {
		var v app.Validation
		v.Add("code", "apply.err.code")
		return 0, v.Err()
	}
	return found, nil
}
