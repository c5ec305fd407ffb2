package accessibility

import (
	"github.com/styrkedjan/styrkedjan/internal/auth"
)

// Who may see and change what of the accessibility self-assessment. Every
// access decision of this package is made here, from the permissions and
// their reach in package auth:
//
//   - auth.ManageAccessibility: the statement sets (administrators,
//     officers).
//   - auth.RunAccessibility: start a round for a unit, close it, record the
//     gathered levels and turn weak statements into dialogue actions;
//     reach all every unit (officers), reach units their own (principals).
//   - auth.ReadAccessibility: a unit's rounds, spread and gathered levels;
//     reach all (officers, analysts), reach units (principals).
//   - auth.ReadAccessibilitySummary: the organizer's gathered levels per
//     area over all units, without a unit's statements (board members,
//     officers, analysts).
//
// Staff answer through a unit code or a personal link (no account); the
// link is the permission and names no person.

// MayManage reports whether p edits and imports statement sets.
func MayManage(p *auth.Principal) bool { return p.Can(auth.ManageAccessibility) }

// MayRun reports whether p starts rounds at all.
func MayRun(p *auth.Principal) bool { return p.Can(auth.RunAccessibility) }

// RunScope is the units p may start rounds for and gather.
func RunScope(p *auth.Principal) auth.Scope { return p.UnitScope(auth.RunAccessibility) }

// mayRunUnit reports whether p may run the self-assessment of a unit.
func mayRunUnit(p *auth.Principal, unitID int64) bool { return RunScope(p).Contains(unitID) }

// readScope returns the SQL condition (on column) for the units whose
// rounds p may read.
func readScope(p *auth.Principal, column string) (string, []any) {
	return p.UnitScope(auth.ReadAccessibility).SQL(column)
}

// mayReadUnit reports whether p may read a unit's self-assessment.
func mayReadUnit(p *auth.Principal, unitID int64) bool {
	return p.UnitScope(auth.ReadAccessibility).Contains(unitID)
}

// MaySummary reports whether p reads the organizer-wide summary per area.
func MaySummary(p *auth.Principal) bool { return p.Can(auth.ReadAccessibilitySummary) }
