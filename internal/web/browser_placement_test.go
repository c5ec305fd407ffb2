package web_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/styrkedjan/styrkedjan/internal/placement/round"
	"github.com/styrkedjan/styrkedjan/internal/web"
)

// TestBrowserPlacement creates a round on the demo network in the browser,
// first with an input error, runs it, looks at the results, a decision and
// a what-if, and opens a guardian's link; axe-core checks every page.
func TestBrowserPlacement(t *testing.T) {
	e := start(t, demoSQLite(t), web.Options{})
	rd := e.demoRound()
	b := newBrowser(t, e.srv.URL, 5*time.Minute)

	b.login(officer)
	b.open("/placement", 200)
	b.checkA11y("/placement")
	b.open(fmt.Sprintf("/placement/rounds/%d", rd.ID), 200)
	b.checkA11y("the demo round")

	b.open("/placement/rounds/new", 200)
	b.checkA11y("/placement/rounds/new")
	// The applicants with one unknown school id: an error naming the line.
	bad := strings.Replace(rd.ApplicantsCSV, "92000207", "92009999", 1)
	b.do("fill in the round",
		chromedp.SendKeys(chromedp.CSS("#f-name"), "Förskoleklass HT 2028"),
		chromedp.SetValue(chromedp.CSS("#f-applicants"), bad),
	)
	b.click(`main form[action="/placement/rounds"] button[type="submit"]`, 422)
	if got := b.text(".error-summary"); !strings.Contains(got, "applicants.csv, rad ") || !strings.Contains(got, "okänt skol-id") || !strings.Contains(got, "92009999") {
		t.Errorf("error summary: %q", got)
	}
	if got := evalJS[string](b, `document.querySelector("#f-name").value`); got != "Förskoleklass HT 2028" {
		t.Errorf("the name after the error = %q", got)
	}
	b.checkA11y("/placement/rounds/new with errors")
	b.do("correct the applicants", chromedp.SetValue(chromedp.CSS("#f-applicants"), rd.ApplicantsCSV))
	b.click(`main form[action="/placement/rounds"] button[type="submit"]`, 200)
	path := b.path()
	id, err := strconv.ParseInt(strings.TrimPrefix(path, "/placement/rounds/"), 10, 64)
	if err != nil {
		t.Fatalf("after creating at %s", path)
	}
	b.click(fmt.Sprintf(`main form[action="/placement/rounds/%d/run"] button`, id), 200)
	if !strings.Contains(b.path(), "/runs/") {
		t.Fatalf("after starting the run at %s", b.path())
	}
	runs, _ := round.Runs(ctxAs(e, officer), e.db, id)
	if run := e.waitRun(id, runs[0].ID); run.Status != round.StatusDone {
		t.Fatalf("run: %s %s", run.Status, run.Error)
	}
	b.open(b.path()+"?auto=0", 200)
	b.checkA11y("a finished run")
	b.open(path, 200)
	if n := evalJS[int](b, `document.querySelectorAll("main svg.chart[aria-hidden='true']").length`); n != 2 {
		t.Errorf("%d hidden charts, want 2 (demand and map, each beside its table)", n)
	}
	if got := b.text("main"); strings.Contains(got, "OpenStreetMap contributors") {
		t.Error("the round page credits OpenStreetMap for the demo's generated network")
	}
	b.checkA11y("round with results")

	// A what-if.
	b.do("try fewer places at Hagaskolan",
		chromedp.SetValue(chromedp.CSS("#f-school"), "92000207"),
		chromedp.SendKeys(chromedp.CSS("#f-capacity"), "12"),
	)
	b.click(fmt.Sprintf(`main form[action="/placement/rounds/%d/whatif"] button`, id), 200)
	runs, _ = round.Runs(ctxAs(e, officer), e.db, id)
	e.waitRun(id, runs[0].ID)
	b.open(fmt.Sprintf("/placement/rounds/%d/runs/%d", id, runs[0].ID), 200)
	b.checkA11y("what-if result")

	b.open(fmt.Sprintf("/placement/rounds/%d/decisions", id), 200)
	b.checkA11y("decisions")
	b.open(fmt.Sprintf("/placement/rounds/%d/decisions/A0001", id), 200)
	b.checkA11y("one decision")

	// Publish (the CSV download is tested over HTTP) and open a link.
	links, err := round.Publish(ctxAs(e, officer), e.db, id)
	if err != nil {
		t.Fatal(err)
	}
	b.click(`.who form[action="/logout"] button`, 200)
	b.open("/placement/d/"+links[0].Token, 200)
	if got := b.text("main"); !strings.Contains(got, "Beslut om skolplacering") || strings.Contains(got, links[1].ApplicantID) {
		t.Errorf("guardian page: %q", got)
	}
	b.checkA11y("guardian page")
	b.open("/placement/d/"+links[0].Token+"?text=easy", 200)
	b.checkA11y("guardian page, easy Swedish")
	b.phone()
	b.open("/placement/d/"+links[0].Token, 200)
	b.checkPhone("guardian page")
	b.open("/placement/d/"+links[0].Token+"?text=easy", 200)
	b.checkPhone("guardian page, easy Swedish")
}
