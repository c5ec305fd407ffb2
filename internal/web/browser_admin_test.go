package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/styrkedjan/styrkedjan/internal/web"
)

// TestBrowserOrganizerAndClients checks with axe, wide and at a phone's
// width: the guardian's easy-to-read way in and "Mina ärenden" in Swedish
// and Arabic at a phone's width; the organizer form with its logo field, the API clients page
// with a new token shown once, and the easy-to-read way into the form,
// which the form then carries.
func TestBrowserOrganizerAndClients(t *testing.T) {
	// With an e-identification broker, so that "Mina ärenden" is offered.
	e := ssoEnv(t, demoSQLite(t), startIdP(t), startIdP(t), web.Options{})
	b := newBrowser(t, e.srv.URL, 5*time.Minute)

	b.open("/complaints/easy", 200)
	b.checkA11y("/complaints/easy")
	b.click(`a.button[href="/complaints/new?easy=1"]`, 200)
	if n := evalJS[int](b, `document.querySelectorAll('input[type=hidden][name=easy][value="1"]').length`); n != 1 {
		t.Errorf("the form reached from the easy-to-read page does not carry the choice")
	}
	if src := evalJS[string](b, `document.querySelector(".brand img") ? document.querySelector(".brand img").naturalWidth + "" : ""`); src == "" || src == "0" {
		t.Errorf("the organizer's logo does not load: %q", src)
	}

	// The guardian's pages at a phone's width, in Swedish and Arabic:
	// the easy-to-read way in and "Mina ärenden" (the sign-in offer).
	b.phone()
	for _, path := range []string{"/complaints/easy", "/complaints/new?easy=1", "/my-cases"} {
		b.open(path, 200)
		b.checkPhone(path + " in Swedish")
	}
	b.click(`.lang-switch button[value="ar"]`, 200)
	if dir := evalJS[string](b, `document.documentElement.dir`); dir != "rtl" {
		t.Fatalf("/my-cases after choosing Arabic: dir=%q", dir)
	}
	b.checkPhone("/my-cases in Arabic")
	b.click(`.lang-switch button[value="sv"]`, 200)
	b.wide()

	b.login(admin)
	b.open("/admin/organizer", 200)
	b.checkA11y("/admin/organizer")
	b.open("/admin/clients", 200)
	b.checkA11y("/admin/clients, empty")
	b.do("name a client", chromedp.SendKeys(chromedp.CSS("#f-name"), "E-tjänsteplattformen"))
	b.click(`main form[action="/admin/clients"] button[type="submit"]`, 200)
	if tok := b.text("code.token"); !strings.HasPrefix(tok, "sdc_") {
		t.Fatalf("no token shown: %q", tok)
	}
	b.checkA11y("/admin/clients with a new token")
	b.phone()
	b.open("/admin/clients", 200)
	b.checkPhone("/admin/clients")
	b.open("/admin/organizer", 200)
	b.checkPhone("/admin/organizer")
}
