package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// A board member listed as a participant reads the dialogue's record
// without personal data: the agreed actions and their follow-up, never the
// notes, names or comments; a board member who did not take part sees
// nothing; the board's start page leads to what it steers by.
func TestBoardParticipantRecordHTTP(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		spring, norrberg := itoa(e.dialogueOf("92000205")), itoa(e.autumnDialogueOf("93000302"))
		bd := e.login(boardEmail)
		if r := bd.get("/dialogues/" + spring); r.status != http.StatusForbidden {
			t.Errorf("the minutes for a board member: %d", r.status)
		}
		r := bd.get("/dialogues/" + spring + "/record")
		if r.status != http.StatusOK {
			t.Fatalf("record: %d", r.status)
		}
		for _, want := range []string{"Fortsätt med studiero och tydlig lektionsstruktur", "Tallmoskolan", "Politiker: 1", "Rektor: 1",
			`data-verdict="not_moved"`, "Ingen tydlig förändring", "sedan åtgärden", "2025/26"} {
			if !strings.Contains(r.body, want) {
				t.Errorf("the record lacks %q", want)
			}
		}
		for _, personal := range []string{demoNotes, "Tove Tallberg", "Gunnar Skolchef", "Bodil Nämndsdotter", "Strukturen används i alla klasser",
			"rektor.tallmo@exempelby.example", "Stabilt höga"} {
			if strings.Contains(r.body, personal) && !(personal == "Bodil Nämndsdotter" && strings.Count(r.body, personal) == 1) {
				t.Errorf("the record shows %q", personal)
			}
		}
		// The autumn dialogue follows up the spring's action: Norrberg's moved.
		r = bd.get("/dialogues/" + norrberg + "/record")
		if r.status != http.StatusOK || !strings.Contains(r.body, `data-verdict="moved"`) || !strings.Contains(r.body, "Bättre – mer än slumpen brukar ge") ||
			!strings.Contains(r.body, "(Riket: ") || !strings.Contains(r.body, "poäng (2025/26)") {
			t.Errorf("Norrberg's autumn record: %d", r.status)
		}
		// Södra's autumn dialogue: the spring's action got worse, the new
		// one cannot be measured before 2025/26's successor is published.
		r = bd.get("/dialogues/" + itoa(e.autumnDialogueOf("93000303")) + "/record")
		if r.status != http.StatusOK || !strings.Contains(r.body, `data-verdict="worse"`) || !strings.Contains(r.body, "Sämre – mer än slumpen brukar ge") ||
			!strings.Contains(r.body, `data-verdict="not_yet_measurable"`) || !strings.Contains(r.body, "nästa värde väntas 2027-10-01") {
			t.Errorf("Södra's autumn record: %d", r.status)
		}
		// A board member who did not take part.
		if r := e.login("ledamot1@exempelby.example").get("/dialogues/" + spring + "/record"); r.status != http.StatusNotFound {
			t.Errorf("a board member who did not take part: %d", r.status)
		}
		// Principals have no record view; they read the dialogue itself.
		if r := e.login("rektor.tallmo@exempelby.example").get("/dialogues/" + spring + "/record"); r.status != http.StatusForbidden {
			t.Errorf("a principal's record: %d", r.status)
		}
		home := bd.get("/")
		for _, want := range []string{`href="/unitpicture/steer"`, `href="/dialogues/report"`, `href="/dialogues/` + spring + `/record"`} {
			if !strings.Contains(home.body, want) {
				t.Errorf("the board's start page lacks %s", want)
			}
		}
	})
}

// autumnDialogueOf returns the id of the demo's autumn dialogue with a unit.
func (e *env) autumnDialogueOf(code string) int64 {
	e.t.Helper()
	var id int64
	if err := e.db.QueryRow(context.Background(), `SELECT d.id FROM dialogues d JOIN dialogue_units du ON du.dialogue_id = d.id
		JOIN units u ON u.id = du.unit_id WHERE u.unit_code = ? AND d.title LIKE '%HT 2026%'`, code).Scan(&id); err != nil {
		e.t.Fatal(err)
	}
	return id
}

// A principal of year F–6 units opens the unit picture on an indicator
// their units have, with the national value beside it.
func TestUnitPictureOpensOnOwnIndicatorHTTP(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		r := e.login("rektor.ekbacka@exempelby.example").get("/unitpicture")
		if r.status != http.StatusOK || !strings.Contains(r.body, "årskurs 6") || !strings.Contains(r.body, "Ekbacka") {
			t.Errorf("principal's unit picture: %d %.200s", r.status, r.body)
		}
		if strings.Contains(r.body, "inte känt") {
			t.Error("the demo says the national value is not known")
		}
	})
}
