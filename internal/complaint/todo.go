package complaint

import (
	"context"
	"slices"
	"strconv"

	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// ToDoList is what the start page shows a handler of cases.
type ToDoList struct {
	// Cases are the open cases the principal handles, overdue first and
	// then by answer deadline (as the work list).
	Cases []*Case
	// Replies are the cases the principal handles whose latest event is a
	// filer's reply: nobody has acted on the case since the reply came.
	Replies []*Case
}

// maxToDo bounds each list of the start page; the work list has the rest.
const maxToDo = 50

// openStatuses is the SQL list of the statuses Status.Open reports.
const openStatuses = "('registered', 'acknowledged', 'investigating')"

// lastIsReply is the SQL condition (on alias c) that a case's latest event,
// reminders and escalations by the system not counted, is the filer's reply.
// Every event sets the case's updated_at, so a closed case can only qualify
// when something happened after its closing: that row-local test spares
// the event lookup for the many closed cases a handler keeps (at 100,000
// cases it took the officer's start page from about 90 to 45 ms median).
const lastIsReply = `(c.status <> 'closed' OR c.updated_at > c.closed_at) AND
	(SELECT e.kind FROM complaint_events e WHERE e.complaint_id = c.id
	AND e.kind NOT IN ('reminder', 'escalated') ORDER BY e.id DESC LIMIT 1) = 'reply'`

// ToDo returns the context principal's cases to act on (see ToDoList),
// within their scope (policy.go). today is YYYY-MM-DD. The read is audited.
func ToDo(ctx context.Context, q store.Q, today string) (*ToDoList, error) {
	p := auth.FromContext(ctx)
	out := &ToDoList{}
	if !p.Can(auth.HandleCases) {
		return out, nil
	}
	var err error
	if out.Cases, _, err = WorkList(ctx, q, Filter{Mine: true, Limit: maxToDo}, today); err != nil {
		return nil, err
	}
	cond, args := scope(p)
	rows, err := q.Query(ctx, "SELECT "+caseColumns+" WHERE "+cond+" AND c.handler_id = ? AND "+lastIsReply+
		" ORDER BY c.updated_at, c.id LIMIT ?", append(args, p.UserID, maxToDo)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, err
		}
		hideSecrets(p, c)
		out.Replies = append(out.Replies, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out.Replies) == 0 {
		return out, nil
	}
	return out, audit.Log(ctx, q, audit.Read, "complaint", "", "replies to read: "+strconv.Itoa(len(out.Replies)))
}

// ToDoCount returns how many open cases the context principal handles, for
// the count beside "Ärenden" in the navigation. Only a number: not audited.
func ToDoCount(ctx context.Context, q store.Q) (int, error) {
	p := auth.FromContext(ctx)
	if !p.Can(auth.HandleCases) {
		return 0, nil
	}
	cond, args := scope(p)
	var n int
	err := q.QueryRow(ctx, "SELECT COUNT(*) FROM complaints c WHERE "+cond+" AND c.handler_id = ? AND c.status IN "+openStatuses,
		append(args, p.UserID)...).Scan(&n)
	return n, err
}

// actions lists every action a handler may take on a case, in the order
// the case page offers them.
var actions = []EventKind{EventAcknowledged, EventInvestigating, EventAnswered, EventDelayNotice, EventClosed,
	EventReopened, EventSummary, EventMessage, EventAssigned, EventConflict, EventSecret, EventInterpreter, EventLinkRevoked,
	EventReported, EventNote}

// applies reports whether action k can be taken on c in its present state:
// workflow steps from the statuses the transitions table lists, a delay
// notice only while a complaint awaits its answer, the offensive-treatment
// report once on such a case; the rest always.
func applies(k EventKind, c *Case) bool {
	if t, ok := transitions[k]; ok {
		return slices.Contains(t.from, c.Status)
	}
	switch k {
	case EventDelayNotice:
		return c.Status.Open() && c.NeedsAnswer()
	case EventReported:
		return c.OffensiveTreatment && c.ReportedAt == nil
	}
	return slices.Contains(actions, k)
}

// Applicable returns the actions that can be taken on c in its present
// state, in the case page's order. Whether a person may take them is
// CanAct's question.
func Applicable(c *Case) []EventKind {
	var out []EventKind
	for _, k := range actions {
		if applies(k, c) {
			out = append(out, k)
		}
	}
	return out
}
