package accessibility

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/dialogue"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// DefaultWeakest is how many of the weakest statements the round page
// proposes as actions.
const DefaultWeakest = 3

// NextDialogues returns the planned dialogues of a round's unit the
// context principal may see, the earliest first: where the weakest
// statements can become actions.
func NextDialogues(ctx context.Context, q store.Q, r *Round) ([]dialogue.Summary, error) {
	list, err := dialogue.List(ctx, q, dialogue.Filter{UnitID: r.UnitID})
	if err != nil {
		return nil, err
	}
	var out []dialogue.Summary
	for _, d := range list {
		if d.Status == dialogue.Planned {
			out = append(out, d)
		}
	}
	slices.SortStableFunc(out, func(a, b dialogue.Summary) int { return strings.Compare(a.HeldOn, b.HeldOn) })
	return out, nil
}

// ActionTitle is the action a weak statement becomes (Swedish, the
// organizer's language, like every agreed action's title).
func ActionTitle(s Statement) string {
	t := "Tillgänglig lärmiljö: " + s.TextSV
	if r := []rune(t); len(r) > dialogue.MaxLine {
		t = string(r[:dialogue.MaxLine-1]) + "…"
	}
	return t
}

// MakeActions turns gathered statements of a round into actions of a
// dialogue for the round's unit, each linked to the round and statement so
// that its follow-up is the gathered level of the same statement in the
// unit's next round. The caller must run the round's unit
// (auth.RunAccessibility) and may change the dialogue (package dialogue
// decides). Field "statements" when none is chosen or one is not gathered.
func MakeActions(ctx context.Context, db store.Q, roundID, dialogueID int64, statementIDs []int64, now time.Time) ([]int64, error) {
	var ids []int64
	err := store.InTx(ctx, db, func(tx *store.Tx) error {
		r, err := forRun(ctx, tx, roundID)
		if err != nil {
			return err
		}
		res, err := result(ctx, tx, r)
		if err != nil {
			return err
		}
		var v app.Validation
		if len(statementIDs) == 0 {
			v.Add("statements", "accessibility.err_choose_statements")
			return v.Err()
		}
		byID := map[int64]StatementResult{}
		for _, s := range res.Statements {
			byID[s.ID] = s
		}
		for _, sid := range statementIDs {
			s, ok := byID[sid]
			if !ok || s.Gathered == 0 {
				v.Add("statements", "accessibility.err_not_gathered")
				return v.Err()
			}
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM access_action_links l JOIN dialogue_actions a ON a.id = l.action_id
				WHERE l.round_id = ? AND l.statement_id = ? AND a.dialogue_id = ?`, roundID, sid, dialogueID).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				continue // already an action of this dialogue
			}
			id, err := dialogue.AddAction(ctx, tx, dialogueID, dialogue.ActionInput{UnitID: r.UnitID, Title: ActionTitle(s.Statement)}, now)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "INSERT INTO access_action_links (action_id, round_id, statement_id, baseline_level) VALUES (?, ?, ?, ?)",
				id, roundID, sid, s.Gathered); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return audit.Log(ctx, tx, audit.Create, "access_action_link", strconv.FormatInt(roundID, 10),
			strconv.Itoa(len(ids))+" actions on dialogue "+strconv.FormatInt(dialogueID, 10))
	})
	return ids, err
}
