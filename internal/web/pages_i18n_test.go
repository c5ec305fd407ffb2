package web_test

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/web"
)

// TestEveryPageIsTranslated visits every page a user can reach by links —
// each role in every staff language, and the public pages in every language —
// and fails on any message the page asked for that its language lacks
// (i18n.Catalog.RecordMissing): missing IDs, Swedish fallbacks in English,
// template fields without a value.
func TestEveryPageIsTranslated(t *testing.T) {
	t.Parallel()
	e := start(t, demoSQLite(t), web.Options{})
	followUp := e.fileComplaint(e.client(), nil)
	guardian := e.publishedPlacementLink()
	e.catalog.RecordMissing()

	for _, l := range i18n.Languages {
		if !l.Staff {
			continue
		}
		for _, a := range demo.Accounts {
			c := e.login(a.Email)
			began := time.Now()
			visited, missing := c.crawl(l.Code, "/", "/account")
			t.Logf("%s as %s: %d pages in %v", l.Code, a.Role, len(visited), time.Since(began))
			if len(visited) < 10 {
				t.Errorf("%s as %s: reached only %v", l.Code, a.Role, visited)
			}
			for _, m := range missing {
				t.Errorf("%s as %s: %s", l.Code, a.Role, m)
			}
		}
	}
	for _, l := range i18n.Languages {
		seeds := []string{"/", "/login", "/password/forgot", "/complaints/new", "/complaints/easy", followUp, "/no/such/page", "/survey", "/survey?easy=1"}
		if l.Staff {
			seeds = append(seeds, guardian) // placement letters come in the staff languages
		}
		_, missing := e.client().crawl(l.Code, seeds...)
		for _, m := range missing {
			t.Errorf("public pages in %s: %s", l.Code, m)
		}
	}
}

// publishedPlacementLink publishes the demo placement round and returns the
// path of one guardian's link.
func (e *env) publishedPlacementLink() string {
	e.t.Helper()
	r := e.login(officer).post("/placement/rounds/"+itoa(e.demoRound().ID)+"/publish", nil)
	if r.status != http.StatusOK {
		e.t.Fatalf("publish: %d", r.status)
	}
	m := regexp.MustCompile(`https?://[^/,]+(/placement/d/[^,\s]+)`).FindStringSubmatch(r.body)
	if m == nil {
		e.t.Fatalf("no link in %.200s", r.body)
	}
	return m[1]
}

var linkAttr = regexp.MustCompile(`(?:href|src|action)="(/[^"]*)"`)

// crawl visits the seed paths and every same-site path they link to in
// language lang, following links from HTML pages only, at most two paths
// of each shape (digits and long tokens replaced). It returns the paths it
// visited and, for each page that asked for messages its language lacks
// (the catalog must be recording), the page and those messages. Only GET;
// a 5xx fails the test.
func (c *client) crawl(lang string, seeds ...string) (visited, missing []string) {
	t := c.e.t
	t.Helper()
	base, _ := url.Parse(c.e.srv.URL)
	c.http.Jar.SetCookies(base, []*http.Cookie{{Name: "lang", Value: lang}})
	seen, shapes := map[string]bool{}, map[string]int{}
	queue := slices.Clone(seeds)
	c.e.catalog.Missing() // forget earlier requests
	for len(queue) > 0 && len(visited) < 500 {
		p := strings.ReplaceAll(queue[0], "&amp;", "&")
		queue = queue[1:]
		if seen[p] || len(p) > 300 || strings.HasPrefix(p, "/static/") || strings.Contains(p, "lang=") || strings.HasPrefix(p, "//") {
			continue
		}
		seen[p] = true
		if shape := pathShape(p); shapes[shape] < 2 {
			shapes[shape]++
		} else {
			continue
		}
		r := c.get(p)
		visited = append(visited, p)
		if r.status >= 500 {
			t.Errorf("%s %s: %d", lang, p, r.status)
		}
		if m := c.e.catalog.Missing(); len(m) > 0 {
			missing = append(missing, fmt.Sprintf("%s lacks %v", p, m))
		}
		if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
			continue
		}
		for _, m := range linkAttr.FindAllStringSubmatch(r.body, -1) {
			if u, err := url.Parse(m[1]); err == nil {
				u.Fragment = ""
				queue = append(queue, u.String())
			}
		}
	}
	return visited, missing
}

var shapeParts = regexp.MustCompile(`[0-9]+|[A-Za-z0-9_-]{20,}`)

func pathShape(p string) string {
	u, err := url.Parse(p)
	if err != nil {
		return p
	}
	keys := slices.Sorted(maps.Keys(u.Query()))
	return shapeParts.ReplaceAllString(u.Path, "N") + "?" + strings.Join(keys, "&")
}
