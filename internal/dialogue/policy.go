package dialogue

import (
	"context"
	"slices"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Who may see and change what of the quality dialogues. Every access
// decision of this package is made here, from the permissions and their
// reach in package auth:
//
//   - auth.ReadDialogues: reach all sees every dialogue (officers), reach
//     units those with one of their units (principals), reach own only the
//     dialogues they are linked to as participants; board members lack it.
//   - auth.HoldDialogues: plan dialogues and change them; reach all changes
//     every dialogue, reach units those whose units are all theirs.
//   - auth.ManageDialogues: the organizer-wide parts (types, initiatives, findings).
//   - auth.ReadFindings: findings, initiatives and good examples (no
//     personal data); reach units sees the organizer's and their units' findings.
//   - auth.ReadDialogueReport: the series report.
//   - auth.ReadDialogueRecord: a dialogue's record without personal data
//     (RecordOf): reach own the dialogues one is linked to as a participant
//     (a board member who took part), reach all every dialogue.

// Organizer reports whether p runs the organizer-wide parts: dialogue
// types, initiatives and findings (auth.ManageDialogues).
func Organizer(p *auth.Principal) bool { return p.Can(auth.ManageDialogues) }

// visible returns the SQL condition (on alias d) for the dialogues p may
// see.
func visible(p *auth.Principal) (string, []any) {
	switch p.Reach(auth.ReadDialogues) {
	case auth.ReachNone:
		return "1=0", nil
	case auth.ReachAll:
		return "1=1", nil
	}
	participant := "EXISTS (SELECT 1 FROM dialogue_participants dp WHERE dp.dialogue_id = d.id AND dp.user_id = ?)"
	cond, args := p.UnitScope(auth.ReadDialogues).SQL("du.unit_id")
	return "(EXISTS (SELECT 1 FROM dialogue_units du WHERE du.dialogue_id = d.id AND " + cond + ")" +
		" OR " + participant + ")", append(args, p.UserID)
}

// takesPart returns the SQL condition (on alias d) for the dialogues p
// takes part in, for the start page: those p is a participant of, and for
// a principal (ReadDialogues reaching units) those of their units. Those
// who see every dialogue take part only where they are participants.
func takesPart(p *auth.Principal) (string, []any) {
	cond := "EXISTS (SELECT 1 FROM dialogue_participants dp WHERE dp.dialogue_id = d.id AND dp.user_id = ?)"
	args := []any{p.UserID}
	switch p.Reach(auth.ReadDialogues) {
	case auth.ReachNone:
		return "1=0", nil
	case auth.ReachUnits:
		c, a := p.UnitScope(auth.ReadDialogues).SQL("du.unit_id")
		return "(" + cond + " OR EXISTS (SELECT 1 FROM dialogue_units du WHERE du.dialogue_id = d.id AND " + c + "))", append(args, a...)
	}
	return cond, args
}

// mayEdit reports whether p may change a dialogue with these units:
// officers always, a principal when every unit is theirs.
func mayEdit(p *auth.Principal, units []int64) bool {
	scope := p.UnitScope(auth.HoldDialogues)
	if scope.All() {
		return true
	}
	if scope.Empty() || len(units) == 0 {
		return false
	}
	for _, u := range units {
		if !scope.Contains(u) {
			return false
		}
	}
	return true
}

// MayPlan reports whether p may plan dialogues at all (and publish good
// examples).
func MayPlan(p *auth.Principal) bool { return p.Can(auth.HoldDialogues) }

// PlanScope returns the units p may plan dialogues for.
func PlanScope(p *auth.Principal) auth.Scope { return p.UnitScope(auth.HoldDialogues) }

// MayReadFindings reports whether p sees inspection findings, initiatives
// and good examples: officers and principals (their units) and the
// report's readers (board, analysts).
func MayReadFindings(p *auth.Principal) bool { return p.Can(auth.ReadFindings) }

// MayReadInitiatives: those who plan dialogues and the report's readers.
func MayReadInitiatives(p *auth.Principal) bool { return MayReadFindings(p) }

// findingsScope returns the SQL condition (on alias f) for the findings p
// sees: all when auth.ReadFindings reaches all, else the organizer-wide
// ones and those of p's units.
func findingsScope(p *auth.Principal) (string, []any) {
	if p.Reach(auth.ReadFindings) == auth.ReachAll {
		return "1=1", nil
	}
	c, a := p.UnitScope(auth.ReadFindings).SQL("f.unit_id")
	return "(f.unit_id IS NULL OR " + c + ")", a
}

// MayReadSeries reports whether p may read the series report: officers
// and the report's readers.
func MayReadSeries(p *auth.Principal) bool { return p.Can(auth.ReadDialogueReport) }

// ActionOf checks that an action is for one of the dialogue's units (the
// forms post to the dialogue's address; a dialogue follows up the actions
// of earlier ones): app.NotFound when it is not. Whether the action may be
// changed is decided by the function that changes it.
func ActionOf(ctx context.Context, q store.Q, dialogueID, actionID int64) error {
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM dialogue_actions a JOIN dialogue_units du ON du.unit_id = a.unit_id
		WHERE a.id = ? AND du.dialogue_id = ?`, actionID, dialogueID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return app.NotFound()
	}
	return nil
}

// participantRule says which dialogue kinds a participant role may take
// part in (nil: every kind) and the message when it may not.
type participantRule struct {
	kinds   []string
	refused string
}

// participantRules: guardians only take part in guardian dialogues, the
// agencies only in the national dialogue. Other roles take part in any.
var participantRules = map[string]participantRule{
	RoleGuardian: {kinds: []string{KindGuardian}, refused: "dialogue.err_role_guardian"},
	RoleAgency:   {kinds: []string{KindNational}, refused: "dialogue.err_role_agency"},
}

// participantAllowed reports whether a participant of role may take part
// in a dialogue of kind.
func participantAllowed(role, kind string) bool {
	r, ok := participantRules[role]
	return !ok || slices.Contains(r.kinds, kind)
}

// staffRoles are the participant roles counted against MaxStaff.
var staffRoles = []string{RoleStaff}

func isStaff(role string) bool { return slices.Contains(staffRoles, role) }

// recordVisible returns the SQL condition (on alias d) for the dialogues
// whose record without personal data p may read.
func recordVisible(p *auth.Principal) (string, []any) {
	switch p.Reach(auth.ReadDialogueRecord) {
	case auth.ReachNone:
		return "1=0", nil
	case auth.ReachAll:
		return "1=1", nil
	}
	return "EXISTS (SELECT 1 FROM dialogue_participants dp WHERE dp.dialogue_id = d.id AND dp.user_id = ?)", []any{p.UserID}
}

// MayReadRecords reports whether p reads dialogue records without personal
// data (board members: those they took part in).
func MayReadRecords(p *auth.Principal) bool { return p.Can(auth.ReadDialogueRecord) }
