package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/web"
)

var (
	accessLinkRE = regexp.MustCompile(`/a/([A-Za-z0-9_-]{20,})"`)
	accessCodeRE = regexp.MustCompile(`data-code>([A-Z2-9]{12})<`)
)

// exampleSetID is the demo's example statement set.
func (e *env) exampleSetID() string {
	e.t.Helper()
	var id int64
	if err := e.db.QueryRow(context.Background(), "SELECT id FROM access_sets WHERE example = ?", true).Scan(&id); err != nil {
		e.t.Fatal(err)
	}
	return itoa(id)
}

// answers fills every statement of a round's form with level, read from
// the form page.
func answers(t *testing.T, page string, level string) url.Values {
	t.Helper()
	form := url.Values{}
	for _, m := range regexp.MustCompile(`name="(s\d+)"`).FindAllStringSubmatch(page, -1) {
		form.Set(m[1], level)
	}
	if len(form) != 22 {
		t.Fatalf("the form has %d statements, want 22", len(form))
	}
	return form
}

// The self-assessment over HTTP: a principal starts a round and gets a
// unit code and personal links shown once; staff answer without an
// account (a link once, the code more than once, an incomplete answer
// refused with the form kept); the principal of another unit sees nothing
// of it; the API validates and is scoped; the board sees the summary only;
// the staff dialogue shows its groups' answers.
func TestAccessibilityPages(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		principal := e.login("rektor.tallmo@exempelby.example")
		tallmo := itoa(e.unitID("92000205"))
		res := principal.post("/accessibility/rounds", url.Values{"unit": {tallmo}, "set": {e.exampleSetID()}, "school_year": {"2026/27"},
			"unit_code": {"1"}, "links": {"2"}})
		if res.status != http.StatusOK || res.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("start: %d %s", res.status, res.header.Get("Cache-Control"))
		}
		links := accessLinkRE.FindAllStringSubmatch(res.body, -1)
		code := accessCodeRE.FindStringSubmatch(res.body)
		if len(links) != 2 || code == nil {
			t.Fatalf("links %v, code %v", links, code)
		}
		var roundID int64
		if err := e.db.QueryRow(context.Background(), "SELECT MAX(id) FROM access_rounds").Scan(&roundID); err != nil {
			t.Fatal(err)
		}
		staff := e.client()
		form := staff.get("/a/" + links[0][1])
		if form.status != 200 || !strings.Contains(form.body, "Ljudmiljön i lärmiljöerna") || !strings.Contains(form.body, "Tallmoskolan") {
			t.Fatalf("form: %d", form.status)
		}
		full := answers(t, form.body, "3")
		if r := staff.post("/a/"+links[0][1], full); r.status != 200 || !strings.Contains(r.body, "Tack!") {
			t.Fatalf("answer: %d", r.status)
		}
		if r := staff.post("/a/"+links[0][1], full); r.status != http.StatusConflict {
			t.Errorf("second answer through one link: %d", r.status)
		}
		if r := staff.get("/a/" + links[0][1]); r.status != http.StatusConflict {
			t.Errorf("a used link's form: %d", r.status)
		}
		part := url.Values{}
		for k, v := range full {
			part[k] = v
		}
		var dropped string
		for k := range part {
			dropped = k
			break
		}
		part.Del(dropped)
		if r := staff.post("/a/"+code[1], part); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `href="#f-`+dropped+`"`) {
			t.Errorf("incomplete answer: %d", r.status)
		}
		if r := staff.get("/a?code=" + strings.ToLower(code[1])); r.status != http.StatusSeeOther || r.header.Get("Location") != "/a/"+code[1] {
			t.Errorf("typed code: %d %s", r.status, r.header.Get("Location"))
		}
		for range 2 {
			if r := staff.post("/a/"+code[1], answers(t, form.body, "2")); r.status != 200 {
				t.Fatalf("answer through the code: %d", r.status)
			}
		}
		if n := e.count("SELECT COUNT(*) FROM access_responses WHERE round_id = ?", roundID); n != 3 {
			t.Errorf("%d responses, want 3", n)
		}
		// Unit A's principal sees nothing of unit B's round.
		other := e.login("rektor.ekbacka@exempelby.example")
		round := "/accessibility/rounds/" + itoa(roundID)
		for _, p := range []string{round, "/api/v1/accessibility/units/" + tallmo} {
			if r := other.get(p); r.status != http.StatusNotFound {
				t.Errorf("principal A: GET %s: %d, want 404", p, r.status)
			}
		}
		if r := other.post(round+"/close", nil); r.status != http.StatusNotFound {
			t.Errorf("principal A closes B's round: %d", r.status)
		}
		if r := other.get("/accessibility"); r.status != 200 || strings.Contains(r.body, "Tallmoskolan") || !strings.Contains(r.body, "Ekbacka skola") {
			t.Errorf("principal A's list: %d", r.status)
		}
		// Open: the spread is hidden. Closed: shown, median proposed.
		if r := principal.get(round); r.status != 200 || !strings.Contains(r.body, `data-hidden="open"`) {
			t.Errorf("open round page: %d", r.status)
		}
		if r := principal.post(round+"/close", nil); r.status != http.StatusSeeOther {
			t.Fatalf("close: %d", r.status)
		}
		page := principal.get(round)
		if page.status != 200 || strings.Contains(page.body, "data-hidden") || !strings.Contains(page.body, `<option value="2" selected>`) {
			t.Errorf("closed round page: %d", page.status)
		}
		gather := url.Values{}
		for _, m := range regexp.MustCompile(`name="(g\d+)"`).FindAllStringSubmatch(page.body, -1) {
			gather.Set(m[1], "2")
		}
		if r := principal.post(round+"/gather", gather); r.status != http.StatusSeeOther {
			t.Fatalf("gather: %d", r.status)
		}
		// The API: the principal's own unit, checked against openapi.json.
		ac := e.apiChecker(t)
		var body struct {
			Latest struct {
				Round      struct{ ID int64 }
				Statements []struct {
					Gathered *int
					Proposed *int
					Spread   []int
				}
				Areas []struct{ Mean *float64 }
			}
		}
		r := ac.call(t, "principal", principal, http.MethodGet, "/api/v1/accessibility/units/"+tallmo, nil)
		if r.status != 200 {
			t.Fatalf("API: %d %s", r.status, r.body)
		}
		r.json(t, &body)
		if body.Latest.Round.ID != roundID || len(body.Latest.Statements) != 22 || len(body.Latest.Areas) != 4 {
			t.Fatalf("API latest %+v", body.Latest.Round)
		}
		for _, s := range body.Latest.Statements {
			// Answers 3, 2, 2: the median 2, spread [0 2 1 0 0].
			if s.Gathered == nil || *s.Gathered != 2 || s.Proposed == nil || *s.Proposed != 2 || len(s.Spread) != 5 || s.Spread[1] != 2 || s.Spread[2] != 1 {
				t.Fatalf("API statement %+v", s)
			}
		}
		if m := body.Latest.Areas[0].Mean; m == nil || *m != 2 {
			t.Errorf("area mean %v", m)
		}
		if r := ac.call(t, "principal", other, http.MethodGet, "/api/v1/accessibility/units/"+tallmo, nil); r.status != http.StatusNotFound {
			t.Errorf("API as principal A: %d", r.status)
		}
		// The unit picture has the area's indicator for the school year.
		if n := e.count(`SELECT COUNT(*) FROM indicator_values v JOIN indicators i ON i.id = v.indicator_id
			WHERE i.source = 'accessibility' AND v.unit_code = '92000205' AND v.school_year = '2026/27'`); n != 4 {
			t.Errorf("%d area indicator values, want 4", n)
		}
		if r := principal.get("/unitpicture/units/" + tallmo); r.status != 200 || !strings.Contains(r.body, "Tillgänglighet: social lärmiljö") {
			t.Errorf("the unit picture lacks the area indicator: %d", r.status)
		}
		// The board: the summary, not the rounds.
		board := e.login("ordforande@exempelby.example")
		if r := board.get("/accessibility"); r.status != http.StatusForbidden {
			t.Errorf("board /accessibility: %d", r.status)
		}
		if r := board.get("/accessibility/summary"); r.status != 200 || !strings.Contains(r.body, "Social lärmiljö") || strings.Contains(r.body, "Tallmoskolan") {
			t.Errorf("board summary: %d", r.status)
		}
		// The staff dialogue shows the groups' answers.
		var staffDialogue int64
		if err := e.db.QueryRow(context.Background(), "SELECT MIN(dialogue_id) FROM dialogue_staff_groups").Scan(&staffDialogue); err != nil {
			t.Fatal(err)
		}
		chief := e.login("skolchef@exempelby.example")
		if r := chief.get("/dialogues/" + itoa(staffDialogue)); r.status != 200 || !strings.Contains(r.body, "Arbetslag F–3") ||
			!strings.Contains(r.body, "Vad gör att vi lyckas?") || !strings.Contains(r.body, "Specialläraren är med") {
			t.Errorf("staff dialogue page: %d", r.status)
		}
		res = chief.post("/dialogues/"+itoa(staffDialogue)+"/staff-group", url.Values{"group_label": {"Fritidshemmet"}})
		link := regexp.MustCompile(`/g/([A-Za-z0-9_-]{20,})"`).FindStringSubmatch(res.body)
		if res.status != 200 || link == nil {
			t.Fatalf("group link: %d", res.status)
		}
		group := e.client()
		if r := group.post("/g/"+link[1], url.Values{"members": {"6"}, "succeed": {"x"}, "prevent": {"y"}}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("six members: %d", r.status)
		}
		if r := group.post("/g/"+link[1], url.Values{"members": {"3"}, "succeed": {"Vi hjälps åt."}, "prevent": {"Vi ses varje vecka."}}); r.status != 200 {
			t.Errorf("group answer: %d", r.status)
		}
		if r := group.post("/g/"+link[1], url.Values{"members": {"3"}, "succeed": {"Igen"}, "prevent": {"Igen"}}); r.status != 200 || !strings.Contains(r.body, "Gruppen har redan svarat") {
			t.Errorf("second group answer: %d", r.status)
		}
		if r := chief.get("/dialogues/" + itoa(staffDialogue) + "/prep"); r.status != 200 || !strings.Contains(r.body, "Vi hjälps åt.") {
			t.Errorf("the pack lacks the group's answer: %d", r.status)
		}
	})
}

// TestBrowserAccessibilityForm: the staff's assessment form through a
// personal link on a phone (375 px) in Swedish, with axe: refused while
// incomplete (the error summary leads to the statement), then sent; then
// the principal's round page with the spread and the gathering form, on a
// phone and a wide screen.
func TestBrowserAccessibilityForm(t *testing.T) {
	e := start(t, demoSQLite(t), web.Options{})
	principal := e.login("rektor.tallmo@exempelby.example")
	res := principal.post("/accessibility/rounds", url.Values{"unit": {itoa(e.unitID("92000205"))}, "set": {e.exampleSetID()},
		"school_year": {"2026/27"}, "links": {"1"}, "unit_code": {"1"}})
	links := accessLinkRE.FindAllStringSubmatch(res.body, -1)
	if res.status != 200 || len(links) != 1 {
		t.Fatalf("start: %d", res.status)
	}
	b := newBrowser(t, e.srv.URL, 3*time.Minute)
	b.phone()
	b.open("/a/"+links[0][1], 200)
	if lang := evalJS[string](b, `document.documentElement.lang`); lang != "sv" {
		t.Errorf("lang %q", lang)
	}
	b.checkPhone("the assessment form")
	b.click(`main form button[type="submit"]`, 422)
	if n := evalJS[int](b, `document.querySelectorAll(".error-summary li").length`); n != 22 {
		t.Errorf("%d errors listed, want 22", n)
	}
	b.checkPhone("the assessment form with errors")
	evalJS[bool](b, `(() => { document.querySelectorAll('fieldset input[value="4"]').forEach(i => i.click()); return true })()`)
	b.click(`main form button[type="submit"]`, 200)
	if got := b.text("main"); !strings.Contains(got, "Tack!") {
		t.Errorf("after sending: %q", got)
	}
	b.checkPhone("the thanks page")
	code := accessCodeRE.FindStringSubmatch(res.body)
	staff := e.client()
	form := staff.get("/a/" + code[1])
	for _, level := range []string{"2", "3"} {
		if r := staff.post("/a/"+code[1], answers(t, form.body, level)); r.status != 200 {
			t.Fatalf("answer through the code: %d", r.status)
		}
	}
	var roundID int64
	if err := e.db.QueryRow(context.Background(), "SELECT MAX(id) FROM access_rounds").Scan(&roundID); err != nil {
		t.Fatal(err)
	}
	if r := principal.post("/accessibility/rounds/"+itoa(roundID)+"/close", nil); r.status != http.StatusSeeOther {
		t.Fatalf("close: %d", r.status)
	}
	b.login("rektor.tallmo@exempelby.example")
	b.open("/accessibility/rounds/"+itoa(roundID), 200)
	if n := evalJS[int](b, `document.querySelectorAll("table.access-spread select").length`); n != 22 {
		t.Errorf("%d gathering fields, want 22", n)
	}
	b.checkPhone("the round page")
	b.wide()
	b.checkA11y("the round page")
	var n int
	if err := e.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM access_answers a JOIN access_responses r ON r.id = a.response_id
		JOIN access_rounds x ON x.id = r.round_id WHERE x.school_year = '2026/27' AND a.level = 4`).Scan(&n); err != nil || n != 22 {
		t.Errorf("%d answers at level 4: %v", n, err)
	}
}
