package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/styrkedjan/styrkedjan/internal/accessibility"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/dialogue"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// accessUnit is a unit's demo self-assessment: how many staff answer and
// the level each area tends to get there.
type accessUnit struct {
	code   string
	staff  int
	levels map[string]float64 // area → typical level
}

// AccessibilityUnits are the units of the demo's self-assessment round
// (2025/26, gathered in September 2026 before the autumn dialogues).
var accessibilityUnits = []accessUnit{
	{"92000201", 9, map[string]float64{"social": 3.6, "pedagogical": 3.1, "physical": 2.2, "preconditions": 3.0}},  // Ekbacka
	{"92000202", 7, map[string]float64{"social": 3.0, "pedagogical": 2.4, "physical": 3.4, "preconditions": 2.6}},  // Björkdalen
	{"92000203", 11, map[string]float64{"social": 2.6, "pedagogical": 3.3, "physical": 3.8, "preconditions": 3.2}}, // Sjöviken
	{"93000303", 12, map[string]float64{"social": 2.4, "pedagogical": 2.0, "physical": 3.0, "preconditions": 2.3}}, // Södra skolan
}

// AccessibilityUnitCodes are the codes of the units with a demo round.
func AccessibilityUnitCodes() []string {
	out := make([]string, len(accessibilityUnits))
	for i, u := range accessibilityUnits {
		out[i] = u.code
	}
	return out
}

// LoadAccessibility seeds the self-assessment: the example statement set;
// a round for 2025/26 at four schools, answered individually through
// personal links (generated answers around each unit's profile), closed
// and gathered (the proposed median, one level lower where the staff were
// split), which fills the area indicators of the unit picture; at each
// unit the two weakest statements become actions of its next quality
// dialogue, planned for March 2027; and two staff groups' answers on Ekbacka's staff dialogue.
// Call it after LoadDialogues. Idempotent: nothing happens when a round
// exists.
func LoadAccessibility(ctx context.Context, db store.Q) error {
	var n int
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM access_rounds").Scan(&n); err != nil || n > 0 {
		return err
	}
	var chief auth.Principal
	if err := db.QueryRow(ctx, "SELECT id, name, email FROM users WHERE email = ?", "skolchef@exempelby.example").
		Scan(&chief.UserID, &chief.Name, &chief.Email); err != nil {
		return fmt.Errorf("demo accessibility: %w", err)
	}
	chief.Role = auth.RoleOfficer
	ctx = auth.WithPrincipal(ctx, &chief)
	setID, err := accessibility.SeedExample(ctx, db, dialogueDay("2026-08-20"))
	if err != nil {
		return err
	}
	set, err := accessibility.GetSet(ctx, db, setID)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(16, 2026))
	var principalType int64
	if err := db.QueryRow(ctx, "SELECT id FROM dialogue_types WHERE key = ?", dialogue.KindPrincipal).Scan(&principalType); err != nil {
		return fmt.Errorf("demo accessibility: %w", err)
	}
	for i, u := range accessibilityUnits {
		var unitID int64
		if err := db.QueryRow(ctx, "SELECT id FROM units WHERE unit_code = ?", u.code).Scan(&unitID); err != nil {
			return fmt.Errorf("demo accessibility unit %s: %w", u.code, err)
		}
		started, err := accessibility.StartRound(ctx, db, accessibility.RoundInput{UnitID: unitID, SetID: setID, SchoolYear: "2025/26",
			Links: u.staff}, dialogueDay("2026-08-24"))
		if err != nil {
			return fmt.Errorf("demo accessibility round %s: %w", u.code, err)
		}
		for _, token := range started.Tokens {
			answers := map[string]string{}
			for i, s := range set.Statements {
				// Each statement a little above or below its area's level.
				centre := u.levels[s.Area] + float64(i%3-1)*0.4
				level := int(centre + rng.NormFloat64()*0.8 + 0.5)
				switch {
				case rng.IntN(14) == 0:
					answers[accessibility.StatementField(s.ID)] = accessibility.DontKnow
					continue
				case level < 1:
					level = 1
				case level > accessibility.Levels:
					level = accessibility.Levels
				}
				answers[accessibility.StatementField(s.ID)] = strconv.Itoa(level)
			}
			if err := accessibility.Submit(ctx, db, token, func(f string) string { return answers[f] }); err != nil {
				return fmt.Errorf("demo accessibility answer %s: %w", u.code, err)
			}
		}
		if err := accessibility.CloseRound(ctx, db, started.RoundID, dialogueDay("2026-09-07")); err != nil {
			return err
		}
		res, err := accessibility.GetResult(ctx, db, started.RoundID)
		if err != nil {
			return err
		}
		gathered := map[string]string{}
		for _, s := range res.Statements {
			level := s.Proposed
			// Where the staff were split (answers on four or more levels),
			// the discussion settled one level below the median.
			spread := 0
			for _, c := range s.Counts[1:] {
				if c > 0 {
					spread++
				}
			}
			if spread >= 4 && level > 1 {
				level--
			}
			if level > 0 {
				gathered[accessibility.GatheredField(s.ID)] = strconv.Itoa(level)
			}
		}
		if err := accessibility.Gather(ctx, db, started.RoundID, func(f string) string { return gathered[f] }, dialogueDay("2026-09-21")); err != nil {
			return err
		}
		if res, err = accessibility.GetResult(ctx, db, started.RoundID); err != nil {
			return err
		}
		// The next quality dialogue with the unit: planned for spring 2027.
		var name string
		if err := db.QueryRow(ctx, "SELECT name FROM units WHERE id = ?", unitID).Scan(&name); err != nil {
			return err
		}
		date := fmt.Sprintf("2027-03-%02d", 2+2*i)
		dialogueID, err := dialogue.Create(ctx, db, dialogue.Input{TypeID: principalType, Title: "Kvalitetsdialog VT 2027 – " + name,
			HeldOn: date, UnitIDs: []int64{unitID}}, dialogueDay("2026-10-01"))
		if err != nil {
			return fmt.Errorf("demo accessibility dialogue %s: %w", u.code, err)
		}
		var weak []int64
		for _, s := range res.Weakest(2) {
			weak = append(weak, s.ID)
		}
		if _, err := accessibility.MakeActions(ctx, db, started.RoundID, dialogueID, weak, dialogueDay("2026-10-01")); err != nil {
			return fmt.Errorf("demo accessibility actions %s: %w", u.code, err)
		}
	}
	return loadStaffGroups(ctx, db)
}

// loadStaffGroups gives Ekbacka's staff dialogue two groups' answers and
// one group that has not answered yet.
func loadStaffGroups(ctx context.Context, db store.Q) error {
	var id int64
	if err := db.QueryRow(ctx, `SELECT d.id FROM dialogues d JOIN dialogue_types t ON t.id = d.type_id WHERE t.kind = ? ORDER BY d.id LIMIT 1`,
		dialogue.KindStaff).Scan(&id); err != nil {
		return fmt.Errorf("demo staff groups: %w", err)
	}
	groups := []struct {
		label   string
		answer  dialogue.StaffGroupAnswer
		answers bool
	}{
		{"Arbetslag F–3", dialogue.StaffGroupAnswer{Members: "4",
			Succeed: "Vi planerar veckan tillsammans och delar upp eleverna efter behov, inte efter klass. Fritidshemmet är med i planeringen.",
			Prevent: "Vi ser tidigt när en elev börjar dra sig undan på rasterna och tar upp det på arbetslagsmötet samma vecka."}, true},
		{"Arbetslag 4–6", dialogue.StaffGroupAnswer{Members: "3",
			Succeed: "Tydliga lektionsstarter med bildstöd och att vi följer upp läxor på samma sätt i alla ämnen.",
			Prevent: "Specialläraren är med i planeringen varje månad, så anpassningar finns från början i stället för efteråt."}, true},
		{"Elevhälsan", dialogue.StaffGroupAnswer{}, false},
	}
	for _, g := range groups {
		token, err := dialogue.AddStaffGroup(ctx, db, id, g.label, dialogueDay("2026-04-01"))
		if err != nil {
			return err
		}
		if g.answers {
			if err := dialogue.AnswerStaffGroup(ctx, db, token, g.answer, dialogueDay("2026-04-10")); err != nil {
				return err
			}
		}
	}
	return nil
}
