package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/styrkedjan/styrkedjan/internal/web"
)

// TestBrowserQualityDialogue plans, prepares, records and follows up a
// dialogue in the browser, with axe-core on every page on the way: the
// head of education plans the spring dialogue with Tallmoskolan, reads the
// preparation pack (strengths first, the earlier action that moved),
// records the minutes and an action (after an error), and the principal
// follows the action up; the board reads the series report.
func TestBrowserQualityDialogue(t *testing.T) {
	e := start(t, demoSQLite(t), web.Options{})
	tallmo := itoa(e.unitID("92000205"))
	b := newBrowser(t, e.srv.URL, 5*time.Minute)

	b.login("skolchef@exempelby.example")
	b.open("/dialogues", 200)
	b.checkA11y("/dialogues")
	b.do("plan the dialogue",
		chromedp.SendKeys(chromedp.CSS("#f-title"), "Kvalitetsdialog VT 2027 – Tallmoskolan"),
		chromedp.SetValue(chromedp.CSS("#f-held_on"), "2027-02-10"),
		chromedp.Click(chromedp.CSS("#unit-"+tallmo)),
	)
	b.click(`main form[action="/dialogues"] button[type="submit"]`, 200)
	path := b.path()
	if !strings.HasPrefix(path, "/dialogues/") || b.text("main h1") != "Kvalitetsdialog VT 2027 – Tallmoskolan" {
		t.Fatalf("after planning at %s with h1 %q", path, b.text("main h1"))
	}
	b.checkA11y("a planned dialogue")

	// Preparing: strengths first, the spring action judged on 2025/26
	// against 2024/25 only (no clear change), questions from the figures.
	b.click(`a[href="`+path+`/prep"]`, 200)
	order := evalJS[[]string](b, `[...document.querySelectorAll("#unit-`+tallmo+` > section")].map(s => s.className)`)
	if strings.Join(order, ",") != "strengths,challenges,complaints,earlier,questions" {
		t.Errorf("pack order %v", order)
	}
	if got := b.text("#unit-" + tallmo + " .earlier"); !strings.Contains(got, "Fortsätt med studiero") || !strings.Contains(got, "Ingen tydlig förändring") ||
		!strings.Contains(got, "sedan åtgärden: utgångsläge 2024/25") || strings.Contains(got, "2021/22") {
		t.Errorf("earlier actions: %q", got)
	}
	if got := b.text("#unit-" + tallmo + " .questions"); !strings.Contains(got, "inte förändrats tydligt (2025/26)") || !strings.Contains(got, " % (2025/26)") {
		t.Errorf("questions: %q", got)
	}
	b.checkA11y("the preparation pack")

	// Recording: the minutes in the agenda's order, the dialogue held.
	b.open(path, 200)
	b.do("write the minutes",
		chromedp.SendKeys(chromedp.CSS("#f-strengths"), "Studieron har blivit bättre i alla klasser."),
		chromedp.SendKeys(chromedp.CSS("#f-challenges"), "Närvaron i årskurs 5."),
		chromedp.SendKeys(chromedp.CSS("#f-wins"), "Godkänt i alla ämnen har ökat."),
		chromedp.Click(chromedp.CSS("#f-held")),
	)
	b.click(`#minutes form button[type="submit"]`, 200)
	if got := b.text(`[data-item="strengths"]`); got != "Studieron har blivit bättre i alla klasser." {
		t.Errorf("strengths: %q", got)
	}
	if got := b.text(`dd[data-status]`); got != "Genomförd" {
		t.Errorf("status: %q", got)
	}
	// An action without a title first: the error, and what was typed stays.
	evalJS[bool](b, `(() => { document.querySelector("#add-action").noValidate = true; return true })()`)
	b.do("fill in the action without a title",
		chromedp.SendKeys(chromedp.CSS("#f-action_owner"), "Tove Tallberg"),
		chromedp.SetValue(chromedp.CSS("#f-action_indicator"), "pass_all_subjects_6"),
		chromedp.SendKeys(chromedp.CSS("#f-action_target"), "95"),
	)
	b.click(`#add-action button[type="submit"]`, 422)
	if n := evalJS[int](b, `document.querySelectorAll('[aria-invalid="true"]').length`); n != 1 {
		t.Errorf("%d invalid fields, want 1 (the title)", n)
	}
	if got := evalJS[string](b, `document.querySelector("#f-action_owner").value`); got != "Tove Tallberg" {
		t.Errorf("owner after the error: %q", got)
	}
	b.checkA11y("a dialogue with an action error")
	b.do("name the action", chromedp.SendKeys(chromedp.CSS("#f-action_title"), "Närvaroteam i årskurs 4–6"))
	b.click(`#add-action button[type="submit"]`, 200)
	if got := b.text("#actions article"); !strings.Contains(got, "Närvaroteam i årskurs 4–6") || !strings.Contains(got, "Går inte att mäta än – nästa värde väntas 2027-10-01") {
		t.Errorf("the new action: %q", got)
	}
	if got := b.text("#followup"); !strings.Contains(got, "Fortsätt med studiero") || !strings.Contains(got, "Ingen tydlig förändring") {
		t.Errorf("follow-up of the spring action: %q", got)
	}
	b.checkA11y("a recorded dialogue")
	b.open("/dialogues/types", 200)
	b.checkA11y("dialogue types")
	b.open("/dialogues/findings", 200)
	b.checkA11y("findings as officer")
	// The pages whose forms became one route per action, at a phone's width.
	b.phone()
	b.open(path, 200)
	b.checkPhone("a recorded dialogue")
	b.open("/dialogues/findings", 200)
	b.checkPhone("findings as officer")
	b.wide()
	b.click(`.who form[action="/logout"] button`, 200)

	// Following up: the principal marks the action started and comments.
	b.login("rektor.tallmo@exempelby.example")
	b.open(path, 200)
	aid := evalJS[string](b, `document.querySelector("#actions article").id.replace("action-", "")`)
	b.do("choose started", chromedp.SetValue(chromedp.CSS(`[id="f-a`+aid+`.status"]`), "started"))
	b.click("#action-"+aid+" form.action-form button", 200)
	b.do("comment", chromedp.SendKeys(chromedp.CSS(`[id="f-a`+aid+`.comment"]`), "Teamet träffas varje måndag."))
	b.click("#action-"+aid+" form.action-form:nth-of-type(2) button", 200)
	if got := b.text("#action-" + aid); !strings.Contains(got, "Påbörjad") || !strings.Contains(got, "Teamet träffas varje måndag.") {
		t.Errorf("followed-up action: %q", got)
	}
	b.checkA11y("a followed-up action")
	// Changing what was agreed: the edit form folds open; an empty title
	// first (the error, the other text kept), then a new wording and target.
	b.do("open the edit form", chromedp.Click(chromedp.CSS("#action-"+aid+" details.action-edit summary")))
	evalJS[bool](b, `(() => { document.querySelectorAll("#action-`+aid+` details.action-edit form").forEach(f => f.noValidate = true); return true })()`)
	if !evalJS[bool](b, `document.querySelector("#action-`+aid+` details.action-edit").open`) {
		t.Fatal("the edit form did not fold open")
	}
	evalJS[bool](b, `(() => { document.querySelector('[id="f-a`+aid+`.edit_title"]').value = "";
		document.querySelector('[id="f-a`+aid+`.edit_target_0"]').value = ""; return true })()`)
	b.do("change the target", chromedp.SendKeys(chromedp.CSS(`[id="f-a`+aid+`.edit_target_0"]`), "96,5"))
	b.click("#action-"+aid+" details.action-edit form:first-of-type button", 422)
	if n := evalJS[int](b, `document.querySelectorAll('[aria-invalid="true"]').length`); n != 1 {
		t.Errorf("%d invalid fields after the empty title, want 1", n)
	}
	if got := evalJS[string](b, `document.querySelector('[id="f-a`+aid+`.edit_target_0"]').value`); got != "96,5" {
		t.Errorf("target after the error: %q", got)
	}
	if !evalJS[bool](b, `document.querySelector("#action-`+aid+` details.action-edit").open`) {
		t.Error("the edit form is folded after the error")
	}
	b.checkA11y("an action edit with an error")
	b.do("write the new title", chromedp.SendKeys(chromedp.CSS(`[id="f-a`+aid+`.edit_title"]`), "Närvaroteam i årskurs 3–6"))
	b.click("#action-"+aid+" details.action-edit form:first-of-type button", 200)
	if got := b.text("#action-" + aid + " h3"); got != "Närvaroteam i årskurs 3–6" {
		t.Errorf("the edited title: %q", got)
	}
	if got := b.text("#action-" + aid + " table"); !strings.Contains(got, "96,5") {
		t.Errorf("the edited target: %q", got)
	}
	if evalJS[bool](b, `document.querySelector("#minutes details").open`) {
		t.Error("the held dialogue's minutes form is open")
	}
	b.checkA11y("an edited action")
	b.open("/dialogues/initiatives", 200)
	b.checkA11y("initiatives")
	b.open("/dialogues/examples", 200)
	b.checkA11y("good examples")
	b.click(`.who form[action="/logout"] button`, 200)

	// The board: the series report and the findings.
	b.login("ordforande@exempelby.example")
	b.open("/dialogues/report", 200)
	if got := b.text("#summary"); !strings.Contains(got, "dialoger") {
		t.Errorf("report summary: %q", got)
	}
	b.checkA11y("the series report")
	b.open("/dialogues/findings", 200)
	b.checkA11y("findings as board")
	b.open("/dialogues/initiatives/1/effect", 200)
	b.waitFor("the effect chart", `document.querySelector("figure.chart img").complete`)
	if !evalJS[bool](b, `document.querySelector("figure.chart img").naturalWidth > 0`) {
		t.Error("the effect chart did not load")
	}
	b.checkA11y("an initiative's effect")
	b.open(path, 403)
}
