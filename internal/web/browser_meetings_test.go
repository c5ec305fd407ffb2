package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/web"
)

// TestBrowserPrincipalsMeeting runs a principals' meeting in the browser:
// the officer creates it and keeps the minutes, the principal marks their
// unit as presented, with axe-core on every page on the way; then the
// agenda is checked at a phone's width and as printed.
func TestBrowserPrincipalsMeeting(t *testing.T) {
	e := start(t, demoSQLite(t), web.Options{})
	if err := demo.GenerateCases(context.Background(), e.db, 300, 3); err != nil {
		t.Fatal(err)
	}
	a := itoa(e.unitID(unitA))
	id := e.submitAt(complaint.Submission{UnitID: e.unitID(unitA), WhatHappened: "Ingen lärare på tre veckor."}, daysAgo(2))
	e.actAt(id, complaint.Action{Kind: complaint.EventSummary, Body: "Inställda lektioner i svenska."}, time.Now())
	b := newBrowser(t, e.srv.URL, 5*time.Minute)

	b.login(officer)
	b.open("/meetings", 200)
	b.checkA11y("/meetings, no meetings yet")
	// An empty title shows the error summary and keeps the rest.
	evalJS[bool](b, `(() => { const f = document.querySelector('main form[action="/meetings"]'); f.noValidate = true;
		document.querySelector("#f-title").value = ""; return true })()`)
	b.click(`main form[action="/meetings"] button[type="submit"]`, 422)
	if got := b.text(".error-summary"); !strings.Contains(got, "Fyll i fältet.") {
		t.Errorf("error summary: %q", got)
	}
	b.checkA11y("/meetings with errors")
	b.do("name the meeting", chromedp.SendKeys(chromedp.CSS("#f-title"), "Rektorsmöte vecka 20"))
	b.click(`main form[action="/meetings"] button[type="submit"]`, 200)
	path := b.path()
	if !strings.HasPrefix(path, "/meetings/") || b.text("main h1") != "Rektorsmöte vecka 20" {
		t.Fatalf("after creating at %s with h1 %q", path, b.text("main h1"))
	}
	if got := b.text("#unit-" + a + " table"); !strings.Contains(got, "Inställda lektioner i svenska.") {
		t.Errorf("Ekbacka's cases: %q", got)
	}
	b.checkA11y("agenda as officer")

	// The minutes: the meeting's notes, and a follow-up sent empty first.
	b.do("write the meeting's notes",
		chromedp.Click(chromedp.CSS("#notes summary")),
		chromedp.SendKeys(chromedp.CSS("#f-notes"), "Alla enheter var med."),
	)
	b.click(`#notes form button[type="submit"]`, 200)
	if got := b.text("#notes .body"); got != "Alla enheter var med." {
		t.Errorf("meeting notes: %q", got)
	}
	evalJS[bool](b, `(() => { document.querySelector("#followups form").noValidate = true; return true })()`)
	b.click(`#followups form button[type="submit"]`, 422)
	if n := evalJS[int](b, `document.querySelectorAll('[aria-invalid="true"]').length`); n != 1 {
		t.Errorf("%d invalid fields, want 1 (the follow-up's text)", n)
	}
	b.checkA11y("agenda with a follow-up error")
	b.do("fill in the follow-up",
		chromedp.SendKeys(chromedp.CSS("#f-followup_text"), "Följ upp vikarietillsättningen."),
		chromedp.SetValue(chromedp.CSS("#f-followup_unit"), a),
		chromedp.SendKeys(chromedp.CSS("#f-followup_owner"), "Rektor Ekbacka"),
	)
	b.click(`#followups form button[type="submit"]`, 200)
	if got := b.text("#followups table"); !strings.Contains(got, "Följ upp vikarietillsättningen.") || !strings.Contains(got, "Ekbacka skola") {
		t.Errorf("follow-ups: %q", got)
	}
	b.click(`.who form[action="/logout"] button`, 200)

	// The principal marks Ekbacka as presented and writes its notes.
	b.login(principalA)
	b.open(path, 200)
	if n := evalJS[int](b, `document.querySelectorAll('form[action$="/presented"]').length`); n != 1 {
		t.Errorf("the principal has %d presented buttons, want 1 (own unit)", n)
	}
	b.click("#unit-"+a+" form.inline button", 200)
	if got := b.text("#unit-" + a + " p strong"); !strings.HasPrefix(got, "Redovisad ") || !strings.Contains(got, "Petra Rektorsson") {
		t.Errorf("presented mark: %q", got)
	}
	b.do("write the unit's notes",
		chromedp.Click(chromedp.CSS("#unit-"+a+" summary")),
		chromedp.SendKeys(chromedp.CSS(`[id="f-unit`+a+`.notes"]`), "Vikarie på plats från måndag."),
	)
	b.click("#unit-"+a+" form.action-form button", 200)
	if got := b.text("#unit-" + a + " div.body"); got != "Vikarie på plats från måndag." {
		t.Errorf("unit notes: %q", got)
	}
	b.checkA11y("agenda as principal")
	b.open("/meetings", 200)
	b.checkA11y("/meetings as principal")

	// As printed: no forms or buttons, the notes and marks as text.
	b.open(path, 200)
	b.do("emulate print", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}))
	printed := evalJS[struct {
		VisibleForms, VisibleButtons int
		Notes, Mark                  bool
	}](b, `(() => {
		const shown = e => e.getClientRects().length > 0;
		return {
			VisibleForms: [...document.querySelectorAll("main form")].filter(shown).length,
			VisibleButtons: [...document.querySelectorAll("main button, main a.button")].filter(shown).length,
			Notes: shown(document.querySelector("#unit-`+a+` div.body")),
			Mark: shown(document.querySelector("#unit-`+a+` p strong")),
		}; })()`)
	if printed.VisibleForms+printed.VisibleButtons > 0 || !printed.Notes || !printed.Mark {
		t.Errorf("printed agenda: %+v", printed)
	}
	b.do("back to screen", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
		return err
	}))

	// At a phone's width nothing makes the page scroll sideways.
	b.phone()
	b.open(path, 200)
	b.checkPhone("agenda")
}
