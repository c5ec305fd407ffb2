package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/dialogue"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
	"github.com/styrkedjan/styrkedjan/internal/survey"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture"
)

// TestSurveysDemo: two pupil rounds a year apart and a guardian round; the
// pupils' safety index moved beyond chance at Ekbacka skola and not at
// Björkdalens skola; a small class is suppressed; an action follows the
// safety index; loading again adds nothing.
func TestSurveysDemo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := demo.Load(ctx, db); err != nil {
			t.Fatal(err)
		}
		if err := demo.LoadSurveys(ctx, db); err != nil {
			t.Fatal(err)
		}
		var rounds, actions int
		_ = db.QueryRow(ctx, "SELECT COUNT(*) FROM survey_rounds").Scan(&rounds)
		_ = db.QueryRow(ctx, "SELECT COUNT(*) FROM action_indicators WHERE indicator_key = 'survey.pupil.safety'").Scan(&actions)
		if rounds != 3 || actions != 1 {
			t.Fatalf("%d rounds, %d actions on survey.pupil.safety; want 3 and 1", rounds, actions)
		}
		ind, err := unitpicture.IndicatorByKey(ctx, db, "survey.pupil.safety")
		if err != nil || ind.Source != survey.Source || ind.PupilSD <= 0 {
			t.Fatalf("indicator %+v, %v", ind, err)
		}
		move := func(code string) unitpicture.Move {
			var pts []unitpicture.Point
			for _, y := range []string{"2024/25", "2025/26"} {
				var v float64
				var n int
				if err := db.QueryRow(ctx, `SELECT v.value, v.pupils FROM indicator_values v WHERE v.indicator_id = ? AND v.unit_code = ? AND v.school_year = ?`,
					ind.ID, code, y).Scan(&v, &n); err != nil {
					t.Fatalf("%s %s: %v", code, y, err)
				}
				pts = append(pts, unitpicture.Point{Year: y, Value: &v, Pupils: &n})
			}
			return unitpicture.TestChange(ind, pts[0], pts[1]).Move
		}
		if m := move("92000201"); m != unitpicture.Better {
			t.Errorf("Ekbacka skola's safety: %s, want better", m)
		}
		if m := move("92000202"); m != unitpicture.NoChange {
			t.Errorf("Björkdalens skola's safety: %s, want no change", m)
		}
		var rid int64
		_ = db.QueryRow(ctx, "SELECT MIN(id) FROM survey_rounds").Scan(&rid)
		board := auth.WithPrincipal(ctx, &auth.Principal{UserID: 1, Role: auth.RoleBoard})
		res, err := survey.GetResults(board, db, rid, 5, "2026-12-01")
		if err != nil {
			t.Fatal(err)
		}
		hidden := 0
		for _, r := range res.Rows {
			if r.Suppressed {
				hidden++
			}
		}
		if hidden < 2 {
			t.Errorf("%d suppressed rows, want the small class and its complement", hidden)
		}
		// The preparation pack shows the temperature next to the results.
		var did int64
		if err := db.QueryRow(ctx, `SELECT a.dialogue_id FROM dialogue_actions a JOIN action_indicators i ON i.action_id = a.id
			WHERE i.indicator_key = 'survey.pupil.safety'`).Scan(&did); err != nil {
			t.Fatal(err)
		}
		chief := auth.WithPrincipal(ctx, &auth.Principal{UserID: 1, Email: "skolchef@exempelby.example", Role: auth.RoleOfficer})
		pk, err := dialogue.Prepare(chief, db, did, "sv", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		temp := 0
		for _, u := range pk.Units {
			temp += len(u.Temperature)
		}
		if temp == 0 {
			t.Error("the preparation pack has no temperature")
		}
	})
}
