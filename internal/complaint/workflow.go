package complaint

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/mail"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/workdays"
)

// Notice is a mail a case sends: to the filer (in their language, with a
// fresh follow-up link) or to staff.
type Notice struct {
	Kind  EventKind
	Case  *Case
	To    string
	Lang  string
	Token string // a new follow-up secret, for mails to the filer
	Body  string // the message, the letter or the reason
	// Staff marks a notice to the person who must act on a case that came
	// to them (registered, assigned, conflict): Case then holds no free
	// text and no filer, and CategoryName is in Lang.
	Staff        bool
	CategoryName string
}

// Composer writes the mail for a notice. The web layer implements it with
// the message catalogs; nil sends no mail.
type Composer interface {
	Compose(n Notice) mail.Message
}

// Action is a change a handler makes to a case.
type Action struct {
	Kind      EventKind
	Body      string  // message, letter, note or reason
	Outcome   Outcome // for EventClosed
	HandlerID int64   // for EventAssigned
	// Confirmed is the handler's yes to a warning: handing a case about a
	// principal to a principal of its unit (EventAssigned).
	Confirmed bool
	Secret    bool // for EventSecret
	On        bool // for EventInterpreter: needed or not
	Files     []Attachment
}

// transitions lists the statuses each workflow action may start from, and
// where it leads.
var transitions = map[EventKind]struct {
	from []Status
	to   Status
}{
	EventAcknowledged:  {[]Status{Registered}, Acknowledged},
	EventInvestigating: {[]Status{Registered, Acknowledged}, Investigating},
	EventAnswered:      {[]Status{Registered, Acknowledged, Investigating}, Answered},
	EventClosed:        {[]Status{Registered, Acknowledged, Investigating, Answered}, Closed},
	EventReopened:      {[]Status{Answered, Closed}, Investigating},
}

// Act applies a handler's action to a case in one transaction: the status
// change, the event, attachments, the mail to the filer and the audit
// record. Invalid transitions and missing texts are validation errors.
func Act(ctx context.Context, db store.Q, caseID int64, a Action, now time.Time, compose Composer) error {
	p := auth.FromContext(ctx)
	return store.InTx(ctx, db, func(tx *store.Tx) error {
		c, err := Get(ctx, tx, caseID)
		if err != nil {
			return err
		}
		if a.Kind != EventNote && !CanAct(p, c) {
			return app.Forbidden()
		}
		a.Body = app.CleanText(a.Body)
		var v app.Validation
		if app.TooLong(a.Body, MaxText) {
			v.Add("body", "field.too_long", map[string]any{"Max": MaxText})
		}
		for _, f := range a.Files {
			if msg := f.check(); msg != "" {
				v.Add("files", msg, map[string]any{"Name": f.Filename, "MaxMB": MaxAttachmentBytes >> 20})
			}
		}
		visibility, toFiler := "internal", false
		detail := ""
		switch a.Kind {
		case EventAcknowledged, EventInvestigating:
			visibility, toFiler = "filer", a.Body != ""
		case EventAnswered, EventMessage:
			if a.Body == "" {
				v.Add("body", "field.required")
			}
			visibility, toFiler = "filer", true
		case EventClosed:
			if !slices.Contains(Outcomes, a.Outcome) {
				v.Add("outcome", "field.choose")
			}
			visibility, detail = "filer", string(a.Outcome)
		case EventReopened, EventAssigned, EventConflict, EventNote:
			if a.Body == "" {
				v.Add("body", "field.required")
			}
		case EventDelayNotice:
			visibility, toFiler = "filer", true
		case EventReported:
			if !c.OffensiveTreatment || c.ReportedAt != nil {
				return app.Errorf(app.ECONFLICT, "case.err_not_reportable")
			}
		case EventSecret:
			detail = map[bool]string{true: "on", false: "off"}[a.Secret]
		case EventInterpreter:
			detail = map[bool]string{true: "on", false: "off"}[a.On]
		case EventLinkRevoked:
		case EventSummary:
			// Read at principals' meetings and in reports: short, and without
			// the names of pupils or filers (the handler's responsibility).
			if app.TooLong(a.Body, MaxSummary) {
				v.Add("body", "field.too_long", map[string]any{"Max": MaxSummary})
			}
		default:
			return app.Errorf(app.EINVALID, "err.invalid")
		}
		if !applies(a.Kind, c) {
			v.Add("status", "case.err_transition")
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := apply(ctx, tx, c, &a, now, &detail); err != nil {
			return err
		}
		if a.Kind == EventAssigned || a.Kind == EventConflict {
			if err := notify(ctx, tx, c.ID, a.Kind, now, compose); err != nil {
				return err
			}
		}
		evID, err := addEvent(ctx, tx, c.ID, now, a.Kind, visibility, a.Body, detail)
		if err != nil {
			return err
		}
		if err := saveAttachments(ctx, tx, c.ID, evID, a.Files, now); err != nil {
			return err
		}
		if toFiler && compose != nil && c.FilerEmail != "" {
			token, err := newLink(ctx, tx, c.ID, now)
			if err != nil {
				return err
			}
			n := Notice{Kind: a.Kind, Case: c, To: c.FilerEmail, Lang: c.Language, Token: token, Body: a.Body}
			if a.Kind == EventDelayNotice {
				n.Body = detail
			}
			if _, err := mail.Enqueue(ctx, tx, compose.Compose(n)); err != nil {
				return err
			}
		}
		return audit.Log(ctx, tx, audit.Update, "complaint", strconv.FormatInt(c.ID, 10), string(a.Kind))
	})
}

// apply makes the change to the case row itself.
func apply(ctx context.Context, tx *store.Tx, c *Case, a *Action, now time.Time, detail *string) error {
	exec := func(q string, args ...any) error {
		_, err := tx.Exec(ctx, q, append(args, c.ID)...)
		return err
	}
	switch a.Kind {
	// Once acknowledged, the answer deadline gets its own reminder and
	// escalation: those of the acknowledgement deadline are cleared.
	case EventAcknowledged:
		return exec("UPDATE complaints SET status = ?, acknowledged_at = ?, reminded_at = NULL, escalated_at = NULL WHERE id = ?",
			string(Acknowledged), now)
	case EventInvestigating:
		if c.Status == Registered {
			return exec("UPDATE complaints SET status = ?, acknowledged_at = ?, reminded_at = NULL, escalated_at = NULL WHERE id = ?",
				string(Investigating), now)
		}
		return exec("UPDATE complaints SET status = ? WHERE id = ?", string(Investigating))
	case EventAnswered:
		return exec("UPDATE complaints SET status = ?, answered_at = ?, acknowledged_at = COALESCE(acknowledged_at, ?) WHERE id = ?",
			string(Answered), now, now)
	case EventClosed:
		return exec("UPDATE complaints SET status = ?, outcome = ?, closed_at = ? WHERE id = ?", string(Closed), string(a.Outcome), now)
	case EventReopened:
		settings, err := GetSettings(ctx, tx)
		if err != nil {
			return err
		}
		due := workdays.Add(now.In(civil.Zone), settings.AnswerDays).Format(time.DateOnly)
		*detail = due
		return exec(`UPDATE complaints SET status = ?, outcome = '', closed_at = NULL, answered_at = NULL, answer_due = ?,
			reminded_at = NULL, escalated_at = NULL WHERE id = ?`, string(Investigating), due)
	case EventAssigned:
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM users WHERE id = ? AND active AND role IN ('officer', 'principal', 'specialist')",
			a.HandlerID).Scan(&n); err != nil || n == 0 {
			var v app.Validation
			v.Add("handler", "field.choose")
			return v.Err()
		}
		if !a.Confirmed {
			concerned, err := concernedBy(ctx, tx, c, a.HandlerID)
			if err != nil {
				return err
			}
			if concerned {
				var v app.Validation
				v.Add("confirm", "case.err_assign_concerned")
				return v.Err()
			}
		}
		*detail = strconv.FormatInt(a.HandlerID, 10)
		return exec("UPDATE complaints SET handler_id = ?, reminded_at = NULL WHERE id = ?", a.HandlerID)
	case EventConflict:
		// Jäv: the case leaves its handler for the complaint officer.
		dir, err := LoadDirectory(ctx, tx)
		if err != nil {
			return err
		}
		var to any
		if dir.ComplaintOfficer != 0 && (c.HandlerID == nil || dir.ComplaintOfficer != *c.HandlerID) {
			to = dir.ComplaintOfficer
			*detail = strconv.FormatInt(dir.ComplaintOfficer, 10)
		}
		return exec("UPDATE complaints SET handler_id = ?, reminded_at = NULL WHERE id = ?", to)
	case EventDelayNotice:
		// Förvaltningslagen 11 §: tell the filer the answer is delayed and
		// when it is now expected.
		settings, err := GetSettings(ctx, tx)
		if err != nil {
			return err
		}
		due := workdays.Add(now.In(civil.Zone), settings.AnswerDays).Format(time.DateOnly)
		*detail = due
		return exec("UPDATE complaints SET answer_due = ?, reminded_at = NULL, escalated_at = NULL WHERE id = ?", due)
	case EventReported:
		return exec("UPDATE complaints SET reported_at = ? WHERE id = ?", now)
	case EventSecret:
		return exec("UPDATE complaints SET secret = ? WHERE id = ?", a.Secret)
	case EventInterpreter:
		return exec("UPDATE complaints SET interpreter = ? WHERE id = ?", a.On)
	case EventLinkRevoked:
		return exec("UPDATE complaint_links SET revoked_at = ? WHERE revoked_at IS NULL AND complaint_id = ?", now)
	case EventSummary:
		return exec("UPDATE complaints SET summary = ? WHERE id = ?", a.Body)
	}
	return nil
}

// Reply adds the filer's reply or further information to a case through
// the follow-up link, and tells the handler.
func Reply(ctx context.Context, db store.Q, token, body string, files []Attachment, now time.Time, compose Composer, handlerEmail func(int64) string) error {
	ctx = auth.WithPrincipal(ctx, filerPrincipal)
	return reply(ctx, db, func(tx *store.Tx) (*Case, error) {
		fc, err := ByLink(ctx, tx, token)
		if err != nil {
			return nil, err
		}
		return fc.Case, nil
	}, body, files, now, compose, handlerEmail)
}

// reply adds the filer's reply to the case find returns, as the context's
// principal (the filer through the link, or the guardian signed in).
func reply(ctx context.Context, db store.Q, find func(tx *store.Tx) (*Case, error), body string, files []Attachment, now time.Time, compose Composer, handlerEmail func(int64) string) error {
	body = app.CleanText(body)
	var v app.Validation
	switch {
	case body == "" && len(files) == 0:
		v.Add("body", "field.required")
	case app.TooLong(body, MaxText):
		v.Add("body", "field.too_long", map[string]any{"Max": MaxText})
	}
	if len(files) > MaxAttachments {
		v.Add("files", "field.attachments_count", map[string]any{"Max": MaxAttachments})
	}
	for _, f := range files {
		if msg := f.check(); msg != "" {
			v.Add("files", msg, map[string]any{"Name": f.Filename, "MaxMB": MaxAttachmentBytes >> 20})
			break
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	return store.InTx(ctx, db, func(tx *store.Tx) error {
		c, err := find(tx)
		if err != nil {
			return err
		}
		evID, err := addEvent(ctx, tx, c.ID, now, EventReply, "filer", body, "")
		if err != nil {
			return err
		}
		if err := saveAttachments(ctx, tx, c.ID, evID, files, now); err != nil {
			return err
		}
		if compose != nil && c.HandlerID != nil && handlerEmail != nil {
			if to := handlerEmail(*c.HandlerID); to != "" {
				lang := "sv"
				if err := tx.QueryRow(ctx, "SELECT language FROM users WHERE id = ?", *c.HandlerID).Scan(&lang); err != nil && !store.IsNotFound(err) {
					return err
				}
				if _, err := mail.Enqueue(ctx, tx, compose.Compose(Notice{Kind: EventReply, Case: c, To: to, Lang: lang})); err != nil {
					return err
				}
			}
		}
		return audit.Log(ctx, tx, audit.Update, "complaint", strconv.FormatInt(c.ID, 10), "reply by filer")
	})
}
