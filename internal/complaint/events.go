package complaint

import (
	"context"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// EventKind says what happened to a case.
type EventKind string

const (
	EventRegistered    EventKind = "registered"    // detail: routing reason
	EventAcknowledged  EventKind = "acknowledged"  // body: optional message to the filer
	EventInvestigating EventKind = "investigating" //
	EventAnswered      EventKind = "answered"      // body: the answer letter
	EventClosed        EventKind = "closed"        // detail: outcome
	EventReopened      EventKind = "reopened"      // body: reason
	EventAssigned      EventKind = "assigned"      // body: reason; detail: new handler id
	EventConflict      EventKind = "conflict"      // body: reason (jäv)
	EventNote          EventKind = "note"          // internal note
	EventMessage       EventKind = "message"       // handler to filer
	EventReply         EventKind = "reply"         // filer to handler
	EventDelayNotice   EventKind = "delay_notice"  // förvaltningslagen 11 §; detail: new date
	EventReported      EventKind = "reported"      // offensive treatment reported to the organizer
	EventSecret        EventKind = "secret"        // detail: "on" or "off"
	EventLinkRevoked   EventKind = "link_revoked"  //
	EventReminder      EventKind = "reminder"      // detail: which deadline
	EventEscalated     EventKind = "escalated"     // overdue: to the complaint officer
	EventSummary       EventKind = "summary"       // the neutral summary for principals' meetings and reports
	EventInterpreter   EventKind = "interpreter"   // an interpreter or translation is needed; detail: "on" or "off"
)

// Event is one entry in a case's history.
type Event struct {
	ID         int64
	At         time.Time
	ActorID    *int64
	Actor      string // a person's name, "filer" or "system"
	Kind       EventKind
	Visibility string // "filer" or "internal"
	Body       string
	Detail     string
	Files      []FileInfo
}

// ForFiler reports whether the filer sees the event on the follow-up page.
func (e Event) ForFiler() bool { return e.Visibility == "filer" }

// FileInfo describes a stored attachment.
type FileInfo struct {
	ID          int64
	EventID     *int64
	Filename    string
	ContentType string
	Size        int64
}

// addEvent appends an event by the context's principal (or the filer, or
// the system) and touches the case.
func addEvent(ctx context.Context, q store.Q, caseID int64, now time.Time, kind EventKind, visibility, body, detail string) (int64, error) {
	p := auth.FromContext(ctx)
	actor := p.Name
	var actorID any
	switch {
	case p.Authenticated():
		actorID = p.UserID
	case p == filerPrincipal:
		actor = "filer"
	default:
		actor = "system"
	}
	var id int64
	err := q.QueryRow(ctx, `INSERT INTO complaint_events (complaint_id, at, actor_id, actor, kind, visibility, body, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, caseID, now, actorID, actor, string(kind), visibility, body, detail).Scan(&id)
	if err != nil {
		return 0, err
	}
	_, err = q.Exec(ctx, "UPDATE complaints SET updated_at = ? WHERE id = ?", now, caseID)
	return id, err
}

// filerPrincipal acts for the filer on the follow-up page; it appears in
// the audit log as "filer".
var filerPrincipal = &auth.Principal{Email: "filer"}

// Events returns a case's history, oldest first, with attachments; only
// what the filer sees unless internal is set.
func Events(ctx context.Context, q store.Q, caseID int64, internal bool) ([]Event, error) {
	cond := ""
	if !internal {
		cond = " AND visibility = 'filer'"
	}
	rows, err := q.Query(ctx, `SELECT id, at, actor_id, actor, kind, visibility, body, detail FROM complaint_events
		WHERE complaint_id = ?`+cond+` ORDER BY id`, caseID)
	if err != nil {
		return nil, err
	}
	var evs []Event
	byID := map[int64]int{}
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.Actor, &e.Kind, &e.Visibility, &e.Body, &e.Detail); err != nil {
			rows.Close()
			return nil, err
		}
		byID[e.ID] = len(evs)
		evs = append(evs, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	files, err := Files(ctx, q, caseID)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		i := 0 // files sent with the submission belong to the first event
		if f.EventID != nil {
			var ok bool
			if i, ok = byID[*f.EventID]; !ok {
				continue // an internal event's file, not shown here
			}
		}
		if len(evs) > 0 {
			evs[i].Files = append(evs[i].Files, f)
		}
	}
	return evs, nil
}

// Files lists a case's attachments.
func Files(ctx context.Context, q store.Q, caseID int64) ([]FileInfo, error) {
	rows, err := q.Query(ctx, "SELECT id, event_id, filename, content_type, size FROM complaint_attachments WHERE complaint_id = ? ORDER BY id", caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FileInfo
	for rows.Next() {
		var f FileInfo
		if err := rows.Scan(&f.ID, &f.EventID, &f.Filename, &f.ContentType, &f.Size); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
