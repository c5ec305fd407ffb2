package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/dialogue"
)

// Changing and removing agreed actions over HTTP, the folded minutes
// form and the initiative effect chart.

// firstAction is the id of the first action of a dialogue.
func (e *env) firstAction(dialogueID int64) int64 {
	e.t.Helper()
	var id int64
	if err := e.db.QueryRow(context.Background(), "SELECT id FROM dialogue_actions WHERE dialogue_id = ? ORDER BY id LIMIT 1", dialogueID).Scan(&id); err != nil {
		e.t.Fatal(err)
	}
	return id
}

func TestDialogueEditActionHTTP(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		did := e.dialogueOf(unitA)
		a, aid := itoa(did), e.firstAction(did)
		k := "a" + itoa(aid) + "."
		pa := e.login(principalA)
		r := pa.get("/dialogues/" + a)
		// The demo dialogue is held: the minutes form is folded, the edit form is there.
		if r.status != 200 || !strings.Contains(r.body, `<details class="minutes-form">`) || !strings.Contains(r.body, `action="/dialogues/`+a+`/edit-action"`) ||
			!strings.Contains(r.body, `id="f-`+k+`edit_title"`) {
			t.Fatalf("principal A's held dialogue: %d", r.status)
		}
		// A bad edit keeps what was typed and names the fields.
		bad := url.Values{"action": {"edit_action"}, "target_action": {itoa(aid)}, "edit_title": {" "}, "edit_owner": {"Typad Ägare"},
			"edit_due": {"2026-02-31"}, "edit_indicator_0": {"pass_all_subjects_6"}, "edit_target_0": {"7x"}, "edit_baseline_year_0": {"förra året"}}
		r = pa.act("/dialogues/"+a, bad)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `value="Typad Ägare"`) || !strings.Contains(r.body, `value="7x"`) ||
			!strings.Contains(r.body, `value="förra året"`) || !strings.Contains(r.body, `<details class="action-edit" open>`) {
			t.Errorf("bad edit: %d", r.status)
		}
		for _, f := range []string{"edit_title", "edit_due", "edit_target_0", "edit_baseline_year_0"} {
			if !strings.Contains(r.body, `id="e-`+k+f+`"`) {
				t.Errorf("no error shown for %s", f)
			}
		}
		var title string
		if err := e.db.QueryRow(context.Background(), "SELECT title FROM dialogue_actions WHERE id = ?", aid).Scan(&title); err != nil || title == "" {
			t.Fatalf("title %q after a refused edit: %v", title, err)
		}
		// Out of scope: another principal, the board.
		good := url.Values{"action": {"edit_action"}, "target_action": {itoa(aid)}, "edit_title": {"Ny formulering"}, "edit_owner": {"Eva Ekström"},
			"edit_due": {"2027-03-31"}, "edit_indicator_0": {"pass_all_subjects_6"}, "edit_target_0": {"97,5"}}
		if r := e.login(principalB).act("/dialogues/"+a, good); r.status != http.StatusNotFound {
			t.Errorf("principal B edited A's action: %d", r.status)
		}
		if r := e.login(boardEmail).act("/dialogues/"+a, good); r.status != http.StatusForbidden && r.status != http.StatusNotFound {
			t.Errorf("the board edited: %d", r.status)
		}
		audits := e.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'dialogue_action' AND entity_id = ? AND action = 'update'", itoa(aid))
		if r := pa.act("/dialogues/"+a, good); r.status != http.StatusSeeOther {
			t.Fatalf("edit: %d\n%s", r.status, r.body)
		}
		var due string
		var target float64
		if err := e.db.QueryRow(context.Background(), `SELECT a.title, a.due, i.target FROM dialogue_actions a JOIN action_indicators i ON i.action_id = a.id
			WHERE a.id = ?`, aid).Scan(&title, &due, &target); err != nil || title != "Ny formulering" || due != "2027-03-31" || target != 97.5 {
			t.Errorf("after the edit: %q %s %v %v", title, due, target, err)
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'dialogue_action' AND entity_id = ? AND action = 'update'", itoa(aid)); n != audits+1 {
			t.Errorf("%d audit entries after the edit, want %d", n, audits+1)
		}
		// The demo action has a comment from the autumn: it cannot be removed.
		r = pa.act("/dialogues/"+a, url.Values{"action": {"remove_action"}, "target_action": {itoa(aid)}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "avbruten") || e.count("SELECT COUNT(*) FROM dialogue_actions WHERE id = ?", aid) != 1 {
			t.Errorf("removing an action worked on: %d", r.status)
		}
		// A new action agreed by mistake goes; the log keeps it.
		if r := pa.act("/dialogues/"+a, url.Values{"action": {"add_action"}, "action_unit": {itoa(e.unitID(unitA))}, "action_title": {"Fel av misstag"}}); r.status != http.StatusSeeOther {
			t.Fatalf("add: %d", r.status)
		}
		var mistake int64
		if err := e.db.QueryRow(context.Background(), "SELECT id FROM dialogue_actions WHERE title = 'Fel av misstag'").Scan(&mistake); err != nil {
			t.Fatal(err)
		}
		if r := e.login(principalB).act("/dialogues/"+a, url.Values{"action": {"remove_action"}, "target_action": {itoa(mistake)}}); r.status != http.StatusNotFound {
			t.Errorf("principal B removed: %d", r.status)
		}
		if r := pa.act("/dialogues/"+a, url.Values{"action": {"remove_action"}, "target_action": {itoa(mistake)}}); r.status != http.StatusSeeOther {
			t.Fatalf("remove: %d\n%s", r.status, r.body)
		}
		if e.count("SELECT COUNT(*) FROM dialogue_actions WHERE id = ?", mistake) != 0 ||
			e.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'dialogue_action' AND entity_id = ? AND summary LIKE ?", itoa(mistake), "%Fel av misstag%") != 1 {
			t.Error("the removed action is still there, or the log lost it")
		}
	})
}

// A planned dialogue shows its minutes form open; the folded form still
// saves without JavaScript (it is a plain form).
func TestDialogueMinutesFold(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.login(principalA)
		var typeID int64
		if err := e.db.QueryRow(context.Background(), "SELECT id FROM dialogue_types WHERE key = 'principal'").Scan(&typeID); err != nil {
			t.Fatal(err)
		}
		r := c.post("/dialogues", url.Values{"type": {itoa(typeID)}, "title": {"Planerad"}, "held_on": {"2026-12-10"}, "units": {itoa(e.unitID(unitA))}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("plan: %d\n%s", r.status, r.body)
		}
		loc := r.header.Get("Location")
		if r := c.get(loc); !strings.Contains(r.body, `<details class="minutes-form" open>`) {
			t.Errorf("the planned dialogue's minutes form is folded")
		}
		if r := c.act(loc, url.Values{"action": {"minutes"}, "strengths": {"Bra"}, "held": {"1"}}); r.status != http.StatusSeeOther {
			t.Fatalf("minutes: %d", r.status)
		}
		if r := c.get(loc); !strings.Contains(r.body, `<details class="minutes-form">`) || !strings.Contains(r.body, "Bra") {
			t.Errorf("the held dialogue's minutes form is open")
		}
	})
}

// The effect view's chart: its own SVG with its own CSP, the page's img
// with an alt pointing to the table, and the table's means as computed
// here from the stored values.
func TestDialogueEffectChartHTTP(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		var id int64
		var start int
		if err := e.db.QueryRow(context.Background(), "SELECT id, start_year FROM initiatives ORDER BY id LIMIT 1").Scan(&id, &start); err != nil {
			t.Fatal(err)
		}
		c := e.login(officer)
		page := c.get("/dialogues/initiatives/" + itoa(id) + "/effect")
		src := `/dialogues/initiatives/` + itoa(id) + `/effect.svg`
		if page.status != 200 || !strings.Contains(page.body, `<img src="`+src+`" alt="Linjediagram`) {
			t.Fatalf("effect page: %d", page.status)
		}
		svg := c.get(src)
		if svg.status != 200 || svg.header.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(svg.header.Get("Content-Security-Policy"), "default-src 'none'") ||
			!strings.Contains(svg.body, "<svg") || !strings.Contains(svg.body, "Med i insatsen") || !strings.Contains(svg.body, "Övriga enheter") {
			t.Errorf("chart: %d %v %.200s", svg.status, svg.header, svg.body)
		}
		// The treated group's means, from the stored values.
		rows, err := e.db.Query(context.Background(), `SELECT v.unit_code, v.year_start, v.value FROM indicator_values v
			JOIN indicators i ON i.id = v.indicator_id JOIN initiatives n ON n.indicator_key = i.key
			JOIN units u ON u.unit_code = v.unit_code JOIN initiative_units iu ON iu.unit_id = u.id AND iu.initiative_id = n.id
			WHERE n.id = ? AND v.grp = 'all' AND v.value IS NOT NULL AND (v.pupils IS NULL OR v.pupils >= 10)`, id)
		if err != nil {
			t.Fatal(err)
		}
		type sums struct{ b, a, nb, na float64 }
		per := map[string]*sums{}
		for rows.Next() {
			var code string
			var y int
			var v float64
			if err := rows.Scan(&code, &y, &v); err != nil {
				t.Fatal(err)
			}
			if per[code] == nil {
				per[code] = &sums{}
			}
			if y >= start {
				per[code].a, per[code].na = per[code].a+v, per[code].na+1
			} else {
				per[code].b, per[code].nb = per[code].b+v, per[code].nb+1
			}
		}
		rows.Close()
		var before, after, n float64
		for _, s := range per {
			if s.nb > 0 && s.na > 0 {
				before, after, n = before+s.b/s.nb, after+s.a/s.na, n+1
			}
		}
		if n == 0 {
			t.Fatal("no treated unit with values")
		}
		row := `<td class="num">` + dialogue.FormatValue(before/n, "sv") + `</td><td class="num">` + dialogue.FormatValue(after/n, "sv") + `</td>`
		if !strings.Contains(page.body, row) {
			t.Errorf("the table lacks the treated means %s", row)
		}
		if r := e.login(outsideEmail).get(src); r.status != http.StatusForbidden && r.status != http.StatusNotFound {
			t.Errorf("an outsider got the chart: %d", r.status)
		}
		if r := c.get("/dialogues/initiatives/999999/effect.svg"); r.status != http.StatusNotFound {
			t.Errorf("a missing initiative's chart: %d", r.status)
		}
	})
}
