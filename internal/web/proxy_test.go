package web_test

import (
	"context"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/web"
)

// TestForwardedForOnlyFromTrustedProxies checks the address recorded in
// the audit log (and used by throttling and rate limits): a client's own
// X-Forwarded-For is ignored, a trusted proxy's is believed.
func TestForwardedForOnlyFromTrustedProxies(t *testing.T) {
	for _, tc := range []struct {
		name    string
		trusted []netip.Prefix
		want    string
	}{
		{"no trusted proxy", nil, "127.0.0.1"},
		{"behind a trusted proxy", []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("10.0.0.0/8")}, "198.51.100.7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := start(t, demoSQLite(t), web.Options{TrustedProxies: tc.trusted})
			form := url.Values{"email": {admin}, "password": {"exempelby2026"}}
			req, _ := http.NewRequest("POST", e.srv.URL+"/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			// A spoofed first hop, the real client, then an inner proxy.
			req.Header.Set("X-Forwarded-For", "203.0.113.66, 198.51.100.7, 10.1.2.3")
			if r := e.client().do(req); r.status != http.StatusSeeOther {
				t.Fatalf("login: %d", r.status)
			}
			var ip string
			if err := e.db.QueryRow(context.Background(), "SELECT ip FROM audit_log WHERE action = 'login'").Scan(&ip); err != nil {
				t.Fatal(err)
			}
			if ip != tc.want {
				t.Errorf("recorded address %q, want %q", ip, tc.want)
			}
		})
	}
}
