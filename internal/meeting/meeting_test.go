package meeting

import (
	"context"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
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

func as(t *testing.T, db store.Q, email string) context.Context {
	t.Helper()
	ctx := context.Background()
	id, err := org.PersonIDByEmail(ctx, db, email)
	if err != nil {
		t.Fatal(err)
	}
	p, err := auth.LoadPrincipal(ctx, db, id)
	if err != nil {
		t.Fatal(err)
	}
	return auth.WithPrincipal(ctx, p)
}

func TestMeetingScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := demo.Load(ctx, db); err != nil {
			t.Fatal(err)
		}
		unit := func(code string) int64 {
			id, err := org.UnitIDByCode(ctx, db, code)
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		ekbacka, bjorkdalen, sjoviken := unit("92000201"), unit("92000202"), unit("92000203")
		officer := as(t, db, "klagomal@exempelby.example")
		principal := as(t, db, "rektor.ekbacka@exempelby.example")
		other := as(t, db, "rektor.sjoviken@exempelby.example")
		analyst := as(t, db, "analys@exempelby.example")
		now := time.Now()

		d, err := Defaults(ctx, db, now)
		if err != nil || len(d.UnitIDs) != 20 || d.To != civil.Today(now) || days(d.From, d.To) != DefaultDays {
			t.Fatalf("defaults: %+v, %v", d, err)
		}
		in := Input{Title: "Rektorsmöte", HeldOn: d.HeldOn, From: d.From, To: d.To, UnitIDs: []int64{bjorkdalen, ekbacka, ekbacka}}
		if _, err := Create(principal, db, in, now); app.Code(err) != app.EFORBIDDEN {
			t.Errorf("a principal creates a meeting: %v", err)
		}
		id, err := Create(officer, db, in, now)
		if err != nil {
			t.Fatal(err)
		}
		for who, ctx := range map[string]context.Context{"officer": officer, "principal": principal} {
			if list, err := List(ctx, db); err != nil || len(list) != 1 || list[0].Units != 2 {
				t.Errorf("%s's list: %+v, %v", who, list, err)
			}
			if _, err := GetAgenda(ctx, db, id, now); err != nil {
				t.Errorf("%s's agenda: %v", who, err)
			}
		}
		for who, ctx := range map[string]context.Context{"principal of Sjöviken": other, "analyst": analyst} {
			if list, err := List(ctx, db); err != nil || len(list) != 0 {
				t.Errorf("%s's list: %+v, %v", who, list, err)
			}
			if _, err := GetAgenda(ctx, db, id, now); app.Code(err) != app.ENOTFOUND {
				t.Errorf("%s's agenda: %v", who, err)
			}
			if _, err := ExportPDF(ctx, db, id, now, func(id string, _ ...any) string { return id }, "sv"); app.Code(err) != app.ENOTFOUND {
				t.Errorf("%s's PDF: %v", who, err)
			}
		}
		for _, tc := range []struct {
			name string
			err  error
			want string
		}{
			{"own unit presented", MarkPresented(principal, db, id, ekbacka, true, now), ""},
			{"other unit presented", MarkPresented(principal, db, id, bjorkdalen, true, now), app.EFORBIDDEN},
			{"unit not in the meeting", MarkPresented(officer, db, id, sjoviken, true, now), app.ENOTFOUND},
			{"outsider", MarkPresented(other, db, id, ekbacka, false, now), app.ENOTFOUND},
			{"the meeting's notes", SaveNotes(principal, db, id, "x", now), app.EFORBIDDEN},
			{"other unit's notes", SaveUnitNotes(principal, db, id, bjorkdalen, "x", now), app.EFORBIDDEN},
		} {
			if got := app.Code(tc.err); (tc.want == "" && tc.err != nil) || (tc.want != "" && got != tc.want) {
				t.Errorf("%s: %v, want %q", tc.name, tc.err, tc.want)
			}
		}
		a, err := GetAgenda(principal, db, id, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Sections) != 3 || a.Sections[0].Unit.Name != "Björkdalens skola" || a.Sections[0].Unit.CanEdit ||
			!a.Sections[1].Unit.CanEdit || a.Sections[1].Unit.PresentedAt == nil || a.Sections[2].Unit != nil || a.CanOrganize ||
			a.AsOf != civil.Today(now) {
			t.Errorf("principal's agenda: %+v", a.Sections)
		}
	})
}
