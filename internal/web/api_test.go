package web_test

import (
	"context"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
	"github.com/styrkedjan/styrkedjan/internal/web"
)

// problemOf decodes a problem document, failing unless r is one.
func problemOf(t *testing.T, r response) (p struct {
	Status int    `json:"status"`
	Code   string `json:"code"`
	Detail string `json:"detail"`
}) {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q, want application/problem+json: %.300s", ct, r.body)
		return p
	}
	r.json(t, &p)
	return p
}

// TestAPIBearerSchemeIsCaseInsensitive: "bearer", "BEARER" and extra
// spaces are the same scheme (RFC 9110 section 11.1); another scheme is
// refused with 401.
func TestAPIBearerSchemeIsCaseInsensitive(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		token, err := auth.CreateToken(context.Background(), e.db, e.personID(officer), "test", 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range []string{"Bearer " + token, "bearer " + token, "BEARER " + token, "bEaReR   " + token + " "} {
			req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/me", nil)
			req.Header.Set("Authorization", h)
			r := e.client().do(req)
			var me struct {
				Email string `json:"email"`
			}
			if r.status != http.StatusOK {
				t.Errorf("Authorization %q: %d, want 200", strings.Replace(h, token, "TOKEN", 1), r.status)
				continue
			}
			if r.json(t, &me); me.Email != officer {
				t.Errorf("Authorization %q: me = %q", strings.Replace(h, token, "TOKEN", 1), me.Email)
			}
		}
		for _, h := range []string{"Basic " + token, "Bearer", "Bearer ", token, "Bearertoken " + token} {
			req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/me", nil)
			req.Header.Set("Authorization", h)
			r := e.client().do(req)
			if p := problemOf(t, r); r.status != http.StatusUnauthorized || p.Code != "unauthorized" || r.header.Get("WWW-Authenticate") == "" {
				t.Errorf("Authorization %q: %d %+v, want 401 with WWW-Authenticate", strings.Replace(h, token, "TOKEN", 1), r.status, p)
			}
		}
	})
}

// TestAPIUnitsForBoardMembers: the unit catalogue is public, so a board
// member (who may not read the internal unit pages) gets what anonymous
// callers get, not 403; those who may read units get their scope.
func TestAPIUnitsForBoardMembers(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		type units struct {
			Items []map[string]any `json:"items"`
		}
		var anon, board, adm units
		e.client().get("/api/v1/units").json(t, &anon)
		r := e.login(boardEmail).get("/api/v1/units")
		if r.status != http.StatusOK {
			t.Fatalf("board member: %d, want 200\n%s", r.status, r.body)
		}
		r.json(t, &board)
		if len(board.Items) == 0 || len(board.Items) != len(anon.Items) {
			t.Errorf("board member got %d units, anonymous callers %d", len(board.Items), len(anon.Items))
		}
		for _, u := range board.Items {
			if _, internal := u["streetAddress"]; internal {
				t.Fatalf("board member got a unit's internal facts: %v", u)
			}
		}
		e.login(admin).get("/api/v1/units").json(t, &adm)
		if len(adm.Items) == 0 || adm.Items[0]["streetAddress"] == nil {
			t.Errorf("admin did not get the units' facts: %v", adm.Items)
		}
		if r := e.login(boardEmail).get("/api/v1/units/" + itoa(e.unitID(unitA))); r.status != http.StatusForbidden {
			t.Errorf("board member, one unit's internal facts: %d, want 403", r.status)
		}
	})
}

// TestAPIComplaintsOnAFreshInstall: before the organizer is set up no
// complaint can be registered (it would get no reference); the API says so
// with a 503 problem document, the form pages with a 503 page, in the
// caller's language, instead of a bare 404.
func TestAPIComplaintsOnAFreshInstall(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := start(t, db, web.Options{})
		ac := e.apiChecker(t)
		sub := map[string]any{"filerRole": "guardian", "unit": "organization", "kind": "complaint", "category": "teaching",
			"whatHappened": "Ingen svarar."}
		r := ac.call(t, "anonymous", e.client(), http.MethodPost, "/api/v1/complaints", sub, "Accept-Language", "en")
		p := problemOf(t, r)
		if r.status != http.StatusServiceUnavailable || p.Code != "unavailable" || !strings.Contains(p.Detail, "not been set up") {
			t.Errorf("API submission on a fresh install: %d %+v", r.status, p)
		}
		if n := e.count("SELECT COUNT(*) FROM complaints"); n != 0 {
			t.Errorf("%d cases registered", n)
		}
		for _, path := range []string{"/complaints/new", "/complaints/easy"} {
			r := e.client().get(path)
			if r.status != http.StatusServiceUnavailable || !strings.Contains(r.body, "inte är färdig att använda") {
				t.Errorf("GET %s on a fresh install: %d\n%.400s", path, r.status, r.body)
			}
		}
		c := e.client()
		req, _ := http.NewRequest("POST", e.srv.URL+"/complaints", strings.NewReader("filerRole=guardian&unit=organization&kind=complaint&category=teaching&whatHappened=x"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept-Language", "en")
		if r := c.do(req); r.status != http.StatusServiceUnavailable || !strings.Contains(r.body, "has not been set up") {
			t.Errorf("POST /complaints on a fresh install: %d\n%.400s", r.status, r.body)
		}
	})
}

// TestAPIAnswers503WhileTheDatabaseIsDown: with the database gone (on
// PostgreSQL a real outage, and back again) every
// API call answers 503 with Retry-After as the document says, whatever the
// credentials (a token or session that cannot be checked is not a wrong
// one: no 401; only a call with no credentials to a route that needs them
// still gets 401), and pages answer with the error page in Swedish or
// English.
func TestAPIAnswers503WhileTheDatabaseIsDown(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ac := e.apiChecker(t)
		clients := e.tokenClients(t)
		session := e.login(officer)
		bogus := e.client()
		bogus.token = "sdk_not-a-real-token"
		sub := e.submission()
		back := e.takeDown(t)

		down := func(who string, r response) {
			t.Helper()
			p := problemOf(t, r)
			if r.status != http.StatusServiceUnavailable || p.Code != "unavailable" || r.header.Get("Retry-After") == "" {
				t.Errorf("%s: %d %+v Retry-After %q, want 503 with Retry-After", who, r.status, p, r.header.Get("Retry-After"))
			}
		}
		for _, who := range []string{"officer", "board"} {
			down(who+" GET /api/v1/me", ac.call(t, who, clients[who], http.MethodGet, "/api/v1/me", nil))
		}
		for _, who := range []string{"officer", "board", "anonymous"} {
			down(who+" GET /api/v1/units", ac.call(t, who, clients[who], http.MethodGet, "/api/v1/units", nil))
		}
		down("unknown token", ac.call(t, "unknown token", bogus, http.MethodGet, "/api/v1/cases", nil))
		down("session", session.get("/api/v1/cases"))
		down("submission", ac.call(t, "anonymous", clients["anonymous"], http.MethodPost, "/api/v1/complaints", sub))

		for _, c := range []struct {
			who  *client
			path string
			lang string
			text string
		}{
			{e.client(), "/complaints/new", "sv", "Tjänsten är tillfälligt otillgänglig"},
			{e.client(), "/complaints/new", "en", "The service is temporarily unavailable"},
			{session, "/cases", "sv", "Tjänsten är tillfälligt otillgänglig"}, // the session cannot be loaded
			{session, "/cases", "en", "The service is temporarily unavailable"},
		} {
			req, _ := http.NewRequest("GET", e.srv.URL+c.path, nil)
			req.Header.Set("Accept-Language", c.lang)
			r := c.who.do(req)
			if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" ||
				!strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !strings.Contains(r.body, c.text) {
				t.Errorf("GET %s (%s) with the database down: %d Retry-After %q\n%.400s", c.path, c.lang, r.status, r.header.Get("Retry-After"), r.body)
			}
		}
		if back == nil {
			return
		}
		back()
		if r := ac.call(t, "officer", clients["officer"], http.MethodGet, "/api/v1/me", nil); r.status != http.StatusOK {
			t.Errorf("GET /api/v1/me with the database back: %d", r.status)
		}
		if r := session.get("/cases"); r.status != http.StatusOK {
			t.Errorf("GET /cases with the database back: %d", r.status)
		}
	})
}

// takeDown makes the database unreachable. On PostgreSQL that is a real
// outage: the database refuses new connections and its sessions are
// ended, so the driver fails as it does when the server is gone; the
// returned func ends the outage. On SQLite the handle is closed for good
// (back is nil).
func (e *env) takeDown(t *testing.T) (back func()) {
	t.Helper()
	ctx := context.Background()
	if e.db.Dialect() != store.Postgres {
		e.db.Close()
		return nil
	}
	var name string
	if err := e.db.QueryRow(ctx, "SELECT current_database()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	admin := templates.pgAdmin
	if _, err := admin.Exec(ctx, "ALTER DATABASE "+name+" ALLOW_CONNECTIONS false"); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ?", name); err != nil {
		t.Fatal(err)
	}
	return func() {
		if _, err := admin.Exec(ctx, "ALTER DATABASE "+name+" ALLOW_CONNECTIONS true"); err != nil {
			t.Fatal(err)
		}
	}
}

// TestHealthzReportsAFullDisk: /healthz answers 503 and says why when a
// watched folder's file system has less free space than asked for.
func TestHealthzReportsAFullDisk(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		dir := t.TempDir()
		if r := start(t, db, web.Options{DiskPaths: []string{dir}, MinFreeDisk: 1}).client().get("/healthz"); r.status != http.StatusOK {
			t.Fatalf("healthz with room: %d %s", r.status, r.body)
		}
		r := start(t, db, web.Options{DiskPaths: []string{dir}, MinFreeDisk: math.MaxUint64}).client().get("/healthz")
		if r.status != http.StatusServiceUnavailable || !strings.Contains(r.body, "disk full: "+dir) {
			t.Errorf("healthz with a threshold above the free space: %d %q", r.status, r.body)
		}
		r = start(t, db, web.Options{DiskPaths: []string{dir + "/missing"}}).client().get("/healthz")
		if r.status != http.StatusServiceUnavailable || !strings.Contains(r.body, "disk: "+dir+"/missing") {
			t.Errorf("healthz with a folder that is not there: %d %q", r.status, r.body)
		}
	})
}
