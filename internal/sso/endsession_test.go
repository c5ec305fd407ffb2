package sso_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/sso"
)

// TestEndSessionURL: with an end_session_endpoint in the provider's
// discovery document, sign-out goes there with the ID token hint and the
// way back; without one (mockoidc publishes none) there is no such URL.
func TestEndSessionURL(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": srv.URL, "authorization_endpoint": srv.URL + "/auth",
			"token_endpoint": srv.URL + "/token", "jwks_uri": srv.URL + "/keys", "end_session_endpoint": srv.URL + "/logout?x=1",
			"id_token_signing_alg_values_supported": []string{"RS256"}})
	}))
	defer srv.Close()
	p, err := sso.New(sso.Config{Issuer: srv.URL, ClientID: "c", RedirectURL: "https://s.example/login/sso/callback"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(p.EndSessionURL(context.Background(), "tok", "https://s.example/login"))
	if err != nil || u.Path != "/logout" {
		t.Fatalf("end session URL %v %v", u, err)
	}
	q := u.Query()
	if q.Get("id_token_hint") != "tok" || q.Get("post_logout_redirect_uri") != "https://s.example/login" || q.Get("x") != "1" || q.Get("client_id") != "c" {
		t.Errorf("query %v", q)
	}
	m := startIdP(t)
	if got := provider(t, m).EndSessionURL(context.Background(), "tok", "https://s.example/login"); got != "" {
		t.Errorf("without an end_session_endpoint: %q", got)
	}
}
