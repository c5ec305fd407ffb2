package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/dialogue"
	"github.com/styrkedjan/styrkedjan/internal/meeting"
	"github.com/styrkedjan/styrkedjan/internal/web"
)

// TestBrowserStartPageToDo opens a principal's start page in Swedish at a
// phone's width with every kind of item on it (an overdue case, a reply to
// read, dialogue actions, a finding with a deadline, a coming meeting) and
// runs axe-core there; then the work list and the case page.
func TestBrowserStartPageToDo(t *testing.T) {
	e := start(t, demoSQLite(t), web.Options{})
	ctx := context.Background()
	overdue := e.submitAt(complaint.Submission{UnitID: e.unitID(unitA), WhatHappened: "Ingen lärare på tre veckor."}, daysAgo(40))
	e.actAt(overdue, complaint.Action{Kind: complaint.EventSummary, Body: "Inställda lektioner i svenska."}, time.Now())
	guardian := e.client()
	link := e.fileComplaint(guardian, map[string]string{"whatHappened": "Maten räckte inte."})
	if r := guardian.postMultipart(link+"/reply", map[string]string{"body": "Det hände igen i dag."}); r.status != http.StatusSeeOther {
		t.Fatalf("reply: %d", r.status)
	}
	today := civil.Today(time.Now())
	soon, _ := civil.AddDays(today, 5)
	from, _ := civil.AddDays(today, -30)
	if _, err := meeting.Create(e.as(officer), e.db, meeting.Input{Title: "Rektorsmöte", HeldOn: soon, From: from, To: today,
		UnitIDs: []int64{e.unitID(unitA), e.unitID(unitB)}}, time.Now()); err != nil {
		t.Fatal(err)
	}
	deadline, _ := civil.AddDays(today, 20)
	if _, err := dialogue.AddFinding(e.as(officer), e.db, dialogue.FindingInput{Kind: dialogue.FindingInjunction, Reference: "SI 2026:1234",
		DecidedOn: today, Deadline: deadline, Summary: "Rutiner för att ta emot och utreda klagomål."}, time.Now()); err != nil {
		t.Fatal(err)
	}
	var typeID int64
	if err := e.db.QueryRow(ctx, "SELECT id FROM dialogue_types WHERE key = 'principal'").Scan(&typeID); err != nil {
		t.Fatal(err)
	}
	d, err := dialogue.Create(e.as(officer), e.db, dialogue.Input{TypeID: typeID, Title: "Kvalitetsdialog Ekbacka", HeldOn: soon,
		UnitIDs: []int64{e.unitID(unitA)}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, title := range []string{"Rastvärdar vid matsalen", "Läsfrukost med vårdnadshavare"} {
		if _, err := dialogue.AddAction(e.as(officer), e.db, d, dialogue.ActionInput{UnitID: e.unitID(unitA), Title: title,
			Owner: "Petra Rektorsson", Due: deadline}, time.Now()); err != nil {
			t.Fatal(err)
		}
	}

	b := newBrowser(t, e.srv.URL, 5*time.Minute)
	b.login(principalA)
	b.phone()
	b.open("/", 200)
	got := b.text("main")
	for _, want := range []string{"Att göra", "Svar att läsa i dina ärenden (1)", "Dina öppna ärenden (2)", "Inställda lektioner i svenska.",
		"Försenat", "Skolinspektionens beslut med tidsgräns (1)", "SI 2026:1234", "Möten och dialoger de kommande två veckorna", "Rektorsmöte",
		"Dina åtgärder från kvalitetsdialoger (2)", "Rastvärdar vid matsalen", "Kvalitetsdialog Ekbacka"} {
		if !strings.Contains(got, want) {
			t.Errorf("start page lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "Maten räckte inte.") {
		t.Error("the filer's text is on the start page")
	}
	if nav := b.text("nav"); !strings.Contains(nav, "Ärenden (2)") {
		t.Errorf("navigation: %q", nav)
	}
	b.checkPhone("start page, principal, Swedish")

	b.open("/cases?status=all", 200)
	b.checkPhone("work list, Alla")
	b.open("/cases/"+itoa(overdue), 200)
	b.checkPhone("case page")
}
