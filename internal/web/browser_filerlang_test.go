package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/styrkedjan/styrkedjan/internal/web"
)

// TestBrowserLostLinkAndFollowUpInArabic checks, with axe at a phone's
// width, the link recovery page in Swedish and Arabic (form and answer)
// and the Arabic follow-up page carrying a Swedish message, which keeps
// its own direction; then the Swedish case page with the Arabic text.
func TestBrowserLostLinkAndFollowUpInArabic(t *testing.T) {
	e := start(t, demoSQLite(t), web.Options{})
	filer := e.client()
	filer.post("/language", url.Values{"lang": {"ar"}})
	link := e.fileComplaint(filer, map[string]string{"email": "ar@example.se", "whatHappened": arabicText})
	var id int64
	if err := e.db.QueryRow(context.Background(), "SELECT id FROM complaints").Scan(&id); err != nil {
		t.Fatal(err)
	}
	p := e.login(principalA)
	if r := p.postMultipart("/cases/"+itoa(id)+"/message", map[string]string{"body": "Hej! Vi ringer dig i morgon."}); r.status != http.StatusSeeOther {
		t.Fatalf("message: %d", r.status)
	}
	if r := p.act("/cases/"+itoa(id), url.Values{"action": {"interpreter"}, "interpreter": {"on"}}); r.status != http.StatusSeeOther {
		t.Fatalf("interpreter: %d", r.status)
	}

	b := newBrowser(t, e.srv.URL, 5*time.Minute)
	b.phone()
	b.open("/f/lost", 200)
	b.checkPhone("/f/lost in Swedish")
	b.click(`.lang-switch button[value="ar"]`, 200)
	if dir := evalJS[string](b, `document.documentElement.dir`); dir != "rtl" {
		t.Fatalf("/f/lost after choosing Arabic: dir=%q", dir)
	}
	b.checkPhone("/f/lost in Arabic")
	b.do("give the address", chromedp.SendKeys(chromedp.CSS("#f-email"), "ar@example.se"))
	b.click(`main form[action="/f/lost"] button[type="submit"]`, 200)
	if msg := b.text(`main [role="status"]`); msg == "<none>" || !strings.Contains(msg, "شكرًا") {
		t.Fatalf("answer: %q", msg)
	}
	b.checkPhone("/f/lost answered, in Arabic")

	b.open(link, 200)
	// The Swedish message reads left to right inside the right-to-left page.
	if d := evalJS[string](b, `getComputedStyle([...document.querySelectorAll(".timeline .body")].find(e => e.textContent.startsWith("Hej!"))).direction`); d != "ltr" {
		t.Errorf("the Swedish message's direction on the Arabic page: %q", d)
	}
	b.checkPhone("follow-up page in Arabic with a Swedish message")

	b.click(`.lang-switch button[value="sv"]`, 200)
	b.login(principalA)
	b.open("/cases/"+itoa(id), 200)
	if d := evalJS[string](b, `getComputedStyle(document.querySelector('#filer-h ~ .body')).direction`); d != "rtl" {
		t.Errorf("the Arabic text's direction on the Swedish case page: %q", d)
	}
	b.checkPhone("case page with Arabic text and the interpreter mark")
}
