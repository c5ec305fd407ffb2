package round_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/placement"
	"github.com/styrkedjan/styrkedjan/internal/placement/round"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

func fieldIDs(err error) string {
	var e *app.Error
	if !errors.As(err, &e) {
		return ""
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field+":"+f.MsgID)
	}
	return strings.Join(out, " ")
}

func TestRulesFormValidate(t *testing.T) {
	keep := placement.Rules{Resolution: 10}
	ok := func() round.RulesForm {
		var f round.RulesForm
		f.Criteria = [4]string{"sibling", "relative_proximity", " absolute_proximity ", "lottery"}
		f.SiblingYears = []string{"3", "0", "3"}
		f.Alternative = "nearest_with_room"
		f.Seed = "2027"
		f.NearHome[0] = round.NearHomeRow{"4", "6", "4 000"}
		f.NearHome[2] = round.NearHomeRow{"0", "3", "2000"}
		f.Choices, f.AcceptDays = "3", "14"
		return f
	}
	f := ok()
	if err := f.Validate(keep); err != nil {
		t.Fatal(err)
	}
	r := f.Rules
	want := placement.Rules{Criteria: []placement.Criterion{placement.Sibling, placement.RelativeProximity, placement.AbsoluteProximity, placement.Lottery},
		SiblingYears: []int{0, 3}, Alternative: placement.NearestWithRoom, Seed: 2027, Resolution: 10,
		NearHome: []placement.NearHomeLimit{{From: 0, To: 3, Meters: 2000}, {From: 4, To: 6, Meters: 4000}}}
	if !slices.Equal(r.Criteria, want.Criteria) || !slices.Equal(r.SiblingYears, want.SiblingYears) || r.Alternative != want.Alternative ||
		r.Seed != want.Seed || r.Resolution != want.Resolution || !slices.Equal(r.NearHome, want.NearHome) || f.ChoicesN != 3 || f.AcceptDaysN != 14 {
		t.Errorf("rules %+v", r)
	}
	// The form read back from the rules gives the same rules.
	back := round.FormFromRules(r, round.Settings{ChoicesAllowed: 3, AcceptDays: 14})
	if err := back.Validate(keep); err != nil || !slices.Equal(back.Rules.NearHome, r.NearHome) || back.Rules.Seed != r.Seed {
		t.Errorf("round trip: %v %+v", err, back.Rules)
	}
	for _, c := range []struct {
		name   string
		change func(*round.RulesForm)
		want   string
	}{
		{"no criteria", func(f *round.RulesForm) { f.Criteria = [4]string{} }, "criterion_1:rulesform.err.no_criteria"},
		{"twice", func(f *round.RulesForm) { f.Criteria[2] = "sibling" }, "criterion_3:rulesform.err.criterion_twice"},
		{"gap", func(f *round.RulesForm) { f.Criteria[1] = "" }, "criterion_3:rulesform.err.criterion_gap criterion_4:rulesform.err.criterion_gap"},
		{"after the lottery", func(f *round.RulesForm) { f.Criteria = [4]string{"lottery", "sibling"} }, "criterion_2:rulesform.err.after_lottery"},
		{"unknown", func(f *round.RulesForm) { f.Criteria[0] = "wealth" }, "criterion_1:rulesform.err.criterion"},
		{"year", func(f *round.RulesForm) { f.SiblingYears = []string{"11"} }, "sibling_years:rulesform.err.year"},
		{"alternative", func(f *round.RulesForm) { f.Alternative = "" }, "alternative:rulesform.err.alternative"},
		{"seed", func(f *round.RulesForm) { f.Seed = "1.5" }, "seed:rulesform.err.seed"},
		{"years backwards", func(f *round.RulesForm) { f.NearHome[0].From = "7" }, "near_home_1:rulesform.err.near_home_years"},
		{"metres", func(f *round.RulesForm) { f.NearHome[2].Meters = "0" }, "near_home_3:rulesform.err.near_home_meters"},
		{"overlap", func(f *round.RulesForm) { f.NearHome[1] = round.NearHomeRow{"3", "5", "100"} }, "near_home_2:rulesform.err.near_home_overlap"},
		{"choices", func(f *round.RulesForm) { f.Choices = "11" }, "choices:rulesform.err.choices"},
		{"days", func(f *round.RulesForm) { f.AcceptDays = "" }, "accept_days:rulesform.err.accept_days"},
	} {
		f := ok()
		c.change(&f)
		if got := fieldIDs(f.Validate(keep)); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestSaveRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		id, err := round.Create(system(), db, f.draft())
		if err != nil {
			t.Fatal(err)
		}
		rules := placement.DefaultRules()
		rules.Seed = 99
		rules.NearHome = []placement.NearHomeLimit{{From: 0, To: 3, Meters: 2000}}
		officer := auth.WithPrincipal(context.Background(), &auth.Principal{UserID: 1, Email: "pia@x", Role: auth.RoleSpecialist,
			Categories: []string{auth.CategoryPlacement}})
		if err := round.SaveRules(officer, db, id, rules, round.Settings{ChoicesAllowed: 5, AcceptDays: 10}); err != nil {
			t.Fatal(err)
		}
		rd, _ := round.Get(officer, db, id)
		_, _, got, err := rd.Inputs()
		if err != nil || got.Seed != 99 || len(got.NearHome) != 1 {
			t.Errorf("stored rules %+v, %v", got, err)
		}
		if s, err := round.GetSettings(officer, db, id); err != nil || s.ChoicesAllowed != 5 || s.AcceptDays != 10 {
			t.Errorf("settings %+v, %v", s, err)
		}
		// The TOML export reads back as the same rules.
		imp, err := round.ImportRules(rd.RulesTOML, "rules")
		if err != nil || imp.Seed != 99 || !slices.Equal(imp.NearHome, got.NearHome) {
			t.Errorf("import of the export: %+v %v", imp, err)
		}
		if _, err := round.ImportRules("criteria = [\"wealth\"]\n", "rules"); fieldIDs(err) != "rules:placement.input.at" {
			t.Errorf("bad import: %v", fieldIDs(err))
		}
		other := auth.WithPrincipal(context.Background(), &auth.Principal{UserID: 2, Role: auth.RoleSpecialist, Categories: []string{"meals"}})
		if err := round.SaveRules(other, db, id, rules, round.Settings{ChoicesAllowed: 5, AcceptDays: 10}); app.Code(err) != app.ENOTFOUND {
			t.Errorf("another specialist saves rules: %v", err)
		}
		if _, err := db.Exec(context.Background(), "UPDATE placement_rounds SET published_at = ? WHERE id = ?", store.Now(), id); err != nil {
			t.Fatal(err)
		}
		if err := round.SaveRules(officer, db, id, rules, round.Settings{ChoicesAllowed: 5, AcceptDays: 10}); fieldIDs(err) != "criterion_1:rulesform.err.published" {
			t.Errorf("rules of a published round changed: %v", err)
		}
	})
}
