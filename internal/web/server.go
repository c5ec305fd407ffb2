// Package web is Styrkedjan's HTTP face: server-rendered pages that work
// without JavaScript, and the JSON API under /api/v1. All routes are in
// routes.go; errors become HTTP statuses in one place (errors.go).
package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/alexedwards/scs/v2"
	"golang.org/x/sync/semaphore"

	"github.com/styrkedjan/styrkedjan/internal/auth"
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
	// Placement starts placement runs in the background: the jobs
	// package's round.Service, owned by the process that runs the jobs.
	Placement PlacementRunner
}

// PlacementRunner starts a placement run of a round in the background and
// returns its ID (round.Service does).
type PlacementRunner interface {
	Start(ctx context.Context, roundID int64, kind string, caps round.Capacities) (int64, error)
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
	intakeBytes   *semaphore.Weighted // JSON intake bodies being read and decoded at once
	placement     PlacementRunner     // starts placement runs in the background
}

// New builds the server and its routes. It starts no background work:
// the caller runs the jobs package and passes what the handlers need
// (Options.Placement, Options.WakeMailer).
func New(db *store.DB, catalog *i18n.Catalog, log *slog.Logger, opts Options) (*Server, error) {
	v, err := loadViews()
	if err != nil {
		return nil, err
	}
	if opts.Placement == nil {
		return nil, errors.New("web: no placement runner in Options (the jobs package has it)")
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
	return &Server{db: db, catalog: catalog, sessions: sm, log: log, opts: opts, views: v,
		intakeLimiter: newLimiter(opts.IntakePerMinute, max(opts.IntakePerMinute, 1)),
		intakeBytes:   semaphore.NewWeighted(intakeBytesInFlight), placement: opts.Placement}, nil
}
