package complaint

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// caseColumns selects a case with its unit and handler names; caseJoins
// supplies the u and h aliases it reads.
const caseColumns = caseFields + " FROM complaints c " + caseJoins

const caseJoins = "LEFT JOIN units u ON u.id = c.unit_id LEFT JOIN users h ON h.id = c.handler_id"

const caseFields = `c.id, c.reference, c.submitted_at, c.channel, c.language, c.filer_role, c.unit_id,
	COALESCE(u.name, ''), c.unit_scope, c.kind, c.category_code, c.concerns_principal, c.what_happened,
	c.desired_outcome, c.filer_name, c.filer_email, c.filer_phone, c.status, c.outcome, c.handler_id,
	COALESCE(h.name, ''), c.ack_due, c.answer_due, c.acknowledged_at, c.answered_at, c.closed_at, c.secret,
	c.offensive_treatment, c.reported_at, c.summary, c.anonymized_at, c.updated_at, c.interpreter`

func scanCase(row interface{ Scan(...any) error }, extra ...any) (*Case, error) {
	var c Case
	err := row.Scan(append([]any{&c.ID, &c.Reference, &c.SubmittedAt, &c.Channel, &c.Language, &c.FilerRole, &c.UnitID,
		&c.UnitName, &c.UnitScope, &c.Kind, &c.Category, &c.ConcernsPrincipal, &c.WhatHappened,
		&c.DesiredOutcome, &c.FilerName, &c.FilerEmail, &c.FilerPhone, &c.Status, &c.Outcome, &c.HandlerID,
		&c.HandlerName, &c.AckDue, &c.AnswerDue, &c.AcknowledgedAt, &c.AnsweredAt, &c.ClosedAt, &c.Secret,
		&c.OffensiveTreatment, &c.ReportedAt, &c.Summary, &c.AnonymizedAt, &c.UpdatedAt, &c.Interpreter}, extra...)...)
	return &c, err
}

// hideSecrets empties the free text of a secret case for viewers who may
// not read it, the handler's neutral summary included: the summary names
// what the case is about, which is what secrecy protects.
func hideSecrets(p *auth.Principal, c *Case) {
	if c.Secret && !seesSecrets(p, c) {
		c.SecretHidden = true
		c.WhatHappened, c.DesiredOutcome = "", ""
		c.FilerName, c.FilerEmail, c.FilerPhone = "", "", ""
		c.Summary = ""
	}
}

// Get returns one case within the context principal's scope, or
// app.NotFound. The read is audited.
func Get(ctx context.Context, q store.Q, id int64) (*Case, error) {
	p := auth.FromContext(ctx)
	cond, args := scope(p)
	c, err := scanCase(q.QueryRow(ctx, "SELECT "+caseColumns+" WHERE c.id = ? AND "+cond, append([]any{id}, args...)...))
	if errors.Is(err, store.ErrNotFound) {
		return nil, app.NotFound()
	}
	if err != nil {
		return nil, err
	}
	hideSecrets(p, c)
	return c, audit.Log(ctx, q, audit.Read, "complaint", strconv.FormatInt(id, 10), c.Reference)
}

// Filter selects cases for a work list. The zero Filter is every open case
// in scope.
type Filter struct {
	Mine      bool   // only cases the principal handles
	Status    string // "" = open, "all", or a Status
	Category  string
	UnitID    int64
	Overdue   bool
	Offensive bool   // only offensive-treatment cases
	Query     string // reference, or words in the text
	Limit     int    // default 50
	Offset    int
}

// WorkList returns the cases in scope matching f, overdue first and then
// by answer deadline, and how many match in all. today is YYYY-MM-DD.
func WorkList(ctx context.Context, q store.Q, f Filter, today string) ([]*Case, int, error) {
	p := auth.FromContext(ctx)
	cond, args := scope(p)
	where := []string{cond}
	if f.Mine {
		where = append(where, "c.handler_id = ?")
		args = append(args, p.UserID)
	}
	switch f.Status {
	case "":
		where = append(where, "c.status IN ('registered', 'acknowledged', 'investigating')")
	case "all":
	default:
		where = append(where, "c.status = ?")
		args = append(args, f.Status)
	}
	if f.Category != "" {
		where = append(where, "c.category_code = ?")
		args = append(args, f.Category)
	}
	if f.UnitID != 0 {
		where = append(where, "c.unit_id = ?")
		args = append(args, f.UnitID)
	}
	if f.Overdue {
		where = append(where, "c.status IN ('registered', 'acknowledged', 'investigating') AND ((c.kind = 'complaint' AND c.answer_due < ?) OR (c.status = 'registered' AND c.ack_due < ?))")
		args = append(args, today, today)
	}
	if f.Offensive {
		where = append(where, "c.offensive_treatment")
	}
	if s := strings.TrimSpace(f.Query); s != "" {
		// The reference, the category's name ("Måltider"), and the texts of
		// cases that are not secret: the filer's and the handler's summary.
		cond := "LOWER(c.reference) LIKE ? OR (NOT c.secret AND (LOWER(c.what_happened) LIKE ? OR LOWER(c.summary) LIKE ?))"
		like := "%" + strings.ToLower(s) + "%"
		args = append(args, like, like, like)
		codes, err := categoriesNamed(ctx, q, s)
		if err != nil {
			return nil, 0, err
		}
		if len(codes) > 0 {
			cond += " OR c.category_code IN (" + store.Placeholders(len(codes)) + ")"
			for _, code := range codes {
				args = append(args, code)
			}
		}
		where = append(where, "("+cond+")")
	}
	w := strings.Join(where, " AND ")
	var total int
	if err := q.QueryRow(ctx, "SELECT COUNT(*) FROM complaints c WHERE "+w, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	// Overdue first: the order is an expression no index gives, so sort
	// only ids and a few columns, then fetch the page's rows in full (a
	// deferred join: about 5x faster at 100,000 cases).
	//
	// "All" (Status "all") lists the newest first instead: it is where one
	// looks for a case that came in, whatever became of it.
	inner, outer := "late, c.answer_due, c.id", "p.late, p.answer_due, p.id"
	if f.Status == "all" {
		inner, outer = "c.submitted_at DESC, c.id DESC", "p.submitted_at DESC, p.id DESC"
	}
	page := `SELECT c.id, CASE WHEN c.status IN ('registered', 'acknowledged', 'investigating') AND
			((c.kind = 'complaint' AND c.answer_due < ?) OR (c.status = 'registered' AND c.ack_due < ?)) THEN 0 ELSE 1 END AS late,
			c.answer_due, c.submitted_at FROM complaints c WHERE ` + w + ` ORDER BY ` + inner + ` LIMIT ? OFFSET ?`
	pageArgs := append(append([]any{today, today}, args...), limit, max(f.Offset, 0))
	rows, err := q.Query(ctx, "SELECT "+caseFields+" FROM ("+page+") p JOIN complaints c ON c.id = p.id "+caseJoins+
		" ORDER BY "+outer, pageArgs...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, 0, err
		}
		hideSecrets(p, c)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	return out, total, audit.Log(ctx, q, audit.Read, "complaint", "", "work list of "+strconv.Itoa(len(out)))
}

// categoriesNamed returns the codes of the categories whose Swedish or
// English name contains s, compared in Go so that "måltider" finds
// "Måltider" and "ÄTA" finds "Äta" (SQLite's LOWER folds only ASCII).
func categoriesNamed(ctx context.Context, q store.Q, s string) ([]string, error) {
	cats, err := org.Categories(ctx, q)
	if err != nil {
		return nil, err
	}
	s = strings.ToLower(s)
	var codes []string
	for _, c := range cats {
		if strings.Contains(strings.ToLower(c.NameSV), s) || strings.Contains(strings.ToLower(c.NameEN), s) {
			codes = append(codes, c.Code)
		}
	}
	return codes, nil
}

// FilerCase is what the filer sees through the follow-up link.
type FilerCase struct {
	Case   *Case
	Events []Event
}

// ByLink finds the case behind a follow-up secret; a revoked or unknown
// link is app.NotFound.
func ByLink(ctx context.Context, q store.Q, token string) (*FilerCase, error) {
	c, err := scanCase(q.QueryRow(ctx, "SELECT "+caseColumns+` JOIN complaint_links l ON l.complaint_id = c.id
		WHERE l.token_hash = ? AND l.revoked_at IS NULL`, linkDigest(token)))
	if errors.Is(err, store.ErrNotFound) {
		return nil, app.NotFound()
	}
	if err != nil {
		return nil, err
	}
	evs, err := Events(ctx, q, c.ID, false)
	if err != nil {
		return nil, err
	}
	return &FilerCase{Case: c, Events: evs}, nil
}

// AttachmentFile returns a stored file of a case the context principal
// may see. A secret case whose details are hidden from them shows no
// files: app.NotFound.
func AttachmentFile(ctx context.Context, q store.Q, caseID, fileID int64) (FileInfo, []byte, error) {
	c, err := Get(ctx, q, caseID)
	if err != nil {
		return FileInfo{}, nil, err
	}
	if !mayReadFiles(auth.FromContext(ctx), c) {
		return FileInfo{}, nil, app.NotFound()
	}
	return attachment(ctx, q, caseID, fileID)
}

// LinkAttachmentFile returns a file the filer may see through their
// private link: one attached to an event shown to the filer.
func LinkAttachmentFile(ctx context.Context, q store.Q, token string, fileID int64) (FileInfo, []byte, error) {
	fc, err := ByLink(ctx, q, token)
	if err != nil {
		return FileInfo{}, nil, err
	}
	for _, e := range fc.Events {
		for _, f := range e.Files {
			if f.ID == fileID {
				return attachment(ctx, q, fc.Case.ID, fileID)
			}
		}
	}
	return FileInfo{}, nil, app.NotFound()
}

// HandlerKind is how a filer sees who handles their case: a role, never a
// person's name.
type HandlerKind struct {
	Principal bool   // the principal of the case's unit
	Title     string // a specialist's title ("Måltidschef"), else ""
}

// FilerHandler says how the filer sees the handler of c: the principal of
// its unit, a specialist's title, or (the zero value) the organizer's
// complaint officer.
func FilerHandler(ctx context.Context, q store.Q, c *Case) (HandlerKind, error) {
	if c.HandlerID == nil {
		return HandlerKind{}, nil
	}
	var role, title string
	if err := q.QueryRow(ctx, "SELECT role, title FROM users WHERE id = ?", *c.HandlerID).Scan(&role, &title); err != nil {
		return HandlerKind{}, err
	}
	switch auth.RoleReach(auth.Role(role), auth.HandleCases) {
	case auth.ReachUnits:
		return HandlerKind{Principal: c.UnitName != ""}, nil
	case auth.ReachCategories:
		return HandlerKind{Title: title}, nil
	}
	return HandlerKind{}, nil
}

// PersonEmail returns a function giving the address of an active person
// (empty when there is none), for the mails Reply sends to the handler.
func PersonEmail(ctx context.Context, q store.Q) func(int64) string {
	return func(id int64) string {
		var email string
		_ = q.QueryRow(ctx, "SELECT email FROM users WHERE id = ? AND active", id).Scan(&email)
		return email
	}
}

func attachment(ctx context.Context, q store.Q, caseID, fileID int64) (FileInfo, []byte, error) {
	var f FileInfo
	var data []byte
	err := q.QueryRow(ctx, `SELECT id, event_id, filename, content_type, size, data FROM complaint_attachments
		WHERE id = ? AND complaint_id = ?`, fileID, caseID).Scan(&f.ID, &f.EventID, &f.Filename, &f.ContentType, &f.Size, &data)
	if errors.Is(err, store.ErrNotFound) {
		return f, nil, app.NotFound()
	}
	return f, data, err
}
