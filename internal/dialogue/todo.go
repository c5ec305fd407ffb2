package dialogue

import (
	"context"
	"slices"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// OwnAction is an open dialogue action for the start page.
type OwnAction struct {
	ID         int64
	DialogueID int64
	Title      string
	UnitName   string
	Due        string // YYYY-MM-DD or ""
	Status     string
}

// Overdue reports whether the action is past its due date.
func (a OwnAction) Overdue(today string) bool { return a.Due != "" && a.Due < today }

// OwnActions returns the open actions (planned or started) of the
// dialogues the context principal sees whose owner is the principal.
// An action's owner is a free-text name (dialogue_actions.owner), not a
// link to an account, so it is matched on the person's name, ignoring case
// and surrounding spaces. Earliest due date first, undated last.
func OwnActions(ctx context.Context, q store.Q) ([]OwnAction, error) {
	p := auth.FromContext(ctx)
	name := strings.TrimSpace(p.Name)
	if name == "" || p.Reach(auth.ReadDialogues) == auth.ReachNone {
		return nil, nil
	}
	cond, args := visible(p)
	rows, err := q.Query(ctx, `SELECT a.id, a.dialogue_id, a.title, n.name, a.due, a.status, a.owner
		FROM dialogue_actions a JOIN dialogues d ON d.id = a.dialogue_id JOIN units n ON n.id = a.unit_id
		WHERE a.status IN ('planned', 'started') AND a.owner <> '' AND `+cond, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OwnAction
	for rows.Next() {
		var a OwnAction
		var owner string
		if err := rows.Scan(&a.ID, &a.DialogueID, &a.Title, &a.UnitName, &a.Due, &a.Status, &owner); err != nil {
			return nil, err
		}
		// In Go: SQLite's LOWER folds only ASCII ("Åsa" and "åsa").
		if strings.EqualFold(strings.TrimSpace(owner), name) {
			out = append(out, a)
		}
	}
	slices.SortStableFunc(out, func(x, y OwnAction) int { return compareDue(x.Due, y.Due, x.ID, y.ID) })
	return out, rows.Err()
}

// OpenFindings returns the unresolved inspection findings with a deadline
// that the context principal sees, for those who plan and hold dialogues
// (who act on findings): earliest deadline first.
func OpenFindings(ctx context.Context, q store.Q) ([]Finding, error) {
	p := auth.FromContext(ctx)
	if !MayPlan(p) || !MayReadFindings(p) {
		return nil, nil
	}
	cond, args := findingsScope(p)
	list, err := findings(ctx, q, cond+" AND f.resolved_on = '' AND f.deadline <> ''", args)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(list, func(x, y Finding) int { return compareDue(x.Deadline, y.Deadline, x.ID, y.ID) })
	return list, nil
}

// Upcoming returns the dialogues held from from to to (YYYY-MM-DD,
// inclusive) that the context principal takes part in: those they are a
// participant of, and for a principal (ReadDialogues reaching units) those
// of their units. Earliest first.
func Upcoming(ctx context.Context, q store.Q, from, to string) ([]Summary, error) {
	p := auth.FromContext(ctx)
	if p.Reach(auth.ReadDialogues) == auth.ReachNone {
		return nil, nil
	}
	cond, args := takesPart(p)
	return summaries(ctx, q, "d.held_on BETWEEN ? AND ? AND "+cond+" ORDER BY d.held_on, d.id LIMIT 100", append([]any{from, to}, args...))
}

// compareDue orders by date, undated last, then by id.
func compareDue(a, b string, ida, idb int64) int {
	switch {
	case a == b:
		return int(ida - idb)
	case a == "":
		return 1
	case b == "":
		return -1
	}
	return strings.Compare(a, b)
}
