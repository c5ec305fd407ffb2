package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/web"
)

// TestBrowserComplaintStatistics checks the trends dashboard and the board
// report with axe-core, for an officer and for a board member, on a wide
// screen and at a phone's width; the analysis is written and saved through
// the form.
func TestBrowserComplaintStatistics(t *testing.T) {
	e := start(t, demoSQLite(t), web.Options{})
	if err := demo.GenerateCases(context.Background(), e.db, 300, 9); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, e.srv.URL, 5*time.Minute)

	b.login(officer)
	b.open("/complaints/trends", 200)
	if h := b.text("main h1"); !strings.Contains(h, "trender") {
		t.Errorf("trends h1 = %q", h)
	}
	if n := evalJS[int](b, `document.querySelectorAll("main svg.chart[aria-hidden='true']").length`); n != 2 {
		t.Errorf("%d hidden charts, want 2 (each beside its table)", n)
	}
	b.checkA11y("/complaints/trends")
	b.open("/complaints/trends?from=2026-05-01&to=2026-04-01", 422)
	b.checkA11y("/complaints/trends with errors")

	b.open("/complaints/report", 200)
	b.checkA11y("/complaints/report (officer)")
	b.do("write the analysis", chromedp.SendKeys(chromedp.CSS("#f-analysis"), "Fler ärenden om måltider än i fjol."))
	b.click(`main form[method="post"][action="/complaints/report"] button[type="submit"]`, 200)
	if got := b.text(".flash"); got != "Analysen är sparad." {
		t.Errorf("flash after saving = %q", got)
	}
	if got := evalJS[string](b, `document.querySelector("#f-analysis").value`); got != "Fler ärenden om måltider än i fjol." {
		t.Errorf("the saved analysis in the form = %q", got)
	}

	b.do("emulate a phone", chromedp.EmulateViewport(375, 800, chromedp.EmulateMobile))
	for _, path := range []string{"/complaints/trends", "/complaints/report"} {
		b.open(path, 200)
		if w := evalJS[bool](b, `document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1`); !w {
			wide := evalJS[[]string](b, `[...document.querySelectorAll("body *")]
				.filter(e => !e.closest(".table-scroll") && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
				.slice(0, 8).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && e.className.baseVal === undefined ? "." + String(e.className).trim().split(/\s+/).join(".") : "") + " " + Math.round(e.getBoundingClientRect().right))`)
			t.Errorf("%s scrolls sideways at 375px: %s", path, strings.Join(wide, ", "))
		}
		b.checkA11y(path + " at 375px")
	}
	b.do("back to a wide screen", chromedp.EmulateViewport(1280, 900))

	b.click(`.who form[action="/logout"] button`, 200)
	b.login(boardEmail)
	b.open("/complaints/report", 200)
	if strings.Contains(b.text("main"), "Sammanfattning") || evalJS[int](b, `document.querySelectorAll("#f-analysis").length`) != 0 {
		t.Error("the board member sees summaries or the analysis form")
	}
	if !strings.Contains(b.text("main"), "Fler ärenden om måltider än i fjol.") {
		t.Error("the board member does not see the analysis")
	}
	b.checkA11y("/complaints/report (board)")
	b.open("/complaints/trends", 200)
	b.checkA11y("/complaints/trends (board)")
}
