package meeting

import (
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/complaint"
)

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, civil.Zone)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func ptr(t time.Time) *time.Time { return &t }

func TestPeriodIsCivilDaysInStockholm(t *testing.T) {
	// Summer time begins on 29 March 2026: the last day has 23 hours.
	start, end, asOf := period("2026-03-16", "2026-03-29", at("2026-04-10 09:00"))
	if want := time.Date(2026, 3, 15, 23, 0, 0, 0, time.UTC); !start.Equal(want) {
		t.Errorf("start %v, want %v", start, want)
	}
	if want := time.Date(2026, 3, 29, 22, 0, 0, 0, time.UTC); !end.Equal(want) || !asOf.Equal(end) {
		t.Errorf("end %v, statuses at %v; want both %v", end, asOf, want)
	}
	// While the period lasts, statuses are taken now.
	now := at("2026-03-20 10:00")
	if _, _, asOf := period("2026-03-16", "2026-03-29", now); !asOf.Equal(now) {
		t.Errorf("statuses at %v during the period, want now", asOf)
	}
}

func TestClassify(t *testing.T) {
	// The period 2 to 15 March 2026, ended.
	start, end, asOf := period("2026-03-02", "2026-03-15", at("2026-03-20 12:00"))
	base := caseRow{id: 1, reference: "BUN 2026/00001", kind: complaint.KindComplaint, scope: complaint.ScopeUnit,
		category: "teaching", summary: "Neutral."}
	for _, tc := range []struct {
		name                       string
		c                          func(c *caseRow)
		in                         bool
		new, open, overdue, closed bool
		status                     complaint.Status
	}{
		{"in before, closed before", func(c *caseRow) {
			c.submitted, c.closedAt, c.status = at("2026-02-01 10:00"), ptr(at("2026-02-20 10:00")), complaint.Closed
		}, false, false, false, false, false, ""},
		{"in after the period", func(c *caseRow) {
			c.submitted, c.status = at("2026-03-16 08:00"), complaint.Registered
		}, false, false, false, false, false, ""},
		{"new, open, within its deadlines", func(c *caseRow) {
			c.submitted, c.ackAt, c.status = at("2026-03-10 10:00"), ptr(at("2026-03-11 10:00")), complaint.Investigating
			c.ackDue, c.answerDue = "2026-03-12", "2026-03-24"
		}, true, true, true, false, false, complaint.Investigating},
		{"new, not acknowledged in time", func(c *caseRow) {
			c.submitted, c.status = at("2026-03-10 10:00"), complaint.Registered
			c.ackDue, c.answerDue = "2026-03-12", "2026-03-24"
		}, true, true, true, true, false, complaint.Registered},
		{"acknowledged after the period: registered at its end", func(c *caseRow) {
			c.submitted, c.ackAt, c.status = at("2026-03-10 10:00"), ptr(at("2026-03-17 10:00")), complaint.Acknowledged
			c.ackDue, c.answerDue = "2026-03-12", "2026-03-24"
		}, true, true, true, true, false, complaint.Registered},
		{"answer due on the last day, unanswered: overdue", func(c *caseRow) {
			c.submitted, c.ackAt, c.status = at("2026-03-01 10:00"), ptr(at("2026-03-02 10:00")), complaint.Acknowledged
			c.ackDue, c.answerDue = "2026-03-03", "2026-03-15"
		}, true, false, true, true, false, complaint.Acknowledged},
		{"a comment has no answer deadline", func(c *caseRow) {
			c.kind = complaint.KindComment
			c.submitted, c.ackAt, c.status = at("2026-02-01 10:00"), ptr(at("2026-02-02 10:00")), complaint.Acknowledged
			c.ackDue, c.answerDue = "2026-02-03", "2026-02-13"
		}, true, false, true, false, false, complaint.Acknowledged},
		{"answered in the period, closed after", func(c *caseRow) {
			c.submitted, c.ackAt = at("2026-02-20 10:00"), ptr(at("2026-02-21 10:00"))
			c.answeredAt, c.closedAt, c.status = ptr(at("2026-03-05 10:00")), ptr(at("2026-03-18 10:00")), complaint.Closed
		}, true, false, false, false, true, complaint.Answered},
		{"answered before, closed in the period: done before", func(c *caseRow) {
			c.submitted, c.answeredAt = at("2026-02-10 10:00"), ptr(at("2026-02-25 10:00"))
			c.closedAt, c.status = ptr(at("2026-03-05 10:00")), complaint.Closed
		}, false, false, false, false, false, ""},
		{"new and closed in the period", func(c *caseRow) {
			c.submitted, c.closedAt, c.status = at("2026-03-03 10:00"), ptr(at("2026-03-04 10:00")), complaint.Closed
		}, true, true, false, false, true, complaint.Closed},
		{"closed after the period: open at its end", func(c *caseRow) {
			c.submitted, c.ackAt = at("2026-02-10 10:00"), ptr(at("2026-02-11 10:00"))
			c.answerDue, c.ackDue = "2026-03-30", "2026-02-12"
			c.closedAt, c.status = ptr(at("2026-03-17 10:00")), complaint.Closed
		}, true, false, true, false, false, complaint.Acknowledged},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := base
			tc.c(&c)
			r, in := classify(c, start, end, asOf)
			if in != tc.in {
				t.Fatalf("on the agenda: %v, want %v", in, tc.in)
			}
			if !in {
				return
			}
			if r.New != tc.new || r.Open != tc.open || r.Overdue != tc.overdue || r.Closed != tc.closed || r.Status != tc.status {
				t.Errorf("new %v open %v overdue %v closed %v status %s; want %v %v %v %v %s",
					r.New, r.Open, r.Overdue, r.Closed, r.Status, tc.new, tc.open, tc.overdue, tc.closed, tc.status)
			}
		})
	}
	// Secret cases and cases about a principal keep their summary off the agenda.
	for _, c := range []caseRow{{secret: true}, {concernsPrincipal: true}, {secret: true, concernsPrincipal: true}} {
		c.submitted, c.summary, c.kind, c.status = at("2026-03-10 10:00"), "Neutral.", complaint.KindComplaint, complaint.Registered
		if r, _ := classify(c, start, end, asOf); r.Summary != "" || r.Withheld == "" {
			t.Errorf("secret %v, about the principal %v: summary %q, withheld %q", c.secret, c.concernsPrincipal, r.Summary, r.Withheld)
		}
	}
}
