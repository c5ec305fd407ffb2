package mail_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/mail"
	"github.com/styrkedjan/styrkedjan/internal/mail/mailtest"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

const wait = 10 * time.Second

func newSender(t *testing.T, db *store.DB, cfg mail.Config) *mail.Sender {
	s := mail.NewSender(db, cfg, slog.New(slog.NewTextHandler(t.Output(), nil)))
	s.BackoffBase = time.Millisecond
	return s
}

func enqueue(t *testing.T, q store.Q, m mail.Message) int64 {
	t.Helper()
	id, err := mail.Enqueue(context.Background(), q, m)
	if err != nil {
		t.Fatalf("Enqueue(%+v): %v", m, err)
	}
	return id
}

func sendDue(t *testing.T, s *mail.Sender) int {
	t.Helper()
	n, err := s.SendDue(context.Background())
	if err != nil {
		t.Fatalf("SendDue: %v", err)
	}
	return n
}

// entry returns the outbox message id as Recent lists it.
func entry(t *testing.T, db *store.DB, id int64) mail.Entry {
	t.Helper()
	list, err := mail.Recent(context.Background(), db)
	if err != nil {
		t.Fatalf("Recent: %v", err)
	}
	for _, e := range list {
		if e.ID == id {
			return e
		}
	}
	t.Fatalf("message %d not in outbox", id)
	return mail.Entry{}
}

// eventually polls cond until it holds, failing the test after wait.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(wait); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
	}
}

func TestEnqueueAndSend(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := mailtest.Start(t)
		s := newSender(t, db, srv.Config())
		want := mail.Message{
			To:      "Åsa Öberg <asa@example.se>",
			Subject: "Återställ ditt lösenord",
			Body:    "Hej Åsa!\n\nKlicka på länken för att välja ett nytt lösenord:\nhttps://styrkedjan.test/återställ?t=abc\n\nHälsningar, Styrkedjan – för skolans kvalitetsarbete\n",
		}
		id := enqueue(t, db, want)

		if n := sendDue(t, s); n != 1 {
			t.Fatalf("SendDue sent %d, want 1", n)
		}
		got := srv.WaitFor(t, 1, wait)[0]
		if len(got.To) != 1 || got.To[0] != "asa@example.se" {
			t.Errorf("envelope recipients = %q", got.To)
		}
		if to, err := netmail.ParseAddress(got.Header.Get("To")); err != nil || to.Name != "Åsa Öberg" || to.Address != "asa@example.se" {
			t.Errorf("To header %q parses as %v, %v", got.Header.Get("To"), to, err)
		}
		if from, err := netmail.ParseAddress(got.Header.Get("From")); err != nil || from.Address != "noreply@styrkedjan.test" {
			t.Errorf("From header %q parses as %v, %v", got.Header.Get("From"), from, err)
		}
		if got.Subject != want.Subject {
			t.Errorf("subject = %q, want %q", got.Subject, want.Subject)
		}
		if got.Body != want.Body {
			t.Errorf("body = %q, want %q", got.Body, want.Body)
		}
		if ct := got.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") || !strings.Contains(strings.ToLower(ct), "charset=utf-8") {
			t.Errorf("Content-Type = %q", ct)
		}

		e := entry(t, db, id)
		if date, err := got.Header.Date(); err != nil || !date.Equal(e.CreatedAt.Truncate(time.Second)) {
			t.Errorf("Date header = %v, %v; want the enqueue time %v", date, err, e.CreatedAt)
		}
		if e.SentAt == nil || e.FailedAt != nil || e.Attempts != 1 || e.LastError != "" {
			t.Errorf("outbox entry after sending = %+v", e)
		}
		if n := sendDue(t, s); n != 0 {
			t.Errorf("second SendDue sent %d, want 0", n)
		}
		if n := len(srv.Messages()); n != 1 {
			t.Errorf("server received %d messages, want 1", n)
		}
	})
}

func TestEnqueueRejectsInvalidMessages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for _, m := range []mail.Message{
			{To: "", Subject: "Hej"},
			{To: "inte en adress", Subject: "Hej"},
			{To: "a@example.se, b@example.se", Subject: "Hej"},
			{To: "a@example.se\r\nBcc: b@example.se", Subject: "Hej"},
			{To: "a@example.se", Subject: " "},
		} {
			if _, err := mail.Enqueue(context.Background(), db, m); !errors.Is(err, mail.ErrInvalidMessage) {
				t.Errorf("Enqueue(%q, %q) = %v, want ErrInvalidMessage", m.To, m.Subject, err)
			}
		}
		if list, err := mail.Recent(context.Background(), db); err != nil || len(list) != 0 {
			t.Errorf("outbox holds %d messages, %v; want none", len(list), err)
		}
	})
}

func TestRetriesWhileServerIsDown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := mailtest.Start(t)
		s := newSender(t, db, srv.Config())
		srv.Down()
		id := enqueue(t, db, mail.Message{To: "bo@example.se", Subject: "Påminnelse", Body: "Glöm inte mötet."})

		if n := sendDue(t, s); n != 0 {
			t.Fatalf("SendDue sent %d with the server down", n)
		}
		e := entry(t, db, id)
		if e.Attempts != 1 || e.LastError == "" || e.SentAt != nil || e.FailedAt != nil {
			t.Fatalf("outbox entry after a failed attempt = %+v", e)
		}

		srv.Up(t)
		eventually(t, "the message is sent after the backoff", func() bool { return sendDue(t, s) == 1 })
		if got := srv.WaitFor(t, 1, wait); got[0].Subject != "Påminnelse" {
			t.Errorf("received subject %q", got[0].Subject)
		}
		if e := entry(t, db, id); e.SentAt == nil || e.Attempts != 2 {
			t.Errorf("outbox entry after sending = %+v", e)
		}
	})
}

func TestGivesUpAfterMaxAttempts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := mailtest.Start(t)
		srv.Reject(true)
		s := newSender(t, db, srv.Config())
		s.MaxAttempts = 3
		id := enqueue(t, db, mail.Message{To: "cd@example.se", Subject: "Hej", Body: "Hej"})

		eventually(t, "the message is given up", func() bool {
			sendDue(t, s)
			return entry(t, db, id).FailedAt != nil
		})
		e := entry(t, db, id)
		if e.Attempts != 3 || !strings.Contains(e.LastError, "451") || e.SentAt != nil {
			t.Errorf("outbox entry after giving up = %+v", e)
		}
		srv.Reject(false)
		if n := sendDue(t, s); n != 0 || len(srv.Messages()) != 0 {
			t.Errorf("a failed message was sent")
		}
	})
}

func TestBackoffDoublesUpToAnHour(t *testing.T) {
	s := mail.NewSender(nil, mail.Config{}, nil)
	for attempts, want := range map[int]time.Duration{
		1: 30 * time.Second, 2: time.Minute, 3: 2 * time.Minute, 7: 32 * time.Minute, 8: time.Hour, 100: time.Hour,
	} {
		if got := mail.BackoffForTest(s, attempts); got != want {
			t.Errorf("backoff after %d attempts = %v, want %v", attempts, got, want)
		}
	}
}

func TestRolledBackMailIsNeverSent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := mailtest.Start(t)
		s := newSender(t, db, srv.Config())
		boom := errors.New("boom")
		err := store.InTx(context.Background(), db, func(tx *store.Tx) error {
			enqueue(t, tx, mail.Message{To: "ef@example.se", Subject: "Ska inte skickas"})
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v", err)
		}
		if n := sendDue(t, s); n != 0 || len(srv.Messages()) != 0 {
			t.Errorf("mail from a rolled-back transaction was sent")
		}
		if list, _ := mail.Recent(context.Background(), db); len(list) != 0 {
			t.Errorf("outbox holds %d messages after rollback", len(list))
		}
	})
}

func open(t *testing.T, dbURL string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestQueuedMailSurvivesRestart(t *testing.T) {
	storetest.EachURL(t, func(t *testing.T, dbURL string) {
		before := open(t, dbURL)
		enqueue(t, before, mail.Message{To: "gh@example.se", Subject: "Efter omstart", Body: "Hej"})
		before.Close()

		srv := mailtest.Start(t)
		if n := sendDue(t, newSender(t, open(t, dbURL), srv.Config())); n != 1 {
			t.Fatalf("SendDue after restart sent %d, want 1", n)
		}
		if got := srv.WaitFor(t, 1, wait); got[0].Subject != "Efter omstart" {
			t.Errorf("received subject %q", got[0].Subject)
		}
	})
}

func TestConcurrentSendersSendEachMessageOnce(t *testing.T) {
	storetest.EachURL(t, func(t *testing.T, dbURL string) {
		const n = 20
		srv := mailtest.Start(t)
		dbs := []*store.DB{open(t, dbURL), open(t, dbURL)}
		for i := range n {
			enqueue(t, dbs[0], mail.Message{To: "ij@example.se", Subject: fmt.Sprintf("Meddelande %d", i)})
		}

		var wg sync.WaitGroup
		sent := make([]int, len(dbs))
		start := make(chan struct{})
		for i, db := range dbs {
			s := newSender(t, db, srv.Config())
			wg.Go(func() {
				<-start
				for {
					k, err := s.SendDue(context.Background())
					if err != nil {
						t.Errorf("sender %d: %v", i, err)
					}
					if k == 0 || err != nil {
						return
					}
					sent[i] += k
				}
			})
		}
		close(start)
		wg.Wait()

		if sent[0]+sent[1] != n {
			t.Errorf("senders report %v sent, want %d in all", sent, n)
		}
		seen := map[string]int{}
		for _, m := range srv.Messages() {
			seen[m.Subject]++
		}
		for i := range n {
			if subject := fmt.Sprintf("Meddelande %d", i); seen[subject] != 1 {
				t.Errorf("%q received %d times, want once", subject, seen[subject])
			}
		}
	})
}

func TestRunSendsAtOnceAndOnWake(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := mailtest.Start(t)
		s := newSender(t, db, srv.Config())
		s.PollInterval = time.Hour // only the first round and Wake can send
		enqueue(t, db, mail.Message{To: "kl@example.se", Subject: "Första"})

		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { s.Run(ctx); close(done) }()
		defer func() { cancel(); <-done }()

		srv.WaitFor(t, 1, wait)
		enqueue(t, db, mail.Message{To: "kl@example.se", Subject: "Andra"})
		s.Wake()
		if got := srv.WaitFor(t, 2, wait); got[1].Subject != "Andra" {
			t.Errorf("second message subject %q", got[1].Subject)
		}
	})
}

func TestRunWithoutSMTPKeepsMailQueued(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		id := enqueue(t, db, mail.Message{To: "mn@example.se", Subject: "Väntar"})
		var logs bytes.Buffer
		s := mail.NewSender(db, mail.Config{}, slog.New(slog.NewTextHandler(&logs, nil)))

		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { s.Run(ctx); close(done) }()
		cancel()
		select {
		case <-done:
		case <-time.After(wait):
			t.Fatal("Run did not return when its context ended")
		}
		if !strings.Contains(logs.String(), "mail disabled") {
			t.Errorf("Run logged %q, want a note that mail is disabled", logs.String())
		}
		if _, err := s.SendDue(context.Background()); err == nil {
			t.Error("SendDue without an SMTP host succeeded")
		}
		if e := entry(t, db, id); e.SentAt != nil || e.Attempts != 0 {
			t.Errorf("outbox entry = %+v, want it untouched", e)
		}
	})
}

func TestSMTPAuth(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := mailtest.Start(t)
		srv.RequireAuth("styrkedjan", "hemligt")
		wrong := srv.Config()
		wrong.Password = "fel"
		id := enqueue(t, db, mail.Message{To: "op@example.se", Subject: "Inloggad"})

		if n := sendDue(t, newSender(t, db, wrong)); n != 0 {
			t.Fatalf("sent %d with a wrong password", n)
		}
		if e := entry(t, db, id); !strings.Contains(e.LastError, "AUTH") {
			t.Errorf("last error %q, want an authentication failure", e.LastError)
		}

		s := newSender(t, db, srv.Config())
		eventually(t, "the message is sent with the right password", func() bool { return sendDue(t, s) == 1 })
		if got := srv.WaitFor(t, 1, wait); got[0].User != "styrkedjan" {
			t.Errorf("message sent as user %q", got[0].User)
		}
	})
}

func TestConfigValidate(t *testing.T) {
	ok := mail.Config{Host: "smtp.example.se", From: "noreply@example.se"}
	if err := ok.Validate(); err != nil {
		t.Errorf("Validate(%+v) = %v", ok, err)
	}
	if err := (mail.Config{}).Validate(); err != nil {
		t.Errorf("disabled config: %v", err)
	}
	for _, c := range []mail.Config{
		{Host: "smtp.example.se", From: ""},
		{Host: "smtp.example.se", From: "noreply@example.se", TLS: "ssl"},
		{Host: "smtp.example.se", From: "noreply@example.se", Port: 70000},
	} {
		if err := c.Validate(); err == nil {
			t.Errorf("Validate(%+v) succeeded", c)
		}
	}
}

// The outbox page shows staff addresses in full and masks everyone
// else's: the probe read filers' addresses there as an administrator.
func TestRecentMasksFilers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := store.Now()
		if _, err := db.Exec(ctx, `INSERT INTO users (email, name, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
			"rektor@skola.example", "Rektor", "principal", now, now); err != nil {
			t.Fatal(err)
		}
		enqueue(t, db, mail.Message{To: "Rektor <Rektor@skola.example>", Subject: "Nytt ärende", Body: "Hej"})
		enqueue(t, db, mail.Message{To: "Åsa Öberg <asa.oberg@example.se>", Subject: "Kvitto", Body: "Hej"})
		list, err := mail.Recent(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, e := range list {
			got[e.Subject] = e.To
		}
		if got["Nytt ärende"] != "Rektor <Rektor@skola.example>" {
			t.Errorf("staff address: %q", got["Nytt ärende"])
		}
		if got["Kvitto"] != "a…@example.se" {
			t.Errorf("filer's address: %q, want a…@example.se", got["Kvitto"])
		}
	})
}
