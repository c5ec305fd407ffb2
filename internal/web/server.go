// Package web is Styrkedjan's HTTP face: server-rendered pages that work
// without JavaScript, and the JSON API under /api/v1. All routes are in
// routes.go; errors become HTTP statuses in one place (errors.go).
package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/dialogue"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/placement/round"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Options configure a Server.
type Options struct {
	PublicURL       string // for links in mail
	MinGroup        int    // smallest group shown in aggregates
	SessionLifetime time.Duration
	SessionIdle     time.Duration
	SecureCookies   bool
	Version         string
	WakeMailer      func()         // nudges the mail sender after mail is queued
	IntakePerMinute int            // public submissions a minute per address; 0 = unlimited
	TrustedProxies  []netip.Prefix // reverse proxies whose X-Forwarded-For is believed
}

// Server holds what handlers need.
type Server struct {
	db       *store.DB
	catalog  *i18n.Catalog
	sessions *scs.SessionManager
	log      *slog.Logger
	opts     Options
	views    *views

	intakeLimiter *limiter
	placement     *round.Service // placement runs in the background
}

// New builds the server and its routes.
func New(db *store.DB, catalog *i18n.Catalog, log *slog.Logger, opts Options) (*Server, error) {
	v, err := loadViews()
	if err != nil {
		return nil, err
	}
	if opts.WakeMailer == nil {
		opts.WakeMailer = func() {}
	}
	sm := scs.New()
	sm.Store = auth.SessionStore{DB: db}
	sm.Lifetime = opts.SessionLifetime
	sm.IdleTimeout = opts.SessionIdle
	sm.Cookie.Name = "styrkedjan_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = opts.SecureCookies
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		log.Error("session", "err", err)
		http.Error(w, http.StatusText(http.StatusServiceUnavailable), http.StatusServiceUnavailable)
	}
	// The built-in dialogue types, once, before the server takes requests.
	if err := dialogue.Seed(context.Background(), db, store.Now()); err != nil {
		return nil, err
	}
	// Placement runs a crash or kill left running are marked failed here,
	// before the server takes requests, so they can be rerun.
	placement, err := round.NewService(context.Background(), db, log)
	if err != nil {
		return nil, err
	}
	return &Server{db: db, catalog: catalog, sessions: sm, log: log, opts: opts, views: v,
		intakeLimiter: newLimiter(opts.IntakePerMinute, max(opts.IntakePerMinute, 1)), placement: placement}, nil
}

// SweepLoop deletes expired sessions and old login attempts every interval
// until ctx ends.
func (s *Server) SweepLoop(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := auth.Sweep(ctx, s.db); err != nil && ctx.Err() == nil {
			s.log.Warn("sweep", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
