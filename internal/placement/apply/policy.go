package apply

import (
	"context"
	"slices"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
)

// Who may do what with applications. A guardian acts only for the
// children whose placement_guardians rows their sign-in opened (Who):
// with e-identification the rows whose pin_mac is theirs, with a mailed
// code the rows of the code's address and name. Only a custodian may
// apply or answer. Officers (auth.RunPlacement) read every application
// of a round; a school's own text is written by a placement officer or
// the unit's principal (auth.WriteSchoolText within its reach).

// requireOfficer refuses callers without auth.RunPlacement (the system
// principal, for the demo and operator commands, may act too).
func requireOfficer(ctx context.Context) error {
	if p := auth.FromContext(ctx); p != auth.System && !p.Can(auth.RunPlacement) {
		return app.NotFound()
	}
	return nil
}

// mayWriteText reports whether the caller may write the unit's text.
func mayWriteText(ctx context.Context, unitID int64) bool {
	p := auth.FromContext(ctx)
	return p == auth.System || p.Can(auth.RunPlacement) || p.UnitScope(auth.WriteSchoolText).Contains(unitID)
}

// actsFor returns the guardian row through which who acts for a child
// among its guardians, or 0.
func (w Who) actsFor(guardians []Guardian) int64 {
	for _, g := range guardians {
		if slices.Contains(w.GuardianIDs, g.ID) {
			return g.ID
		}
	}
	return 0
}
