package web_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/web"
)

// applyGuardian is a guardian as the register import stores one.
type applyGuardian struct {
	name, email, lang, pin string
	custody                bool
}

// openApplications opens the demo round's application window around
// today (or closed: it ended yesterday) and returns the round's ID.
func openApplications(t *testing.T, db *store.DB, closed bool) int64 {
	t.Helper()
	ctx := context.Background()
	today := civil.Today(time.Now())
	opens, _ := civil.AddDays(today, -10)
	closes, _ := civil.AddDays(today, 10)
	if closed {
		closes, _ = civil.AddDays(today, -1)
	}
	var id int64
	if err := db.QueryRow(ctx, "SELECT id FROM placement_rounds WHERE name = ?", demo.PlacementRoundName).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, "UPDATE placement_rounds SET apply_opens = ?, apply_closes = ?, choices_allowed = 3 WHERE id = ?", opens, closes, id); err != nil {
		t.Fatal(err)
	}
	return id
}

// addApplicant inserts a child of the round near Ekbacka skola with its
// guardians and returns the child's ID.
func addApplicant(t *testing.T, db *store.DB, roundID int64, key, name string, gs ...applyGuardian) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	if err := db.QueryRow(ctx, `INSERT INTO placement_children (round_id, child_key, name, year, lat, lon, located_by, created_at)
		VALUES (?, ?, ?, 0, 59.3850, 16.5140, 'wgs84', ?) RETURNING id`, roundID, key, name, store.Now()).Scan(&id); err != nil {
		t.Fatal(err)
	}
	for _, g := range gs {
		if _, err := db.Exec(ctx, `INSERT INTO placement_guardians (child_id, name, email, language, custody, pin_mac, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, id, g.name, g.email, g.lang, g.custody, g.pin, store.Now()); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

var sixDigits = regexp.MustCompile(`\b\d{6}\b`)

// codeSignIn signs a client in with the code mailed to email.
func (e *env) codeSignIn(c *client, email string) {
	e.t.Helper()
	if r := c.post("/login/apply/code", url.Values{"email": {email}}); r.status != http.StatusOK {
		e.t.Fatalf("code request: %d\n%s", r.status, r.body)
	}
	var body string
	if err := e.db.QueryRow(context.Background(), "SELECT body_text FROM outbox WHERE to_addr = ? ORDER BY id DESC LIMIT 1", email).Scan(&body); err != nil {
		e.t.Fatalf("no code mail to %s: %v", email, err)
	}
	r := c.post("/login/apply/verify", url.Values{"email": {email}, "code": {sixDigits.FindString(body)}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/apply" {
		e.t.Fatalf("verify: %d %s\n%s", r.status, r.header.Get("Location"), r.body)
	}
}

// TestApplyWithCode: a guardian signs in with a mailed code (the same
// answer for an unknown address), sees only their own child, ranks
// schools with their facts, gets a receipt over SMTP in their language,
// and the other custodian is asked in theirs; staff are refused.
func TestApplyWithCode(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		roundID := openApplications(t, db, false)
		alva := addApplicant(t, db, roundID, "W1", "Alva Ek",
			applyGuardian{"Anna Ek", "anna.ek@example.se", "sv", "", true}, applyGuardian{"Karim Ek", "karim.ek@example.se", "ar", "", true})
		other := addApplicant(t, db, roundID, "W2", "Cilla Berg", applyGuardian{"Eva Berg", "eva.berg@example.se", "sv", "", true})
		e, smtp := startWithSMTP(t, db)

		anon := e.client()
		if r := anon.get("/apply"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login/apply") {
			t.Errorf("anonymous /apply: %d %s", r.status, r.header.Get("Location"))
		}
		unknown := anon.post("/login/apply/code", url.Values{"email": {"stranger@example.se"}})
		c := e.client()
		known := c.post("/login/apply/code", url.Values{"email": {"anna.ek@example.se"}})
		strip := func(s string) string { return strings.ReplaceAll(s, "stranger@example.se", "anna.ek@example.se") }
		if unknown.status != known.status || strip(unknown.body) != known.body {
			t.Error("the answer tells whether the address is known")
		}
		if r := c.post("/login/apply/verify", url.Values{"email": {"anna.ek@example.se"}, "code": {"12345x"}}); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, "Koden stämmer inte") {
			t.Errorf("wrong code: %d", r.status)
		}
		e.codeSignIn(c, "anna.ek@example.se")
		home := c.get("/apply")
		if home.status != http.StatusOK || !strings.Contains(home.body, "Alva Ek") || strings.Contains(home.body, "Cilla Berg") {
			t.Fatalf("children: %d\n%s", home.status, home.body)
		}
		if r := c.get("/apply/children/" + itoa(other)); r.status != http.StatusNotFound {
			t.Errorf("another guardian's child: %d", r.status)
		}
		if r := c.post("/apply/children/"+itoa(other), url.Values{"choice1": {"92000201"}}); r.status != http.StatusNotFound {
			t.Errorf("applying for another's child: %d", r.status)
		}
		page := c.get("/apply/children/" + itoa(alva))
		for _, want := range []string{"Ekbacka skola", "Gångväg hemifrån", "Antal elever", "påhittat exempelnät", "<svg", `name="choice3"`} {
			if !strings.Contains(page.body, want) {
				t.Errorf("child page lacks %q", want)
			}
		}
		if !regexp.MustCompile(`<dd>\d+(&nbsp;|\s)m</dd>|<dd>\d+,\d\d(&nbsp;|\s)km</dd>`).MatchString(page.body) {
			t.Error("no walking distance on the child page")
		}
		if r := c.post("/apply/children/"+itoa(alva), url.Values{"choice1": {"92000201"}, "choice2": {"92000201"}}); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, "Välj varje skola bara en gång") {
			t.Errorf("the same school twice: %d", r.status)
		}
		if r := c.post("/apply/children/"+itoa(alva), url.Values{"choice1": {"92000201"}, "choice2": {"92000202"}}); r.status != http.StatusSeeOther {
			t.Fatalf("apply: %d\n%s", r.status, r.body)
		}
		if r := c.get("/apply/children/" + itoa(alva)); !strings.Contains(r.body, "Väntar på den andra vårdnadshavaren") {
			t.Error("the application does not wait for the other custodian")
		}
		receipt := mailsTo(t, smtp, "anna.ek@example.se", 3)[2] // two codes, then the receipt
		if !strings.Contains(receipt.Subject, "Kvitto: ansökan om skola för Alva Ek") || !strings.Contains(receipt.Body, "1. Ekbacka skola") {
			t.Errorf("receipt: %q\n%s", receipt.Subject, receipt.Body)
		}
		ask := mailsTo(t, smtp, "karim.ek@example.se", 1)[0]
		if !strings.Contains(ask.Subject, "هل توافق على طلب المدرسة لـ Alva Ek") || !strings.Contains(ask.Body, publicURL+"/apply") {
			t.Errorf("the other custodian's mail: %q\n%s", ask.Subject, ask.Body)
		}
		// The other custodian disagrees, in Arabic.
		k := e.client()
		k.post("/language", url.Values{"lang": {"ar"}, "next": {"/login/apply"}})
		e.codeSignIn(k, "karim.ek@example.se")
		if r := k.get("/apply/children/" + itoa(alva)); !strings.Contains(r.body, "هل توافق على الطلب؟") || !strings.Contains(r.body, `dir="rtl"`) {
			t.Errorf("the other custodian's page:\n%s", r.body)
		}
		if r := k.post("/apply/children/"+itoa(alva)+"/answer", url.Values{"answer": {"disagree"}}); r.status != http.StatusSeeOther {
			t.Fatalf("answer: %d\n%s", r.status, r.body)
		}
		if n := e.count("SELECT COUNT(*) FROM placement_applications WHERE child_id = ? AND status = 'disputed'", alva); n != 1 {
			t.Error("the application is not disputed")
		}
		// A third code for the same address within the minute is refused.
		if r := e.client().post("/login/apply/code", url.Values{"email": {"anna.ek@example.se"}}); r.status != http.StatusTooManyRequests {
			t.Errorf("third code request a minute: %d", r.status)
		}
		// Staff are not guardians here.
		if r := e.login("klagomal@exempelby.example").get("/apply"); r.status != http.StatusForbidden {
			t.Errorf("officer on /apply: %d", r.status)
		}
		// The officer's list shows the disputed application and the child without one.
		list := e.login("klagomal@exempelby.example").get("/placement/rounds/" + itoa(roundID) + "/applications")
		if list.status != http.StatusOK || !strings.Contains(list.body, "Alva Ek") || !strings.Contains(list.body, "Cilla Berg") ||
			!strings.Contains(list.body, "Vårdnadshavarna är inte överens") {
			t.Errorf("officer's list: %d\n%s", list.status, list.body)
		}
		if r := e.login("rektor.ekbacka@exempelby.example").get("/placement/rounds/" + itoa(roundID) + "/applications"); r.status != http.StatusForbidden {
			t.Errorf("principal on the applications list: %d", r.status)
		}
	})
}

// TestApplyWindowClosed: after the window nothing changes, and the page
// says when it closed.
func TestApplyWindowClosed(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		roundID := openApplications(t, db, true)
		alva := addApplicant(t, db, roundID, "W1", "Alva Ek", applyGuardian{"Anna Ek", "anna.ek@example.se", "en", "", true})
		e := start(t, db, web.Options{})
		c := e.client()
		c.post("/language", url.Values{"lang": {"en"}, "next": {"/login/apply"}})
		e.codeSignIn(c, "anna.ek@example.se")
		closes, _ := civil.AddDays(civil.Today(time.Now()), -1)
		r := c.post("/apply/children/"+itoa(alva), url.Values{"choice1": {"92000201"}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "The application period ended on "+closes) {
			t.Errorf("closed window: %d\n%s", r.status, r.body)
		}
		if n := e.count("SELECT COUNT(*) FROM placement_applications WHERE child_id = ?", alva); n != 0 {
			t.Error("an application was stored after the window")
		}
	})
}

// TestApplyEIDAndMyCases: a guardian signed in with e-identification finds
// their child by pin_mac and the application under "Mina ärenden".
func TestApplyEIDAndMyCases(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		roundID := openApplications(t, db, false)
		pin := "198112189876"
		mac := hmac.New(sha256.New, []byte(strings.Repeat("g", 32)))
		mac.Write([]byte(pin))
		alva := addApplicant(t, db, roundID, "W1", "Alva Ek", applyGuardian{"Anna Ek", "", "sv", hex.EncodeToString(mac.Sum(nil)), true})
		addApplicant(t, db, roundID, "W2", "Cilla Berg", applyGuardian{"Eva Berg", "eva.berg@example.se", "sv", "other-mac", true})
		broker := startIdP(t)
		e := ssoEnv(t, db, startIdP(t), broker, web.Options{})
		broker.QueueUser(brokerUser{"b-" + pin, pin})
		c := e.client()
		if res, last := c.through(c.get("/login/e-id?next=/apply")); res.status != http.StatusOK || !strings.HasSuffix(last, "/apply") ||
			!strings.Contains(res.body, "Alva Ek") || strings.Contains(res.body, "Cilla Berg") {
			t.Fatalf("e-id to /apply: %d at %s\n%s", res.status, last, res.body)
		}
		if r := c.post("/apply/children/"+itoa(alva), url.Values{"choice1": {"92000202"}}); r.status != http.StatusSeeOther {
			t.Fatalf("apply: %d\n%s", r.status, r.body)
		}
		mine := c.get("/my-cases")
		if !strings.Contains(mine.body, "Ansökningar om skola") || !strings.Contains(mine.body, `href="/apply/children/`+itoa(alva)+`"`) || !strings.Contains(mine.body, "Klar") {
			t.Errorf("Mina ärenden:\n%s", mine.body)
		}
	})
}

// TestSchoolTexts: a principal writes their own school's text, not
// another's; guardians see it beside the school.
func TestSchoolTexts(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		roundID := openApplications(t, db, false)
		alva := addApplicant(t, db, roundID, "W1", "Alva Ek", applyGuardian{"Anna Ek", "anna.ek@example.se", "sv", "", true})
		e := start(t, db, web.Options{})
		p := e.login("rektor.ekbacka@exempelby.example")
		page := p.get("/placement/school-texts")
		if page.status != http.StatusOK || !strings.Contains(page.body, "Ekbacka skola") || strings.Contains(page.body, "Björkdalens skola") {
			t.Fatalf("texts page: %d\n%s", page.status, page.body)
		}
		text := "Vi har skog nära skolan och går ut varje dag."
		if r := p.post("/placement/school-texts/"+itoa(e.unitID("92000201")), url.Values{"text": {text}}); r.status != http.StatusSeeOther {
			t.Errorf("own text: %d\n%s", r.status, r.body)
		}
		if r := p.post("/placement/school-texts/"+itoa(e.unitID("92000202")), url.Values{"text": {"x"}}); r.status != http.StatusNotFound {
			t.Errorf("another school's text: %d", r.status)
		}
		if r := p.post("/placement/school-texts/"+itoa(e.unitID("92000201")), url.Values{"text": {strings.Repeat("å", 601)}}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("too long: %d", r.status)
		}
		c := e.client()
		e.codeSignIn(c, "anna.ek@example.se")
		if r := c.get("/apply/children/" + itoa(alva)); !strings.Contains(r.body, text) {
			t.Error("the guardian does not see the school's text")
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'unit' AND summary = 'school text for guardians'"); n != 1 {
			t.Errorf("%d audited text changes", n)
		}
	})
}

// TestApplyPagesTranslated: the application pages and the guardians'
// mails exist in every guardian language and in easy-to-read Swedish.
func TestApplyPagesTranslated(t *testing.T) {
	t.Parallel()
	db := demoSQLite(t)
	roundID := openApplications(t, db, false)
	alva := addApplicant(t, db, roundID, "W1", "Alva Ek",
		applyGuardian{"Anna Ek", "anna.ek@example.se", "sv", "", true}, applyGuardian{"Karim Ek", "karim.ek@example.se", "sv", "", true})
	e := start(t, db, web.Options{})
	e.catalog.RecordMissing()
	for _, l := range i18n.Languages {
		for _, name := range []string{"anna", "karim"} { // a new address each time, under the per-address limit
			if _, err := db.Exec(context.Background(), "UPDATE placement_guardians SET language = ?, email = ? WHERE email LIKE ?",
				l.Code, name+"."+l.Code+"@example.se", name+".%"); err != nil {
				t.Fatal(err)
			}
		}
		_, missing := e.client().crawl(l.Code, "/login/apply")
		a := e.client()
		a.crawl(l.Code)
		e.codeSignIn(a, "anna."+l.Code+"@example.se")
		if r := a.post("/apply/children/"+itoa(alva), url.Values{"choice1": {"92000201"}, "choice2": {"92000202"}}); r.status != http.StatusSeeOther {
			t.Fatalf("%s: apply: %d", l.Code, r.status)
		}
		if r := a.post("/apply/children/"+itoa(alva), url.Values{"choice1": {"92000201"}, "choice2": {"92000201"}}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("%s: the same school twice: %d", l.Code, r.status)
		}
		if m := e.catalog.Missing(); len(m) > 0 {
			t.Errorf("%s: applying (pages and mails) lacks %v", l.Code, m)
		}
		k := e.client()
		k.crawl(l.Code)
		e.codeSignIn(k, "karim."+l.Code+"@example.se")
		seeds := []string{"/apply", "/apply/children/" + itoa(alva)}
		if l.Code == "sv" {
			seeds = append(seeds, "/apply/children/"+itoa(alva)+"?easy=1")
		}
		_, more := k.crawl(l.Code, seeds...)
		missing = append(missing, more...)
		if r := k.post("/apply/children/"+itoa(alva)+"/answer", url.Values{"answer": {"agree"}}); r.status != http.StatusSeeOther {
			t.Fatalf("%s: answer: %d", l.Code, r.status)
		}
		if m := e.catalog.Missing(); len(m) > 0 {
			missing = append(missing, fmt.Sprintf("answering lacks %v", m))
		}
		for _, m := range missing {
			t.Errorf("%s: %s", l.Code, m)
		}
	}
}

// TestDemoApplications: the demo's applications for a round's register
// children: most agreed, one disputed, some waiting, a few without; a
// second load changes nothing.
func TestDemoApplications(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		roundID := openApplications(t, db, false)
		for i := range 30 {
			gs := []applyGuardian{{fmt.Sprintf("Förälder A%d", i), fmt.Sprintf("a%d@example.se", i), "sv", "", true}}
			if i%4 != 0 {
				gs = append(gs, applyGuardian{fmt.Sprintf("Förälder B%d", i), fmt.Sprintf("b%d@example.se", i), "ar", "", true})
			}
			addApplicant(t, db, roundID, fmt.Sprintf("K%02d", i), fmt.Sprintf("Barn %d", i), gs...)
		}
		if err := demo.LoadApplications(ctx, db, roundID); err != nil {
			t.Fatal(err)
		}
		counts := func() map[string]int {
			out := map[string]int{}
			for _, st := range []string{"agreed", "waiting", "disputed"} {
				var n int
				if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM placement_applications WHERE status = ?", st).Scan(&n); err != nil {
					t.Fatal(err)
				}
				out[st] = n
			}
			return out
		}
		got := counts()
		if got["disputed"] != 1 || got["waiting"] < 1 || got["agreed"] < 20 || got["agreed"]+got["waiting"]+got["disputed"] >= 30 {
			t.Errorf("demo applications: %v of 30 children", got)
		}
		var updated, again time.Time
		if err := db.QueryRow(ctx, "SELECT updated_at FROM placement_applications ORDER BY updated_at DESC LIMIT 1").Scan(&updated); err != nil {
			t.Fatal(err)
		}
		if err := demo.LoadApplications(ctx, db, roundID); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(ctx, "SELECT updated_at FROM placement_applications ORDER BY updated_at DESC LIMIT 1").Scan(&again); err != nil {
			t.Fatal(err)
		}
		if again2 := counts(); fmt.Sprint(again2) != fmt.Sprint(got) || !again.Equal(updated) {
			t.Errorf("a second load changed %v → %v (%s → %s)", got, again2, updated, again)
		}
	})
}
