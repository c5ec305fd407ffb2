package dialogue_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/dialogue"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

// actionByID reads one action as the context principal sees it.
func actionByID(t *testing.T, ctx context.Context, db *store.DB, id int64) *dialogue.Action {
	t.Helper()
	list, err := dialogue.Actions(ctx, db, dialogue.ActionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range list {
		if list[i].ID == id {
			return &list[i]
		}
	}
	return nil
}

// auditSummaries returns the audit log's summaries for an action.
func auditSummaries(t *testing.T, db *store.DB, id int64) []string {
	t.Helper()
	rows, err := db.Query(context.Background(), "SELECT summary FROM audit_log WHERE entity = 'dialogue_action' AND entity_id = ? ORDER BY id", itoa(id))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func valueOf(t *testing.T, db *store.DB, key, unitCode, year string) float64 {
	t.Helper()
	var v float64
	if err := db.QueryRow(context.Background(), `SELECT v.value FROM indicator_values v JOIN indicators i ON i.id = v.indicator_id
		WHERE i.key = ? AND v.unit_code = ? AND v.school_year = ? AND v.grp = 'all'`, key, unitCode, year).Scan(&v); err != nil {
		t.Fatalf("%s %s %s: %v", key, unitCode, year, err)
	}
	return v
}

// Editing an agreed action: who may, validation, baselines kept or
// re-read, and the audit trail.
func TestUpdateAction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		x := load(t, db)
		ctx := x.as(chief)
		id, err := dialogue.Create(ctx, db, dialogue.Input{TypeID: x.typeID("principal"), Title: "Extra", HeldOn: "2026-12-03",
			UnitIDs: []int64{x.unit(tallmo)}}, x.now)
		if err != nil {
			t.Fatal(err)
		}
		aid, err := dialogue.AddAction(ctx, db, id, dialogue.ActionInput{UnitID: x.unit(tallmo), Title: "Läsa mer", Owner: "Tove", Due: "2027-06-01",
			Indicators: []dialogue.IndicatorInput{{Key: "pass_all_subjects_6", Target: "95", BaselineYear: "2021/22"}}}, x.now)
		if err != nil {
			t.Fatal(err)
		}
		good := dialogue.ActionEdit{Title: "Läsa mycket mer", Owner: "Tove T", Due: "2027-05-15",
			Indicators: []dialogue.IndicatorInput{{Key: "pass_all_subjects_6", Target: "96,5"}}}
		// Out of sight: another principal and the board; a specialist.
		for _, who := range []string{principalA, board, meals} {
			if err := dialogue.UpdateAction(x.as(who), db, aid, good, x.now); code(err) != app.ENOTFOUND {
				t.Errorf("%s edited: %v", who, err)
			}
		}
		// Bad input: every field named, nothing changed.
		bad := dialogue.ActionEdit{Title: " ", Owner: strings.Repeat("x", dialogue.MaxName+1), Due: "2026-02-30",
			Indicators: []dialogue.IndicatorInput{{Key: "no_such"}, {Key: "pass_all_subjects_6", Target: "abc", BaselineYear: "2021-22"}, {Target: "5"}}}
		err = dialogue.UpdateAction(ctx, db, aid, bad, x.now)
		var ae *app.Error
		if code(err) != app.EINVALID || !asApp(err, &ae) {
			t.Fatalf("bad edit: %v", err)
		}
		var fields []string
		for _, f := range ae.Fields {
			fields = append(fields, f.Field)
		}
		slices.Sort(fields)
		want := []string{"edit_baseline_year_1", "edit_due", "edit_indicator_0", "edit_indicator_2", "edit_owner", "edit_target_1", "edit_title"}
		if !slices.Equal(fields, want) {
			t.Errorf("fields %v, want %v", fields, want)
		}
		a := actionByID(t, ctx, db, aid)
		if a == nil || a.Title != "Läsa mer" || len(a.Indicators) != 1 || *a.Indicators[0].Target != 95 {
			t.Fatalf("a refused edit changed the action: %+v", a)
		}
		base2122 := valueOf(t, db, "pass_all_subjects_6", tallmo, "2021/22")
		if a.Indicators[0].BaselineYear != "2021/22" || *a.Indicators[0].Baseline != base2122 {
			t.Fatalf("baseline %s %v, want 2021/22 %v", a.Indicators[0].BaselineYear, *a.Indicators[0].Baseline, base2122)
		}
		// The principal of the dialogue's only unit edits: the empty year keeps the agreed baseline.
		if err := dialogue.UpdateAction(x.as(principalB), db, aid, good, x.now); err != nil {
			t.Fatal(err)
		}
		a = actionByID(t, ctx, db, aid)
		if a.Title != "Läsa mycket mer" || a.Owner != "Tove T" || a.Due != "2027-05-15" || len(a.Indicators) != 1 {
			t.Fatalf("after the edit: %+v", a)
		}
		if x := a.Indicators[0]; x.BaselineYear != "2021/22" || *x.Baseline != base2122 || *x.Target != 96.5 {
			t.Errorf("kept indicator: %s %v target %v", x.BaselineYear, *x.Baseline, *x.Target)
		}
		// Another baseline year is read anew; a new indicator takes the latest year; a dropped one goes.
		err = dialogue.UpdateAction(ctx, db, aid, dialogue.ActionEdit{Title: a.Title, Owner: a.Owner, Due: a.Due,
			Indicators: []dialogue.IndicatorInput{{Key: "pass_all_subjects_6", BaselineYear: "2023/24", Target: "97"}, {}, {Key: "national_test_sve_6", Target: "14"}}}, x.now)
		if err != nil {
			t.Fatal(err)
		}
		a = actionByID(t, ctx, db, aid)
		if len(a.Indicators) != 2 {
			t.Fatalf("indicators %+v", a.Indicators)
		}
		for _, ind := range a.Indicators {
			switch ind.Key {
			case "pass_all_subjects_6":
				if v := valueOf(t, db, ind.Key, tallmo, "2023/24"); ind.BaselineYear != "2023/24" || *ind.Baseline != v || *ind.Target != 97 {
					t.Errorf("re-read baseline %s %v (want 2023/24 %v), target %v", ind.BaselineYear, *ind.Baseline, v, *ind.Target)
				}
			case "national_test_sve_6":
				if v := valueOf(t, db, ind.Key, tallmo, "2025/26"); ind.BaselineYear != "2025/26" || *ind.Baseline != v || *ind.Target != 14 {
					t.Errorf("new indicator baseline %s %v (want 2025/26 %v)", ind.BaselineYear, *ind.Baseline, v)
				}
			default:
				t.Errorf("unexpected indicator %s", ind.Key)
			}
		}
		log := auditSummaries(t, db, aid)
		if len(log) < 3 {
			t.Fatalf("audit %q", log)
		}
		first, second := log[len(log)-2], log[len(log)-1]
		if !strings.Contains(first, "title") || !strings.Contains(first, "owner") || !strings.Contains(first, "2027-06-01 → 2027-05-15") ||
			!strings.Contains(first, "target 95 → 96.5") {
			t.Errorf("audit of the first edit: %q", first)
		}
		if !strings.Contains(second, "baseline 2021/22 → 2023/24") || !strings.Contains(second, "national_test_sve_6 added") {
			t.Errorf("audit of the second edit: %q", second)
		}
		// A dialogue with a unit that is not theirs: principal B may follow up
		// their unit's action but not change what was agreed.
		mixed, err := dialogue.Create(ctx, db, dialogue.Input{TypeID: x.typeID("principal"), Title: "Två skolor", HeldOn: "2026-12-04",
			UnitIDs: []int64{x.unit(tallmo), x.unit(ekbacka)}}, x.now)
		if err != nil {
			t.Fatal(err)
		}
		maid, err := dialogue.AddAction(ctx, db, mixed, dialogue.ActionInput{UnitID: x.unit(tallmo), Title: "Gemensamt"}, x.now)
		if err != nil {
			t.Fatal(err)
		}
		if err := dialogue.SetStatus(x.as(principalB), db, maid, dialogue.StatusStarted, x.now); err != nil {
			t.Errorf("follow-up of their unit's action: %v", err)
		}
		if err := dialogue.UpdateAction(x.as(principalB), db, maid, dialogue.ActionEdit{Title: "Ändrad"}, x.now); code(err) != app.EFORBIDDEN {
			t.Errorf("principal B changed a shared dialogue's action: %v", err)
		}
		if err := dialogue.RemoveAction(x.as(principalB), db, maid, x.now); code(err) != app.EFORBIDDEN {
			t.Errorf("principal B removed a shared dialogue's action: %v", err)
		}
	})
}

// Removing an action agreed by mistake: only while nobody has worked on
// it; the audit log keeps what it said.
func TestRemoveAction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		x := load(t, db)
		ctx := x.as(chief)
		id, err := dialogue.Create(ctx, db, dialogue.Input{TypeID: x.typeID("principal"), Title: "Extra", HeldOn: "2026-12-03",
			UnitIDs: []int64{x.unit(tallmo)}}, x.now)
		if err != nil {
			t.Fatal(err)
		}
		add := func(title string) int64 {
			aid, err := dialogue.AddAction(ctx, db, id, dialogue.ActionInput{UnitID: x.unit(tallmo), Title: title, Owner: "Tove",
				Indicators: []dialogue.IndicatorInput{{Key: "pass_all_subjects_6", Target: "95"}}}, x.now)
			if err != nil {
				t.Fatal(err)
			}
			return aid
		}
		mistake, commented, started := add("Fel åtgärd"), add("Kommenterad"), add("Påbörjad")
		if err := dialogue.AddComment(ctx, db, commented, "Vi har börjat", x.now); err != nil {
			t.Fatal(err)
		}
		if err := dialogue.SetStatus(ctx, db, started, dialogue.StatusStarted, x.now); err != nil {
			t.Fatal(err)
		}
		for _, aid := range []int64{commented, started} {
			if err := dialogue.RemoveAction(ctx, db, aid, x.now); code(err) != app.EINVALID {
				t.Errorf("removed an action worked on: %v", err)
			}
			if actionByID(t, ctx, db, aid) == nil {
				t.Errorf("action %d is gone", aid)
			}
		}
		for _, who := range []string{principalA, board} {
			if err := dialogue.RemoveAction(x.as(who), db, mistake, x.now); code(err) != app.ENOTFOUND {
				t.Errorf("%s removed: %v", who, err)
			}
		}
		if err := dialogue.RemoveAction(x.as(principalB), db, mistake, x.now); err != nil {
			t.Fatal(err)
		}
		if actionByID(t, ctx, db, mistake) != nil {
			t.Error("the removed action is still listed")
		}
		var n int
		if err := db.QueryRow(context.Background(), "SELECT COUNT(*) FROM action_indicators WHERE action_id = ?", mistake).Scan(&n); err != nil || n != 0 {
			t.Errorf("%d indicator rows left, %v", n, err)
		}
		log := auditSummaries(t, db, mistake)
		if last := log[len(log)-1]; !strings.Contains(last, "removed") || !strings.Contains(last, `"Fel åtgärd"`) ||
			!strings.Contains(last, "pass_all_subjects_6") || !strings.Contains(last, `"Tove"`) {
			t.Errorf("audit keeps %q", last)
		}
		if err := dialogue.RemoveAction(ctx, db, mistake, x.now); code(err) != app.ENOTFOUND {
			t.Errorf("removed twice: %v", err)
		}
	})
}

// The demo's autumn round agreed new actions, each following an indicator
// of the demo unit picture with a baseline and a target above it.
func TestDemoAutumnActions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		x := load(t, db)
		list, err := dialogue.Actions(x.as(chief), db, dialogue.ActionFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var units []string
		for _, a := range list {
			if !strings.Contains(a.DialogueTitle, "HT 2026") {
				continue
			}
			var unitCode string
			if err := db.QueryRow(context.Background(), "SELECT unit_code FROM units WHERE id = ?", a.UnitID).Scan(&unitCode); err != nil {
				t.Fatal(err)
			}
			units = append(units, unitCode)
			if len(a.Indicators) != 1 {
				t.Fatalf("%s: indicators %+v", a.Title, a.Indicators)
			}
			ind := a.Indicators[0]
			// Held in October 2026: 2025/26 was published on 1 October.
			if ind.Baseline == nil || ind.Target == nil || ind.BaselineYear != "2025/26" || *ind.Target <= *ind.Baseline ||
				*ind.Baseline != valueOf(t, db, ind.Key, unitCode, "2025/26") || ind.FollowUp.Verdict != dialogue.NotYetMeasurable {
				t.Errorf("%s: baseline %s %v, target %v", a.Title, ind.BaselineYear, ind.Baseline, ind.Target)
			}
		}
		slices.Sort(units)
		if !slices.Equal(units, demo.HTActionUnits()) {
			t.Errorf("autumn actions for %v, want %v", units, demo.HTActionUnits())
		}
	})
}
