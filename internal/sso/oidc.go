// Package sso signs people in through an OpenID Connect provider
// (issue 13): staff through the organisation's identity provider, with
// roles and units from group claims (mapping.go, staff.go), and guardians
// with Swedish e-identification through an OIDC broker (guardian.go).
//
// The flow is the authorization code flow with PKCE (RFC 7636, S256) and
// a nonce. Begin makes a random state, nonce and code verifier that the
// caller keeps in the browser's server-side session; Finish takes them back
// with the provider's answer, refuses a state that differs, exchanges the
// code with the verifier, verifies the ID token (signature against the
// provider's published keys, issuer, audience, expiry) and its nonce, and
// returns the claims. Nothing here touches HTTP routes or sessions.
package sso

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// Config is one OpenID Connect provider as the operator configures it.
type Config struct {
	Issuer       string   // the provider's issuer URL; discovery reads Issuer + /.well-known/openid-configuration
	ClientID     string   // this service's client id at the provider
	ClientSecret string   // its secret ("" for a public client that relies on PKCE alone)
	RedirectURL  string   // where the provider sends the browser back: .../login/sso/callback or .../e-id/callback
	Scopes       []string // scopes besides openid (e.g. email, profile, groups)
	// HTTPClient talks to the provider (discovery, keys, token); nil is
	// http.DefaultClient with a 15-second timeout.
	HTTPClient *http.Client
}

// Validate reports what is missing or malformed.
func (c Config) Validate() error {
	var errs []error
	if u, err := url.Parse(c.Issuer); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		errs = append(errs, fmt.Errorf("issuer %q: want an http(s) URL", c.Issuer))
	}
	if c.ClientID == "" {
		errs = append(errs, errors.New("client id is missing"))
	}
	if u, err := url.Parse(c.RedirectURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		errs = append(errs, fmt.Errorf("redirect URL %q: want an http(s) URL", c.RedirectURL))
	}
	return errors.Join(errs...)
}

// Provider is a configured OpenID Connect provider. Discovery happens on
// first use and is retried after a failure, so the service starts while
// the provider is away.
type Provider struct {
	cfg Config

	mu   sync.Mutex
	prov *oidc.Provider
}

// New checks cfg and returns its provider; it does not contact it.
func New(cfg Config) (*Provider, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	return &Provider{cfg: cfg}, nil
}

// Issuer is the provider's issuer URL.
func (p *Provider) Issuer() string { return p.cfg.Issuer }

func (p *Provider) ctx(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, p.cfg.HTTPClient)
}

func (p *Provider) discover(ctx context.Context) (*oidc.Provider, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.prov != nil {
		return p.prov, nil
	}
	// Discovery outlives the request: the provider's key set refreshes
	// itself with the context it was made with.
	prov, err := oidc.NewProvider(p.ctx(context.WithoutCancel(ctx)), p.cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("sso: discovery at %s: %w", p.cfg.Issuer, err)
	}
	p.prov = prov
	return prov, nil
}

func (p *Provider) oauth(prov *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: p.cfg.ClientID, ClientSecret: p.cfg.ClientSecret, RedirectURL: p.cfg.RedirectURL,
		Endpoint: prov.Endpoint(), Scopes: append([]string{oidc.ScopeOpenID}, p.cfg.Scopes...)}
}

// PendingLifetime is how long a started sign-in may take at the provider.
const PendingLifetime = 10 * time.Minute

// Pending is a sign-in under way: kept in the browser's server-side
// session between Begin and Finish, never sent to the browser.
type Pending struct {
	State    string    `json:"s"`
	Nonce    string    `json:"n"`
	Verifier string    `json:"v"` // the PKCE code verifier
	Next     string    `json:"x"` // where to go afterwards (a local path)
	Started  time.Time `json:"t"`
}

// Encode and DecodePending keep a Pending as one session string.
func (p Pending) Encode() string { b, _ := json.Marshal(p); return string(b) }

// DecodePending reads what Encode wrote; a bad value is an empty Pending.
func DecodePending(s string) Pending {
	var p Pending
	_ = json.Unmarshal([]byte(s), &p)
	return p
}

func random() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Begin starts a sign-in: the provider's authorization URL to send the
// browser to, and what Finish needs back.
func (p *Provider) Begin(ctx context.Context, next string, now time.Time) (string, Pending, error) {
	prov, err := p.discover(ctx)
	if err != nil {
		return "", Pending{}, err
	}
	pend := Pending{State: random(), Nonce: random(), Verifier: oauth2.GenerateVerifier(), Next: next, Started: now}
	u := p.oauth(prov).AuthCodeURL(pend.State, oidc.Nonce(pend.Nonce), oauth2.S256ChallengeOption(pend.Verifier))
	return u, pend, nil
}

// Claims is what Finish learnt about the person from the verified ID
// token (and the userinfo endpoint for what the token lacks).
type Claims struct {
	Issuer, Subject string
	Email           string
	EmailVerified   *bool // nil when the provider does not say
	Name            string
	Raw             map[string]any // every claim, for the groups and personal number claims
	IDToken         string         // the raw token, as id_token_hint at sign-out
	// SAML only: the NameID's format and the AuthnStatement's
	// SessionIndex, for the LogoutRequest at sign-out.
	NameIDFormat, SessionIndex string
}

// String returns a claim as text ("" when absent or not a string).
func (c Claims) String(name string) string {
	s, _ := c.Raw[name].(string)
	return strings.TrimSpace(s)
}

// Strings returns a claim that is a list of strings or one string.
func (c Claims) Strings(name string) []string {
	switch v := c.Raw[name].(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// ErrRefused is the cause of every refused answer; the wrapped text says
// why (for the log, never for the person).
var ErrRefused = errors.New("sso: sign-in refused")

func refused(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrRefused}, args...)...)
}

// Finish completes a sign-in from the provider's answer (the callback's
// query) and the Pending that Begin made. The state must match, the
// pending sign-in be fresh, the code exchange succeed with the PKCE
// verifier, the ID token verify and carry the nonce.
func (p *Provider) Finish(ctx context.Context, pend Pending, query url.Values, now time.Time) (Claims, error) {
	if e := query.Get("error"); e != "" {
		return Claims{}, refused("the provider answered %q: %s", e, query.Get("error_description"))
	}
	state := query.Get("state")
	if pend.State == "" || subtle.ConstantTimeCompare([]byte(state), []byte(pend.State)) != 1 {
		return Claims{}, refused("state does not match the sign-in begun in this browser")
	}
	if now.Sub(pend.Started) > PendingLifetime || now.Before(pend.Started.Add(-time.Minute)) {
		return Claims{}, refused("the sign-in was begun more than %s ago", PendingLifetime)
	}
	code := query.Get("code")
	if code == "" {
		return Claims{}, refused("no code in the answer")
	}
	prov, err := p.discover(ctx)
	if err != nil {
		return Claims{}, err
	}
	tok, err := p.oauth(prov).Exchange(p.ctx(ctx), code, oauth2.VerifierOption(pend.Verifier))
	if err != nil {
		return Claims{}, refused("code exchange: %v", err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return Claims{}, refused("no ID token in the token response")
	}
	idt, err := prov.VerifierContext(p.ctx(ctx), &oidc.Config{ClientID: p.cfg.ClientID, Now: func() time.Time { return now }}).Verify(p.ctx(ctx), raw)
	if err != nil {
		return Claims{}, refused("ID token: %v", err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(pend.Nonce)) != 1 {
		return Claims{}, refused("ID token nonce does not match")
	}
	c := Claims{Issuer: idt.Issuer, Subject: idt.Subject, IDToken: raw}
	if err := idt.Claims(&c.Raw); err != nil {
		return Claims{}, refused("ID token claims: %v", err)
	}
	// Claims the token lacks may be on the userinfo endpoint (Entra ID
	// and many brokers keep the token small); the token's own win.
	if ui, err := prov.UserInfo(p.ctx(ctx), oauth2.StaticTokenSource(tok)); err == nil && ui.Subject == idt.Subject {
		var extra map[string]any
		if ui.Claims(&extra) == nil {
			for k, v := range extra {
				if _, ok := c.Raw[k]; !ok {
					c.Raw[k] = v
				}
			}
		}
	}
	c.Email = c.String("email")
	if v, ok := c.Raw["email_verified"].(bool); ok {
		c.EmailVerified = &v
	}
	c.Name = c.String("name")
	if c.Name == "" {
		c.Name = strings.TrimSpace(c.String("given_name") + " " + c.String("family_name"))
	}
	return c, nil
}

// EndSessionURL is the provider's end_session_endpoint with the ID token
// hint and where to come back (OpenID Connect RP-Initiated Logout), or ""
// when the provider publishes none.
func (p *Provider) EndSessionURL(ctx context.Context, idToken, back string) string {
	prov, err := p.discover(ctx)
	if err != nil {
		return ""
	}
	var meta struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if prov.Claims(&meta) != nil || meta.EndSession == "" {
		return ""
	}
	u, err := url.Parse(meta.EndSession)
	if err != nil {
		return ""
	}
	q := u.Query()
	if idToken != "" {
		q.Set("id_token_hint", idToken)
	}
	q.Set("post_logout_redirect_uri", back)
	q.Set("client_id", p.cfg.ClientID)
	u.RawQuery = q.Encode()
	return u.String()
}
