package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/web"
)

func TestLoginFailsWithOneGenericMessageAndThrottles(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.client()
		wrongPw := c.post("/login", url.Values{"email": {admin}, "password": {"wrong password"}})
		noUser := c.post("/login", url.Values{"email": {"nobody@exempelby.example"}, "password": {"wrong password"}})
		for _, r := range []response{wrongPw, noUser} {
			if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "E-postadressen eller lösenordet stämmer inte.") {
				t.Fatalf("failed login: %d", r.status)
			}
		}
		// Apart from the echoed address, an unknown account and a wrong
		// password look exactly the same.
		if strings.ReplaceAll(noUser.body, "nobody@exempelby.example", admin) != wrongPw.body {
			t.Error("responses for an unknown account and a wrong password differ")
		}
		for range 4 {
			c.post("/login", url.Values{"email": {admin}, "password": {"wrong again"}})
		}
		// Now throttled: even the right password is refused.
		r := c.post("/login", url.Values{"email": {admin}, "password": {"exempelby2026"}})
		if r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "För många misslyckade försök") {
			t.Fatalf("after 5 failures: %d", r.status)
		}
		// Another account is not affected.
		e.login(officer)
	})
}

func TestLoginRedirectsOnlyToLocalPaths(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		for next, want := range map[string]string{"/units": "/units", "https://evil.example/": "/", "//evil.example": "/"} {
			r := e.client().post("/login", url.Values{"email": {admin}, "password": {"exempelby2026"}, "next": {next}})
			if r.status != http.StatusSeeOther || r.header.Get("Location") != want {
				t.Errorf("next=%s: %d %q, want %q", next, r.status, r.header.Get("Location"), want)
			}
		}
	})
}

func TestLogoutEndsTheSession(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.login(admin)
		if r := c.get("/admin"); r.status != http.StatusOK {
			t.Fatalf("admin: %d", r.status)
		}
		if r := c.post("/logout", nil); r.status != http.StatusSeeOther {
			t.Fatalf("logout: %d", r.status)
		}
		if r := c.get("/admin"); r.status != http.StatusSeeOther {
			t.Fatalf("admin after logout: %d, want redirect to login", r.status)
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE action = ?", audit.Logout); n != 1 {
			t.Errorf("logout audit entries = %d", n)
		}
	})
}

func TestDeactivatedUserIsSignedOut(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.login(officer)
		if _, err := e.db.Exec(context.Background(), "UPDATE users SET active = ? WHERE email = ?", false, officer); err != nil {
			t.Fatal(err)
		}
		if r := c.get("/people"); r.status != http.StatusSeeOther {
			t.Fatalf("deactivated user: %d, want redirect to login", r.status)
		}
	})
}

func TestCrossOriginPostsAreRejected(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.login(admin)
		form := url.Values{"name": {"Hackat område"}}
		req, _ := http.NewRequest("POST", e.srv.URL+"/admin/areas", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://evil.example")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		if r := c.do(req); r.status != http.StatusForbidden {
			t.Fatalf("cross-site POST: %d, want 403", r.status)
		}
		if n := e.count("SELECT COUNT(*) FROM areas WHERE name = ?", "Hackat område"); n != 0 {
			t.Fatal("cross-site POST changed data")
		}
		// The same request from our own origin works.
		req, _ = http.NewRequest("POST", e.srv.URL+"/admin/areas", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		if r := c.do(req); r.status != http.StatusSeeOther {
			t.Fatalf("same-origin POST: %d", r.status)
		}
	})
}

func TestSecurityHeaders(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		r := e.client().get("/login")
		csp := r.header.Get("Content-Security-Policy")
		if strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("CSP = %q", csp)
		}
		for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"} {
			if got := r.header.Get(h); got != want {
				t.Errorf("%s = %q, want %q", h, got, want)
			}
		}
		// No inline script or style attribute anywhere: the CSP would block them.
		if strings.Contains(r.body, "<script>") || strings.Contains(r.body, " style=") {
			t.Error("page has inline script or style")
		}
		if hsts := r.header.Get("Strict-Transport-Security"); hsts != "" {
			t.Errorf("HSTS %q without --secure-cookies (plain HTTP)", hsts)
		}
	})
}

// Behind HTTPS (--secure-cookies) every answer tells browsers to keep to
// HTTPS, the error pages and the API too.
func TestHSTSBehindHTTPS(t *testing.T) {
	e := start(t, demoSQLite(t), web.Options{SecureCookies: true})
	for _, path := range []string{"/login", "/nowhere", "/api/v1/complaint-categories", "/healthz"} {
		if got := e.client().get(path).header.Get("Strict-Transport-Security"); got != "max-age=31536000" {
			t.Errorf("%s: Strict-Transport-Security %q", path, got)
		}
	}
}

func TestEveryPageRendersForAdmin(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.login(admin)
		unit, person := itoa(e.unitID(unitA)), itoa(e.personID(principalA))
		untranslated := regexp.MustCompile(`>\s*[a-z_]+\.[a-z_.]+\s*<`)
		for _, lang := range []string{"sv", "en"} {
			c.post("/language", url.Values{"lang": {lang}})
			for _, path := range []string{"/", "/overview", "/units", "/units/" + unit, "/people", "/people/" + person,
				"/account", "/admin", "/admin/organizer", "/admin/school-forms", "/admin/areas", "/admin/units/new",
				"/admin/units/" + unit, "/admin/people/new", "/admin/people/" + person, "/admin/audit", "/admin/outbox",
				"/admin/import"} {
				r := c.get(path)
				if r.status != http.StatusOK {
					t.Errorf("%s GET %s: %d", lang, path, r.status)
					continue
				}
				if !strings.Contains(r.body, `<html lang="`+lang+`"`) {
					t.Errorf("%s GET %s: wrong language", lang, path)
				}
				if m := untranslated.FindString(r.body); m != "" {
					t.Errorf("%s GET %s: untranslated message %q", lang, path, m)
				}
			}
		}
	})
}

func TestUnitFormKeepsInputAndExplainsErrors(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.login(admin)
		r := c.post("/admin/units", url.Values{
			"name": {"Nya skolan"}, "code": {"123"}, "lat": {"59,5"}, "lon": {""},
			"form.grundskola": {"on"}, "from.grundskola": {"3"}, "to.grundskola": {"11"},
		})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("invalid unit: %d", r.status)
		}
		for _, want := range []string{
			`value="Nya skolan"`, "Skolenhetskoden är åtta siffror.", "Fyll i både latitud och longitud",
			"Grundskola har årskurs 1–9", `role="alert"`, `aria-invalid="true"`,
		} {
			if !strings.Contains(r.body, want) {
				t.Errorf("response lacks %q", want)
			}
		}
		if n := e.count("SELECT COUNT(*) FROM units WHERE name = ?", "Nya skolan"); n != 0 {
			t.Fatal("invalid unit was saved")
		}
		r = c.post("/admin/units", url.Values{
			"name": {"Nya skolan"}, "code": {"95000001"}, "lat": {"59,5"}, "lon": {"16,4"}, "active": {"on"},
			"form.grundskola": {"on"}, "from.grundskola": {"1"}, "to.grundskola": {"3"},
		})
		if r.status != http.StatusSeeOther {
			t.Fatalf("valid unit: %d\n%s", r.status, r.body)
		}
		id := e.unitID("95000001")
		// Capacity fields appear for the chosen years and are saved.
		r = c.post("/admin/units/"+itoa(id), url.Values{
			"name": {"Nya skolan"}, "code": {"95000001"}, "lat": {"59.5"}, "lon": {"16.4"}, "active": {"on"},
			"form.grundskola": {"on"}, "from.grundskola": {"1"}, "to.grundskola": {"3"},
			"cap.grundskola.1": {"25"}, "cap.grundskola.2": {"26"},
		})
		if r.status != http.StatusSeeOther {
			t.Fatalf("capacity: %d", r.status)
		}
		if n := e.count("SELECT SUM(places) FROM unit_capacity WHERE unit_id = ?", id); n != 51 {
			t.Errorf("capacity = %d, want 51", n)
		}
		// A taken unit code is a field error, not a crash.
		r = c.post("/admin/units", url.Values{"name": {"Kopia"}, "code": {"95000001"}, "form.forskola": {"on"}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Det finns redan") {
			t.Errorf("duplicate code: %d", r.status)
		}
	})
}

func TestPersonWritesAndReadsAreAudited(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.login(admin)
		r := c.post("/admin/people", url.Values{
			"name": {"Rut Rektor"}, "email": {"Rut.Rektor@Exempelby.example"}, "role": {"principal"},
			"units": {itoa(e.unitID(unitB))}, "active": {"on"},
		})
		if r.status != http.StatusSeeOther {
			t.Fatalf("create person: %d\n%s", r.status, r.body)
		}
		id := e.personID("rut.rektor@exempelby.example")
		c.get("/people/" + itoa(id))
		entries, err := audit.List(context.Background(), e.db, audit.Filter{Entity: "user", EntityID: itoa(id)})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, en := range entries {
			actions = append(actions, en.Action)
			if en.Actor != admin || en.IP == "" {
				t.Errorf("entry %+v lacks actor or origin", en)
			}
		}
		// Newest first: the read of /people/{id}, then the create (this
		// client does not follow the redirect to the edit form).
		if strings.Join(actions, ",") != "read,create" {
			t.Errorf("audit actions = %v, want [read create]", actions)
		}
		// A principal of unit B now sees Rut; the principal of unit A does not.
		if r := e.login(principalB).get("/people/" + itoa(id)); r.status != http.StatusOK {
			t.Errorf("principal B reading Rut: %d", r.status)
		}
		if r := e.login(principalA).get("/people/" + itoa(id)); r.status != http.StatusNotFound {
			t.Errorf("principal A reading Rut: %d", r.status)
		}
	})
}

func TestAdminCannotLockThemselvesOut(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.login(admin)
		id := e.personID(admin)
		r := c.post("/admin/people/"+itoa(id), url.Values{"name": {"Alva"}, "email": {admin}, "role": {"officer"}, "active": {"on"}})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("self-demotion: %d", r.status)
		}
		if n := e.count("SELECT COUNT(*) FROM users WHERE email = ? AND role = 'admin'", admin); n != 1 {
			t.Fatal("admin demoted themselves")
		}
	})
}

func TestAuditLogPageAndExport(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.login(admin)
		c.get("/people/" + itoa(e.personID(principalA)))
		r := c.get("/admin/audit?action=read&entity=user")
		if r.status != http.StatusOK || !strings.Contains(r.body, admin) {
			t.Fatalf("audit page: %d", r.status)
		}
		if r := c.get("/admin/audit?from=yesterday"); r.status != http.StatusUnprocessableEntity {
			t.Errorf("bad date: %d, want 422", r.status)
		}
		r = c.get("/admin/audit.csv?action=login")
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
			t.Fatalf("export: %d %s", r.status, r.header.Get("Content-Type"))
		}
		lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(r.body, "\ufeff")), "\n")
		if len(lines) != 2 || !strings.Contains(lines[1], ";login;") {
			t.Errorf("export lines = %q", lines)
		}
		// Reading and exporting the log are themselves logged.
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'audit_log' AND action IN ('read', 'export')"); n != 2 {
			t.Errorf("audit-of-audit entries = %d, want 2", n)
		}
		// The link to older entries carries the filter and the last ID seen.
		ctx := e.as(admin)
		for range 100 {
			if err := audit.Log(ctx, e.db, audit.Read, "user", itoa(e.personID(principalA)), "test"); err != nil {
				t.Fatal(err)
			}
		}
		r = c.get("/admin/audit?action=read")
		older := regexp.MustCompile(`href="/admin/audit\?([^"]+)"`).FindStringSubmatch(r.body)
		if older == nil {
			t.Fatal("no link to older entries")
		}
		if q, err := url.ParseQuery(html.UnescapeString(older[1])); err != nil || q.Get("action") != "read" || q.Get("before") == "" {
			t.Errorf("older entries link %q", older[1])
		}
	})
}

func TestAPIWithBearerToken(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		token, err := auth.CreateToken(ctx, e.db, e.personID(principalA), "test", 0)
		if err != nil {
			t.Fatal(err)
		}
		c := e.client()
		c.token = token
		var me struct {
			Email string  `json:"email"`
			Role  string  `json:"role"`
			Units []int64 `json:"units"`
		}
		c.get("/api/v1/me").json(t, &me)
		if me.Email != principalA || string(me.Role) != "principal" || len(me.Units) != 1 {
			t.Errorf("me = %+v", me)
		}
		var units struct {
			Items []struct {
				Code string `json:"unitCode"`
			} `json:"items"`
		}
		c.get("/api/v1/units").json(t, &units)
		if len(units.Items) != 1 || units.Items[0].Code != unitA {
			t.Errorf("units = %+v", units)
		}

		c.token = "sdk_not-a-real-token"
		r := c.get("/api/v1/me")
		var problem struct {
			Status int    `json:"status"`
			Code   string `json:"code"`
			Detail string `json:"detail"`
		}
		r.json(t, &problem)
		if r.status != http.StatusUnauthorized || problem.Status != 401 || problem.Code != "unauthorized" ||
			r.header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("bad token: %d %+v", r.status, problem)
		}
		r = e.client().get("/api/v1/nothing-here")
		if r.status != http.StatusNotFound || r.header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("unknown API path: %d %s", r.status, r.header.Get("Content-Type"))
		}
	})
}

func TestHealthz(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		if r := e.client().get("/healthz"); r.status != http.StatusOK {
			t.Fatalf("healthz: %d", r.status)
		}
		e.db.Close()
		if r := e.client().get("/healthz"); r.status != http.StatusServiceUnavailable {
			t.Fatalf("healthz with the database closed: %d", r.status)
		}
	})
}

func TestEnglishByChoice(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.client()
		if r := c.get("/login"); !strings.Contains(r.body, "Logga in") {
			t.Fatal("default is not Swedish")
		}
		c.post("/language", url.Values{"lang": {"en"}, "next": {"/login"}})
		if r := c.get("/login"); !strings.Contains(r.body, "Sign in") || !strings.Contains(r.body, `lang="en"`) {
			t.Fatal("language choice not kept")
		}
		req, _ := http.NewRequest("GET", e.srv.URL+"/login", nil)
		req.Header.Set("Accept-Language", "en-GB,en;q=0.9")
		if r := e.client().do(req); !strings.Contains(r.body, "Sign in") {
			t.Error("Accept-Language not honoured")
		}
	})
}

func TestInviteQueuesAWelcomeMail(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.login(admin)
		id := e.personID(principalB)
		if r := c.post("/admin/people/"+itoa(id)+"/invite", nil); r.status != http.StatusSeeOther {
			t.Fatalf("invite: %d", r.status)
		}
		var subject, body string
		err := e.db.QueryRow(context.Background(), "SELECT subject, body_text FROM outbox WHERE to_addr = ?", principalB).Scan(&subject, &body)
		if err != nil {
			t.Fatal(err)
		}
		if subject != "Välkommen till Styrkedjan" || !strings.Contains(body, "/password/reset/") || !strings.Contains(body, "7 dagar") {
			t.Errorf("invite mail %q:\n%s", subject, body)
		}
		// Principals cannot invite.
		if r := e.login(principalA).post("/admin/people/"+itoa(id)+"/invite", nil); r.status != http.StatusForbidden {
			t.Errorf("principal invite: %d", r.status)
		}
	})
}
