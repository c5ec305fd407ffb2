package web_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/styrkedjan/styrkedjan/internal/web"
)

// TestBrowserAccountNotices: a principal chooses the morning digest on
// /account at a phone's width, in Swedish and in English; the page, the
// saved page and a refused choice (status 422 with the error summary)
// pass axe.
func TestBrowserAccountNotices(t *testing.T) {
	e := start(t, demoSQLite(t), web.Options{})
	b := newBrowser(t, e.srv.URL, 2*time.Minute)
	b.phone()
	b.login(principalA)
	b.open("/account", 200)
	b.checkPhone("/account")

	b.do("choose the digest", chromedp.Click(chromedp.CSS(`#notices-digest`)))
	b.click(`main form[action="/account/notices"] button[type="submit"]`, 200)
	if got := evalJS[bool](b, `document.querySelector("#notices-digest").checked`); !got {
		t.Fatal("the digest is not chosen after saving")
	}
	b.checkPhone("/account saved")

	evalJS[bool](b, `(document.querySelector("#notices-digest").value = "weekly", true)`)
	b.click(`main form[action="/account/notices"] button[type="submit"]`, 422)
	if got := b.text(".error-summary"); got == "<none>" {
		t.Error("a refused choice: no error summary")
	}
	b.checkPhone("/account with errors")

	b.open("/account", 200)
	b.click(`form.lang-switch button[value="en"]`, 200)
	b.checkPhone("/account in English")
}
