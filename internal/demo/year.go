package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/complaint/report"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/meeting"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// YearCases is how many complaint cases LoadYear generates: spread over
// the two years before now (so that the board report has a year to
// compare with), about what an organizer with twenty units gets.
const YearCases = 1200

// yearSeed makes the demo's year the same every time, relative to now.
const yearSeed = 2026

// Rising are the categories that rise over the demo's last year, and by
// how much more often they come in at the end of it than at its start.
// Meals rise enough for the board report's rise test to flag them; safety
// rises less, as a real organizer's figures also hold changes that may be
// chance.
var Rising = map[string]float64{"meals": 1.6, "safety": 0.5}

// LoadYear gives a loaded demo organizer a year of life, as of now: about
// two years of complaint cases (GenerateCases' seasonal pattern, with the
// Rising categories, a few overdue, some about a principal, some secret),
// principals' meetings held every other week in term time over the last
// year with units presented, notes drawn from each meeting's own agenda
// and follow-ups, the next meeting planned, and the officer's analysis
// saved for the board report's default period, written from the report's
// own figures. Each part is skipped when the database already has it, so
// LoadYear may run again.
func LoadYear(ctx context.Context, db *store.DB, now time.Time) error {
	n, err := CaseCount(ctx, db)
	if err != nil {
		return err
	}
	if n == 0 {
		if err := generateCases(ctx, db, YearCases, yearSeed, now, Rising); err != nil {
			return err
		}
	}
	officer, err := demoPrincipal(ctx, db, "klagomal@exempelby.example", auth.RoleOfficer)
	if err != nil {
		return err
	}
	ctx = auth.WithPrincipal(ctx, officer)
	if err := loadMeetings(ctx, db, now); err != nil {
		return fmt.Errorf("demo meetings: %w", err)
	}
	if err := saveAnalysis(ctx, db, now); err != nil {
		return fmt.Errorf("demo board report: %w", err)
	}
	return LoadSchoolChoice(ctx, db, now)
}

// demoPrincipal signs in a demo person for loading.
func demoPrincipal(ctx context.Context, q store.Q, email string, role auth.Role) (*auth.Principal, error) {
	p := &auth.Principal{Role: role}
	if err := q.QueryRow(ctx, "SELECT id, name, email FROM users WHERE email = ?", email).
		Scan(&p.UserID, &p.Name, &p.Email); err != nil {
		return nil, fmt.Errorf("demo: %s: %w", email, err)
	}
	return p, nil
}

// meetingDays returns the days of the principals' meetings: every other
// Thursday, the latest at least three days before now, back a year,
// without the summer holiday (weeks 26–32) and the Christmas weeks; and
// the next meeting, planned two weeks after the latest.
func meetingDays(now time.Time) (held []time.Time, next time.Time) {
	local := now.In(civil.Zone)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -3)
	for day.Weekday() != time.Thursday {
		day = day.AddDate(0, 0, -1)
	}
	next = day.AddDate(0, 0, 14)
	yearAgo := day.AddDate(-1, 0, 0)
	for d := day; d.After(yearAgo); d = d.AddDate(0, 0, -14) {
		if _, week := d.ISOWeek(); (week >= 26 && week <= 32) || week >= 52 || week == 1 {
			continue
		}
		held = append([]time.Time{d}, held...)
	}
	return held, next
}

// loadMeetings holds the year's principals' meetings, unless there are
// meetings already.
func loadMeetings(ctx context.Context, db *store.DB, now time.Time) error {
	var have int
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM meetings").Scan(&have); err != nil || have > 0 {
		return err
	}
	held, next := meetingDays(now)
	rng := rand.New(rand.NewPCG(yearSeed, 0x6d65_6574))
	principals, err := unitPrincipals(ctx, db)
	if err != nil {
		return err
	}
	for _, day := range held {
		if err := holdMeeting(ctx, db, day, now, rng, principals); err != nil {
			return err
		}
	}
	in, err := meeting.Defaults(ctx, db, now)
	if err != nil {
		return err
	}
	in.Title, in.HeldOn = meetingTitle(next), next.Format(time.DateOnly)
	in.From, in.To = next.AddDate(0, 0, -14).Format(time.DateOnly), next.AddDate(0, 0, -1).Format(time.DateOnly)
	_, err = meeting.Create(ctx, db, in, now)
	return err
}

func meetingTitle(day time.Time) string {
	_, week := day.ISOWeek()
	return fmt.Sprintf("Rektorsmöte vecka %d", week)
}

// holdMeeting creates the meeting held on day (about the two weeks
// before it), marks most units presented, notes what the agenda shows
// and adds a follow-up where cases are overdue; follow-ups due before now
// are mostly done.
func holdMeeting(ctx context.Context, db *store.DB, day, now time.Time, rng *rand.Rand, principals map[int64]string) error {
	at := time.Date(day.Year(), day.Month(), day.Day(), 15, 0, 0, 0, civil.Zone)
	in, err := meeting.Defaults(ctx, db, at)
	if err != nil {
		return err
	}
	in.Title = meetingTitle(day)
	in.HeldOn = day.Format(time.DateOnly)
	in.From, in.To = day.AddDate(0, 0, -14).Format(time.DateOnly), day.AddDate(0, 0, -1).Format(time.DateOnly)
	id, err := meeting.Create(ctx, db, in, at)
	if err != nil {
		return err
	}
	agenda, err := meeting.GetAgenda(ctx, db, id, at)
	if err != nil {
		return err
	}
	var overdue, fresh int
	for _, s := range agenda.Sections {
		overdue += s.Counts.Overdue
		fresh += s.Counts.New
		if s.Unit == nil {
			continue
		}
		unit := s.Unit.UnitID
		if rng.Float64() < 0.1 {
			continue // the principal could not come
		}
		if err := meeting.MarkPresented(ctx, db, id, unit, true, at); err != nil {
			return err
		}
		if note := unitNote(s.Counts); note != "" {
			if err := meeting.SaveUnitNotes(ctx, db, id, unit, note, at); err != nil {
				return err
			}
		}
		if s.Counts.Overdue == 0 {
			continue
		}
		due := day.AddDate(0, 0, 14).Format(time.DateOnly)
		fid, err := meeting.AddFollowup(ctx, db, id, meeting.FollowupInput{
			Text:   "Gå igenom de försenade ärendena och meddela klagomålshandläggaren när de är besvarade.",
			UnitID: unit, Owner: principals[unit], Due: due,
		}, at)
		if err != nil {
			return err
		}
		if due < now.In(civil.Zone).Format(time.DateOnly) && rng.Float64() < 0.8 {
			if err := meeting.SetFollowupDone(ctx, db, id, fid, true, at.AddDate(0, 0, 14)); err != nil {
				return err
			}
		}
	}
	notes := fmt.Sprintf("%s under perioden, %s. Rektorerna gick igenom sina enheters ärenden.",
		plural(fresh, "nytt ärende", "nya ärenden"), plural(overdue, "försenat", "försenade"))
	return meeting.SaveNotes(ctx, db, id, notes, at)
}

// unitNote is what the minutes say about a unit, from its figures only.
func unitNote(c meeting.Counts) string {
	switch {
	case c.Overdue > 0:
		return fmt.Sprintf("%s. Rektorn återkommer till nästa möte.", plural(c.Overdue, "försenat ärende", "försenade ärenden"))
	case c.New == 0 && c.Open == 0:
		return "Inga nya eller öppna ärenden."
	case c.New > 0:
		return fmt.Sprintf("%s, %s.", plural(c.New, "nytt ärende", "nya ärenden"), plural(c.Closed, "avslutat", "avslutade"))
	}
	return ""
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// unitPrincipals maps each unit to the name of its principal.
func unitPrincipals(ctx context.Context, q store.Q) (map[int64]string, error) {
	rows, err := q.Query(ctx, `SELECT l.unit_id, u.name FROM user_units l JOIN users u ON u.id = l.user_id
		WHERE u.role = 'principal' AND u.active ORDER BY l.unit_id, u.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		if _, ok := out[id]; !ok {
			out[id] = name
		}
	}
	return out, rows.Err()
}

// saveAnalysis writes the officer's analysis for the board report's
// default period from the report's own figures, unless one is saved.
func saveAnalysis(ctx context.Context, db *store.DB, now time.Time) error {
	catalog, err := i18n.Load()
	if err != nil {
		return err
	}
	p := report.DefaultPeriod(now)
	rep, err := report.Build(ctx, db, report.Options{Period: p, Now: now, L: catalog.For("sv")})
	if err != nil {
		return err
	}
	if rep.Analysis != "" {
		return nil
	}
	return report.SaveAnalysis(ctx, db, p, AnalysisText(rep), now)
}

// AnalysisText is the demo officer's analysis of a report: what the
// figures say, nothing they do not.
func AnalysisText(rep *report.Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Under perioden kom %s in, mot %s samma period året innan.",
		plural(rep.Total.Count.N(), "synpunkt eller klagomål", "synpunkter och klagomål"), i18n.Int("sv", rep.Total.Previous.N()))
	var rises []string
	for _, r := range rep.Categories {
		if r.Rise {
			rises = append(rises, fmt.Sprintf("%s (%s mot %s)", r.Label, i18n.Int("sv", r.Count.N()), i18n.Int("sv", r.Previous.N())))
		}
	}
	switch len(rises) {
	case 0:
		b.WriteString(" Ingen kategori ökade mer än slumpen kan förklara.")
	default:
		fmt.Fprintf(&b, " Ökningen inom %s är större än slumpen kan förklara och tas upp på rektorsmötena under nästa period.",
			strings.Join(rises, " och "))
	}
	if _, ok := rep.Answer.Share.Value(); ok {
		fmt.Fprintf(&b, " Av de klagomål som besvarats eller passerat svarstiden besvarades %s inom %d arbetsdagar.",
			rep.Answer.Share.Percent("sv"), rep.AnswerDays)
	}
	return b.String()
}
