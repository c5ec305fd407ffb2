package org

import "github.com/styrkedjan/styrkedjan/internal/auth"

// Rules of the organization that follow from the permission table in auth.

// needsUnits reports whether a person of role r must be linked to units
// (a permission of theirs reaches their units: principals).
func needsUnits(r auth.Role) bool { return auth.RequiresUnits(r) }

// needsCategories reports whether a person of role r must have complaint
// categories (a permission of theirs reaches their categories: specialists).
func needsCategories(r auth.Role) bool { return auth.RequiresCategories(r) }

// LocksOut reports whether saving p would lock self out of managing
// people: their own account made inactive or given a role without
// auth.ManagePeople.
func LocksOut(self *auth.Principal, p Person) bool {
	return self.Authenticated() && self.UserID == p.ID && (!p.Active || !auth.RoleCan(p.Role, auth.ManagePeople))
}

// UnitScope returns the units whose internal pages p may read
// (auth.ReadUnits: every unit, or a principal's own).
func UnitScope(p *auth.Principal) auth.Scope { return p.UnitScope(auth.ReadUnits) }

// PeopleScope returns the units whose staff p may read (auth.ReadPeople).
func PeopleScope(p *auth.Principal) auth.Scope { return p.UnitScope(auth.ReadPeople) }
