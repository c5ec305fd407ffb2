package explain

import (
	"regexp"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/placement"
)

// TestAppealRoutes: a first-paragraph decision goes to legality review; a
// wish turned down because the school has no such year also to the
// appeals board, for that school; förskoleklass is 9 kap. 15 §.
func TestAppealRoutes(t *testing.T) {
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{"A": "Alfa", "B": "Beta", "C": "Gamma"}
	c.RecordMissing()
	defer func() {
		if missing := c.Missing(); len(missing) > 0 {
			t.Errorf("messages the explanations asked for but the catalogs lack: %v", missing)
		}
	}()
	x := New(c, names, placement.DefaultRules())
	last := placement.Priority{Relative: 300, AlternativeID: "C", AlternativeMeters: 900, Meters: 600, Lottery: 0.2}
	own := placement.Priority{Relative: 100, AlternativeID: "C", AlternativeMeters: 1300, Meters: 1200, Lottery: 0.1}
	e := x.Explain(placement.Placement{ApplicantID: "p", Year: 0, SchoolID: "C", ChoiceRank: 3, Meters: 1300,
		Priority: &placement.Priority{Meters: 1300},
		Declined: []placement.Declined{
			{SchoolID: "A", ChoiceRank: 1, Reason: placement.Outranked, Capacity: 20, Applicants: 31, FirstChoice: 25, Own: own, LastAdmitted: &last},
			{SchoolID: "B", ChoiceRank: 2, Reason: placement.NotOffered, Applicants: 2, Own: own},
		}})
	if e.Appeal.Law != "9 kap. 15 §" || strings.Join(e.Appeal.Routes, ",") != LegalityReview+","+AppealsBoard || strings.Join(e.Appeal.BoardSchools, ",") != "B" {
		t.Fatalf("appeal %+v", e.Appeal)
	}
	if e.Declined[0].Decisive != "relative_proximity" {
		t.Errorf("decisive %q", e.Declined[0].Decisive)
	}
	for _, want := range []string{"Alfa (ert val nummer 1) har 20 platser i förskoleklass och 31 sökande, varav 25 i första hand",
		"relativ närhet 300 m (avståndet till den alternativa skolan Gamma, 900 m, minus avståndet till Alfa, 600 m)",
		"relativ närhet 100 m (avståndet till den alternativa skolan Gamma, 1\u202f300 m, minus avståndet till Alfa, 1\u202f200 m)",
		"Det som avgjorde var relativ närhet.", "skollagen 9 kap. 15 § första stycket", "laglighetsprövning", "kommunallagen 13 kap",
		"Den del av beslutet som gäller Beta grundar sig på skollagen 9 kap. 15 § andra stycket", "lottnummer 0,100000"} {
		if !strings.Contains(e.Text.SV, want) {
			t.Errorf("sv lacks %q:\n%s", want, e.Text.SV)
		}
	}
	for _, want := range []string{"legality review", "School Appeals Board", "Alfa (your choice number 2)"[:4], "1,300 m", "Distances are compared in whole metres"} {
		if !strings.Contains(e.Text.EN, want) {
			t.Errorf("en lacks %q:\n%s", want, e.Text.EN)
		}
	}
	// Easy Swedish: short sentences.
	for _, s := range regexp.MustCompile(`[.?!]\s+`).Split(e.Text.SVEasy, -1) {
		if n := len(strings.Fields(s)); n > 16 {
			t.Errorf("easy Swedish sentence of %d words: %q", n, s)
		}
	}
	// Placed at the first choice: legality review only, grundskola's paragraph.
	e = x.Explain(placement.Placement{ApplicantID: "q", Year: 4, SchoolID: "A", ChoiceRank: 1, Meters: 500, Priority: &own})
	if e.Appeal.Law != "10 kap. 30 §" || len(e.Appeal.Routes) != 1 || strings.Contains(e.Text.SV, "andra stycket") {
		t.Fatalf("appeal %+v\n%s", e.Appeal, e.Text.SV)
	}
}

// TestTieDecidedByALaterCriterion: issue 20's explanation. The pupil and
// the last admitted pupil had the same relative proximity at the
// resolution (whole metres) and the one who lives nearer got the place:
// the text says so, with values in whole metres (never "3,38 km" for
// both), and the data names the tie.
func TestTieDecidedByALaterCriterion(t *testing.T) {
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	c.RecordMissing()
	defer func() {
		if missing := c.Missing(); len(missing) > 0 {
			t.Errorf("messages the explanations asked for but the catalogs lack: %v", missing)
		}
	}()
	names := map[string]string{"S01": "Alfa", "S02": "Beta"}
	rules := placement.DefaultRules()
	x := New(c, names, rules)
	// As Match gives them: at whole metres; the engine's last digits differed.
	// Relative proximity is the difference rounded (3,380.497… m), which
	// is a metre less than the difference of the rounded distances.
	last := placement.Priority{Relative: 3380, AlternativeID: "S02", AlternativeMeters: 5067, Meters: 1686, Lottery: 0.7}
	own := placement.Priority{Relative: 3380, AlternativeID: "S02", AlternativeMeters: 5250, Meters: 1869, Lottery: 0.2}
	ownAtB := placement.Priority{Relative: -3380, AlternativeID: "S01", AlternativeMeters: 1869, Meters: 5250, Lottery: 0.2}
	e := x.Explain(placement.Placement{ApplicantID: "A0032", Year: 1, SchoolID: "S02", ChoiceRank: 2, Meters: 5250, Lottery: 0.2,
		Priority: &ownAtB,
		Choices:  []placement.Choice{{SchoolID: "S01", Rank: 1, Offered: true, Priority: own}, {SchoolID: "S02", Rank: 2, Offered: true, Priority: ownAtB}},
		Declined: []placement.Declined{{SchoolID: "S01", ChoiceRank: 1, Reason: placement.Outranked, Capacity: 20, Applicants: 31, FirstChoice: 25, Own: own, LastAdmitted: &last}}})
	d := e.Declined[0]
	if d.Decisive != "absolute_proximity" || strings.Join(d.Tied, ",") != "relative_proximity" {
		t.Fatalf("decisive %q after %v", d.Decisive, d.Tied)
	}
	if e.Lottery != 0.2 || e.ResolutionMeters != 1 || len(e.Choices) != 2 || e.Choices[1].SchoolName != "Beta" || e.Choices[0].Priority.RelativeMeters != 3380 {
		t.Errorf("data: lottery %v, resolution %v, choices %+v", e.Lottery, e.ResolutionMeters, e.Choices)
	}
	for _, want := range []string{
		"relativ närhet 3\u202f380 m (avståndet till den alternativa skolan Beta, 5\u202f067 m, minus avståndet till Alfa, 1\u202f686 m; skillnaden räknas på de oavrundade avstånden och avrundas sedan till hela meter)",
		"Er elev och den sista elev som fick plats hade samma relativa närhet (3\u202f380 m). Därför avgjorde nästa grund i ordningen, absolut närhet: den som bor närmare skolan fick platsen.",
		"Avstånden jämförs i hela meter",
	} {
		if !strings.Contains(e.Text.SV, want) {
			t.Errorf("sv lacks %q:\n%s", want, e.Text.SV)
		}
	}
	if strings.Contains(e.Text.SV, "Det som avgjorde var") || strings.Contains(e.Text.SV, "3,38 km") {
		t.Errorf("sv:\n%s", e.Text.SV)
	}
	if want := "the same relative proximity (3,380 m). So the next ground in the order decided, absolute proximity: the pupil who lives nearer the school got the place."; !strings.Contains(e.Text.EN, want) {
		t.Errorf("en lacks %q:\n%s", want, e.Text.EN)
	}
	for _, want := range []string{"Ert barn och det sista barnet hade lika stor relativ närhet.", "Det som avgjorde var absolut närhet.",
		"1\u202f686 m att gå till skolan", "Den som bor närmast skolan går före.", "Avstånden räknas i hela meter."} {
		if !strings.Contains(e.Text.SVEasy, want) {
			t.Errorf("easy sv lacks %q:\n%s", want, e.Text.SVEasy)
		}
	}
	for _, s := range regexp.MustCompile(`[.?!]\s+`).Split(e.Text.SVEasy, -1) {
		if n := len(strings.Fields(s)); n > 16 {
			t.Errorf("easy Swedish sentence of %d words: %q", n, s)
		}
	}

	// Tied on both distances too: the lottery decided after both.
	last2 := own
	last2.Lottery = 0.1
	e = x.Explain(placement.Placement{ApplicantID: "A0033", Year: 1, SchoolID: "S02", ChoiceRank: 2, Meters: 5250, Lottery: 0.2, Priority: &ownAtB,
		Declined: []placement.Declined{{SchoolID: "S01", ChoiceRank: 1, Reason: placement.Outranked, Capacity: 20, Applicants: 31, Own: own, LastAdmitted: &last2}}})
	if want := "hade samma relativa närhet (3\u202f380 m) och samma avstånd till skolan (1\u202f869 m). Därför avgjorde nästa grund i ordningen, lottning: den som har lägst lottnummer fick platsen."; !strings.Contains(e.Text.SV, want) {
		t.Errorf("sv lacks %q:\n%s", want, e.Text.SV)
	}
}
