package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/placement/round"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/web"
)

// addTestRegister gives the demo round a register: a child per applicant,
// guardians in Swedish and Arabic with e-mail, and every fourth child's
// only guardian in Somali without e-mail (a letter).
func addTestRegister(t *testing.T, e *env, rd *round.Round) {
	t.Helper()
	ctx := context.Background()
	rows, err := e.db.Query(ctx, "SELECT applicant_id FROM placement_results WHERE run_id = ? ORDER BY applicant_id", *rd.ResultRunID)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	now := store.Now()
	for i, id := range ids {
		var cid int64
		if err := e.db.QueryRow(ctx, `INSERT INTO placement_children (round_id, child_key, name, year, created_at) VALUES (?, ?, ?, 0, ?) RETURNING id`,
			rd.ID, id, "Barn "+id, now).Scan(&cid); err != nil {
			t.Fatal(err)
		}
		gs := [][3]string{{"Sv " + id, "sv" + id + "@example.se", "sv"}, {"Ar " + id, "ar" + id + "@example.se", "ar"}}
		if i%4 == 3 {
			gs = [][3]string{{"So " + id, "", "so"}}
		}
		for _, g := range gs {
			if _, err := e.db.Exec(ctx, `INSERT INTO placement_guardians (child_id, name, email, language, custody, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
				cid, g[0], g[1], g[2], true, now); err != nil {
				t.Fatal(err)
			}
		}
	}
}

var decisionLink = regexp.MustCompile(`/placement/d/([A-Za-z0-9_-]{32})\?lang=([a-z]+)`)

// linkIn returns the path of the link in the mail queued to addr.
func linkIn(t *testing.T, e *env, addr string) string {
	t.Helper()
	var body string
	if err := e.db.QueryRow(context.Background(), "SELECT body_text FROM outbox WHERE to_addr = ? ORDER BY id DESC LIMIT 1", addr).Scan(&body); err != nil {
		t.Fatalf("no mail to %s: %v", addr, err)
	}
	m := decisionLink.FindString(body)
	if m == "" {
		t.Fatalf("mail to %s has no link:\n%s", addr, body)
	}
	return m
}

func TestPlacementDecisionsReachGuardians(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		rd := e.demoRound()
		addTestRegister(t, e, rd)
		c := e.login(officer)
		roundPath := fmt.Sprintf("/placement/rounds/%d", rd.ID)
		if r := c.post(roundPath+"/publish", nil); r.status != http.StatusSeeOther {
			t.Fatalf("publish: %d\n%s", r.status, r.body)
		}
		page := c.get(roundPath)
		if !strings.Contains(page.body, `id="decide-h"`) || !strings.Contains(page.body, "/letters") {
			t.Fatalf("the round page lacks the decisions part")
		}
		ds, err := round.Decisions(ctxAs(e, officer), e.db, rd.ID, *rd.ResultRunID)
		if err != nil {
			t.Fatal(err)
		}
		// A child placed at a school other than its first choice.
		var d round.Decision
		for _, x := range ds {
			if x.SchoolID != "" && x.ChoiceRank > 1 {
				d = x
				break
			}
		}
		if d.ApplicantID == "" {
			t.Fatal("no child placed below its first choice")
		}
		svLink := linkIn(t, e, "sv"+d.ApplicantID+"@example.se")
		arLink := linkIn(t, e, "ar"+d.ApplicantID+"@example.se")
		if !strings.HasSuffix(arLink, "?lang=ar") {
			t.Errorf("Arabic guardian's link %s", arLink)
		}
		g := e.client()
		sv := g.get(svLink)
		if sv.status != http.StatusOK {
			t.Fatalf("guardian page: %d", sv.status)
		}
		body := html.UnescapeString(sv.body)
		placed := fmt.Sprintf("Barn %s har fått en plats i förskoleklass på %s.", d.ApplicantID, d.Explanation.SchoolName)
		if i := strings.Index(body, placed); i < 0 || i > strings.Index(body, "Frågor om beslutet") || strings.Index(body, "Frågor om beslutet") > strings.Index(body, "<details") {
			t.Errorf("the page does not start with %q, then the contact, then the details", placed)
		}
		// The appeal text says one thing per part.
		if strings.Contains(body, "Ni kan överklaga beslutet") {
			t.Error("the page still says the whole decision can be appealed")
		}
		if !strings.Contains(body, "Placeringen på "+d.Explanation.SchoolName+" är ett beslut enligt skollagen 9 kap. 15 § första stycket. Den delen kan inte överklagas till Skolväsendets överklagandenämnd.") ||
			!strings.Contains(body, "laglighetsprövning hos förvaltningsrätten enligt kommunallagen 13 kap.") {
			t.Error("the legality review part is missing")
		}
		ar := g.get(arLink)
		if !strings.Contains(ar.body, `<html lang="ar" dir="rtl">`) || !strings.Contains(html.UnescapeString(ar.body), "حصل Barn "+d.ApplicantID) {
			t.Errorf("the Arabic page is not in Arabic")
		}
		if m := regexp.MustCompile(`(decide|placementweb)\.[a-z_.]+`).FindString(sv.body + ar.body + page.body); m != "" {
			t.Errorf("a page shows the message ID %s", m)
		}

		// Declining asks first; the other custodian cannot answer again.
		answer := strings.Replace(svLink, "?", "/answer?", 1)
		r := g.post(answer, url.Values{"answer": {"declined"}})
		if r.status != http.StatusOK || !strings.Contains(r.body, `name="confirm" value="1"`) {
			t.Fatalf("decline without confirming: %d", r.status)
		}
		if n := e.count("SELECT COUNT(*) FROM placement_decisions WHERE round_id = ? AND answer <> ''", rd.ID); n != 0 {
			t.Fatal("a decline was recorded before it was confirmed")
		}
		if r := g.post(answer, url.Values{"answer": {"declined"}, "confirm": {"1"}}); r.status != http.StatusSeeOther {
			t.Fatalf("decline: %d", r.status)
		}
		if p := g.get(svLink); !strings.Contains(p.body, "Ni tackade nej till platsen") || strings.Contains(p.body, `value="accepted"`) {
			t.Error("the page does not show the decline")
		}
		h := e.client()
		if r := h.post(strings.Replace(arLink, "?", "/answer?", 1), url.Values{"answer": {"accepted"}}); r.status != http.StatusConflict {
			t.Errorf("a second answer: %d", r.status)
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'placement_decision' AND summary LIKE 'declined by guardian%'"); n != 1 {
			t.Errorf("%d audited declines", n)
		}

		// The officer sees who moves before confirming.
		pp := c.get(roundPath + "/pass")
		if pp.status != http.StatusOK {
			t.Fatalf("pass page: %d", pp.status)
		}
		if strings.Contains(pp.body, `action="`+roundPath+`/pass"`) {
			if r := c.post(roundPath+"/pass", nil); r.status != http.StatusSeeOther {
				t.Fatalf("pass: %d", r.status)
			}
			if n := e.count("SELECT COUNT(*) FROM placement_decisions WHERE round_id = ? AND pass = 2", rd.ID); n == 0 {
				t.Error("no decisions of pass 2")
			}
		}
		lr := c.post(roundPath+"/letters", nil)
		if lr.status != http.StatusOK || lr.header.Get("Content-Type") != "application/pdf" {
			t.Errorf("letters: %d %s", lr.status, lr.header.Get("Content-Type"))
		}
	})
}

// TestDemoDecisions: LoadDecisions publishes the demo round, answers some
// decisions and runs a second pass; a second call changes nothing.
func TestDemoDecisions(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rs, err := round.List(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		var id int64
		for _, r := range rs {
			if r.Name == demo.PlacementRoundName {
				id = r.ID
			}
		}
		if err := demo.LoadDecisions(ctx, db, id); err != nil {
			t.Fatal(err)
		}
		counts := func() string {
			var s string
			for _, q := range []string{
				"SELECT COUNT(*) FROM placement_decisions WHERE round_id = ?",
				"SELECT COUNT(*) FROM placement_decisions WHERE round_id = ? AND answer = 'accepted'",
				"SELECT COUNT(*) FROM placement_decisions WHERE round_id = ? AND answer = 'declined'",
				"SELECT COUNT(*) FROM placement_decisions WHERE round_id = ? AND pass = 2",
				"SELECT COUNT(*) FROM placement_decisions WHERE round_id = ? AND channel = 'letter'",
			} {
				var n int
				if err := db.QueryRow(ctx, q, id).Scan(&n); err != nil {
					t.Fatal(err)
				}
				s += fmt.Sprintf("%d ", n)
			}
			return s
		}
		first := counts()
		var total, acc, dec, pass2, letters int
		fmt.Sscan(first, &total, &acc, &dec, &pass2, &letters)
		if acc == 0 || dec == 0 || pass2 == 0 || letters == 0 || total < demo.PlacementApplicants {
			t.Errorf("demo decisions: %s (all, accepted, declined, pass 2, letters)", first)
		}
		if err := demo.LoadDecisions(ctx, db, id); err != nil {
			t.Fatal(err)
		}
		if again := counts(); again != first {
			t.Errorf("a second call changed %s to %s", first, again)
		}
	})
}

// TestGuardianDecisionsInMyCases: a guardian signed in with
// e-identification finds their child's decision in "Mina ärenden" (by the
// register's pin_mac), reads and accepts it there; another guardian
// cannot open it.
func TestGuardianDecisionsInMyCases(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		broker := startIdP(t)
		e := ssoEnv(t, db, startIdP(t), broker, web.Options{})
		signIn := func(pin string) *client {
			broker.QueueUser(brokerUser{"b-" + pin, pin})
			c := e.client()
			if res, last := c.through(c.get("/login/e-id?next=/my-cases")); res.status != http.StatusOK || !strings.HasSuffix(last, "/my-cases") {
				t.Fatalf("e-id sign-in: %d at %s", res.status, last)
			}
			return c
		}
		anna := signIn("198112189876")
		var mac string
		if err := db.QueryRow(t.Context(), "SELECT pin_mac FROM guardians ORDER BY id DESC LIMIT 1").Scan(&mac); err != nil {
			t.Fatal(err)
		}
		rd := e.demoRound()
		addTestRegister(t, e, rd)
		var child string
		if err := db.QueryRow(t.Context(), "SELECT applicant_id FROM placement_results WHERE run_id = ? AND school_id <> '' ORDER BY applicant_id LIMIT 1",
			*rd.ResultRunID).Scan(&child); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(t.Context(), `UPDATE placement_guardians SET pin_mac = ? WHERE name = ?`, mac, "Sv "+child); err != nil {
			t.Fatal(err)
		}
		if r := e.login(officer).post(fmt.Sprintf("/placement/rounds/%d/publish", rd.ID), nil); r.status != http.StatusSeeOther {
			t.Fatalf("publish: %d", r.status)
		}
		list := anna.get("/my-cases")
		m := regexp.MustCompile(`href="(/my-cases/placement/\d+)">Barn ` + child + `<`).FindStringSubmatch(list.body)
		if m == nil {
			t.Fatalf("Mina ärenden does not list the decision of %s", child)
		}
		page := anna.get(m[1])
		if page.status != http.StatusOK || !strings.Contains(html.UnescapeString(page.body), "Barn "+child+" har fått en plats") {
			t.Fatalf("the decision in Mina ärenden: %d", page.status)
		}
		if r := anna.post(m[1]+"/answer", url.Values{"answer": {"accepted"}}); r.status != http.StatusSeeOther {
			t.Fatalf("accept: %d", r.status)
		}
		if n := e.count("SELECT COUNT(*) FROM placement_decisions WHERE round_id = ? AND applicant_id = ? AND answer = 'accepted'", rd.ID, child); n != 1 {
			t.Error("the answer was not recorded")
		}
		bertil := signIn("194107086995")
		if r := bertil.get(m[1]); r.status != http.StatusNotFound {
			t.Errorf("another guardian: %d", r.status)
		}
		if r := bertil.get("/my-cases"); strings.Contains(r.body, "/my-cases/placement/") {
			t.Error("another guardian's list shows the decision")
		}
	})
}
