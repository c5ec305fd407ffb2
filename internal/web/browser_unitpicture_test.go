package web_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/styrkedjan/styrkedjan/internal/web"
)

// TestBrowserUnitPicture checks the unit picture's pages with axe-core: the
// indicator view (its charts load as images under the CSP), the unit
// profile, results against background, the compensatory check, what to
// steer by, and the import from upload through the preview and a failed
// commit to a successful one.
func TestBrowserUnitPicture(t *testing.T) {
	e := start(t, demoSQLite(t), web.Options{})
	b := newBrowser(t, e.srv.URL, 5*time.Minute)

	b.login(analyst)
	b.open("/unitpicture?indicator=pass_all_subjects_6", 200)
	if h := b.text("main h1"); h != "Indikator per enhet" {
		t.Errorf("h1 = %q", h)
	}
	// The charts are served as SVG images and drawn (a blocked or broken
	// image has no natural width).
	b.waitFor("the charts", `[...document.querySelectorAll("main figure.chart img")].every(i => i.complete && i.naturalWidth > 0)`)
	if n := evalJS[int](b, `document.querySelectorAll("main figure.chart img").length`); n != 2 {
		t.Errorf("%d chart images, want 2", n)
	}
	b.checkA11y("/unitpicture")
	// At a phone's width the charts shrink with the page instead of widening it.
	b.do("emulate a phone", chromedp.EmulateViewport(375, 800, chromedp.EmulateMobile))
	for _, path := range []string{"/unitpicture?indicator=pass_all_subjects_6", "/unitpicture/adjusted"} {
		b.open(path, 200)
		b.waitFor("the charts", `[...document.querySelectorAll("main figure.chart img")].every(i => i.complete && i.naturalWidth > 0)`)
		if w := evalJS[bool](b, `[...document.querySelectorAll("main figure.chart img")].every(i => i.getBoundingClientRect().right <= document.documentElement.clientWidth + 1 && i.getBoundingClientRect().height > 100)`); !w {
			t.Errorf("%s: a chart is wider than a phone's screen, or collapsed", path)
		}
	}
	b.do("back to a wide screen", chromedp.EmulateViewport(1280, 900))
	b.open("/unitpicture/units/"+itoa(e.unitID(unitA))+"?baseline=2019/20", 200)
	b.waitFor("the profile chart", `[...document.querySelectorAll("main figure.chart img")].every(i => i.complete && i.naturalWidth > 0)`)
	b.checkA11y("/unitpicture/units/{id}")
	b.open("/unitpicture/adjusted", 200)
	if !strings.Contains(b.text("main"), "inte en rangordning") && !strings.Contains(b.text("main"), "ingen rangordning") {
		t.Error("the adjusted page does not explain its limits")
	}
	b.checkA11y("/unitpicture/adjusted")
	b.open("/unitpicture/adjusted?model=salsa2016", 200)
	b.checkA11y("/unitpicture/adjusted (SALSA)")
	b.open("/unitpicture/compensatory", 200)
	b.checkA11y("/unitpicture/compensatory")
	b.open("/unitpicture/steer", 200)
	b.checkA11y("/unitpicture/steer")
	b.open("/unitpicture/indicators", 200)
	b.checkA11y("/unitpicture/indicators")

	// Import: upload, preview, a wrong key (422, values kept), then the import.
	dir := t.TempDir()
	file := filepath.Join(dir, "trivsel.csv")
	if err := os.WriteFile(file, []byte("Skolenhetskod;Läsår;Trivsel (%);Antal elever\n92000201;2024/25;81,5;200\n92000202;2024/25;77,0;180\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b.open("/unitpicture/import", 200)
	b.checkA11y("/unitpicture/import")
	b.do("choose the file", chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{file}))
	b.click(`main form[action="/unitpicture/import/preview"] button[type="submit"]`, 200)
	if !strings.Contains(b.text("main"), "Trivsel (%)") {
		t.Fatal("the preview does not show the file's columns")
	}
	b.checkA11y("/unitpicture/import/preview")
	b.do("map the value column",
		chromedp.SetValue(chromedp.CSS("#f-c2"), "new"),
		chromedp.Click(chromedp.CSS("main details:has(#f-c2_key) summary")),
		chromedp.SendKeys(chromedp.CSS("#f-c2_key"), "Trivsel!"),
		chromedp.SendKeys(chromedp.CSS("#f-c2_name_sv"), "Trivsel"),
	)
	b.click(`main form[action="/unitpicture/import/commit"] button[type="submit"]`, 422)
	if got := evalJS[string](b, `document.querySelector("#f-c2_key").value`); got != "Trivsel!" {
		t.Errorf("the typed key after 422 = %q", got)
	}
	b.checkA11y("/unitpicture/import/commit with errors")
	b.do("fix the key", chromedp.SetValue(chromedp.CSS("#f-c2_key"), "wellbeing"))
	b.click(`main form[action="/unitpicture/import/commit"] button[type="submit"]`, 200)
	if h := b.text("main h1"); h != "Importen är klar" {
		t.Errorf("after the import h1 = %q", h)
	}
	b.checkA11y("/unitpicture/import/commit")
}
