package accessibility_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/accessibility"
	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/dialogue"
	"github.com/styrkedjan/styrkedjan/internal/export"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

const (
	chief      = "skolchef@exempelby.example"
	principalA = "rektor.ekbacka@exempelby.example" // Ekbacka 92000201
	principalB = "rektor.tallmo@exempelby.example"  // Tallmo 92000205, Ängsbacka 92000206
	board      = "ordforande@exempelby.example"
	analyst    = "analys@exempelby.example"
	admin      = "admin@exempelby.example"
	ekbacka    = "92000201"
	tallmo     = "92000205"
)

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

func (x *fixture) exampleSet() *accessibility.Set {
	x.t.Helper()
	id, err := accessibility.SeedExample(context.Background(), x.db, x.now)
	if err != nil {
		x.t.Fatal(err)
	}
	s, err := accessibility.GetSet(context.Background(), x.db, id)
	if err != nil {
		x.t.Fatal(err)
	}
	return s
}

// The example set: 22 statements in the four areas, each with five level
// descriptions in Swedish and English; it reads back equal from its CSV
// and TOML exports.
func TestExampleSet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		x := load(t, db)
		s := x.exampleSet()
		if len(s.Statements) != 22 {
			t.Fatalf("%d statements, want 22", len(s.Statements))
		}
		for _, a := range accessibility.Areas {
			if len(s.Area(a)) == 0 {
				t.Errorf("no statement in area %s", a)
			}
		}
		for _, st := range s.Statements {
			if len(st.LevelsSV) != 5 || len(st.LevelsEN) != 5 || st.TextEN == "" {
				t.Errorf("%s: incomplete", st.Key)
			}
		}
		var csvBuf, tomlBuf bytes.Buffer
		if err := export.WriteCSV(&csvBuf, s.Table(), "sv"); err != nil {
			t.Fatal(err)
		}
		if err := accessibility.WriteTOML(&tomlBuf, s); err != nil {
			t.Fatal(err)
		}
		fromCSV, err := accessibility.ParseCSV(&csvBuf, "Från CSV")
		if err != nil {
			t.Fatal(err)
		}
		fromTOML, err := accessibility.ParseTOML(&tomlBuf)
		if err != nil {
			t.Fatal(err)
		}
		fromTOML.Name = "Från TOML"
		for _, in := range []accessibility.SetInput{fromCSV, fromTOML} {
			id, err := accessibility.ImportSet(x.as(admin), db, in, x.now)
			if err != nil {
				t.Fatalf("%s: %v", in.Name, err)
			}
			back, err := accessibility.GetSet(context.Background(), db, id)
			if err != nil {
				t.Fatal(err)
			}
			for i, st := range back.Statements {
				o := s.Statements[i]
				if st.Key != o.Key || st.Area != o.Area || st.TextSV != o.TextSV || st.TextEN != o.TextEN ||
					!slices.Equal(st.LevelsSV, o.LevelsSV) || !slices.Equal(st.LevelsEN, o.LevelsEN) {
					t.Errorf("%s: statement %d differs: %+v, want %+v", in.Name, i, st, o)
				}
			}
		}
		// A principal may not import; a bad file names its problems.
		if _, err := accessibility.ImportSet(x.as(principalA), db, fromTOML, x.now); app.Code(err) != app.EFORBIDDEN {
			t.Errorf("principal import: %v", err)
		}
		bad := "key;area;text_sv\nBAD KEY;kitchen;\n"
		in, err := accessibility.ParseCSV(strings.NewReader(bad), "Trasig")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := accessibility.ImportSet(x.as(admin), db, in, x.now); app.Code(err) != app.EINVALID {
			t.Errorf("bad CSV: %v", err)
		}
	})
}

// Median against an independent computation: the lower middle of the
// sorted levels, for generated answers.
func TestMedian(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		n := rng.IntN(30)
		var levels []int
		counts := make([]int, 6)
		for range n {
			l := 1 + rng.IntN(5)
			levels = append(levels, l)
			counts[l]++
		}
		// Independent: walk the counts until half (rounded up) are passed.
		want, cum := 0, 0
		for l := 1; l <= 5 && n > 0; l++ {
			cum += counts[l]
			if 2*cum >= n {
				want = l
				break
			}
		}
		got, ok := accessibility.Median(levels)
		if ok != (n > 0) || got != want {
			t.Fatalf("Median(%v) = %d, %v; want %d", levels, got, ok, want)
		}
	}
}

// A round end to end: personal links answer once, a unit code any number
// of times; the spread is hidden while open and with fewer than three
// answers, then equals the counts of the generated answers; the proposed
// level is their median; gathering fills the area indicators; the weakest
// statements become dialogue actions followed up by the next round.
func TestRound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		x := load(t, db)
		s := x.exampleSet()
		a := x.as(principalA)
		unit := x.unit(ekbacka)
		st, err := accessibility.StartRound(a, db, accessibility.RoundInput{UnitID: unit, SetID: s.ID, SchoolYear: "2026/27", UnitCode: true, Links: 3}, x.now)
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Tokens) != 3 || st.Code == "" {
			t.Fatalf("started %+v", st)
		}
		rng := rand.New(rand.NewPCG(7, 7))
		want := map[int64][]int{}
		dk := map[int64]int{}
		answer := func(token string) error {
			vals := map[string]string{}
			for _, s := range s.Statements {
				if rng.IntN(8) == 0 {
					vals[accessibility.StatementField(s.ID)] = accessibility.DontKnow
					continue
				}
				vals[accessibility.StatementField(s.ID)] = strconv.Itoa(1 + rng.IntN(5))
			}
			err := accessibility.Submit(context.Background(), db, token, func(f string) string { return vals[f] })
			if err == nil {
				for _, s := range s.Statements {
					if v := vals[accessibility.StatementField(s.ID)]; v == accessibility.DontKnow {
						dk[s.ID]++
					} else {
						l, _ := strconv.Atoi(v)
						want[s.ID] = append(want[s.ID], l)
					}
				}
			}
			return err
		}
		if err := answer(st.Tokens[0]); err != nil {
			t.Fatal(err)
		}
		if err := answer(st.Tokens[0]); app.Code(err) != app.ECONFLICT {
			t.Errorf("second answer through one link: %v", err)
		}
		// The code, typed in lower case with a dash, answers several times.
		typed := strings.ToLower(st.Code[:4] + "-" + st.Code[4:])
		for range 4 {
			if err := answer(typed); err != nil {
				t.Fatal(err)
			}
		}
		// An unanswered statement refuses the whole answer.
		if err := accessibility.Submit(context.Background(), db, st.Tokens[1], func(string) string { return "" }); app.Code(err) != app.EINVALID {
			t.Errorf("empty answer: %v", err)
		}
		res, err := accessibility.GetResult(a, db, st.RoundID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Hidden != "open" || res.Statements[0].Counts != nil {
			t.Errorf("open round shows its spread: %q", res.Hidden)
		}
		if err := accessibility.CloseRound(a, db, st.RoundID, x.now); err != nil {
			t.Fatal(err)
		}
		if err := answer(st.Tokens[2]); app.Code(err) != app.ECONFLICT {
			t.Errorf("answer after closing: %v", err)
		}
		res, err = accessibility.GetResult(a, db, st.RoundID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Hidden != "" || res.Round.Responses != 5 {
			t.Fatalf("hidden %q, %d responses", res.Hidden, res.Round.Responses)
		}
		gathered := map[string]string{}
		for _, r := range res.Statements {
			w := want[r.ID]
			counts := make([]int, 6)
			counts[0] = dk[r.ID]
			for _, l := range w {
				counts[l]++
			}
			if !slices.Equal(r.Counts, counts) {
				t.Errorf("%s: counts %v, want %v", r.Key, r.Counts, counts)
			}
			sorted := slices.Clone(w)
			sort.Ints(sorted)
			m := 0
			if len(sorted) > 0 {
				m = sorted[(len(sorted)-1)/2]
			}
			if r.Proposed != m {
				t.Errorf("%s: proposed %d, want %d of %v", r.Key, r.Proposed, m, w)
			}
			gathered[accessibility.GatheredField(r.ID)] = strconv.Itoa(max(1, m))
		}
		// Principal B may not gather unit A's round and does not see it.
		b := x.as(principalB)
		if err := accessibility.Gather(b, db, st.RoundID, func(f string) string { return gathered[f] }, x.now); app.Code(err) != app.ENOTFOUND {
			t.Errorf("principal B gathers A: %v", err)
		}
		if err := accessibility.Gather(a, db, st.RoundID, func(f string) string { return gathered[f] }, x.now); err != nil {
			t.Fatal(err)
		}
		res, err = accessibility.GetResult(a, db, st.RoundID)
		if err != nil {
			t.Fatal(err)
		}
		for _, ar := range res.Areas {
			sum, n := 0, 0
			for _, r := range res.Statements {
				if r.Area == ar.Area {
					sum += r.Gathered
					n++
				}
			}
			if ar.Mean == nil || *ar.Mean != float64(sum)/float64(n) {
				t.Errorf("%s: mean %v, want %v", ar.Area, ar.Mean, float64(sum)/float64(n))
			}
			var v float64
			if err := db.QueryRow(context.Background(), `SELECT v.value FROM indicator_values v JOIN indicators i ON i.id = v.indicator_id
				WHERE i.key = ? AND v.unit_code = ? AND v.school_year = '2026/27' AND i.source = 'accessibility'`,
				accessibility.IndicatorKey(ar.Area), ekbacka).Scan(&v); err != nil {
				t.Fatal(err)
			}
			if v != *ar.Mean {
				t.Errorf("%s: indicator %v, want %v", ar.Area, v, *ar.Mean)
			}
		}
		// The weakest become actions of a planned dialogue; the next round's
		// gathered level is their follow-up.
		chiefCtx := x.as(chief)
		did, err := dialogue.Create(chiefCtx, db, dialogue.Input{TypeID: typeID(t, db, dialogue.KindPrincipal), Title: "Kvalitetsdialog VT 2027 – Ekbacka",
			HeldOn: "2027-02-01", UnitIDs: []int64{unit}}, x.now)
		if err != nil {
			t.Fatal(err)
		}
		next, err := accessibility.NextDialogues(a, db, res.Round)
		if err != nil {
			t.Fatal(err)
		}
		if len(next) == 0 || next[0].ID != did {
			t.Fatalf("next dialogues %+v, want %d first", next, did)
		}
		weak := res.Weakest(2)
		ids, err := accessibility.MakeActions(a, db, st.RoundID, did, []int64{weak[0].ID, weak[1].ID}, x.now)
		if err != nil || len(ids) != 2 {
			t.Fatalf("actions %v: %v", ids, err)
		}
		if _, err := accessibility.MakeActions(b, db, st.RoundID, did, []int64{weak[0].ID}, x.now); app.Code(err) != app.ENOTFOUND {
			t.Errorf("principal B makes actions from A's round: %v", err)
		}
		fu, err := dialogue.AccessFollowUps(context.Background(), db, ids)
		if err != nil {
			t.Fatal(err)
		}
		if f := fu[ids[0]]; f.Movement != dialogue.AccessPending || f.Baseline != weak[0].Gathered {
			t.Errorf("follow-up before the next round: %+v", f)
		}
		st2, err := accessibility.StartRound(a, db, accessibility.RoundInput{UnitID: unit, SetID: s.ID, SchoolYear: "2027/28", Links: 0, UnitCode: true}, x.now)
		if err != nil {
			t.Fatal(err)
		}
		if err := accessibility.CloseRound(a, db, st2.RoundID, x.now); err != nil {
			t.Fatal(err)
		}
		up := min(weak[0].Gathered+1, 5)
		if err := accessibility.Gather(a, db, st2.RoundID, func(f string) string {
			if f == accessibility.GatheredField(weak[0].ID) {
				return strconv.Itoa(up)
			}
			return ""
		}, x.now); err != nil {
			t.Fatal(err)
		}
		fu, err = dialogue.AccessFollowUps(context.Background(), db, ids)
		if err != nil {
			t.Fatal(err)
		}
		wantMove := dialogue.AccessUp
		if up == weak[0].Gathered {
			wantMove = dialogue.AccessSame
		}
		if f := fu[ids[0]]; f.Movement != wantMove || f.Next != up || f.NextYear != "2027/28" {
			t.Errorf("follow-up after the next round: %+v", f)
		}
		if f := fu[ids[1]]; f.Movement != dialogue.AccessPending {
			t.Errorf("a statement the next round did not gather: %+v", f)
		}
	})
}

func typeID(t *testing.T, db *store.DB, key string) int64 {
	t.Helper()
	var id int64
	if err := db.QueryRow(context.Background(), "SELECT id FROM dialogue_types WHERE key = ?", key).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// Scope: a principal sees only their units' rounds (unit A's principal
// never sees unit B's), officers and analysts all, board members none
// but the summary per area.
func TestScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		x := load(t, db)
		s := x.exampleSet()
		b := x.as(principalB)
		st, err := accessibility.StartRound(b, db, accessibility.RoundInput{UnitID: x.unit(tallmo), SetID: s.ID, SchoolYear: "2026/27", UnitCode: true}, x.now)
		if err != nil {
			t.Fatal(err)
		}
		// Principal B may not start a round for A's unit.
		if _, err := accessibility.StartRound(b, db, accessibility.RoundInput{UnitID: x.unit(ekbacka), SetID: s.ID, SchoolYear: "2026/27", UnitCode: true}, x.now); app.Code(err) != app.EINVALID {
			t.Errorf("B starts a round at A: %v", err)
		}
		a := x.as(principalA)
		if _, err := accessibility.GetRound(a, db, st.RoundID); app.Code(err) != app.ENOTFOUND {
			t.Errorf("A reads B's round: %v", err)
		}
		if _, err := accessibility.GetResult(a, db, st.RoundID); app.Code(err) != app.ENOTFOUND {
			t.Errorf("A reads B's result: %v", err)
		}
		if _, err := accessibility.Unit(a, db, x.unit(tallmo)); app.Code(err) != app.ENOTFOUND {
			t.Errorf("A reads B's unit: %v", err)
		}
		if err := accessibility.CloseRound(a, db, st.RoundID, x.now); app.Code(err) != app.ENOTFOUND {
			t.Errorf("A closes B's round: %v", err)
		}
		list, err := accessibility.Rounds(a, db)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range list {
			if r.UnitID != x.unit(ekbacka) {
				t.Errorf("A lists a round of unit %s", r.UnitName)
			}
		}
		for _, who := range []string{chief, analyst} {
			if _, err := accessibility.GetRound(x.as(who), db, st.RoundID); err != nil {
				t.Errorf("%s: %v", who, err)
			}
		}
		bd := x.as(board)
		if _, err := accessibility.GetRound(bd, db, st.RoundID); app.Code(err) != app.ENOTFOUND {
			t.Errorf("board reads a round: %v", err)
		}
		if l, err := accessibility.Rounds(bd, db); err != nil || len(l) != 0 {
			t.Errorf("board lists %d rounds: %v", len(l), err)
		}
		sum, err := accessibility.Summary(bd, db)
		if err != nil || len(sum) == 0 || len(sum[0].Areas) != 4 {
			t.Fatalf("board summary %+v: %v", sum, err)
		}
		if sum[0].Areas[0].Units != len(demo.AccessibilityUnitCodes()) {
			t.Errorf("summary counts %d units, want %d", sum[0].Areas[0].Units, len(demo.AccessibilityUnitCodes()))
		}
		if _, err := accessibility.Summary(a, db); app.Code(err) != app.EFORBIDDEN {
			t.Errorf("principal reads the summary: %v", err)
		}
	})
}

// Individual answers are not tied to a person or a link: the stored
// answers carry the round and the levels only, and nothing in the links
// table orders or times their use.
func TestAnswersAnonymous(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		x := load(t, db)
		ctx := context.Background()
		cols := func(table string) []string {
			rows, err := db.Query(ctx, "SELECT * FROM "+table+" LIMIT 1")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			c, err := rows.Columns()
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		if c := cols("access_responses"); !slices.Equal(c, []string{"id", "round_id"}) {
			t.Errorf("access_responses has %v", c)
		}
		if c := cols("access_answers"); !slices.Equal(c, []string{"response_id", "statement_id", "level"}) {
			t.Errorf("access_answers has %v", c)
		}
		if c := cols("access_links"); !slices.Equal(c, []string{"id", "round_id", "token_hash", "used"}) {
			t.Errorf("access_links has %v", c)
		}
		// The demo answered through personal links; none of the answer
		// tables refers to users, links or times.
		var n int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM access_responses").Scan(&n); err != nil || n == 0 {
			t.Fatalf("%d responses: %v", n, err)
		}
		// Answering writes no audit entry naming anyone: the audit log has no
		// row about responses.
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE entity IN ('access_response', 'access_answer', 'access_link')").Scan(&n); err != nil || n != 0 {
			t.Errorf("%d audit rows about answers: %v", n, err)
		}
		_ = x
	})
}
