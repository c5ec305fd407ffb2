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
		"relativ närhet 100 m (avståndet till den alternativa skolan Gamma, 1,30 km, minus avståndet till Alfa, 1,20 km)",
		"Det som avgjorde var relativ närhet.", "skollagen 9 kap. 15 § första stycket", "laglighetsprövning", "kommunallagen 13 kap",
		"Den del av beslutet som gäller Beta grundar sig på skollagen 9 kap. 15 § andra stycket", "lottnummer 0,100000"} {
		if !strings.Contains(e.Text.SV, want) {
			t.Errorf("sv lacks %q:\n%s", want, e.Text.SV)
		}
	}
	for _, want := range []string{"legality review", "School Appeals Board", "Alfa (your choice number 2)"[:4], "1.30 km"} {
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
