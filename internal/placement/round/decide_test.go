package round_test

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/mail"
	"github.com/styrkedjan/styrkedjan/internal/mail/mailtest"
	"github.com/styrkedjan/styrkedjan/internal/pdftest"
	"github.com/styrkedjan/styrkedjan/internal/placement"
	"github.com/styrkedjan/styrkedjan/internal/placement/explain"
	"github.com/styrkedjan/styrkedjan/internal/placement/round"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

var guardianLangs = []string{"sv", "ar", "en", "so", "fa", i18n.EasySwedish}

// addRegister inserts a register for the round's applicants directly:
// child i has two custodians with e-mail (the second in Arabic) when i%3
// is 0, one with e-mail when 1, and one without e-mail (a letter) when 2.
// It returns the guardians' languages by applicant and e-mail address.
func addRegister(t *testing.T, db *store.DB, roundID int64, f *fixture) map[string]string {
	t.Helper()
	ctx := context.Background()
	now := store.Now()
	langOf := map[string]string{}
	for i, a := range f.apps {
		var cid int64
		if err := db.QueryRow(ctx, `INSERT INTO placement_children (round_id, child_key, name, year, address, postal_code, city, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, roundID, a.ID, "Barn "+a.ID, a.Year, "Storgatan 1", "123 45", "Exempelby", now).Scan(&cid); err != nil {
			t.Fatal(err)
		}
		type g struct{ name, email, lang string }
		var gs []g
		switch i % 3 {
		case 0:
			gs = []g{{"Vårdnadshavare A " + a.ID, "a" + a.ID + "@example.se", guardianLangs[i%len(guardianLangs)]}, {"Vårdnadshavare B " + a.ID, "b" + a.ID + "@example.se", "ar"}}
		case 1:
			gs = []g{{"Vårdnadshavare A " + a.ID, "a" + a.ID + "@example.se", guardianLangs[i%len(guardianLangs)]}}
		default:
			gs = []g{{"Vårdnadshavare A " + a.ID, "", guardianLangs[i%len(guardianLangs)]}}
		}
		for _, x := range gs {
			if _, err := db.Exec(ctx, `INSERT INTO placement_guardians (child_id, name, email, address, language, custody, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, cid, x.name, x.email, "Storgatan 1, 123 45 Exempelby", x.lang, true, now); err != nil {
				t.Fatal(err)
			}
			langOf[x.email] = x.lang
			if x.email == "" {
				langOf[a.ID] = x.lang
			}
		}
	}
	return langOf
}

// sendAll delivers the outbox to srv over SMTP.
func sendAll(t *testing.T, db *store.DB, srv *mailtest.Server) {
	t.Helper()
	sender := mail.NewSender(db, srv.Config(), slog.New(slog.DiscardHandler))
	for {
		n, err := sender.SendDue(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

func catalog(t *testing.T) *i18n.Catalog {
	t.Helper()
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var linkRE = regexp.MustCompile(`https://skola\.example\.se/placement/d/([A-Za-z0-9_-]{32})\?lang=([a-z&=]+)`)

func TestPublishSendsDecisionsInGuardiansLanguages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		svc, _ := round.NewService(context.Background(), db, nil)
		id, _ := runMain(t, db, svc, f)
		langOf := addRegister(t, db, id, f)
		ctx := system()
		cat := catalog(t)
		n := round.Notify{Catalog: cat, BaseURL: "https://skola.example.se"}
		pub, err := round.PublishDecisions(ctx, db, id, n)
		if err != nil {
			t.Fatal(err)
		}
		if !pub.Register || len(pub.Links) != 0 || pub.Decisions != len(f.apps) {
			t.Fatalf("published %+v", pub)
		}
		wantLetters := 0
		wantMails := 0
		for i := range f.apps {
			switch i % 3 {
			case 0:
				wantMails += 2
			case 1:
				wantMails++
			default:
				wantLetters++
			}
		}
		if pub.Mails != wantMails || pub.Letters != wantLetters {
			t.Errorf("%d mails, %d letters; want %d, %d", pub.Mails, pub.Letters, wantMails, wantLetters)
		}
		if got := count(t, db, "SELECT COUNT(*) FROM placement_decisions WHERE round_id = ? AND channel = 'letter'", id); got != wantLetters {
			t.Errorf("%d letter decisions, want %d", got, wantLetters)
		}
		today := civil.Today(store.Now())
		wantBy, _ := civil.AddDays(today, 14)
		if got := count(t, db, "SELECT COUNT(*) FROM placement_decisions WHERE round_id = ? AND respond_by = ?", id, wantBy); got != len(f.apps) {
			t.Errorf("%d decisions answer by %s, want all %d", got, wantBy, len(f.apps))
		}

		// Over real SMTP: each mail in its guardian's language, with a
		// link that opens that guardian's decision.
		srv := mailtest.Start(t)
		sendAll(t, db, srv)
		msgs := srv.WaitFor(t, wantMails, 10*time.Second)
		sv, ar := 0, 0
		for _, m := range msgs {
			lang := langOf[m.To[0]]
			match := linkRE.FindStringSubmatch(m.Body)
			if match == nil {
				t.Fatalf("mail to %s has no link:\n%s", m.To[0], m.Body)
			}
			v, err := round.ByToken(context.Background(), db, match[1])
			if err != nil {
				t.Fatalf("link in mail to %s: %v", m.To[0], err)
			}
			if !strings.Contains(m.To[0], v.Decision.ApplicantID+"@") {
				t.Errorf("mail to %s links to the decision of %s", m.To[0], v.Decision.ApplicantID)
			}
			l := cat.For(lang)
			p := round.PlainText(l, v, today)
			if !strings.Contains(m.Body, p.Placed) || !strings.Contains(m.Subject, "Barn "+v.Decision.ApplicantID) {
				t.Errorf("mail in %s does not start with the decision:\n%s\n%s", lang, m.Subject, m.Body)
			}
			switch lang {
			case "sv":
				sv++
				if !strings.Contains(m.Body, "Läs hela beslutet") || match[2] != "sv" {
					t.Errorf("Swedish mail:\n%s", m.Body)
				}
			case "ar":
				ar++
				if !strings.Contains(m.Body, "اقرأوا القرار كاملاً") || !strings.Contains(m.Subject, "قرار التنسيب المدرسي") || match[2] != "ar" {
					t.Errorf("Arabic mail:\n%s %s", m.Subject, m.Body)
				}
			}
		}
		if sv == 0 || ar == 0 {
			t.Errorf("%d Swedish and %d Arabic mails", sv, ar)
		}

		// Letters: one per child without e-mail, in the guardian's
		// language, read back from the PDF.
		doc, nl, err := round.PrintLetters(ctx, db, id, n, false)
		if err != nil {
			t.Fatal(err)
		}
		if nl != wantLetters {
			t.Errorf("%d letters, want %d", nl, wantLetters)
		}
		pdf, err := doc.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		text := pdftest.Text(t, pdf)
		// Printed letters are not printed again unless asked.
		if _, nl, err := round.PrintLetters(ctx, db, id, n, false); err != nil || nl != 0 {
			t.Errorf("printing again: %d letters, %v", nl, err)
		}
		if _, nl, err := round.PrintLetters(ctx, db, id, n, true); err != nil || nl != wantLetters {
			t.Errorf("printing all again: %d letters, %v", nl, err)
		}
		for i, a := range f.apps {
			if i%3 != 2 || i > 30 {
				continue
			}
			want := cat.For(langOf[a.ID]).T("decide.letter_title")
			if langOf[a.ID] == "sv" || langOf[a.ID] == i18n.EasySwedish || langOf[a.ID] == "en" || langOf[a.ID] == "so" {
				if !strings.Contains(text, want) {
					t.Errorf("the letters lack the %s title %q", langOf[a.ID], want)
				}
			}
			if !strings.Contains(text, "Barn "+a.ID) {
				t.Errorf("no letter for %s", a.ID)
			}
		}
	})
}

func TestAnswerOnceWithinTheTime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		svc, _ := round.NewService(context.Background(), db, nil)
		id, _ := runMain(t, db, svc, f)
		addRegister(t, db, id, f)
		ctx := system()
		if _, err := round.PublishDecisions(ctx, db, id, round.Notify{Catalog: catalog(t), BaseURL: "https://skola.example.se"}); err != nil {
			t.Fatal(err)
		}
		srv := mailtest.Start(t)
		sendAll(t, db, srv)
		msgs := srv.WaitFor(t, 2, 10*time.Second)
		// The two custodians of the first child: either may answer, once.
		var tokens []string
		for _, m := range msgs {
			if m.To[0] == "a"+f.apps[0].ID+"@example.se" || m.To[0] == "b"+f.apps[0].ID+"@example.se" {
				tokens = append(tokens, linkRE.FindStringSubmatch(m.Body)[1])
			}
		}
		if len(tokens) != 2 {
			t.Fatalf("%d links for the first child", len(tokens))
		}
		if _, err := round.Answer(context.Background(), db, tokens[1], "maybe"); app.Code(err) != app.EINVALID {
			t.Errorf("answer maybe: %v", err)
		}
		v, err := round.Answer(context.Background(), db, tokens[1], round.Accepted)
		if err != nil {
			t.Fatal(err)
		}
		if v.Sent.Answer != round.Accepted {
			t.Errorf("answer %q", v.Sent.Answer)
		}
		if _, err := round.Answer(context.Background(), db, tokens[0], round.Declined); app.Code(err) != app.ECONFLICT {
			t.Errorf("a second answer: %v", err)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM audit_log WHERE entity = 'placement_decision' AND summary LIKE 'accepted by guardian%'"); n != 1 {
			t.Errorf("%d audit rows for the answer", n)
		}
		// Past the respond-by date nobody can answer.
		if _, err := db.Exec(context.Background(), "UPDATE placement_decisions SET respond_by = '2000-01-01' WHERE round_id = ?", id); err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if strings.HasPrefix(m.To[0], "a"+f.apps[1].ID+"@") {
				if _, err := round.Answer(context.Background(), db, linkRE.FindStringSubmatch(m.Body)[1], round.Accepted); app.Code(err) != app.ECONFLICT {
					t.Errorf("an answer after the date: %v", err)
				}
			}
		}
	})
}

// TestSecondPassTakesNoPlaceFromAHolder: after some decline, a pass moves
// children up in priority order, and nobody who holds a place loses it.
func TestSecondPassTakesNoPlaceFromAHolder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		svc, _ := round.NewService(context.Background(), db, nil)
		id, runID := runMain(t, db, svc, f)
		addRegister(t, db, id, f)
		ctx := system()
		n := round.Notify{Catalog: catalog(t), BaseURL: "https://skola.example.se"}
		if _, err := round.PublishDecisions(ctx, db, id, n); err != nil {
			t.Fatal(err)
		}
		before, err := round.Decisions(ctx, db, id, runID)
		if err != nil {
			t.Fatal(err)
		}
		// Decline the places of children placed at their first choice at
		// full schools, so that children wait for them.
		declined := map[string]bool{}
		for _, d := range before {
			if d.ChoiceRank == 1 && len(declined) < 12 {
				declined[d.ApplicantID] = true
				if _, err := db.Exec(context.Background(), "UPDATE placement_decisions SET answer = 'declined', answered_at = ? WHERE round_id = ? AND applicant_id = ?",
					store.Now(), id, d.ApplicantID); err != nil {
					t.Fatal(err)
				}
			}
		}
		plan, err := round.PlanPass(ctx, db, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(plan) == 0 {
			t.Fatal("no moves planned")
		}
		pass, moves, err := round.RunPass(ctx, db, id, n)
		if err != nil {
			t.Fatal(err)
		}
		if pass != 2 || len(moves) != len(plan) {
			t.Fatalf("pass %d with %d moves, planned %d", pass, len(moves), len(plan))
		}
		if got := count(t, db, "SELECT COUNT(*) FROM placement_decisions WHERE round_id = ? AND pass = 2 AND superseded_at IS NULL", id); got != len(moves) {
			t.Errorf("%d new decisions, want %d", got, len(moves))
		}
		if got := count(t, db, "SELECT COUNT(*) FROM placement_decisions WHERE round_id = ? AND superseded_at IS NOT NULL", id); got != len(moves) {
			t.Errorf("%d superseded decisions, want %d", got, len(moves))
		}
		if got := count(t, db, "SELECT COUNT(*) FROM placement_runs WHERE round_id = ? AND pass = 2", id); got != 1 {
			t.Errorf("%d runs of pass 2", got)
		}
		movedTo := map[string]round.Move{}
		for _, m := range moves {
			movedTo[m.ApplicantID] = m
			if declined[m.ApplicantID] {
				t.Errorf("%s declined and was moved", m.ApplicantID)
			}
			if m.FromRank != 0 && m.ToRank >= m.FromRank {
				t.Errorf("%s moved from choice %d to %d", m.ApplicantID, m.FromRank, m.ToRank)
			}
		}
		sent, err := round.SentDecisions(ctx, db, id)
		if err != nil {
			t.Fatal(err)
		}
		byID := map[string]round.Decision{}
		for _, d := range before {
			byID[d.ApplicantID] = d
		}
		for _, s := range sent {
			if m, ok := movedTo[s.ApplicantID]; ok {
				if s.SchoolID != m.To || s.Pass != 2 {
					t.Errorf("%s: standing decision %s pass %d, moved to %s", s.ApplicantID, s.SchoolID, s.Pass, m.To)
				}
				continue
			}
			if s.SchoolID != byID[s.ApplicantID].SchoolID {
				t.Errorf("%s holds %s and lost it to %s", s.ApplicantID, byID[s.ApplicantID].SchoolID, s.SchoolID)
			}
		}
		// Another pass has nobody left to move.
		if _, _, err := round.RunPass(ctx, db, id, n); app.Code(err) != app.ECONFLICT {
			t.Errorf("a pass without free places: %v", err)
		}
	})
}

// TestPlanProperty checks Plan on random waiting lists: no holder loses a
// place, every move is to a better choice, no school goes over capacity,
// and at every school nobody still waiting for it has a higher priority
// than someone moved into it.
func TestPlanProperty(t *testing.T) {
	rules := placement.DefaultRules()
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 7))
		nSchools := 2 + rng.IntN(4)
		var schools []string
		capacity := map[string]map[int]int{}
		for i := range nSchools {
			s := string(rune('A' + i))
			schools = append(schools, s)
			capacity[s] = map[int]int{0: 1 + rng.IntN(5)}
		}
		held := map[string]int{}
		var holders []round.Holder
		for i := range 5 + rng.IntN(30) {
			id := string(rune('a'+i%26)) + string(rune('0'+i/26))
			perm := rng.Perm(nSchools)[:1+rng.IntN(nSchools)]
			h := round.Holder{ApplicantID: id, Waits: map[string]bool{}}
			for r, si := range perm {
				h.Choices = append(h.Choices, explain.Choice{SchoolID: schools[si], Rank: r + 1, Offered: true,
					Priority: explain.Priority{Meters: float64(rng.IntN(3000)), Lottery: rng.Float64(), NoAlternative: true}})
			}
			// Hold one of the choices with room (or none), wait for the
			// ones above it.
			for r := len(perm) - 1; r >= 0; r-- {
				s := schools[perm[r]]
				if held[s] < capacity[s][0] && rng.IntN(3) > 0 {
					held[s]++
					h.SchoolID, h.Rank = s, r+1
					break
				}
			}
			for r := range perm {
				if h.SchoolID == "" || r+1 < h.Rank {
					h.Waits[schools[perm[r]]] = true
				}
			}
			if h.SchoolID != "" && rng.IntN(5) == 0 {
				h.Declined = true
			}
			holders = append(holders, h)
		}
		orig := slices.Clone(holders)
		moves := round.Plan(rules, capacity, holders)
		final := map[string]round.Holder{}
		for _, h := range orig {
			final[h.ApplicantID] = h
		}
		moved := map[string]bool{}
		for _, m := range moves {
			moved[m.ApplicantID] = true
			h := final[m.ApplicantID]
			if h.Declined {
				t.Fatalf("seed %d: declined %s moved", seed, m.ApplicantID)
			}
			if m.From != h.SchoolID {
				t.Fatalf("seed %d: %s moved from %s, held %s", seed, m.ApplicantID, m.From, h.SchoolID)
			}
			if h.Rank != 0 && m.ToRank >= h.Rank {
				t.Fatalf("seed %d: %s moved from choice %d to %d", seed, m.ApplicantID, h.Rank, m.ToRank)
			}
			h.SchoolID, h.Rank = m.To, m.ToRank
			final[m.ApplicantID] = h
		}
		count := map[string]int{}
		for _, h := range orig {
			f := final[h.ApplicantID]
			if !moved[h.ApplicantID] && (f.SchoolID != h.SchoolID) {
				t.Fatalf("seed %d: %s lost its place", seed, h.ApplicantID)
			}
			if f.SchoolID != "" && !f.Declined {
				count[f.SchoolID]++
			}
		}
		for s, n := range count {
			if n > capacity[s][0] {
				t.Fatalf("seed %d: %s has %d pupils, %d places", seed, s, n, capacity[s][0])
			}
		}
		prio := func(h round.Holder, s string) (explain.Choice, bool) {
			for _, c := range h.Choices {
				if c.SchoolID == s {
					return c, true
				}
			}
			return explain.Choice{}, false
		}
		for _, m := range moves {
			in, _ := prio(final[m.ApplicantID], m.To)
			for _, h := range orig {
				f := final[h.ApplicantID]
				c, ok := prio(h, m.To)
				if f.Declined || !ok || !h.Waits[m.To] || (f.Rank != 0 && c.Rank >= f.Rank) || f.SchoolID == m.To {
					continue // not waiting for m.To at the end
				}
				if d := rules.Compare(toP(c.Priority), toP(in.Priority)); d > 0 {
					t.Fatalf("seed %d: %s still waits for %s ahead of %s, who was moved in", seed, h.ApplicantID, m.To, m.ApplicantID)
				}
			}
		}
	}
}

func toP(p explain.Priority) placement.Priority {
	return placement.Priority{Sibling: p.Sibling, Relative: p.RelativeMeters, NoAlternative: p.NoAlternative, Meters: p.Meters, Lottery: p.Lottery}
}

// TestAppealTextOneThingPerPart: the placement is open only to legality
// review (no date: the system does not know when the minutes' notice was
// posted); a refusal because the school lacks the year only to the
// appeals board, with the last day counted from the day the mail was
// sent, moved past holidays.
func TestAppealTextOneThingPerPart(t *testing.T) {
	l := catalog(t).For("sv")
	sent := time.Date(2026, 12, 4, 9, 0, 0, 0, civil.Zone) // a Friday; three weeks on is juldagen
	v := &round.GuardianView{Child: "Alva", Sent: &round.Sent{Channel: round.ChannelEmail, SentAt: sent, Pass: 1},
		Decision: round.Decision{SchoolID: "S2", Year: 0, ChoiceRank: 2, Explanation: explain.Explanation{SchoolID: "S2", SchoolName: "Norrskolan",
			Declined: []explain.Declined{{SchoolID: "S1", SchoolName: "Ekskolan", ChoiceRank: 1, Reason: "not_offered"}},
			Appeal:   explain.Appeal{Law: "9 kap. 15 §", Routes: []string{explain.LegalityReview, explain.AppealsBoard}, BoardSchools: []string{"S1"}}}}}
	if got := round.AppealDeadline(sent); got != "2026-12-28" {
		t.Errorf("deadline %s, want 2026-12-28 (25–27 December are holidays and a Sunday)", got)
	}
	parts := round.AppealText(l, v)
	if len(parts) != 2 {
		t.Fatalf("%d parts: %q", len(parts), parts)
	}
	legality, board := parts[0], parts[1]
	for _, want := range []string{"Placeringen på Norrskolan", "första stycket", "kan inte överklagas till Skolväsendets överklagandenämnd", "laglighetsprövning", "kommunallagen 13 kap.", "anslagstavla"} {
		if !strings.Contains(legality, want) {
			t.Errorf("the legality part lacks %q: %s", want, legality)
		}
	}
	if regexp.MustCompile(`\d{4}-\d\d-\d\d`).MatchString(legality) {
		t.Errorf("the legality part gives a date the system cannot know: %s", legality)
	}
	for _, want := range []string{"Ekskolan", "andra stycket", "kan ni överklaga till Skolväsendets överklagandenämnd", "2026-12-04", "2026-12-28"} {
		if !strings.Contains(board, want) {
			t.Errorf("the appeals board part lacks %q: %s", want, board)
		}
	}
	if strings.Contains(board, "laglighetsprövning") || strings.Contains(legality+board, "Ni kan överklaga beslutet") {
		t.Error("a part mixes the routes")
	}
	// By letter the system does not know the day it arrived: no date.
	v.Sent.Channel = round.ChannelLetter
	if parts := round.AppealText(l, v); strings.Contains(parts[1], "2026-12-28") || !strings.Contains(parts[1], "inom tre veckor från den dag ni fick del av beslutet") {
		t.Errorf("a letter's appeal part: %s", parts[1])
	}
	// Without a refusal for lack of the year there is one route only.
	v.Decision.Explanation.Appeal.BoardSchools = nil
	if parts := round.AppealText(l, v); len(parts) != 1 {
		t.Errorf("%d parts without an appeals-board part", len(parts))
	}
}

// TestDetailsInTheGuardiansLanguage: the full explanation is rendered in
// Arabic, Somali and Persian from the same data, with no Swedish message
// left in it.
func TestDetailsInTheGuardiansLanguage(t *testing.T) {
	cat := catalog(t)
	v := &round.GuardianView{Decision: round.Decision{SchoolID: "S2", ChoiceRank: 2, Explanation: explain.Explanation{ApplicantID: "A1", SchoolID: "S2",
		SchoolName: "Norrskolan", ChoiceRank: 2, Meters: 1234, ResolutionMeters: 1, Criteria: []string{"sibling", "relative_proximity", "lottery"},
		Declined: []explain.Declined{{SchoolID: "S1", SchoolName: "Ekskolan", ChoiceRank: 1, Reason: "outranked", Capacity: 20, Applicants: 31, FirstChoice: 25,
			Own:          explain.Priority{RelativeMeters: 120, AlternativeName: "Norrskolan", AlternativeMeters: 1234, Meters: 1114, Lottery: 0.5},
			LastAdmitted: &explain.Priority{RelativeMeters: 340, AlternativeName: "Sörskolan", AlternativeMeters: 2000, Meters: 1660, Lottery: 0.2},
			Decisive:     "relative_proximity", Tied: []string{"sibling"}}},
		Appeal: explain.Appeal{Law: "9 kap. 15 §", Routes: []string{explain.LegalityReview}}}}}
	for _, lang := range []string{"ar", "so", "fa"} {
		got := strings.Join(round.Details(cat.For(lang), v, false), "\n")
		for _, swedish := range []string{"Elev ", "platser i", "Det som avgjorde", "relativ närhet", "Beslutet är fattat"} {
			if strings.Contains(got, swedish) {
				t.Errorf("%s details contain the Swedish %q:\n%s", lang, swedish, got)
			}
		}
		if !strings.Contains(got, "Ekskolan") || !strings.Contains(got, "1 234") && !strings.Contains(got, "1\u202f234") {
			t.Errorf("%s details lack the school or the distance:\n%s", lang, got)
		}
	}
}
