package dialogue

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/stats"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture"
)

// MaxProfileRows is how many strengths and challenges a pack shows per unit.
const MaxProfileRows = 5

// Question is a suggested follow-up question: a message ID with its
// arguments, or a literal text from the type's template.
type Question struct {
	MsgID     string
	Indicator string // the indicator's name in the pack's language
	Action    string // an earlier action's title
	Text      string // the template's own wording
	Years     string // the school years after the action the verdict rests on
	Date      string // when the next value is expected
	// Row is the strength or challenge the question is about.
	Row *unitpicture.ProfileRow
}

// Args are the question's message arguments in lang: the figures the
// question rests on are written with their units.
func (q Question) Args(lang string, t Translate) []any {
	args := []any{"Indicator", q.Indicator, "Action", q.Action, "Years", q.Years, "Date", q.Date}
	if q.Row != nil {
		args = append(args, "Value", PointText(q.Row.Indicator, q.Row.Latest, lang, t), "Reason", reasons(q.Row.Reasons, t))
	}
	return args
}

// CategoryCount is one complaint category's cases at a unit.
type CategoryCount struct {
	Code, Name   string
	Count, Prior int
}

// ComplaintSummary is a unit's complaints in the twelve months before the
// dialogue against the twelve months before that: counts per category
// only, never a case or a person. Cases that concern the principal are
// left out, as at the principals' meetings.
type ComplaintSummary struct {
	From, To     string
	Total, Prior int
	Rise         bool // a rise unlikely to be chance (stats.Rise, the board report's rule)
	Categories   []CategoryCount
}

// UnitPack is the preparation for one unit.
type UnitPack struct {
	Unit UnitRef
	// Picture says whether the unit picture could be shown to the viewer
	// (the viewer's role may not read it).
	Picture        bool
	Strengths      []unitpicture.ProfileRow
	Challenges     []unitpicture.ProfileRow
	Temperature    []unitpicture.ProfileRow // pulse-survey indexes (temperature.go)
	Complaints     ComplaintSummary
	EarlierActions []Action
	Questions      []Question
}

// Pack is the preparation pack of a dialogue: per unit, strengths first,
// then challenges, the complaint summary, earlier actions and whether
// they moved, and suggested follow-up questions; then the type's own
// questions.
type Pack struct {
	Dialogue  *Dialogue
	Lang      string
	Units     []UnitPack
	Questions []string // the type's template
	Generated time.Time
	// The self-assessment (accessibility.go): the organizer's summary per
	// area (national dialogue), the staff groups' answers (staff
	// dialogue), the follow-up of earlier actions made from statements.
	Accessibility   *AccessSummary
	StaffGroups     []StaffGroup
	AccessFollowUps map[int64]AccessFollowUp
}

// Prepare builds the preparation pack of a dialogue the context principal
// may see, in lang, and audits the read (it lists earlier actions).
func Prepare(ctx context.Context, db store.Q, id int64, lang string, now time.Time) (*Pack, error) {
	d, err := load(ctx, db, id)
	if err != nil {
		return nil, err
	}
	p := auth.FromContext(ctx)
	pk := &Pack{Dialogue: d, Lang: lang, Questions: d.Type.Questions, Generated: now}
	cats, err := org.Categories(ctx, db)
	if err != nil {
		return nil, err
	}
	catName := map[string]string{}
	for _, c := range cats {
		catName[c.Code] = c.Name(lang)
	}
	for _, u := range d.Units {
		up := UnitPack{Unit: u}
		prof, err := unitpicture.UnitProfile(ctx, db, p, u.ID, "")
		switch code := app.Code(err); {
		case err == nil:
			up.Picture = true
			up.Strengths, up.Challenges = first(prof.Strengths(), MaxProfileRows), first(prof.Challenges(), MaxProfileRows)
			up.Temperature = Temperature(prof)
		case code == app.EFORBIDDEN || code == app.ENOTFOUND:
		default:
			return nil, err
		}
		if up.Complaints, err = complaintSummary(ctx, db, u.ID, d.HeldOn, catName); err != nil {
			return nil, err
		}
		if up.EarlierActions, err = earlier(ctx, db, d, u.ID); err != nil {
			return nil, err
		}
		up.Questions = suggest(up, lang)
		pk.Units = append(pk.Units, up)
	}
	if err := pk.addAccessibility(ctx, db); err != nil {
		return nil, err
	}
	return pk, audit.Log(ctx, db, audit.Read, "dialogue", strconv.FormatInt(id, 10), "preparation pack")
}

// earlier returns the actions for a unit decided at dialogues held before
// d that the context principal may see.
func earlier(ctx context.Context, q store.Q, d *Dialogue, unitID int64) ([]Action, error) {
	p := auth.FromContext(ctx)
	cond, args := visible(p)
	return actions(ctx, q, "a.unit_id = ? AND d.held_on < ? AND d.id <> ? AND "+cond, append([]any{unitID, d.HeldOn, d.ID}, args...), p)
}

// EarlierActions returns the actions decided for the dialogue's units at
// earlier dialogues, with their follow-up: what the dialogue follows up.
func EarlierActions(ctx context.Context, q store.Q, d *Dialogue) ([]Action, error) {
	var out []Action
	for _, u := range d.Units {
		list, err := earlier(ctx, q, d, u.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
	}
	return out, nil
}

func first[T any](xs []T, n int) []T {
	if len(xs) > n {
		return xs[:n]
	}
	return xs
}

// suggest proposes follow-up questions: one per top strength (what makes
// it work), per top challenge (what lies behind it, what would prevent
// it), and per earlier action whose indicators did not move or moved the
// wrong way.
func suggest(u UnitPack, lang string) []Question {
	var out []Question
	for _, r := range first(u.Strengths, 2) {
		out = append(out, Question{MsgID: "dialogue.q.strength", Indicator: r.Indicator.Name(lang), Row: &r})
	}
	for _, r := range first(u.Challenges, 2) {
		out = append(out, Question{MsgID: "dialogue.q.challenge", Indicator: r.Indicator.Name(lang), Row: &r})
	}
	for _, a := range u.EarlierActions {
		if a.Status == StatusDropped {
			continue
		}
		for _, i := range a.Indicators {
			q := Question{Indicator: i.Name(lang), Action: a.Title, Years: strings.Join(i.FollowUp.Years, ", "), Date: i.FollowUp.ExpectedOn}
			switch i.FollowUp.Verdict {
			case Moved:
				q.MsgID = "dialogue.q.moved"
			case Worse:
				q.MsgID = "dialogue.q.worse"
			case NotMoved:
				q.MsgID = "dialogue.q.not_moved"
			case NotYetMeasurable:
				q.MsgID = "dialogue.q.not_yet"
			default:
				continue
			}
			out = append(out, q)
		}
	}
	if u.Complaints.Rise {
		out = append(out, Question{MsgID: "dialogue.q.complaints"})
	}
	return out
}

// complaintSummary counts a unit's cases per category in the year before
// the date and the year before that.
func complaintSummary(ctx context.Context, q store.Q, unitID int64, date string, names map[string]string) (ComplaintSummary, error) {
	end, err := civil.Parse(date)
	if err != nil {
		return ComplaintSummary{}, err
	}
	end = end.AddDate(0, 0, 1)
	from, prior := end.AddDate(-1, 0, 0), end.AddDate(-2, 0, 0)
	s := ComplaintSummary{From: from.Format(time.DateOnly), To: date}
	rows, err := q.Query(ctx, `SELECT category_code, SUM(CASE WHEN submitted_at >= ? THEN 1 ELSE 0 END), COUNT(*) FROM complaints
		WHERE unit_id = ? AND NOT concerns_principal AND submitted_at >= ? AND submitted_at < ?
		GROUP BY category_code`, from.UTC(), unitID, prior.UTC(), end.UTC())
	if err != nil {
		return s, err
	}
	defer rows.Close()
	byCode := map[string]*CategoryCount{}
	for rows.Next() {
		var code string
		var current, all int
		if err := rows.Scan(&code, &current, &all); err != nil {
			return s, err
		}
		c := &CategoryCount{Code: code, Name: names[code], Count: current, Prior: all - current}
		if c.Name == "" {
			c.Name = code
		}
		byCode[code] = c
		s.Total += current
		s.Prior += all - current
	}
	if err := rows.Err(); err != nil {
		return s, err
	}
	for _, c := range byCode {
		s.Categories = append(s.Categories, *c)
	}
	sortCategories(s.Categories)
	days := end.Sub(from).Hours() / 24
	pdays := from.Sub(prior).Hours() / 24
	s.Rise = stats.Rise(s.Total, days, s.Prior, pdays)
	return s, nil
}

func sortCategories(cs []CategoryCount) {
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && (cs[j].Count > cs[j-1].Count || (cs[j].Count == cs[j-1].Count && cs[j].Name < cs[j-1].Name)); j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}
