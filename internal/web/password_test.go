package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/mail"
	"github.com/styrkedjan/styrkedjan/internal/mail/mailtest"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/web"
)

// TestPasswordResetByEmail goes the whole way: the form, the outbox, real
// SMTP, the link in the mail, the new password, and the link's single use.
func TestPasswordResetByEmail(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		smtp := mailtest.Start(t)
		sender := mail.NewSender(db, smtp.Config(), slog.New(slog.NewTextHandler(io.Discard, nil)))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { sender.Run(ctx); close(done) }()
		t.Cleanup(func() { cancel(); <-done })

		e := start(t, db, web.Options{PublicURL: "https://styrkedjan.exempelby.example", WakeMailer: sender.Wake})
		c := e.client()
		r := c.post("/password/forgot", url.Values{"email": {"  Rektor.Ekbacka@Exempelby.example "}})
		if r.status != http.StatusOK || !strings.Contains(r.body, "Om adressen finns hos oss") {
			t.Fatalf("forgot: %d", r.status)
		}
		// An unknown address gets the same answer and no mail.
		if r2 := c.post("/password/forgot", url.Values{"email": {"okand@exempelby.example"}}); r2.body != r.body {
			t.Error("the answer reveals whether an address has an account")
		}

		msgs := smtp.WaitFor(t, 1, 30*time.Second)
		m := msgs[0]
		if len(m.To) != 1 || m.To[0] != principalA || m.Subject != "Nytt lösenord till Styrkedjan" {
			t.Fatalf("mail to %v subject %q", m.To, m.Subject)
		}
		link := regexp.MustCompile(`https://styrkedjan\.exempelby\.example(/password/reset/\S+)`).FindStringSubmatch(m.Body)
		if link == nil {
			t.Fatalf("no reset link in:\n%s", m.Body)
		}
		path := link[1]
		if r := c.get(path); r.status != http.StatusOK {
			t.Fatalf("reset form: %d", r.status)
		}
		if r := c.post(path, url.Values{"password": {"kort"}, "password2": {"kort"}}); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, "minst 10 tecken") {
			t.Fatalf("short password: %d", r.status)
		}
		const newPassword = "en ny och lång lösenfras"
		if r := c.post(path, url.Values{"password": {newPassword}, "password2": {newPassword}}); r.status != http.StatusSeeOther {
			t.Fatalf("reset: %d\n%s", r.status, r.body)
		}
		if r := c.post(path, url.Values{"password": {"ännu ett lösenord"}, "password2": {"ännu ett lösenord"}}); r.status != http.StatusGone {
			t.Fatalf("second use of the link: %d, want 410", r.status)
		}
		if r := e.client().post("/login", url.Values{"email": {principalA}, "password": {newPassword}}); r.status != http.StatusSeeOther {
			t.Fatalf("login with the new password: %d", r.status)
		}
		if len(smtp.Messages()) != 1 {
			t.Errorf("%d mails sent, want 1", len(smtp.Messages()))
		}
	})
}

func TestChangePassword(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.login(officer)
		r := c.post("/account/password", url.Values{"current": {"fel"}, "password": {"lösenord nummer två"}, "password2": {"något annat"}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Det nuvarande lösenordet stämmer inte.") ||
			!strings.Contains(r.body, "Lösenorden är inte likadana.") {
			t.Fatalf("bad change: %d", r.status)
		}
		r = c.post("/account/password", url.Values{"current": {"exempelby2026"}, "password": {"lösenord nummer två"}, "password2": {"lösenord nummer två"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("change: %d", r.status)
		}
		if r := c.get("/account"); r.status != http.StatusOK {
			t.Fatalf("still signed in after change: %d", r.status)
		}
		if r := e.client().post("/login", url.Values{"email": {officer}, "password": {"lösenord nummer två"}}); r.status != http.StatusSeeOther {
			t.Fatalf("login with changed password: %d", r.status)
		}
	})
}
