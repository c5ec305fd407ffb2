package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/dialogue"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/survey"
)

// The demo's pulse surveys (issue 16): a pupil survey in year 5 and year 8
// in spring 2025 and spring 2026 (a year apart), and a guardian survey in
// spring 2026. Some units moved between the rounds, most did not; one class
// is small enough to be suppressed, and one free text names a pupil. The
// indexes are put into the unit picture, and Ekbacka skola's action on
// safety follows the pupils' safety index.

type surveyUnit struct {
	code  string
	years []int
	// base is the unit's level on the 1–5 scale per index; move is how
	// much it changed from 2025 to 2026 (0: no real change).
	base map[string]float64
	move map[string]float64
}

var surveyUnits = []surveyUnit{
	{"92000201", []int{5}, map[string]float64{"safety": 3.5, "study_peace": 3.4, "influence": 3.2, "support": 3.8}, map[string]float64{"safety": 0.6}},
	{"92000202", []int{5}, map[string]float64{"safety": 4.0, "study_peace": 3.6, "influence": 3.4, "support": 3.9}, nil},
	{"92000203", []int{5}, map[string]float64{"safety": 3.9, "study_peace": 3.1, "influence": 3.3, "support": 3.7}, map[string]float64{"study_peace": 0.5}},
	{"92000207", []int{5, 8}, map[string]float64{"safety": 3.8, "study_peace": 3.3, "influence": 3.0, "support": 3.6}, nil},
	{"92000208", []int{5, 8}, map[string]float64{"safety": 3.3, "study_peace": 3.2, "influence": 3.1, "support": 3.5}, map[string]float64{"safety": 0.4}},
	{"93000301", []int{8}, map[string]float64{"safety": 3.9, "study_peace": 3.5, "influence": 3.2, "support": 3.6}, map[string]float64{"study_peace": -0.5}},
	{"93000302", []int{8}, map[string]float64{"safety": 4.1, "study_peace": 3.7, "influence": 3.5, "support": 3.9}, nil},
}

var surveyTexts = []string{
	"Det är för stökigt i matsalen.",
	"Jag tycker om min klass och mina lärare.",
	"Rasterna är bättre nu när fler vuxna är ute.",
	"Elias i min klass är elak mot mig varje dag.",
	"Det är svårt att koncentrera sig när det är prat på lektionerna.",
}

// LoadSurveys adds the demo's pulse surveys; it does nothing when there
// are rounds already. Demo.Load calls it.
func LoadSurveys(ctx context.Context, db store.Q) error {
	var n int
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM survey_rounds").Scan(&n); err != nil || n > 0 {
		return err
	}
	var chief auth.Principal
	if err := db.QueryRow(ctx, "SELECT id, name, email FROM users WHERE email = ?", "skolchef@exempelby.example").
		Scan(&chief.UserID, &chief.Name, &chief.Email); err != nil {
		return fmt.Errorf("demo surveys: %w", err)
	}
	chief.Role = auth.RoleOfficer
	ctx = auth.WithPrincipal(ctx, &chief)
	if err := survey.Seed(ctx, db, store.Now()); err != nil {
		return err
	}
	pupilSurvey, err := survey.CreateSurvey(ctx, db, survey.SurveyInput{Name: "Trygghet och studiero", Audience: survey.Pupil,
		Keys: []string{"p.safe_school", "p.safe_breaks", "p.adult_acts", "p.calm_lessons", "p.can_focus", "p.listened_to",
			"p.can_influence", "p.help_when_needed", "p.teachers_believe"}, FreeText: "p.free"})
	if err != nil {
		return fmt.Errorf("demo survey: %w", err)
	}
	guardianSurvey, err := survey.CreateSurvey(ctx, db, survey.SurveyInput{Name: "Vårdnadshavarnas röst", Audience: survey.Guardian,
		Keys:     []string{"g.child_safe", "g.bullying_handled", "g.calm", "g.support", "g.progress_info", "g.listened_to", "g.easy_contact"},
		FreeText: "g.free"})
	if err != nil {
		return fmt.Errorf("demo survey: %w", err)
	}
	rng := rand.New(rand.NewPCG(16, 2026))
	units := map[string]int64{}
	for _, u := range surveyUnits {
		var id int64
		if err := db.QueryRow(ctx, "SELECT id FROM units WHERE unit_code = ?", u.code).Scan(&id); err != nil {
			return fmt.Errorf("demo survey unit %s: %w", u.code, err)
		}
		units[u.code] = id
	}
	for i, rd := range []struct{ name, opens, closes string }{
		{"Elevenkät VT 2025", "2025-03-03", "2025-03-21"},
		{"Elevenkät VT 2026", "2026-03-02", "2026-03-20"},
	} {
		rid, err := survey.CreateRound(ctx, db, survey.RoundInput{SurveyID: pupilSurvey, Name: rd.name, OpensOn: rd.opens, ClosesOn: rd.closes})
		if err != nil {
			return err
		}
		round, err := survey.GetRound(ctx, db, rid)
		if err != nil {
			return err
		}
		texts := 0
		for ui, u := range surveyUnits {
			for _, y := range u.years {
				for ci, label := range []string{"A", "B"} {
					size := 22 + (ui+ci+y)%6
					answered := size - 2 - (ui+ci+i)%4
					if u.code == "92000208" && y == 8 && label == "B" {
						size, answered = 12, 7 // a small class: suppressed, and its neighbour with it
					}
					gid, err := survey.AddGroup(ctx, db, rid, survey.GroupInput{UnitID: units[u.code], Year: y, Label: strconv.Itoa(y) + label, Invited: size})
					if err != nil {
						return err
					}
					var code string
					if err := db.QueryRow(ctx, "SELECT code FROM survey_groups WHERE id = ?", gid).Scan(&code); err != nil {
						return err
					}
					for range answered {
						a := demoAnswers(rng, round.Survey, u, float64(i))
						if rng.IntN(12) == 0 {
							a.Text = surveyTexts[texts%len(surveyTexts)]
							texts++
						}
						if err := survey.SubmitClass(ctx, db, code, a, rd.opens); err != nil {
							return fmt.Errorf("demo survey answer: %w", err)
						}
					}
				}
			}
		}
		if err := publishDemoRound(ctx, db, rid, rd.closes); err != nil {
			return err
		}
	}
	// Guardians, spring 2026: personal links (as letters), most answered.
	rid, err := survey.CreateRound(ctx, db, survey.RoundInput{SurveyID: guardianSurvey, Name: "Vårdnadshavarenkät VT 2026", OpensOn: "2026-03-02", ClosesOn: "2026-03-27"})
	if err != nil {
		return err
	}
	round, err := survey.GetRound(ctx, db, rid)
	if err != nil {
		return err
	}
	for ui, u := range surveyUnits {
		gid, err := survey.AddGroup(ctx, db, rid, survey.GroupInput{UnitID: units[u.code]})
		if err != nil {
			return err
		}
		tokens, err := survey.Links(ctx, db, gid, 40+ui*3)
		if err != nil {
			return err
		}
		for _, tok := range tokens[:len(tokens)*(45+ui*5)/100] {
			if err := survey.SubmitLink(ctx, db, tok, demoAnswers(rng, round.Survey, u, 1), "2026-03-10"); err != nil {
				return fmt.Errorf("demo guardian answer: %w", err)
			}
		}
	}
	if err := publishDemoRound(ctx, db, rid, "2026-03-27"); err != nil {
		return err
	}
	return linkSurveyAction(ctx, db, units["92000201"])
}

func publishDemoRound(ctx context.Context, db store.Q, rid int64, closes string) error {
	after, err := civil.AddDays(closes, 1)
	if err != nil {
		return err
	}
	return survey.PublishIndicators(ctx, db, rid, 5, after)
}

// demoAnswers answers like a respondent of unit u in round i (0 or 1).
func demoAnswers(rng *rand.Rand, s survey.Survey, u surveyUnit, i float64) survey.Answers {
	a := survey.Answers{Values: map[int64]string{}}
	person := rng.NormFloat64() * 0.6
	for _, q := range s.Statements() {
		switch r := rng.IntN(100); {
		case r < 3:
			continue // skipped
		case r < 8:
			a.Values[q.ID] = survey.DontKnow
			continue
		}
		level := u.base[q.Index] + i*u.move[q.Index] + person + rng.NormFloat64()*0.7
		v := int(math.Max(1, math.Min(5, math.Round(level))))
		a.Values[q.ID] = strconv.Itoa(v)
	}
	return a
}

// linkSurveyAction agrees, at Ekbacka skola's spring 2026 dialogue, on an
// action followed up by the pupils' safety index (baseline 2024/25, the
// VT 2025 round; follow-up 2025/26).
func linkSurveyAction(ctx context.Context, db store.Q, unitID int64) error {
	var did int64
	var held string
	err := db.QueryRow(ctx, `SELECT d.id, d.held_on FROM dialogues d JOIN dialogue_units du ON du.dialogue_id = d.id
		WHERE du.unit_id = ? AND d.held_on > '2025-10-01' AND d.held_on < '2026-10-01' ORDER BY d.held_on LIMIT 1`, unitID).Scan(&did, &held)
	if store.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = dialogue.AddAction(ctx, db, did, dialogue.ActionInput{UnitID: unitID, Title: "Fler vuxna ute på rasterna och en trygghetsvandring med eleverna",
		Owner: "Rektor", Due: "2026-06-15", Indicators: []dialogue.IndicatorInput{{Key: survey.IndicatorKey(survey.Pupil, "safety"), Target: "70"}}},
		dialogueDay(held))
	if err != nil {
		return fmt.Errorf("demo survey action: %w", err)
	}
	return nil
}
