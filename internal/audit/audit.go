// Package audit writes and reads the append-only log of reads and writes of
// personal data: who, what, when and from where. Nothing in the application
// updates or deletes it; the database refuses to (see migration 00001).
package audit

import (
	"context"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Actions.
const (
	Read   = "read"
	Create = "create"
	Update = "update"
	Export = "export"
	Login  = "login"
	Logout = "logout"
	Import = "import"
)

// Entry is one audit record.
type Entry struct {
	ID        int64
	At        time.Time
	ActorID   *int64
	Actor     string
	Role      string
	Action    string
	Entity    string // e.g. "user", "unit", "audit_log"
	EntityID  string
	Summary   string
	IP        string
	UserAgent string
}

type ctxKey struct{}

// Origin is where a request came from, carried in the context by the web layer.
type Origin struct{ IP, UserAgent string }

// WithOrigin returns a context carrying the request's origin.
func WithOrigin(ctx context.Context, o Origin) context.Context {
	return context.WithValue(ctx, ctxKey{}, o)
}

// Log appends an entry for the context's principal and origin. Call it in
// the same transaction as a write, so that the write and its record stand
// or fall together.
func Log(ctx context.Context, q store.Q, action, entity, entityID, summary string) error {
	p := auth.FromContext(ctx)
	o, _ := ctx.Value(ctxKey{}).(Origin)
	var actorID *int64
	if p.Authenticated() {
		actorID = &p.UserID
	}
	ua := o.UserAgent
	if len(ua) > 300 {
		ua = ua[:300]
	}
	_, err := q.Exec(ctx, `INSERT INTO audit_log (at, actor_id, actor, role, action, entity, entity_id, summary, ip, user_agent)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		store.Now(), actorID, p.Label(), string(p.Role), action, entity, entityID, summary, o.IP, ua)
	return err
}

// Filter selects entries; zero fields match everything.
type Filter struct {
	Actor    string // substring of the actor label
	Action   string
	Entity   string
	EntityID string
	From, To time.Time // To is exclusive
	Limit    int
	BeforeID int64 // for paging: entries with smaller ids
}

// List returns entries matching f, newest first.
func List(ctx context.Context, q store.Q, f Filter) ([]Entry, error) {
	var (
		where []string
		args  []any
	)
	if f.Actor != "" {
		where = append(where, "LOWER(actor) LIKE ?")
		args = append(args, "%"+strings.ToLower(f.Actor)+"%")
	}
	for _, c := range []struct{ col, val string }{{"action", f.Action}, {"entity", f.Entity}, {"entity_id", f.EntityID}} {
		if c.val != "" {
			where = append(where, c.col+" = ?")
			args = append(args, c.val)
		}
	}
	if !f.From.IsZero() {
		where = append(where, "at >= ?")
		args = append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		where = append(where, "at < ?")
		args = append(args, f.To.UTC())
	}
	if f.BeforeID > 0 {
		where = append(where, "id < ?")
		args = append(args, f.BeforeID)
	}
	query := "SELECT id, at, actor_id, actor, role, action, entity, entity_id, summary, ip, user_agent FROM audit_log"
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY id DESC"
	if f.Limit > 0 {
		query += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.Actor, &e.Role, &e.Action, &e.Entity, &e.EntityID, &e.Summary, &e.IP, &e.UserAgent); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
