package complaint

import (
	"context"
	"slices"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Who may do what with complaint cases. Every access decision about cases
// is made here, from the permissions and their reach in package auth.

// scope returns the SQL condition (on alias c) for the cases p may see
// under auth.HandleCases: every case when it reaches all (officers); with
// a reach of units (principals) the cases they handle and those of their
// units, except cases that concern the principal; with a reach of
// categories (specialists) the cases they handle and those in their
// categories; nothing otherwise.
func scope(p *auth.Principal) (string, []any) {
	switch p.Reach(auth.HandleCases) {
	case auth.ReachAll:
		return "1=1", nil
	case auth.ReachUnits:
		cond, args := p.UnitScope(auth.HandleCases).SQL("c.unit_id")
		return "(c.handler_id = ? OR (" + cond + " AND NOT c.concerns_principal))", append([]any{p.UserID}, args...)
	case auth.ReachCategories:
		if len(p.Categories) == 0 {
			return "c.handler_id = ?", []any{p.UserID}
		}
		args := []any{p.UserID}
		for _, c := range p.Categories {
			args = append(args, c)
		}
		return "(c.handler_id = ? OR c.category_code IN (" + store.Placeholders(len(p.Categories)) + "))", args
	case auth.ReachOwn:
		return "c.handler_id = ?", []any{p.UserID}
	}
	return "1=0", nil
}

// handlesAny reports whether p may take any case over and read every
// case's secret details (auth.HandleCases reaching all: officers).
func handlesAny(p *auth.Principal) bool { return p.Reach(auth.HandleCases) == auth.ReachAll }

// isHandler reports whether p is c's handler.
func isHandler(p *auth.Principal, c *Case) bool {
	return p.Authenticated() && c.HandlerID != nil && *c.HandlerID == p.UserID
}

// seesSecrets reports whether p may read the details of a secret case:
// its handler and those who handle any case.
func seesSecrets(p *auth.Principal, c *Case) bool { return handlesAny(p) || isHandler(p, c) }

// mayReadFiles reports whether p may read c's files: a secret case shows
// none to those its secret details are hidden from.
func mayReadFiles(p *auth.Principal, c *Case) bool { return !c.Secret || seesSecrets(p, c) }

// VisibleEvents returns c's events as the viewer c was read for may see
// them: on a secret case hidden from them (Case.SecretHidden), without
// bodies and files (messages, notes, the summary and the answer), keeping
// who did what and when.
func VisibleEvents(c *Case, events []Event) []Event {
	if !c.SecretHidden {
		return events
	}
	out := make([]Event, len(events))
	for i, e := range events {
		e.Body, e.Files = "", nil
		out[i] = e
	}
	return out
}

// concernedBy reports whether handing c to person would give a case about
// a principal (Case.ConcernsPrincipal) to a principal of its unit: the one
// it may be about. Routing never does (such cases go to the complaint
// officer); a person handing one over is warned and must confirm.
func concernedBy(ctx context.Context, q store.Q, c *Case, person int64) (bool, error) {
	if !c.ConcernsPrincipal || c.UnitID == nil {
		return false, nil
	}
	var role auth.Role
	err := q.QueryRow(ctx, "SELECT u.role FROM users u JOIN user_units l ON l.user_id = u.id WHERE u.id = ? AND l.unit_id = ?",
		person, *c.UnitID).Scan(&role)
	if store.IsNotFound(err) {
		return false, nil
	}
	return err == nil && auth.RoleReach(role, auth.HandleCases) == auth.ReachUnits, err
}

// CanAct reports whether p may change c: its handler, or someone who may
// take any case over. Everyone who sees a case may add notes.
func CanAct(p *auth.Principal, c *Case) bool { return handlesAny(p) || isHandler(p, c) }

// MayBeHandler reports whether a person of role r may be chosen as a
// case's handler.
func MayBeHandler(r auth.Role) bool { return auth.RoleCan(r, auth.HandleCases) }

// Handlers lists the people a case can be handed to ("Lämna till"):
// every active person whose role may handle cases, across the whole
// organization, since a case may move to another unit's principal or a
// specialist. Names and titles of staff only; the list is offered to
// those who may act on a case (CanAct).
func Handlers(ctx context.Context, q store.Q) ([]org.Person, error) {
	people, err := org.ListPeople(ctx, q, auth.AllUnits(), org.PeopleFilter{})
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(people, func(p org.Person) bool { return !p.Active || !MayBeHandler(p.Role) }), nil
}

// FilterScope returns the units p's case list offers as a filter: their
// own units when their reach is their units, else every unit.
func FilterScope(p *auth.Principal) auth.Scope {
	if p.Reach(auth.HandleCases) == auth.ReachUnits {
		return p.UnitScope(auth.HandleCases)
	}
	return auth.AllUnits()
}

// mustAct returns who must act on c now that an event of kind brought it
// to them, and whom the notice of it goes to: the case's handler — the
// principal, specialist or complaint officer routing chose (registered),
// the named person (assigned) or the complaint officer on a conflict of
// interest — unless that is the person who made the change. 0: nobody.
func mustAct(ctx context.Context, c *Case) int64 {
	if c.HandlerID == nil {
		return 0
	}
	if p := auth.FromContext(ctx); p.Authenticated() && p.UserID == *c.HandlerID {
		return 0
	}
	return *c.HandlerID
}

// noticeScope returns the SQL condition (on alias c) for the cases a
// person's digest may name: their own (they handle it) and within what
// they may see now, so a case handed on or a role changed since drops out.
func noticeScope(p *auth.Principal) (string, []any) {
	cond, args := scope(p)
	return "(c.handler_id = ? AND " + cond + ")", append([]any{p.UserID}, args...)
}
