package sso_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"

	"github.com/styrkedjan/styrkedjan/internal/sso"
)

// The identity provider in these tests is oauth2-proxy/mockoidc: a real
// OpenID Connect server (discovery, JWKS, RS256-signed ID tokens, PKCE
// verification at the token endpoint) started on a loopback port.

func startIdP(t *testing.T, mw ...func(http.Handler) http.Handler) *mockoidc.MockOIDC {
	t.Helper()
	m, err := mockoidc.NewServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range mw {
		if err := m.AddMiddleware(f); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(ln, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })
	return m
}

func provider(t testing.TB, m *mockoidc.MockOIDC, scopes ...string) *sso.Provider {
	t.Helper()
	cfg := m.Config()
	p, err := sso.New(sso.Config{Issuer: cfg.Issuer, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
		RedirectURL: "http://127.0.0.1:1/login/sso/callback", Scopes: scopes})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// authorize plays the browser at the provider: it follows the
// authorization URL and returns the query the provider sends back.
func authorize(t testing.TB, authURL string) url.Values {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusFound {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("authorize: %s %s", res.Status, b)
	}
	loc, err := url.Parse(res.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc.Query()
}

func signIn(t *testing.T, m *mockoidc.MockOIDC, p *sso.Provider, user mockoidc.User) (sso.Claims, error) {
	t.Helper()
	if user != nil {
		m.QueueUser(user)
	}
	now := time.Now()
	u, pend, err := p.Begin(context.Background(), "/", now)
	if err != nil {
		t.Fatal(err)
	}
	return p.Finish(context.Background(), pend, authorize(t, u), now)
}

func TestOIDCSignIn(t *testing.T) {
	var challenge, method string
	m := startIdP(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/authorize") {
				challenge, method = r.URL.Query().Get("code_challenge"), r.URL.Query().Get("code_challenge_method")
			}
			next.ServeHTTP(w, r)
		})
	})
	p := provider(t, m, "email", "profile", "groups")
	c, err := signIn(t, m, p, &mockoidc.MockUser{Subject: "s-1", Email: "Eva.Ek@Kommun.example", EmailVerified: true,
		Groups: []string{"sg-forvaltning", "alla"}})
	if err != nil {
		t.Fatal(err)
	}
	if c.Subject != "s-1" || c.Issuer != m.Issuer() || c.Email != "Eva.Ek@Kommun.example" || c.EmailVerified == nil || !*c.EmailVerified {
		t.Errorf("claims %+v", c)
	}
	if g := c.Strings("groups"); len(g) != 2 || g[0] != "sg-forvaltning" {
		t.Errorf("groups %v", g)
	}
	if method != "S256" || len(challenge) < 43 {
		t.Errorf("PKCE challenge %q method %q, want S256", challenge, method)
	}
}

// TestOIDCRefusals: the answer of another sign-in (state), a replayed
// nonce, a wrong PKCE verifier, a tampered and an expired ID token, and a
// provider's error are all refused.
func TestOIDCRefusals(t *testing.T) {
	tamper := false
	m := startIdP(t, tamperer(&tamper))
	p := provider(t, m, "email", "groups")
	ctx := context.Background()
	now := time.Now()
	begin := func() (url.Values, sso.Pending) {
		u, pend, err := p.Begin(ctx, "/", now)
		if err != nil {
			t.Fatal(err)
		}
		return authorize(t, u), pend
	}
	refused := func(name string, err error) {
		t.Helper()
		if !errors.Is(err, sso.ErrRefused) {
			t.Errorf("%s: err %v, want refused", name, err)
		}
	}
	q, pend := begin()
	_, other := begin()
	_, err := p.Finish(ctx, other, q, now)
	refused("state of another sign-in", err)

	q, pend = begin()
	pend.Nonce = "not-the-nonce"
	_, err = p.Finish(ctx, pend, q, now)
	refused("nonce", err)

	q, pend = begin()
	pend.Verifier = strings.Repeat("x", 43)
	_, err = p.Finish(ctx, pend, q, now)
	refused("PKCE verifier", err)

	q, pend = begin()
	_, err = p.Finish(ctx, pend, q, now.Add(sso.PendingLifetime+time.Minute))
	refused("stale sign-in", err)

	_, err = p.Finish(ctx, pend, url.Values{"error": {"access_denied"}, "state": {pend.State}}, now)
	refused("provider error", err)

	// Tampered: the provider's token response with the ID token's
	// payload changed (another subject), the signature kept.
	tamper = true
	_, err = signIn(t, m, p, &mockoidc.MockUser{Subject: "s-2", Email: "a@b.example", EmailVerified: true})
	refused("tampered ID token", err)
	if err == nil || !strings.Contains(err.Error(), "signature") {
		t.Errorf("tampered: %v, want a signature failure", err)
	}
	tamper = false
	if _, err := signIn(t, m, p, &mockoidc.MockUser{Subject: "s-2", Email: "a@b.example", EmailVerified: true}); err != nil {
		t.Fatalf("untampered: %v", err)
	}

	// Expired: the provider issues a token that expired a minute ago.
	m.AccessTTL = -time.Minute
	_, err = signIn(t, m, p, nil)
	refused("expired ID token", err)
	if err != nil && !strings.Contains(err.Error(), "expired") {
		t.Errorf("expired: %v", err)
	}
}

// guardianUser is a broker's user with the Swedish OIDC profile's
// personal identity number claim.
type guardianUser struct{ sub, pin, given, family string }

func (u guardianUser) ID() string { return u.sub }
func (u guardianUser) Userinfo([]string) ([]byte, error) {
	return json.Marshal(map[string]any{"sub": u.sub})
}
func (u guardianUser) Claims(_ []string, base *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	return guardianClaims{base, u.pin, u.given, u.family}, nil
}

type guardianClaims struct {
	*mockoidc.IDTokenClaims
	PIN    string `json:"https://id.oidc.se/claim/personalIdentityNumber"`
	Given  string `json:"given_name"`
	Family string `json:"family_name"`
}

func TestGuardianClaims(t *testing.T) {
	m := startIdP(t)
	p := provider(t, m, "profile")
	c, err := signIn(t, m, p, guardianUser{"b-1", "198112189876", "Anna", "Andersson"})
	if err != nil {
		t.Fatal(err)
	}
	if c.String(sso.PersonalNumberClaim) != "198112189876" || c.Name != "Anna Andersson" {
		t.Errorf("claims %+v", c)
	}
}

func TestValidPersonalNumber(t *testing.T) {
	for s, want := range map[string]bool{
		"198112189876": true, "194107086995": true, "198112189877": false, "8112189876": false,
		"19811218987x": false, "201701632380": true, // a coordination number (day + 60)
	} {
		if got := sso.ValidPersonalNumber(s); got != want {
			t.Errorf("%s: %v, want %v", s, got, want)
		}
	}
}

// tamperer changes the ID token's payload in the provider's token
// response while *on (another subject), keeping the signature.
func tamperer(on *bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !*on || !strings.HasSuffix(r.URL.Path, "/token") {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			var body map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err == nil {
				if tok, ok := body["id_token"].(string); ok {
					parts := strings.Split(tok, ".")
					payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
					payload = bytes.Replace(payload, []byte(`"sub":"s-2"`), []byte(`"sub":"s-9"`), 1)
					parts[1] = base64.RawURLEncoding.EncodeToString(payload)
					body["id_token"] = strings.Join(parts, ".")
				}
			}
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(body)
		})
	}
}
