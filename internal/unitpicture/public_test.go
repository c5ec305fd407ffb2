package unitpicture_test

import (
	"context"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture"
)

// TestPublicResults: the guardians' results of a unit are its latest
// values of the asked indicators in their order, a value of fewer than 10
// pupils suppressed (never an older value in its place), no permission.
func TestPublicResults(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		loadOrg(t, db)
		a := "92000201"
		importValues(t, db,
			val(a, "pass_all_subjects_6", "2023/24", 81, 40), val(a, "pass_all_subjects_6", "2024/25", 84, 42),
			val(a, "certified_teachers", "2023/24", 70, 0), val(a, "certified_teachers", "2024/25", 75, 0),
			val(a, "national_test_sve_6", "2023/24", 15, 11), val(a, "national_test_sve_6", "2024/25", 12, 6))
		got, err := unitpicture.PublicResults(context.Background(), db, unitID(t, db, a),
			[]string{"certified_teachers", "national_test_sve_6", "merit_value_9", "pass_all_subjects_6"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 {
			t.Fatalf("%d results, want 3: %+v", len(got), got)
		}
		if r := got[0]; r.Indicator.Key != "certified_teachers" || r.Latest.Year != "2024/25" || *r.Latest.Value != 75 {
			t.Errorf("first: %+v", r)
		}
		if r := got[1]; r.Indicator.Key != "national_test_sve_6" || !r.Latest.Suppressed || r.Latest.Value != nil || r.Latest.Year != "2024/25" {
			t.Errorf("6 pupils shown: %+v", r.Latest)
		}
		if r := got[2]; r.Indicator.Key != "pass_all_subjects_6" || *r.Latest.Value != 84 {
			t.Errorf("third: %+v", r)
		}
		if none, err := unitpicture.PublicResults(context.Background(), db, 999999, []string{"certified_teachers"}); err != nil || len(none) != 0 {
			t.Errorf("unknown unit: %v %v", none, err)
		}
	})
}
