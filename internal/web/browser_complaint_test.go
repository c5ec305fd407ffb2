package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/styrkedjan/styrkedjan/internal/web"
)

// TestBrowserComplaintInArabic files a complaint in Arabic through the
// public form, follows it through the private link and replies, checking
// accessibility on every public page on the way; then the principal opens
// the case.
func TestBrowserComplaintInArabic(t *testing.T) {
	e := start(t, demoSQLite(t), web.Options{})
	b := newBrowser(t, e.srv.URL, 5*time.Minute)

	b.open("/", 200)
	b.checkA11y("start page, signed out")
	b.click(`main a[href="/complaints/new"]`, 200)
	b.checkA11y("complaint form in Swedish")
	b.click(`.lang-switch button[value="ar"]`, 200)
	if dir, lang := evalJS[string](b, `document.documentElement.dir`), evalJS[string](b, `document.documentElement.lang`); dir != "rtl" || lang != "ar" {
		t.Fatalf("after choosing Arabic: dir=%q lang=%q", dir, lang)
	}
	if h := b.text("h1"); h == "Lämna synpunkter eller klagomål" || h == "<none>" {
		t.Fatalf("the form's heading is not translated: %q", h)
	}
	// Right to left, nothing may push the page sideways.
	if w := evalJS[bool](b, `document.documentElement.scrollWidth <= window.innerWidth + 1`); !w {
		t.Error("the Arabic form scrolls sideways")
	}
	b.checkA11y("complaint form in Arabic")

	// First send it empty: the errors come in Arabic, next to the fields.
	b.click(`main form[action="/complaints"] button[type="submit"]`, 422)
	if msg := b.text("#e-whatHappened"); msg == "<none>" || msg == "Fyll i fältet." {
		t.Fatalf("error for whatHappened: %q", msg)
	}
	b.checkA11y("complaint form with errors, in Arabic")

	const what = "لم يحصل ابني على وجبة الغداء ثلاثة أيام متتالية."
	key := evalJS[string](b, `document.querySelector('input[name="key"]').value`)
	fill := []chromedp.Action[chromedp.Void]{
		chromedp.Click(chromedp.CSS("#role-guardian")),
		chromedp.SetValue(chromedp.CSS("#f-unit"), itoa(e.unitID(unitA))),
		chromedp.Click(chromedp.CSS("#kind-complaint")),
		chromedp.SetValue(chromedp.CSS("#f-category"), "teaching"),
		chromedp.SendKeys(chromedp.CSS("#f-whatHappened"), what),
	}
	b.do("fill in the form", fill...)
	b.click(`main form[action="/complaints"] button[type="submit"]`, 200)
	if !strings.HasPrefix(b.path(), "/f/") {
		t.Fatalf("after submit at %s", b.path())
	}
	ref := b.text(".receipt .ref")
	if !strings.HasPrefix(ref, "BUN 2026/") {
		t.Fatalf("receipt reference %q", ref)
	}
	b.checkA11y("receipt in Arabic")
	link := evalJS[string](b, `document.querySelector(".link-box a").getAttribute("href")`)

	// Later: the filer comes back through the link and adds information.
	b.open(link, 200)
	b.checkA11y("follow-up page in Arabic")
	b.do("write a reply", chromedp.SendKeys(chromedp.CSS("#f-body"), "حدث ذلك مرة أخرى اليوم."))
	b.click(`main form[action$="/reply"] button[type="submit"]`, 200)
	if !strings.Contains(b.text(".timeline"), "حدث ذلك مرة أخرى اليوم.") {
		t.Fatal("the reply is not in the history")
	}
	b.open("/complaints/easy", 200)
	b.checkA11y("easy-to-read page in Arabic")

	// The guardian's pages at a phone's width, right to left.
	b.phone()
	for _, p := range []string{"/complaints/new", link, "/complaints/easy"} {
		b.open(p, 200)
		if dir := evalJS[string](b, `document.documentElement.dir`); dir != "rtl" {
			t.Fatalf("%s at 375px: dir=%q, want rtl", p, dir)
		}
		b.checkPhone(p + " in Arabic")
	}
	// The same form sent again (a reload of the post): the page says it is
	// already received, in Arabic, and shows no link.
	b.open("/complaints/new", 200)
	b.do("fill in the same form with its old key", append(fill, chromedp.SetValue(chromedp.CSS(`input[name="key"]`), key))...)
	b.click(`main form[action="/complaints"] button[type="submit"]`, 200)
	if got := b.text(".receipt .ref"); got != ref || b.path() != "/complaints" || evalJS[bool](b, `!!document.querySelector('a[href^="/f/"]')`) {
		t.Fatalf("form sent twice: at %s, reference %q (want %q)", b.path(), got, ref)
	}
	b.checkPhone("form sent twice, in Arabic")
	b.wide()

	// The principal of the unit finds the case, in Swedish, with the Arabic text.
	var id int64
	if err := e.db.QueryRow(context.Background(), "SELECT id FROM complaints WHERE reference = ?", ref).Scan(&id); err != nil {
		t.Fatal(err)
	}
	b.click(`.lang-switch button[value="sv"]`, 200)
	b.login(principalA)
	b.open("/cases", 200)
	b.checkA11y("work list")
	b.click(`main a[href="/cases/`+itoa(id)+`"]`, 200)
	if !strings.Contains(b.text("main"), what) {
		t.Fatal("the case page does not show the filer's text")
	}
	b.checkA11y("case page")

	// At a phone's width, in Swedish, the principal acknowledges the case:
	// each action is its own form posting to its own route.
	b.phone()
	b.open("/cases/"+itoa(id), 200)
	b.checkPhone("case page")
	b.click(`main form[action="/cases/`+itoa(id)+`/acknowledged"] button[type="submit"]`, 200)
	if p := b.path(); p != "/cases/"+itoa(id) {
		t.Fatalf("after acknowledging: at %s", p)
	}
	var status string
	if err := e.db.QueryRow(context.Background(), "SELECT status FROM complaints WHERE id = ?", id).Scan(&status); err != nil || status != "acknowledged" {
		t.Fatalf("status after acknowledging: %q %v", status, err)
	}
	b.checkPhone("case page, acknowledged")
}
