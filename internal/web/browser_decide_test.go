package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/web"
)

// TestBrowserDecisionPage opens a published decision's page at phone
// width in Swedish and Arabic: axe finds nothing, nothing overflows, the
// details are folded (a <details> that works without script), and
// declining asks for confirmation.
func TestBrowserDecisionPage(t *testing.T) {
	e := start(t, demoSQLite(t), web.Options{})
	rd := e.demoRound()
	addTestRegister(t, e, rd)
	c := e.login(officer)
	if r := c.post(fmt.Sprintf("/placement/rounds/%d/publish", rd.ID), nil); r.status != 303 {
		t.Fatalf("publish: %d", r.status)
	}
	var id string
	if err := e.db.QueryRow(t.Context(), "SELECT applicant_id FROM placement_results WHERE run_id = ? AND choice_rank > 1 ORDER BY applicant_id LIMIT 1",
		*rd.ResultRunID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	sv := linkIn(t, e, "sv"+id+"@example.se")
	ar := linkIn(t, e, "ar"+id+"@example.se")

	b := newBrowser(t, e.srv.URL, 3*time.Minute)
	b.phone()
	b.open(sv, 200)
	if got := b.text("main"); !strings.Contains(got, "har fått en plats") || !strings.Contains(got, "Tacka ja till platsen") {
		t.Errorf("Swedish decision page: %q", got)
	}
	if open := b.text("details"); strings.Contains(open, "Lottningen") && evalJS[bool](b, `document.querySelector("details").open`) {
		t.Error("the details are not folded")
	}
	b.checkA11y("decision page, Swedish")
	b.checkPhone("decision page, Swedish")
	b.open(ar, 200)
	if dir := evalJS[string](b, `document.documentElement.dir`); dir != "rtl" {
		t.Errorf("Arabic page dir %q", dir)
	}
	b.checkA11y("decision page, Arabic")
	b.checkPhone("decision page, Arabic")
	b.click(`main form button.secondary`, 200)
	if got := b.text("main"); !strings.Contains(got, "هل تريدون رفض المكان؟") {
		t.Errorf("declining does not ask to confirm: %q", got)
	}
	b.checkA11y("decline confirmation, Arabic")
	b.checkPhone("decline confirmation, Arabic")
}
