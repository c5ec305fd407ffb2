package dialogue

import (
	"context"
	"slices"

	"github.com/styrkedjan/styrkedjan/internal/export"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// The accessibility self-assessment in the dialogues (issue 16; package
// accessibility owns it and imports this one, so this file reads its
// tables directly): the follow-up of actions made from weak statements,
// the organizer's summary per area in the national dialogue's analysis
// pack, and the staff groups' answers in a staff dialogue's pack.

// Movement of a statement's gathered level between two rounds. A
// self-assessment has no margin of error to test against: pages say
// higher, the same or lower, and nothing more.
const (
	AccessUp      = "up"
	AccessSame    = "same"
	AccessDown    = "down"
	AccessPending = "pending" // no later round of the unit has gathered the statement yet
)

// AccessFollowUp is the follow-up of an action made from a statement of
// the self-assessment: the gathered level it started from and the same
// statement's gathered level in the unit's next round.
type AccessFollowUp struct {
	ActionID     int64
	RoundID      int64
	SchoolYear   string
	StatementKey string
	StatementSV  string
	StatementEN  string
	Baseline     int
	NextRoundID  int64
	NextYear     string
	Next         int // 0 while AccessPending
	Movement     string
}

// Statement is the statement's text in lang.
func (f AccessFollowUp) Statement(lang string) string {
	if lang == "en" && f.StatementEN != "" {
		return f.StatementEN
	}
	return f.StatementSV
}

// Line writes the follow-up in one line.
func (f AccessFollowUp) Line(t Translate) string {
	if f.Movement == AccessPending {
		return t("dialogue.access.pending", "Level", f.Baseline, "Year", f.SchoolYear)
	}
	return t("dialogue.access."+f.Movement, "Level", f.Baseline, "Year", f.SchoolYear, "Next", f.Next, "NextYear", f.NextYear)
}

// AccessFollowUps returns, by action ID, the follow-up of those of the
// actions that came from the self-assessment: the gathered level of the
// same statement key in the unit's first later round that gathered it.
// Callers pass actions they may already see; only levels, no answers.
func AccessFollowUps(ctx context.Context, q store.Q, actionIDs []int64) (map[int64]AccessFollowUp, error) {
	out := map[int64]AccessFollowUp{}
	if len(actionIDs) == 0 {
		return out, nil
	}
	rows, err := q.Query(ctx, `SELECT l.action_id, l.round_id, r.school_year, r.unit_id, s.key, s.text_sv, s.text_en, l.baseline_level
		FROM access_action_links l JOIN access_rounds r ON r.id = l.round_id JOIN access_statements s ON s.id = l.statement_id
		WHERE l.action_id IN (`+store.Placeholders(len(actionIDs))+`)`, anys(actionIDs)...)
	if err != nil {
		return nil, err
	}
	type pending struct {
		f      AccessFollowUp
		unitID int64
	}
	var list []pending
	for rows.Next() {
		var p pending
		if err := rows.Scan(&p.f.ActionID, &p.f.RoundID, &p.f.SchoolYear, &p.unitID, &p.f.StatementKey,
			&p.f.StatementSV, &p.f.StatementEN, &p.f.Baseline); err != nil {
			rows.Close()
			return nil, err
		}
		list = append(list, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, p := range list {
		f := p.f
		f.Movement = AccessPending
		err := q.QueryRow(ctx, `SELECT r.id, r.school_year, g.level FROM access_rounds r
			JOIN access_gathered g ON g.round_id = r.id JOIN access_statements s ON s.id = g.statement_id
			WHERE r.unit_id = ? AND s.key = ? AND r.id > ?
			ORDER BY r.id LIMIT 1`, p.unitID, f.StatementKey, f.RoundID).Scan(&f.NextRoundID, &f.NextYear, &f.Next)
		switch {
		case store.IsNotFound(err):
		case err != nil:
			return nil, err
		case f.Next > f.Baseline:
			f.Movement = AccessUp
		case f.Next < f.Baseline:
			f.Movement = AccessDown
		default:
			f.Movement = AccessSame
		}
		out[f.ActionID] = f
	}
	return out, nil
}

// AccessArea is one area of the self-assessment over the organizer's
// units in a school year: how many units gathered it and the lowest,
// median and highest of their area means (1–5). No unit is named.
type AccessArea struct {
	Key               string // the indicator's key
	NameSV, NameEN    string
	Units             int
	Low, Median, High float64
}

// Name is the area indicator's name in lang.
func (a AccessArea) Name(lang string) string {
	if lang == "en" && a.NameEN != "" {
		return a.NameEN
	}
	return a.NameSV
}

// AccessSummary is the organizer's self-assessment in its latest school
// year, for the national dialogue's analysis pack.
type AccessSummary struct {
	SchoolYear string
	Areas      []AccessArea
}

// accessSummary reads the indicators of source "accessibility" for the
// latest school year that has any; nil when there are none.
func accessSummary(ctx context.Context, q store.Q) (*AccessSummary, error) {
	var year string
	err := q.QueryRow(ctx, `SELECT v.school_year FROM indicator_values v JOIN indicators i ON i.id = v.indicator_id
		WHERE i.source = 'accessibility' AND v.value IS NOT NULL ORDER BY v.year_start DESC LIMIT 1`).Scan(&year)
	if store.IsNotFound(err) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT i.key, i.name_sv, i.name_en, v.value FROM indicator_values v JOIN indicators i ON i.id = v.indicator_id
		WHERE i.source = 'accessibility' AND v.value IS NOT NULL AND v.school_year = ? AND v.grp = 'all' ORDER BY i.id`, year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	s := &AccessSummary{SchoolYear: year}
	values := map[string][]float64{}
	for rows.Next() {
		var a AccessArea
		var x float64
		if err := rows.Scan(&a.Key, &a.NameSV, &a.NameEN, &x); err != nil {
			return nil, err
		}
		if values[a.Key] == nil {
			s.Areas = append(s.Areas, a)
		}
		values[a.Key] = append(values[a.Key], x)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range s.Areas {
		xs := values[s.Areas[i].Key]
		slices.Sort(xs)
		m := xs[len(xs)/2]
		if len(xs)%2 == 0 {
			m = (xs[len(xs)/2-1] + xs[len(xs)/2]) / 2
		}
		s.Areas[i].Units, s.Areas[i].Low, s.Areas[i].Median, s.Areas[i].High = len(xs), xs[0], m, xs[len(xs)-1]
	}
	return s, nil
}

// addAccessibility fills a pack's self-assessment parts: the organizer's
// summary per area for the national dialogue, the staff groups' answers
// for a staff dialogue, and the follow-up of earlier actions that came
// from the self-assessment.
func (pk *Pack) addAccessibility(ctx context.Context, q store.Q) error {
	var err error
	switch pk.Dialogue.Type.Kind {
	case KindNational:
		if pk.Accessibility, err = accessSummary(ctx, q); err != nil {
			return err
		}
	case KindStaff:
		if pk.StaffGroups, err = staffGroups(ctx, q, pk.Dialogue.ID); err != nil {
			return err
		}
	}
	var ids []int64
	for _, u := range pk.Units {
		for _, a := range u.EarlierActions {
			ids = append(ids, a.ID)
		}
	}
	pk.AccessFollowUps, err = AccessFollowUps(ctx, q, ids)
	return err
}

// accessibilityPDF writes the pack's self-assessment parts.
func (pk *Pack) accessibilityPDF(d *export.Doc, t Translate) {
	lang := pk.Lang
	if s := pk.Accessibility; s != nil {
		d.Heading(t("dialogue.access.summary", "Year", s.SchoolYear), 12)
		d.Para(t("dialogue.access.summary_about"), 9, "I")
		for _, a := range s.Areas {
			d.Bullet(t("dialogue.access.area_line", "Area", a.Name(lang), "Units", a.Units,
				"Low", FormatValue(a.Low, lang), "Median", FormatValue(a.Median, lang), "High", FormatValue(a.High, lang)))
		}
	}
	if pk.Dialogue.Type.Kind == KindStaff {
		d.Heading(t("dialogue.groups.title"), 12)
		answered := 0
		for _, g := range pk.StaffGroups {
			if !g.Answered() {
				continue
			}
			answered++
			d.Heading(t("dialogue.groups.group", "Label", g.Label, "Members", g.Members), 11)
			d.Para(t("dialogue.groups.q_succeed"), 10, "B")
			d.Para(g.Succeed, 10, "")
			d.Para(t("dialogue.groups.q_prevent"), 10, "B")
			d.Para(g.Prevent, 10, "")
		}
		if answered == 0 {
			d.Para(t("dialogue.groups.none"), 10, "I")
		}
	}
}

// AccessFollowUp returns the self-assessment follow-up of an earlier
// action in the pack, or nil.
func (pk *Pack) AccessFollowUp(actionID int64) *AccessFollowUp {
	if f, ok := pk.AccessFollowUps[actionID]; ok {
		return &f
	}
	return nil
}
