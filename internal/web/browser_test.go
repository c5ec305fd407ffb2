package web_test

// Browser tests: the real pages in headless Chromium, driven over the
// DevTools protocol with chromedp, and checked with axe-core.
//
// They need two things that Go does not provide:
//
//   - Chromium (Debian: apt-get install -y chromium). The tests look at
//     $STYRKEDJAN_CHROMIUM, then /usr/bin/chromium, then chromium,
//     chromium-browser and google-chrome on $PATH.
//   - axe-core (npm ci at the repository root, pinned in package.json).
//     The tests look at $STYRKEDJAN_AXE_JS, then
//     <repo>/node_modules/axe-core/axe.min.js.
//
// Without them the tests skip, unless STYRKEDJAN_REQUIRE_BROWSER=1 (as in
// CI), when they fail.
//
// axe runs under the pages' strict Content-Security-Policy: its source is
// injected with Runtime.evaluate, which the page's CSP does not govern, so the
// application needs no exception for it.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/web"
)

// browserTools returns the path of Chromium and the source of axe-core, or
// skips the test (fails it when STYRKEDJAN_REQUIRE_BROWSER=1).
func browserTools(t *testing.T) (chromium, axeSource string) {
	t.Helper()
	var missing []string
	chromium = findChromium()
	if chromium == "" {
		missing = append(missing, "Chromium (apt-get install -y chromium, or set STYRKEDJAN_CHROMIUM)")
	}
	axePath, err := findAxe()
	if err != nil {
		missing = append(missing, "axe-core ("+err.Error()+"; run npm ci at the repository root, or set STYRKEDJAN_AXE_JS)")
	} else {
		b, err := os.ReadFile(axePath)
		if err != nil {
			missing = append(missing, fmt.Sprintf("axe-core (%v; run npm ci at the repository root, or set STYRKEDJAN_AXE_JS)", err))
		}
		axeSource = string(b)
	}
	if len(missing) > 0 {
		msg := "browser test needs " + strings.Join(missing, " and ")
		if os.Getenv("STYRKEDJAN_REQUIRE_BROWSER") == "1" {
			t.Fatal(msg + " (STYRKEDJAN_REQUIRE_BROWSER=1)")
		}
		t.Skip(msg)
	}
	return chromium, axeSource
}

func findChromium() string {
	if p := os.Getenv("STYRKEDJAN_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err == nil {
			return p
		}
		if p, err := exec.LookPath(p); err == nil {
			return p
		}
		return "" // an explicit setting that does not resolve is an error, not a hint
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

func findAxe() (string, error) {
	if p := os.Getenv("STYRKEDJAN_AXE_JS"); p != "" {
		return p, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			p := filepath.Join(dir, "node_modules", "axe-core", "axe.min.js")
			if _, err := os.Stat(p); err != nil {
				return "", fmt.Errorf("%s not found", p)
			}
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// browser is one headless Chromium with one tab, pointed at a test server.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
	axe  string
}

// newBrowser starts Chromium for the test. limit bounds the whole browser's
// life; it is a safety net against hangs, not a timing assertion.
func newBrowser(t *testing.T, base string, limit time.Duration) *browser {
	t.Helper()
	chromium, axeSource := browserTools(t)

	// chromedp logs from its own goroutines; never let that reach t after
	// the test has finished. Registered first, so it runs last.
	var logMu sync.Mutex
	logDone := false
	logf := func(format string, args ...any) {
		logMu.Lock()
		defer logMu.Unlock()
		if !logDone {
			t.Logf("chromedp: "+format, args...)
		}
	}
	t.Cleanup(func() { logMu.Lock(); logDone = true; logMu.Unlock() })

	profile := t.TempDir() // removed after the browser has exited (cleanups run LIFO)
	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests may run as root, in containers
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "sv-SE"),
		chromedp.Flag("accept-lang", "sv-SE,sv"), // the app's default language, whatever the host's locale
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	)
	parent, cancelParent := context.WithTimeout(context.Background(), limit)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(parent, opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithLogf(logf), chromedp.WithErrorf(logf))
	t.Cleanup(func() {
		_ = chromedp.Cancel(ctx) // closes the browser gracefully
		cancelTab()
		cancelAlloc() // waits for the process to exit
		cancelParent()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", chromium, err)
	}
	return &browser{t: t, ctx: ctx, base: base, axe: axeSource}
}

// stepTimeout bounds one step (a click, a page load, an axe run), so that a
// missing element fails fast instead of waiting for the browser's limit.
const stepTimeout = 45 * time.Second

func (b *browser) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, stepTimeout)
}

// do runs the actions and fails the test on error.
func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// open navigates to path and checks the HTTP status of the document.
func (b *browser) open(path string, want int) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	res, err := chromedp.Run(ctx, chromedp.NavigateResponse(b.base+path))
	if err != nil {
		b.t.Fatalf("open %s: %v", path, err)
	}
	if res == nil || res.Status != int64(want) {
		b.t.Fatalf("open %s: status %v, want %d", path, docStatus(res), want)
	}
}

// follow runs actions that load a new page (a click on a link or a submit
// button), waits for the page and checks its HTTP status.
func (b *browser) follow(what string, want int, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	res, err := chromedp.RunResponse(ctx, actions...)
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	if res == nil || res.Status != int64(want) {
		b.t.Fatalf("%s: status %v, want %d (at %s)", what, docStatus(res), want, b.path())
	}
}

// click clicks the first element that matches the CSS selector, which must
// load a page with the wanted status.
func (b *browser) click(sel string, want int) {
	b.t.Helper()
	b.follow("click "+sel, want, chromedp.Click(chromedp.CSS(sel)))
}

func docStatus(res *network.Response) any {
	if res == nil {
		return "none"
	}
	return res.Status
}

// evalJS evaluates a JavaScript expression in the page into a T.
func evalJS[T any](b *browser, expr string) T {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

func (b *browser) path() string { return evalJS[string](b, `location.pathname`) }

// text is the trimmed text of the first element that matches sel, or
// "<none>" when nothing matches.
func (b *browser) text(sel string) string {
	b.t.Helper()
	q, _ := json.Marshal(sel)
	return evalJS[string](b, `(() => { const e = document.querySelector(`+string(q)+`); return e ? e.textContent.trim().replace(/\s+/g, " ") : "<none>" })()`)
}

// waitFor polls a JavaScript condition until it is true (or the step's
// time limit ends).
func (b *browser) waitFor(what, cond string) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond))
		if err == nil && ok {
			return
		}
		if ctx.Err() != nil {
			b.t.Fatalf("waiting for %s (%s): %v", what, cond, ctx.Err())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// login signs in through the login form as the demo account email.
func (b *browser) login(email string) {
	b.t.Helper()
	b.open("/login", 200)
	b.do("fill in the login form",
		chromedp.SendKeys(chromedp.CSS("#f-email"), email),
		chromedp.SendKeys(chromedp.CSS("#f-password"), demo.Password),
	)
	b.click(`main form[action="/login"] button[type="submit"]`, 200)
	if p := b.path(); p != "/" {
		b.t.Fatalf("after login at %s, want /; flash/error: %s", p, b.text(".error-summary"))
	}
}

type axeNode struct {
	Target  []string `json:"target"`
	HTML    string   `json:"html"`
	Summary string   `json:"summary"`
}

type axeRule struct {
	ID      string    `json:"id"`
	Impact  string    `json:"impact"`
	Help    string    `json:"help"`
	HelpURL string    `json:"helpUrl"`
	Nodes   []axeNode `json:"nodes"`
}

type axeResult struct {
	Violations []axeRule `json:"violations"`
	Incomplete []axeRule `json:"incomplete"`
	Passes     int       `json:"passes"` // rules that passed
}

// axeScript is evaluated after axe.min.js. It reduces the results to what the
// test reports, so little crosses the protocol.
const axeScript = `(async () => {
  if (typeof axe === "undefined") throw new Error("axe-core did not load");
  const r = await axe.run(document, {resultTypes: ["violations"]});
  const rule = v => ({id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.map(String), html: n.html, summary: n.failureSummary || ""}))});
  return {violations: r.violations.map(rule), incomplete: r.incomplete.map(rule), passes: r.passes.length};
})()`

// runAxe injects axe-core into the current page and runs it.
func (b *browser) runAxe(page string) axeResult {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	// Runtime.evaluate is not subject to the page's CSP; the trailing
	// expression keeps the (unserialisable) completion value off the wire.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](b.axe+"\n;void 0")); err != nil {
		b.t.Fatalf("%s: inject axe-core: %v", page, err)
	}
	res, err := chromedp.Run(ctx, chromedp.Evaluate[axeResult](axeScript, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("%s: run axe-core: %v", page, err)
	}
	if res.Passes == 0 {
		b.t.Fatalf("%s: axe-core passed no rule at all; is it working?", page)
	}
	return res
}

// phone switches the browser to a phone's viewport, 375 px wide; wide
// switches it back.
func (b *browser) phone() {
	b.t.Helper()
	b.do("emulate a phone", chromedp.EmulateViewport(375, 800, chromedp.EmulateMobile))
}

func (b *browser) wide() {
	b.t.Helper()
	b.do("back to a wide screen", chromedp.EmulateViewport(1280, 900))
}

// checkPhone checks the current page at a phone's width (after phone):
// the layout viewport is 375 px, nothing makes the page scroll sideways
// (the widest culprits are named), and axe finds nothing serious there
// either (for example a table that must scroll but cannot be reached by
// keyboard).
func (b *browser) checkPhone(page string) {
	b.t.Helper()
	// clientWidth is the layout viewport; a mobile browser zooms out
	// (and widens innerWidth) when the content is too wide.
	w := evalJS[struct{ Scroll, Client int }](b, `({Scroll: document.documentElement.scrollWidth, Client: document.documentElement.clientWidth})`)
	if w.Client > 376 {
		b.t.Fatalf("%s: layout viewport is %dpx, want 375", page, w.Client)
	}
	if w.Scroll > w.Client+1 {
		wide := evalJS[[]string](b, `[...document.querySelectorAll("body *")]
			.filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
			.slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + String(e.className).trim().split(/\s+/).join(".") : ""))`)
		b.t.Errorf("%s at 375px: page is %dpx wide (viewport %d); too wide: %s", page, w.Scroll, w.Client, strings.Join(wide, ", "))
	}
	b.checkA11y(page + " at 375px")
}

// checkA11y runs axe-core on the current page. Serious and critical
// violations fail the test; moderate and minor ones are logged.
func (b *browser) checkA11y(page string) {
	b.t.Helper()
	res := b.runAxe(page)
	var serious []string
	for _, v := range res.Violations {
		var nodes []string
		for _, n := range v.Nodes {
			nodes = append(nodes, fmt.Sprintf("      %s\n        %s\n        %s",
				strings.Join(n.Target, " "), n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n        ")))
		}
		line := fmt.Sprintf("  %s (%s): %s\n    %s\n%s", v.ID, v.Impact, v.Help, v.HelpURL, strings.Join(nodes, "\n"))
		switch v.Impact {
		case "serious", "critical":
			serious = append(serious, line)
		default:
			b.t.Logf("axe %s [%s]: %s violation (not failing):\n%s", page, b.path(), v.Impact, line)
		}
	}
	var review []string
	for _, v := range res.Incomplete {
		r := v.ID
		if len(v.Nodes) > 0 { // axe reports one example node per rule here
			r += " at " + strings.Join(v.Nodes[0].Target, " ") + ": " + strings.ReplaceAll(v.Nodes[0].Summary, "\n", " ")
		}
		review = append(review, r)
	}
	b.t.Logf("axe %s: %d rules passed, %d violated, %d need review%s", page, res.Passes, len(res.Violations), len(review),
		map[bool]string{true: " (" + strings.Join(review, "; ") + ")"}[len(review) > 0])
	if len(serious) > 0 {
		b.t.Errorf("axe %s [%s]: %d serious/critical violation(s):\n%s", page, b.path(), len(serious), strings.Join(serious, "\n"))
	}
}

func TestBrowserLoginNavigateLogout(t *testing.T) {
	e := start(t, demoSQLite(t), web.Options{})
	b := newBrowser(t, e.srv.URL, 2*time.Minute)

	b.open("/login", 200)
	if got := evalJS[string](b, `document.documentElement.lang`); got != "sv" {
		t.Errorf("html lang = %q, want sv", got)
	}
	b.checkA11y("login")

	// The skip link is the first stop of the keyboard, shows up when
	// focused, has a visible focus indicator and moves focus to <main>.
	b.do("press Tab", chromedp.KeyEvent(kb.Tab))
	focus := evalJS[struct {
		Skip, FocusVisible, OnScreen bool
		Outline                      string
	}](b, `(() => { const a = document.activeElement, s = getComputedStyle(a), r = a.getBoundingClientRect();
		return {Skip: a.matches("a.skip-link"), FocusVisible: a.matches(":focus-visible"),
			OnScreen: r.left >= 0 && r.top >= 0 && r.width > 0, Outline: s.outlineStyle + " " + s.outlineWidth}; })()`)
	if !focus.Skip {
		t.Errorf("first Tab focuses %s, want a.skip-link", evalJS[string](b, `document.activeElement.outerHTML`))
	} else {
		if !focus.FocusVisible || strings.HasPrefix(focus.Outline, "none") || strings.HasSuffix(focus.Outline, " 0px") {
			t.Errorf("focused skip link: focus-visible=%v outline=%q, want a visible focus indicator", focus.FocusVisible, focus.Outline)
		}
		if !focus.OnScreen {
			t.Errorf("focused skip link is off screen")
		}
		b.do("press Enter on the skip link", chromedp.KeyEvent(kb.Enter))
		b.waitFor("focus on main", `document.activeElement && document.activeElement.id === "main"`)
	}

	// Log in through the form.
	b.do("fill in the login form",
		chromedp.SendKeys(chromedp.CSS("#f-email"), "admin@exempelby.example"),
		chromedp.SendKeys(chromedp.CSS("#f-password"), demo.Password),
	)
	b.click(`main form[action="/login"] button[type="submit"]`, 200)
	if p := b.path(); p != "/" {
		t.Fatalf("after login at %s, want /", p)
	}
	if got := b.text(`.who a[href="/account"]`); got != "Alva Administratör" {
		t.Errorf("signed-in name = %q", got)
	}
	if got := b.text(`nav a[aria-current="page"]`); got != "Start" {
		t.Errorf("current nav item = %q, want Start", got)
	}
	b.checkA11y("start page")

	// Navigate by clicking.
	b.click(`nav a[href="/units"]`, 200)
	if p, h := b.path(), b.text("main h1"); p != "/units" || h != "Enheter" {
		t.Errorf("units: at %s with h1 %q", p, h)
	}
	if got := b.text(`nav a[aria-current="page"]`); got != "Enheter" {
		t.Errorf("current nav item = %q, want Enheter", got)
	}
	unitName := b.text(`main table a[href^="/units/"]`)
	b.click(`main table a[href^="/units/"]`, 200)
	if p, h := b.path(), b.text("main h1"); !regexp.MustCompile(`^/units/\d+$`).MatchString(p) || h != unitName {
		t.Errorf("unit: at %s with h1 %q, want /units/{id} with %q", p, h, unitName)
	}
	b.click(`nav a[href="/people"]`, 200)
	if p, h := b.path(), b.text("main h1"); p != "/people" || h != "Personer" {
		t.Errorf("people: at %s with h1 %q", p, h)
	}
	b.click(`main a[href^="/people/"]`, 200)
	if p := b.path(); !regexp.MustCompile(`^/people/\d+$`).MatchString(p) {
		t.Errorf("person: at %s", p)
	}

	// Log out.
	b.click(`.who form[action="/logout"] button`, 200)
	if p := b.path(); p != "/login" {
		t.Errorf("after logout at %s, want /login", p)
	}
	if got := b.text(".flash"); got != "Du är utloggad." {
		t.Errorf("flash after logout = %q, want %q", got, "Du är utloggad.")
	}
	if got := b.text(`.who form[action="/logout"]`); got != "<none>" {
		t.Errorf("logout form still shown after logout: %q", got)
	}
	// The session is gone: a signed-in page sends us back to the login.
	b.open("/units", 200)
	if p := b.path(); p != "/login" {
		t.Errorf("/units after logout ends at %s, want /login", p)
	}
}

func TestBrowserAccessibilityAdminPages(t *testing.T) {
	e := start(t, demoSQLite(t), web.Options{})
	unit := itoa(e.unitID("92000201"))
	person := itoa(e.personID("rektor.ekbacka@exempelby.example"))
	b := newBrowser(t, e.srv.URL, 5*time.Minute)

	// First make sure that axe-core, as the tests run it, catches a
	// violation: an image without a text alternative.
	b.open("/login", 200)
	evalJS[bool](b, `(document.body.insertAdjacentHTML("beforeend", '<img src="/static/style.css">'), true)`)
	if res := b.runAxe("self-test"); !slices.ContainsFunc(res.Violations, func(v axeRule) bool { return v.ID == "image-alt" && v.Impact == "critical" }) {
		t.Fatalf("axe-core self-test: an <img> without alt gave no critical image-alt violation: %+v", res.Violations)
	}

	// Signed out.
	for _, path := range []string{"/", "/login", "/password/forgot"} {
		b.open(path, 200)
		b.checkA11y("signed out " + path)
	}
	b.open("/no-such-page", 404)
	b.checkA11y("404 page")

	b.login("admin@exempelby.example")
	for _, path := range []string{
		"/",
		"/overview",
		"/units",
		"/units/" + unit,
		"/people",
		"/people/" + person,
		"/account",
		"/admin",
		"/admin/organizer",
		"/admin/school-forms",
		"/admin/areas",
		"/admin/units/new",
		"/admin/units/" + unit,
		"/admin/people/new",
		"/admin/people/" + person,
		"/admin/import",
		"/admin/audit",
		"/admin/outbox",
		"/password/forgot",
	} {
		b.open(path, 200)
		if b.text("main h1") == "<none>" {
			t.Errorf("%s: no <main> with an <h1>; is the page rendered?", path)
		}
		b.checkA11y(path)
	}

	// Forms with validation errors: submit them empty, past the browser's
	// own checks (novalidate), so the server answers 422 with the summary.
	for _, f := range []struct{ path, form string }{
		{"/admin/units/new", `main form[action="/admin/units"]`},
		{"/admin/people/new", `main form[action="/admin/people"]`},
	} {
		b.open(f.path, 200)
		q, _ := json.Marshal(f.form)
		evalJS[bool](b, `(() => { const f = document.querySelector(`+string(q)+`); f.noValidate = true; return true })()`)
		b.click(f.form+` button[type="submit"]`, 422)
		if got := b.text(".error-summary"); got == "<none>" {
			t.Errorf("%s submitted empty: no error summary", f.path)
		}
		if n := evalJS[int](b, `document.querySelectorAll('[aria-invalid="true"]').length`); n == 0 {
			t.Errorf("%s submitted empty: no field has aria-invalid", f.path)
		}
		b.checkA11y(f.path + " with errors")
	}

	// The CSV import: preview (one valid row, one rejected) and commit.
	csv := filepath.Join(t.TempDir(), "enheter.csv")
	if err := os.WriteFile(csv, []byte("Namn;Skolenhetskod;Skolformer\nNy skola;91000010;grundskola 1-6\nFel kod;9100001;grundskola\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b.open("/admin/import", 200)
	b.do("choose the file",
		chromedp.Click(chromedp.CSS(`#kind-units`)),
		chromedp.SetUploadFiles(chromedp.CSS(`#f-file`), []string{csv}),
	)
	b.click(`main form[action="/admin/import/preview"] button[type="submit"]`, 200)
	if n := evalJS[int](b, `document.querySelectorAll("main table").length`); n != 2 {
		t.Errorf("import preview: %d tables, want 2 (rejected and valid rows)", n)
	}
	b.checkA11y("/admin/import preview")
	b.click(`main form[action="/admin/import/commit"] button[type="submit"]`, 200)
	if got := b.text(`main [role="status"]`); got == "<none>" {
		t.Errorf("import commit: no status panel")
	}
	b.checkA11y("/admin/import done")

	// English, chosen with the button in the header.
	b.open("/admin", 200)
	b.click(`form.lang-switch button[value="en"]`, 200)
	if p, lang := b.path(), evalJS[string](b, `document.documentElement.lang`); p != "/admin" || lang != "en" {
		t.Fatalf("after switching to English: at %s with lang %q, want /admin and en", p, lang)
	}
	b.checkA11y("/admin in English")
	b.open("/admin/people/new", 200)
	b.checkA11y("/admin/people/new in English")
}

// TestBrowserPhoneViewport checks the staff pages at a phone's width
// (checkPhone).
func TestBrowserPhoneViewport(t *testing.T) {
	e := start(t, demoSQLite(t), web.Options{})
	unit := itoa(e.unitID("92000201"))
	b := newBrowser(t, e.srv.URL, 2*time.Minute)
	b.phone()
	check := b.checkPhone
	b.open("/login", 200)
	check("/login")
	b.login("admin@exempelby.example")
	for _, path := range []string{
		"/", "/overview", "/units", "/units/" + unit, "/people",
		"/admin/units/" + unit, "/admin/school-forms", "/admin/areas",
		"/admin/import", "/admin/audit", "/admin/outbox",
	} {
		b.open(path, 200)
		check(path)
	}
}
