// Package jobs owns Styrkedjan's background work: the mail sender, the
// auth sweep (expired sessions, old login attempts), the complaint case
// sweep (reminders, escalation, retention), the morning digest of cases
// and the placement run service.
// The serving process starts it beside the web server (cmd/styrkedjan
// serve and demo); nothing here knows HTTP, so another process can own the
// same work.
package jobs

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/mail"
	"github.com/styrkedjan/styrkedjan/internal/placement/round"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Default intervals of the sweeps.
const (
	DefaultAuthSweepEvery = 15 * time.Minute
	DefaultCaseSweepEvery = 10 * time.Minute
)

// Config is what the background work needs.
type Config struct {
	DB        *store.DB
	Catalog   *i18n.Catalog // the mails' texts
	Log       *slog.Logger  // nil: slog.Default()
	Mail      mail.Config   // SMTP; without a host mail stays queued in the outbox
	PublicURL string        // for links in mail

	AuthSweepEvery time.Duration // 0: DefaultAuthSweepEvery
	CaseSweepEvery time.Duration // 0: DefaultCaseSweepEvery
}

// Jobs is the background work of one process.
type Jobs struct {
	cfg       Config
	sender    *mail.Sender
	placement *round.Service
	wg        sync.WaitGroup
}

// New prepares the background work without starting it. It creates the
// placement run service, which marks runs a crash or kill left running as
// failed (so they can be rerun): call New before the server takes
// requests.
func New(ctx context.Context, cfg Config) (*Jobs, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.AuthSweepEvery <= 0 {
		cfg.AuthSweepEvery = DefaultAuthSweepEvery
	}
	if cfg.CaseSweepEvery <= 0 {
		cfg.CaseSweepEvery = DefaultCaseSweepEvery
	}
	placement, err := round.NewService(ctx, cfg.DB, cfg.Log)
	if err != nil {
		return nil, err
	}
	return &Jobs{cfg: cfg, sender: mail.NewSender(cfg.DB, cfg.Mail, cfg.Log), placement: placement}, nil
}

// Placement is the service that runs placement rounds in the background;
// the web layer starts runs through it.
func (j *Jobs) Placement() *round.Service { return j.placement }

// WakeMailer makes the mail sender look at the outbox now; call it after
// committing mail.
func (j *Jobs) WakeMailer() { j.sender.Wake() }

// Start starts the mail sender and the sweeps; they stop when ctx ends.
// Placement runs are started one by one through Placement.
func (j *Jobs) Start(ctx context.Context) {
	j.wg.Go(func() { j.sender.Run(ctx) })
	j.wg.Go(func() { AuthSweepLoop(ctx, j.cfg.DB, j.cfg.Log, j.cfg.AuthSweepEvery) })
	j.wg.Go(func() {
		CaseSweepLoop(ctx, j.cfg.DB, j.cfg.Log, j.cfg.CaseSweepEvery, func() complaint.Composer {
			return complaint.NewMailComposer(ctx, j.cfg.DB, j.cfg.Catalog, j.cfg.PublicURL)
		}, j.sender.Wake)
	})
	j.wg.Go(func() {
		DigestLoop(ctx, j.cfg.DB, j.cfg.Log, j.cfg.CaseSweepEvery, func() complaint.DigestComposer {
			return complaint.NewMailComposer(ctx, j.cfg.DB, j.cfg.Catalog, j.cfg.PublicURL)
		}, j.sender.Wake)
	})
}

// Wait waits until what Start started has stopped (after ctx ended). It
// does not wait for placement runs: one cut short stays "running" and the
// next New marks it failed.
func (j *Jobs) Wait() { j.wg.Wait() }

// AuthSweepLoop deletes expired sessions and old login attempts at once
// and then every interval, until ctx ends.
func AuthSweepLoop(ctx context.Context, db *store.DB, log *slog.Logger, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := auth.Sweep(ctx, db); err != nil && ctx.Err() == nil {
			log.Warn("sweep", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// CaseSweepLoop reminds handlers, escalates overdue cases and carries out
// the retention decision at once and then every interval, until ctx ends.
// compose gives the mails' composer for each round (the organizer's name
// may change); wake nudges the mail sender after mail was queued.
func CaseSweepLoop(ctx context.Context, db *store.DB, log *slog.Logger, every time.Duration, compose func() complaint.Composer, wake func()) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		rem, esc, err := complaint.Sweep(ctx, db, time.Now(), compose())
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("case sweep", "err", err)
		case rem+esc > 0:
			log.Info("case sweep", "reminders", rem, "escalations", esc)
			wake()
		}
		if n, err := complaint.Anonymize(ctx, db, time.Now()); err != nil && ctx.Err() == nil {
			log.Warn("retention", "err", err)
		} else if n > 0 {
			log.Info("retention: personal data removed", "cases", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// DigestLoop makes the morning digests (complaint.SendDigests) at once
// and then every interval, until ctx ends: the first round at or after
// 07:00 civil time each day sends them, later rounds find the day taken.
func DigestLoop(ctx context.Context, db *store.DB, log *slog.Logger, every time.Duration, compose func() complaint.DigestComposer, wake func()) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := complaint.SendDigests(ctx, db, time.Now(), compose())
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("digest", "err", err)
		case n > 0:
			log.Info("digest", "mails", n)
			wake()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
