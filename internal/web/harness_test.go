package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/jobs"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/web"
)

// env is a running server over a database loaded with the demo organizer.
type env struct {
	t       *testing.T
	db      *store.DB
	srv     *httptest.Server
	catalog *i18n.Catalog
}

// each runs fn against a fresh demo server on every configured database.
// Like eachDB, it marks the test parallel.
func each(t *testing.T, fn func(t *testing.T, e *env)) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		fn(t, start(t, db, web.Options{}))
	})
}

// start serves db, a copy of the demo (demoSQLite, demoPostgres, eachDB).
func start(t *testing.T, db *store.DB, opts web.Options) *env {
	t.Helper()
	return startOn(t, db, nil, opts)
}

// startOn is start on a listener chosen beforehand (nil: a new one), for
// options that must know the server's address, such as a redirect URL.
func startOn(t *testing.T, db *store.DB, ln net.Listener, opts web.Options) *env {
	t.Helper()
	catalog, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	if opts.MinGroup == 0 {
		opts.MinGroup = 5
	}
	if opts.SessionLifetime == 0 {
		opts.SessionLifetime, opts.SessionIdle = 12*time.Hour, 2*time.Hour
	}
	e := &env{t: t, db: db, catalog: catalog}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	j, err := jobs.New(context.Background(), jobs.Config{DB: db, Catalog: catalog, Log: log}) // as serve does
	if err != nil {
		t.Fatal(err)
	}
	opts.Placement = j.Placement()
	s, err := web.New(db, catalog, log, opts)
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewUnstartedServer(s.Handler())
	if ln != nil {
		e.srv.Listener.Close()
		e.srv.Listener = ln
	}
	e.srv.Start()
	t.Cleanup(e.srv.Close)
	return e
}

// client is a browser-like client with its own cookies that does not
// follow redirects, so tests see every status.
type client struct {
	e     *env
	http  *http.Client
	token string // bearer token, when set
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// login returns a client signed in as email with the demo password.
func (e *env) login(email string) *client {
	e.t.Helper()
	c := e.client()
	res := c.post("/login", url.Values{"email": {email}, "password": {demo.Password}})
	if res.status != http.StatusSeeOther {
		e.t.Fatalf("login %s: status %d\n%s", email, res.status, res.body)
	}
	return c
}

type response struct {
	status int
	header http.Header
	body   string
}

func (c *client) do(req *http.Request) response {
	c.e.t.Helper()
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{res.StatusCode, res.Header, string(b)}
}

func (c *client) get(path string) response {
	c.e.t.Helper()
	req, _ := http.NewRequest("GET", c.e.srv.URL+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values) response {
	c.e.t.Helper()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// json decodes a JSON response body into v.
func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
}

func (e *env) unitID(code string) int64 {
	e.t.Helper()
	id, err := org.UnitIDByCode(context.Background(), e.db, code)
	if err != nil {
		e.t.Fatalf("unit %s: %v", code, err)
	}
	return id
}

func (e *env) personID(email string) int64 {
	e.t.Helper()
	id, err := org.PersonIDByEmail(context.Background(), e.db, email)
	if err != nil {
		e.t.Fatalf("person %s: %v", email, err)
	}
	return id
}

func (e *env) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", query, err)
	}
	return n
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// act posts form to the route of the page action named by its "action"
// field: POST path/{action} with underscores as hyphens (each action of the
// case, meeting and dialogue pages is its own route).
func (c *client) act(path string, form url.Values) response {
	c.e.t.Helper()
	action := form.Get("action")
	rest := url.Values{}
	for k, v := range form {
		if k != "action" {
			rest[k] = v
		}
	}
	return c.post(path+"/"+strings.ReplaceAll(action, "_", "-"), rest)
}
