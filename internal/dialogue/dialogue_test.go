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
// pupils against later years.
func TestAssess(t *testing.T) {
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
		{"a share moved up", share, f(60), n(100), pt("2024/25", 80, 100), f(75), dialogue.Moved, true},
		{"a share moved down", share, f(60), n(100), pt("2024/25", 40, 100), f(75), dialogue.Worse, false},
		{"within chance", share, f(60), n(100), pt("2024/25", 65, 100), f(64), dialogue.NotMoved, true},
		{"few pupils now", share, f(60), n(100), pt("2024/25", 95, 9), nil, dialogue.TooLittleData, false},
		{"few pupils at baseline", share, f(60), n(8), pt("2024/25", 95, 100), nil, dialogue.TooLittleData, false},
		{"no baseline value", share, nil, nil, pt("2024/25", 95, 100), nil, dialogue.TooLittleData, false},
		{"no later year", share, f(60), n(100), pt("2022/23", 95, 100), nil, dialogue.TooLittleData, false},
		{"no value at all", share, f(60), n(100), unitpicture.Point{}, nil, dialogue.TooLittleData, false},
		{"suppressed now", share, f(60), n(100), unitpicture.Point{Year: "2024/25", Suppressed: true}, nil, dialogue.TooLittleData, false},
		// 200 → 215 merit points, 60 pupils each, SD 50: ±17.9, not moved; 200 → 225: moved.
		{"a mean within chance", mean, f(200), n(60), pt("2024/25", 215, 60), nil, dialogue.NotMoved, false},
		{"a mean moved", mean, f(200), n(60), pt("2024/25", 225, 60), f(220), dialogue.Moved, true},
		{"a ratio cannot be tested", ratio, f(12), nil, pt("2024/25", 10, 0), f(11), dialogue.NotTestable, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := dialogue.Assess(tc.ind, "2022/23", tc.base, tc.pupils, tc.latest, tc.target)
			if got.Verdict != tc.want || got.TargetMet != tc.wantMet {
				t.Errorf("verdict %s (target met %v), want %s (%v)", got.Verdict, got.TargetMet, tc.want, tc.wantMet)
			}
		})
	}
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
			WHERE i.key = 'pass_all_subjects_6' AND v.unit_code = ? AND v.school_year = '2024/25' AND v.grp = 'all'`, tallmo).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if ind.BaselineYear != "2024/25" || ind.Baseline == nil || *ind.Baseline != want || ind.Target == nil || *ind.Target != 95.5 {
			t.Errorf("baseline %s %v, target %v; want 2024/25 %v, 95.5", ind.BaselineYear, ind.Baseline, ind.Target, want)
		}
		if ind.FollowUp.Verdict != dialogue.TooLittleData {
			t.Errorf("no later year yet: %s", ind.FollowUp.Verdict)
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
		// The demo: some actions moved, some did not, one has too little data.
		all, err := dialogue.Actions(ctx, db, dialogue.ActionFilter{Before: "2026-07-01"})
		if err != nil {
			t.Fatal(err)
		}
		verdicts := map[string]int{}
		for _, a := range all {
			for _, i := range a.Indicators {
				verdicts[i.FollowUp.Verdict]++
			}
		}
		if verdicts[dialogue.Moved] == 0 || verdicts[dialogue.NotMoved] == 0 || verdicts[dialogue.TooLittleData] == 0 {
			t.Errorf("demo verdicts %v: want some moved, some not, some too little data", verdicts)
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
		if len(u.EarlierActions) != 1 || u.EarlierActions[0].Indicators[0].FollowUp.Verdict != dialogue.Moved {
			t.Fatalf("earlier actions: %+v", u.EarlierActions)
		}
		moved := false
		for _, q := range u.Questions {
			moved = moved || (q.MsgID == "dialogue.q.moved" && q.Action == u.EarlierActions[0].Title)
		}
		if !moved {
			t.Errorf("no question about the action that moved: %+v", u.Questions)
		}
		tr := func(id string, args ...any) string {
			if id == "dialogue.followup.moved" {
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
			for y := 2019; y <= 2024; y++ {
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
