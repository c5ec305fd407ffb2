package jobs_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/mail"
	"github.com/styrkedjan/styrkedjan/internal/mail/mailtest"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

const publicURL = "https://styrkedjan.example"

// The filer's details, which no mail to staff may carry.
const (
	filerText    = "Min dotter Greta fick ingen lunch i tisdags."
	filerWish    = "Ring mig om detta."
	filerName    = "Filippa Klagesson"
	filerEmail   = "filippa.klagesson@epost.example"
	filerPhone   = "070-1234567"
	principal    = "rektor.ekbacka@exempelby.example" // unit 92000201
	otherHead    = "rektor.bjorkdalen@exempelby.example"
	mealsHead    = "maltid@exempelby.example"
	officerEmail = "klagomal@exempelby.example"
)

// noticeWorld is the demo organizer with real SMTP behind the outbox.
type noticeWorld struct {
	t       *testing.T
	db      *store.DB
	smtp    *mailtest.Server
	sender  *mail.Sender
	compose complaint.MailComposer
}

func newNoticeWorld(t *testing.T, db *store.DB) *noticeWorld {
	t.Helper()
	ctx := context.Background()
	if err := demo.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	catalog, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	srv := mailtest.Start(t)
	return &noticeWorld{t: t, db: db, smtp: srv, sender: mail.NewSender(db, srv.Config(), quiet()),
		compose: complaint.NewMailComposer(ctx, db, catalog, publicURL)}
}

func (w *noticeWorld) person(email string) int64 {
	id, err := org.PersonIDByEmail(context.Background(), w.db, email)
	if err != nil {
		w.t.Fatal(err)
	}
	return id
}

func (w *noticeWorld) as(email string) context.Context {
	p, err := auth.LoadPrincipal(context.Background(), w.db, w.person(email))
	if err != nil {
		w.t.Fatal(err)
	}
	return auth.WithPrincipal(context.Background(), p)
}

// submit files a complaint about a unit with all the filer's details.
func (w *noticeWorld) submit(unitCode, category string, now time.Time) complaint.Receipt {
	w.t.Helper()
	ctx := context.Background()
	unit, err := org.UnitIDByCode(ctx, w.db, unitCode)
	if err != nil {
		w.t.Fatal(err)
	}
	r, err := complaint.Submit(ctx, w.db, complaint.Submission{FilerRole: complaint.Guardian, Kind: complaint.KindComplaint,
		Category: category, WhatHappened: filerText, DesiredOutcome: filerWish, Name: filerName, Email: filerEmail, Phone: filerPhone,
		Language: "sv", Channel: "web", UnitScope: complaint.ScopeUnit, UnitID: unit}, now, w.compose)
	if err != nil {
		w.t.Fatal(err)
	}
	return r
}

// deliver sends what the outbox holds over SMTP and returns every message
// the server has received, by recipient.
func (w *noticeWorld) deliver() map[string][]mailtest.Message {
	w.t.Helper()
	if _, err := w.sender.SendDue(context.Background()); err != nil {
		w.t.Fatal(err)
	}
	out := map[string][]mailtest.Message{}
	for _, m := range w.smtp.Messages() {
		for _, to := range m.To {
			out[to] = append(out[to], m)
		}
	}
	return out
}

// mentioning returns the messages whose subject or body names s.
func mentioning(msgs []mailtest.Message, s string) []mailtest.Message {
	var out []mailtest.Message
	for _, m := range msgs {
		if strings.Contains(m.Subject, s) || strings.Contains(m.Body, s) {
			out = append(out, m)
		}
	}
	return out
}

// noFilerDetails fails if a staff mail carries any of the filer's details.
func noFilerDetails(t *testing.T, m mailtest.Message) {
	t.Helper()
	for _, s := range []string{filerText, filerWish, filerName, filerEmail, filerPhone, "Greta"} {
		if strings.Contains(m.Subject, s) || strings.Contains(string(m.Raw), s) {
			t.Errorf("the staff mail %q carries the filer's %q:\n%s", m.Subject, s, m.Body)
		}
	}
}

func (w *noticeWorld) categoryName(code string) string {
	var name string
	if err := w.db.QueryRow(context.Background(), "SELECT name_sv FROM complaint_categories WHERE code = ?", code).Scan(&name); err != nil {
		w.t.Fatal(err)
	}
	return name
}

// monday10 is a Monday morning in term, civil time.
var monday10 = civil.At(2026, time.March, 2, 10, 0)

// TestNewCaseNotifiesThePrincipalOverSMTP: a complaint about a unit goes to
// its principal, who gets a mail with the reference, category, kind,
// acknowledge-by date and a link to the case, and none of the filer's
// text, name or contact; the filer gets the receipt.
func TestNewCaseNotifiesThePrincipalOverSMTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newNoticeWorld(t, db)
		r := w.submit("92000201", "teaching", monday10)
		got := w.deliver()

		notices := mentioning(got[principal], r.Reference)
		if len(notices) != 1 {
			t.Fatalf("the principal got %d mails about %s, want 1; all mail: %v", len(notices), r.Reference, got)
		}
		n := notices[0]
		for _, want := range []string{"Nytt ärende till dig", r.Reference, w.categoryName("teaching"), "Klagomål",
			"bekräftas senast " + r.AckDue, publicURL + "/cases/" + strconv.FormatInt(r.ID, 10)} {
			if !strings.Contains(n.Subject+"\n"+n.Body, want) {
				t.Errorf("the principal's notice lacks %q:\n%s\n%s", want, n.Subject, n.Body)
			}
		}
		noFilerDetails(t, n)
		if len(mentioning(got[filerEmail], r.Reference)) != 1 {
			t.Errorf("the filer got no receipt: %v", got[filerEmail])
		}
		for to := range got {
			if to != principal && to != filerEmail {
				t.Errorf("%s got mail about a case not theirs", to)
			}
		}
	})
}

// TestHandOversNotifyTheNewHandler: assigning a case mails the person it
// was handed to (in English, their chosen language) and a conflict of
// interest mails the complaint officer; the person who made the change
// gets nothing. Reminders, too, come in the handler's language.
func TestHandOversNotifyTheNewHandler(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newNoticeWorld(t, db)
		if err := complaint.SetNoticePrefs(w.as(mealsHead), db, complaint.NoticePrefs{Notices: complaint.NoticesImmediate, Language: "en"}); err != nil {
			t.Fatal(err)
		}
		r := w.submit("92000201", "teaching", monday10)
		w.deliver()

		err := complaint.Act(w.as(principal), db, r.ID, complaint.Action{Kind: complaint.EventAssigned,
			HandlerID: w.person(mealsHead), Body: "Gäller skolmaten."}, monday10.Add(time.Hour), w.compose)
		if err != nil {
			t.Fatal(err)
		}
		got := w.deliver()
		notices := mentioning(got[mealsHead], r.Reference)
		if len(notices) != 1 || !strings.Contains(notices[0].Subject, "Case handed to you") ||
			!strings.Contains(notices[0].Body, "Acknowledge receipt by "+r.AckDue) {
			t.Fatalf("the new handler's notice: %+v", notices)
		}
		noFilerDetails(t, notices[0])
		if len(mentioning(got[principal], r.Reference)) != 1 {
			t.Errorf("the principal who handed the case on got more mail: %v", got[principal])
		}

		// The reminder before the deadline speaks the handler's language too.
		if rem, _, err := complaint.Sweep(context.Background(), db, civil.At(2026, time.March, 4, 8, 0), w.compose); err != nil || rem != 1 {
			t.Fatalf("reminders: %d, %v", rem, err)
		}
		got = w.deliver()
		if m := mentioning(got[mealsHead], r.Reference); len(m) != 2 || !strings.HasPrefix(m[1].Subject, "Reminder") {
			t.Fatalf("the handler's mail after the reminder: %+v", m)
		}

		err = complaint.Act(w.as(mealsHead), db, r.ID, complaint.Action{Kind: complaint.EventConflict,
			Body: "Min bror arbetar i köket."}, monday10.Add(2*time.Hour), w.compose)
		if err != nil {
			t.Fatal(err)
		}
		got = w.deliver()
		notices = mentioning(got[officerEmail], r.Reference)
		if len(notices) != 1 || !strings.Contains(notices[0].Subject, "jäv") {
			t.Fatalf("the complaint officer's notice after a conflict of interest: %+v", notices)
		}
		noFilerDetails(t, notices[0])
		if len(mentioning(got[mealsHead], r.Reference)) != 2 {
			t.Errorf("the handler who declared the conflict got more mail")
		}
	})
}

// TestDigestSubscriberGetsOneMorningDigest: a principal who chose the
// digest gets no mail when a case arrives, and one digest the next morning
// at or after 07:00 naming it and nothing outside their scope, however
// often and from however many processes the sweep runs; a person with
// nothing to list gets no mail.
func TestDigestSubscriberGetsOneMorningDigest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newNoticeWorld(t, db)
		if err := complaint.SetNoticePrefs(w.as(principal), db, complaint.NoticePrefs{Notices: complaint.NoticesDigest, Language: "sv"}); err != nil {
			t.Fatal(err)
		}
		// Someone who may handle cases but has none.
		var idle int64
		now := store.Now()
		if err := db.QueryRow(ctx, `INSERT INTO users (email, name, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			"ledig@exempelby.example", "Ida Ledig", string(auth.RoleSpecialist), now, now).Scan(&idle); err != nil {
			t.Fatal(err)
		}

		mine := w.submit("92000201", "teaching", monday10)
		theirs := w.submit("92000202", "teaching", monday10)
		got := w.deliver()
		if m := mentioning(got[principal], mine.Reference); len(m) != 0 {
			t.Fatalf("a digest subscriber got an immediate notice: %s", m[0].Subject)
		}
		if len(mentioning(got[otherHead], theirs.Reference)) != 1 {
			t.Fatalf("the other principal (immediate) got no notice")
		}

		tuesday := func(h, m int) time.Time { return civil.At(2026, time.March, 3, h, m) }
		if n, err := complaint.SendDigests(ctx, db, tuesday(6, 59), w.compose); err != nil || n != 0 {
			t.Fatalf("digests before 07:00: %d, %v", n, err)
		}
		// Several processes at once, then again later in the day.
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				if _, err := complaint.SendDigests(ctx, db, tuesday(7, 0), w.compose); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if _, err := complaint.SendDigests(ctx, db, tuesday(9, 30), w.compose); err != nil {
			t.Fatal(err)
		}
		got = w.deliver()
		var digests []mailtest.Message
		for _, m := range got[principal] {
			if strings.Contains(m.Subject, "Dagens ärenden 2026-03-03") {
				digests = append(digests, m)
			}
		}
		if len(digests) != 1 {
			t.Fatalf("the principal got %d digests on Tuesday, want 1", len(digests))
		}
		d := digests[0]
		for _, want := range []string{"Nytt: " + mine.Reference, w.categoryName("teaching"),
			publicURL + "/cases/" + strconv.FormatInt(mine.ID, 10)} {
			if !strings.Contains(d.Body, want) {
				t.Errorf("the digest lacks %q:\n%s", want, d.Body)
			}
		}
		if strings.Contains(d.Body, theirs.Reference) {
			t.Errorf("the digest names a case of another unit:\n%s", d.Body)
		}
		noFilerDetails(t, d)
		if len(got["ledig@exempelby.example"]) != 0 {
			t.Errorf("a person with nothing to list got mail: %s", got["ledig@exempelby.example"][0].Subject)
		}
		if count(t, db, "SELECT COUNT(*) FROM case_digests WHERE user_id = ? AND day = ?", w.person(principal), "2026-03-03") != 1 {
			t.Error("the day was not recorded once")
		}

		// Wednesday: the case is no longer new, but its acknowledgement is
		// due within two working days, so it is listed again as due soon.
		if _, err := complaint.SendDigests(ctx, db, civil.At(2026, time.March, 4, 7, 5), w.compose); err != nil {
			t.Fatal(err)
		}
		got = w.deliver()
		var wednesday []mailtest.Message
		for _, m := range got[principal] {
			if strings.Contains(m.Subject, "Dagens ärenden 2026-03-04") {
				wednesday = append(wednesday, m)
			}
		}
		if len(wednesday) != 1 || strings.Contains(wednesday[0].Body, "Nytt:") ||
			!strings.Contains(wednesday[0].Body, mine.Reference) {
			t.Fatalf("Wednesday's digest: %+v", wednesday)
		}
	})
}

// TestDigestInEnglishListsNewCasesWithoutDeadline: a specialist who chose
// the digest in English gets the case of their category that came to them
// under "new", also when no deadline applies any more (acknowledged
// feedback).
func TestDigestInEnglishListsNewCasesWithoutDeadline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newNoticeWorld(t, db)
		if err := complaint.SetNoticePrefs(w.as(mealsHead), db, complaint.NoticePrefs{Notices: complaint.NoticesDigest, Language: "en"}); err != nil {
			t.Fatal(err)
		}
		unit, err := org.UnitIDByCode(ctx, db, "92000201")
		if err != nil {
			t.Fatal(err)
		}
		r, err := complaint.Submit(ctx, db, complaint.Submission{FilerRole: complaint.Guardian, Kind: complaint.KindComment,
			Category: "meals", WhatHappened: filerText, Name: filerName, Email: filerEmail, Language: "sv", Channel: "web",
			UnitScope: complaint.ScopeUnit, UnitID: unit}, monday10, w.compose)
		if err != nil {
			t.Fatal(err)
		}
		if err := complaint.Act(w.as(officerEmail), db, r.ID, complaint.Action{Kind: complaint.EventAcknowledged}, monday10.Add(time.Hour), w.compose); err != nil {
			t.Fatal(err)
		}
		if n, err := complaint.SendDigests(ctx, db, civil.At(2026, time.March, 3, 8, 0), w.compose); err != nil || n == 0 {
			t.Fatalf("digests: %d, %v", n, err)
		}
		got := w.deliver()
		var digest []mailtest.Message
		for _, m := range got[mealsHead] {
			if strings.Contains(m.Subject, "Today's cases 2026-03-03") {
				digest = append(digest, m)
			}
		}
		if len(digest) != 1 {
			t.Fatalf("the specialist's mail: %+v", got[mealsHead])
		}
		for _, want := range []string{"New for you since the previous digest (1):", "- New: " + r.Reference, "Comment", "No deadline applies."} {
			if !strings.Contains(digest[0].Body, want) {
				t.Errorf("the digest lacks %q:\n%s", want, digest[0].Body)
			}
		}
		noFilerDetails(t, digest[0])

		// The filer's reply is told to the handler in their language.
		err = complaint.Reply(ctx, db, r.Token, "Tack för svaret.", nil, civil.At(2026, time.March, 3, 9, 0), w.compose,
			func(int64) string { return mealsHead })
		if err != nil {
			t.Fatal(err)
		}
		got = w.deliver()
		if m := mentioning(got[mealsHead], r.Reference); len(m) != 2 || !strings.HasPrefix(m[1].Subject, "New message from the sender") {
			t.Errorf("the handler's mail after the filer's reply: %+v", m)
		}
	})
}
