// Package web is Styrkedjan's HTTP face: server-rendered pages that work
// without JavaScript, and the JSON API under /api/v1. All routes are in
// routes.go; errors become HTTP statuses in one place (errors.go).
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/alexedwards/scs/v2"
	"golang.org/x/sync/semaphore"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/complaint/report"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/metrics"
	"github.com/styrkedjan/styrkedjan/internal/placement/round"
	"github.com/styrkedjan/styrkedjan/internal/sso"
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
	// DiskPaths are folders whose file systems must have room: the
	// SQLite database's folder, and the temporary folder where uploads
	// are spooled. /healthz answers 503 when one of them has less than
	// MinFreeDisk bytes free. Empty: the temporary folder only.
	DiskPaths []string
	// MinFreeDisk is the free space /healthz asks of each of DiskPaths;
	// 0 is DefaultMinFreeDisk.
	MinFreeDisk uint64

	// Single sign-on (issue 13). StaffSSO signs staff in through the
	// organisation's OpenID Connect provider, with roles and units from
	// StaffMapping; nil offers no such sign-in.
	StaffSSO     *sso.Provider
	StaffMapping *sso.Mapping
	// StaffSAML signs staff in through a SAML 2.0 identity provider,
	// with roles and units from SAMLMapping (its Claim is the groups
	// attribute); nil offers no such sign-in.
	StaffSAML   *sso.SAML
	SAMLMapping *sso.Mapping
	// GuardianSSO is the e-identification broker for guardians ("Mina
	// ärenden"); GuardianKey keys the digests of personal numbers from
	// the claim GuardianPINClaim.
	GuardianSSO      *sso.Provider
	GuardianKey      []byte
	GuardianPINClaim string
	// NoPasswords turns local password sign-in off (the sign-in page
	// offers single sign-on only; forgot and reset links are refused).
	NoPasswords bool
	// Metrics records requests (nil: nothing is recorded). GET /metrics
	// serves it only when MetricsAllow is not empty, and only to callers
	// from those addresses (after --trusted-proxies).
	Metrics      *metrics.Metrics
	MetricsAllow []netip.Prefix
}

// DefaultMinFreeDisk is the free space /healthz asks for by default:
// enough for a few of the largest uploads and the database's growth.
const DefaultMinFreeDisk = 256 << 20

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

	intakeBytes *semaphore.Weighted // JSON intake bodies being read and decoded at once
	placement   PlacementRunner     // starts placement runs in the background
	statsCache  *report.Cache       // the complaint statistics' counts while no case changes
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
	if len(opts.DiskPaths) == 0 {
		opts.DiskPaths = []string{os.TempDir()}
	}
	if opts.MinFreeDisk == 0 {
		opts.MinFreeDisk = DefaultMinFreeDisk
	}
	sm := scs.New()
	sm.Store = auth.SessionStore{DB: db}
	sm.Lifetime = opts.SessionLifetime
	sm.IdleTimeout = opts.SessionIdle
	sm.Cookie.Name = "styrkedjan_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = opts.SecureCookies
	s := &Server{db: db, catalog: catalog, sessions: sm, log: log, opts: opts, views: v, statsCache: report.NewCache(),
		intakeBytes: semaphore.NewWeighted(intakeBytesInFlight), placement: opts.Placement}
	sm.ErrorFunc = s.sessionError
	return s, nil
}

// healthz reports whether the server can do its work: the database
// answers, and the file systems of Options.DiskPaths have room. It answers
// 503 with one line per problem, for load balancers and monitoring.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	var problems []string
	if err := s.db.Ping(ctx); err != nil {
		problems = append(problems, "database unavailable")
		s.log.Warn("healthz", "err", err)
	}
	for _, dir := range s.opts.DiskPaths {
		free, err := freeBytes(dir)
		switch {
		case err != nil:
			problems = append(problems, "disk: "+dir+": "+err.Error())
		case free < s.opts.MinFreeDisk:
			problems = append(problems, fmt.Sprintf("disk full: %s has %d MiB free, below %d MiB", dir, free>>20, s.opts.MinFreeDisk>>20))
		}
	}
	if len(problems) > 0 {
		s.log.Warn("healthz", "problems", strings.Join(problems, "; "))
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(strings.Join(problems, "\n") + "\n"))
		return
	}
	_, _ = w.Write([]byte("ok\n"))
}

// freeBytes is the space an unprivileged process may still write on the
// file system that holds dir.
func freeBytes(dir string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return st.Bavail * uint64(st.Bsize), nil
}
