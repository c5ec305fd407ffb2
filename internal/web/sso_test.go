package web_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"

	"github.com/styrkedjan/styrkedjan/internal/sso"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/web"
)

// Single sign-on and e-identification against a real OpenID Connect
// provider started by the test (oauth2-proxy/mockoidc: discovery, JWKS,
// RS256-signed ID tokens, PKCE checked at the token endpoint).

// idp is a running provider whose token responses can be tampered with.
type idp struct {
	*mockoidc.MockOIDC
	tamper bool
}

func startIdP(t *testing.T) *idp {
	t.Helper()
	m, err := mockoidc.NewServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	p := &idp{MockOIDC: m}
	// Tampering: the ID token's payload changed (another subject, an
	// officer's groups), its signature kept.
	_ = m.AddMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !p.tamper || !strings.HasSuffix(r.URL.Path, "/token") {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			var body map[string]any
			_ = json.Unmarshal(rec.Body.Bytes(), &body)
			if tok, ok := body["id_token"].(string); ok {
				parts := strings.Split(tok, ".")
				payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
				payload = bytes.Replace(payload, []byte(`"groups":["alla"]`), []byte(`"groups":["sg-forvaltning"]`), 1)
				parts[1] = base64.RawURLEncoding.EncodeToString(payload)
				body["id_token"] = strings.Join(parts, ".")
			}
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(body)
		})
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(ln, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })
	return p
}

func (p *idp) provider(t *testing.T, redirect string, scopes ...string) *sso.Provider {
	t.Helper()
	cfg := p.Config()
	prov, err := sso.New(sso.Config{Issuer: cfg.Issuer, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
		RedirectURL: redirect, Scopes: scopes})
	if err != nil {
		t.Fatal(err)
	}
	return prov
}

const webMapping = `
[[rule]]
group = "sg-forvaltning"
role  = "officer"
[[rule]]
group = "sg-rektor-ekbacka"
role  = "principal"
units = ["` + unitA + `"]
`

// ssoEnv serves the demo with staff single sign-on and guardians'
// e-identification, each through its own provider.
func ssoEnv(t *testing.T, db *store.DB, staff, broker *idp, opts web.Options) *env {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	m, err := sso.ParseMapping(webMapping)
	if err != nil {
		t.Fatal(err)
	}
	opts.PublicURL = base
	opts.StaffSSO, opts.StaffMapping = staff.provider(t, base+"/login/sso/callback", "email", "profile", "groups"), m
	opts.GuardianSSO = broker.provider(t, base+"/login/e-id/callback", "profile")
	opts.GuardianKey, opts.GuardianPINClaim = []byte(strings.Repeat("g", 32)), sso.PersonalNumberClaim
	return startOn(t, db, ln, opts)
}

// through follows redirects from res the way a browser would, across the
// provider and this server, and returns the first answer that is not a
// redirect, or the redirect that leaves for neither.
func (c *client) through(res response) (response, string) {
	c.e.t.Helper()
	last := ""
	for i := 0; i < 10 && (res.status == http.StatusFound || res.status == http.StatusSeeOther); i++ {
		loc := res.header.Get("Location")
		if strings.HasPrefix(loc, "/") {
			loc = c.e.srv.URL + loc
		}
		last = loc
		req, _ := http.NewRequest("GET", loc, nil)
		res = c.do(req)
	}
	return res, last
}

func TestStaffSingleSignOn(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		staff, broker := startIdP(t), startIdP(t)
		e := ssoEnv(t, db, staff, broker, web.Options{})

		// A new person: created with the role and unit of their group.
		staff.QueueUser(&mockoidc.MockUser{Subject: "entra-1", Email: "ny.rektor@exempelby.example", EmailVerified: true,
			PreferredUsername: "Nina Rektor", Groups: []string{"alla", "sg-rektor-ekbacka"}})
		c := e.client()
		if r := c.get("/login"); !strings.Contains(r.body, `href="/login/sso?next=`) || !strings.Contains(r.body, `action="/login"`) {
			t.Fatalf("login page offers no single sign-on or no password form:\n%s", r.body)
		}
		res, last := c.through(c.get("/login/sso?next=/account"))
		if res.status != http.StatusOK || !strings.HasSuffix(last, "/account") {
			t.Fatalf("sign-in ended at %s with %d\n%s", last, res.status, res.body)
		}
		id := e.personID("ny.rektor@exempelby.example")
		var role string
		if err := db.QueryRow(t.Context(), "SELECT role FROM users WHERE id = ?", id).Scan(&role); err != nil || role != "principal" {
			t.Errorf("role %q %v, want principal", role, err)
		}
		if n := e.count("SELECT COUNT(*) FROM user_units WHERE user_id = ? AND unit_id = ?", id, e.unitID(unitA)); n != 1 {
			t.Errorf("not linked to %s", unitA)
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE action = 'login' AND entity_id = ? AND summary LIKE 'sso %'", itoa(id)); n != 1 {
			t.Errorf("%d sso login audit entries, want 1", n)
		}
		if r := c.get("/cases"); r.status != http.StatusOK {
			t.Errorf("a principal's case list: %d", r.status)
		}

		// An existing person (the demo's officer) is matched by e-mail,
		// and the group makes them an officer still.
		staff.QueueUser(&mockoidc.MockUser{Subject: "entra-2", Email: "klagomal@exempelby.example", EmailVerified: true,
			Groups: []string{"sg-forvaltning"}})
		o := e.client()
		if res, _ := o.through(o.get("/login/sso")); res.status != http.StatusOK {
			t.Fatalf("officer sign-in: %d", res.status)
		}
		if n := e.count("SELECT COUNT(*) FROM sso_identities WHERE subject = 'entra-2' AND user_id = ?", e.personID("klagomal@exempelby.example")); n != 1 {
			t.Error("the officer's identity is not linked to the existing person")
		}

		// Sign-out ends the session.
		if r := c.post("/logout", nil); r.status != http.StatusSeeOther {
			t.Fatalf("logout: %d", r.status)
		}
		if r := c.get("/cases"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
			t.Errorf("after sign-out /cases: %d %s", r.status, r.header.Get("Location"))
		}

		// No mapped group: refused with the reason, nobody created.
		staff.QueueUser(&mockoidc.MockUser{Subject: "entra-3", Email: "vikarie@exempelby.example", EmailVerified: true, Groups: []string{"alla"}})
		v := e.client()
		if res, _ := v.through(v.get("/login/sso")); res.status != http.StatusForbidden || !strings.Contains(res.body, "ingen behörighet") {
			t.Errorf("no group: %d\n%s", res.status, res.body)
		}
		// Tampered ID token (the groups claim raised to an officer's):
		// refused, nobody created, not signed in.
		staff.tamper = true
		staff.QueueUser(&mockoidc.MockUser{Subject: "entra-4", Email: "hacker@exempelby.example", EmailVerified: true, Groups: []string{"alla"}})
		h := e.client()
		if res, _ := h.through(h.get("/login/sso")); res.status != http.StatusUnauthorized {
			t.Errorf("tampered token: %d", res.status)
		}
		staff.tamper = false
		if n := e.count("SELECT COUNT(*) FROM users WHERE email IN ('vikarie@exempelby.example', 'hacker@exempelby.example')"); n != 0 {
			t.Errorf("%d refused people created", n)
		}
		if r := h.get("/cases"); r.status != http.StatusSeeOther {
			t.Errorf("after a tampered token /cases: %d", r.status)
		}

		// A callback replayed, or sent to another browser (login CSRF):
		// refused, since that browser's session holds no such sign-in.
		staff.QueueUser(&mockoidc.MockUser{Subject: "entra-1", Email: "ny.rektor@exempelby.example", EmailVerified: true, Groups: []string{"sg-rektor-ekbacka"}})
		a := e.client()
		toIdP := a.get("/login/sso")
		atIdP := a.do(mustGet(toIdP.header.Get("Location")))
		callback := atIdP.header.Get("Location")
		victim := e.client()
		if r := victim.do(mustGet(callback)); r.status != http.StatusUnauthorized {
			t.Errorf("callback in another browser: %d", r.status)
		}
		if r := a.do(mustGet(callback)); r.status != http.StatusSeeOther {
			t.Fatalf("callback in the browser that began: %d\n%s", r.status, r.body)
		}
		if r := a.do(mustGet(callback)); r.status != http.StatusUnauthorized {
			t.Errorf("callback replayed: %d", r.status)
		}

		// Expired ID token: refused.
		staff.AccessTTL = -60e9
		staff.QueueUser(&mockoidc.MockUser{Subject: "entra-2", Email: "klagomal@exempelby.example", EmailVerified: true, Groups: []string{"sg-forvaltning"}})
		x := e.client()
		if res, _ := x.through(x.get("/login/sso")); res.status != http.StatusUnauthorized {
			t.Errorf("expired token: %d", res.status)
		}
	})
}

func mustGet(u string) *http.Request {
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		panic(err)
	}
	return req
}

// TestPasswordsOff: with local passwords turned off the sign-in page has
// no password form, and posting one, or asking for a reset, is refused.
func TestPasswordsOff(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		e := ssoEnv(t, db, startIdP(t), startIdP(t), web.Options{NoPasswords: true})
		c := e.client()
		if r := c.get("/login"); strings.Contains(r.body, `action="/login"`) || !strings.Contains(r.body, "/login/sso") {
			t.Errorf("login page with passwords off:\n%s", r.body)
		}
		if r := c.post("/login", url.Values{"email": {"klagomal@exempelby.example"}, "password": {"exempelby-demo"}}); r.status != http.StatusForbidden {
			t.Errorf("password sign-in: %d", r.status)
		}
		if r := c.get("/password/forgot"); r.status != http.StatusNotFound {
			t.Errorf("forgot: %d", r.status)
		}
	})
}

// brokerUser is a guardian at the e-identification broker, with the
// Swedish OIDC profile's personal identity number claim.
type brokerUser struct{ sub, pin string }

func (u brokerUser) ID() string { return u.sub }
func (u brokerUser) Userinfo([]string) ([]byte, error) {
	return json.Marshal(map[string]string{"sub": u.sub})
}
func (u brokerUser) Claims(_ []string, base *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	return struct {
		*mockoidc.IDTokenClaims
		PIN   string `json:"https://id.oidc.se/claim/personalIdentityNumber"`
		Given string `json:"given_name"`
	}{base, u.pin, "Anna"}, nil
}

// TestGuardianMyCases: a guardian signed in with e-identification files a
// complaint and finds it under "Mina ärenden" in a new session, without
// the link; another guardian, staff and anonymous callers do not; a
// complaint filed without signing in, even with the same e-mail address,
// is not listed. The guardian replies to their case from its page.
func TestGuardianMyCases(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		broker := startIdP(t)
		e := ssoEnv(t, db, startIdP(t), broker, web.Options{})
		signIn := func(pin string) *client {
			broker.QueueUser(brokerUser{"b-" + pin, pin})
			c := e.client()
			if res, last := c.through(c.get("/login/e-id?next=/my-cases")); res.status != http.StatusOK || !strings.HasSuffix(last, "/my-cases") {
				t.Fatalf("e-id sign-in: %d at %s\n%s", res.status, last, res.body)
			}
			return c
		}
		anna := signIn("198112189876")
		if r := anna.get("/complaints/new"); !strings.Contains(r.body, `href="/my-cases"`) {
			t.Error("the form does not tell a signed-in guardian where the case will be listed")
		}
		e.fileComplaint(anna, map[string]string{"email": "familjen@example.com", "whatHappened": "Signed-in complaint"})
		// The same address, not signed in: not Anna's.
		e.fileComplaint(e.client(), map[string]string{"email": "familjen@example.com", "whatHappened": "Anonymous complaint"})
		var id int64
		var ref string
		if err := db.QueryRow(t.Context(), "SELECT id, reference FROM complaints WHERE what_happened = 'Signed-in complaint'").Scan(&id, &ref); err != nil {
			t.Fatal(err)
		}
		var other string
		if err := db.QueryRow(t.Context(), "SELECT reference FROM complaints WHERE what_happened = 'Anonymous complaint'").Scan(&other); err != nil {
			t.Fatal(err)
		}

		again := signIn("19811218-9876") // a new session, the same person
		list := again.get("/my-cases")
		if !strings.Contains(list.body, ref) || strings.Contains(list.body, other) {
			t.Errorf("Mina ärenden lists %q: %v, %q: %v", ref, strings.Contains(list.body, ref), other, strings.Contains(list.body, other))
		}
		if r := again.get("/my-cases/" + itoa(id)); r.status != http.StatusOK || !strings.Contains(r.body, ref) || strings.Contains(r.body, `action="/f/`) {
			t.Errorf("the case page: %d", r.status)
		}
		for _, lang := range []string{"en", "ar", "so", "fa"} {
			again.post("/language", url.Values{"lang": {lang}})
			if r := again.get("/my-cases"); r.status != http.StatusOK || strings.Contains(r.body, "public.mycases") {
				t.Errorf("%s: %d or a missing message", lang, r.status)
			}
		}

		bertil := signIn("194107086995")
		if r := bertil.get("/my-cases/" + itoa(id)); r.status != http.StatusNotFound {
			t.Errorf("another guardian: %d", r.status)
		}
		if r := bertil.get("/my-cases"); strings.Contains(r.body, ref) {
			t.Error("another guardian's list shows the case")
		}
		if r := e.client().get("/my-cases/" + itoa(id)); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login/e-id") {
			t.Errorf("anonymous: %d %s", r.status, r.header.Get("Location"))
		}
		if r := e.login("klagomal@exempelby.example").get("/my-cases/" + itoa(id)); r.status != http.StatusForbidden {
			t.Errorf("staff: %d", r.status)
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'complaint' AND entity_id = ? AND actor LIKE 'guardian:%'", itoa(id)); n != 1 {
			t.Errorf("%d audited guardian reads, want 1", n)
		}

		// The guardian replies from the case page, as through the link:
		// the reply is on the case as the filer's, audited with the
		// guardian as actor; empty is refused with the form kept;
		// another guardian, staff and anonymous callers cannot.
		if r := again.get("/my-cases/" + itoa(id)); !strings.Contains(r.body, `action="/my-cases/`+itoa(id)+`/reply"`) {
			t.Errorf("no reply form on the case page:\n%s", r.body)
		}
		if r := again.postMultipart("/my-cases/"+itoa(id)+"/reply", map[string]string{"body": ""}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("empty reply: %d", r.status)
		}
		if r := again.postMultipart("/my-cases/"+itoa(id)+"/reply", map[string]string{"body": "Ett tillägg: det hände igen i dag."}); r.status != http.StatusSeeOther ||
			r.header.Get("Location") != "/my-cases/"+itoa(id) {
			t.Fatalf("reply: %d %s\n%s", r.status, r.header.Get("Location"), r.body)
		}
		if r := again.get("/my-cases/" + itoa(id)); !strings.Contains(r.body, "Ett tillägg: det hände igen i dag.") {
			t.Error("the reply is not on the case page")
		}
		if n := e.count("SELECT COUNT(*) FROM complaint_events WHERE complaint_id = ? AND kind = 'reply' AND body = 'Ett tillägg: det hände igen i dag.'", id); n != 1 {
			t.Errorf("%d reply events, want 1", n)
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'complaint' AND entity_id = ? AND actor LIKE 'guardian:%' AND summary = 'reply by filer'", itoa(id)); n != 1 {
			t.Errorf("%d audited guardian replies, want 1", n)
		}
		if r := bertil.postMultipart("/my-cases/"+itoa(id)+"/reply", map[string]string{"body": "Inte mitt ärende"}); r.status != http.StatusNotFound {
			t.Errorf("another guardian's reply: %d", r.status)
		}
		if r := e.login("klagomal@exempelby.example").postMultipart("/my-cases/"+itoa(id)+"/reply", map[string]string{"body": "Personal"}); r.status != http.StatusForbidden {
			t.Errorf("staff's reply: %d", r.status)
		}
		if r := e.client().postMultipart("/my-cases/"+itoa(id)+"/reply", map[string]string{"body": "Anonym"}); r.status != http.StatusUnauthorized {
			t.Errorf("anonymous reply: %d", r.status)
		}
		if n := e.count("SELECT COUNT(*) FROM complaint_events WHERE complaint_id = ? AND kind = 'reply'", id); n != 1 {
			t.Errorf("%d reply events after the refused ones, want 1", n)
		}

		// Sign-out: the list is gone.
		if r := again.post("/logout/e-id", nil); r.status != http.StatusSeeOther {
			t.Fatalf("e-id sign-out: %d", r.status)
		}
		if r := again.get("/my-cases"); strings.Contains(r.body, ref) || !strings.Contains(r.body, "/login/e-id") {
			t.Error("after sign-out /my-cases still lists the case or offers no sign-in")
		}
	})
}

// TestProviderUnreachable: when the identity provider or e-identification
// broker is down, beginning a sign-in says so in the person's language
// with 503, never an internal error.
func TestProviderUnreachable(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		gone := "http://" + ln.Addr().String() // a port nobody answers on
		ln.Close()
		base, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		prov := func(redirect string) *sso.Provider {
			p, err := sso.New(sso.Config{Issuer: gone, ClientID: "styrkedjan", ClientSecret: "s", RedirectURL: redirect})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		m, err := sso.ParseMapping(webMapping)
		if err != nil {
			t.Fatal(err)
		}
		addr := "http://" + base.Addr().String()
		e := startOn(t, db, base, web.Options{PublicURL: addr, StaffSSO: prov(addr + "/login/sso/callback"), StaffMapping: m,
			GuardianSSO: prov(addr + "/login/e-id/callback"), GuardianKey: []byte(strings.Repeat("g", 32)), GuardianPINClaim: sso.PersonalNumberClaim})
		c := e.client()
		if r := c.get("/login/sso"); r.status != http.StatusServiceUnavailable || !strings.Contains(r.body, "Inloggningstjänsten svarar inte just nu") {
			t.Errorf("staff sign-in with the provider down: %d\n%.2000s", r.status, r.body)
		}
		c.post("/language", url.Values{"lang": {"ar"}})
		if r := c.get("/login/e-id"); r.status != http.StatusServiceUnavailable || !strings.Contains(r.body, "خدمة تسجيل الدخول لا تستجيب الآن") {
			t.Errorf("e-identification with the broker down: %d\n%.2000s", r.status, r.body)
		}
	})
}
