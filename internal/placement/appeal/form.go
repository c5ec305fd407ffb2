package appeal

import (
	"slices"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/workdays"
)

// Routes of an appeal against a placement decision (domain.md): a decision
// under skollagen 10 kap. 30 § first paragraph is open only to legality
// review (laglighetsprövning, kommunallagen 13 kap.); one under the second
// paragraph is appealed to Skolväsendets överklagandenämnd.
const (
	RouteLegality = "legality"
	RouteBoard    = "board"
)

// Routes lists the routes in form order.
var Routes = []string{RouteLegality, RouteBoard}

// Outcomes of an appeal; "" while it is pending.
const (
	Upheld    = "upheld"    // bifallet: the decision was changed or quashed
	Rejected  = "rejected"  // avslaget
	Dismissed = "dismissed" // avvisat: e.g. late, or not appealable on this route
	Withdrawn = "withdrawn" // återkallat
)

// Outcomes lists the outcomes in form order.
var Outcomes = []string{Upheld, Rejected, Dismissed, Withdrawn}

// Statuses of an appeal in the register, in the order the officer works them.
const (
	StatusOpen      = "open"      // received, not yet forwarded or decided
	StatusForwarded = "forwarded" // sent on to the court or the board
	StatusDecided   = "decided"   // an outcome is recorded
)

// Statuses lists the statuses in register order.
var Statuses = []string{StatusOpen, StatusForwarded, StatusDecided}

// Weeks is how long a guardian has to appeal on either route: three weeks
// (förvaltningslagen 44 §; kommunallagen 13 kap. 5 §).
const Weeks = 3

// Limits on the form's texts.
const (
	MaxApplicantRunes = 64
	MaxNoteRunes      = 2000
)

// Deadline returns the last day to appeal, counted from the date the law
// counts from (the day the guardian got the decision for the board route,
// the day the justified minutes were announced for legality review): three
// weeks on, moved to the next weekday when it ends on a Saturday, Sunday,
// public holiday, midsommarafton, julafton or nyårsafton (lagen (1930:173)
// om beräkning av lagstadgad tid).
func Deadline(from string) (string, error) {
	t, err := civil.Parse(from)
	if err != nil {
		return "", err
	}
	end := t.AddDate(0, 0, 7*Weeks)
	return workdays.Add(end, 0).Format(civil.DateLayout), nil
}

// Form is an appeal as the officer records or changes it.
type Form struct {
	ApplicantID string
	SchoolID    string // the school the appealed decision concerns (optional)
	Route       string
	ReceivedOn  string // civil date
	// DeadlineFrom is the date the law counts the deadline from; when given,
	// the deadline is computed from it. Otherwise Deadline is entered (or
	// left empty when not known).
	DeadlineFrom string
	Deadline     string
	ForwardedOn  string
	Outcome      string
	OutcomeOn    string
	Note         string
}

// Validate cleans the form and checks it against today's civil date; the
// field errors come in form order. On success a DeadlineFrom has filled
// Deadline.
func (f *Form) Validate(today string) error {
	var v app.Validation
	f.ApplicantID = app.CleanLine(f.ApplicantID)
	f.SchoolID = app.CleanLine(f.SchoolID)
	f.Route = strings.TrimSpace(f.Route)
	for _, d := range []*string{&f.ReceivedOn, &f.DeadlineFrom, &f.Deadline, &f.ForwardedOn, &f.OutcomeOn} {
		*d = strings.TrimSpace(*d)
	}
	f.Outcome = strings.TrimSpace(f.Outcome)
	f.Note = app.CleanText(f.Note)

	switch {
	case f.ApplicantID == "":
		v.Add("applicant", "appeal.err.applicant_missing")
	case app.TooLong(f.ApplicantID, MaxApplicantRunes):
		v.Add("applicant", "appeal.err.too_long", map[string]any{"Max": MaxApplicantRunes})
	}
	if app.TooLong(f.SchoolID, MaxApplicantRunes) {
		v.Add("school", "appeal.err.too_long", map[string]any{"Max": MaxApplicantRunes})
	}
	if !slices.Contains(Routes, f.Route) {
		v.Add("route", "appeal.err.route")
	}
	date := func(field, value string, required bool) bool {
		switch {
		case value == "" && required:
			v.Add(field, "appeal.err.date_missing")
		case value == "":
			return false
		case !civil.Valid(value):
			v.Add(field, "appeal.err.date")
		case value > today:
			v.Add(field, "appeal.err.future")
		default:
			return true
		}
		return false
	}
	received := date("received_on", f.ReceivedOn, true)
	if date("deadline_from", f.DeadlineFrom, false) {
		d, _ := Deadline(f.DeadlineFrom)
		switch {
		case f.Deadline != "" && f.Deadline != d:
			v.Add("deadline", "appeal.err.deadline_mismatch", map[string]any{"Date": d})
		case received && f.DeadlineFrom > f.ReceivedOn && f.Route == RouteBoard:
			// One cannot appeal a decision before getting it.
			v.Add("deadline_from", "appeal.err.after_received")
		default:
			f.Deadline = d
		}
	} else if f.Deadline != "" && !civil.Valid(f.Deadline) {
		v.Add("deadline", "appeal.err.date")
	}
	if date("forwarded_on", f.ForwardedOn, false) && received && f.ForwardedOn < f.ReceivedOn {
		v.Add("forwarded_on", "appeal.err.before_received")
	}
	if f.Outcome != "" && !slices.Contains(Outcomes, f.Outcome) {
		v.Add("outcome", "appeal.err.outcome")
	}
	switch ok := date("outcome_on", f.OutcomeOn, f.Outcome != ""); {
	case ok && f.Outcome == "":
		v.Add("outcome", "appeal.err.outcome_missing")
	case ok && received && f.OutcomeOn < f.ReceivedOn:
		v.Add("outcome_on", "appeal.err.before_received")
	}
	if app.TooLong(f.Note, MaxNoteRunes) {
		v.Add("note", "appeal.err.too_long", map[string]any{"Max": MaxNoteRunes})
	}
	return v.Err()
}

// today is the civil date now; a variable only so that nothing else reads the clock.
var today = func() string { return civil.Today(time.Now()) }
