package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/config"
	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/dialogue"
	"github.com/styrkedjan/styrkedjan/internal/export"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/jobs"
	"github.com/styrkedjan/styrkedjan/internal/metrics"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/web"
)

// version is set at build time: -ldflags "-X main.version=1.2.3".
var version = "dev"

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1 // the command failed (database down, bad data, ...)
	exitUsage = 2 // the command line or configuration is wrong
)

// usageError marks errors in flags or configuration (exit code 2).
type usageError struct{ error }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// env is what a command gets from the process.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

const usage = `Styrkedjan: complaints, unit picture, quality dialogues and school placement
for a Swedish school organizer.

Usage: styrkedjan <command> [flags]

Commands:
  demo                 run with the demo organizer (SQLite in data/, or --db URL)
  serve                run the web server (--db sqlite:PATH or postgres://...)
  migrate              apply database migrations
  import units|people  import units or people from a CSV file
  report complaints    write the complaints board report as PDF or XLSX
  analyse adjusted     results against background per unit (OLS or Skolverket's SALSA 2015/16), as CSV
  placement distances  walking distances between points on an OpenStreetMap network, as CSV
  placement run        place pupils at schools from CSV files and write decisions and explanations
  user add             add a person who can sign in
  user set-password    set a person's password (read from standard input)
  user token           print a personal API bearer token for a person
  user list            list people and their roles
  client add           register an API client (e-service platform); prints its token once
  client list          list API clients, their scopes and limits
  client revoke        end an API client's token
  backup               write an online copy of a SQLite database (PostgreSQL: pg_dump)
  restore              put a backup in place of a SQLite database (servers stopped)
  config               print the effective configuration, secrets masked
  version              print the version

Run "styrkedjan <command> -h" for the flags of a command.
`

// run is the whole program; it returns the process exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "demo":
		err = runDemo(ctx, e, rest)
	case "serve":
		err = runServe(ctx, e, rest)
	case "migrate":
		err = runMigrate(ctx, e, rest)
	case "import":
		err = runImport(ctx, e, rest)
	case "report":
		err = runReport(ctx, e, rest)
	case "analyse", "analyze":
		err = runAnalyse(ctx, e, rest)
	case "placement":
		err = runPlacement(ctx, e, rest)
	case "user":
		err = runUser(ctx, e, rest)
	case "client":
		err = runClient(ctx, e, rest)
	case "backup":
		err = runBackup(ctx, e, rest)
	case "restore":
		err = runRestore(ctx, e, rest)
	case "config":
		err = runConfig(e, rest)
	case "version", "--version":
		fmt.Fprintln(stdout, "styrkedjan", versionString())
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "styrkedjan: unknown command %q\n\n%s", cmd, usage)
		return exitUsage
	}
	var ue usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, "styrkedjan:", err)
		return exitUsage
	default:
		fmt.Fprintln(stderr, "styrkedjan:", err)
		return exitFail
	}
}

func versionString() string {
	v := version
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " (" + s.Value[:12] + ")"
			}
		}
	}
	return v
}

// parse parses flags; errors become usage errors (exit code 2).
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usagef("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return nil
}

func newFlagSet(name string, e env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// openDB opens the database and explains what to do when that fails.
func openDB(ctx context.Context, dbURL string) (*store.DB, error) {
	db, err := store.Open(ctx, dbURL)
	switch {
	case errors.Is(err, store.ErrBadURL):
		return nil, usageError{err}
	case errors.Is(err, store.ErrUnavailable):
		return nil, fmt.Errorf("cannot reach the database: %w\n(check that it is running and that --db or STYRKEDJAN_DB is right)", err)
	}
	return db, err
}

// openCurrent opens a database whose schema must be up to date.
func openCurrent(ctx context.Context, dbURL string) (*store.DB, error) {
	db, err := openDB(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	if err := db.CheckSchema(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func runServe(ctx context.Context, e env, args []string) error {
	cfg := config.Defaults()
	fs := newFlagSet("serve", e)
	cfg.Flags(fs, e.getenv)
	autoMigrate := fs.Bool("migrate", false, "apply pending migrations before serving")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	log := newLogger(cfg, e.stderr)
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	if *autoMigrate {
		if _, err := db.Migrate(ctx); err != nil {
			return err
		}
	}
	if err := db.CheckSchema(ctx); err != nil {
		return err
	}
	return serve(ctx, e, cfg, db, log, nil)
}

func runDemo(ctx context.Context, e env, args []string) error {
	defaults := config.Defaults()
	fs := newFlagSet("demo", e)
	addr := fs.String("addr", defaults.Addr, "listen address HOST:PORT")
	dataDir := fs.String("data", "data", "folder for the SQLite database")
	cases := fs.Int("cases", 0, "generate more fictional complaint cases until the database holds at least `N` (a new demo has a year of them)")
	dbURL := fs.String("db", "", "load the demo into this database instead (sqlite:PATH or postgres://...; migrated first); --data is then unused")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *cases < 0 {
		return usagef("demo: --cases must be 0 or more")
	}
	cfg := defaults
	cfg.Addr = *addr
	cfg.DB = "sqlite:" + filepath.Join(*dataDir, "styrkedjan.db")
	if *dbURL != "" {
		cfg.DB = *dbURL
	}
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	if *dbURL == "" {
		if err := os.MkdirAll(*dataDir, 0o750); err != nil {
			return fmt.Errorf("create data folder: %w", err)
		}
	}
	log := newLogger(cfg, e.stderr)
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	loaded, err := demo.Loaded(ctx, db)
	if err != nil {
		return err
	}
	if !loaded {
		fmt.Fprintln(e.stdout, "Loading the demo organizer Exempelby kommun ...")
		if err := demo.Load(ctx, db); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, "Giving it a year of complaints, principals' meetings and a board report ...")
		if err := demo.LoadYear(ctx, db, store.Now()); err != nil {
			return err
		}
	}
	if *cases > 0 {
		have, err := demo.CaseCount(ctx, db)
		if err != nil {
			return err
		}
		if have < *cases {
			fmt.Fprintf(e.stdout, "Generating %d fictional cases ...\n", *cases-have)
			start := time.Now()
			if _, err := demo.EnsureCases(ctx, db, *cases, 1); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Generated them in %s.\n", time.Since(start).Round(time.Millisecond))
		}
	}
	return serve(ctx, e, cfg, db, log, func(url string) {
		fmt.Fprintf(e.stdout, "\nDemo database: %s\nDemo accounts (password %q for all):\n", store.Redact(cfg.DB), demo.Password)
		for _, a := range append(demo.Accounts, demo.MoreAccounts...) {
			fmt.Fprintf(e.stdout, "  %-11s %-36s %s\n", a.Role, a.Email, a.Does)
		}
		fmt.Fprintln(e.stdout, "Mail is not sent in the demo: it waits in the outbox (Administration → Mail queue).")
	})
}

// serve runs the web server and the background jobs (mail sender, sweeps,
// placement runs) until ctx ends, then shuts down gracefully: in-flight
// requests finish, the sender stops between messages.
func serve(ctx context.Context, e env, cfg config.Config, db *store.DB, log *slog.Logger, banner func(url string)) error {
	catalog, err := i18n.Load()
	if err != nil {
		return err
	}
	if p := export.ChromiumPath(); p != "" {
		log.Info("PDFs are printed as tagged documents", "chromium", p)
	} else {
		log.Warn("Chromium not found (apt-get install chromium, or set STYRKEDJAN_CHROMIUM): PDFs are written untagged, which public bodies may not publish")
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	url := "http://" + ln.Addr().String()
	publicURL := cfg.BaseURL
	if publicURL == "" {
		publicURL = url
	}
	// The built-in dialogue types, once, before the server takes requests.
	if err := dialogue.Seed(ctx, db, store.Now()); err != nil {
		ln.Close()
		return err
	}
	// The background work is prepared before the server takes requests:
	// placement runs a crash or kill left running are marked failed here.
	mx := metrics.New(db)
	bgJobs, err := jobs.New(ctx, jobs.Config{DB: db, Catalog: catalog, Log: log, Mail: cfg.Mail, PublicURL: publicURL, Metrics: mx,
		RunLease: cfg.RunLease, WatchdogEvery: cfg.RunLease / 2, PlacementCache: cfg.PlacementCache})
	if err != nil {
		ln.Close()
		return err
	}
	opts := web.Options{
		PublicURL: publicURL, MinGroup: cfg.MinGroup, SessionLifetime: cfg.SessionLifetime,
		SessionIdle: cfg.SessionIdle, SecureCookies: cfg.SecureCookies, Version: version, WakeMailer: bgJobs.WakeMailer,
		IntakePerMinute: cfg.IntakePerMinute, TrustedProxies: cfg.TrustedProxies, Placement: bgJobs.Placement(),
		DiskPaths: diskPaths(cfg.DB), Metrics: mx, MetricsAllow: metricsAllow(cfg),
	}
	if err := withSSO(&opts, cfg.SSO, publicURL); err != nil {
		ln.Close()
		return err
	}
	srv, err := web.New(db, catalog, log, opts)
	if err != nil {
		ln.Close()
		return err
	}
	httpSrv := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}

	bg, stopBG := context.WithCancel(context.WithoutCancel(ctx))
	bgJobs.Start(bg)

	serveErr := make(chan error, 1)
	go func() { serveErr <- httpSrv.Serve(ln) }()
	log.Info("listening", "url", url, "db", store.Redact(cfg.DB), "version", version)
	// The banner (the demo's accounts) comes first, so that the line with
	// the address to open is the last one, and whoever waits for that line
	// has the whole banner already.
	if banner != nil {
		banner(url)
	}
	fmt.Fprintf(e.stdout, "Styrkedjan is running at %s\n", url)

	select {
	case err = <-serveErr:
	case <-ctx.Done():
		log.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		err = httpSrv.Shutdown(sctx)
		cancel()
	}
	stopBG()
	bgJobs.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// metricsAllow is who may read /metrics: nobody unless --metrics is on.
func metricsAllow(cfg config.Config) []netip.Prefix {
	if !cfg.Metrics {
		return nil
	}
	return cfg.MetricsAllow
}

func runMigrate(ctx context.Context, e env, args []string) error {
	fs := newFlagSet("migrate", e)
	dbURL := fs.String("db", e.getenv("STYRKEDJAN_DB"), "database URL (env STYRKEDJAN_DB)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dbURL == "" {
		return usagef("migrate: no database: give --db sqlite:PATH or postgres://... (or set STYRKEDJAN_DB)")
	}
	db, err := openDB(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	if err := dialogue.Seed(ctx, db, store.Now()); err != nil {
		return err
	}
	cur, _, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(e.stdout, "The database is up to date (schema version %d).\n", cur)
		return nil
	}
	fmt.Fprintf(e.stdout, "Applied migrations %v; schema version is now %d.\n", applied, cur)
	return nil
}

// runConfig prints the effective configuration, then reports what is
// wrong with it, if anything.
func runConfig(e env, args []string) error {
	cfg := config.Defaults()
	fs := newFlagSet("config", e)
	cfg.Flags(fs, e.getenv)
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg.Print(e.stdout)
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	return nil
}
