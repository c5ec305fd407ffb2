package dialogue

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture"
)

// ActionEdit is the new wording of an agreed action. Indicators replaces
// the action's linked indicators (rows with an empty key are skipped): a
// kept indicator with the same baseline year keeps its stored baseline; a
// new one, or one with another baseline year, takes the unit's value of
// that year ("" = the latest).
type ActionEdit struct {
	Title      string
	Owner      string
	Due        string
	Indicators []IndicatorInput
}

// Edit form fields (UpdateAction's validation names them): EditIndicator,
// EditTarget and EditBaselineYear take the row number.
const (
	FieldEditTitle = "edit_title"
	FieldEditOwner = "edit_owner"
	FieldEditDue   = "edit_due"
	FieldRemove    = "remove" // RemoveAction's refusal
)

// EditIndicator is the field of row i's indicator in the edit form.
func EditIndicator(i int) string { return "edit_indicator_" + strconv.Itoa(i) }

// EditTarget is the field of row i's target in the edit form.
func EditTarget(i int) string { return "edit_target_" + strconv.Itoa(i) }

// EditBaselineYear is the field of row i's baseline year in the edit form.
func EditBaselineYear(i int) string { return "edit_baseline_year_" + strconv.Itoa(i) }

// actionForAgreement returns an action whose agreement (its wording) the
// context principal may change: the same people who may change the
// dialogue that agreed it (officers; a principal when every unit of that
// dialogue is theirs).
func actionForAgreement(ctx context.Context, tx *store.Tx, actionID int64) (*Action, error) {
	a, err := actionForChange(ctx, tx, actionID)
	if err != nil {
		return nil, err
	}
	if _, err := forChange(ctx, tx, a.DialogueID); err != nil {
		return nil, err
	}
	return a, nil
}

// UpdateAction changes an agreed action's title, owner, due date and
// linked indicators (baseline year and target). Fields: FieldEditTitle,
// FieldEditOwner, FieldEditDue, EditIndicator(i), EditTarget(i),
// EditBaselineYear(i). The audit log records what changed.
func UpdateAction(ctx context.Context, db store.Q, actionID int64, in ActionEdit, now time.Time) error {
	in.Title, in.Owner, in.Due = app.CleanLine(in.Title), app.CleanLine(in.Owner), strings.TrimSpace(in.Due)
	return store.InTx(ctx, db, func(tx *store.Tx) error {
		a, err := actionForAgreement(ctx, tx, actionID)
		if err != nil {
			return err
		}
		var v app.Validation
		switch {
		case in.Title == "":
			v.Add(FieldEditTitle, "field.required")
		case app.TooLong(in.Title, MaxLine):
			v.Add(FieldEditTitle, "field.too_long", map[string]any{"Max": MaxLine})
		}
		if app.TooLong(in.Owner, MaxName) {
			v.Add(FieldEditOwner, "field.too_long", map[string]any{"Max": MaxName})
		}
		if in.Due != "" && !validDate(in.Due) {
			v.Add(FieldEditDue, "field.date")
		}
		type link struct {
			ind    unitpicture.Indicator
			target *float64
			year   string
		}
		var links []link
		seen := map[string]bool{}
		for i, x := range in.Indicators {
			x.Key, x.BaselineYear = strings.TrimSpace(x.Key), strings.TrimSpace(x.BaselineYear)
			if x.Key == "" {
				if strings.TrimSpace(x.Target) != "" || x.BaselineYear != "" {
					v.Add(EditIndicator(i), "dialogue.err_target_without_indicator")
				}
				continue
			}
			ind, err := unitpicture.IndicatorByKey(ctx, tx, x.Key)
			if app.Code(err) == app.ENOTFOUND || (err == nil && (ind.Background || seen[x.Key])) {
				v.Add(EditIndicator(i), "field.choose")
				continue
			} else if err != nil {
				return err
			}
			seen[x.Key] = true
			t, ok := ParseNumber(x.Target)
			if !ok {
				v.Add(EditTarget(i), "dialogue.err_number")
			}
			if _, ok := unitpicture.YearStart(x.BaselineYear); x.BaselineYear != "" && !ok {
				v.Add(EditBaselineYear(i), "dialogue.err_school_year")
			} else if rule := BaselineYearFor(a.DialogueHeldOn); x.BaselineYear != "" && x.BaselineYear > rule {
				v.Add(EditBaselineYear(i), "dialogue.err_baseline_after", map[string]any{"Year": rule, "Date": a.DialogueHeldOn})
			}
			links = append(links, link{ind, t, x.BaselineYear})
		}
		if len(links) > MaxIndicators {
			v.Add(EditIndicator(0), "dialogue.err_too_many_indicators", map[string]any{"Max": MaxIndicators})
		}
		if err := v.Err(); err != nil {
			return err
		}
		var changed []string
		if in.Title != a.Title {
			changed = append(changed, "title")
		}
		if in.Owner != a.Owner {
			changed = append(changed, "owner")
		}
		if in.Due != a.Due {
			changed = append(changed, "due "+orDash(a.Due)+" → "+orDash(in.Due))
		}
		old := map[string]ActionIndicator{}
		for _, x := range a.Indicators {
			old[x.Key] = x
		}
		if _, err := tx.Exec(ctx, "UPDATE dialogue_actions SET title = ?, owner = ?, due = ?, updated_at = ? WHERE id = ?",
			in.Title, in.Owner, in.Due, now, actionID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM action_indicators WHERE action_id = ?", actionID); err != nil {
			return err
		}
		for _, l := range links {
			prev, had := old[l.ind.Key]
			year := l.year
			if year == "" && had {
				year = prev.BaselineYear // an empty year keeps the agreed baseline
			}
			var baseYear string
			var value, pupils, target any
			if had && year == prev.BaselineYear {
				baseYear = prev.BaselineYear
				if prev.Baseline != nil {
					value = *prev.Baseline
				}
				if prev.BaselinePupils != nil {
					pupils = *prev.BaselinePupils
				}
			} else {
				var base unitpicture.Point
				if year == "" {
					year = BaselineYearFor(a.DialogueHeldOn)
				}
				base, err = valueAt(ctx, tx, l.ind.ID, a.UnitID, year)
				if err != nil {
					return err
				}
				baseYear = base.Year
				if base.Has() {
					value = *base.Value
					if base.Pupils != nil {
						pupils = *base.Pupils
					}
				}
			}
			if l.target != nil {
				target = *l.target
			}
			if _, err := tx.Exec(ctx, `INSERT INTO action_indicators (action_id, indicator_key, baseline_year, baseline_value, baseline_pupils, target)
				VALUES (?, ?, ?, ?, ?, ?)`, actionID, l.ind.Key, baseYear, value, pupils, target); err != nil {
				return err
			}
			switch {
			case !had:
				changed = append(changed, "indicator "+l.ind.Key+" added (baseline "+orDash(baseYear)+", target "+numOrDash(l.target)+")")
			case baseYear != prev.BaselineYear || !sameNum(prev.Target, l.target):
				changed = append(changed, "indicator "+l.ind.Key+" baseline "+orDash(prev.BaselineYear)+" → "+orDash(baseYear)+
					", target "+numOrDash(prev.Target)+" → "+numOrDash(l.target))
			}
			delete(old, l.ind.Key)
		}
		removed := make([]string, 0, len(old))
		for k := range old {
			removed = append(removed, k)
		}
		slices.Sort(removed)
		for _, k := range removed {
			changed = append(changed, "indicator "+k+" removed (baseline "+orDash(old[k].BaselineYear)+" "+numOrDash(old[k].Baseline)+
				", target "+numOrDash(old[k].Target)+")")
		}
		if err := touch(ctx, tx, a.DialogueID, now); err != nil {
			return err
		}
		if len(changed) == 0 {
			changed = []string{"no change"}
		}
		return audit.Log(ctx, tx, audit.Update, "dialogue_action", strconv.FormatInt(actionID, 10), "edited: "+strings.Join(changed, "; "))
	})
}

// RemoveAction takes away an action agreed by mistake. Only an action
// nobody has worked on may go: still planned and without comments (any
// other action is set to StatusDropped instead, which keeps its history).
// The row goes, but the audit log keeps the whole action as it was.
func RemoveAction(ctx context.Context, db store.Q, actionID int64, now time.Time) error {
	return store.InTx(ctx, db, func(tx *store.Tx) error {
		a, err := actionForAgreement(ctx, tx, actionID)
		if err != nil {
			return err
		}
		if len(a.Comments) > 0 || a.Status != StatusPlanned {
			var v app.Validation
			v.Add(FieldRemove, "dialogue.err_remove_worked_on")
			return v.Err()
		}
		var inds []string
		for _, x := range a.Indicators {
			inds = append(inds, fmt.Sprintf("%s (baseline %s %s, target %s)", x.Key, orDash(x.BaselineYear), numOrDash(x.Baseline), numOrDash(x.Target)))
		}
		summary := fmt.Sprintf("removed as agreed by mistake: dialogue %d, unit %d, title %q, owner %q, due %s, status %s, indicators [%s]",
			a.DialogueID, a.UnitID, a.Title, a.Owner, orDash(a.Due), a.Status, strings.Join(inds, "; "))
		if _, err := tx.Exec(ctx, "DELETE FROM action_indicators WHERE action_id = ?", actionID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM dialogue_actions WHERE id = ?", actionID); err != nil {
			return err
		}
		if err := touch(ctx, tx, a.DialogueID, now); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Update, "dialogue_action", strconv.FormatInt(actionID, 10), summary)
	})
}

// Removable reports whether RemoveAction would take the action away.
func (a Action) Removable() bool { return a.Status == StatusPlanned && len(a.Comments) == 0 }

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func numOrDash(x *float64) string {
	if x == nil {
		return "–"
	}
	return strconv.FormatFloat(*x, 'g', -1, 64)
}

func sameNum(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}
