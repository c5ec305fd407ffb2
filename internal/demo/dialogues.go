package demo

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/dialogue"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// DialogueRounds are the demo's two rounds of quality dialogues with the
// grundskola principals: spring and autumn 2026.
var DialogueRounds = []string{"VT 2026", "HT 2026"}

// dialogueUnit is what the demo's dialogue with one unit agreed.
type dialogueUnit struct {
	code      string
	indicator string // the indicator the unit's action follows
	target    string // the action's target
	action    string // the action agreed in spring
	status    string // its status by the autumn
	comment   string // a comment on its progress
	win       string // a win celebrated in the autumn
}

var dialogueUnits = []dialogueUnit{
	{"92000201", "pass_all_subjects_6", "96", "Behåll arbetet med gemensam planering i arbetslagen", dialogue.StatusDone, "Planeringstid är schemalagd varje vecka.", "Stabilt höga resultat i årskurs 6."},
	{"92000202", "national_test_ma_6", "13", "Matematiklyftet för lärarna i årskurs 4–6", dialogue.StatusStarted, "Två av tre moduler är genomförda.", "Fler elever deltar i matteklubben."},
	{"92000203", "pass_all_subjects_6", "80", "Tidiga insatser i läsning och extra anpassningar i årskurs 1–3", dialogue.StatusStarted, "Specialpedagogen är på plats sedan augusti.", "Ny specialpedagog rekryterad."},
	{"92000204", "national_test_sve_6", "14", "Läsfrämjande arbete med skolbiblioteket", dialogue.StatusDone, "Alla klasser har lästid med bibliotekarien.", "Skolbiblioteket har öppet varje dag."},
	{"92000205", "pass_all_subjects_6", "85", "Fortsätt med studiero och tydlig lektionsstruktur", dialogue.StatusDone, "Strukturen används i alla klasser.", "Andelen elever med godkänt i alla ämnen har ökat flera år i rad."},
	{"92000206", "pass_all_subjects_6", "85", "Samarbete med Tallmoskolan om lektionsstruktur", dialogue.StatusStarted, "Auskultationer är inbokade.", "Bra samarbete med Tallmo."},
	{"92000207", "merit_value_9", "235", "Studieteknik och läxhjälp i årskurs 7–9", dialogue.StatusStarted, "Läxhjälp två eftermiddagar i veckan.", "Fler elever söker läxhjälpen."},
	{"92000208", "merit_value_9", "215", "Mentorssamtal med varje elev i årskurs 8–9 varje månad", dialogue.StatusPlanned, "Starten är flyttad till vårterminen.", "Tryggheten har ökat enligt elevenkäten."},
	{"93000301", "merit_value_9", "240", "Gemensam bedömning i alla ämnen", dialogue.StatusDone, "Sambedömning av nationella prov genomförd.", "Likvärdig bedömning mellan klasserna."},
	{"93000302", "merit_value_9", "215", "Fortsätt med språkutvecklande arbetssätt i alla ämnen", dialogue.StatusDone, "Alla lärare har gått utbildningen.", "Meritvärdet har stigit flera år i rad."},
	{"93000303", "merit_value_9", "180", "Åtgärda bristerna i extra anpassningar och särskilt stöd", dialogue.StatusStarted, "Rutinen för extra anpassningar är ny sedan augusti.", "Elevhälsoteamet är fullt bemannat."},
}

// newAction is an action a unit's autumn dialogue agreed, following the
// demo unit picture: a falling or weak indicator with a target a little
// above the unit's latest value (2025/26, published on 1 October 2026
// before the autumn dialogues: the baseline).
type newAction struct {
	title     string
	indicator string
	gain      float64 // the target: the latest value plus this
}

// htActions are the new actions of the autumn round, by unit code.
var htActions = map[string]newAction{
	"92000203": {"Kartläggning av läsförmågan och riktade läsinsatser i årskurs 4–6", "national_test_sve_6", 0.5}, // Sjöviken: falling
	"92000202": {"Matematiklyftet även för lärarna i årskurs 1–3", "national_test_ma_6", 0.5},                     // Björkdalen: flat
	"93000303": {"Extra lärarstöd och mattestuga i årskurs 7–9", "pass_all_subjects_9", 5},                        // Södra: falling
}

// HTActionUnits are the codes of the units whose autumn dialogue agreed a
// new action.
func HTActionUnits() []string {
	out := make([]string, 0, len(htActions))
	for code := range htActions {
		out = append(out, code)
	}
	slices.Sort(out)
	return out
}

// LoadDialogues seeds the demo's quality dialogues: two rounds with every
// grundskola principal (spring: strengths, challenges and an action per
// unit with an indicator measured from DialogueBaseline; autumn: the
// follow-up, with the actions' status and whether their indicators moved,
// from the demo unit picture, and a few new actions, htActions), a staff
// group dialogue, a guardian dialogue,
// the national dialogue, a reading initiative, an injunction from
// Skolinspektionen linked to an action, and a good example. Call it after
// LoadUnitPicture. Idempotent: nothing happens when dialogues exist.
func LoadDialogues(ctx context.Context, db store.Q) error {
	var n int
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM dialogues").Scan(&n); err != nil || n > 0 {
		return err
	}
	var chief auth.Principal
	if err := db.QueryRow(ctx, "SELECT id, name, email FROM users WHERE email = ?", "skolchef@exempelby.example").
		Scan(&chief.UserID, &chief.Name, &chief.Email); err != nil {
		return fmt.Errorf("demo dialogues: %w", err)
	}
	chief.Role = auth.RoleOfficer
	ctx = auth.WithPrincipal(ctx, &chief)
	if err := dialogue.Seed(ctx, db, dialogueDay("2026-01-15")); err != nil {
		return err
	}
	types := map[string]int64{}
	list, err := dialogue.Types(ctx, db)
	if err != nil {
		return err
	}
	for _, t := range list {
		types[t.Key] = t.ID
	}
	ids := map[string]int64{}
	for _, u := range dialogueUnits {
		var id int64
		if err := db.QueryRow(ctx, "SELECT id FROM units WHERE unit_code = ?", u.code).Scan(&id); err != nil {
			return fmt.Errorf("demo dialogue unit %s: %w", u.code, err)
		}
		ids[u.code] = id
	}
	principalOf := map[string]personSpec{}
	for _, p := range people {
		if p.role == auth.RolePrincipal {
			for _, u := range p.units {
				principalOf[u] = p
			}
		}
	}
	finding, err := dialogue.AddFinding(ctx, db, dialogue.FindingInput{UnitID: ids["93000303"], Kind: dialogue.FindingInjunction,
		Reference: "SI 2025:8812", DecidedOn: "2026-02-10", Deadline: "2026-08-31",
		Summary: "Skolinspektionen förelägger huvudmannen att se till att elever i behov av extra anpassningar och särskilt stöd får det skyndsamt."}, dialogueDay("2026-02-12"))
	if err != nil {
		return fmt.Errorf("demo finding: %w", err)
	}
	initiative, err := dialogue.AddInitiative(ctx, db, dialogue.InitiativeInput{Name: "Läslyftet i Exempelby",
		Description: "Kollegialt lärande om läsundervisning i årskurs 1–6, med handledare från skolbiblioteken.", StartYear: "2022/23",
		Indicator: "pass_all_subjects_6", UnitIDs: []int64{ids["92000205"], ids["92000206"], ids["92000204"]}}, dialogueDay("2022-08-15"))
	if err != nil {
		return fmt.Errorf("demo initiative: %w", err)
	}
	actionIDs := map[string]int64{}
	for round, term := range DialogueRounds {
		month := "03"
		if round == 1 {
			month = "10"
		}
		for i, u := range dialogueUnits {
			id := ids[u.code]
			date := fmt.Sprintf("2026-%s-%02d", month, 2+i*2)
			var name string
			if err := db.QueryRow(ctx, "SELECT name FROM units WHERE id = ?", id).Scan(&name); err != nil {
				return err
			}
			did, err := dialogue.Create(ctx, db, dialogue.Input{TypeID: types[dialogue.KindPrincipal], Title: "Kvalitetsdialog " + term + " – " + name,
				HeldOn: date, UnitIDs: []int64{id}}, dialogueDay(date))
			if err != nil {
				return fmt.Errorf("demo dialogue %s: %w", name, err)
			}
			for _, p := range []dialogue.ParticipantInput{
				{Role: dialogue.RoleOfficial, Email: "skolchef@exempelby.example"},
				{Role: dialogue.RolePolitician, Email: "ordforande@exempelby.example"},
				{Role: dialogue.RolePrincipal, Email: principalOf[u.code].email},
			} {
				if _, err := dialogue.AddParticipant(ctx, db, did, p, dialogueDay(date)); err != nil {
					return fmt.Errorf("demo participant: %w", err)
				}
			}
			m := dialogue.Minutes{
				Strengths:  "Rektorn beskrev vad enheten är stolt över och vad som gör att det fungerar.",
				Challenges: "Vi gick igenom utmaningarna i enhetsbilden och vad som ligger bakom dem.",
				Questions:  "Vad behöver ni från förvaltningen? Hur vet vi nästa gång att vi har rört oss?",
				Actions:    u.action + ".",
				Decisions:  "Åtgärden följs upp vid nästa kvalitetsdialog.",
			}
			if round == 1 {
				m.Wins = u.win
				m.Actions = "Uppföljning av vårens åtgärd: " + u.action + "."
				if na, ok := htActions[u.code]; ok {
					m.Actions += " Ny åtgärd: " + na.title + "."
				}
			}
			if err := dialogue.Record(ctx, db, did, m, true, dialogueDay(date)); err != nil {
				return fmt.Errorf("demo minutes: %w", err)
			}
			if round == 0 {
				// The baseline is the last value published before the
				// dialogue (2024/25); the follow-up is 2025/26.
				in := dialogue.ActionInput{UnitID: id, Title: u.action, Owner: principalOf[u.code].name, Due: "2026-09-30",
					Indicators: []dialogue.IndicatorInput{{Key: u.indicator, Target: u.target}}}
				if u.code == "93000303" {
					in.FindingID = finding
				}
				if u.code == "92000205" || u.code == "92000206" || u.code == "92000204" {
					in.InitiativeID = initiative
				}
				aid, err := dialogue.AddAction(ctx, db, did, in, dialogueDay(date))
				if err != nil {
					return fmt.Errorf("demo action %s: %w", name, err)
				}
				actionIDs[u.code] = aid
				continue
			}
			aid := actionIDs[u.code]
			if err := dialogue.AddComment(ctx, db, aid, u.comment, dialogueDay(date)); err != nil {
				return err
			}
			if na, ok := htActions[u.code]; ok {
				var latest float64
				if err := db.QueryRow(ctx, `SELECT v.value FROM indicator_values v JOIN indicators i ON i.id = v.indicator_id
					WHERE i.key = ? AND v.unit_code = ? AND v.grp = 'all' AND v.value IS NOT NULL ORDER BY v.year_start DESC LIMIT 1`,
					na.indicator, u.code).Scan(&latest); err != nil {
					return fmt.Errorf("demo autumn action %s: %w", name, err)
				}
				target := strconv.FormatFloat(math.Round((latest+na.gain)*10)/10, 'f', 1, 64)
				if _, err := dialogue.AddAction(ctx, db, did, dialogue.ActionInput{UnitID: id, Title: na.title, Owner: principalOf[u.code].name,
					Due: "2027-06-15", Indicators: []dialogue.IndicatorInput{{Key: na.indicator, Target: target}}}, dialogueDay(date)); err != nil {
					return fmt.Errorf("demo autumn action %s: %w", name, err)
				}
			}
			if u.status != dialogue.StatusPlanned {
				if err := dialogue.SetStatus(ctx, db, aid, u.status, dialogueDay(date)); err != nil {
					return err
				}
			}
		}
	}
	// A staff group at Ekbacka, a guardian dialogue and the national dialogue.
	ekbacka, tallmo := ids["92000201"], ids["92000205"]
	staff, err := dialogue.Create(ctx, db, dialogue.Input{TypeID: types[dialogue.KindStaff], Title: "Personalgruppsdialog Ekbacka VT 2026",
		HeldOn: "2026-04-14", UnitIDs: []int64{ekbacka}}, dialogueDay("2026-04-01"))
	if err != nil {
		return err
	}
	for _, p := range []dialogue.ParticipantInput{
		{Role: dialogue.RolePrincipal, Email: "rektor.ekbacka@exempelby.example"},
		{Role: dialogue.RoleStaff, Email: "larare.ekbacka@exempelby.example"},
		{Role: dialogue.RoleStaff, Name: "Fritidspedagog, Ekbacka"},
		{Role: dialogue.RoleStaff, Name: "Speciallärare, Ekbacka"},
	} {
		if _, err := dialogue.AddParticipant(ctx, db, staff, p, dialogueDay("2026-04-01")); err != nil {
			return err
		}
	}
	if err := dialogue.Record(ctx, db, staff, dialogue.Minutes{
		Strengths: "Vad gör att vi lyckas? Gemensam planering, tydliga rutiner och att vi delar material.",
		Questions: "Hur kan vi arbeta förebyggande? Fånga upp frånvaro tidigt och samarbeta med fritidshemmet.",
		Wins:      "Elevernas trygghet är hög enligt enkäten."}, true, dialogueDay("2026-04-14")); err != nil {
		return err
	}
	guardian, err := dialogue.Create(ctx, db, dialogue.Input{TypeID: types[dialogue.KindGuardian], Title: "Vårdnadshavardialog: kommunikation",
		HeldOn: "2026-09-22", Theme: "Kommunikation", UnitIDs: []int64{tallmo}}, dialogueDay("2026-09-01"))
	if err != nil {
		return err
	}
	for _, p := range []dialogue.ParticipantInput{
		{Role: dialogue.RolePolitician, Name: "Karl Ledamotsson"},
		{Role: dialogue.RolePrincipal, Email: "rektor.tallmo@exempelby.example"},
		{Role: dialogue.RoleGuardian, Name: "Vårdnadshavare 1"},
		{Role: dialogue.RoleGuardian, Name: "Vårdnadshavare 2"},
	} {
		if _, err := dialogue.AddParticipant(ctx, db, guardian, p, dialogueDay("2026-09-01")); err != nil {
			return err
		}
	}
	if err := dialogue.Record(ctx, db, guardian, dialogue.Minutes{
		Strengths:  "Veckobreven uppskattas.",
		Challenges: "Information om förändringar kommer sent.",
		Decisions:  "Skolan skickar ut information om schemaändringar minst en vecka i förväg."}, true, dialogueDay("2026-09-22")); err != nil {
		return err
	}
	var all []int64
	for _, u := range dialogueUnits {
		all = append(all, ids[u.code])
	}
	national, err := dialogue.Create(ctx, db, dialogue.Input{TypeID: types[dialogue.KindNational], Title: "Nationell kvalitetsdialog 2026",
		HeldOn: "2026-11-10", UnitIDs: all}, dialogueDay("2026-10-15"))
	if err != nil {
		return err
	}
	for _, p := range []dialogue.ParticipantInput{
		{Role: dialogue.RoleAgency, Name: "Skolverket"}, {Role: dialogue.RoleAgency, Name: "SPSM"},
		{Role: dialogue.RoleOfficial, Email: "skolchef@exempelby.example"}, {Role: dialogue.RolePolitician, Email: "ordforande@exempelby.example"},
	} {
		if _, err := dialogue.AddParticipant(ctx, db, national, p, dialogueDay("2026-10-15")); err != nil {
			return err
		}
	}
	if err := dialogue.Record(ctx, db, national, dialogue.Minutes{
		AnalysisPack:     "Analyspaketet visar stora skillnader i meritvärde mellan skolorna och att resultaten i Södra skolan ligger under det förväntade.",
		DevelopmentAreas: "1. Likvärdighet mellan skolorna. 2. Tillgängliga lärmiljöer (SPSM:s värderingsverktyg i alla skolor).",
		Strengths:        "Uppföljningen av åtgärder är systematisk.",
		Decisions:        "Huvudmannen tar fram en handlingsplan för tillgängliga lärmiljöer."}, true, dialogueDay("2026-11-10")); err != nil {
		return err
	}
	_, err = dialogue.PublishExample(ctx, db, dialogue.Example{Title: "Tydlig lektionsstruktur för studiero",
		Summary:  "Alla lärare använder samma struktur: mål på tavlan, genomgång, eget arbete och sammanfattning.",
		Approach: "Kollegialt lärande under ett läsår, med auskultationer mellan klasserna.",
		Results:  "Andelen elever med godkänt i alla ämnen i årskurs 6 steg över flera år.", SchoolForm: "grundskola",
		Indicators: []string{"pass_all_subjects_6"}}, dialogueDay("2026-10-20"))
	return err
}

// dialogueDay is a civil date at nine in the morning, Stockholm time.
func dialogueDay(date string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly+" 15:04", date+" 09:00", civil.Zone)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}
