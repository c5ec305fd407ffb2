// Package auth decides who may do what. It is the one authorization layer:
// handlers ask a *Principal for permissions, and queries that touch personal
// data take a Scope from it, so that a principal of unit A never reads unit B.
package auth

import (
	"context"
	"slices"
	"strings"
)

// Role is a user's role in the organization.
type Role string

const (
	RoleAdmin      Role = "admin"      // system administrator
	RoleOfficer    Role = "officer"    // förvaltning: case officers, head of education
	RolePrincipal  Role = "principal"  // rektor: scoped to the units they lead
	RoleSpecialist Role = "specialist" // e.g. meal manager: scoped to complaint categories
	RoleAnalyst    Role = "analyst"    // statistics, no personal data
	RoleBoard      Role = "board"      // nämnd: aggregates only, small groups suppressed
)

// Roles lists every role in display order.
var Roles = []Role{RoleAdmin, RoleOfficer, RolePrincipal, RoleSpecialist, RoleAnalyst, RoleBoard}

// ParseRole accepts a role name in any case.
func ParseRole(s string) (Role, bool) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	return r, slices.Contains(Roles, r)
}

// Permission is something a role may do regardless of scope.
type Permission string

const (
	ManageOrganization Permission = "org.manage"         // organizer, forms, areas, units
	ManagePeople       Permission = "people.manage"      // create and edit people, import
	ReadPeople         Permission = "people.read"        // see staff (within scope)
	ReadUnits          Permission = "units.read"         // internal unit pages (within scope)
	ReadAudit          Permission = "audit.read"         // the audit log
	ReadOverview       Permission = "overview.read"      // aggregate figures
	HandleCases        Permission = "cases.handle"       // complaints (within scope)
	ReadCaseStats      Permission = "cases.stats"        // complaint trends and board reports (board: suppressed)
	HoldMeetings       Permission = "meetings"           // principals' meetings (principals: their units)
	ReadUnitPicture    Permission = "unitpicture.read"   // indicators per unit (principals: their units; board: suppressed)
	ManageIndicators   Permission = "unitpicture.manage" // own indicators, imports, column mappings
	RunPlacement       Permission = "placement.run"      // school placement rounds, what-ifs, publishing
	HoldDialogues      Permission = "dialogues"          // quality dialogues and actions (principals: their units)
	ReadDialogueReport Permission = "dialogues.report"   // the dialogue series report (aggregates, no notes)
)

var grants = map[Role][]Permission{
	// Administrators configure the system; they do not read complaints.
	RoleAdmin: {ManageOrganization, ManagePeople, ReadPeople, ReadUnits, ReadAudit, ReadOverview},
	RoleOfficer: {ReadPeople, ReadUnits, ReadOverview, HandleCases, ReadCaseStats, HoldMeetings,
		ReadUnitPicture, ManageIndicators, RunPlacement, HoldDialogues, ReadDialogueReport},
	RolePrincipal:  {ReadPeople, ReadUnits, ReadOverview, HandleCases, HoldMeetings, ReadUnitPicture, HoldDialogues},
	RoleSpecialist: {ReadUnits, ReadOverview, HandleCases},
	RoleAnalyst:    {ReadUnits, ReadOverview, ReadCaseStats, ReadUnitPicture, ManageIndicators, ReadDialogueReport},
	RoleBoard:      {ReadOverview, ReadCaseStats, ReadUnitPicture, ReadDialogueReport},
}

// Principal is the caller of a request: a signed-in user, a token holder or
// nobody (anonymous guardians and pupils).
type Principal struct {
	UserID     int64
	Name       string
	Email      string
	Role       Role
	Units      []int64  // units the user is linked to (a principal's scope)
	Categories []string // complaint categories (a specialist's scope)
	Via        string   // "session" or "token"
}

// Anonymous is the principal of a request without credentials.
var Anonymous = &Principal{}

// System is the principal of operator commands and background jobs: it
// has no permissions of its own and appears as "system" in the audit log.
var System = &Principal{Email: "system"}

// Authenticated reports whether the principal is a known user.
func (p *Principal) Authenticated() bool { return p != nil && p.UserID != 0 }

// Can reports whether the role holds the permission.
func (p *Principal) Can(perm Permission) bool {
	if !p.Authenticated() {
		return false
	}
	return slices.Contains(grants[p.Role], perm)
}

// Label is how the principal appears in the audit log.
func (p *Principal) Label() string {
	if p == nil || p.Email == "" {
		return "anonymous"
	}
	return p.Email
}

// UnitScope returns the units whose personal data the principal may read
// under perm: all units for organization-wide roles, their own units for
// principals, none when the role lacks perm.
func (p *Principal) UnitScope(perm Permission) Scope {
	switch {
	case !p.Can(perm):
		return Scope{}
	case p.Role == RolePrincipal:
		return Scope{units: slices.Clone(p.Units), limited: true}
	default:
		return Scope{all: true}
	}
}

// Scope is a set of units a query may touch. The zero Scope allows nothing.
type Scope struct {
	all     bool
	limited bool
	units   []int64
}

// AllUnits is the scope of the whole organization (for system jobs).
func AllUnits() Scope { return Scope{all: true} }

// All reports whether the scope covers every unit.
func (s Scope) All() bool { return s.all }

// Empty reports whether the scope covers no unit at all.
func (s Scope) Empty() bool { return !s.all && len(s.units) == 0 }

// Contains reports whether unit id is in scope.
func (s Scope) Contains(id int64) bool { return s.all || slices.Contains(s.units, id) }

// SQL returns a boolean SQL condition restricting column to the scope, with
// its arguments: "1=1", "column IN (?, ...)" or "1=0".
func (s Scope) SQL(column string) (string, []any) {
	if s.all {
		return "1=1", nil
	}
	if len(s.units) == 0 {
		return "1=0", nil
	}
	args := make([]any, len(s.units))
	for i, u := range s.units {
		args[i] = u
	}
	return column + " IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ") + ")", args
}

type ctxKey struct{}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// FromContext returns the request's principal, Anonymous when there is none.
func FromContext(ctx context.Context) *Principal {
	if p, ok := ctx.Value(ctxKey{}).(*Principal); ok && p != nil {
		return p
	}
	return Anonymous
}
