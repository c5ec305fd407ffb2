package round

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// A Link is a guardian's private link to one decision. Token is shown
// once, when issued; only its SHA-256 digest is stored.
type Link struct {
	ApplicantID string
	Token       string
}

func linkDigest(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// newToken returns 192 random bits, URL-safe.
func newToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Publish freezes the round's result and issues one link per applicant.
// Publishing again revokes every earlier link and issues new ones (when
// the links were lost, or one leaked).
func Publish(ctx context.Context, q store.Q, roundID int64) ([]Link, error) {
	if err := requireOfficer(ctx); err != nil {
		return nil, err
	}
	var links []Link
	err := store.InTx(ctx, q, func(tx *store.Tx) error {
		r, err := Get(ctx, tx, roundID)
		if err != nil {
			return err
		}
		if r.ResultRunID == nil {
			return app.Errorf(app.ECONFLICT, "placementweb.err.no_result")
		}
		var running int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM placement_runs WHERE round_id = ? AND status = ?", roundID, StatusRunning).Scan(&running); err != nil {
			return err
		}
		if running > 0 {
			return app.Errorf(app.ECONFLICT, "placementweb.err.running")
		}
		now := store.Now()
		if !r.Published() {
			if _, err := tx.Exec(ctx, "UPDATE placement_rounds SET published_at = ?, updated_at = ? WHERE id = ?", now, now, roundID); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, "UPDATE placement_links SET revoked_at = ? WHERE round_id = ? AND revoked_at IS NULL", now, roundID); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, "SELECT applicant_id FROM placement_results WHERE run_id = ? ORDER BY applicant_id", *r.ResultRunID)
		if err != nil {
			return err
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return store.Normalize(err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return store.Normalize(err)
		}
		for _, id := range ids {
			tok, err := newToken()
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "INSERT INTO placement_links (token_hash, round_id, applicant_id, created_at) VALUES (?, ?, ?, ?)",
				linkDigest(tok), roundID, id, now); err != nil {
				return err
			}
			links = append(links, Link{ApplicantID: id, Token: tok})
		}
		return audit.Log(ctx, tx, audit.Export, "placement_round", strconv.FormatInt(roundID, 10),
			fmt.Sprintf("published; %d links issued", len(links)))
	})
	return links, err
}

// Revoke revokes an applicant's links in a round; it reports how many.
func Revoke(ctx context.Context, q store.Q, roundID int64, applicantID string) (int, error) {
	if err := requireOfficer(ctx); err != nil {
		return 0, err
	}
	applicantID = strings.TrimSpace(applicantID)
	var n int64
	err := store.InTx(ctx, q, func(tx *store.Tx) error {
		if _, err := Get(ctx, tx, roundID); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, "UPDATE placement_links SET revoked_at = ? WHERE round_id = ? AND applicant_id = ? AND revoked_at IS NULL",
			store.Now(), roundID, applicantID)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		if n == 0 {
			var v app.Validation
			v.Add("applicant_id", "placementweb.err.no_link")
			return v.Err()
		}
		return audit.Log(ctx, tx, audit.Update, "placement_decision", fmt.Sprintf("%d/%s", roundID, applicantID), "link revoked")
	})
	return int(n), err
}

// ActiveLinks counts a round's links that still work.
func ActiveLinks(ctx context.Context, q store.Q, roundID int64) (int, error) {
	var n int
	err := q.QueryRow(ctx, "SELECT COUNT(*) FROM placement_links WHERE round_id = ? AND revoked_at IS NULL", roundID).Scan(&n)
	return n, err
}
