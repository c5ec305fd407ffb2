package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/styrkedjan/styrkedjan/internal/web"
)

// TestBrowserApplyOnPhone: a guardian signs in with a mailed code and
// applies for a school at a phone's width, in Swedish and in Arabic, with
// axe on the sign-in, children and application pages (map, facts, the
// ranked choices and the other custodian's question).
func TestBrowserApplyOnPhone(t *testing.T) {
	db := demoSQLite(t)
	roundID := openApplications(t, db, false)
	alva := addApplicant(t, db, roundID, "W1", "Alva Ek",
		applyGuardian{"Anna Ek", "anna.ek@example.se", "sv", "", true}, applyGuardian{"Karim Ek", "karim.ek@example.se", "ar", "", true})
	e := start(t, db, web.Options{})
	code := func(email string) string {
		var body string
		if err := db.QueryRow(context.Background(), "SELECT body_text FROM outbox WHERE to_addr = ? ORDER BY id DESC LIMIT 1", email).Scan(&body); err != nil {
			t.Fatalf("no code to %s: %v", email, err)
		}
		return sixDigits.FindString(body)
	}
	signIn := func(b *browser, email, lang string) {
		b.open("/login/apply", 200)
		b.checkPhone("apply sign-in in " + lang)
		b.do("give the address", chromedp.SendKeys(chromedp.CSS("#f-email"), email))
		b.click(`main form[action="/login/apply/code"] button[type="submit"]`, 200)
		b.checkPhone("apply code step in " + lang)
		b.do("type the code", chromedp.SendKeys(chromedp.CSS("#f-code"), code(email)))
		b.click(`main form[action="/login/apply/verify"] button[type="submit"]`, 200)
		if p := b.path(); p != "/apply" {
			t.Fatalf("after the code: %s", p)
		}
		b.checkPhone("apply children in " + lang)
	}

	b := newBrowser(t, e.srv.URL, 5*time.Minute)
	b.phone()
	signIn(b, "anna.ek@example.se", "Swedish")
	b.click(`a[href="/apply/children/`+itoa(alva)+`"]`, 200)
	b.checkPhone("application page in Swedish")
	b.do("rank two schools",
		chromedp.SetValue(chromedp.CSS("#f-choice1"), "92000201"),
		chromedp.SetValue(chromedp.CSS("#f-choice2"), "92000202"))
	b.click(`main form[action="/apply/children/`+itoa(alva)+`"] button[type="submit"]`, 200)
	if msg := b.text(`main [role="status"]`); !strings.Contains(msg, "Ansökan är sparad") {
		t.Fatalf("after applying: %q", msg)
	}
	b.checkPhone("application page after applying, in Swedish")
	b.open("/apply/children/"+itoa(alva)+"?easy=1", 200)
	b.checkPhone("application page in easy-to-read Swedish")

	k := newBrowser(t, e.srv.URL, 5*time.Minute)
	k.phone()
	k.open("/login/apply", 200)
	k.click(`.lang-switch button[value="ar"]`, 200)
	if dir := evalJS[string](k, `document.documentElement.dir`); dir != "rtl" {
		t.Fatalf("Arabic sign-in: dir=%q", dir)
	}
	signIn(k, "karim.ek@example.se", "Arabic")
	k.click(`a[href="/apply/children/`+itoa(alva)+`"]`, 200)
	if !strings.Contains(k.text("main"), "هل توافق على الطلب؟") {
		t.Error("the Arabic page does not ask the other custodian")
	}
	k.checkPhone("application page in Arabic, with the question to the other custodian")
	k.click(`#f-answer button[value="agree"]`, 200)
	k.checkPhone("application page in Arabic after agreeing")
}
