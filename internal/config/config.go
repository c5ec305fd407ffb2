// Package config reads Styrkedjan's configuration from flags and
// STYRKEDJAN_* environment variables (flags win) and prints it with
// secrets masked.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/mail"
	"github.com/styrkedjan/styrkedjan/internal/privacy"
	"github.com/styrkedjan/styrkedjan/internal/sso"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Config is the effective configuration of a server.
type Config struct {
	DB              string         // sqlite:PATH or postgres://...
	Addr            string         // listen address HOST:PORT
	BaseURL         string         // public URL, for links in mail; derived from Addr when empty
	MinGroup        int            // smallest group shown in aggregates
	SessionLifetime time.Duration  // absolute session lifetime
	SessionIdle     time.Duration  // idle timeout
	SecureCookies   bool           // set Secure on cookies (behind HTTPS)
	LogLevel        string         // debug, info, warn, error
	LogFormat       string         // text or json
	IntakePerMinute int            // public submissions a minute per address (0 = no limit)
	TrustedProxies  []netip.Prefix // reverse proxies whose X-Forwarded-For is believed
	RunLease        time.Duration  // a placement run's lease; a dead process's runs fail after it
	PlacementCache  string         // where placement runs keep walking-distance matrices and hierarchies ("" = nowhere)
	Metrics         bool           // serve GET /metrics (Prometheus text format)
	MetricsAllow    []netip.Prefix // addresses that may read /metrics
	Mail            mail.Config
	SSO             SSO // single sign-on (sso.go)

	trustedProxiesEnv string // as given in the environment, for Validate
	metricsAllowEnv   string
}

// parsePrefixes reads "10.0.0.0/8, 192.0.2.7" into prefixes; a bare
// address is a single-address prefix.
func parsePrefixes(v string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !strings.Contains(part, "/") {
			addr, err := netip.ParseAddr(part)
			if err != nil {
				return nil, fmt.Errorf("%q is not an address or CIDR range", part)
			}
			out = append(out, netip.PrefixFrom(addr, addr.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			return nil, fmt.Errorf("%q is not an address or CIDR range", part)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// Defaults returns the configuration before flags and environment.
func Defaults() Config {
	return Config{
		Addr:            "127.0.0.1:8080",
		MinGroup:        privacy.DefaultMinGroup,
		SessionLifetime: 12 * time.Hour,
		SessionIdle:     2 * time.Hour,
		LogLevel:        "info",
		LogFormat:       "text",
		IntakePerMinute: 20,
		RunLease:        time.Minute,
		MetricsAllow:    []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")},
		Mail:            mail.Config{Port: 25, TLS: "starttls", From: "Styrkedjan <noreply@styrkedjan.invalid>"},
		SSO: SSO{Scopes: "email profile", GuardianScopes: "profile", GuardianPINClaim: sso.PersonalNumberClaim, LocalPasswords: true,
			SAMLEmailAttribute: "mail", SAMLNameAttribute: "displayName"},
	}
}

// Flags registers the server flags on fs, with defaults taken from the
// environment (getenv) over c's values.
func (c *Config) Flags(fs *flag.FlagSet, getenv func(string) string) {
	env := func(name, def string) string {
		if v := getenv("STYRKEDJAN_" + name); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&c.DB, "db", env("DB", c.DB), "database URL: sqlite:PATH or postgres://... (env STYRKEDJAN_DB)")
	fs.StringVar(&c.Addr, "addr", env("ADDR", c.Addr), "listen address HOST:PORT (env STYRKEDJAN_ADDR)")
	fs.StringVar(&c.BaseURL, "base-url", env("BASE_URL", c.BaseURL), "public base URL for links in mail (env STYRKEDJAN_BASE_URL)")
	fs.Func("min-group", "smallest group shown in aggregates (env STYRKEDJAN_MIN_GROUP)", intFlag(&c.MinGroup, 1, 100))
	c.MinGroup = envInt(getenv, "MIN_GROUP", c.MinGroup)
	fs.DurationVar(&c.SessionLifetime, "session-lifetime", envDur(getenv, "SESSION_LIFETIME", c.SessionLifetime), "absolute session lifetime")
	fs.DurationVar(&c.SessionIdle, "session-idle", envDur(getenv, "SESSION_IDLE", c.SessionIdle), "session idle timeout")
	fs.BoolVar(&c.SecureCookies, "secure-cookies", env("SECURE_COOKIES", strconv.FormatBool(c.SecureCookies)) == "true", "mark cookies Secure (serve behind HTTPS)")
	fs.StringVar(&c.LogLevel, "log-level", env("LOG_LEVEL", c.LogLevel), "debug, info, warn or error")
	fs.StringVar(&c.LogFormat, "log-format", env("LOG_FORMAT", c.LogFormat), "text or json")
	fs.Func("intake-rate", "public complaint submissions a minute per address, 0 = no limit (env STYRKEDJAN_INTAKE_RATE)", intFlag(&c.IntakePerMinute, 0, 1000000))
	c.IntakePerMinute = envInt(getenv, "INTAKE_RATE", c.IntakePerMinute)
	fs.Func("trusted-proxies", "comma-separated addresses or CIDR ranges of reverse proxies whose X-Forwarded-For is believed (env STYRKEDJAN_TRUSTED_PROXIES)", func(v string) error {
		p, err := parsePrefixes(v)
		c.TrustedProxies = p
		return err
	})
	if v := getenv("STYRKEDJAN_TRUSTED_PROXIES"); v != "" {
		c.TrustedProxies, _ = parsePrefixes(v) // a bad value is reported by Validate
		c.trustedProxiesEnv = v
	}
	fs.StringVar(&c.PlacementCache, "placement-cache", env("PLACEMENT_CACHE", c.PlacementCache), "directory where placement runs keep walking-distance matrices and contraction hierarchies between runs and restarts; empty keeps them in memory only (env STYRKEDJAN_PLACEMENT_CACHE)")
	fs.DurationVar(&c.RunLease, "run-lease", envDur(getenv, "RUN_LEASE", c.RunLease), "lease of a placement run: another server fails the runs of one that died once their lease runs out (env STYRKEDJAN_RUN_LEASE)")
	fs.BoolVar(&c.Metrics, "metrics", env("METRICS", strconv.FormatBool(c.Metrics)) == "true", "serve GET /metrics in the Prometheus text format to --metrics-allow (env STYRKEDJAN_METRICS)")
	fs.Func("metrics-allow", "comma-separated addresses or CIDR ranges that may read /metrics; default the loopback addresses (env STYRKEDJAN_METRICS_ALLOW)", func(v string) error {
		p, err := parsePrefixes(v)
		c.MetricsAllow = p
		return err
	})
	if v := getenv("STYRKEDJAN_METRICS_ALLOW"); v != "" {
		c.MetricsAllow, _ = parsePrefixes(v) // a bad value is reported by Validate
		c.metricsAllowEnv = v
	}
	fs.StringVar(&c.Mail.Host, "smtp-host", env("SMTP_HOST", c.Mail.Host), "SMTP server; empty keeps mail queued in the outbox")
	fs.Func("smtp-port", "SMTP port (env STYRKEDJAN_SMTP_PORT)", intFlag(&c.Mail.Port, 1, 65535))
	c.Mail.Port = envInt(getenv, "SMTP_PORT", c.Mail.Port)
	fs.StringVar(&c.Mail.Username, "smtp-user", env("SMTP_USER", c.Mail.Username), "SMTP username")
	c.Mail.Password = env("SMTP_PASSWORD", c.Mail.Password) // environment only: flags show in ps
	fs.StringVar(&c.Mail.TLS, "smtp-tls", env("SMTP_TLS", c.Mail.TLS), "none, starttls or tls")
	fs.StringVar(&c.Mail.From, "mail-from", env("MAIL_FROM", c.Mail.From), "sender address of outgoing mail")
	c.ssoFlags(fs, env)
}

func intFlag(p *int, min, max int) func(string) error {
	return func(s string) error {
		n, err := strconv.Atoi(s)
		if err != nil || n < min || n > max {
			return fmt.Errorf("want a whole number from %d to %d", min, max)
		}
		*p = n
		return nil
	}
}

func envInt(getenv func(string) string, name string, def int) int {
	if n, err := strconv.Atoi(getenv("STYRKEDJAN_" + name)); err == nil {
		return n
	}
	return def
}

func envDur(getenv func(string) string, name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(getenv("STYRKEDJAN_" + name)); err == nil {
		return d
	}
	return def
}

// Validate checks the configuration after parsing; its errors are for operators.
func (c *Config) Validate() error {
	var errs []error
	if c.DB == "" {
		errs = append(errs, errors.New("no database: give --db sqlite:PATH or postgres://... (or set STYRKEDJAN_DB)"))
	} else if !strings.HasPrefix(c.DB, "sqlite:") && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") {
		//lint:ignore ST1005 the ellipsis is part of the URL pattern shown to the operator
		errs = append(errs, fmt.Errorf("--db %q: want sqlite:PATH or postgres://...", store.Redact(c.DB)))
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("--addr %q: want HOST:PORT, e.g. 127.0.0.1:8080", c.Addr))
	}
	if c.BaseURL != "" {
		if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("--base-url %q: want an http(s) URL", c.BaseURL))
		}
	}
	if c.trustedProxiesEnv != "" {
		if _, err := parsePrefixes(c.trustedProxiesEnv); err != nil {
			errs = append(errs, fmt.Errorf("STYRKEDJAN_TRUSTED_PROXIES: %w", err))
		}
	}
	if c.metricsAllowEnv != "" {
		if _, err := parsePrefixes(c.metricsAllowEnv); err != nil {
			errs = append(errs, fmt.Errorf("STYRKEDJAN_METRICS_ALLOW: %w", err))
		}
	}
	if c.RunLease < time.Second {
		errs = append(errs, errors.New("--run-lease must be at least 1s"))
	}
	if c.SessionLifetime < time.Minute || c.SessionIdle < time.Minute {
		errs = append(errs, errors.New("session lifetime and idle timeout must be at least 1m"))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("--log-level %q: want debug, info, warn or error", c.LogLevel))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("--log-format %q: want text or json", c.LogFormat))
	}
	switch c.Mail.TLS {
	case "none", "starttls", "tls":
	default:
		errs = append(errs, fmt.Errorf("--smtp-tls %q: want none, starttls or tls", c.Mail.TLS))
	}
	errs = append(errs, c.validateSSO()...)
	return errors.Join(errs...)
}

// Print writes the effective configuration with secrets masked.
func (c *Config) Print(w io.Writer) {
	mask := func(s string) string {
		if s == "" {
			return ""
		}
		return "*****"
	}
	rows := [][2]string{
		{"db", store.Redact(c.DB)},
		{"addr", c.Addr},
		{"base-url", c.PublicURL()},
		{"min-group", strconv.Itoa(c.MinGroup)},
		{"session-lifetime", c.SessionLifetime.String()},
		{"session-idle", c.SessionIdle.String()},
		{"secure-cookies", strconv.FormatBool(c.SecureCookies)},
		{"log-level", c.LogLevel},
		{"log-format", c.LogFormat},
		{"intake-rate", strconv.Itoa(c.IntakePerMinute)},
		{"trusted-proxies", fmt.Sprint(c.TrustedProxies)},
		{"run-lease", c.RunLease.String()},
		{"placement-cache", c.PlacementCache},
		{"metrics", strconv.FormatBool(c.Metrics)},
		{"metrics-allow", fmt.Sprint(c.MetricsAllow)},
		{"smtp-host", c.Mail.Host},
		{"smtp-port", strconv.Itoa(c.Mail.Port)},
		{"smtp-user", c.Mail.Username},
		{"smtp-password", mask(c.Mail.Password)},
		{"smtp-tls", c.Mail.TLS},
		{"mail-from", c.Mail.From},
	}
	rows = append(rows, c.ssoRows(mask)...)
	for _, r := range rows {
		fmt.Fprintf(w, "%-17s %s\n", r[0], r[1])
	}
}

// PublicURL is BaseURL, or http://Addr when none is set.
func (c *Config) PublicURL() string {
	if c.BaseURL != "" {
		return strings.TrimSuffix(c.BaseURL, "/")
	}
	return "http://" + c.Addr
}
