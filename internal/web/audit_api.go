package web

import (
	"net/http"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/audit"
)

// The audit log in the JSON API.

type apiAuditEntry struct {
	ID       int64     `json:"id"`
	At       time.Time `json:"at"`
	ActorID  *int64    `json:"actorId"`
	Actor    string    `json:"actor"`
	Role     string    `json:"role"`
	Action   string    `json:"action"`
	Entity   string    `json:"entity"`
	EntityID string    `json:"entityId"`
	Summary  string    `json:"summary"`
	IP       string    `json:"ip"`
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f, _, err := auditFilter(r)
	if err != nil {
		return err
	}
	f.Limit = auditPageSize
	entries, err := audit.List(ctx, s.db, f)
	if err != nil {
		return err
	}
	if err := audit.Log(ctx, s.db, audit.Read, "audit_log", "", "api "+r.URL.RawQuery); err != nil {
		return err
	}
	out := make([]apiAuditEntry, 0, len(entries))
	for _, e := range entries {
		out = append(out, apiAuditEntry{e.ID, e.At, e.ActorID, e.Actor, e.Role, e.Action, e.Entity, e.EntityID, e.Summary, e.IP})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": out})
}
