package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/web"
)

// TestBrowserSurveyClassCode: at a phone's width, with axe, a pupil types
// the class code, answers the survey in Swedish, and another answers it in
// Arabic (right to left); both reach the thanks page and both answers are
// stored.
func TestBrowserSurveyClassCode(t *testing.T) {
	e := start(t, demoSQLite(t), web.Options{})
	ctx := context.Background()
	today := civil.Today(store.Now())
	off := e.login("skolchef@exempelby.example")
	var sid int64
	if err := e.db.QueryRow(ctx, "SELECT id FROM surveys WHERE audience = 'pupil'").Scan(&sid); err != nil {
		t.Fatal(err)
	}
	r := off.post("/surveys/rounds", url.Values{"survey": {itoa(sid)}, "round_name": {"I dag"}, "opens_on": {today}, "closes_on": {today}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("round: %d %s", r.status, r.body)
	}
	if r := off.post(r.header.Get("Location")+"/groups", url.Values{"unit": {itoa(e.unitID(unitA))}, "year": {"5"}, "label": {"5C"}, "invited": {"24"}}); r.status != http.StatusSeeOther {
		t.Fatalf("class: %d", r.status)
	}
	var code string
	if err := e.db.QueryRow(ctx, "SELECT code FROM survey_groups WHERE label = '5C'").Scan(&code); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, e.srv.URL, 5*time.Minute)
	b.phone()
	b.open("/survey", 200)
	b.checkPhone("/survey in Swedish")
	b.do("type the code", chromedp.SendKeys(chromedp.CSS("#f-code"), code))
	b.click(`main form button[type="submit"]`, 200)
	if p := b.path(); p != "/survey/c/"+code {
		t.Fatalf("after the code: %s", p)
	}
	b.checkPhone("the survey in Swedish")
	b.do("answer", chromedp.Click(`main fieldset:nth-of-type(1) input[value="4"]`),
		chromedp.Click(`main fieldset:nth-of-type(2) input[value="dk"]`))
	b.click(`main form button[type="submit"]`, 200)
	if msg := b.text(`main [role="status"]`); !strings.Contains(msg, "sparade") {
		t.Fatalf("thanks: %q", msg)
	}
	b.checkPhone("thanks in Swedish")

	b.open("/survey/c/"+code, 200)
	b.click(`.lang-switch button[value="ar"]`, 200)
	if dir := evalJS[string](b, `document.documentElement.dir`); dir != "rtl" {
		t.Fatalf("Arabic survey: dir=%q", dir)
	}
	if legend := b.text(`main fieldset legend`); !strings.Contains(legend, "أشعر") {
		t.Errorf("the first statement in Arabic: %q", legend)
	}
	b.checkPhone("the survey in Arabic")
	b.do("answer in Arabic", chromedp.Click(`main fieldset:nth-of-type(1) input[value="5"]`))
	b.click(`main form button[type="submit"]`, 200)
	if msg := b.text(`main [role="status"]`); !strings.Contains(msg, "إجاباتك") {
		t.Fatalf("thanks in Arabic: %q", msg)
	}
	b.checkPhone("thanks in Arabic")
	if n := e.count("SELECT COUNT(*) FROM survey_responses r JOIN survey_groups g ON g.id = r.group_id WHERE g.code = ?", code); n != 2 {
		t.Errorf("%d responses, want 2", n)
	}
}
