package dialogue_test

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"pgregory.net/rapid"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/dialogue"
	"github.com/styrkedjan/styrkedjan/internal/pdftest"
	"github.com/styrkedjan/styrkedjan/internal/stats"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture/skolverket"
)

func f(x float64) *float64 { return &x }
func n(x int) *int         { return &x }

var share = unitpicture.Indicator{ID: 1, Indicator: skolverket.Indicator{Key: "pass_all_subjects_6", Kind: "share", Direction: skolverket.HigherIsBetter}}

func pt(year string, v float64, pupils int) unitpicture.Point {
	return unitpicture.Point{Year: year, Value: f(v), Pupils: n(pupils)}
}

// The follow-up verdicts on constructed values: a share of 60 % of 100
// pupils in 2024/25, the baseline of an action agreed on 2026-03-15,
// against 2025/26.
func TestVerdict(t *testing.T) {
	mean := unitpicture.Indicator{ID: 2, Indicator: skolverket.Indicator{Key: "merit_value_9", Kind: "mean", Direction: skolverket.HigherIsBetter, PupilSD: 50}}
	ratio := unitpicture.Indicator{ID: 3, Indicator: skolverket.Indicator{Key: "pupils_per_teacher", Kind: "ratio", Direction: skolverket.LowerIsBetter}}
	for _, tc := range []struct {
		name    string
		ind     unitpicture.Indicator
		base    *float64
		pupils  *int
		latest  unitpicture.Point
		target  *float64
		want    string
		wantMet bool
	}{
		// 60 % → 80 % of 100 pupils each: the interval is about ±12 points.
		{"a share moved up", share, f(60), n(100), pt("2025/26", 80, 100), f(75), dialogue.Moved, true},
		{"a share moved down", share, f(60), n(100), pt("2025/26", 40, 100), f(75), dialogue.Worse, false},
		{"within chance", share, f(60), n(100), pt("2025/26", 65, 100), f(64), dialogue.NotMoved, true},
		{"few pupils now", share, f(60), n(100), pt("2025/26", 95, 9), nil, dialogue.TooLittleData, false},
		{"few pupils at baseline", share, f(60), n(8), pt("2025/26", 95, 100), nil, dialogue.TooLittleData, false},
		{"no baseline value", share, nil, nil, pt("2025/26", 95, 100), nil, dialogue.TooLittleData, false},
		{"only a value from before the action", share, f(60), n(100), pt("2023/24", 95, 100), f(75), dialogue.NotYetMeasurable, false},
		{"no value at all", share, f(60), n(100), unitpicture.Point{}, nil, dialogue.NotYetMeasurable, false},
		{"suppressed now", share, f(60), n(100), unitpicture.Point{Year: "2025/26", Suppressed: true}, nil, dialogue.TooLittleData, false},
		// 200 → 215 merit points, 60 pupils each, SD 50: ±17.9, not moved; 200 → 225: moved.
		{"a mean within chance", mean, f(200), n(60), pt("2025/26", 215, 60), nil, dialogue.NotMoved, false},
		{"a mean moved", mean, f(200), n(60), pt("2025/26", 225, 60), f(220), dialogue.Moved, true},
		{"a ratio cannot be tested", ratio, f(12), nil, pt("2025/26", 10, 0), f(11), dialogue.NotTestable, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var series []unitpicture.Point
			if tc.latest.Year != "" {
				series = append(series, tc.latest)
			}
			got := dialogue.Verdict(dialogue.VerdictInput{Indicator: tc.ind, AgreedOn: "2026-03-15", BaselineYear: "2024/25", Baseline: tc.base,
				BaselinePupils: tc.pupils, Series: series, Target: tc.target, Today: "2026-05-01"})
			if got.Verdict != tc.want || got.TargetMet != tc.wantMet {
				t.Errorf("verdict %s (target met %v), want %s (%v)", got.Verdict, got.TargetMet, tc.want, tc.wantMet)
			}
			if got.Verdict == dialogue.NotYetMeasurable && got.ExpectedOn != "2026-10-01" {
				t.Errorf("next value expected %q, want 2026-10-01", got.ExpectedOn)
			}
		})
	}
}

// The publication rule: a school year's values are published on 1 October
// after it ends; an action's baseline is the last published before it,
// its follow-up starts with the first school year ending after it.
func TestPublicationRule(t *testing.T) {
	for _, tc := range []struct{ date, base, first string }{
		{"2026-03-15", "2024/25", "2025/26"},
		{"2026-06-29", "2024/25", "2025/26"},
		{"2026-06-30", "2024/25", "2026/27"},
		{"2026-08-20", "2024/25", "2026/27"}, // 2025/26 has ended but is not published: neither
		{"2026-09-30", "2024/25", "2026/27"},
		{"2026-10-01", "2025/26", "2026/27"},
		{"2026-12-31", "2025/26", "2026/27"},
	} {
		if b, fu := dialogue.BaselineYearFor(tc.date), dialogue.FirstFollowUpYear(tc.date); b != tc.base || fu != tc.first {
			t.Errorf("%s: baseline %s, first follow-up %s; want %s, %s", tc.date, b, fu, tc.base, tc.first)
		}
	}
	if d := dialogue.PublishedOn("2025/26"); d != "2026-10-01" {
		t.Errorf("2025/26 published %s", d)
	}
	// Not yet measurable: the expected date is the first follow-up year's
	// publication, or the next publication day once that has passed.
	fu := dialogue.Verdict(dialogue.VerdictInput{Indicator: share, AgreedOn: "2026-03-15", Today: "2026-11-02"})
	if fu.Verdict != dialogue.NotYetMeasurable || fu.ExpectedOn != "2027-10-01" {
		t.Errorf("late: %s %s", fu.Verdict, fu.ExpectedOn)
	}
	// An older baseline is taken only when chosen, and is labelled.
	series := []unitpicture.Point{pt("2021/22", 50, 100), pt("2024/25", 70, 100), pt("2025/26", 72, 100)}
	fu = dialogue.Verdict(dialogue.VerdictInput{Indicator: share, AgreedOn: "2026-03-15", BaselineYear: "2021/22", Baseline: f(50), BaselinePupils: n(100), Series: series})
	if fu.Basis != dialogue.BasisOlder || fu.BaselineYear != "2021/22" || fu.Verdict != dialogue.Moved {
		t.Errorf("older baseline: %+v", fu)
	}
	fu = dialogue.Verdict(dialogue.VerdictInput{Indicator: share, AgreedOn: "2026-03-15", Series: series})
	if fu.Basis != dialogue.BasisAction || fu.BaselineYear != "2024/25" || fu.Verdict != dialogue.NotMoved || strings.Join(fu.Years, ",") != "2025/26" {
		t.Errorf("by the rule: %+v", fu)
	}
	// A stored baseline from after the action (not known when it was
	// agreed) is not used.
	fu = dialogue.Verdict(dialogue.VerdictInput{Indicator: share, AgreedOn: "2026-03-15", BaselineYear: "2025/26", Baseline: f(72), BaselinePupils: n(100), Series: series})
	if fu.BaselineYear != "2024/25" || fu.Basis != dialogue.BasisAction {
		t.Errorf("baseline after the action: %+v", fu)
	}
}

// No value from a school year that ended on or before the day an action was
// agreed ever contributes to its verdict: changing those values (or
// removing them) leaves the verdict's follow-up side unchanged, and the
// baseline is never a value published after the action.
func TestVerdictUsesNoValueFromBeforeTheAction(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		year := rapid.IntRange(2018, 2030).Draw(rt, "year")
		month := rapid.IntRange(1, 12).Draw(rt, "month")
		day := rapid.IntRange(1, 28).Draw(rt, "day")
		agreed := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		var series []unitpicture.Point
		for ys := 2015; ys <= 2032; ys++ {
			if rapid.Bool().Draw(rt, "has") {
				series = append(series, pt(unitpicture.SchoolYear(ys), rapid.Float64Range(0, 100).Draw(rt, "v"), rapid.IntRange(1, 200).Draw(rt, "n")))
			}
		}
		in := dialogue.VerdictInput{Indicator: share, AgreedOn: agreed, Series: series, Target: f(50), Today: "2026-12-07"}
		got := dialogue.Verdict(in)
		ends := func(y string) string { return dialogue.YearEnds(y) }
		for _, y := range got.Years {
			if ends(y) <= agreed {
				rt.Fatalf("agreed %s: the verdict uses %s, which ended %s", agreed, y, ends(y))
			}
		}
		if got.Latest.Year != "" && ends(got.Latest.Year) <= agreed {
			rt.Fatalf("agreed %s: latest %s is from before the action", agreed, got.Latest.Year)
		}
		if p := dialogue.PublishedOn(got.BaselineYear); p > agreed {
			rt.Fatalf("agreed %s: baseline %s published %s, after the action", agreed, got.BaselineYear, p)
		}
		// Scramble every value of a year that ended before the action,
		// except the baseline's: the verdict stays the same.
		scrambled := make([]unitpicture.Point, 0, len(series))
		for _, p := range series {
			if ends(p.Year) <= agreed && p.Year != got.BaselineYear {
				if rapid.Bool().Draw(rt, "drop") {
					continue
				}
				p = pt(p.Year, rapid.Float64Range(0, 100).Draw(rt, "v2"), rapid.IntRange(1, 200).Draw(rt, "n2"))
			}
			scrambled = append(scrambled, p)
		}
		in.Series = scrambled
		again := dialogue.Verdict(in)
		if again.Verdict != got.Verdict || again.TargetMet != got.TargetMet || again.Latest.Year != got.Latest.Year ||
			strings.Join(again.Years, ",") != strings.Join(got.Years, ",") {
			rt.Fatalf("agreed %s: values from before the action changed the verdict: %+v → %+v", agreed, got, again)
		}
	})
}

func TestTerms(t *testing.T) {
	for date, want := range map[string]string{"2026-01-01": "VT 2026", "2026-06-30": "VT 2026", "2026-07-01": "HT 2026", "2026-12-31": "HT 2026", "2026-13-01": ""} {
		if got := dialogue.Term(date); got != want {
			t.Errorf("Term(%s) = %q, want %q", date, got, want)
		}
	}
	if from, to, ok := dialogue.TermBounds("ht 2025"); !ok || from != "2025-07-01" || to != "2025-12-31" {
		t.Errorf("HT 2025: %s %s %v", from, to, ok)
	}
	for _, bad := range []string{"", "VT", "XT 2025", "VT 20x5", "VT 1850"} {
		if _, _, ok := dialogue.TermBounds(bad); ok {
			t.Errorf("TermBounds(%q) accepted", bad)
		}
	}
}

// fixture is the demo organizer with its dialogues.
type fixture struct {
	t   *testing.T
	db  *store.DB
	now time.Time
}

func load(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	if err := demo.Load(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, db: db, now: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
}

func (x *fixture) as(email string) context.Context {
	x.t.Helper()
	var id int64
	if err := x.db.QueryRow(context.Background(), "SELECT id FROM users WHERE email = ?", email).Scan(&id); err != nil {
		x.t.Fatalf("%s: %v", email, err)
	}
	p, err := auth.LoadPrincipal(context.Background(), x.db, id)
	if err != nil {
		x.t.Fatal(err)
	}
	return auth.WithPrincipal(context.Background(), p)
}

func (x *fixture) unit(code string) int64 {
	x.t.Helper()
	var id int64
	if err := x.db.QueryRow(context.Background(), "SELECT id FROM units WHERE unit_code = ?", code).Scan(&id); err != nil {
		x.t.Fatal(err)
	}
	return id
}

func (x *fixture) typeID(key string) int64 {
	x.t.Helper()
	var id int64
	if err := x.db.QueryRow(context.Background(), "SELECT id FROM dialogue_types WHERE key = ?", key).Scan(&id); err != nil {
		x.t.Fatal(err)
	}
	return id
}

const (
	chief      = "skolchef@exempelby.example"
	principalA = "rektor.ekbacka@exempelby.example" // Ekbacka 92000201
	principalB = "rektor.tallmo@exempelby.example"  // Tallmo 92000205, Ängsbacka 92000206
	board      = "ordforande@exempelby.example"
	meals      = "maltid@exempelby.example"     // a specialist
	transport  = "skolskjuts@exempelby.example" // another specialist
	analyst    = "analys@exempelby.example"
	ekbacka    = "92000201"
	tallmo     = "92000205"
)

func code(err error) string { return app.Code(err) }

// Who sees and changes which dialogue.
func TestScoping(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		x := load(t, db)
		ctx := context.Background()
		// A principal plans a staff group dialogue for their own unit, not another's.
		id, err := dialogue.Create(x.as(principalA), db, dialogue.Input{TypeID: x.typeID("staff"), Title: "Personalgrupp HT",
			HeldOn: "2026-12-01", UnitIDs: []int64{x.unit(ekbacka)}}, x.now)
		if err != nil {
			t.Fatal(err)
		}
		_, err = dialogue.Create(x.as(principalA), db, dialogue.Input{TypeID: x.typeID("principal"), Title: "Tallmo", HeldOn: "2026-12-01",
			UnitIDs: []int64{x.unit(tallmo)}}, x.now)
		if code(err) != app.EINVALID {
			t.Errorf("a principal planned another's unit: %v", err)
		}
		// The principal adds a staff member with an account (a specialist).
		if _, err := dialogue.AddParticipant(x.as(principalA), db, id, dialogue.ParticipantInput{Role: dialogue.RoleStaff, Email: meals}, x.now); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			who  string
			see  bool
			edit bool
		}{
			{chief, true, true}, {principalA, true, true}, {principalB, false, false},
			{meals, true, false}, {transport, false, false}, {board, false, false}, {analyst, false, false},
		} {
			d, err := dialogue.Get(x.as(tc.who), db, id)
			switch {
			case tc.see && err != nil:
				t.Errorf("%s cannot see the dialogue: %v", tc.who, err)
			case !tc.see && code(err) != app.ENOTFOUND:
				t.Errorf("%s: %v, want not found", tc.who, err)
			case tc.see && d.CanEdit != tc.edit:
				t.Errorf("%s may edit: %v, want %v", tc.who, d.CanEdit, tc.edit)
			}
			err = dialogue.Record(x.as(tc.who), db, id, dialogue.Minutes{Strengths: "Vi delar material."}, false, x.now)
			switch {
			case tc.edit && err != nil:
				t.Errorf("%s cannot record: %v", tc.who, err)
			case !tc.edit && tc.see && code(err) != app.EFORBIDDEN:
				t.Errorf("%s recorded: %v, want forbidden", tc.who, err)
			case !tc.see && code(err) != app.ENOTFOUND:
				t.Errorf("%s recorded: %v, want not found", tc.who, err)
			}
			list, err := dialogue.List(x.as(tc.who), db, dialogue.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, s := range list {
				found = found || s.ID == id
			}
			if found != tc.see {
				t.Errorf("%s lists the dialogue: %v, want %v", tc.who, found, tc.see)
			}
		}
		// Principal B lists only dialogues with their units.
		list, _ := dialogue.List(x.as(principalB), db, dialogue.Filter{})
		for _, s := range list {
			ok := false
			for _, u := range s.Units {
				ok = ok || u.ID == x.unit(tallmo) || u.ID == x.unit("92000206")
			}
			if !ok {
				t.Errorf("principal B sees %q", s.Title)
			}
		}
		if len(list) == 0 {
			t.Error("principal B sees no demo dialogue")
		}
		// Reads of the minutes are audited.
		var reads int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE entity = 'dialogue' AND entity_id = ? AND action = 'read'", itoa(id)).Scan(&reads); err != nil {
			t.Fatal(err)
		}
		if reads != 3 { // chief, principal A, the staff member
			t.Errorf("%d audited reads, want 3", reads)
		}
	})
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// Staff groups: 2–5 staff; guardians and agencies only where they belong.
func TestParticipantRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		x := load(t, db)
		ctx := x.as(chief)
		id, err := dialogue.Create(ctx, db, dialogue.Input{TypeID: x.typeID("staff"), Title: "Grupp", HeldOn: "2026-12-02", UnitIDs: []int64{x.unit(ekbacka)}}, x.now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := dialogue.AddParticipant(ctx, db, id, dialogue.ParticipantInput{Role: dialogue.RoleGuardian, Name: "Förälder"}, x.now); code(err) != app.EINVALID {
			t.Errorf("a guardian in a staff group: %v", err)
		}
		if err := dialogue.Record(ctx, db, id, dialogue.Minutes{}, true, x.now); code(err) != app.EINVALID {
			t.Errorf("held without staff: %v", err)
		}
		for i := 0; i < dialogue.MaxStaff; i++ {
			if _, err := dialogue.AddParticipant(ctx, db, id, dialogue.ParticipantInput{Role: dialogue.RoleStaff, Name: "Lärare " + strconv.Itoa(i)}, x.now); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := dialogue.AddParticipant(ctx, db, id, dialogue.ParticipantInput{Role: dialogue.RoleStaff, Name: "En till"}, x.now); code(err) != app.EINVALID {
			t.Errorf("a sixth staff member: %v", err)
		}
		if _, err := dialogue.AddParticipant(ctx, db, id, dialogue.ParticipantInput{Role: dialogue.RoleStaff, Email: "ingen@example.org"}, x.now); code(err) != app.EINVALID {
			t.Errorf("an unknown account: %v", err)
		}
		if err := dialogue.Record(ctx, db, id, dialogue.Minutes{Strengths: "Vad gör att vi lyckas?"}, true, x.now); err != nil {
			t.Errorf("held with five staff: %v", err)
		}
		// A guardian dialogue needs a theme.
		_, err = dialogue.Create(ctx, db, dialogue.Input{TypeID: x.typeID("guardian"), Title: "Vh", HeldOn: "2026-12-02", UnitIDs: []int64{x.unit(ekbacka)}}, x.now)
		if code(err) != app.EINVALID {
			t.Errorf("a guardian dialogue without a theme: %v", err)
		}
	})
}

// An action measured from the unit's latest value, followed up; and the
// demo's rounds with actions that moved and did not.
func TestActionsAndFollowUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		x := load(t, db)
		ctx := x.as(chief)
		id, err := dialogue.Create(ctx, db, dialogue.Input{TypeID: x.typeID("principal"), Title: "Extra", HeldOn: "2026-12-03", UnitIDs: []int64{x.unit(tallmo)}}, x.now)
		if err != nil {
			t.Fatal(err)
		}
		bad := dialogue.ActionInput{UnitID: x.unit(ekbacka), Title: "", Due: "2026-02-30",
			Indicators: []dialogue.IndicatorInput{{Key: "no_such", Target: "abc"}}}
		_, err = dialogue.AddAction(ctx, db, id, bad, x.now)
		var ae *app.Error
		if code(err) != app.EINVALID || !asApp(err, &ae) || len(ae.Fields) != 4 {
			t.Fatalf("bad action: %v", err)
		}
		aid, err := dialogue.AddAction(ctx, db, id, dialogue.ActionInput{UnitID: x.unit(tallmo), Title: "Läsa mer", Owner: "Tove", Due: "2027-06-01",
			Indicators: []dialogue.IndicatorInput{{Key: "pass_all_subjects_6", Target: "95,5"}}}, x.now)
		if err != nil {
			t.Fatal(err)
		}
		list, err := dialogue.Actions(ctx, db, dialogue.ActionFilter{UnitID: x.unit(tallmo)})
		if err != nil {
			t.Fatal(err)
		}
		var got *dialogue.Action
		for i := range list {
			if list[i].ID == aid {
				got = &list[i]
			}
		}
		if got == nil || len(got.Indicators) != 1 {
			t.Fatalf("the new action: %+v", got)
		}
		ind := got.Indicators[0]
		var want float64
		if err := db.QueryRow(context.Background(), `SELECT v.value FROM indicator_values v JOIN indicators i ON i.id = v.indicator_id
			WHERE i.key = 'pass_all_subjects_6' AND v.unit_code = ? AND v.school_year = '2025/26' AND v.grp = 'all'`, tallmo).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if ind.BaselineYear != "2025/26" || ind.Baseline == nil || *ind.Baseline != want || ind.Target == nil || *ind.Target != 95.5 {
			t.Errorf("baseline %s %v, target %v; want 2025/26 %v, 95.5", ind.BaselineYear, ind.Baseline, ind.Target, want)
		}
		// Agreed in December 2026: the first value after it is 2026/27's.
		if f := ind.FollowUp; f.Verdict != dialogue.NotYetMeasurable || f.ExpectedOn != "2027-10-01" || f.Latest.Year != "" || f.TargetMet {
			t.Errorf("no later year yet: %+v", f)
		}
		// A baseline later than the last published before the dialogue is refused.
		_, err = dialogue.AddAction(ctx, db, id, dialogue.ActionInput{UnitID: x.unit(tallmo), Title: "Sent",
			Indicators: []dialogue.IndicatorInput{{Key: "pass_all_subjects_6", BaselineYear: "2026/27"}}}, x.now)
		if code(err) != app.EINVALID {
			t.Errorf("a baseline after the dialogue: %v", err)
		}
		// Status and comments; principal B may change their unit's action, principal A may not see it.
		if err := dialogue.SetStatus(x.as(principalB), db, aid, dialogue.StatusDone, x.now); err != nil {
			t.Fatal(err)
		}
		if err := dialogue.AddComment(x.as(principalA), db, aid, "Hej", x.now); code(err) != app.ENOTFOUND {
			t.Errorf("principal A commented: %v", err)
		}
		if err := dialogue.SetStatus(ctx, db, aid, "finished", x.now); code(err) != app.EINVALID {
			t.Errorf("an unknown status: %v", err)
		}
		// The demo: the spring 2026 actions are judged on 2025/26 against
		// 2024/25 only: Norrberg's moved, Södra's got worse, others did not
		// clearly move; the autumn's are not yet measurable.
		all, err := dialogue.Actions(ctx, db, dialogue.ActionFilter{})
		if err != nil {
			t.Fatal(err)
		}
		verdicts := map[string]int{}
		for _, a := range all {
			for _, i := range a.Indicators {
				f := i.FollowUp
				if a.DialogueHeldOn < "2026-07-01" {
					verdicts[f.Verdict]++
					if f.Basis != dialogue.BasisAction || f.BaselineYear != "2024/25" || (f.Latest.Year != "" && f.Latest.Year != "2025/26") {
						t.Errorf("%s (%s): %+v", a.Title, a.UnitName, f)
					}
					want := map[string]string{"Norrberg": dialogue.Moved, "Södra": dialogue.Worse}
					for name, v := range want {
						if strings.Contains(a.UnitName, name) && f.Verdict != v {
							t.Errorf("%s: %s, want %s", a.UnitName, f.Verdict, v)
						}
					}
				} else if a.DialogueHeldOn >= "2026-10-01" && a.DialogueHeldOn < "2026-11-01" && a.DialogueTitle != "" && strings.Contains(a.DialogueTitle, "HT 2026") &&
					(f.Verdict != dialogue.NotYetMeasurable || f.ExpectedOn != "2027-10-01") {
					t.Errorf("autumn %s: %+v", a.Title, f)
				}
			}
		}
		if verdicts[dialogue.Moved] == 0 || verdicts[dialogue.NotMoved] == 0 || verdicts[dialogue.Worse] == 0 {
			t.Errorf("demo verdicts %v: want one moved, one worse, some not", verdicts)
		}
	})
}

func asApp(err error, target **app.Error) bool {
	ae, ok := err.(*app.Error)
	if ok {
		*target = ae
	}
	return ok
}

// The preparation pack: strengths first, complaints as counts, earlier
// actions with whether they moved, questions; the PDF says the same.
func TestPreparationPack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		x := load(t, db)
		ctx := x.as(principalB)
		id, err := dialogue.Create(ctx, db, dialogue.Input{TypeID: x.typeID("principal"), Title: "VT 2027", HeldOn: "2027-03-01", UnitIDs: []int64{x.unit(tallmo)}}, x.now)
		if err != nil {
			t.Fatal(err)
		}
		pk, err := dialogue.Prepare(ctx, db, id, "sv", x.now)
		if err != nil {
			t.Fatal(err)
		}
		u := pk.Units[0]
		if !u.Picture || len(u.Strengths) == 0 {
			t.Fatalf("no strengths for Tallmo: %+v", u)
		}
		for _, r := range u.Strengths {
			if r.Score <= 0 {
				t.Errorf("strength %s with score %d", r.Indicator.Key, r.Score)
			}
		}
		for _, r := range u.Challenges {
			if r.Score >= 0 {
				t.Errorf("challenge %s with score %d", r.Indicator.Key, r.Score)
			}
		}
		// Tallmo's spring action: 2024/25 against 2025/26, no clear change.
		if len(u.EarlierActions) != 1 || u.EarlierActions[0].Indicators[0].FollowUp.Verdict != dialogue.NotMoved {
			t.Fatalf("earlier actions: %+v", u.EarlierActions)
		}
		asked := false
		for _, q := range u.Questions {
			asked = asked || (q.MsgID == "dialogue.q.not_moved" && q.Action == u.EarlierActions[0].Title && q.Years == "2025/26")
			if q.MsgID == "dialogue.q.moved" || q.MsgID == "dialogue.q.worse" {
				t.Errorf("a question about a move that did not happen: %+v", q)
			}
		}
		if !asked {
			t.Errorf("no question about the action that did not move: %+v", u.Questions)
		}
		tr := func(id string, args ...any) string {
			if id == "dialogue.followup.not_moved" {
				return "RÖRDE SIG"
			}
			return id
		}
		b, err := pk.PDF(tr)
		if err != nil {
			t.Fatal(err)
		}
		text := pdftest.Text(t, b)
		for _, want := range []string{"Tallmoskolan", "dialogue.prep.strengths", u.Strengths[0].Indicator.NameSV[:20], u.EarlierActions[0].Title, "RÖRDE SIG"} {
			if !strings.Contains(strings.Join(strings.Fields(text), " "), want) {
				t.Errorf("the PDF lacks %q", want)
			}
		}
		if strings.Index(text, "dialogue.prep.strengths") > strings.Index(text, "dialogue.prep.challenges") {
			t.Error("challenges before strengths in the PDF")
		}
	})
}

// The series report for the board: counts only, PDF and XLSX.
func TestSeriesReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		x := load(t, db)
		if _, err := dialogue.SeriesReport(x.as(principalA), db, "", x.now); code(err) != app.EFORBIDDEN {
			t.Errorf("a principal got the series report: %v", err)
		}
		s, err := dialogue.SeriesReport(x.as(board), db, "VT 2026", x.now)
		if err != nil {
			t.Fatal(err)
		}
		// Independently: the demo's spring round.
		var dialogues, actions int
		ctx := context.Background()
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM dialogues WHERE held_on BETWEEN '2026-01-01' AND '2026-06-30'").Scan(&dialogues); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM dialogue_actions a JOIN dialogues d ON d.id = a.dialogue_id
			WHERE d.held_on BETWEEN '2026-01-01' AND '2026-06-30'`).Scan(&actions); err != nil {
			t.Fatal(err)
		}
		var done int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM dialogue_actions a JOIN dialogues d ON d.id = a.dialogue_id
			WHERE d.held_on BETWEEN '2026-01-01' AND '2026-06-30' AND a.status = 'done'`).Scan(&done); err != nil {
			t.Fatal(err)
		}
		if s.Dialogues != dialogues || s.Decided != actions || s.Done != done || actions == 0 || done == 0 {
			t.Errorf("report %d dialogues, %d decided, %d done; want %d, %d, %d", s.Dialogues, s.Decided, s.Done, dialogues, actions, done)
		}
		if s.Moved == 0 || len(s.MovedRows) != s.Moved+s.Worse || len(s.Findings) != 1 {
			t.Errorf("moved %d, worse %d, rows %d, findings %d", s.Moved, s.Worse, len(s.MovedRows), len(s.Findings))
		}
		tr := func(id string, args ...any) string { return id }
		b, err := s.PDF(tr, "sv")
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(strings.Fields(pdftest.Text(t, b)), " ")
		for _, r := range s.MovedRows {
			if !strings.Contains(text, r.Unit) {
				t.Errorf("the PDF lacks %s", r.Unit)
			}
		}
		// No notes reach the report.
		if strings.Contains(text, "Rektorn beskrev") {
			t.Error("the PDF holds a dialogue's notes")
		}
		var buf bytes.Buffer
		if err := s.WriteXLSX(&buf, tr, "sv"); err != nil {
			t.Fatal(err)
		}
		wb, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := wb.GetRows("dialogue.report.by_unit")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != len(s.Units)+1 {
			t.Fatalf("%d unit rows, want %d", len(rows)-1, len(s.Units))
		}
		sum := 0
		for _, r := range rows[1:] {
			sum += atoi(r[3])
		}
		if sum != s.Decided {
			t.Errorf("the workbook's decided actions add up to %d, want %d", sum, s.Decided)
		}
	})
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// Good examples: publish, export and import elsewhere; bad files name
// the file and place; personal data is refused.
func TestGoodExamples(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		x := load(t, db)
		ctx := x.as(chief)
		_, err := dialogue.PublishExample(ctx, db, dialogue.Example{Title: "Ring oss", Summary: "Ring Eva på 070-123 45 67."}, x.now)
		if code(err) != app.EINVALID {
			t.Errorf("a phone number was published: %v", err)
		}
		var buf bytes.Buffer
		if err := dialogue.ExportExamples(ctx, db, &buf); err != nil {
			t.Fatal(err)
		}
		file := buf.String()
		list, err := dialogue.ParseExamples(strings.NewReader(strings.ReplaceAll(file, "Exempelby kommun", "Annanstad kommun")), "goda.json")
		if err != nil || len(list) != 1 {
			t.Fatalf("parse the export: %v, %d", err, len(list))
		}
		added, err := dialogue.ImportExamples(ctx, db, list, x.now)
		if err != nil || added != 1 {
			t.Fatalf("import: %d, %v", added, err)
		}
		if added, _ := dialogue.ImportExamples(ctx, db, list, x.now); added != 0 {
			t.Errorf("a second import added %d", added)
		}
		for _, tc := range []struct{ name, text, want string }{
			{"syntax", "{\n\"format\": \"styrkedjan-good-examples/1\",\n\"examples\": [\n{\"title\": \"x\",,}]}", "bad.json:4:"},
			{"format", `{"format": "other", "examples": []}`, "bad.json: dialogue.err_file_format"},
			{"personal", `{"format": "styrkedjan-good-examples/1", "examples": [{"title": "A", "summary": "ok", "organizer": "X"}, {"title": "B", "summary": "mejla a@b.se", "organizer": "X"}]}`, "bad.json: example 2: dialogue.err_personal"},
			{"unknown field", `{"format": "styrkedjan-good-examples/1", "examples": [{"title": "A", "summary": "ok", "organizer": "X", "pupil": "Kim"}]}`, "bad.json:1:"},
		} {
			_, err := dialogue.ParseExamples(strings.NewReader(tc.text), "bad.json")
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
			}
		}
	})
}

// Findings are visible to the board; an injunction needs a deadline.
func TestFindings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		x := load(t, db)
		_, err := dialogue.AddFinding(x.as(chief), db, dialogue.FindingInput{Kind: dialogue.FindingInjunction, DecidedOn: "2026-11-01", Summary: "Brister"}, x.now)
		if code(err) != app.EINVALID {
			t.Errorf("an injunction without a deadline: %v", err)
		}
		if _, err := dialogue.AddFinding(x.as(board), db, dialogue.FindingInput{Kind: dialogue.FindingDecision, DecidedOn: "2026-11-01", Summary: "x"}, x.now); code(err) != app.EFORBIDDEN {
			t.Errorf("a board member added a finding: %v", err)
		}
		list, err := dialogue.Findings(x.as(board), db)
		if err != nil || len(list) != 1 || len(list[0].Actions) != 1 {
			t.Fatalf("board findings: %+v, %v", list, err)
		}
		if list, _ := dialogue.Findings(x.as(principalA), db); len(list) != 0 {
			t.Errorf("principal A sees Södra's finding")
		}
		if list, _ := dialogue.Findings(x.as("rektor.sodra@exempelby.example"), db); len(list) != 1 {
			t.Errorf("Södra's principal does not see their finding")
		}
	})
}

// The effect view on constructed values: a known effect of 10 points
// from 2022/23 on in four units, none elsewhere.
func TestInitiativeEffect(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		x := load(t, db)
		rng := rand.New(rand.NewPCG(6, 6))
		codes := []string{"92000201", "92000202", "92000203", "92000204", "92000205", "92000206", "92000207", "92000208", "93000301", "93000302", "93000303"}
		treated := map[string]bool{"92000202": true, "92000204": true, "93000301": true, "93000303": true}
		var data skolverket.Data
		for _, c := range codes {
			unitEffect := rng.NormFloat64() * 5
			for y := 2019; y <= 2025; y++ {
				v := 50 + unitEffect + 0.5*float64(y-2019) + rng.NormFloat64()*0.8
				if treated[c] && y >= 2022 {
					v += 10
				}
				p := 60
				data.Values = append(data.Values, skolverket.Value{UnitCode: c, Indicator: "certified_teachers", SchoolYear: unitpicture.SchoolYear(y),
					Group: skolverket.GroupAll, Value: f(v), Pupils: &p, Raw: "x"})
			}
		}
		if _, err := unitpicture.Import(ctx, db, auth.System, &data, "own:test", "test"); err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for c := range treated {
			ids = append(ids, x.unit(c))
		}
		id, err := dialogue.AddInitiative(x.as(chief), db, dialogue.InitiativeInput{Name: "Test", StartYear: "2022/23", Indicator: "certified_teachers", UnitIDs: ids}, x.now)
		if err != nil {
			t.Fatal(err)
		}
		e, err := dialogue.InitiativeEffect(x.as(board), db, id)
		if err != nil || e.Err != nil {
			t.Fatal(err, e.Err)
		}
		r := e.Result
		if r.NTreated != 4 || r.NControl != 7 || !(r.Lower < 10 && 10 < r.Upper) || r.Verdict != stats.Up || e.Better != 1 {
			t.Errorf("effect %+v, better %d", r, e.Better)
		}
		// The chart's means: their difference is each group's change, and
		// the participants' means lie 10 above what the trend alone gives.
		if !e.Treated.OK || !e.Control.OK ||
			math.Abs(e.Treated.After-e.Treated.Before-r.TreatedChange) > 1e-9 || math.Abs(e.Control.After-e.Control.Before-r.ControlChange) > 1e-9 {
			t.Errorf("means %+v %+v, changes %v %v", e.Treated, e.Control, r.TreatedChange, r.ControlChange)
		}
		if d := e.Treated.After - e.Treated.Before; d < 8 || d > 14 {
			t.Errorf("the participants' change %v, want about 11.5", d)
		}
	})
}

// The complaint summary counts the unit's cases per category in the year
// before the dialogue and the year before that, without the cases that
// concern the principal; checked against the cases counted here.
func TestComplaintSummary(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		x := load(t, db)
		ctx := context.Background()
		if err := demo.GenerateCases(ctx, db, 600, 6); err != nil {
			t.Fatal(err)
		}
		today := civil.Date(time.Now())
		id, err := dialogue.Create(x.as(chief), db, dialogue.Input{TypeID: x.typeID("principal"), Title: "Nu", HeldOn: today,
			UnitIDs: []int64{x.unit(ekbacka), x.unit(tallmo)}}, x.now)
		if err != nil {
			t.Fatal(err)
		}
		pk, err := dialogue.Prepare(x.as(chief), db, id, "sv", x.now)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range pk.Units {
			end, _ := civil.Parse(today)
			end = end.AddDate(0, 0, 1)
			from, prior := end.AddDate(-1, 0, 0), end.AddDate(-2, 0, 0)
			rows, err := db.Query(ctx, "SELECT category_code, submitted_at, concerns_principal FROM complaints WHERE unit_id = ?", u.Unit.ID)
			if err != nil {
				t.Fatal(err)
			}
			now, before := map[string]int{}, map[string]int{}
			total := 0
			for rows.Next() {
				var cat string
				var at time.Time
				var concerns bool
				if err := rows.Scan(&cat, &at, &concerns); err != nil {
					t.Fatal(err)
				}
				switch {
				case concerns:
				case !at.Before(from) && at.Before(end):
					now[cat]++
					total++
				case !at.Before(prior) && at.Before(from):
					before[cat]++
				}
			}
			rows.Close()
			c := u.Complaints
			if c.Total != total || total == 0 {
				t.Errorf("%s: %d cases, want %d", u.Unit.Name, c.Total, total)
			}
			for _, cat := range c.Categories {
				if cat.Count != now[cat.Code] || cat.Prior != before[cat.Code] {
					t.Errorf("%s %s: %d/%d, want %d/%d", u.Unit.Name, cat.Code, cat.Count, cat.Prior, now[cat.Code], before[cat.Code])
				}
				if cat.Name == cat.Code {
					t.Errorf("category %s has no name", cat.Code)
				}
			}
		}
	})
}

// The pages a dialogue opens with, on the demo organizer (SQLite).
func BenchmarkPrepare(b *testing.B) {
	db, err := store.Open(context.Background(), "sqlite:"+filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	if err := demo.Load(context.Background(), db); err != nil {
		b.Fatal(err)
	}
	var uid int64
	if err := db.QueryRow(context.Background(), "SELECT id FROM users WHERE email = ?", chief).Scan(&uid); err != nil {
		b.Fatal(err)
	}
	p, err := auth.LoadPrincipal(context.Background(), db, uid)
	if err != nil {
		b.Fatal(err)
	}
	ctx := auth.WithPrincipal(context.Background(), p)
	now := time.Now()
	var id int64
	if err := db.QueryRow(context.Background(), "SELECT id FROM dialogues WHERE title LIKE 'Kvalitetsdialog HT 2026 – Tallmo%'").Scan(&id); err != nil {
		b.Fatal(err)
	}
	b.Run("Prepare", func(b *testing.B) {
		for b.Loop() {
			if _, err := dialogue.Prepare(ctx, db, id, "sv", now); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("SeriesReport", func(b *testing.B) {
		for b.Loop() {
			if _, err := dialogue.SeriesReport(ctx, db, "HT 2026", now); err != nil {
				b.Fatal(err)
			}
		}
	})
}
