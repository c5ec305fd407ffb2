package complaint_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/mail"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

// Wednesday 1 April 2026, 10:00 in Stockholm: the day before Easter's long weekend.
var wed = time.Date(2026, 4, 1, 10, 0, 0, 0, civil.Zone)

type fixture struct {
	t  *testing.T
	db *store.DB
}

func setup(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	if err := demo.Load(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	return &fixture{t, db}
}

func (f *fixture) unit(code string) int64 {
	id, err := org.UnitIDByCode(context.Background(), f.db, code)
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

func (f *fixture) person(email string) int64 {
	id, err := org.PersonIDByEmail(context.Background(), f.db, email)
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

// as returns a context acting as the person with this email.
func (f *fixture) as(email string) context.Context {
	p, err := auth.LoadPrincipal(context.Background(), f.db, f.person(email))
	if err != nil {
		f.t.Fatal(err)
	}
	return auth.WithPrincipal(context.Background(), p)
}

func (f *fixture) submission(unitCode, category string) complaint.Submission {
	s := complaint.Submission{FilerRole: complaint.Guardian, Kind: complaint.KindComplaint, Category: category,
		WhatHappened: "Min dotter fick ingen lunch.", Language: "sv", Channel: "web", UnitScope: complaint.ScopeUnknown}
	if unitCode != "" {
		s.UnitScope, s.UnitID = complaint.ScopeUnit, f.unit(unitCode)
	}
	return s
}

func (f *fixture) submit(s complaint.Submission, now time.Time) complaint.Receipt {
	f.t.Helper()
	r, err := complaint.Submit(context.Background(), f.db, s, now, nil)
	if err != nil {
		f.t.Fatalf("submit: %v", err)
	}
	return r
}

func (f *fixture) handler(id int64) string {
	var email string
	err := f.db.QueryRow(context.Background(), "SELECT COALESCE(u.email, '') FROM complaints c LEFT JOIN users u ON u.id = c.handler_id WHERE c.id = ?", id).Scan(&email)
	if err != nil {
		f.t.Fatal(err)
	}
	return email
}

const (
	ekbacka     = "92000201"
	bjorkdalen  = "92000202"
	principalA  = "rektor.ekbacka@exempelby.example"
	principalB  = "rektor.bjorkdalen@exempelby.example"
	officer     = "klagomal@exempelby.example"
	mealManager = "maltid@exempelby.example"
	transport   = "skolskjuts@exempelby.example"
	placement   = "placering@exempelby.example"
)

func TestRouting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		for _, tc := range []struct {
			name     string
			sub      func() complaint.Submission
			expected string
		}{
			{"meals go to the meal manager", func() complaint.Submission { return f.submission(ekbacka, "meals") }, mealManager},
			{"transport to the transport officer", func() complaint.Submission { return f.submission(bjorkdalen, "school_transport") }, transport},
			{"placement to the placement officer", func() complaint.Submission { return f.submission("", "school_placement") }, placement},
			{"teaching to the unit's principal", func() complaint.Submission { return f.submission(ekbacka, "teaching") }, principalA},
			{"another unit, another principal", func() complaint.Submission { return f.submission(bjorkdalen, "treatment") }, principalB},
			{"unknown unit to the complaint officer", func() complaint.Submission { return f.submission("", "teaching") }, officer},
			{"whole organization to the complaint officer", func() complaint.Submission {
				s := f.submission("", "information")
				s.UnitScope = complaint.ScopeOrganization
				return s
			}, officer},
			{"about the principal: the complaint officer", func() complaint.Submission {
				s := f.submission(ekbacka, "treatment")
				s.ConcernsPrincipal = true
				return s
			}, officer},
		} {
			r := f.submit(tc.sub(), wed)
			if got := f.handler(r.ID); got != tc.expected {
				t.Errorf("%s: routed to %q, want %q", tc.name, got, tc.expected)
			}
		}
	})
}

func TestDeadlinesInWorkingDays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		// Received Wednesday before Easter: Thu 2 Apr is day 1, Good Friday and
		// Easter Monday are holidays, Tue 7 Apr is day 2. Ten working days
		// end on Fri 17 Apr.
		r := f.submit(f.submission(ekbacka, "teaching"), wed)
		if r.AckDue != "2026-04-07" || r.AnswerDue != "2026-04-17" {
			t.Errorf("Easter: ack %s answer %s, want 2026-04-07 and 2026-04-17", r.AckDue, r.AnswerDue)
		}
		// Before midsummer: Fri 19 June is midsummer eve.
		r = f.submit(f.submission(ekbacka, "teaching"), time.Date(2026, 6, 18, 9, 0, 0, 0, civil.Zone))
		if r.AckDue != "2026-06-23" {
			t.Errorf("midsummer: ack %s, want 2026-06-23", r.AckDue)
		}
		// Before Christmas: 24, 25 and 31 December and 1 January are off.
		r = f.submit(f.submission(ekbacka, "teaching"), time.Date(2026, 12, 23, 9, 0, 0, 0, civil.Zone))
		if r.AckDue != "2026-12-29" {
			t.Errorf("Christmas: ack %s, want 2026-12-29", r.AckDue)
		}
		if !strings.HasPrefix(r.Reference, "BUN 2026/") {
			t.Errorf("reference %q", r.Reference)
		}
		// The organizer's own norms apply.
		if err := complaint.SaveSettings(context.Background(), db, complaint.Settings{AckDays: 5, AnswerDays: 15, RemindDays: 2}); err != nil {
			t.Fatal(err)
		}
		r = f.submit(f.submission(ekbacka, "teaching"), time.Date(2026, 11, 2, 9, 0, 0, 0, civil.Zone))
		if r.AckDue != "2026-11-09" || r.AnswerDue != "2026-11-23" {
			t.Errorf("custom norms: ack %s answer %s", r.AckDue, r.AnswerDue)
		}
		if err := complaint.SaveSettings(context.Background(), db, complaint.Settings{AckDays: 12, AnswerDays: 10}); app.Code(err) != app.EINVALID {
			t.Errorf("answer before acknowledgement accepted: %v", err)
		}
	})
}

func TestReferencesAreGaplessUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		const n = 40
		var wg sync.WaitGroup
		refs := make(chan string, n)
		for i := range n {
			wg.Go(func() {
				s := f.submission(ekbacka, "teaching")
				if i%7 == 0 {
					s.WhatHappened = "" // invalid: must not use a number
				}
				r, err := complaint.Submit(context.Background(), db, s, wed, nil)
				if err == nil {
					refs <- r.Reference
				} else if app.Code(err) != app.EINVALID {
					t.Errorf("submit: %v", err)
				}
			})
		}
		wg.Wait()
		close(refs)
		seen := map[string]bool{}
		for r := range refs {
			seen[r] = true
		}
		valid := n - (n+6)/7
		if len(seen) != valid {
			t.Fatalf("%d distinct references, want %d", len(seen), valid)
		}
		for i := 1; i <= valid; i++ {
			if ref := fmt.Sprintf("BUN 2026/%05d", i); !seen[ref] {
				t.Errorf("gap: %s missing", ref)
			}
		}
		// A new year starts a new series.
		r := f.submit(f.submission(ekbacka, "teaching"), time.Date(2027, 1, 4, 9, 0, 0, 0, civil.Zone))
		if r.Reference != "BUN 2027/00001" {
			t.Errorf("new year: %s", r.Reference)
		}
	})
}

// A repeated key from the same client with the same content is the same
// case, without a new link; the key with other content is refused and
// shows nothing of the case; another client's equal key is its own.
func TestDoubleSubmitGivesOneCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		s := f.submission(ekbacka, "teaching")
		s.SubmissionKey, s.SubmissionClient = "form-123", "net:192.0.2.7"
		first := f.submit(s, wed)
		second := f.submit(s, wed)
		if second.ID != first.ID || !second.Repeated || second.Token != "" || first.Token == "" {
			t.Fatalf("second submit: %+v (first %+v)", second, first)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM complaint_links"); n != 1 {
			t.Errorf("%d follow-up links after a repeat, want the first only", n)
		}
		// The same key with other content: refused, nothing of the case.
		other := s
		other.WhatHappened += " Och mer."
		r, err := complaint.Submit(context.Background(), db, other, wed, nil)
		if ae, ok := errors.AsType[*app.Error](err); !ok || ae.Code != app.EINVALID || ae.MsgID != "public.err_key_reused" {
			t.Fatalf("same key, other content: %+v %v", r, err)
		}
		if r.ID != 0 || r.Reference != "" || r.Token != "" {
			t.Errorf("a refused repeat returned the case: %+v", r)
		}
		// Another client with the same key and content: a case of its own.
		stranger := s
		stranger.SubmissionClient = "net:198.51.100.9"
		third := f.submit(stranger, wed)
		if third.ID == first.ID || third.Repeated || third.Token == "" {
			t.Errorf("another client's key reached the first case: %+v", third)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM complaints"); n != 2 {
			t.Fatalf("%d cases, want 2", n)
		}
	})
}

func TestValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		s := complaint.Submission{FilerRole: "king", UnitScope: complaint.ScopeUnit, UnitID: 999999, Kind: "rant",
			Category: "nope", WhatHappened: "  \x00\x07  ", Email: "not an email", Phone: "call me", Name: strings.Repeat("x", 300),
			DesiredOutcome: strings.Repeat("å", complaint.MaxText+1), Language: "sv", Channel: "web",
			Attachments: []complaint.Attachment{complaint.NewAttachment("../../etc/passwd.pdf", []byte("#!/bin/sh\nrm -rf /"))}}
		_, err := complaint.Submit(context.Background(), db, s, wed, nil)
		ae, ok := err.(*app.Error)
		if !ok || ae.Code != app.EINVALID {
			t.Fatalf("Submit = %v", err)
		}
		got := map[string]string{}
		for _, fe := range ae.Fields {
			got[fe.Field] = fe.MsgID
		}
		for field, msg := range map[string]string{
			"filerRole": "field.choose", "unit": "field.choose", "kind": "field.choose", "category": "field.choose",
			"whatHappened": "field.required", "desiredOutcome": "field.too_long", "name": "field.too_long",
			"email": "field.email", "phone": "field.phone", "attachments": "field.attachment_type",
		} {
			if got[field] != msg {
				t.Errorf("%s: %q, want %q", field, got[field], msg)
			}
		}
		var n int
		_ = db.QueryRow(context.Background(), "SELECT COUNT(*) FROM registration_series").Scan(&n)
		if n != 0 {
			t.Error("an invalid submission took a number")
		}
		// Invalid UTF-8 and control characters are cleaned, not refused.
		ok2 := f.submission(ekbacka, "teaching")
		ok2.WhatHappened = "Hej\x00 d\xffär\r\nrad två\u2028"
		r := f.submit(ok2, wed)
		c, _ := complaint.Get(f.as(principalA), db, r.ID)
		if c.WhatHappened != "Hej d\uFFFDär\nrad två" {
			t.Errorf("cleaned text = %q", c.WhatHappened)
		}
	})
}

func TestAttachments(t *testing.T) {
	pdf := []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF")
	a := complaint.NewAttachment(`C:\Users\Anna\Mina dokument\intyg<2>.exe`, pdf)
	if a.ContentType != "application/pdf" || a.Filename != "intyg_2.pdf" {
		t.Errorf("attachment = %q %q", a.ContentType, a.Filename)
	}
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	if b := complaint.NewAttachment("", png); b.ContentType != "image/png" || b.Filename != "bilaga.png" {
		t.Errorf("png = %q %q", b.ContentType, b.Filename)
	}
}

func TestScoping(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		atA := f.submit(f.submission(ekbacka, "teaching"), wed)
		atB := f.submit(f.submission(bjorkdalen, "teaching"), wed)
		aboutA := f.submission(ekbacka, "treatment")
		aboutA.ConcernsPrincipal = true
		concernsA := f.submit(aboutA, wed)
		meals := f.submit(f.submission(bjorkdalen, "meals"), wed)

		visible := func(email string) map[int64]bool {
			list, _, err := complaint.WorkList(f.as(email), db, complaint.Filter{Status: "all"}, "2026-04-01")
			if err != nil {
				t.Fatal(err)
			}
			m := map[int64]bool{}
			for _, c := range list {
				m[c.ID] = true
			}
			return m
		}
		for _, tc := range []struct {
			who  string
			sees []int64
			not  []int64
		}{
			{principalA, []int64{atA.ID}, []int64{atB.ID, concernsA.ID, meals.ID}},
			{principalB, []int64{atB.ID, meals.ID}, []int64{atA.ID, concernsA.ID}},
			{mealManager, []int64{meals.ID}, []int64{atA.ID, atB.ID, concernsA.ID}},
			{officer, []int64{atA.ID, atB.ID, concernsA.ID, meals.ID}, nil},
			{"ordforande@exempelby.example", nil, []int64{atA.ID, atB.ID, concernsA.ID, meals.ID}},
			{"analys@exempelby.example", nil, []int64{atA.ID}},
			{"admin@exempelby.example", nil, []int64{atA.ID}},
		} {
			got := visible(tc.who)
			for _, id := range tc.sees {
				if !got[id] {
					t.Errorf("%s does not see case %d", tc.who, id)
				}
			}
			for _, id := range tc.not {
				if got[id] {
					t.Errorf("%s sees case %d", tc.who, id)
				}
				if _, err := complaint.Get(f.as(tc.who), db, id); app.Code(err) != app.ENOTFOUND {
					t.Errorf("%s Get(%d) = %v, want not found", tc.who, id, err)
				}
			}
		}
	})
}

func TestWorkflow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		s := f.submission(ekbacka, "teaching")
		s.Email = "vh@example.se"
		r := f.submit(s, wed)
		ctxA := f.as(principalA)
		act := func(ctx context.Context, a complaint.Action) error {
			return complaint.Act(ctx, db, r.ID, a, wed.Add(time.Hour), composer{})
		}
		if err := act(f.as(principalB), complaint.Action{Kind: complaint.EventAcknowledged}); app.Code(err) != app.ENOTFOUND {
			t.Fatalf("another unit's principal acting: %v", err)
		}
		if err := act(ctxA, complaint.Action{Kind: complaint.EventClosed}); app.Code(err) != app.EINVALID {
			t.Fatalf("close without outcome: %v", err)
		}
		steps := []complaint.Action{
			{Kind: complaint.EventAcknowledged, Body: "Tack, vi tittar på det."},
			{Kind: complaint.EventNote, Body: "Pratat med mentorn."},
			{Kind: complaint.EventInvestigating},
			{Kind: complaint.EventAnswered, Body: "Vi har ordnat lunchen."},
			{Kind: complaint.EventClosed, Outcome: complaint.MeasuresTaken},
			{Kind: complaint.EventReopened, Body: "Vårdnadshavaren hörde av sig igen."},
		}
		for _, a := range steps {
			if err := act(ctxA, a); err != nil {
				t.Fatalf("%s: %v", a.Kind, err)
			}
		}
		if err := act(ctxA, complaint.Action{Kind: complaint.EventAcknowledged}); app.Code(err) != app.EINVALID {
			t.Errorf("acknowledge a reopened case: %v", err)
		}
		c, _ := complaint.Get(ctxA, db, r.ID)
		if c.Status != complaint.Investigating || c.Outcome != "" || c.AcknowledgedAt == nil {
			t.Errorf("after reopen: %+v", c)
		}
		// The filer sees messages and the letter, never the internal note.
		fc, err := complaint.ByLink(context.Background(), db, r.Token)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, e := range fc.Events {
			kinds = append(kinds, string(e.Kind))
			if e.Body == "Pratat med mentorn." {
				t.Error("internal note shown to the filer")
			}
		}
		if strings.Join(kinds, ",") != "registered,acknowledged,investigating,answered,closed" {
			t.Errorf("filer events = %v", kinds)
		}
		// Mails to the filer: acknowledgement with text, and the answer.
		var mails int
		_ = db.QueryRow(context.Background(), "SELECT COUNT(*) FROM outbox WHERE to_addr = 'vh@example.se'").Scan(&mails)
		if mails != 2 {
			t.Errorf("%d mails to the filer, want 2", mails)
		}
		// The filer replies; revoking the links ends access.
		if err := complaint.Reply(context.Background(), db, r.Token, "Det hände igen idag.", nil, wed.Add(2*time.Hour), nil, nil); err != nil {
			t.Fatal(err)
		}
		if err := act(ctxA, complaint.Action{Kind: complaint.EventLinkRevoked}); err != nil {
			t.Fatal(err)
		}
		if _, err := complaint.ByLink(context.Background(), db, r.Token); app.Code(err) != app.ENOTFOUND {
			t.Errorf("revoked link: %v", err)
		}
	})
}

func TestReassignConflictAndSecret(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		r := f.submit(f.submission(ekbacka, "teaching"), wed)
		ctxA := f.as(principalA)
		if err := complaint.Act(ctxA, db, r.ID, complaint.Action{Kind: complaint.EventConflict}, wed, nil); app.Code(err) != app.EINVALID {
			t.Fatalf("conflict without reason: %v", err)
		}
		if err := complaint.Act(ctxA, db, r.ID, complaint.Action{Kind: complaint.EventConflict, Body: "Min son går i klassen."}, wed, nil); err != nil {
			t.Fatal(err)
		}
		if got := f.handler(r.ID); got != officer {
			t.Fatalf("after conflict: %s", got)
		}
		// The principal can still see it (their unit) but no longer act.
		if err := complaint.Act(ctxA, db, r.ID, complaint.Action{Kind: complaint.EventAcknowledged}, wed, nil); app.Code(err) != app.EFORBIDDEN {
			t.Fatalf("former handler acting: %v", err)
		}
		ctxO := f.as(officer)
		if err := complaint.Act(ctxO, db, r.ID, complaint.Action{Kind: complaint.EventAssigned, HandlerID: f.person(principalB), Body: "Rektor B tar det."}, wed, nil); err != nil {
			t.Fatal(err)
		}
		if got := f.handler(r.ID); got != principalB {
			t.Fatalf("after reassign: %s", got)
		}
		if err := complaint.Act(ctxO, db, r.ID, complaint.Action{Kind: complaint.EventSummary, Body: "Oro för kränkning i klassen."}, wed, nil); err != nil {
			t.Fatal(err)
		}
		if err := complaint.Act(ctxO, db, r.ID, complaint.Action{Kind: complaint.EventSecret, Secret: true}, wed, nil); err != nil {
			t.Fatal(err)
		}
		// Principal A sees the case (unit A) but not its secret details,
		// not even the neutral summary; the handler (B) and officers do.
		c, err := complaint.Get(ctxA, db, r.ID)
		if err != nil || !c.SecretHidden || c.WhatHappened != "" || c.Summary != "" {
			t.Errorf("principal A on a secret case: %v %+v", err, c)
		}
		if c != nil {
			events, err := complaint.Events(ctxA, db, r.ID, true)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range complaint.VisibleEvents(c, events) {
				if e.Body != "" || len(e.Files) > 0 {
					t.Errorf("principal A sees the %s event's body %q", e.Kind, e.Body)
				}
			}
		}
		for _, who := range []string{principalB, officer} {
			if c, err := complaint.Get(f.as(who), db, r.ID); err != nil || c.SecretHidden || c.WhatHappened == "" || c.Summary == "" {
				t.Errorf("%s on a secret case: %v", who, err)
			}
		}
	})
}

func TestOffensiveTreatmentDuty(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		r := f.submit(f.submission(ekbacka, complaint.OffensiveTreatment), wed)
		ctxA := f.as(principalA)
		c, _ := complaint.Get(ctxA, db, r.ID)
		if !c.OffensiveTreatment || c.ReportedAt != nil || f.handler(r.ID) != principalA {
			t.Fatalf("case = %+v", c)
		}
		list, _, _ := complaint.WorkList(f.as(officer), db, complaint.Filter{Offensive: true}, "2026-04-01")
		if len(list) != 1 {
			t.Fatalf("officer's offensive-treatment list: %d", len(list))
		}
		if err := complaint.Act(ctxA, db, r.ID, complaint.Action{Kind: complaint.EventReported}, wed, nil); err != nil {
			t.Fatal(err)
		}
		if err := complaint.Act(ctxA, db, r.ID, complaint.Action{Kind: complaint.EventReported}, wed, nil); app.Code(err) != app.ECONFLICT {
			t.Errorf("reporting twice: %v", err)
		}
		c, _ = complaint.Get(ctxA, db, r.ID)
		if c.ReportedAt == nil {
			t.Error("report not recorded")
		}
	})
}

func TestRemindersAndEscalation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		r := f.submit(f.submission(ekbacka, "teaching"), wed) // ack due 7 April, answer 17 April
		ctx := context.Background()
		sweep := func(at time.Time) (int, int) {
			rem, esc, err := complaint.Sweep(ctx, db, at, composer{})
			if err != nil {
				t.Fatal(err)
			}
			return rem, esc
		}
		if rem, esc := sweep(wed); rem != 0 || esc != 0 {
			t.Errorf("on day 0: %d reminders, %d escalations", rem, esc)
		}
		// Monday 6 April is a holiday; the next working day is the 7th: remind.
		if rem, esc := sweep(time.Date(2026, 4, 3, 9, 0, 0, 0, civil.Zone)); rem != 1 || esc != 0 {
			t.Errorf("before the ack deadline: %d, %d", rem, esc)
		}
		if rem, _ := sweep(time.Date(2026, 4, 3, 10, 0, 0, 0, civil.Zone)); rem != 0 {
			t.Error("reminded twice")
		}
		if rem, esc := sweep(time.Date(2026, 4, 8, 9, 0, 0, 0, civil.Zone)); rem != 0 || esc != 1 {
			t.Errorf("ack overdue: %d, %d", rem, esc)
		}
		if _, esc := sweep(time.Date(2026, 4, 9, 9, 0, 0, 0, civil.Zone)); esc != 0 {
			t.Error("escalated twice")
		}
		var toOfficer int
		_ = db.QueryRow(ctx, "SELECT COUNT(*) FROM outbox WHERE to_addr = ?", officer).Scan(&toOfficer)
		if toOfficer != 1 {
			t.Errorf("%d escalation mails to the complaint officer", toOfficer)
		}
		// Acknowledging clears the acknowledgement's reminder and escalation:
		// the answer deadline (17 April) gets its own.
		if err := complaint.Act(f.as(principalA), db, r.ID, complaint.Action{Kind: complaint.EventAcknowledged}, time.Date(2026, 4, 9, 8, 0, 0, 0, civil.Zone), nil); err != nil {
			t.Fatal(err)
		}
		if rem, esc := sweep(time.Date(2026, 4, 16, 9, 0, 0, 0, civil.Zone)); rem != 1 || esc != 0 {
			t.Errorf("before the answer deadline: %d, %d", rem, esc)
		}
		if rem, esc := sweep(time.Date(2026, 4, 20, 9, 0, 0, 0, civil.Zone)); rem != 0 || esc != 1 {
			t.Errorf("answer overdue: %d, %d", rem, esc)
		}
		// A delay notice moves the answer date and tells the filer.
		if err := complaint.Act(f.as(principalA), db, r.ID, complaint.Action{Kind: complaint.EventDelayNotice}, time.Date(2026, 4, 20, 10, 0, 0, 0, civil.Zone), composer{}); err != nil {
			t.Fatal(err)
		}
		c, _ := complaint.Get(f.as(principalA), db, r.ID)
		if c.AnswerDue != "2026-05-05" { // 1 May is a holiday
			t.Errorf("answer due after delay notice: %s", c.AnswerDue)
		}
	})
}

// composer writes plain mails for tests.
type composer struct{}

func (composer) Compose(n complaint.Notice) mail.Message {
	return mail.Message{To: n.To, Subject: string(n.Kind) + " " + n.Case.Reference, Body: n.Body + "\n" + n.Token}
}

func TestWorkListOrdersOverdueFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		praise := f.submission(ekbacka, "teaching")
		praise.Kind = complaint.KindPraise
		early := f.submit(f.submission(ekbacka, "teaching"), wed)                                           // answer due 17 April
		late := f.submit(f.submission(ekbacka, "teaching"), time.Date(2026, 4, 20, 9, 0, 0, 0, civil.Zone)) // due in May
		ack := f.submit(f.submission(ekbacka, "teaching"), time.Date(2026, 4, 28, 9, 0, 0, 0, civil.Zone))  // ack due 30 April
		noAnswer := f.submit(praise, wed)
		ctx := f.as(principalA)
		for _, id := range []int64{noAnswer.ID, late.ID} {
			if err := complaint.Act(ctx, db, id, complaint.Action{Kind: complaint.EventAcknowledged}, wed, nil); err != nil {
				t.Fatal(err)
			}
		}
		// On 4 May: the first case's answer and the third's acknowledgement are
		// overdue; the second is acknowledged and due 5 May; praise needs no
		// answer, so it is never overdue once acknowledged.
		list, total, err := complaint.WorkList(ctx, db, complaint.Filter{}, "2026-05-04")
		if err != nil || total != 4 {
			t.Fatalf("WorkList: %d, %v", total, err)
		}
		var got []int64
		for _, c := range list {
			got = append(got, c.ID)
		}
		want := []int64{early.ID, ack.ID, noAnswer.ID, late.ID}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("order %v, want %v (overdue by answer date first)", got, want)
		}
		overdue, _, _ := complaint.WorkList(ctx, db, complaint.Filter{Overdue: true}, "2026-05-04")
		if len(overdue) != 2 {
			t.Errorf("overdue filter: %d cases", len(overdue))
		}
		page, _, _ := complaint.WorkList(ctx, db, complaint.Filter{Limit: 2, Offset: 2}, "2026-05-04")
		if len(page) != 2 || page[0].ID != noAnswer.ID {
			t.Errorf("second page: %v", page)
		}
	})
}

func count(t *testing.T, db *store.DB, query string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// Handing a case about a principal to a principal of its unit warns and
// needs the handler's confirmation; other handlers take it without one.
func TestAssignCaseAboutPrincipalWarns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		s := f.submission(ekbacka, "teaching")
		s.ConcernsPrincipal = true
		r := f.submit(s, wed)
		ctxO := f.as(officer)
		assign := complaint.Action{Kind: complaint.EventAssigned, HandlerID: f.person(principalA), Body: "Rektorn utreder."}
		err := complaint.Act(ctxO, db, r.ID, assign, wed, nil)
		ae, ok := errors.AsType[*app.Error](err)
		if !ok || ae.Code != app.EINVALID || len(ae.Fields) != 1 || ae.Fields[0].Field != "confirm" || ae.Fields[0].MsgID != "case.err_assign_concerned" {
			t.Fatalf("case about the principal handed to them without a warning: %v", err)
		}
		if got := f.handler(r.ID); got == principalA {
			t.Fatal("the warning changed the handler")
		}
		// Another unit's principal: no warning.
		if err := complaint.Act(ctxO, db, r.ID, complaint.Action{Kind: complaint.EventAssigned, HandlerID: f.person(principalB), Body: "Rektor B tar det."}, wed, nil); err != nil {
			t.Fatalf("to another unit's principal: %v", err)
		}
		// Confirmed: handed over.
		assign.Confirmed = true
		if err := complaint.Act(ctxO, db, r.ID, assign, wed, nil); err != nil {
			t.Fatalf("confirmed: %v", err)
		}
		if got := f.handler(r.ID); got != principalA {
			t.Fatalf("after confirming: handler %s", got)
		}
	})
}
