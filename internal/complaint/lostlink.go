package complaint

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/mail"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// EventLostLink is a new follow-up link mailed to the filer who asked for
// it on the link recovery page (/f/lost). It is internal: the filer sees
// the mail, staff see that a link was sent.
const EventLostLink EventKind = "lost_link"

// The limits of link recovery, like those of the password reset: per
// e-mail address at most MaxLinkMails requests that mail links in
// LinkWindow, per client network (auth.AddressKey) at most
// MaxLinkRequests requests in LinkWindow.
const (
	LinkWindow      = time.Hour
	MaxLinkMails    = 3
	MaxLinkRequests = 10
	maxLinkCases    = 20 // cases mailed per request
)

// RequestLinks mails a new follow-up link, in the filer's language, for
// each case filed with email that is not closed (an answered case
// included: the filer may want to read the answer). It records the
// request and returns how many mails were queued; the caller must answer
// the same whatever the count, so that nobody learns whether an address
// is known. Over a limit nothing is mailed and the answer is the same.
func RequestLinks(ctx context.Context, db store.Q, email, ip string, now time.Time, compose Composer) (int, error) {
	email, addr := auth.NormalizeEmail(email), auth.AddressKey(ip)
	digest := emailDigest(email)
	ctx = auth.WithPrincipal(ctx, filerPrincipal)
	sent := 0
	err := store.InTx(ctx, db, func(tx *store.Tx) error {
		since := now.Add(-LinkWindow)
		var byAddr, byEmail int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM complaint_link_requests WHERE address = ? AND requested_at > ?",
			addr, since).Scan(&byAddr); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM complaint_link_requests WHERE email_hash = ? AND requested_at > ?",
			digest, since).Scan(&byEmail); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "INSERT INTO complaint_link_requests (email_hash, address, requested_at) VALUES (?, ?, ?)",
			digest, addr, now); err != nil {
			return err
		}
		if email == "" || compose == nil || byAddr >= MaxLinkRequests || byEmail >= MaxLinkMails {
			return nil
		}
		rows, err := tx.Query(ctx, "SELECT "+caseColumns+" WHERE c.filer_email = ? AND c.status <> ? AND c.anonymized_at IS NULL ORDER BY c.id LIMIT ?",
			email, string(Closed), maxLinkCases)
		if err != nil {
			return err
		}
		var cases []*Case
		for rows.Next() {
			c, err := scanCase(rows)
			if err != nil {
				rows.Close()
				return err
			}
			cases = append(cases, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, c := range cases {
			token, err := newLink(ctx, tx, c.ID, now)
			if err != nil {
				return err
			}
			if _, err := mail.Enqueue(ctx, tx, compose.Compose(Notice{Kind: EventLostLink, Case: c, To: c.FilerEmail, Lang: c.Language, Token: token})); err != nil {
				return err
			}
			if _, err := addEvent(ctx, tx, c.ID, now, EventLostLink, "internal", "", ""); err != nil {
				return err
			}
			if err := audit.Log(ctx, tx, audit.Update, "complaint", strconv.FormatInt(c.ID, 10), "new link mailed on request"); err != nil {
				return err
			}
			sent++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return sent, nil
}

func emailDigest(email string) string {
	sum := sha256.Sum256([]byte(email))
	return hex.EncodeToString(sum[:])
}
