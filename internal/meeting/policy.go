package meeting

import "github.com/styrkedjan/styrkedjan/internal/auth"

// Who may see and change which meetings. Every access decision of this
// package is made here: auth.RunMeetings (officers) creates meetings and
// changes anything on them; auth.HoldMeetings with its reach says which
// meetings one sees (reach all: every meeting; reach units: those with one
// of their units) and whose entries one changes (their own units').

// organizer reports whether p runs meetings: sees every meeting, creates
// them and may change anything on them (the complaint officers).
func organizer(p *auth.Principal) bool { return p.Can(auth.RunMeetings) }

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
