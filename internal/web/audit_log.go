package web

import (
	"encoding/csv"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

const auditPageSize = 100

// auditFilter reads the filter form of the audit page. Dates are local
// (Europe/Stockholm) days; "to" includes its whole day.
func auditFilter(r *http.Request) (audit.Filter, map[string]string, error) {
	q := r.URL.Query()
	vals := map[string]string{"actor": q.Get("actor"), "action": q.Get("action"), "entity": q.Get("entity"),
		"entity_id": q.Get("entity_id"), "from": q.Get("from"), "to": q.Get("to")}
	f := audit.Filter{Actor: vals["actor"], Action: vals["action"], Entity: vals["entity"], EntityID: vals["entity_id"]}
	var v app.Validation
	if vals["from"] != "" {
		t, err := civil.Parse(vals["from"])
		if err != nil {
			v.Add("from", "field.date")
		}
		f.From = t
	}
	if vals["to"] != "" {
		t, err := civil.Parse(vals["to"])
		if err != nil {
			v.Add("to", "field.date")
		}
		f.To = t.AddDate(0, 0, 1)
	}
	f.BeforeID, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	return f, vals, v.Err()
}

type auditPage struct {
	Entries []audit.Entry
	Next    template.URL // query string of the next page, "" on the last
	Actions []string
}

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f, vals, err := auditFilter(r)
	page := auditPage{Actions: []string{audit.Read, audit.Create, audit.Update, audit.Export, audit.Import, audit.Login, audit.Logout}}
	if err == nil {
		f.Limit = auditPageSize + 1
		page.Entries, err = audit.List(ctx, s.db, f)
		if err != nil {
			return err
		}
		if len(page.Entries) > auditPageSize {
			page.Entries = page.Entries[:auditPageSize]
			q := r.URL.Query()
			q.Set("before", strconv.FormatInt(page.Entries[auditPageSize-1].ID, 10))
			page.Next = template.URL(q.Encode()) // already escaped; as a string the template would escape "=" and "&" again
		}
		// Reading the audit log is itself recorded.
		if err := audit.Log(ctx, s.db, audit.Read, "audit_log", "", r.URL.RawQuery); err != nil {
			return err
		}
	}
	return s.renderForm(w, r, "audit", formData{Values: vals, Extra: page}, err)
}

// auditExport streams the filtered log as CSV (semicolon separated, UTF-8
// with BOM, as Swedish Excel expects).
func (s *Server) auditExport(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f, _, err := auditFilter(r)
	if err != nil {
		return err
	}
	entries, err := audit.List(ctx, s.db, f)
	if err != nil {
		return err
	}
	if err := audit.Log(ctx, s.db, audit.Export, "audit_log", "", r.URL.RawQuery+" ("+strconv.Itoa(len(entries))+" rows)"); err != nil {
		return err
	}
	downloadHeaders(w, "audit-"+store.Now().Format("20060102-150405")+".csv", "text/csv; charset=utf-8")
	_, _ = w.Write([]byte("\ufeff"))
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	_ = cw.Write([]string{"id", "time", "actor", "role", "action", "entity", "entity_id", "summary", "ip", "user_agent"})
	for _, e := range entries {
		_ = cw.Write([]string{strconv.FormatInt(e.ID, 10), e.At.In(civil.Zone).Format(time.RFC3339), csvSafe(e.Actor), e.Role,
			e.Action, e.Entity, csvSafe(e.EntityID), csvSafe(e.Summary), e.IP, csvSafe(e.UserAgent)})
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe defuses spreadsheet formula injection in exported text.
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}
