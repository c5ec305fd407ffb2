// Package jobs owns Styrkedjan's background work: the mail sender, the
// auth sweep (expired sessions, old login attempts), the complaint case
// sweep (reminders, escalation, retention), the morning digest of cases
// and the placement run service.
// The serving process starts it beside the web server (cmd/styrkedjan
// serve and demo); nothing here knows HTTP, so another process can own the
// same work.
//
// Several processes may run on one database (issue 13). Each periodic
// job's round is run by one process at a time: the process that holds the
// job's lease (cluster.TryLease, in the database), renewed each round and
// taken over by another process when its holder dies. The mail sender
// claims each message with a lease of its own, and each placement run is
// leased by the process executing it; the watchdog fails runs whose lease
// ran out.
package jobs

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/cluster"
	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/mail"
	"github.com/styrkedjan/styrkedjan/internal/metrics"
	"github.com/styrkedjan/styrkedjan/internal/placement/round"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Default intervals of the sweeps.
const (
	DefaultAuthSweepEvery = 15 * time.Minute
	DefaultCaseSweepEvery = 10 * time.Minute
	// DefaultWatchdogEvery is how often the placement watchdog looks for
	// runs a dead process left (their lease, round.DefaultLeaseTTL, ran out).
	DefaultWatchdogEvery = 30 * time.Second
)

// Job names: the leases' names and the metrics' job label.
const (
	JobAuthSweep = "auth-sweep"
	JobCaseSweep = "case-sweep"
	JobDigest    = "digest"
	JobWatchdog  = "placement-watchdog"
)

// Config is what the background work needs.
type Config struct {
	DB        *store.DB
	Catalog   *i18n.Catalog    // the mails' texts
	Log       *slog.Logger     // nil: slog.Default()
	Mail      mail.Config      // SMTP; without a host mail stays queued in the outbox
	PublicURL string           // for links in mail
	Metrics   *metrics.Metrics // nil: nothing recorded

	AuthSweepEvery time.Duration // 0: DefaultAuthSweepEvery
	CaseSweepEvery time.Duration // 0: DefaultCaseSweepEvery
	WatchdogEvery  time.Duration // 0: DefaultWatchdogEvery
	// RunLease is the lease of the placement runs this process executes
	// (0: round.DefaultLeaseTTL).
	RunLease time.Duration
	// PlacementCache is where placement runs keep walking-distance
	// matrices and hierarchies on disk ("" = in memory only).
	PlacementCache string
}

// Jobs is the background work of one process.
type Jobs struct {
	cfg       Config
	holder    string // this process's name on job leases
	sender    *mail.Sender
	placement *round.Service
	wg        sync.WaitGroup
}

// New prepares the background work without starting it. It creates the
// placement run service, which marks runs that no live process owns as
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
	if cfg.WatchdogEvery <= 0 {
		cfg.WatchdogEvery = DefaultWatchdogEvery
	}
	placement, err := round.NewService(ctx, cfg.DB, cfg.Log)
	if err != nil {
		return nil, err
	}
	if cfg.RunLease > 0 {
		placement.LeaseTTL = cfg.RunLease
	}
	placement.CacheDir = cfg.PlacementCache
	return &Jobs{cfg: cfg, holder: placement.Instance(), sender: mail.NewSender(cfg.DB, cfg.Mail, cfg.Log), placement: placement}, nil
}

// Placement is the service that runs placement rounds in the background;
// the web layer starts runs through it.
func (j *Jobs) Placement() *round.Service { return j.placement }

// WakeMailer makes the mail sender look at the outbox now; call it after
// committing mail.
func (j *Jobs) WakeMailer() { j.sender.Wake() }

// Start starts the mail sender, the sweeps and the placement watchdog;
// they stop when ctx ends. Placement runs are started one by one through
// Placement.
func (j *Jobs) Start(ctx context.Context) {
	db, log := j.cfg.DB, j.cfg.Log
	j.wg.Go(func() { j.sender.Run(ctx) })
	j.wg.Go(func() {
		j.loop(ctx, JobAuthSweep, j.cfg.AuthSweepEvery, func() error {
			if err := auth.Sweep(ctx, db); err != nil {
				return err
			}
			return cluster.Sweep(ctx, db, time.Now())
		})
	})
	j.wg.Go(func() {
		j.loop(ctx, JobCaseSweep, j.cfg.CaseSweepEvery, func() error {
			rem, esc, err := complaint.Sweep(ctx, db, time.Now(), complaint.NewMailComposer(ctx, db, j.cfg.Catalog, j.cfg.PublicURL))
			if err != nil {
				return err
			}
			if rem+esc > 0 {
				log.Info("case sweep", "reminders", rem, "escalations", esc)
				j.sender.Wake()
			}
			n, err := complaint.Anonymize(ctx, db, time.Now())
			if n > 0 {
				log.Info("retention: personal data removed", "cases", n)
			}
			return err
		})
	})
	j.wg.Go(func() {
		j.loop(ctx, JobDigest, j.cfg.CaseSweepEvery, func() error {
			n, err := complaint.SendDigests(ctx, db, time.Now(), complaint.NewMailComposer(ctx, db, j.cfg.Catalog, j.cfg.PublicURL))
			if n > 0 {
				log.Info("digest", "mails", n)
				j.sender.Wake()
			}
			return err
		})
	})
	j.wg.Go(func() {
		j.loop(ctx, JobWatchdog, j.cfg.WatchdogEvery, func() error {
			n, err := round.FailInterrupted(ctx, db, j.placement.Instance())
			if n > 0 {
				log.Warn("placement runs left by a stopped process marked failed", "runs", n)
			}
			return err
		})
	})
}

// Wait waits until what Start started has stopped (after ctx ended). It
// does not wait for placement runs: one cut short stays "running" until
// its lease runs out and a watchdog, or the next New, marks it failed.
func (j *Jobs) Wait() { j.wg.Wait() }

// minLease is the shortest job lease, so that a pause of a process (a
// garbage collection, a busy machine) does not hand a job to another.
const minLease = 2 * time.Second

// loop runs a job's round at once and then every interval until ctx ends,
// each round only while this process holds the job's lease. The lease
// lasts one and a half intervals (at least minLease); the holder renews
// it at each round and every third of it while a round runs, so the holder
// keeps it while it lives, and another process takes over at most one
// lease after it dies. The lease is released when ctx ends, so a clean
// shutdown hands the job over at once.
func (j *Jobs) loop(ctx context.Context, job string, every time.Duration, round func() error) {
	db, log := j.cfg.DB, j.cfg.Log
	ttl := max(every*3/2, minLease)
	defer func() {
		_ = cluster.Release(context.WithoutCancel(ctx), db, job, j.holder)
	}()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		held, err := cluster.TryLease(ctx, db, job, j.holder, ttl)
		switch {
		case err != nil:
			if ctx.Err() == nil {
				log.Warn(job, "err", err)
				j.cfg.Metrics.JobRun(job, "error")
			}
		case !held:
			j.cfg.Metrics.JobRun(job, "skipped")
		default:
			stop := j.renew(ctx, job, ttl)
			err := round()
			stop()
			if err != nil && ctx.Err() == nil {
				log.Warn(job, "err", err)
				j.cfg.Metrics.JobRun(job, "error")
			} else if ctx.Err() == nil {
				j.cfg.Metrics.JobRun(job, "ok")
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// renew renews the job's lease every third of ttl until stop is called.
func (j *Jobs) renew(ctx context.Context, job string, ttl time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(ttl / 3)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if _, err := cluster.TryLease(ctx, j.cfg.DB, job, j.holder, ttl); err != nil && ctx.Err() == nil {
				j.cfg.Log.Warn(job+" lease", "err", err)
			}
		}
	}()
	return func() { cancel(); <-done }
}
