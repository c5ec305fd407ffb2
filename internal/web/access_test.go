package web_test

import (
	"context"
	"flag"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/web"
)

var update = flag.Bool("update", false, "rewrite testdata/access.golden from the route table")

const goldenAccess = "testdata/access.golden"

// allowedRoles lists who may use a route of permission perm: "anonymous"
// and the roles, in auth.Roles order.
func allowedRoles(perm auth.Permission) []string {
	var out []string
	open := perm == web.Public || perm == web.PrivateLink
	_, publicOr := web.SignedInNeeds(perm) // open to all; perm only widens the view
	if open || publicOr {
		out = append(out, "anonymous")
	}
	for _, r := range auth.Roles {
		if open || publicOr || perm == web.SignedIn || auth.RoleCan(r, perm) {
			out = append(out, string(r))
		}
	}
	return out
}

// accessTable renders the route table as the golden file does: one line per
// route with its method, pattern, permission and the roles it lets in.
func accessTable() string {
	var b strings.Builder
	b.WriteString("# method pattern permission allowed (regenerate: go test ./internal/web -run TestAccessGolden -update)\n")
	for _, rt := range web.Routes() {
		method := rt.Method
		if method == "" {
			method = "ANY"
		}
		b.WriteString(method + " " + rt.Path + " " + string(rt.Permission) + " " + strings.Join(allowedRoles(rt.Permission), ",") + "\n")
	}
	return b.String()
}

// TestAccessGolden fails when a route is added, removed or changes its rule
// without testdata/access.golden following (go test -update rewrites it).
func TestAccessGolden(t *testing.T) {
	got := accessTable()
	if *update {
		if err := os.WriteFile(goldenAccess, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(goldenAccess)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for _, l := range gl {
			if !slices.Contains(wl, l) {
				t.Errorf("route table has, golden lacks: %s", l)
			}
		}
		for _, l := range wl {
			if !slices.Contains(gl, l) {
				t.Errorf("golden has, route table lacks: %s", l)
			}
		}
		t.Error("the route table and " + goldenAccess + " differ; run with -update if the change is meant")
	}
	for _, rt := range web.Routes() {
		if rt.Permission == "" {
			t.Errorf("%s %s has no permission", rt.Method, rt.Path)
		}
	}
}

// demoIDs finds real demo ids for the path parameters of GET routes.
type demoIDs map[string]string

func (e *env) demoIDs() demoIDs {
	ctx := context.Background()
	first := func(q string) string {
		var id int64
		if err := e.db.QueryRow(ctx, q).Scan(&id); err != nil || id == 0 {
			return "999999"
		}
		return strconv.FormatInt(id, 10)
	}
	ids := demoIDs{
		"case":        first("SELECT COALESCE(MIN(id), 0) FROM complaints"),
		"meeting":     first("SELECT COALESCE(MIN(id), 0) FROM meetings"),
		"dialogue":    first("SELECT COALESCE(MIN(id), 0) FROM dialogues"),
		"initiative":  first("SELECT COALESCE(MIN(id), 0) FROM initiatives"),
		"unit":        strconv.FormatInt(e.unitID("92000201"), 10),
		"person":      strconv.FormatInt(e.personID(demo.Accounts[2].Email), 10),
		"area":        first("SELECT COALESCE(MIN(id), 0) FROM areas"),
		"round":       first("SELECT COALESCE(MIN(id), 0) FROM placement_rounds"),
		"run":         first("SELECT COALESCE(MIN(id), 0) FROM placement_runs"),
		"appeal":      first("SELECT COALESCE(MIN(id), 0) FROM placement_appeals"),
		"applicant":   "1",
		"file":        first("SELECT COALESCE(MIN(id), 0) FROM complaint_attachments"),
		"key":         "merit_value_9",
		"token":       "not-a-real-token",
		"accessround": first("SELECT COALESCE(MIN(id), 0) FROM access_rounds"),
		"accessset":   first("SELECT COALESCE(MIN(id), 0) FROM access_sets"),
		"survey":      first("SELECT COALESCE(MIN(id), 0) FROM survey_rounds"),
		"group":       first("SELECT COALESCE(MIN(id), 0) FROM survey_groups WHERE code IS NOT NULL"),
		"code":        "NOTACODE",
		"text":        "0",
	}
	return ids
}

// fill puts ids into a pattern's path: real ids for reads, ids that do not
// exist for writes (so the walk changes nothing it later reads).
func (ids demoIDs) fill(method, path string) string {
	var b strings.Builder
	for seg := range strings.SplitSeq(path, "/") {
		if b.Len() > 0 || strings.HasPrefix(path, "/") {
			b.WriteString("/")
		}
		if !strings.HasPrefix(seg, "{") {
			b.WriteString(seg)
			continue
		}
		name := strings.Trim(seg, "{}$")
		if name == "" { // {$}
			continue
		}
		if method != http.MethodGet && name != "token" && name != "key" {
			b.WriteString("999999")
			continue
		}
		b.WriteString(ids.forParam(path, name))
	}
	out := b.String()
	return strings.TrimPrefix(out, "/")
}

func (ids demoIDs) forParam(path, name string) string {
	if name != "id" {
		return ids[name]
	}
	for _, p := range []struct{ prefix, kind string }{
		{"/dialogues/initiatives/", "initiative"}, {"/cases/", "case"}, {"/api/v1/cases/", "case"},
		{"/meetings/", "meeting"}, {"/dialogues/", "dialogue"}, {"/api/v1/dialogues/", "dialogue"},
		{"/admin/areas/", "area"}, {"/placement/rounds/", "round"}, {"/api/v1/placement/rounds/", "round"},
		{"/people/", "person"}, {"/admin/people/", "person"}, {"/api/v1/people/", "person"},
		{"/units/", "unit"}, {"/admin/units/", "unit"}, {"/unitpicture/units/", "unit"},
		{"/api/v1/units/", "unit"}, {"/api/v1/unitpicture/units/", "unit"},
		{"/accessibility/rounds/", "accessround"}, {"/accessibility/sets/", "accessset"}, {"/api/v1/accessibility/units/", "unit"},
		{"/surveys/rounds/", "survey"}, {"/api/v1/surveys/", "survey"},
	} {
		if strings.HasPrefix(path, p.prefix) {
			return ids[p.kind]
		}
	}
	return "999999"
}

// TestAccess walks every route of the table for anonymous callers and a
// demo person of every role, on both databases, and compares what the
// server does with the table: a caller the permission does not let in is
// refused (403; anonymous callers get 401 or the way to the login), a
// caller it lets in is not refused (any other status, a 404 or a 422 is
// fine: scope and validation come after access).
func TestAccess(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ids := e.demoIDs()
		clients := map[string]*client{"anonymous": e.client()}
		for _, a := range demo.Accounts {
			clients[string(a.Role)] = e.login(a.Email)
		}
		who := append([]string{"anonymous"}, func() []string {
			var rs []string
			for _, r := range auth.Roles {
				rs = append(rs, string(r))
			}
			return rs
		}()...)
		for _, rt := range web.Routes() {
			if rt.Method == "" { // the catch-all not-found routes
				continue
			}
			path := ids.fill(rt.Method, rt.Path)
			allowed := allowedRoles(rt.Permission)
			for _, role := range who {
				c := clients[role]
				if rt.Method == http.MethodPost && rt.Path == "/logout" && role != "anonymous" {
					c = e.login(accountOf(role)) // logging out would end the shared session
				}
				var res response
				switch rt.Method {
				case http.MethodGet:
					res = c.get(path)
				case http.MethodPost:
					res = c.post(path, url.Values{})
				default:
					t.Fatalf("%s %s: no request for method", rt.Method, rt.Path)
				}
				name := rt.Method + " " + rt.Path + " as " + role + " (" + path + ")"
				// On the public routes a 401 or the way to the login is the
				// route's own answer (a wrong password, signing out), not a refusal.
				refused := res.status == http.StatusForbidden
				if _, publicOr := web.SignedInNeeds(rt.Permission); rt.Permission != web.Public && rt.Permission != web.PrivateLink && !publicOr {
					refused = refused || res.status == http.StatusUnauthorized ||
						(res.status == http.StatusSeeOther && strings.HasPrefix(res.header.Get("Location"), "/login"))
				}
				switch {
				case res.status >= 500:
					t.Errorf("%s: status %d", name, res.status)
				case slices.Contains(allowed, role) && refused:
					t.Errorf("%s: refused with %d, the table lets %s in", name, res.status, role)
				case !slices.Contains(allowed, role) && role == "anonymous" && !refused:
					t.Errorf("%s: status %d, want 401 or the login", name, res.status)
				case !slices.Contains(allowed, role) && role != "anonymous" && res.status != http.StatusForbidden:
					t.Errorf("%s: status %d, want 403", name, res.status)
				}
			}
		}
	})
}

func accountOf(role string) string {
	for _, a := range demo.Accounts {
		if string(a.Role) == role {
			return a.Email
		}
	}
	return ""
}
