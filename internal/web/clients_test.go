package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/web"
)

// newAPIClient registers an API client with the complaints:submit scope
// and returns a test client carrying its token.
func (e *env) newAPIClient(name string, perMinute int) *client {
	e.t.Helper()
	token, err := auth.CreateClient(context.Background(), e.db, name, []auth.ClientScope{auth.ScopeSubmitComplaints}, perMinute)
	if err != nil {
		e.t.Fatal(err)
	}
	c := e.client()
	c.token = token
	return c
}

// clientMayUse is the rule an API client is held to: public reads, and
// the routes whose permission its scopes hold (complaints:submit: the
// intake). Everything else is refused.
func clientMayUse(rt web.Route, method string) bool {
	perm, publicOr := web.SignedInNeeds(rt.Permission)
	if (rt.Permission == web.Public || publicOr) && method == http.MethodGet {
		return true
	}
	return publicOr && auth.ScopeReach(auth.ScopeSubmitComplaints, perm) != auth.ReachNone
}

// TestClientAccess walks every route of the table with an API client's
// token: it may read what is public and file complaints, and is refused
// (401 or 403) everywhere else, private links and public forms included.
func TestClientAccess(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ids := e.demoIDs()
		c := e.newAPIClient("E-tjänsteplattformen", 600)
		allowedSomewhere, refusedSomewhere := 0, 0
		for _, rt := range web.Routes() {
			methods := []string{rt.Method}
			path := ids.fill(rt.Method, rt.Path)
			if rt.Method == "" { // the catch-all not-found routes
				methods, path = []string{http.MethodGet, http.MethodPost}, rt.Path+"no-such-page"
			}
			for _, method := range methods {
				var res response
				switch method {
				case http.MethodGet:
					res = c.get(path)
				case http.MethodPost:
					res = c.post(path, url.Values{})
				default:
					t.Fatalf("%s %s: no request for method", rt.Method, rt.Path)
				}
				name := method + " " + rt.Path + " as an API client (" + path + ")"
				refused := res.status == http.StatusForbidden || res.status == http.StatusUnauthorized
				switch {
				case res.status >= 500:
					t.Errorf("%s: status %d", name, res.status)
				case clientMayUse(rt, method) && refused:
					t.Errorf("%s: refused with %d", name, res.status)
				case !clientMayUse(rt, method) && !refused:
					t.Errorf("%s: status %d, want 401 or 403", name, res.status)
				}
				if clientMayUse(rt, method) {
					allowedSomewhere++
				} else {
					refusedSomewhere++
				}
			}
		}
		if allowedSomewhere == 0 || refusedSomewhere == 0 {
			t.Errorf("walked %d allowed and %d refused routes", allowedSomewhere, refusedSomewhere)
		}
	})
}

// An e-service platform sends everyone's complaints from one address: with
// its token 25 submissions in a minute pass, where anonymous ones from
// that address stop at the per-address limit of 20. Each appears in the
// audit log under the client's name; a revoked token is 401.
func TestClientOwnLimitAuditAndRevoke(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		e := start(t, db, web.Options{IntakePerMinute: 20})
		platform := e.newAPIClient("Mina sidor", 600)
		for i := range 25 {
			if r := platform.postJSON("/api/v1/complaints", e.submission()); r.status != http.StatusCreated {
				t.Fatalf("client submission %d: %d %s", i+1, r.status, r.body)
			}
		}
		anon := e.client()
		passed, limited := 0, 0
		for range 25 {
			switch r := anon.postJSON("/api/v1/complaints", e.submission()); r.status {
			case http.StatusCreated:
				passed++
			case http.StatusTooManyRequests:
				limited++
			default:
				t.Fatalf("anonymous submission: %d %s", r.status, r.body)
			}
		}
		if passed != 20 || limited != 5 {
			t.Errorf("anonymous from the same address: %d passed, %d limited; want 20 and 5", passed, limited)
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE actor = ? AND entity = 'complaint'", "client:Mina sidor"); n != 25 {
			t.Errorf("%d audit entries by client:Mina sidor, want 25", n)
		}
		// Its own limit holds it too.
		small := e.newAPIClient("Liten plattform", 3)
		for i := range 4 {
			r := small.postJSON("/api/v1/complaints", e.submission())
			if want := map[bool]int{true: http.StatusCreated, false: http.StatusTooManyRequests}[i < 3]; r.status != want {
				t.Errorf("small client submission %d: %d, want %d", i+1, r.status, want)
			}
		}
		if err := auth.RevokeClient(context.Background(), e.db, "Mina sidor"); err != nil {
			t.Fatal(err)
		}
		if r := platform.postJSON("/api/v1/complaints", e.submission()); r.status != http.StatusUnauthorized {
			t.Errorf("revoked client: %d %s, want 401", r.status, r.body)
		}
		if r := platform.get("/api/v1/complaint-categories"); r.status != http.StatusUnauthorized {
			t.Errorf("revoked client reading the categories: %d, want 401", r.status)
		}
	})
}

// The same Idempotency-Key from two clients is two cases; from one client
// twice, one.
func TestClientIdempotencyKeys(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a, b := e.newAPIClient("Plattform A", 600), e.newAPIClient("Plattform B", 600)
		id := func(c *client, want int) int64 {
			t.Helper()
			r := c.postJSON("/api/v1/complaints", e.submission(), "Idempotency-Key", "arende-7")
			var rec struct{ ID int64 }
			r.json(t, &rec)
			if r.status != want {
				t.Fatalf("submit: %d %s, want %d", r.status, r.body, want)
			}
			return rec.ID
		}
		first, second := id(a, http.StatusCreated), id(b, http.StatusCreated)
		if first == second {
			t.Errorf("two clients' equal keys gave one case (%d)", first)
		}
		if again := id(a, http.StatusOK); again != first {
			t.Errorf("the same client's key again: case %d, want %d", again, first)
		}
		if n := e.count("SELECT COUNT(*) FROM complaints WHERE id IN (?, ?)", first, second); n != 2 {
			t.Errorf("%d cases, want 2", n)
		}
	})
}

// TestClientsAdminPage: an admin registers an API client on the admin
// page and sees its token once; the token files a complaint; the name
// cannot be taken twice; revoking ends the token; each change is in the
// audit log under the admin's name; nobody else reaches the page.
func TestClientsAdminPage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a := e.login(admin)
		if r := a.get("/admin"); !strings.Contains(r.body, `href="/admin/clients"`) {
			t.Error("the admin page does not lead to the API clients")
		}
		if r := a.post("/admin/clients", url.Values{"name": {""}, "per_minute": {"0"}}); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, "Skriv ett heltal från 1 till 100") {
			t.Errorf("empty form: %d", r.status)
		}
		r := a.post("/admin/clients", url.Values{"name": {"E-tjänsteplattformen"}, "per_minute": {"900"}})
		token := regexp.MustCompile(`<code class="token">(sdc_[A-Za-z0-9_-]+)</code>`).FindStringSubmatch(r.body)
		if r.status != http.StatusOK || token == nil || r.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("add: %d, token %v, Cache-Control %q", r.status, token, r.header.Get("Cache-Control"))
		}
		if again := a.get("/admin/clients"); strings.Contains(again.body, token[1]) || !strings.Contains(again.body, "E-tjänsteplattformen") {
			t.Error("the token is shown again, or the client is not listed")
		}
		if r := a.post("/admin/clients", url.Values{"name": {"E-tjänsteplattformen"}, "per_minute": {"5"}}); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, "Det finns redan en klient med det namnet") {
			t.Errorf("the same name twice: %d", r.status)
		}
		platform := e.client()
		platform.token = token[1]
		if res := platform.postJSON("/api/v1/complaints", e.submission()); res.status != http.StatusCreated {
			t.Fatalf("the new token files nothing: %d %s", res.status, res.body)
		}
		if r := a.post("/admin/clients/revoke", url.Values{"name": {"E-tjänsteplattformen"}}); r.status != http.StatusSeeOther {
			t.Fatalf("revoke: %d", r.status)
		}
		if res := platform.postJSON("/api/v1/complaints", e.submission()); res.status != http.StatusUnauthorized {
			t.Errorf("a revoked token: %d", res.status)
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'api_client' AND actor_id = ?", e.personID(admin)); n != 2 {
			t.Errorf("%d audit entries by the admin, want add and revoke", n)
		}
		for _, who := range []string{officer, principalA, boardEmail} {
			if r := e.login(who).get("/admin/clients"); r.status != http.StatusForbidden {
				t.Errorf("%s reaches the API clients: %d", who, r.status)
			}
		}
	})
}
