package mail

import (
	"context"
	"log/slog"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/styrkedjan/styrkedjan/internal/store"
)

const (
	batchSize   = 50
	maxBackoff  = time.Hour
	sendTimeout = time.Minute
	// lease is how long a claimed message is left to its sender before
	// another may take it. It outlasts sendTimeout, so a message is sent
	// twice only when its sender dies after delivery but before recording it.
	lease = 2 * time.Minute
)

// Sender delivers due outbox messages. Set its exported fields before Run.
type Sender struct {
	PollInterval time.Duration // between looks at the outbox; default 5s
	MaxAttempts  int           // attempts before a message is given up; default 8
	BackoffBase  time.Duration // wait after the first failure, doubling up to an hour; default 30s

	db   *store.DB
	cfg  Config
	log  *slog.Logger
	wake chan struct{}
}

// NewSender returns a Sender for cfg with the default settings.
func NewSender(db *store.DB, cfg Config, logger *slog.Logger) *Sender {
	if logger == nil {
		logger = slog.Default()
	}
	return &Sender{
		PollInterval: 5 * time.Second,
		MaxAttempts:  8,
		BackoffBase:  30 * time.Second,
		db:           db,
		cfg:          cfg,
		log:          logger,
		wake:         make(chan struct{}, 1),
	}
}

// Wake makes Run look at the outbox now rather than at the next poll. It
// never blocks; call it after committing an Enqueue.
func (s *Sender) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run sends due messages at once, then on every poll or Wake, until ctx ends.
// Without a usable configuration it only says so: mail stays queued.
func (s *Sender) Run(ctx context.Context) {
	if err := s.cfg.Validate(); err != nil {
		s.log.Error("mail disabled by bad SMTP settings; messages stay queued in the outbox", "err", err)
		<-ctx.Done()
		return
	}
	if !s.cfg.Enabled() {
		s.log.Info("mail disabled: no SMTP host configured; messages stay queued in the outbox")
		<-ctx.Done()
		return
	}
	s.log.Info("mail sender started", "host", s.cfg.Host, "port", s.cfg.port())
	tick := time.NewTicker(s.PollInterval)
	defer tick.Stop()
	for {
		if _, err := s.SendDue(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("mail outbox error", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-s.wake:
		}
	}
}

// due is an outbox message ready to be sent.
type due struct {
	id            int64
	to, subject   string
	body          string
	createdAt     time.Time
	attempts      int
	nextAttemptAt time.Time
}

// SendDue sends the messages that are due and reports how many it sent.
// Delivery failures are recorded on each message and retried later with
// backoff; the error reports configuration, database or context failures.
func (s *Sender) SendDue(ctx context.Context) (sent int, err error) {
	client, err := s.cfg.client()
	if err != nil {
		return 0, err
	}
	list, err := s.listDue(ctx)
	if err != nil {
		return 0, err
	}
	for _, m := range list {
		if err := ctx.Err(); err != nil {
			return sent, err
		}
		ok, err := s.claim(ctx, m)
		if err != nil {
			return sent, err
		}
		if !ok {
			continue // another sender took it
		}
		sendErr := s.send(ctx, client, m)
		if sendErr != nil && ctx.Err() != nil {
			return sent, ctx.Err() // interrupted: retried when the lease runs out
		}
		// Record even if ctx has just ended: a delivered message must be marked.
		if err := s.record(context.WithoutCancel(ctx), m, sendErr); err != nil {
			return sent, err
		}
		if sendErr == nil {
			sent++
		}
	}
	return sent, nil
}

func (s *Sender) listDue(ctx context.Context) ([]due, error) {
	rows, err := s.db.Query(ctx, `SELECT id, to_addr, subject, body_text, created_at, attempts, next_attempt_at
		FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?
		ORDER BY id LIMIT ?`, store.Now(), batchSize)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []due
	for rows.Next() {
		var m due
		if err := rows.Scan(&m.id, &m.to, &m.subject, &m.body, &m.createdAt, &m.attempts, &m.nextAttemptAt); err != nil {
			return nil, err
		}
		list = append(list, m)
	}
	return list, rows.Err()
}

// claim leases m to this sender by moving its next attempt past the lease.
// The update only matches while next_attempt_at is as read, so of several
// senders that read m, exactly one claims it.
func (s *Sender) claim(ctx context.Context, m due) (bool, error) {
	res, err := s.db.Exec(ctx, `UPDATE outbox SET next_attempt_at = ?
		WHERE id = ? AND next_attempt_at = ? AND sent_at IS NULL AND failed_at IS NULL`,
		store.Now().Add(lease), m.id, m.nextAttemptAt)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (s *Sender) send(ctx context.Context, client *gomail.Client, m due) error {
	msg := gomail.NewMsg() // UTF-8, quoted-printable
	if err := msg.From(s.cfg.From); err != nil {
		return err
	}
	if err := msg.To(m.to); err != nil {
		return err
	}
	msg.Subject(m.subject)
	msg.SetDateWithValue(m.createdAt)
	msg.SetBodyString(gomail.TypeTextPlain, m.body)
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	return client.DialAndSendWithContext(ctx, msg)
}

// record stores the outcome of an attempt to send m.
func (s *Sender) record(ctx context.Context, m due, sendErr error) error {
	now := store.Now()
	attempts := m.attempts + 1
	if sendErr == nil {
		if _, err := s.db.Exec(ctx, "UPDATE outbox SET sent_at = ?, attempts = ? WHERE id = ?", now, attempts, m.id); err != nil {
			return err
		}
		s.log.Info("mail sent", "id", m.id, "attempt", attempts)
		return nil
	}
	next := now.Add(s.backoff(attempts))
	var failedAt *time.Time
	if attempts >= s.MaxAttempts {
		failedAt = &now
		s.log.Error("mail failed, giving up", "id", m.id, "attempt", attempts, "err", sendErr)
	} else {
		s.log.Warn("mail failed, will retry", "id", m.id, "attempt", attempts, "retry_at", next, "err", sendErr)
	}
	_, err := s.db.Exec(ctx, `UPDATE outbox SET attempts = ?, last_error = ?, next_attempt_at = ?, failed_at = ?
		WHERE id = ?`, attempts, sendErr.Error(), next, failedAt, m.id)
	return err
}

// backoff is the wait after the given number of failed attempts:
// BackoffBase, doubling each time, at most an hour.
func (s *Sender) backoff(attempts int) time.Duration {
	d := s.BackoffBase
	for i := 1; i < attempts && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}
