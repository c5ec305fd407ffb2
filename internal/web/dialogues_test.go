package web_test

import (
	"bytes"
	"context"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/styrkedjan/styrkedjan/internal/export"
	"github.com/styrkedjan/styrkedjan/internal/pdftest"
)

// Quality dialogues over HTTP: who sees what, forms that keep what was
// typed, and the files.

const (
	staffEmail   = "maltid@exempelby.example"     // a specialist, added as staff to a dialogue
	outsideEmail = "skolskjuts@exempelby.example" // a specialist who takes part in nothing
	demoNotes    = "Rektorn beskrev vad enheten är stolt över"
)

// dialogueOf returns the id of the demo's spring dialogue with a unit.
func (e *env) dialogueOf(code string) int64 {
	e.t.Helper()
	var id int64
	err := e.db.QueryRow(context.Background(), `SELECT d.id FROM dialogues d JOIN dialogue_units du ON du.dialogue_id = d.id
		JOIN units u ON u.id = du.unit_id JOIN dialogue_types t ON t.id = d.type_id
		WHERE u.unit_code = ? AND t.key = 'principal' ORDER BY d.held_on LIMIT 1`, code).Scan(&id)
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

func TestDialogueScopingHTTP(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a, b := itoa(e.dialogueOf(unitA)), itoa(e.dialogueOf(unitB))
		pa := e.login(principalA)
		if r := pa.get("/dialogues/" + a); r.status != 200 || !strings.Contains(r.body, demoNotes) || !strings.Contains(r.body, `action="/dialogues/`+a+`/minutes"`) {
			t.Errorf("principal A on their dialogue: %d", r.status)
		}
		if r := pa.get("/dialogues/" + b); r.status != http.StatusNotFound {
			t.Errorf("principal A on B's dialogue: %d", r.status)
		}
		if r := pa.act("/dialogues/"+b, url.Values{"action": {"minutes"}, "strengths": {"x"}}); r.status != http.StatusNotFound {
			t.Errorf("principal A wrote B's minutes: %d", r.status)
		}
		if r := pa.get("/dialogues/" + b + "/prep.pdf"); r.status != http.StatusNotFound {
			t.Errorf("principal A got B's pack: %d", r.status)
		}
		if r := pa.get("/dialogues"); r.status != 200 || strings.Contains(r.body, "/dialogues/"+b+`"`) || !strings.Contains(r.body, "/dialogues/"+a+`"`) {
			t.Errorf("principal A's list: %d", r.status)
		}
		// The board: the report and the findings, never a dialogue.
		bd := e.login(boardEmail)
		for _, p := range []string{"/dialogues", "/dialogues/" + a, "/dialogues/" + a + "/prep", "/dialogues/" + a + "/prep.pdf", "/api/v1/dialogues", "/api/v1/actions"} {
			if r := bd.get(p); r.status != http.StatusForbidden && r.status != http.StatusNotFound {
				t.Errorf("board on %s: %d", p, r.status)
			}
		}
		r := bd.get("/dialogues/report?term=VT+2026")
		if r.status != 200 || strings.Contains(r.body, demoNotes) || !strings.Contains(r.body, "Tallmoskolan") {
			t.Errorf("board report: %d", r.status)
		}
		if !strings.Contains(r.body, `href="/dialogues/report"`) {
			t.Error("the board's navigation lacks the report")
		}
		if r := bd.get("/dialogues/findings"); r.status != 200 || !strings.Contains(r.body, "SI 2025:8812") || strings.Contains(r.body, `action="/dialogues/findings"`) {
			t.Errorf("board findings: %d", r.status)
		}
		// A staff member sees the dialogue once they take part, read only.
		st := e.login(staffEmail)
		if r := st.get("/dialogues/" + a); r.status != http.StatusNotFound {
			t.Errorf("staff before taking part: %d", r.status)
		}
		if r := pa.act("/dialogues/"+a, url.Values{"action": {"participant"}, "participant_role": {"staff"}, "participant_email": {staffEmail}}); r.status != http.StatusSeeOther {
			t.Fatalf("add staff: %d\n%s", r.status, r.body)
		}
		if r := st.get("/dialogues/" + a); r.status != 200 || !strings.Contains(r.body, demoNotes) || strings.Contains(r.body, `action="/dialogues/`+a+`/minutes"`) {
			t.Errorf("staff participant: %d", r.status)
		}
		if r := st.act("/dialogues/"+a, url.Values{"action": {"minutes"}, "strengths": {"x"}}); r.status != http.StatusForbidden {
			t.Errorf("staff wrote the minutes: %d", r.status)
		}
		if r := e.login(outsideEmail).get("/dialogues/" + a); r.status != http.StatusNotFound {
			t.Errorf("an outsider: %d", r.status)
		}
		// The API in the same scope.
		var list struct {
			Dialogues []struct {
				ID    int64 `json:"id"`
				Units []struct {
					Code string `json:"code"`
				} `json:"units"`
			} `json:"dialogues"`
		}
		r = pa.get("/api/v1/dialogues")
		r.json(t, &list)
		if r.status != 200 || len(list.Dialogues) == 0 {
			t.Fatalf("API list: %d %s", r.status, r.body)
		}
		for _, d := range list.Dialogues {
			mine := false
			for _, u := range d.Units {
				mine = mine || u.Code == unitA
			}
			if !mine {
				t.Errorf("principal A's API lists dialogue %d with %+v", d.ID, d.Units)
			}
		}
		var actions struct {
			Actions []struct {
				UnitID     int64 `json:"unitId"`
				Indicators []struct {
					FollowUp struct {
						Verdict string `json:"verdict"`
					} `json:"followUp"`
				} `json:"indicators"`
			} `json:"actions"`
		}
		e.login(officer).get("/api/v1/actions").json(t, &actions)
		verdicts := map[string]int{}
		for _, x := range actions.Actions {
			for _, i := range x.Indicators {
				verdicts[i.FollowUp.Verdict]++
			}
		}
		if verdicts["moved"] == 0 || verdicts["not_moved"] == 0 {
			t.Errorf("API follow-up verdicts: %v", verdicts)
		}
		if r := pa.get("/api/v1/dialogues/" + b); r.status != http.StatusNotFound {
			t.Errorf("API: principal A on B's dialogue: %d", r.status)
		}
		// The staff member's refused write no longer reads the dialogue (the
		// route refuses it first); the API read is audited like the page's.
		if r := pa.get("/api/v1/dialogues/" + a); r.status != 200 {
			t.Errorf("API: principal A on their dialogue: %d", r.status)
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'dialogue' AND entity_id = ? AND action = 'read'", a); n < 3 {
			t.Errorf("%d audited reads of the dialogue", n)
		}
	})
}

func TestDialogueFormsKeepInput(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.login(officer)
		r := c.get("/dialogues")
		m := regexp.MustCompile(`<option value="(\d+)"[^>]*>Personalgruppsdialog</option>`).FindStringSubmatch(r.body)
		if m == nil {
			t.Fatalf("no staff type in the form:\n%s", r.body)
		}
		r = c.post("/dialogues", url.Values{"type": {m[1]}, "title": {""}, "held_on": {"2026-12-01"}, "theme": {"Tema som skrevs"},
			"units": {itoa(e.unitID(unitA)), itoa(e.unitID(unitB))}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Tema som skrevs") || !strings.Contains(r.body, "En personalgruppsdialog gäller en enhet.") {
			t.Errorf("bad new dialogue: %d", r.status)
		}
		a := itoa(e.dialogueOf(unitA))
		// The owner field suggests the participants who have an account,
		// so that the owner's start page finds the action.
		page := c.get("/dialogues/" + a).body
		owners := regexp.MustCompile(`(?s)<datalist id="owners">(.*?)</datalist>`).FindStringSubmatch(page)
		if !strings.Contains(page, `id="f-action_owner" name="action_owner" type="text" value="" list="owners"`) || owners == nil ||
			!strings.Contains(owners[1], `<option value="Petra Rektorsson">`) {
			t.Errorf("the owner field does not suggest the participants with an account")
		}
		r = c.act("/dialogues/"+a, url.Values{"action": {"add_action"}, "action_unit": {itoa(e.unitID(unitA))}, "action_title": {""},
			"action_owner": {"Petra Rektorsson"}, "action_due": {"2026-02-31"}, "action_target": {"7x"}, "action_indicator": {"merit_value_9"}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `value="Petra Rektorsson"`) || !strings.Contains(r.body, `value="7x"`) {
			t.Errorf("bad action: %d", r.status)
		}
		long := strings.Repeat("Styrka. ", 1300)
		r = c.act("/dialogues/"+a, url.Values{"action": {"minutes"}, "strengths": {long}, "wins": {"Vi firar"}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Vi firar") || !strings.Contains(r.body, `id="f-strengths"`) {
			t.Errorf("too long minutes: %d", r.status)
		}
		var aid int64
		if err := e.db.QueryRow(context.Background(), "SELECT id FROM dialogue_actions WHERE dialogue_id = ?", e.dialogueOf(unitA)).Scan(&aid); err != nil {
			t.Fatal(err)
		}
		r = c.act("/dialogues/"+a, url.Values{"action": {"action_comment"}, "target_action": {itoa(aid)}, "comment": {"   "}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="e-a`+itoa(aid)+`.comment"`) {
			t.Errorf("empty comment: %d", r.status)
		}
		// An action of another dialogue cannot be changed through this one.
		b := itoa(e.dialogueOf(unitB))
		if r := c.act("/dialogues/"+b, url.Values{"action": {"action_status"}, "target_action": {itoa(aid)}, "status": {"done"}}); r.status != http.StatusNotFound {
			t.Errorf("action through another dialogue: %d", r.status)
		}
		if r := c.act("/dialogues/"+a, url.Values{"action": {"action_status"}, "target_action": {itoa(aid)}, "status": {"done"}}); r.status != http.StatusSeeOther {
			t.Errorf("status: %d", r.status)
		}
		// Good examples: a bad file names the file and the line.
		r = c.postMultipart("/dialogues/examples/import", nil, [3]string{"file", "bad.json", "{\n\"format\": 1\n}"})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "bad.json, rad 2") {
			t.Errorf("bad examples file: %d\n%s", r.status, r.body)
		}
		exp := c.get("/dialogues/examples.json")
		if exp.status != 200 || !strings.Contains(exp.body, "styrkedjan-good-examples/1") {
			t.Fatalf("export: %d", exp.status)
		}
		other := strings.ReplaceAll(exp.body, "Exempelby kommun", "Grannby kommun")
		if r := c.postMultipart("/dialogues/examples/import", nil, [3]string{"file", "grannby.json", other}); r.status != http.StatusSeeOther {
			t.Errorf("import: %d", r.status)
		}
		if r := c.get("/dialogues/examples"); !strings.Contains(r.body, "Grannby kommun") {
			t.Error("the imported example is not listed")
		}
	})
}

func TestDialogueFilesHTTP(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tallmo := itoa(e.dialogueOf("92000205"))
		pdf := e.login("rektor.tallmo@exempelby.example").get("/dialogues/" + tallmo + "/prep.pdf")
		if pdf.status != 200 || pdf.header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("prep PDF: %d", pdf.status)
		}
		// A tagged document: the title, a part per unit, its sections, lists.
		pdftest.Tagged(t, []byte(pdf.body), export.Tagged(), "Document", "H1", "H2", "H3", "L", "LI")
		text := strings.Join(strings.Fields(pdftest.Text(t, []byte(pdf.body))), " ")
		for _, want := range []string{"Tallmoskolan", "Styrkor", "Utmaningar", "Klagomål och synpunkter", "Förslag på följdfrågor"} {
			if !strings.Contains(text, want) {
				t.Errorf("the pack lacks %q", want)
			}
		}
		if strings.Index(text, "Styrkor") > strings.Index(text, "Utmaningar") {
			t.Error("challenges before strengths")
		}
		bd := e.login(boardEmail)
		rep := bd.get("/dialogues/report.pdf?term=HT+2026")
		if rep.status != 200 {
			t.Fatalf("report PDF: %d", rep.status)
		}
		pdftest.Tagged(t, []byte(rep.body), export.Tagged(), "Document", "H1", "H2", "Table", "TR", "TH", "TD")
		text = strings.Join(strings.Fields(pdftest.Text(t, []byte(rep.body))), " ")
		if !strings.Contains(text, "Kvalitetsdialoger HT 2026") || !strings.Contains(text, "Norrbergsskolan") || strings.Contains(text, "Rektorn beskrev") {
			t.Errorf("report PDF text: %.300s", text)
		}
		x := bd.get("/dialogues/report.xlsx?term=HT+2026")
		if x.status != 200 {
			t.Fatalf("report XLSX: %d", x.status)
		}
		wb, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := wb.GetRows("Mått som har rört sig")
		if err != nil || len(rows) < 2 || rows[0][0] != "Enhet" {
			t.Fatalf("moved sheet: %v %v", rows, err)
		}
		// Only 2025/26 against 2024/25 counts for the spring's actions:
		// Norrberg better, Södra worse, Tallmo's earlier rise not at all,
		// and Ekbacka's action on the pupils' safety index (the pulse
		// survey, issue 16) better; the workbook says what the page says.
		units := map[string]string{}
		page := bd.get("/dialogues/report?term=HT+2026").body
		for _, r := range rows[1:] {
			units[r[0]] = r[7]
			if !strings.Contains(r[8], "sedan åtgärden") || !strings.Contains(r[8], "2025/26") {
				t.Errorf("%s: compared %q", r[0], r[8])
			}
			if !strings.Contains(page, template.HTMLEscapeString(r[7])) {
				t.Errorf("%s: the page lacks the workbook's verdict %q", r[0], r[7])
			}
		}
		if len(units) != 3 || !strings.HasPrefix(units["Norrbergsskolan"], "Bättre") || !strings.HasPrefix(units["Södra skolan"], "Sämre") ||
			!strings.HasPrefix(units["Ekbacka skola"], "Bättre") {
			t.Errorf("moved units in the workbook: %v", units)
		}
		if r := bd.get("/dialogues/report?term=XT+1"); r.status != http.StatusUnprocessableEntity && r.status != http.StatusBadRequest {
			t.Errorf("bad term: %d", r.status)
		}
		if r := e.login(principalA).get("/dialogues/report"); r.status != http.StatusForbidden {
			t.Errorf("a principal on the series report: %d", r.status)
		}
	})
}

// The organizer changes a type's questions; dialogues of the type show them.
func TestDialogueTypesAreConfigurable(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		var id int64
		if err := e.db.QueryRow(context.Background(), "SELECT id FROM dialogue_types WHERE key = 'staff'").Scan(&id); err != nil {
			t.Fatal(err)
		}
		if r := e.login(principalA).get("/dialogues/types"); r.status != http.StatusForbidden {
			t.Errorf("a principal on the types: %d", r.status)
		}
		c := e.login(officer)
		form := url.Values{"id": {itoa(id)}, "kind": {"staff"}, "name_sv": {"Personalgruppsdialog"}, "name_en": {"Staff group dialogue"},
			"questions": {"Vad gör att vi lyckas?\n\nHur kan vi arbeta förebyggande?\nVad vill vi fira?"}, "active": {"1"}}
		if r := c.post("/dialogues/types", form); r.status != http.StatusSeeOther {
			t.Fatalf("save type: %d\n%s", r.status, r.body)
		}
		var staffDialogue int64
		if err := e.db.QueryRow(context.Background(), "SELECT id FROM dialogues WHERE type_id = ?", id).Scan(&staffDialogue); err != nil {
			t.Fatal(err)
		}
		if r := c.get("/dialogues/" + itoa(staffDialogue)); !strings.Contains(r.body, "<li>Vad vill vi fira?</li>") {
			t.Error("the dialogue does not show the new question")
		}
		form.Set("name_sv", "")
		form.Set("questions", "Bara en fråga")
		r := c.post("/dialogues/types", form)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="e-t`+itoa(id)+`.name_sv"`) || !strings.Contains(r.body, "Bara en fråga") {
			t.Errorf("a type without a name: %d", r.status)
		}
	})
}
