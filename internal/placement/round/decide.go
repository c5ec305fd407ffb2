package round

// Decisions that reach people (issue 15): with a register (the round's
// placement_children and placement_guardians), publishing sends each
// child's guardians the decision — an e-mail in each guardian's language
// with a private link of their own, or a printed letter when no guardian
// has an e-mail address — and records it in placement_decisions with the
// date by which the place must be accepted. Rounds without a register keep
// one link per applicant, handed to the officer as a CSV.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/mail"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Channels a decision is sent by.
const (
	ChannelEmail  = "email"
	ChannelLetter = "letter"
)

// Answers to a decision.
const (
	Accepted = "accepted"
	Declined = "declined"
)

// Notify says how decisions reach guardians: the catalog their languages
// come from and the public address their links start with.
type Notify struct {
	Catalog *i18n.Catalog
	BaseURL string // e.g. https://skola.example.se, no trailing slash
	// Now is the time of publishing or of a pass (nil: store.Now). Only the
	// demo sets it, to tell a round that happened weeks ago.
	Now func() time.Time
}

func (n Notify) now() time.Time {
	if n.Now != nil {
		return n.Now().UTC().Truncate(time.Microsecond)
	}
	return store.Now()
}

func (n Notify) link(token, lang string) string {
	return strings.TrimSuffix(n.BaseURL, "/") + "/placement/d/" + token + "?lang=" + lang
}

// Published is what publishing did.
type Published struct {
	// Register: the round has a register, so decisions were sent to the
	// guardians; otherwise Links holds one link per applicant for the CSV.
	Register  bool
	Links     []Link
	Decisions int // decisions recorded
	Mails     int // mails queued (one per guardian with an address)
	Letters   int // children whose guardians get a printed letter
}

// Contact is who a guardian turns to about a decision: the round's named
// contact, else the organizer's.
type Contact struct {
	Name, Phone, Email string
}

// Tel is the telephone number for a tel: link.
func (c Contact) Tel() string { return org.Organizer{Phone: c.Phone}.Tel() }

// Sent is a decision sent to a child's guardians (placement_decisions).
type Sent struct {
	ID           int64
	RunID        int64
	Pass         int
	ApplicantID  string
	SchoolID     string
	Channel      string
	Language     string
	SentAt       time.Time
	RespondBy    string // civil date
	Answer       string // "", Accepted or Declined
	AnsweredAt   *time.Time
	SupersededAt *time.Time
}

// Open reports whether the decision can still be answered on civil date
// today.
func (s *Sent) Open(today string) bool {
	return s.Answer == "" && s.SupersededAt == nil && s.SchoolID != "" && today <= s.RespondBy
}

// regGuardian and regChild are the register's rows for one child.
type regGuardian struct {
	ID       int64
	Name     string
	Email    string
	Language string
	Custody  bool
}

type regChild struct {
	ID        int64
	Key       string
	Name      string
	Guardians []regGuardian
}

func registerOf(ctx context.Context, q store.Q, roundID int64) (map[string]*regChild, error) {
	rows, err := q.Query(ctx, `SELECT c.id, c.child_key, c.name, g.id, g.name, g.email, g.language, g.custody
		FROM placement_children c LEFT JOIN placement_guardians g ON g.child_id = c.id
		WHERE c.round_id = ? ORDER BY c.id, g.id`, roundID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]*regChild{}
	for rows.Next() {
		var c regChild
		var gid *int64
		var gname, email, lang *string
		var custody *bool
		if err := rows.Scan(&c.ID, &c.Key, &c.Name, &gid, &gname, &email, &lang, &custody); err != nil {
			return nil, store.Normalize(err)
		}
		have := out[c.Key]
		if have == nil {
			have = &regChild{ID: c.ID, Key: c.Key, Name: c.Name}
			out[c.Key] = have
		}
		if gid != nil {
			have.Guardians = append(have.Guardians, regGuardian{ID: *gid, Name: *gname, Email: strings.TrimSpace(*email),
				Language: guardianLanguage(*lang), Custody: *custody})
		}
	}
	return out, store.Normalize(rows.Err())
}

// guardianLanguage is a register language the system writes in, else
// Swedish.
func guardianLanguage(lang string) string {
	if lang == i18n.EasySwedish {
		return lang
	}
	for _, l := range i18n.Languages {
		if l.Code == lang {
			return lang
		}
	}
	return "sv"
}

// process reads the round's acceptance days and contact (the organizer's
// when the round names none).
func process(ctx context.Context, q store.Q, roundID int64) (int, Contact, error) {
	var days int
	var c Contact
	if err := q.QueryRow(ctx, "SELECT accept_days, contact_name, contact_phone, contact_email FROM placement_rounds WHERE id = ?", roundID).
		Scan(&days, &c.Name, &c.Phone, &c.Email); err != nil {
		return 0, c, store.Normalize(err)
	}
	if c.Name == "" && c.Phone == "" && c.Email == "" {
		o, err := org.GetOrganizer(ctx, q)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return 0, c, err
		}
		c = Contact{Name: o.Name, Phone: o.Phone, Email: o.Email}
	}
	return days, c, nil
}

// RespondBy is the civil date by which a decision sent at sent must be
// answered: the day it was sent plus the round's acceptance days.
func RespondBy(sent time.Time, acceptDays int) string {
	d, _ := civil.AddDays(civil.Date(sent), acceptDays)
	return d
}

// PublishDecisions publishes the round. Without a register it is Publish
// (links for the officer's CSV). With one, every child of the register
// with a result gets a decision: a link of their own for each guardian,
// an e-mail in the guardian's language to each guardian with an address,
// a printed letter (see Letters) when none has one. Publishing again
// issues new links and sends the decisions again; decisions already
// recorded keep their answers and dates.
func PublishDecisions(ctx context.Context, q store.Q, roundID int64, n Notify) (*Published, error) {
	if err := requireOfficer(ctx); err != nil {
		return nil, err
	}
	reg, err := HasRegister(ctx, q, roundID)
	if err != nil {
		return nil, err
	}
	if !reg {
		links, err := Publish(ctx, q, roundID)
		return &Published{Links: links}, err
	}
	out := &Published{Register: true}
	err = store.InTx(ctx, q, func(tx *store.Tx) error {
		r, err := Get(ctx, tx, roundID)
		if err != nil {
			return err
		}
		if r.ResultRunID == nil {
			return app.Errorf(app.ECONFLICT, "placementweb.err.no_result")
		}
		var running int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM placement_runs WHERE round_id = ? AND status = ?", roundID, StatusRunning).Scan(&running); err != nil {
			return err
		}
		if running > 0 {
			return app.Errorf(app.ECONFLICT, "placementweb.err.running")
		}
		now := n.now()
		if !r.Published() {
			if _, err := tx.Exec(ctx, "UPDATE placement_rounds SET published_at = ?, updated_at = ? WHERE id = ?", now, now, roundID); err != nil {
				return err
			}
			r.PublishedAt = &now
		}
		if _, err := tx.Exec(ctx, "UPDATE placement_links SET revoked_at = ? WHERE round_id = ? AND revoked_at IS NULL", now, roundID); err != nil {
			return err
		}
		children, err := registerOf(ctx, tx, roundID)
		if err != nil {
			return err
		}
		current, err := currentSent(ctx, tx, roundID)
		if err != nil {
			return err
		}
		ds, err := scanDecisions(ctx, tx, "run_id = ?", *r.ResultRunID)
		if err != nil {
			return err
		}
		days, contact, err := process(ctx, tx, roundID)
		if err != nil {
			return err
		}
		for _, d := range ds {
			c := children[d.ApplicantID]
			if c == nil {
				// Not in the register: a link for the officer's CSV.
				tok, err := issueLink(ctx, tx, roundID, d.ApplicantID, 0, now)
				if err != nil {
					return err
				}
				out.Links = append(out.Links, Link{ApplicantID: d.ApplicantID, Token: tok})
				continue
			}
			s := current[d.ApplicantID]
			if s == nil {
				s = &Sent{RunID: *r.ResultRunID, Pass: 1, ApplicantID: d.ApplicantID, SchoolID: d.SchoolID, SentAt: now,
					RespondBy: RespondBy(now, days)}
				if err := insertSent(ctx, tx, roundID, c, s); err != nil {
					return err
				}
				out.Decisions++
			} else {
				// Sent again: the decision that stands (a later pass's
				// included), with its own result.
				if s.RunID != *r.ResultRunID {
					later, err := scanDecisions(ctx, tx, "run_id = ? AND applicant_id = ?", s.RunID, s.ApplicantID)
					if err != nil {
						return err
					}
					if len(later) == 1 {
						d = later[0]
					}
				}
			}
			v := &GuardianView{RoundID: roundID, RoundName: r.Name, PublishedAt: *r.PublishedAt, Decision: d, Child: c.Name,
				Sent: s, Contact: contact}
			mails, err := deliver(ctx, tx, v, c, n, now)
			if err != nil {
				return err
			}
			out.Mails += mails
			if s.Channel == ChannelLetter {
				out.Letters++
			}
		}
		return audit.Log(ctx, tx, audit.Export, "placement_round", strconv.FormatInt(roundID, 10),
			fmt.Sprintf("published; %d decisions recorded, %d mails, %d letters, %d links without register", out.Decisions, out.Mails, out.Letters, len(out.Links)))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// insertSent records s for child c: by e-mail when a guardian has an
// address, else by letter, in the first guardian's language.
func insertSent(ctx context.Context, tx *store.Tx, roundID int64, c *regChild, s *Sent) error {
	s.Channel, s.Language = ChannelLetter, "sv"
	for _, g := range c.Guardians {
		if g.Email != "" {
			s.Channel = ChannelEmail
		}
	}
	if len(c.Guardians) > 0 {
		s.Language = c.Guardians[0].Language
	}
	return tx.QueryRow(ctx, `INSERT INTO placement_decisions (round_id, run_id, pass, applicant_id, school_id, channel, language, sent_at, respond_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, roundID, s.RunID, s.Pass, s.ApplicantID, s.SchoolID, s.Channel, s.Language,
		s.SentAt, s.RespondBy).Scan(&s.ID)
}

// issueLink stores a new link for an applicant (and guardian, if not 0).
func issueLink(ctx context.Context, tx *store.Tx, roundID int64, applicantID string, guardianID int64, now time.Time) (string, error) {
	tok, err := newToken()
	if err != nil {
		return "", err
	}
	var gid *int64
	if guardianID != 0 {
		gid = &guardianID
	}
	_, err = tx.Exec(ctx, "INSERT INTO placement_links (token_hash, round_id, applicant_id, guardian_id, created_at) VALUES (?, ?, ?, ?, ?)",
		linkDigest(tok), roundID, applicantID, gid, now)
	return tok, err
}

// deliver issues each guardian of c with an e-mail address a link of
// their own and queues the decision mail to them, in their language (the
// guardians without one get theirs on the printed letter). It returns the
// number of mails.
func deliver(ctx context.Context, tx *store.Tx, v *GuardianView, c *regChild, n Notify, now time.Time) (int, error) {
	mails := 0
	for _, g := range c.Guardians {
		if g.Email == "" || n.Catalog == nil {
			continue // a letter's links are issued when it is printed
		}
		tok, err := issueLink(ctx, tx, v.RoundID, c.Key, g.ID, now)
		if err != nil {
			return 0, err
		}
		l := n.Catalog.For(g.Language)
		subject, body := MailText(l, v, g.Name, n.link(tok, mailLang(g.Language)))
		if _, err := mail.Enqueue(ctx, tx, mail.Message{To: g.Email, Subject: subject, Body: body}); err != nil {
			if errors.Is(err, mail.ErrInvalidMessage) {
				continue // an unusable address in the register: the officer's list shows no mail for them
			}
			return 0, err
		}
		mails++
	}
	return mails, nil
}

// mailLang is the page language a link opens in: easy-to-read Swedish is
// a text version of the Swedish page.
func mailLang(lang string) string {
	if lang == i18n.EasySwedish {
		return "sv&text=easy"
	}
	return lang
}

const sentColumns = `id, run_id, pass, applicant_id, school_id, channel, language, sent_at, respond_by, answer, answered_at, superseded_at
	FROM placement_decisions`

func scanSent(sc interface{ Scan(...any) error }) (*Sent, error) {
	var s Sent
	err := sc.Scan(&s.ID, &s.RunID, &s.Pass, &s.ApplicantID, &s.SchoolID, &s.Channel, &s.Language, &s.SentAt, &s.RespondBy, &s.Answer,
		&s.AnsweredAt, &s.SupersededAt)
	return &s, err
}

// currentSent is the round's standing decisions (not superseded) by
// applicant.
func currentSent(ctx context.Context, q store.Q, roundID int64) (map[string]*Sent, error) {
	rows, err := q.Query(ctx, "SELECT "+sentColumns+" WHERE round_id = ? AND superseded_at IS NULL ORDER BY id", roundID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]*Sent{}
	for rows.Next() {
		s, err := scanSent(rows)
		if err != nil {
			return nil, store.Normalize(err)
		}
		out[s.ApplicantID] = s
	}
	return out, store.Normalize(rows.Err())
}

// SentDecisions lists the round's standing decisions, by applicant, for
// the officer; audited.
func SentDecisions(ctx context.Context, q store.Q, roundID int64) ([]*Sent, error) {
	if err := requireOfficer(ctx); err != nil {
		return nil, err
	}
	m, err := currentSent(ctx, q, roundID)
	if err != nil {
		return nil, err
	}
	out := make([]*Sent, 0, len(m))
	for _, s := range m {
		out = append(out, s)
	}
	sortSent(out)
	return out, audit.Log(ctx, q, audit.Read, "placement_decisions", strconv.FormatInt(roundID, 10), fmt.Sprintf("%d decisions", len(out)))
}

func sortSent(s []*Sent) {
	slices.SortFunc(s, func(a, b *Sent) int { return strings.Compare(a.ApplicantID, b.ApplicantID) })
}

// DecisionTally is a round's decisions by channel and state.
type DecisionTally struct {
	Sent, Email, Letter, Accepted, Declined, Open int
}

// DecisionCounts counts the round's standing decisions (no personal data).
func DecisionCounts(ctx context.Context, q store.Q, roundID int64) (DecisionTally, error) {
	var c DecisionTally
	m, err := currentSent(ctx, q, roundID)
	if err != nil {
		return c, err
	}
	for _, s := range m {
		c.Sent++
		switch s.Channel {
		case ChannelEmail:
			c.Email++
		default:
			c.Letter++
		}
		switch s.Answer {
		case Accepted:
			c.Accepted++
		case Declined:
			c.Declined++
		default:
			c.Open++
		}
	}
	return c, nil
}
