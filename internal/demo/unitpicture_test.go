package demo_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture"
)

func TestUnitPictureDemo(t *testing.T) {
	if a, b := demo.UnitPictureData(), demo.UnitPictureData(); !reflect.DeepEqual(a, b) {
		t.Fatal("the demo unit picture is not deterministic")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := demo.Load(ctx, db); err != nil {
			t.Fatal(err)
		}
		// Loading again changes nothing.
		rep, err := unitpicture.Import(ctx, db, auth.System, demo.UnitPictureData(), demo.UnitPictureSource, "again")
		if err != nil || !rep.NothingChanged() {
			t.Fatalf("reload: %+v, %v", rep, err)
		}
		var few, missing, zero int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM indicator_values WHERE pupils < 10").Scan(&few); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM indicator_values WHERE value IS NULL AND status = '..'").Scan(&missing); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM indicator_values WHERE value IS NULL AND status = ''").Scan(&zero); err != nil {
			t.Fatal(err)
		}
		if few == 0 || missing == 0 || zero != 0 {
			t.Errorf("%d values under 10 pupils, %d '..', %d missing without status", few, missing, zero)
		}
		var id int64
		if err := db.QueryRow(ctx, "SELECT id FROM users WHERE email = ?", "klagomal@exempelby.example").Scan(&id); err != nil {
			t.Fatal(err)
		}
		officer, err := auth.LoadPrincipal(ctx, db, id)
		if err != nil {
			t.Fatal(err)
		}
		moves := map[string]struct {
			key  string
			want unitpicture.Move
		}{
			"92000205": {"pass_all_subjects_6", unitpicture.Better}, // Tallmo improves
			"92000203": {"pass_all_subjects_6", unitpicture.Worse},  // Sjöviken falls
			"93000302": {"merit_value_9", unitpicture.Better},       // Norrberg improves
			"93000303": {"merit_value_9", unitpicture.Worse},        // Södra falls
		}
		for code, m := range moves {
			var uid int64
			if err := db.QueryRow(ctx, "SELECT id FROM units WHERE unit_code = ?", code).Scan(&uid); err != nil {
				t.Fatal(err)
			}
			pr, err := unitpicture.UnitProfile(ctx, db, officer, uid, demo.UnitPictureYears[0])
			if err != nil {
				t.Fatal(err)
			}
			row, ok := pr.Row(m.key)
			if !ok || row.Change.Move != m.want || len(row.Series) != len(demo.UnitPictureYears) {
				t.Errorf("%s %s: %s over %d years, want %s", code, m.key, row.Change.Move, len(row.Series), m.want)
			}
		}
		iv, err := unitpicture.IndicatorView(ctx, db, officer, "merit_value_9", "2021/22")
		if err != nil {
			t.Fatal(err)
		}
		if iv.Suppressed != 1 || len(iv.Units) != 5 {
			t.Errorf("merit value 2021/22: %d units, %d suppressed", len(iv.Units), iv.Suppressed)
		}
		if _, err := unitpicture.Adjusted(ctx, db, officer, unitpicture.AdjustedQuery{Model: unitpicture.ModelSALSA2016}); err != nil {
			t.Errorf("SALSA on the demo: %v", err)
		}
		if c, err := unitpicture.Compensatory(ctx, db, officer, ""); err != nil || len(c.Units) != 11 {
			t.Errorf("compensatory: %v", err)
		}
	})
}
