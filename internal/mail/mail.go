// Package mail queues outgoing mail in the outbox table and sends it over SMTP.
//
// Enqueue writes a message in the same transaction as the change that causes
// it, so mail is neither lost nor sent for a change that rolled back. A Sender
// delivers due messages in the background, retrying with backoff; messages
// survive restarts and are sent once even with several senders running.
package mail

import (
	"context"
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/styrkedjan/styrkedjan/internal/store"
)

// ErrInvalidMessage is returned by Enqueue for a message that cannot be sent.
var ErrInvalidMessage = errors.New("mail: invalid message")

// Message is a plain-text mail to one recipient.
type Message struct {
	To      string
	Subject string
	Body    string
}

// Enqueue validates m and queues it for sending now. Pass the transaction of
// the change that causes the mail; call Sender.Wake after it commits.
func Enqueue(ctx context.Context, q store.Q, m Message) (int64, error) {
	to := strings.TrimSpace(m.To)
	if _, err := netmail.ParseAddress(to); err != nil {
		return 0, fmt.Errorf("%w: recipient %q: %v", ErrInvalidMessage, m.To, err)
	}
	if strings.TrimSpace(m.Subject) == "" {
		return 0, fmt.Errorf("%w: empty subject", ErrInvalidMessage)
	}
	now := store.Now()
	var id int64
	err := q.QueryRow(ctx, `INSERT INTO outbox (to_addr, subject, body_text, created_at, next_attempt_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, to, m.Subject, m.Body, now, now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("enqueue mail: %w", err)
	}
	return id, nil
}

// Entry is an outbox message as shown to administrators.
type Entry struct {
	ID        int64
	To        string
	Subject   string
	Attempts  int
	LastError string
	CreatedAt time.Time
	SentAt    *time.Time // nil until sent
	FailedAt  *time.Time // nil unless given up on
}

// Recent lists the newest 100 outbox messages, whatever their state, for
// finding delivery trouble. Only the addresses of staff accounts are shown
// in full; every other recipient (a filer, a guardian) is masked by
// MaskAddress, so the outbox does not tell an administrator who complained.
func Recent(ctx context.Context, q store.Q) ([]Entry, error) {
	staff := map[string]bool{}
	rows, err := q.Query(ctx, "SELECT email FROM users")
	if err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	for rows.Next() {
		var email string
		if err := rows.Scan(&email); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list outbox: %w", err)
		}
		staff[strings.ToLower(email)] = true
	}
	rows.Close()
	list, err := recent(ctx, q)
	for i, e := range list {
		if a, perr := netmail.ParseAddress(e.To); perr != nil || !staff[strings.ToLower(a.Address)] {
			list[i].To = MaskAddress(e.To)
		}
	}
	return list, err
}

// MaskAddress keeps the first letter and the domain of an address, enough
// to see a mistyped or refusing domain: "p…@example.se". The name is left
// out. Anything that does not parse is masked whole.
func MaskAddress(to string) string {
	a, err := netmail.ParseAddress(to)
	if err != nil {
		return "…"
	}
	local, domain, ok := strings.Cut(a.Address, "@")
	if !ok || local == "" {
		return "…"
	}
	first, _ := utf8.DecodeRuneInString(local)
	return string(first) + "…@" + domain
}

func recent(ctx context.Context, q store.Q) ([]Entry, error) {
	rows, err := q.Query(ctx, `SELECT id, to_addr, subject, attempts, last_error, created_at, sent_at, failed_at
		FROM outbox ORDER BY id DESC LIMIT 100`)
	if err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	defer rows.Close()
	var list []Entry
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.ID, &e.To, &e.Subject, &e.Attempts, &e.LastError, &e.CreatedAt, &e.SentAt, &e.FailedAt); err != nil {
			return nil, fmt.Errorf("list outbox: %w", err)
		}
		list = append(list, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	return list, nil
}

// QueueDepth counts the outbox: messages waiting to be sent (queued or
// retrying) and messages given up on, for monitoring.
func QueueDepth(ctx context.Context, q store.Q) (waiting, failed int, err error) {
	err = q.QueryRow(ctx, `SELECT COUNT(CASE WHEN failed_at IS NULL THEN 1 END), COUNT(failed_at)
		FROM outbox WHERE sent_at IS NULL`).Scan(&waiting, &failed)
	return waiting, failed, err
}
