package unitpicture

import (
	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
)

// Who may read and change the unit picture. Every access decision of this
// package is made here: auth.ReadUnitPicture with its reach (all units, or
// a principal's own units) for the views, auth.ManageIndicators for own
// indicators, imports and mappings. Values under 10 pupils are suppressed
// for everyone, whatever the permission.

// canRead refuses those without auth.ReadUnitPicture.
func canRead(p *auth.Principal) error {
	if !p.Can(auth.ReadUnitPicture) {
		return app.Forbidden()
	}
	return nil
}

// mayImport reports whether p may import values and change indicators
// (the system principal runs operator imports).
func mayImport(p *auth.Principal) bool { return p == auth.System || p.Can(auth.ManageIndicators) }

// mayReadAny reports whether p may read the unit picture (the system
// principal reads it for operator commands).
func mayReadAny(p *auth.Principal) bool { return p == auth.System || p.Can(auth.ReadUnitPicture) }

// readScope returns the units whose values p may read.
func readScope(p *auth.Principal) auth.Scope { return p.UnitScope(auth.ReadUnitPicture) }

// MayReadUnit reports whether p may read unit id's values.
func MayReadUnit(p *auth.Principal, id int64) bool { return readScope(p).Contains(id) }
