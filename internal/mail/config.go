package mail

import (
	"fmt"
	netmail "net/mail"

	gomail "github.com/wneessen/go-mail"
)

// Config is how the Sender reaches the SMTP server.
type Config struct {
	Host     string // empty disables sending; mail stays queued
	Port     int    // 0 picks the usual port for TLS: 25, 587 or 465
	Username string // empty sends without SMTP authentication
	Password string
	From     string // sender address, e.g. "Styrkedjan <noreply@example.se>"
	TLS      string // "none", "starttls" (the default) or "tls"
}

// Enabled reports whether an SMTP server is configured.
func (c Config) Enabled() bool { return c.Host != "" }

// Validate reports what makes an enabled Config unusable. A disabled Config
// is valid: it just keeps mail queued.
func (c Config) Validate() error {
	if !c.Enabled() {
		return nil
	}
	switch c.TLS {
	case "", "none", "starttls", "tls":
	default:
		return fmt.Errorf("mail: TLS mode %q: want none, starttls or tls", c.TLS)
	}
	if c.Port < 0 || c.Port > 65535 {
		return fmt.Errorf("mail: bad SMTP port %d", c.Port)
	}
	if _, err := netmail.ParseAddress(c.From); err != nil {
		return fmt.Errorf("mail: sender address %q: %v", c.From, err)
	}
	return nil
}

func (c Config) port() int {
	switch {
	case c.Port != 0:
		return c.Port
	case c.TLS == "none":
		return 25
	case c.TLS == "tls":
		return 465
	}
	return 587
}

// client builds an SMTP client; it dials per message.
func (c Config) client() (*gomail.Client, error) {
	if !c.Enabled() {
		return nil, fmt.Errorf("mail: no SMTP host configured")
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	opts := []gomail.Option{gomail.WithPort(c.port())}
	switch c.TLS {
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case "tls":
		opts = append(opts, gomail.WithSSL())
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if c.Username != "" {
		// PLAIN or LOGIN, whichever the server offers. Both refuse to send
		// the password over an unencrypted connection, except to localhost.
		opts = append(opts,
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthPlain, gomail.SMTPAuthLogin),
			gomail.WithUsername(c.Username),
			gomail.WithPassword(c.Password))
	}
	return gomail.NewClient(c.Host, opts...)
}
