// Package complaint receives, routes and tracks complaints and other
// feedback from guardians, pupils and others (Skollagen 4 kap 7–8 §§):
// every case is registered with a gapless reference, lands with a named
// handler, has deadlines in Swedish working days, and keeps everything that
// happens to it as events. Reads and writes are scoped through auth and
// recorded in the audit log.
package complaint

import (
	"slices"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
)

// FilerRole is who the filer says they are.
type FilerRole string

const (
	Guardian FilerRole = "guardian"
	Pupil    FilerRole = "pupil"
	Staff    FilerRole = "staff"
	Other    FilerRole = "other"
)

// FilerRoles lists the filer roles in form order.
var FilerRoles = []FilerRole{Guardian, Pupil, Staff, Other}

// Kind is the type of feedback. Only a complaint requires an answer; the
// others are registered and used in the quality work.
type Kind string

const (
	KindComplaint  Kind = "complaint"  // klagomål
	KindComment    Kind = "comment"    // synpunkt
	KindPraise     Kind = "praise"     // beröm
	KindSuggestion Kind = "suggestion" // förslag
	KindFault      Kind = "fault"      // felanmälan
)

// Kinds lists the kinds in form order.
var Kinds = []Kind{KindComplaint, KindComment, KindPraise, KindSuggestion, KindFault}

// UnitScope says what the case is about: one unit, an unknown unit, or the
// organization as a whole.
type UnitScope string

const (
	ScopeUnit         UnitScope = "unit"
	ScopeUnknown      UnitScope = "unknown"
	ScopeOrganization UnitScope = "organization"
)

// Status is where a case is in its handling.
type Status string

const (
	Registered    Status = "registered"
	Acknowledged  Status = "acknowledged"
	Investigating Status = "investigating"
	Answered      Status = "answered"
	Closed        Status = "closed"
)

// Statuses lists the statuses in workflow order.
var Statuses = []Status{Registered, Acknowledged, Investigating, Answered, Closed}

// Open reports whether the case still needs handling.
func (s Status) Open() bool { return s != Answered && s != Closed }

// Outcome is how a closed case ended.
type Outcome string

const (
	MeasuresTaken Outcome = "measures_taken"
	NoMeasures    Outcome = "no_measures"
	Forwarded     Outcome = "forwarded"
)

// Outcomes lists the outcomes of a closed case.
var Outcomes = []Outcome{MeasuresTaken, NoMeasures, Forwarded}

// OffensiveTreatment is the category whose cases start the principal's
// duty to report to the organizer (Skollagen 6 kap 10 §).
const OffensiveTreatment = "offensive_treatment"

// Text limits, in characters.
const (
	MaxText    = 10000 // what happened, what you want, messages
	MaxSummary = 500   // the handler's neutral summary
	MaxName    = 200
	MaxContact = 254
)

// Submission is what a filer sends, from the public form or the API.
type Submission struct {
	FilerRole         FilerRole
	UnitScope         UnitScope
	UnitID            int64 // when UnitScope is ScopeUnit
	Kind              Kind
	Category          string
	ConcernsPrincipal bool
	WhatHappened      string
	DesiredOutcome    string
	Name              string
	Email             string
	Phone             string
	Language          string
	Channel           string // "web", "api" or "staff"
	// SubmissionKey makes a repeated submit return the first case. It is
	// the caller's key (an Idempotency-Key, the form's hidden key) and
	// counts only for the same SubmissionClient and the same content.
	SubmissionKey string
	// SubmissionClient names who sent the key (the API token's user, or
	// the network the request came from), so that one client can never
	// reach another's case by guessing or reusing its key.
	SubmissionClient string
	Attachments      []Attachment
	// GuardianID is the guardian signed in with e-identification who
	// files the case (0 for none): the case is then listed on their
	// "Mina ärenden" page.
	GuardianID int64
}

// Attachment is a file sent with a submission or a reply.
type Attachment struct {
	Filename    string
	ContentType string // decided from the content, not the name
	Data        []byte
}

// Case is a registered complaint or other feedback.
type Case struct {
	ID                 int64
	Reference          string
	SubmittedAt        time.Time
	Channel            string
	Language           string
	FilerRole          FilerRole
	UnitID             *int64
	UnitName           string
	UnitScope          UnitScope
	Kind               Kind
	Category           string
	ConcernsPrincipal  bool
	WhatHappened       string
	DesiredOutcome     string
	FilerName          string
	FilerEmail         string
	FilerPhone         string
	Status             Status
	Outcome            Outcome
	HandlerID          *int64
	HandlerName        string
	AckDue             string // YYYY-MM-DD
	AnswerDue          string
	AcknowledgedAt     *time.Time
	AnsweredAt         *time.Time
	ClosedAt           *time.Time
	Secret             bool
	OffensiveTreatment bool
	ReportedAt         *time.Time
	Summary            string // the handler's short neutral summary, no names
	AnonymizedAt       *time.Time
	UpdatedAt          time.Time
	Interpreter        bool // staff marked that an interpreter or a translation is needed

	// SecretHidden is set when the case is secret and the viewer may not
	// see its details: the free-text fields are then empty.
	SecretHidden bool
}

// Anonymous reports whether the filer left no way to be reached.
func (c *Case) Anonymous() bool { return c.FilerEmail == "" && c.FilerPhone == "" }

// NeedsAnswer reports whether the case must be answered by its answer
// date: complaints must; other feedback is only acknowledged.
func (c *Case) NeedsAnswer() bool { return c.Kind == KindComplaint }

// Overdue reports whether a deadline has passed on an open case; today is
// a YYYY-MM-DD date.
func (c *Case) Overdue(today string) bool {
	if !c.Status.Open() {
		return false
	}
	if c.Status == Registered && c.AckDue < today {
		return true
	}
	return c.NeedsAnswer() && c.AnswerDue < today
}

// Normalize cleans a submission's text fields.
func (s *Submission) Normalize() {
	s.WhatHappened = app.CleanText(s.WhatHappened)
	s.DesiredOutcome = app.CleanText(s.DesiredOutcome)
	s.Name = app.CleanLine(s.Name)
	s.Email = strings.ToLower(app.CleanLine(s.Email))
	s.Phone = app.CleanLine(s.Phone)
	s.Category = app.CleanLine(s.Category)
}

// validate checks a normalised submission against the units and
// categories that may be chosen. Field names are the form's and the API's.
func (s *Submission) validate(unitOK func(int64) bool, categoryOK func(string) bool) error {
	var v app.Validation
	if !slices.Contains(FilerRoles, s.FilerRole) {
		v.Add("filerRole", "field.choose")
	}
	switch s.UnitScope {
	case ScopeUnit:
		if s.UnitID == 0 || !unitOK(s.UnitID) {
			v.Add("unit", "field.choose")
		}
	case ScopeUnknown, ScopeOrganization:
		s.UnitID = 0
	default:
		v.Add("unit", "field.choose")
	}
	if !slices.Contains(Kinds, s.Kind) {
		v.Add("kind", "field.choose")
	}
	if !categoryOK(s.Category) {
		v.Add("category", "field.choose")
	}
	switch {
	case s.WhatHappened == "":
		v.Add("whatHappened", "field.required")
	case app.TooLong(s.WhatHappened, MaxText):
		v.Add("whatHappened", "field.too_long", map[string]any{"Max": MaxText})
	}
	if app.TooLong(s.DesiredOutcome, MaxText) {
		v.Add("desiredOutcome", "field.too_long", map[string]any{"Max": MaxText})
	}
	if app.TooLong(s.Name, MaxName) {
		v.Add("name", "field.too_long", map[string]any{"Max": MaxName})
	}
	if s.Email != "" && (app.TooLong(s.Email, MaxContact) || !validEmail(s.Email)) {
		v.Add("email", "field.email")
	}
	if s.Phone != "" && !validPhone(s.Phone) {
		v.Add("phone", "field.phone")
	}
	if len(s.Attachments) > MaxAttachments {
		v.Add("attachments", "field.attachments_count", map[string]any{"Max": MaxAttachments})
	}
	for _, a := range s.Attachments {
		if err := a.check(); err != "" {
			v.Add("attachments", err, map[string]any{"Name": a.Filename, "MaxMB": MaxAttachmentBytes >> 20})
			break
		}
	}
	return v.Err()
}

func validEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	return at > 0 && at < len(s)-3 && strings.Contains(s[at:], ".") && !strings.ContainsAny(s, " <>\"")
}

func validPhone(s string) bool {
	if len(s) > 30 {
		return false
	}
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune("+-() ", r):
		default:
			return false
		}
	}
	return digits >= 6
}
