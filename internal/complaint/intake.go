package complaint

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/mail"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/workdays"
)

// Receipt is what the filer gets back.
type Receipt struct {
	ID        int64
	Reference string
	Token     string // the private follow-up secret, shown once
	AckDue    string // YYYY-MM-DD
	AnswerDue string
	Kind      Kind
	Repeated  bool // the submission key had been used: this is the earlier case
}

// NotSetUp is the error of a submission before the organizer is set up (a
// fresh installation): the case could get no reference, so none is taken.
func NotSetUp() *app.Error { return app.Errorf(app.EUNAVAILABLE, "public.err_not_set_up") }

// Submit registers a submission: it validates it, numbers it in the
// organizer's series without gaps, routes it to a handler, sets its
// deadlines in working days from now, stores its attachments, queues the
// receipt and logs it, all in one transaction.
//
// A submission whose key the same client used before returns that earlier
// case (Receipt.Repeated) without a follow-up link: the link was given
// once, and a repeat must not hand out another one. The same key with
// other content is an error (EINVALID, "public.err_key_reused"): it is not a
// repeat, and the earlier case is not shown.
func Submit(ctx context.Context, db store.Q, s Submission, now time.Time, compose Composer) (Receipt, error) {
	s.Normalize()
	fingerprint := s.fingerprint() // before validation, as a repeat sees it
	auditCtx := ctx                // an API client (an e-service platform) is logged by its name
	if !auth.FromContext(ctx).Authenticated() {
		ctx = auth.WithPrincipal(ctx, filerPrincipal) // events and the audit log show "filer"
		if !auth.FromContext(auditCtx).IsClient() {
			auditCtx = ctx
		}
	}
	if _, err := org.GetOrganizer(ctx, db); errors.Is(err, store.ErrNotFound) {
		return Receipt{}, NotSetUp()
	}
	var r Receipt
	err := store.InTx(ctx, db, func(tx *store.Tx) error {
		if s.SubmissionKey != "" {
			var err error
			if r, err = repeated(ctx, tx, s.scopedKey(), fingerprint); err == nil || !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		if err := s.validate(unitExists(ctx, tx), categoryExists(ctx, tx)); err != nil {
			return err
		}
		o, err := org.GetOrganizer(ctx, tx)
		if err != nil {
			return fmt.Errorf("complaint: no organizer: %w", err)
		}
		settings, err := GetSettings(ctx, tx)
		if err != nil {
			return err
		}
		dir, err := LoadDirectory(ctx, tx)
		if err != nil {
			return err
		}
		handler, reason := Route(&s, dir)
		local := now.In(civil.Zone)
		number, err := nextNumber(ctx, tx, o.RegPrefix, local.Year())
		if err != nil {
			return err
		}
		r = Receipt{
			Reference: fmt.Sprintf("%s %d/%05d", o.RegPrefix, local.Year(), number),
			AckDue:    workdays.Add(local, settings.AckDays).Format(time.DateOnly),
			AnswerDue: workdays.Add(local, settings.AnswerDays).Format(time.DateOnly),
			Kind:      s.Kind,
		}
		var unitID, handlerID, key, fp any
		if s.UnitScope == ScopeUnit {
			unitID = s.UnitID
		}
		if handler != 0 {
			handlerID = handler
		}
		if s.SubmissionKey != "" {
			key, fp = s.scopedKey(), fingerprint
		}
		err = tx.QueryRow(ctx, `INSERT INTO complaints (reference, submitted_at, channel, language, filer_role, unit_id,
				unit_scope, kind, category_code, concerns_principal, what_happened, desired_outcome, filer_name,
				filer_email, filer_phone, status, handler_id, ack_due, answer_due, offensive_treatment,
				submission_key, submission_hash, updated_at, guardian_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			r.Reference, now, s.Channel, s.Language, string(s.FilerRole), unitID, string(s.UnitScope), string(s.Kind),
			s.Category, s.ConcernsPrincipal, s.WhatHappened, s.DesiredOutcome, s.Name, s.Email, s.Phone,
			string(Registered), handlerID, r.AckDue, r.AnswerDue, s.Category == OffensiveTreatment, key, fp, now, guardianArg(s.GuardianID)).Scan(&r.ID)
		if err != nil {
			return err
		}
		if _, err := addEvent(ctx, tx, r.ID, now, EventRegistered, "filer", "", reason); err != nil {
			return err
		}
		if err := saveAttachments(ctx, tx, r.ID, 0, s.Attachments, now); err != nil {
			return err
		}
		if err := notify(ctx, tx, r.ID, EventRegistered, now, compose); err != nil {
			return err
		}
		if r.Token, err = newLink(ctx, tx, r.ID, now); err != nil {
			return err
		}
		if compose != nil && s.Email != "" {
			c := &Case{ID: r.ID, Reference: r.Reference, Kind: s.Kind, Language: s.Language, AckDue: r.AckDue,
				AnswerDue: r.AnswerDue, SubmittedAt: now, FilerName: s.Name}
			n := Notice{Kind: EventRegistered, Case: c, To: s.Email, Lang: s.Language, Token: r.Token}
			if _, err := mail.Enqueue(ctx, tx, compose.Compose(n)); err != nil {
				return err
			}
		}
		return audit.Log(auditCtx, tx, audit.Create, "complaint", strconv.FormatInt(r.ID, 10), r.Reference+" via "+s.Channel)
	})
	if errors.Is(err, store.ErrAlreadyExists) && s.SubmissionKey != "" {
		// A concurrent submit with the same key won the race: answer with its case.
		err = store.InTx(ctx, db, func(tx *store.Tx) error {
			var rerr error
			r, rerr = repeated(ctx, tx, s.scopedKey(), fingerprint)
			return rerr
		})
	}
	return r, err
}

// repeated returns the receipt, without a link, of the case the same
// client already submitted with the same key and content; the key with
// other content is an error; store.ErrNotFound when the key is new.
func repeated(ctx context.Context, tx *store.Tx, key, fingerprint string) (Receipt, error) {
	var r Receipt
	var stored *string
	err := tx.QueryRow(ctx, "SELECT id, reference, ack_due, answer_due, kind, submission_hash FROM complaints WHERE submission_key = ?",
		key).Scan(&r.ID, &r.Reference, &r.AckDue, &r.AnswerDue, &r.Kind, &stored)
	if err != nil {
		return Receipt{}, err
	}
	if stored == nil || subtle.ConstantTimeCompare([]byte(*stored), []byte(fingerprint)) != 1 {
		return Receipt{}, app.Errorf(app.EINVALID, "public.err_key_reused")
	}
	r.Repeated = true
	return r, nil
}

// scopedKey is the stored form of the submission key: a digest of the
// client and the key, so a key counts only for the client that sent it.
func (s *Submission) scopedKey() string {
	sum := sha256.Sum256([]byte("styrkedjan-submission-key\x00" + s.SubmissionClient + "\x00" + s.SubmissionKey))
	return hex.EncodeToString(sum[:])
}

// fingerprint is a digest of a normalised submission's content: every
// field the filer sent and every attachment's name and content.
func (s *Submission) fingerprint() string {
	h := sha256.New()
	field := func(v string) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(v)))
		h.Write(n[:])
		h.Write([]byte(v))
	}
	for _, v := range []string{string(s.FilerRole), string(s.UnitScope), strconv.FormatInt(s.UnitID, 10), string(s.Kind),
		s.Category, strconv.FormatBool(s.ConcernsPrincipal), s.WhatHappened, s.DesiredOutcome, s.Name, s.Email,
		s.Phone, s.Language, s.Channel} {
		field(v)
	}
	for _, a := range s.Attachments {
		sum := sha256.Sum256(a.Data)
		field(a.Filename)
		field(string(sum[:]))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// nextNumber takes the next number in the series for prefix and year. The
// row lock (PostgreSQL) or the write transaction (SQLite) serialises
// concurrent submissions, and a rolled-back case gives its number back, so
// the series has no gaps.
func nextNumber(ctx context.Context, tx *store.Tx, prefix string, year int) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `INSERT INTO registration_series (prefix, year, last_number) VALUES (?, ?, 1)
		ON CONFLICT (prefix, year) DO UPDATE SET last_number = registration_series.last_number + 1
		RETURNING last_number`, prefix, year).Scan(&n)
	return n, err
}

// newLink stores a new follow-up secret for a case and returns it.
func newLink(ctx context.Context, tx *store.Tx, caseID int64, now time.Time) (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	_, err := tx.Exec(ctx, "INSERT INTO complaint_links (token_hash, complaint_id, created_at) VALUES (?, ?, ?)",
		linkDigest(token), caseID, now)
	return token, err
}

func linkDigest(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func unitExists(ctx context.Context, q store.Q) func(int64) bool {
	return func(id int64) bool {
		var n int
		return q.QueryRow(ctx, "SELECT COUNT(*) FROM units WHERE id = ? AND active", id).Scan(&n) == nil && n == 1
	}
}

func categoryExists(ctx context.Context, q store.Q) func(string) bool {
	return func(code string) bool {
		var n int
		return q.QueryRow(ctx, "SELECT COUNT(*) FROM complaint_categories WHERE code = ? AND active", code).Scan(&n) == nil && n == 1
	}
}

func saveAttachments(ctx context.Context, tx *store.Tx, caseID, eventID int64, as []Attachment, now time.Time) error {
	var ev any
	if eventID != 0 {
		ev = eventID
	}
	for _, a := range as {
		sum := sha256.Sum256(a.Data)
		_, err := tx.Exec(ctx, `INSERT INTO complaint_attachments (complaint_id, event_id, filename, content_type, size, sha256, data, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, caseID, ev, a.Filename, a.ContentType, len(a.Data), hex.EncodeToString(sum[:]), a.Data, now)
		if err != nil {
			return err
		}
	}
	return nil
}

// Settings are the organizer's norms for handling complaints.
type Settings struct {
	AckDays            int // working days to acknowledge
	AnswerDays         int // working days to answer
	RemindDays         int // working days before a deadline to remind the handler
	ComplaintOfficerID *int64
	RetentionMonths    *int // months after closing that personal data is kept; nil keeps it
}

// GetSettings reads the complaint settings.
func GetSettings(ctx context.Context, q store.Q) (Settings, error) {
	var s Settings
	err := q.QueryRow(ctx, "SELECT ack_days, answer_days, remind_days, complaint_officer_id, retention_months FROM complaint_settings WHERE id = 1").
		Scan(&s.AckDays, &s.AnswerDays, &s.RemindDays, &s.ComplaintOfficerID, &s.RetentionMonths)
	return s, err
}

// SaveSettings validates and stores the complaint settings.
func SaveSettings(ctx context.Context, q store.Q, s Settings) error {
	var v app.Validation
	if s.AckDays < 0 || s.AckDays > 60 {
		v.Add("ack_days", "field.days")
	}
	if s.AnswerDays < 1 || s.AnswerDays > 120 || s.AnswerDays < s.AckDays {
		v.Add("answer_days", "field.answer_days")
	}
	if s.RemindDays < 0 || s.RemindDays > 30 {
		v.Add("remind_days", "field.days")
	}
	if s.RetentionMonths != nil && (*s.RetentionMonths < 1 || *s.RetentionMonths > 600) {
		v.Add("retention_months", "field.retention_months")
	}
	if err := v.Err(); err != nil {
		return err
	}
	_, err := q.Exec(ctx, `UPDATE complaint_settings SET ack_days = ?, answer_days = ?, remind_days = ?, complaint_officer_id = ?,
		retention_months = ? WHERE id = 1`, s.AckDays, s.AnswerDays, s.RemindDays, s.ComplaintOfficerID, s.RetentionMonths)
	if err == nil {
		err = audit.Log(ctx, q, audit.Update, "complaint_settings", "1", "")
	}
	return err
}
