package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/web"
)

// TestRedirectStaysOnSite: the sign-in page and the language switch send
// people back only to clean paths on this site (issue 12).
func TestRedirectStaysOnSite(t *testing.T) {
	e := start(t, demoSQLite(t), web.Options{})
	signedIn := e.login(admin)
	for _, next := range []string{"/\t/evil.example", "/%09/evil.example", "/\n/evil.example", "/\\evil.example", "//evil.example"} {
		if r := signedIn.get("/login?next=" + url.QueryEscape(next)); r.status != http.StatusSeeOther || r.header.Get("Location") != "/" {
			t.Errorf("GET /login next=%q: %d %q, want /", next, r.status, r.header.Get("Location"))
		}
		if r := e.client().post("/login", url.Values{"email": {admin}, "password": {demo.Password}, "next": {next}}); r.header.Get("Location") != "/" {
			t.Errorf("POST /login next=%q: %d %q, want /", next, r.status, r.header.Get("Location"))
		}
		if r := e.client().post("/language", url.Values{"lang": {"en"}, "next": {next}}); r.status != http.StatusSeeOther || r.header.Get("Location") != "/" {
			t.Errorf("POST /language next=%q: %d %q, want /", next, r.status, r.header.Get("Location"))
		}
	}
	// The raw query of the probe: /login?next=/%09/evil.example.
	if r := signedIn.get("/login?next=/%09/evil.example"); r.header.Get("Location") != "/" {
		t.Errorf("probe: Location %q, want /", r.header.Get("Location"))
	}
	if r := e.client().post("/language", url.Values{"lang": {"en"}, "next": {"/units?x=1"}}); r.header.Get("Location") != "/units?x=1" {
		t.Errorf("a local path: Location %q", r.header.Get("Location"))
	}
}

// TestPasswordChangeEndsOtherSessionsAndTokens: after a change the
// person's other browser and API token are out, this browser is not.
func TestPasswordChangeEndsOtherSessionsAndTokens(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		here, other := e.login(officer), e.login(officer)
		api := e.client()
		var err error
		if api.token, err = auth.CreateToken(context.Background(), e.db, e.personID(officer), "test", 0); err != nil {
			t.Fatal(err)
		}
		if r := api.get("/api/v1/me"); r.status != http.StatusOK {
			t.Fatalf("token before: %d", r.status)
		}
		const pw = "lösenord nummer två"
		if r := here.post("/account/password", url.Values{"current": {demo.Password}, "password": {pw}, "password2": {pw}}); r.status != http.StatusSeeOther {
			t.Fatalf("change: %d", r.status)
		}
		if r := here.get("/account"); r.status != http.StatusOK || !strings.Contains(r.body, "Du är utloggad överallt utom här") {
			t.Fatalf("this browser after the change: %d", r.status)
		}
		if r := other.get("/account"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
			t.Errorf("the other browser after the change: %d %q, want the sign-in page", r.status, r.header.Get("Location"))
		}
		if r := api.get("/api/v1/me"); r.status != http.StatusUnauthorized {
			t.Errorf("API token after the change: %d, want 401", r.status)
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'user' AND entity_id = ? AND summary = ?",
			itoa(e.personID(officer)), "password changed; ended 1 other sessions and 1 API tokens"); n != 1 {
			t.Errorf("%d audit entries for the change, want 1", n)
		}
	})
}

// TestPasswordResetEndsAllSessionsAndClearsThrottle: a reset by mail ends
// every session and token of the person and lifts the login throttle.
func TestPasswordResetEndsAllSessionsAndClearsThrottle(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		signedIn := e.login(principalA)
		api := e.client()
		var err error
		if api.token, err = auth.CreateToken(context.Background(), e.db, e.personID(principalA), "test", 0); err != nil {
			t.Fatal(err)
		}
		for range 5 {
			e.client().post("/login", url.Values{"email": {principalA}, "password": {"fel"}})
		}
		if r := e.client().post("/login", url.Values{"email": {principalA}, "password": {demo.Password}}); r.status != http.StatusTooManyRequests {
			t.Fatalf("after 5 failures: %d, want 429", r.status)
		}
		if r := e.client().post("/password/forgot", url.Values{"email": {principalA}}); r.status != http.StatusOK {
			t.Fatalf("forgot: %d", r.status)
		}
		var body string
		if err := e.db.QueryRow(context.Background(), "SELECT body_text FROM outbox WHERE to_addr = ?", principalA).Scan(&body); err != nil {
			t.Fatal(err)
		}
		path := regexp.MustCompile(`/password/reset/\S+`).FindString(body)
		const pw = "en ny och lång lösenfras"
		if r := e.client().post(path, url.Values{"password": {pw}, "password2": {pw}}); r.status != http.StatusSeeOther {
			t.Fatalf("reset: %d", r.status)
		}
		if r := signedIn.get("/account"); r.status != http.StatusSeeOther {
			t.Errorf("session after the reset: %d, want a redirect to sign in", r.status)
		}
		if r := api.get("/api/v1/me"); r.status != http.StatusUnauthorized {
			t.Errorf("API token after the reset: %d, want 401", r.status)
		}
		if r := e.client().post("/login", url.Values{"email": {principalA}, "password": {pw}}); r.status != http.StatusSeeOther {
			t.Errorf("sign-in from the throttled address after the reset: %d, want 303", r.status)
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'user' AND entity_id = ? AND summary LIKE ?",
			itoa(e.personID(principalA)), "password reset by link; ended 1 sessions and 1 API tokens%"); n != 1 {
			t.Errorf("%d audit entries for the reset, want 1", n)
		}
	})
}

// from posts a form as if from addr, through a trusted proxy.
func (c *client) from(addr, path string, form url.Values) response {
	c.e.t.Helper()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", addr)
	return c.do(req)
}

var loopbackProxy = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}

// TestLoginThrottleByAddressAndDevice: a stranger's failures lock the
// stranger's address, not the owner; failures from many addresses lock
// out new browsers but not one the owner has signed in with.
func TestLoginThrottleByAddressAndDevice(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		e := start(t, db, web.Options{TrustedProxies: loopbackProxy})
		right := url.Values{"email": {principalA}, "password": {demo.Password}}
		wrong := url.Values{"email": {principalA}, "password": {"fel"}}
		owner := e.client()
		if r := owner.from("198.51.100.1", "/login", right); r.status != http.StatusSeeOther {
			t.Fatalf("owner: %d", r.status)
		}
		var device *http.Cookie
		for _, c := range owner.http.Jar.Cookies(mustURL(e.srv.URL)) {
			if c.Name == "styrkedjan_device" {
				device = c
			}
		}
		if device == nil {
			t.Fatal("no device cookie after signing in")
		}
		for range 5 {
			e.client().from("203.0.113.9", "/login", wrong)
		}
		if r := e.client().from("203.0.113.9", "/login", right); r.status != http.StatusTooManyRequests ||
			!strings.Contains(r.body, "För många misslyckade försök") {
			t.Fatalf("stranger's address after 5 failures: %d, want 429", r.status)
		}
		if r := e.client().from("198.51.100.2", "/login", right); r.status != http.StatusSeeOther {
			t.Fatalf("the owner from another address: %d, want 303 (a stranger locked the account)", r.status)
		}
		// 45 more failures from nine more addresses: 50 in the hour.
		for i := range 9 {
			for range 5 {
				e.client().from(fmt.Sprintf("192.0.2.%d", i+1), "/login", wrong)
			}
		}
		if r := e.client().from("198.51.100.3", "/login", right); r.status != http.StatusTooManyRequests ||
			!strings.Contains(r.body, "webbläsare där du har loggat in förut") {
			t.Fatalf("a new browser after 50 failures: %d, want 429", r.status)
		}
		if r := owner.from("198.51.100.1", "/login", right); r.status != http.StatusSeeOther {
			t.Fatalf("the owner's known browser: %d, want 303", r.status)
		}
	})
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// TestForgotPasswordLimitsMails: fifteen requests give three mails and one
// live link, the same answer every time, and an address runs out of
// requests whatever the account.
func TestForgotPasswordLimitsMails(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		e := start(t, db, web.Options{TrustedProxies: loopbackProxy})
		var first string
		for i := range 15 {
			r := e.client().from(fmt.Sprintf("198.51.100.%d", i%4+1), "/password/forgot", url.Values{"email": {principalA}})
			if r.status != http.StatusOK {
				t.Fatalf("forgot: %d", r.status)
			}
			if i == 0 {
				first = r.body
			} else if r.body != first {
				t.Fatalf("answer %d differs from the first", i+1)
			}
		}
		if n := e.count("SELECT COUNT(*) FROM outbox WHERE to_addr = ?", principalA); n != 3 {
			t.Errorf("%d mails from 15 requests, want 3", n)
		}
		if n := e.count("SELECT COUNT(*) FROM password_resets WHERE user_id = ? AND used_at IS NULL", e.personID(principalA)); n != 1 {
			t.Errorf("%d live links, want 1", n)
		}
		// Ten requests from one address, for addresses without an account.
		for i := range 10 {
			e.client().from("203.0.113.7", "/password/forgot", url.Values{"email": {fmt.Sprintf("okand%d@exempelby.example", i)}})
		}
		if r := e.client().from("203.0.113.7", "/password/forgot", url.Values{"email": {officer}}); r.body != strings.ReplaceAll(first, principalA, officer) {
			t.Error("the answer over the limit differs")
		}
		if n := e.count("SELECT COUNT(*) FROM outbox WHERE to_addr = ?", officer); n != 0 {
			t.Errorf("%d mails from an address over its limit, want 0", n)
		}
		e.client().from("203.0.113.8", "/password/forgot", url.Values{"email": {officer}})
		if n := e.count("SELECT COUNT(*) FROM outbox WHERE to_addr = ?", officer); n != 1 {
			t.Errorf("%d mails from another address, want 1", n)
		}
	})
}
