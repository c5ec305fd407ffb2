package dialogue

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture"
)

// Action statuses.
const (
	StatusPlanned = "planned"
	StatusStarted = "started"
	StatusDone    = "done"
	StatusDropped = "dropped"
)

// Statuses lists the action statuses in form order.
var Statuses = []string{StatusPlanned, StatusStarted, StatusDone, StatusDropped}

// MaxIndicators is how many indicators one action may follow.
const MaxIndicators = 5

// Follow-up verdicts of an action's indicator (see Verdict; also
// NotYetMeasurable).
const (
	Moved         = "moved"           // better beyond chance variation since the baseline
	Worse         = "worse"           // worse beyond chance variation
	NotMoved      = "not_moved"       // a difference within chance variation
	TooLittleData = "too_little_data" // a group under 10 pupils, a missing value or no pupil count
	NotTestable   = "not_testable"    // the indicator's kind has no change test (ratios, counts, indexes)
)

// FollowUp is whether one indicator of an action moved, from Verdict.
type FollowUp struct {
	Verdict string `json:"verdict"`
	// Basis is BasisAction (the last value published before the action)
	// or BasisOlder (an older baseline chosen explicitly).
	Basis        string            `json:"basis"`
	BaselineYear string            `json:"baseline_year"`
	Baseline     unitpicture.Point `json:"baseline"`
	// Years are the school years after the action with a value, ascending;
	// Latest is the last of them (or, without any value, the latest year
	// after the action; zero before any).
	Years  []string            `json:"years"`
	Latest unitpicture.Point   `json:"latest"`
	Change *unitpicture.Change `json:"change,omitempty"`
	// TargetMet: the latest value after the action has reached the target
	// (direction-aware).
	TargetMet bool `json:"target_met"`
	// ExpectedOn is, when NotYetMeasurable, the date the next value is
	// expected from its source.
	ExpectedOn string `json:"expected_on,omitempty"`
	// National is the national value in Latest's year, for comparison
	// (filled in where the actions are read; not part of the verdict).
	National *unitpicture.National `json:"national,omitempty"`
}

// ActionIndicator is an indicator an action means to move.
type ActionIndicator struct {
	Key            string                `json:"key"`
	Indicator      unitpicture.Indicator `json:"-"`
	BaselineYear   string                `json:"baseline_year"`
	Baseline       *float64              `json:"baseline"`
	BaselinePupils *int                  `json:"baseline_pupils,omitempty"`
	Target         *float64              `json:"target"`
	FollowUp       FollowUp              `json:"follow_up"`
}

// Name returns the indicator's name in lang (the key when unknown).
func (a ActionIndicator) Name(lang string) string {
	if n := a.Indicator.Name(lang); n != "" {
		return n
	}
	return a.Key
}

// Comment is a remark on an action's progress.
type Comment struct {
	ID        int64     `json:"id"`
	By        string    `json:"by"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
}

// Action is something a dialogue agreed to do.
type Action struct {
	ID             int64             `json:"id"`
	DialogueID     int64             `json:"dialogue_id"`
	DialogueTitle  string            `json:"dialogue_title"`
	DialogueHeldOn string            `json:"dialogue_held_on"`
	UnitID         int64             `json:"unit_id"`
	UnitName       string            `json:"unit_name"`
	Title          string            `json:"title"`
	Owner          string            `json:"owner"`
	Due            string            `json:"due"`
	Status         string            `json:"status"`
	FindingID      *int64            `json:"finding_id,omitempty"`
	InitiativeID   *int64            `json:"initiative_id,omitempty"`
	DoneAt         *time.Time        `json:"done_at,omitempty"`
	Indicators     []ActionIndicator `json:"indicators"`
	Comments       []Comment         `json:"comments"`
	CanEdit        bool              `json:"-"`
}

// Overdue reports whether the action is open past its due date on date today.
func (a Action) Overdue(today string) bool {
	return a.Due != "" && a.Due < today && (a.Status == StatusPlanned || a.Status == StatusStarted)
}

// Moved reports whether any of the action's indicators moved for the better.
func (a Action) Moved() bool {
	return slices.ContainsFunc(a.Indicators, func(i ActionIndicator) bool { return i.FollowUp.Verdict == Moved })
}

// valueAt returns the unit's value of an indicator in one school year
// (group "all"), suppressed below MinPupils pupils; a point with only the
// year when there is none.
func valueAt(ctx context.Context, q store.Q, indicatorID, unitID int64, year string) (unitpicture.Point, error) {
	pt := unitpicture.Point{Year: year}
	err := q.QueryRow(ctx, `SELECT v.year_start, v.value, v.pupils, v.status FROM indicator_values v
		JOIN units u ON u.unit_code = v.unit_code WHERE v.indicator_id = ? AND u.id = ? AND v.grp = 'all' AND v.school_year = ?`,
		indicatorID, unitID, year).Scan(&pt.YearStart, &pt.Value, &pt.Pupils, &pt.Status)
	if store.IsNotFound(err) {
		return pt, nil
	}
	if pt.Pupils != nil && *pt.Pupils < unitpicture.MinPupils {
		pt.Value, pt.Pupils, pt.Suppressed, pt.Status = nil, nil, true, unitpicture.StatusSuppressed
	}
	return pt, err
}

// series returns the unit's values of an indicator (group "all"), every
// year, suppressed below MinPupils pupils.
func series(ctx context.Context, q store.Q, indicatorID, unitID int64) ([]unitpicture.Point, error) {
	rows, err := q.Query(ctx, `SELECT v.school_year, v.year_start, v.value, v.pupils, v.status FROM indicator_values v
		JOIN units u ON u.unit_code = v.unit_code WHERE v.indicator_id = ? AND u.id = ? AND v.grp = 'all' ORDER BY v.year_start`,
		indicatorID, unitID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []unitpicture.Point
	for rows.Next() {
		var pt unitpicture.Point
		if err := rows.Scan(&pt.Year, &pt.YearStart, &pt.Value, &pt.Pupils, &pt.Status); err != nil {
			return nil, err
		}
		if pt.Pupils != nil && *pt.Pupils < unitpicture.MinPupils {
			pt.Value, pt.Pupils, pt.Suppressed, pt.Status = nil, nil, true, unitpicture.StatusSuppressed
		}
		out = append(out, pt)
	}
	return out, rows.Err()
}

// actions reads actions matching cond (on alias a), with indicators,
// follow-up and comments, by unit and id.
func actions(ctx context.Context, q store.Q, cond string, args []any, p *auth.Principal) ([]Action, error) {
	rows, err := q.Query(ctx, `SELECT a.id, a.dialogue_id, d.title, d.held_on, a.unit_id, n.name, a.title, a.owner, a.due, a.status,
			a.finding_id, a.initiative_id, a.done_at
		FROM dialogue_actions a JOIN dialogues d ON d.id = a.dialogue_id JOIN units n ON n.id = a.unit_id
		WHERE `+cond+` ORDER BY d.held_on, a.id LIMIT 5000`, args...)
	if err != nil {
		return nil, err
	}
	var out []Action
	for rows.Next() {
		var a Action
		if err := rows.Scan(&a.ID, &a.DialogueID, &a.DialogueTitle, &a.DialogueHeldOn, &a.UnitID, &a.UnitName, &a.Title, &a.Owner,
			&a.Due, &a.Status, &a.FindingID, &a.InitiativeID, &a.DoneAt); err != nil {
			rows.Close()
			return nil, err
		}
		a.CanEdit = mayEdit(p, []int64{a.UnitID})
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	inds, err := unitpicture.Indicators(ctx, q)
	if err != nil {
		return nil, err
	}
	today := civil.Date(store.Now())
	byKey := map[string]unitpicture.Indicator{}
	for _, i := range inds {
		byKey[i.Key] = i
	}
	for i := range out {
		a := &out[i]
		rows, err := q.Query(ctx, `SELECT indicator_key, baseline_year, baseline_value, baseline_pupils, target FROM action_indicators
			WHERE action_id = ? ORDER BY indicator_key`, a.ID)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var x ActionIndicator
			if err := rows.Scan(&x.Key, &x.BaselineYear, &x.Baseline, &x.BaselinePupils, &x.Target); err != nil {
				rows.Close()
				return nil, err
			}
			x.Indicator = byKey[x.Key]
			a.Indicators = append(a.Indicators, x)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		for j := range a.Indicators {
			x := &a.Indicators[j]
			var ser []unitpicture.Point
			if x.Indicator.ID != 0 {
				if ser, err = series(ctx, q, x.Indicator.ID, a.UnitID); err != nil {
					return nil, err
				}
			}
			x.FollowUp = Verdict(VerdictInput{Indicator: x.Indicator, AgreedOn: a.DialogueHeldOn, BaselineYear: x.BaselineYear,
				Baseline: x.Baseline, BaselinePupils: x.BaselinePupils, Series: ser, Target: x.Target, Today: today})
			if x.Indicator.ID != 0 && x.FollowUp.Latest.Year != "" {
				if x.FollowUp.National, err = unitpicture.NationalValue(ctx, q, x.Indicator.ID, x.FollowUp.Latest.Year); err != nil {
					return nil, err
				}
			}
			// What every page shows as the baseline is the verdict's.
			x.BaselineYear, x.Baseline, x.BaselinePupils = x.FollowUp.BaselineYear, x.FollowUp.Baseline.Value, x.FollowUp.Baseline.Pupils
		}
		crows, err := q.Query(ctx, `SELECT c.id, COALESCE(u.name, ''), c.text, c.created_at FROM action_comments c
			LEFT JOIN users u ON u.id = c.user_id WHERE c.action_id = ? ORDER BY c.id`, a.ID)
		if err != nil {
			return nil, err
		}
		for crows.Next() {
			var c Comment
			if err := crows.Scan(&c.ID, &c.By, &c.Text, &c.CreatedAt); err != nil {
				crows.Close()
				return nil, err
			}
			a.Comments = append(a.Comments, c)
		}
		crows.Close()
		if err := crows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ActionFilter narrows Actions.
type ActionFilter struct {
	UnitID int64  // 0: all in sight
	Status string // "": all
	Before string // only actions of dialogues held before this date ("": all)
}

// Actions returns the actions of the dialogues the context principal may
// see, with their follow-up. Action titles and owners may name people, so
// the read is audited.
func Actions(ctx context.Context, q store.Q, f ActionFilter) ([]Action, error) {
	p := auth.FromContext(ctx)
	cond, args := visible(p)
	if f.UnitID != 0 {
		cond += " AND a.unit_id = ?"
		args = append(args, f.UnitID)
	}
	if f.Status != "" {
		if !slices.Contains(Statuses, f.Status) {
			var v app.Validation
			v.Add("status", "field.choose")
			return nil, v.Err()
		}
		cond += " AND a.status = ?"
		args = append(args, f.Status)
	}
	if f.Before != "" {
		cond += " AND d.held_on < ?"
		args = append(args, f.Before)
	}
	out, err := actions(ctx, q, cond, args, p)
	if err != nil {
		return nil, err
	}
	return out, audit.Log(ctx, q, audit.Read, "dialogue_action", "", strconv.Itoa(len(out))+" actions")
}

// IndicatorInput links an indicator to a new action.
type IndicatorInput struct {
	Key    string
	Target string // a number, decimal comma or point; "" for none
	// BaselineYear is the school year of the baseline ("2023/24"); "" takes
	// the unit's latest value.
	BaselineYear string
}

// ActionInput is a new action.
type ActionInput struct {
	UnitID       int64
	Title        string
	Owner        string
	Due          string
	FindingID    int64 // 0: none
	InitiativeID int64 // 0: none
	Indicators   []IndicatorInput
}

// AddAction records an agreed action on a dialogue for one of its units.
// Each linked indicator's baseline is the unit's value of the last school
// year published before the dialogue (BaselineYearFor), or an older year
// chosen explicitly; a later year is refused (suppressed values give no
// baseline number). Fields:
// "action_unit", "action_title", "action_owner", "action_due",
// "action_finding", "action_initiative", "action_indicator", "action_target".
func AddAction(ctx context.Context, db store.Q, dialogueID int64, in ActionInput, now time.Time) (int64, error) {
	in.Title, in.Owner, in.Due = app.CleanLine(in.Title), app.CleanLine(in.Owner), strings.TrimSpace(in.Due)
	var id int64
	err := store.InTx(ctx, db, func(tx *store.Tx) error {
		d, err := forChange(ctx, tx, dialogueID)
		if err != nil {
			return err
		}
		var v app.Validation
		if !slices.Contains(d.UnitIDs(), in.UnitID) {
			v.Add("action_unit", "field.choose")
		}
		switch {
		case in.Title == "":
			v.Add("action_title", "field.required")
		case app.TooLong(in.Title, MaxLine):
			v.Add("action_title", "field.too_long", map[string]any{"Max": MaxLine})
		}
		if app.TooLong(in.Owner, MaxName) {
			v.Add("action_owner", "field.too_long", map[string]any{"Max": MaxName})
		}
		if in.Due != "" && !validDate(in.Due) {
			v.Add("action_due", "field.date")
		}
		var finding, initiative any
		if in.FindingID != 0 {
			var n int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM inspection_findings WHERE id = ?", in.FindingID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				v.Add("action_finding", "field.choose")
			}
			finding = in.FindingID
		}
		if in.InitiativeID != 0 {
			var n int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM initiatives WHERE id = ?", in.InitiativeID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				v.Add("action_initiative", "field.choose")
			}
			initiative = in.InitiativeID
		}
		type link struct {
			ind    unitpicture.Indicator
			target *float64
			year   string
		}
		var links []link
		seen := map[string]bool{}
		for _, x := range in.Indicators {
			x.Key = strings.TrimSpace(x.Key)
			if x.Key == "" {
				if strings.TrimSpace(x.Target) != "" {
					v.Add("action_indicator", "dialogue.err_target_without_indicator")
				}
				continue
			}
			ind, err := unitpicture.IndicatorByKey(ctx, tx, x.Key)
			if app.Code(err) == app.ENOTFOUND || (err == nil && (ind.Background || seen[x.Key])) {
				v.Add("action_indicator", "field.choose")
				continue
			} else if err != nil {
				return err
			}
			seen[x.Key] = true
			t, ok := ParseNumber(x.Target)
			if !ok {
				v.Add("action_target", "dialogue.err_number")
			}
			x.BaselineYear = strings.TrimSpace(x.BaselineYear)
			if _, ok := unitpicture.YearStart(x.BaselineYear); x.BaselineYear != "" && !ok {
				v.Add("action_baseline_year", "dialogue.err_school_year")
			} else if rule := BaselineYearFor(d.HeldOn); x.BaselineYear != "" && x.BaselineYear > rule {
				v.Add("action_baseline_year", "dialogue.err_baseline_after", map[string]any{"Year": rule, "Date": d.HeldOn})
			}
			links = append(links, link{ind, t, x.BaselineYear})
		}
		if len(links) > MaxIndicators {
			v.Add("action_indicator", "dialogue.err_too_many_indicators", map[string]any{"Max": MaxIndicators})
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO dialogue_actions (dialogue_id, unit_id, title, owner, due, status, finding_id, initiative_id,
				created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			dialogueID, in.UnitID, in.Title, in.Owner, in.Due, StatusPlanned, finding, initiative, now, now).Scan(&id); err != nil {
			return err
		}
		for _, l := range links {
			var base unitpicture.Point
			if l.year == "" {
				l.year = BaselineYearFor(d.HeldOn)
			}
			base, err = valueAt(ctx, tx, l.ind.ID, in.UnitID, l.year)
			if err != nil {
				return err
			}
			var value any
			var pupils any
			if base.Has() {
				value = *base.Value
				if base.Pupils != nil {
					pupils = *base.Pupils
				}
			}
			var target any
			if l.target != nil {
				target = *l.target
			}
			if _, err := tx.Exec(ctx, `INSERT INTO action_indicators (action_id, indicator_key, baseline_year, baseline_value, baseline_pupils, target)
				VALUES (?, ?, ?, ?, ?, ?)`, id, l.ind.Key, base.Year, value, pupils, target); err != nil {
				return err
			}
		}
		if err := touch(ctx, tx, dialogueID, now); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Create, "dialogue_action", strconv.FormatInt(id, 10), "dialogue "+strconv.FormatInt(dialogueID, 10))
	})
	return id, err
}

// ParseNumber reads a number with a decimal comma or point; "" is nil
// and ok.
func ParseNumber(s string) (*float64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	if s == "" {
		return nil, true
	}
	x, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return nil, false
	}
	return &x, true
}

// actionForChange returns an action the context principal may change.
func actionForChange(ctx context.Context, tx *store.Tx, actionID int64) (*Action, error) {
	p := auth.FromContext(ctx)
	cond, args := visible(p)
	list, err := actions(ctx, tx, "a.id = ? AND "+cond, append([]any{actionID}, args...), p)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, app.NotFound()
	}
	if !list[0].CanEdit {
		return nil, app.Forbidden()
	}
	return &list[0], nil
}

// SetStatus changes an action's status. Field: "status".
func SetStatus(ctx context.Context, db store.Q, actionID int64, status string, now time.Time) error {
	return store.InTx(ctx, db, func(tx *store.Tx) error {
		a, err := actionForChange(ctx, tx, actionID)
		if err != nil {
			return err
		}
		if !slices.Contains(Statuses, status) {
			var v app.Validation
			v.Add("status", "field.choose")
			return v.Err()
		}
		var done any
		if status == StatusDone {
			done = now
			if a.DoneAt != nil {
				done = *a.DoneAt
			}
		}
		if _, err := tx.Exec(ctx, "UPDATE dialogue_actions SET status = ?, done_at = ?, updated_at = ? WHERE id = ?", status, done, now, actionID); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Update, "dialogue_action", strconv.FormatInt(actionID, 10), "status "+status)
	})
}

// AddComment adds a comment to an action. Field: "comment".
func AddComment(ctx context.Context, db store.Q, actionID int64, text string, now time.Time) error {
	text = app.CleanText(text)
	return store.InTx(ctx, db, func(tx *store.Tx) error {
		if _, err := actionForChange(ctx, tx, actionID); err != nil {
			return err
		}
		var v app.Validation
		switch {
		case text == "":
			v.Add("comment", "field.required")
		case app.TooLong(text, MaxLine*2):
			v.Add("comment", "field.too_long", map[string]any{"Max": MaxLine * 2})
		}
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "INSERT INTO action_comments (action_id, user_id, text, created_at) VALUES (?, ?, ?, ?)",
			actionID, auth.FromContext(ctx).UserID, text, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE dialogue_actions SET updated_at = ? WHERE id = ?", now, actionID); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Update, "dialogue_action", strconv.FormatInt(actionID, 10), "comment")
	})
}
