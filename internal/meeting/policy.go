package meeting

import "github.com/styrkedjan/styrkedjan/internal/auth"

// Who may see and change which meetings. Every access decision of this
// package is made here, from auth.HoldMeetings and its reach: reach all
// (officers) sees every meeting, creates them and changes anything on
// them; reach units (principals) sees the meetings with one of their
// units and changes only their own units' entries.

// organizer reports whether p runs meetings: sees every meeting, creates
// them and may change anything on them (the complaint officers).
func organizer(p *auth.Principal) bool { return p.UnitScope(auth.HoldMeetings).All() }

// visible returns the SQL condition (on alias m) for the meetings p may
// see: all for organizers, those with one of their units for principals.
func visible(p *auth.Principal) (string, []any) {
	scope := p.UnitScope(auth.HoldMeetings)
	if scope.All() {
		return "1=1", nil
	}
	cond, args := scope.SQL("mu.unit_id")
	return "EXISTS (SELECT 1 FROM meeting_units mu WHERE mu.meeting_id = m.id AND " + cond + ")", args
}

// MayCreate reports whether p may create meetings (they run meetings).
func MayCreate(p *auth.Principal) bool { return organizer(p) }

// unitScope returns the units whose entries p may change.
func unitScope(p *auth.Principal) auth.Scope { return p.UnitScope(auth.HoldMeetings) }
