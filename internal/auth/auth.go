// Package auth decides who may do what. It is the one authorization layer:
// handlers ask a *Principal for permissions, and queries that touch personal
// data take a Scope from it, so that a principal of unit A never reads unit B.
package auth

import (
	"context"
	"slices"
	"strconv"
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

// Permission is something a role may do. How far it reaches (every unit,
// the person's own units, their complaint categories, or only what names
// them) is part of the grant.
type Permission string

const (
	ManageOrganization Permission = "org.manage"         // organizer, forms, areas, units
	ManagePeople       Permission = "people.manage"      // create and edit people, import
	ReadPeople         Permission = "people.read"        // see staff (within reach)
	ReadUnits          Permission = "units.read"         // internal unit pages (within reach)
	ReadAudit          Permission = "audit.read"         // the audit log
	ReadOverview       Permission = "overview.read"      // aggregate figures
	HandleCases        Permission = "cases.handle"       // complaints: reach all = every case, may take any over, sees secrets
	ReadCaseSummaries  Permission = "cases.summaries"    // the handlers' free-text summaries of closed cases
	ReadCaseStats      Permission = "cases.stats"        // complaint trends and board reports (suppressed unless ReadFullCaseStats)
	ReadFullCaseStats  Permission = "cases.stats.full"   // complaint figures without small-group suppression
	WriteCaseAnalysis  Permission = "cases.analysis"     // write the board report's analysis
	HoldMeetings       Permission = "meetings"           // principals' meetings (principals: their units)
	RunMeetings        Permission = "meetings.run"       // create meetings and change anything on them
	ReadUnitPicture    Permission = "unitpicture.read"   // indicators per unit (principals: their units)
	ManageIndicators   Permission = "unitpicture.manage" // own indicators, imports, column mappings
	RunPlacement       Permission = "placement.run"      // school placement rounds, what-ifs, publishing, appeals
	ReadPlacementStats Permission = "placement.stats"    // placement appeals counted by school and outcome (suppressed unless RunPlacement)
	ReadDialogues      Permission = "dialogues.read"     // dialogues' minutes and actions (own reach: those they take part in)
	HoldDialogues      Permission = "dialogues"          // plan and change quality dialogues (principals: their units)
	ManageDialogues    Permission = "dialogues.manage"   // the organizer-wide parts: dialogue types, initiatives, findings
	ReadFindings       Permission = "dialogues.findings" // inspection findings, initiatives, good examples (no personal data)
	ReadDialogueReport Permission = "dialogues.report"   // the dialogue series report (aggregates, no notes)
	ReadDialogueRecord Permission = "dialogues.record"   // a dialogue's record without personal data: agreed actions and their follow-up (own reach: those they took part in)
	SubmitComplaints   Permission = "complaints.submit"  // API clients: file complaints under the client's own limit and keys
	WriteSchoolText    Permission = "placement.text"     // the school's own short text guardians see when they apply (principals: their units)

	ManageAccessibility      Permission = "accessibility.manage"  // the accessibility self-assessment's statement sets
	RunAccessibility         Permission = "accessibility"         // start self-assessment rounds, record gathered levels, make actions (principals: their units)
	ReadAccessibility        Permission = "accessibility.read"    // a unit's self-assessment: spread and gathered levels (principals: their units)
	ReadAccessibilitySummary Permission = "accessibility.summary" // the organizer's self-assessment per area, aggregated over units

	ManageSurveys     Permission = "surveys.manage"  // pulse surveys: the question bank, surveys, rounds, classes and invitations
	ReadSurveyResults Permission = "surveys.results" // pulse survey results (aggregates, small groups suppressed; principals: their units)
	ReadSurveyTexts   Permission = "surveys.texts"   // free-text answers, and removing or releasing flagged ones (principals: their units)
)

// Permissions lists every permission in a stable order.
var Permissions = []Permission{ManageOrganization, ManagePeople, ReadPeople, ReadUnits, ReadAudit, ReadOverview,
	HandleCases, ReadCaseSummaries, ReadCaseStats, ReadFullCaseStats, WriteCaseAnalysis, HoldMeetings, RunMeetings,
	ReadUnitPicture, ManageIndicators, RunPlacement, ReadPlacementStats, ReadDialogues, HoldDialogues, ManageDialogues, ReadFindings, ReadDialogueReport, ReadDialogueRecord, SubmitComplaints, WriteSchoolText,
	ManageAccessibility, RunAccessibility, ReadAccessibility, ReadAccessibilitySummary, ManageSurveys, ReadSurveyResults, ReadSurveyTexts}

// Reach is how far a granted permission extends.
type Reach int

const (
	ReachNone       Reach = iota // not granted
	ReachOwn                     // only what names the person (a participant, a handler)
	ReachCategories              // their complaint categories (and what names them)
	ReachUnits                   // their units (and what names them)
	ReachAll                     // the whole organization
)

// grants is the one table of who may do what: role → permission → reach.
// Code asks for permissions and their reach, never for roles.
var grants = map[Role]map[Permission]Reach{
	// Administrators configure the system; they do not read complaints.
	RoleAdmin: {ManageOrganization: ReachAll, ManagePeople: ReachAll, ReadPeople: ReachAll, ReadUnits: ReachAll,
		ReadAudit: ReachAll, ReadOverview: ReachAll, ReadDialogues: ReachOwn,
		ManageAccessibility: ReachAll},
	RoleOfficer: {ReadPeople: ReachAll, ReadUnits: ReachAll, ReadOverview: ReachAll, HandleCases: ReachAll,
		ReadCaseSummaries: ReachAll, ReadCaseStats: ReachAll, ReadFullCaseStats: ReachAll, WriteCaseAnalysis: ReachAll,
		HoldMeetings: ReachAll, RunMeetings: ReachAll, ReadUnitPicture: ReachAll, ManageIndicators: ReachAll, RunPlacement: ReachAll, ReadPlacementStats: ReachAll, WriteSchoolText: ReachAll,
		ReadDialogues: ReachAll, HoldDialogues: ReachAll, ManageDialogues: ReachAll, ReadFindings: ReachAll, ReadDialogueReport: ReachAll,
		ReadDialogueRecord:  ReachAll,
		ManageAccessibility: ReachAll, RunAccessibility: ReachAll, ReadAccessibility: ReachAll, ReadAccessibilitySummary: ReachAll,
		ManageSurveys: ReachAll, ReadSurveyResults: ReachAll},
	RolePrincipal: {ReadPeople: ReachUnits, ReadUnits: ReachUnits, ReadOverview: ReachAll, HandleCases: ReachUnits,
		HoldMeetings: ReachUnits, ReadUnitPicture: ReachUnits, ReadDialogues: ReachUnits, HoldDialogues: ReachUnits,
		ReadFindings: ReachUnits, WriteSchoolText: ReachUnits,
		RunAccessibility: ReachUnits, ReadAccessibility: ReachUnits, ReadSurveyResults: ReachUnits, ReadSurveyTexts: ReachUnits},
	RoleSpecialist: {ReadUnits: ReachAll, ReadOverview: ReachAll, HandleCases: ReachCategories, ReadDialogues: ReachOwn},
	RoleAnalyst: {ReadUnits: ReachAll, ReadOverview: ReachAll, ReadCaseStats: ReachAll, ReadFullCaseStats: ReachAll,
		WriteCaseAnalysis: ReachAll, ReadUnitPicture: ReachAll, ManageIndicators: ReachAll, ReadDialogues: ReachOwn,
		ReadFindings: ReachAll, ReadDialogueReport: ReachAll,
		ReadAccessibility: ReachAll, ReadAccessibilitySummary: ReachAll, ReadSurveyResults: ReachAll, ReadSurveyTexts: ReachAll},
	// Board members get aggregates only and never a dialogue's minutes; of
	// a dialogue they took part in, the record without personal data.
	RoleBoard: {ReadOverview: ReachAll, ReadCaseStats: ReachAll, ReadUnitPicture: ReachAll, ReadFindings: ReachAll,
		ReadDialogueReport: ReachAll, ReadPlacementStats: ReachAll, ReadDialogueRecord: ReachOwn,
		ReadAccessibilitySummary: ReachAll, ReadSurveyResults: ReachAll},
}

// CategoryPlacement is the complaint category whose specialists are the
// placement office: a specialist holding it is a placement officer.
const CategoryPlacement = "school_placement"

// categoryGrants widens a specialist's grants by the complaint categories
// they hold: category → permission → reach. A placement officer (a
// specialist with school_placement) runs all of school placement, as
// officers do; other specialists do not.
var categoryGrants = map[string]map[Permission]Reach{
	CategoryPlacement: {RunPlacement: ReachAll, ReadPlacementStats: ReachAll, WriteSchoolText: ReachAll},
}

// CategoryReach returns how far perm extends for a person of role r
// holding complaint category c beyond the role's own grants.
func CategoryReach(r Role, c string, perm Permission) Reach {
	if r != RoleSpecialist {
		return ReachNone
	}
	return categoryGrants[c][perm]
}

// ClientScope is what an API client (an e-service platform, not a person)
// may do; `styrkedjan client add --scope` names it.
type ClientScope string

// ScopeSubmitComplaints lets a client file complaints through the API.
const ScopeSubmitComplaints ClientScope = "complaints:submit"

// ClientScopes lists every client scope.
var ClientScopes = []ClientScope{ScopeSubmitComplaints}

// ParseClientScope accepts a scope name in any case.
func ParseClientScope(s string) (ClientScope, bool) {
	c := ClientScope(strings.ToLower(strings.TrimSpace(s)))
	return c, slices.Contains(ClientScopes, c)
}

// clientGrants is the part of the grant table for API clients: scope →
// permission → reach. A client holds no role, so nothing in grants.
var clientGrants = map[ClientScope]map[Permission]Reach{
	ScopeSubmitComplaints: {SubmitComplaints: ReachAll},
}

// ScopeReach returns how far perm extends for a client with scope c.
func ScopeReach(c ClientScope, perm Permission) Reach { return clientGrants[c][perm] }

// RoleReach returns how far perm extends for role r (ReachNone when not granted).
func RoleReach(r Role, perm Permission) Reach { return grants[r][perm] }

// RoleCan reports whether role r holds perm, e.g. whether a person may be
// chosen as a case's handler.
func RoleCan(r Role, perm Permission) bool { return RoleReach(r, perm) != ReachNone }

// RequiresUnits reports whether a person of role r needs linked units for
// their grants to mean anything (some permission reaches their units).
func RequiresUnits(r Role) bool { return hasReach(r, ReachUnits) }

// RequiresCategories reports whether a person of role r needs complaint
// categories (some permission reaches their categories).
func RequiresCategories(r Role) bool { return hasReach(r, ReachCategories) }

func hasReach(r Role, want Reach) bool {
	for _, reach := range grants[r] {
		if reach == want {
			return true
		}
	}
	return false
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
	Via        string   // "session", "token" or "client"

	// An API client (Via "client"): not a person, so UserID is 0 and
	// Authenticated is false; what it may do comes from its scopes.
	ClientID        int64
	ClientName      string
	ClientScopes    []ClientScope
	ClientPerMinute int // its own intake limit

	// A guardian signed in with e-identification (Via "e-id"): not a
	// user, so Authenticated is false and no permission is held; the
	// complaint capability lists the cases they filed (GuardianID).
	GuardianID int64
}

// Anonymous is the principal of a request without credentials.
var Anonymous = &Principal{}

// System is the principal of operator commands and background jobs: it
// has no permissions of its own and appears as "system" in the audit log.
var System = &Principal{Email: "system"}

// Authenticated reports whether the principal is a known user.
func (p *Principal) Authenticated() bool { return p != nil && p.UserID != 0 }

// IsClient reports whether the principal is an API client.
func (p *Principal) IsClient() bool { return p != nil && p.ClientID != 0 }

// Can reports whether the role (a client: one of its scopes) holds the permission.
func (p *Principal) Can(perm Permission) bool { return p.Reach(perm) != ReachNone }

// Reach returns how far perm extends for the principal: ReachNone for
// anonymous callers, the system and roles without it.
func (p *Principal) Reach(perm Permission) Reach {
	if p.IsClient() {
		reach := ReachNone
		for _, c := range p.ClientScopes {
			reach = max(reach, ScopeReach(c, perm))
		}
		return reach
	}
	if !p.Authenticated() {
		return ReachNone
	}
	reach := RoleReach(p.Role, perm)
	for _, c := range p.Categories {
		reach = max(reach, CategoryReach(p.Role, c, perm))
	}
	return reach
}

// Label is how the principal appears in the audit log.
func (p *Principal) Label() string {
	if p.IsClient() {
		return "client:" + p.ClientName
	}
	if p != nil && p.GuardianID != 0 && p.UserID == 0 {
		return "guardian:" + strconv.FormatInt(p.GuardianID, 10)
	}
	if p == nil || p.Email == "" {
		return "anonymous"
	}
	return p.Email
}

// UnitScope returns the units whose personal data the principal may read
// under perm: all units when perm reaches all, their own units when it
// reaches their units, none otherwise (no grant, or a reach of categories
// or own things only, which no unit list expresses).
func (p *Principal) UnitScope(perm Permission) Scope {
	switch p.Reach(perm) {
	case ReachAll:
		return Scope{all: true}
	case ReachUnits:
		return Scope{units: slices.Clone(p.Units), limited: true}
	default:
		return Scope{}
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
