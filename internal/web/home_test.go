package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/civil"
)

// The start page lists each person's own cases and the filers' replies
// to read, with the count in the navigation; another unit's principal sees
// none of them, and a person with nothing to do is told so.
func TestStartPageShowsWhatIsTheirsToDo(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		if r := e.login(admin).get("/"); !strings.Contains(r.body, "Inget att göra just nu.") {
			t.Errorf("the admin's start page does not say there is nothing to do:\n%.3000s", r.body)
		}
		a, b := e.login(principalA), e.login(principalB)
		if r := a.get("/"); strings.Contains(r.body, "öppna ärende") || strings.Contains(r.body, `Ärenden <span class="count">`) {
			t.Errorf("A has cases before any came in:\n%.3000s", r.body)
		}
		text := "Läraren kom inte på tre veckor."
		guardian := e.client()
		link := e.fileComplaint(guardian, map[string]string{"email": "vh@example.se", "whatHappened": text})
		id := itoa(e.caseByText(text))
		ref := regexp.MustCompile(`BUN 20\d\d/\d+`).FindString(a.get("/cases/" + id).body)
		if ref == "" {
			t.Fatal("no reference on the case page")
		}
		r := a.get("/")
		for _, want := range []string{"Ditt öppna ärende (1)", `href="/cases/` + id + `"`, ref, "Undervisning", "bekräftas senast",
			`Ärenden <span class="count">(1)</span>`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("A's start page lacks %q", want)
			}
		}
		if strings.Contains(r.body, text) {
			t.Error("the filer's text is on the start page")
		}
		if r := b.get("/"); strings.Contains(r.body, ref) || strings.Contains(r.body, `Ärenden <span class="count">`) {
			t.Errorf("B's start page shows A's case")
		}
		// B owns open actions from the demo's dialogues: the navigation
		// counts them, as many as the start page lists.
		rb := b.get("/")
		own := regexp.MustCompile(`Kvalitetsdialoger <span class="count">\((\d+)\)</span>`).FindStringSubmatch(rb.body)
		if own == nil || !regexp.MustCompile(`åtgärder? från kvalitetsdialoger \(`+own[1]+`\)`).MatchString(rb.body) {
			t.Errorf("B's navigation does not count B's dialogue actions")
		}
		if r := e.login(admin).get("/"); strings.Contains(r.body, `class="count"`) {
			t.Error("the admin's navigation counts something")
		}
		// A meeting tomorrow with A's unit: A's navigation counts it, B's not.
		o := e.login(officer)
		form := o.meetingForm()
		form.Set("held_on", civil.Today(time.Now().Add(24*time.Hour)))
		form["units"] = []string{itoa(e.unitID(unitA))}
		o.createMeeting(form)
		if r := a.get("/"); !strings.Contains(r.body, `Rektorsmöten <span class="count">(1)</span>`) {
			t.Error("A's navigation does not count the coming meeting")
		}
		if r := b.get("/"); strings.Contains(r.body, `Rektorsmöten <span class="count">`) {
			t.Error("B's navigation counts A's meeting")
		}
		// The start page counts its own lists; every other page asks the
		// database: both say the same.
		if r := a.get("/account"); !strings.Contains(r.body, `Rektorsmöten <span class="count">(1)</span>`) {
			t.Error("A's navigation on another page does not count the coming meeting")
		}
		if r := b.get("/account"); own != nil && !strings.Contains(r.body, own[0]) {
			t.Errorf("B's navigation on another page does not say %q", own[0])
		}
		// The filer replies: the case is A's to read until A acts on it.
		if rr := guardian.postMultipart(link+"/reply", map[string]string{"body": "Det har hänt igen."}); rr.status != http.StatusSeeOther {
			t.Fatalf("reply: %d", rr.status)
		}
		if r := a.get("/"); !strings.Contains(r.body, "Svar att läsa i dina ärenden (1)") {
			t.Errorf("A's start page lacks the reply")
		}
		if r := b.get("/"); strings.Contains(r.body, "Svar att läsa") {
			t.Errorf("B's start page shows A's reply")
		}
		if r := a.post("/cases/"+id+"/message", url.Values{"body": {"Tack, vi ringer dig."}}); r.status != http.StatusSeeOther {
			t.Fatalf("message: %d", r.status)
		}
		if r := a.get("/"); strings.Contains(r.body, "Svar att läsa") {
			t.Errorf("the reply is still to read after A answered")
		}
	})
}

// The work list shows the date received and a short subject, finds a
// category by its name, and "Alla" lists the newest first.
func TestWorkListSubjectSearchAndNewest(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		first, second := "Maten var kall hela veckan.", "Ingen vikarie på mattelektionen."
		e.fileComplaint(e.client(), map[string]string{"category": "meals", "whatHappened": first})
		e.fileComplaint(e.client(), map[string]string{"category": "teaching", "whatHappened": second})
		meals, teaching := itoa(e.caseByText(first)), itoa(e.caseByText(second))
		o := e.login(officer)
		r := o.get("/cases?" + url.Values{"q": {"Måltider"}, "status": {"all"}}.Encode())
		if !strings.Contains(r.body, `href="/cases/`+meals+`"`) || strings.Contains(r.body, `href="/cases/`+teaching+`"`) {
			t.Errorf("searching Måltider:\n%.4000s", r.body)
		}
		for _, want := range []string{"<th scope=\"col\">Inkom</th>", "<th scope=\"col\">Ämne</th>", "<td>Måltider</td>"} {
			if !strings.Contains(r.body, want) {
				t.Errorf("work list lacks %q", want)
			}
		}
		if strings.Contains(r.body, first) {
			t.Error("the filer's text is on the work list")
		}
		all := o.get("/cases?status=all").body
		if i, j := strings.Index(all, `href="/cases/`+teaching+`"`), strings.Index(all, `href="/cases/`+meals+`"`); i < 0 || j < 0 || i > j {
			t.Errorf("Alla: the newer case is not first (%d, %d)", i, j)
		}
		if !strings.Contains(all, "nyaste först") {
			t.Error("Alla's caption does not say the order")
		}
		// The handler's summary becomes the subject.
		if r := o.post("/cases/"+teaching+"/summary", url.Values{"body": {"Vikarie saknades"}}); r.status != http.StatusSeeOther {
			t.Fatalf("summary: %d", r.status)
		}
		if r := o.get("/cases?status=all"); !strings.Contains(r.body, "<td>Vikarie saknades</td>") {
			t.Error("the summary is not the subject")
		}
	})
}

// The case page offers only the actions of the case's state, and "Lämna
// till" preselects nobody: sent without a choice it asks for one.
func TestCasePageOffersApplicableActions(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		text := "Ingen svarar i telefon."
		e.fileComplaint(e.client(), map[string]string{"whatHappened": text})
		id := itoa(e.caseByText(text))
		a := e.login(principalA)
		page := a.get("/cases/" + id).body
		for _, want := range []string{`action="/cases/` + id + `/acknowledged"`, `action="/cases/` + id + `/closed"`,
			`<select id="f-assigned.handler" name="handler" required><option value="">Välj person</option>`} {
			if !strings.Contains(page, want) {
				t.Errorf("registered case page lacks %q", want)
			}
		}
		if strings.Contains(page, " selected>") && regexp.MustCompile(`name="handler"[^>]*>(<option[^>]*>[^<]*</option>)*<option value="\d+" selected>`).MatchString(page) {
			t.Error("a person is preselected in Lämna till")
		}
		if strings.Contains(page, `/reopened"`) {
			t.Error("reopen offered on an open case")
		}
		r := a.post("/cases/"+id+"/assigned", url.Values{"handler": {""}, "body": {"Till förvaltningen."}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `href="#f-assigned.handler"`) {
			t.Errorf("assign without a person: %d", r.status)
		}
		if r := a.post("/cases/"+id+"/acknowledged", url.Values{}); r.status != http.StatusSeeOther {
			t.Fatalf("acknowledge: %d", r.status)
		}
		page = a.get("/cases/" + id).body
		if strings.Contains(page, `action="/cases/`+id+`/acknowledged"`) {
			t.Error("acknowledge still offered once acknowledged")
		}
		if !strings.Contains(page, `action="/cases/`+id+`/investigating"`) {
			t.Error("investigating not offered on an acknowledged case")
		}
		if r := a.post("/cases/"+id+"/closed", url.Values{"outcome": {"no_measures"}}); r.status != http.StatusSeeOther {
			t.Fatalf("close: %d", r.status)
		}
		page = a.get("/cases/" + id).body
		for _, gone := range []string{"/acknowledged\"", "/investigating\"", "/answered\"", "/delay-notice\"", "/closed\""} {
			if strings.Contains(page, `action="/cases/`+id+gone) {
				t.Errorf("closed case offers %s", gone)
			}
		}
		if !strings.Contains(page, `action="/cases/`+id+`/reopened"`) {
			t.Error("reopen not offered on a closed case")
		}
	})
}
