package dialogue_test

import (
	"fmt"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/dialogue"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

// The start page's dialogue lists: actions owned by the person (matched
// on their name), findings with deadlines and the coming dialogues, each
// within the dialogue policy's scope.
func TestToDoLists(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		x := load(t, db)
		chiefCtx := x.as(chief)
		atA, err := dialogue.Create(chiefCtx, db, dialogue.Input{TypeID: x.typeID("principal"), Title: "Ekbacka vår", HeldOn: "2030-01-10",
			UnitIDs: []int64{x.unit(ekbacka)}}, x.now)
		if err != nil {
			t.Fatal(err)
		}
		atB, err := dialogue.Create(chiefCtx, db, dialogue.Input{TypeID: x.typeID("principal"), Title: "Tallmo vår", HeldOn: "2030-01-08",
			UnitIDs: []int64{x.unit(tallmo)}}, x.now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := dialogue.AddParticipant(chiefCtx, db, atB, dialogue.ParticipantInput{Role: dialogue.RoleStaff, Email: meals}, x.now); err != nil {
			t.Fatal(err)
		}
		// Petra Rektorsson is principal A. An action named for her on B's
		// unit stays out of her list: she does not see B's dialogue.
		mine, err := dialogue.AddAction(chiefCtx, db, atA, dialogue.ActionInput{UnitID: x.unit(ekbacka), Title: "Rastvärdar", Owner: " PETRA rektorsson", Due: "2029-01-01"}, x.now)
		if err != nil {
			t.Fatal(err)
		}
		undated, err := dialogue.AddAction(chiefCtx, db, atA, dialogue.ActionInput{UnitID: x.unit(ekbacka), Title: "Läsfrukost", Owner: "Petra Rektorsson"}, x.now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := dialogue.AddAction(chiefCtx, db, atA, dialogue.ActionInput{UnitID: x.unit(ekbacka), Title: "Annans", Owner: "Tove Tallberg"}, x.now); err != nil {
			t.Fatal(err)
		}
		if _, err := dialogue.AddAction(chiefCtx, db, atB, dialogue.ActionInput{UnitID: x.unit(tallmo), Title: "Inte hennes", Owner: "Petra Rektorsson"}, x.now); err != nil {
			t.Fatal(err)
		}
		actions, err := dialogue.OwnActions(x.as(principalA), db)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, a := range actions {
			if a.Title == "Inte hennes" || a.Title == "Annans" {
				t.Errorf("A's list has %q", a.Title)
			}
			if a.UnitName == "" {
				t.Errorf("action %d without its unit", a.ID)
			}
			got = append(got, a.ID)
		}
		if len(got) < 2 || got[len(got)-1] != undated || !contains(got, mine) {
			t.Errorf("A's actions %v: want %d among them and the undated %d last", got, mine, undated)
		}
		for i := 1; i < len(actions); i++ {
			if a, b := actions[i-1].Due, actions[i].Due; b != "" && (a == "" || a > b) {
				t.Errorf("actions not by due date: %q before %q", a, b)
			}
		}
		if list, _ := dialogue.OwnActions(x.as(board), db); len(list) != 0 {
			t.Errorf("a board member has actions: %+v", list)
		}

		// Findings: Södra's principal sees Södra's; A sees it only once an
		// organizer-wide finding is added; the board reads findings but
		// does not act on them.
		if list, _ := dialogue.OpenFindings(x.as(principalA), db); len(list) != 0 {
			t.Errorf("A sees another unit's finding: %+v", list)
		}
		sodra, err := dialogue.OpenFindings(x.as("rektor.sodra@exempelby.example"), db)
		if err != nil || len(sodra) != 1 {
			t.Fatalf("Södra's findings: %+v, %v", sodra, err)
		}
		wide, err := dialogue.AddFinding(chiefCtx, db, dialogue.FindingInput{Kind: dialogue.FindingDecision, DecidedOn: "2026-02-01",
			Deadline: "2026-06-30", Summary: "Rutiner för klagomål"}, x.now)
		if err != nil {
			t.Fatal(err)
		}
		if list, _ := dialogue.OpenFindings(x.as(principalA), db); len(list) != 1 || list[0].ID != wide {
			t.Errorf("A's findings: %+v", list)
		}
		if list, _ := dialogue.OpenFindings(x.as("rektor.sodra@exempelby.example"), db); len(list) != 2 || list[0].ID != wide {
			t.Errorf("Södra's findings not by deadline: %+v", list)
		}
		if list, _ := dialogue.OpenFindings(x.as(board), db); len(list) != 0 {
			t.Errorf("the board's to-do has findings: %+v", list)
		}
		if err := dialogue.ResolveFinding(chiefCtx, db, wide, "2026-11-20"); err != nil {
			t.Fatal(err)
		}
		if list, _ := dialogue.OpenFindings(x.as(principalA), db); len(list) != 0 {
			t.Errorf("a resolved finding is still to do: %+v", list)
		}

		// Coming dialogues: a principal's units' and those one takes part in.
		for _, tc := range []struct {
			who  string
			want []int64
		}{
			{principalA, []int64{atA}},
			{principalB, []int64{atB}},
			{meals, []int64{atB}},
			{chief, nil}, // sees every dialogue, takes part in none of these
			{board, nil},
		} {
			list, err := dialogue.Upcoming(x.as(tc.who), db, "2030-01-01", "2030-01-14")
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, d := range list {
				got = append(got, d.ID)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("%s's coming dialogues %v, want %v", tc.who, got, tc.want)
			}
		}
		if list, _ := dialogue.Upcoming(x.as(principalA), db, "2030-01-11", "2030-01-25"); len(list) != 0 {
			t.Errorf("a dialogue outside the window: %+v", list)
		}
	})
}

func contains(list []int64, id int64) bool {
	for _, x := range list {
		if x == id {
			return true
		}
	}
	return false
}
