package survey_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/mail"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
	"github.com/styrkedjan/styrkedjan/internal/survey"
)

type fixture struct {
	ctx     context.Context
	db      *store.DB
	units   []int64
	roundID int64
	round   survey.Round
}

// setup: the bank, two units, a survey of audience with its first 6
// statements and its free-text question, and a round open on 2026-03-01..15.
func setup(t *testing.T, db *store.DB, audience string) *fixture {
	t.Helper()
	ctx := context.Background()
	now := store.Now()
	if err := survey.Seed(ctx, db, now); err != nil {
		t.Fatal(err)
	}
	var uid int64
	if err := db.QueryRow(ctx, `INSERT INTO users (email, name, role, created_at, updated_at) VALUES ('o@x.se', 'O', 'officer', ?, ?) RETURNING id`, now, now).Scan(&uid); err != nil {
		t.Fatal(err)
	}
	ctx = auth.WithPrincipal(ctx, &auth.Principal{UserID: uid, Email: "o@x.se", Role: auth.RoleOfficer})
	f := &fixture{ctx: ctx, db: db}
	for i, name := range []string{"Ekskolan", "Lindskolan"} {
		var id int64
		if err := db.QueryRow(ctx, `INSERT INTO units (name, unit_code, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING id`,
			name, fmt.Sprintf("1000000%d", i), now, now).Scan(&id); err != nil {
			t.Fatal(err)
		}
		f.units = append(f.units, id)
	}
	bank, err := survey.Questions(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	in := survey.SurveyInput{Name: "Enkät", Audience: audience}
	for _, q := range bank {
		if q.Audience != audience {
			continue
		}
		if q.Kind == survey.Text {
			in.FreeText = q.Key
		} else if len(in.Keys) < 6 {
			in.Keys = append(in.Keys, q.Key)
		}
	}
	sid, err := survey.CreateSurvey(ctx, db, in)
	if err != nil {
		t.Fatal(err)
	}
	f.roundID, err = survey.CreateRound(ctx, db, survey.RoundInput{SurveyID: sid, Name: "VT 2026", OpensOn: "2026-03-01", ClosesOn: "2026-03-15"})
	if err != nil {
		t.Fatal(err)
	}
	if f.round, err = survey.GetRound(ctx, db, f.roundID); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) answers(seed int) survey.Answers {
	a := survey.Answers{Values: map[int64]string{}}
	for i, q := range f.round.Survey.Statements() {
		switch v := (seed + i) % 6; v {
		case 0:
			a.Values[q.ID] = survey.DontKnow
		default:
			a.Values[q.ID] = strconv.Itoa(v)
		}
	}
	return a
}

func msgID(err error) string {
	var e *app.Error
	if errors.As(err, &e) {
		return e.MsgID
	}
	return ""
}

// TestSeedAndSurveyLimits: the bank is seeded once with every language;
// a survey needs 5-12 statements of its audience.
func TestSeedAndSurveyLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db, survey.Pupil)
		if err := survey.Seed(f.ctx, db, store.Now()); err != nil {
			t.Fatal(err)
		}
		bank, _ := survey.Questions(f.ctx, db)
		want, _ := survey.Bank()
		if len(bank) != len(want) {
			t.Fatalf("bank %d questions after two seeds, want %d", len(bank), len(want))
		}
		for _, q := range bank {
			for _, lang := range []string{"sv", "en", "ar", "so", "fa", "sv-x-easy"} {
				if q.Texts[lang] == "" {
					t.Errorf("%s lacks %s", q.Key, lang)
				}
			}
		}
		_, err := survey.CreateSurvey(f.ctx, db, survey.SurveyInput{Name: "x", Audience: survey.Pupil, Keys: []string{"p.safe_school"}})
		if app.Code(err) != app.EINVALID {
			t.Errorf("one statement: %v", err)
		}
		_, err = survey.CreateSurvey(f.ctx, db, survey.SurveyInput{Name: "x", Audience: survey.Guardian,
			Keys: []string{"p.safe_school", "p.safe_breaks", "p.adult_acts", "p.calm_lessons", "p.can_focus"}})
		if app.Code(err) != app.EINVALID {
			t.Errorf("pupil statements in a guardian survey: %v", err)
		}
		own := survey.QuestionInput{Key: "p.own_lunch", Index: "wellbeing", Audience: survey.Pupil, Kind: survey.Scale,
			Texts: map[string]string{"sv": "Jag äter lunch varje dag.", "en": "I eat lunch every day."}}
		if _, err := survey.AddQuestion(f.ctx, db, own); err != nil {
			t.Fatal(err)
		}
		if _, err := survey.AddQuestion(f.ctx, db, own); msgID(err) != "" && app.Code(err) != app.EINVALID {
			t.Errorf("the key again: %v", err)
		} else if err == nil {
			t.Error("the key again was accepted")
		}
	})
}

// TestDoubleAnswerRefused: a personal link answers once; the second
// answer through it is refused and nothing more is stored.
func TestDoubleAnswerRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db, survey.Guardian)
		gid, err := survey.AddGroup(f.ctx, db, f.roundID, survey.GroupInput{UnitID: f.units[0], Year: 5, Invited: 0})
		if err != nil {
			t.Fatal(err)
		}
		var tokens []string
		err = survey.Invite(f.ctx, db, gid, []string{"a@x.se", "b@x.se"}, func(to, tok string) mail.Message {
			tokens = append(tokens, tok)
			return mail.Message{To: to, Subject: "Enkät", Body: "/survey/p/" + tok}
		})
		if err != nil || len(tokens) != 2 {
			t.Fatal(err, tokens)
		}
		today := "2026-03-05"
		if err := survey.SubmitLink(context.Background(), db, tokens[0], f.answers(1), today); err != nil {
			t.Fatal(err)
		}
		err = survey.SubmitLink(context.Background(), db, tokens[0], f.answers(2), today)
		if msgID(err) != "public.survey.err_used" {
			t.Fatalf("second answer: %v, want survey.err_used", err)
		}
		if _, err := survey.ByLink(context.Background(), db, tokens[0], today); msgID(err) != "public.survey.err_used" {
			t.Errorf("form of a used link: %v", err)
		}
		if err := survey.SubmitLink(context.Background(), db, tokens[1], f.answers(3), "2026-03-16"); msgID(err) != "public.survey.err_not_open" {
			t.Errorf("after closing: %v", err)
		}
		var n int
		if err := db.QueryRow(f.ctx, "SELECT COUNT(*) FROM survey_responses").Scan(&n); err != nil || n != 1 {
			t.Fatalf("responses = %d (%v), want 1", n, err)
		}
	})
}

// TestResponseNotTiedToLink: what is stored of an answer cannot be joined
// to a link or a person: the response tables hold only random IDs, the
// group and the values; the links only a digest, the group and "used";
// the audit log has nothing of answering; and on SQLite the rows lie in
// the order of their random IDs, not in the order they were written.
func TestResponseNotTiedToLink(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db, survey.Guardian)
		gid, err := survey.AddGroup(f.ctx, db, f.roundID, survey.GroupInput{UnitID: f.units[0]})
		if err != nil {
			t.Fatal(err)
		}
		var tokens []string
		addrs := []string{}
		for i := range 12 {
			addrs = append(addrs, fmt.Sprintf("g%d@x.se", i))
		}
		if err := survey.Invite(f.ctx, db, gid, addrs, func(to, tok string) mail.Message {
			tokens = append(tokens, tok)
			return mail.Message{To: to, Subject: "Enkät", Body: tok}
		}); err != nil {
			t.Fatal(err)
		}
		var audits int
		_ = db.QueryRow(f.ctx, "SELECT COUNT(*) FROM audit_log").Scan(&audits)
		for i, tok := range tokens {
			a := f.answers(i)
			a.Text = "Bra skola."
			if err := survey.SubmitLink(context.Background(), db, tok, a, "2026-03-02"); err != nil {
				t.Fatal(err)
			}
		}
		columns := func(table string) []string {
			rows, err := db.Query(f.ctx, "SELECT * FROM "+table+" WHERE 1=0")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			cols, _ := rows.Columns()
			slices.Sort(cols)
			return cols
		}
		for table, want := range map[string][]string{
			"survey_responses": {"group_id", "id"},
			"survey_answers":   {"question_id", "response_id", "value"},
			"survey_texts":     {"body", "flags", "group_id", "id", "status"},
			"survey_links":     {"digest", "group_id", "used"},
		} {
			if got := columns(table); !slices.Equal(got, want) {
				t.Errorf("%s has columns %v, want %v (nothing more may tie an answer to a link, person or time)", table, got, want)
			}
		}
		hex32 := regexp.MustCompile(`^[0-9a-f]{32}$`)
		rows, err := db.Query(f.ctx, "SELECT id FROM survey_responses")
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for rows.Next() {
			var id string
			_ = rows.Scan(&id)
			if !hex32.MatchString(id) {
				t.Errorf("response ID %q is not 128 random bits", id)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if len(ids) != len(tokens) {
			t.Fatalf("%d responses, want %d", len(ids), len(tokens))
		}
		if db.Dialect() == store.SQLite && !slices.IsSorted(ids) {
			t.Errorf("SQLite returns responses in written order %v, not by their random IDs", ids)
		}
		var after int
		_ = db.QueryRow(f.ctx, "SELECT COUNT(*) FROM audit_log").Scan(&after)
		if after != audits {
			t.Errorf("answering wrote %d audit entries", after-audits)
		}
		// Every link is used, and no digest equals anything in the response tables.
		var unused, joined int
		_ = db.QueryRow(f.ctx, "SELECT COUNT(*) FROM survey_links WHERE used = ?", false).Scan(&unused)
		_ = db.QueryRow(f.ctx, "SELECT COUNT(*) FROM survey_links l JOIN survey_responses r ON r.id = l.digest OR substr(l.digest, 1, 32) = r.id").Scan(&joined)
		if unused != 0 || joined != 0 {
			t.Errorf("unused links %d, links matching responses %d", unused, joined)
		}
	})
}

// TestClassCodeAndResults: pupils answer through the class code; results
// suppress small groups and their complement, the unit picture gets the
// indexes, and free texts are flagged and masked.
func TestClassCodeAndResults(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db, survey.Pupil)
		sizes := []struct {
			unit  int64
			year  int
			label string
			n     int
		}{{f.units[0], 5, "5A", 14}, {f.units[0], 5, "5B", 4}, {f.units[0], 8, "8A", 20}, {f.units[1], 5, "5A", 25}}
		for i, s := range sizes {
			gid, err := survey.AddGroup(f.ctx, db, f.roundID, survey.GroupInput{UnitID: s.unit, Year: s.year, Label: s.label, Invited: s.n + 3})
			if err != nil {
				t.Fatal(err)
			}
			var code string
			_ = db.QueryRow(f.ctx, "SELECT code FROM survey_groups WHERE id = ?", gid).Scan(&code)
			for j := range s.n {
				a := f.answers(i + j)
				if j == 0 {
					a.Text = "Jag är rädd för Elias i korridoren, ring 070-123 45 67."
				}
				if err := survey.SubmitClass(context.Background(), db, code[:4]+"-"+code[4:], a, "2026-03-10"); err != nil {
					t.Fatal(err)
				}
			}
		}
		open, err := survey.GetResults(f.ctx, db, f.roundID, 5, "2026-03-10")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range open.Rows {
			for _, v := range r.Values {
				if v.Mean != nil {
					t.Fatal("an open round gave a mean")
				}
			}
		}
		res, err := survey.GetResults(f.ctx, db, f.roundID, 5, "2026-03-16")
		if err != nil {
			t.Fatal(err)
		}
		shown := map[string]*int{}
		for _, r := range res.Rows {
			shown[r.Level+":"+r.Unit+":"+strconv.Itoa(r.Year)+":"+r.Label] = r.Answers
		}
		// 5B (4) is under 10; 5A (14) is hidden with it, or year 5 of
		// Ekskolan (18, shown) less 5A would give 5B away.
		for key, want := range map[string]bool{
			"group:Ekskolan:5:5B": false, "group:Ekskolan:5:5A": false, "year:Ekskolan:5:": true,
			"year:Ekskolan:8:": true, "unit:Ekskolan:0:": true, "unit:Lindskolan:0:": true, "organizer::0:": true,
		} {
			if got := shown[key] != nil; got != want {
				t.Errorf("%s shown = %v, want %v", key, got, want)
			}
		}
		if err := survey.PublishIndicators(f.ctx, db, f.roundID, 5, "2026-03-16"); err != nil {
			t.Fatal(err)
		}
		var nvals, npupils int
		if err := db.QueryRow(f.ctx, `SELECT COUNT(*), COALESCE(SUM(v.pupils), 0) FROM indicator_values v JOIN indicators i ON i.id = v.indicator_id
			WHERE i.key = 'survey.pupil.safety' AND v.school_year = '2025/26' AND i.source = 'survey' AND i.kind = 'mean'`).Scan(&nvals, &npupils); err != nil {
			t.Fatal(err)
		}
		if nvals != 2 || npupils == 0 {
			t.Errorf("unit picture has %d values, %d answers of survey.pupil.safety", nvals, npupils)
		}
		analyst := auth.WithPrincipal(context.Background(), &auth.Principal{UserID: 1, Email: "o@x.se", Role: auth.RoleAnalyst})
		texts, err := survey.Texts(analyst, db, f.roundID, "2026-03-16")
		if err != nil || len(texts) != 4 {
			t.Fatalf("texts %d, %v", len(texts), err)
		}
		for _, tx := range texts {
			if tx.Status != survey.TextFlagged || regexp.MustCompile(`Elias|070`).MatchString(tx.Body) {
				t.Errorf("text %q (%s): want flagged and masked", tx.Body, tx.Status)
			}
		}
		board := auth.WithPrincipal(context.Background(), &auth.Principal{UserID: 1, Email: "o@x.se", Role: auth.RoleBoard})
		if _, err := survey.Texts(board, db, f.roundID, "2026-03-16"); app.Code(err) != app.EFORBIDDEN {
			t.Errorf("board reads texts: %v", err)
		}
		if err := survey.DecideText(analyst, db, texts[0].ID, false); err != nil {
			t.Fatal(err)
		}
		if texts, _ = survey.Texts(analyst, db, f.roundID, "2026-03-16"); len(texts) != 3 {
			t.Errorf("after removing one: %d texts", len(texts))
		}
	})
}
