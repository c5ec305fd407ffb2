package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/web"
)

// TestBrowserPlacementRulesAndAppeals: the placement officer's rules form
// (with an error) and appeals register (with the demo's appeals and an
// appeal recorded with an error first) in Swedish at 1280 px and 375 px,
// and the board's counts; axe-core checks every page.
func TestBrowserPlacementRulesAndAppeals(t *testing.T) {
	e := start(t, demoSQLite(t), web.Options{})
	rd := e.demoRound()
	if err := demo.LoadAppeals(auth.WithPrincipal(context.Background(), auth.System), e.db, rd.ID); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, e.srv.URL, 4*time.Minute)
	b.login(placementOfficer)

	rules := fmt.Sprintf("/placement/rounds/%d/rules", rd.ID)
	appeals := fmt.Sprintf("/placement/rounds/%d/appeals", rd.ID)
	b.open(rules, 200)
	b.checkA11y("rules form")
	b.do("put a ground after the lottery", chromedp.SetValue(chromedp.CSS("#f-criterion_4"), "sibling"))
	b.click(fmt.Sprintf(`main form[action="%s"] button[type="submit"]:not(.secondary)`, rules), 422)
	if got := b.text(".error-summary"); !strings.Contains(got, "efter lottningen") {
		t.Errorf("rules error summary: %q", got)
	}
	b.checkA11y("rules form with an error")

	b.open(appeals, 200)
	b.checkA11y("appeals register")
	b.do("an appeal from nobody in the round",
		chromedp.SendKeys(chromedp.CSS("#f-applicant"), "X0000"),
		chromedp.Click(chromedp.CSS("#route-board")),
	)
	b.click(fmt.Sprintf(`main form[method="post"][action="%s"] button[type="submit"]`, appeals), 422)
	if got := b.text(".error-summary"); !strings.Contains(got, "Det finns ingen sökande") {
		t.Errorf("appeal error summary: %q", got)
	}
	b.checkA11y("appeals register with an error")
	b.open(appeals+"?status=decided", 200)
	b.checkA11y("appeals register, decided")

	b.phone()
	for _, p := range []string{rules, appeals} {
		b.open(p, 200)
		b.checkPhone(p)
	}
	b.wide()

	board := newBrowser(t, e.srv.URL, 2*time.Minute)
	board.login(boardEmail)
	board.open("/placement/appeals", 200)
	board.checkA11y("the board's appeal counts")
	board.phone()
	board.open("/placement/appeals", 200)
	board.checkPhone("the board's appeal counts")
}
