package web_test

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/mail"
	"github.com/styrkedjan/styrkedjan/internal/mail/mailtest"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/web"
)

const publicURL = "https://styrkedjan.exempelby.example"

// startWithSMTP serves db with the outbox sender delivering to a test SMTP server.
func startWithSMTP(t *testing.T, db *store.DB) (*env, *mailtest.Server) {
	smtp := mailtest.Start(t)
	sender := mail.NewSender(db, smtp.Config(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { sender.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return start(t, db, web.Options{PublicURL: publicURL, WakeMailer: sender.Wake}), smtp
}

// mailsTo waits until n mails to addr have arrived and returns them in
// order; other mails (the staff's notices) are passed over.
func mailsTo(t *testing.T, smtp *mailtest.Server, addr string, n int) []mailtest.Message {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var out []mailtest.Message
		for _, m := range smtp.Messages() {
			if len(m.To) == 1 && m.To[0] == addr {
				out = append(out, m)
			}
		}
		if len(out) >= n {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d mails to %s within 30 s, want %d", len(out), addr, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

const arabicText = "لم يحضر المعلم منذ ثلاثة أسابيع."

// TestArabicFilerAllTheWay: an Arabic filing gets an Arabic receipt and an
// Arabic answer notice over SMTP; staff see the language by name, the
// filer's text marked lang="ar" dir="rtl", an Arabic letter template, and
// can mark that an interpreter is needed, which the work list shows; the
// Swedish answer on the Arabic follow-up page keeps its own direction.
func TestArabicFilerAllTheWay(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		e, smtp := startWithSMTP(t, db)
		filer := e.client()
		filer.post("/language", url.Values{"lang": {"ar"}})
		link := e.fileComplaint(filer, map[string]string{"email": "ar@example.se", "whatHappened": arabicText})

		receipt := mailsTo(t, smtp, "ar@example.se", 1)[0]
		if !strings.HasPrefix(receipt.Subject, "استلمنا رسالتك") || !strings.Contains(receipt.Body, publicURL+"/f/") {
			t.Fatalf("receipt in Arabic? %q\n%s", receipt.Subject, receipt.Body)
		}

		var caseID int64
		_ = e.db.QueryRow(context.Background(), "SELECT id FROM complaints").Scan(&caseID)
		p := e.login(principalA)
		r := p.get("/cases/" + itoa(caseID))
		for _, want := range []string{
			"Avsändarens språk: arabiska",
			`<div class="body" lang="ar" dir="rtl">` + arabicText,
			"مرحبًا",                     // the letter template in Arabic
			`lang="ar" dir="rtl">مرحبًا`, // and marked so
			"Mallen är på avsändarens språk (arabiska).",
		} {
			if !strings.Contains(r.body, want) {
				t.Errorf("case page lacks %q", want)
			}
		}
		if strings.Contains(r.body, "Tack för ditt meddelande") {
			t.Error("case page offers a Swedish letter to an Arabic filer")
		}

		// The interpreter mark shows on the case and in the work list.
		if r := p.act("/cases/"+itoa(caseID), url.Values{"action": {"interpreter"}, "interpreter": {"on"}}); r.status != http.StatusSeeOther {
			t.Fatalf("interpreter: %d\n%s", r.status, r.body)
		}
		if r := p.get("/cases/" + itoa(caseID)); !strings.Contains(r.body, `<strong class="tag tag-interpreter">Tolk eller översättning behövs</strong>`) {
			t.Error("case page does not show the interpreter mark")
		}
		if r := p.get("/cases"); !strings.Contains(r.body, "Tolk (arabiska)") {
			t.Error("work list does not show the interpreter mark")
		}

		// A Swedish message reaches the filer as an Arabic notice, and
		// keeps its own direction on the Arabic page.
		if r := p.postMultipart("/cases/"+itoa(caseID)+"/message", map[string]string{"body": "Hej! Vi ringer dig i morgon."}); r.status != http.StatusSeeOther {
			t.Fatalf("message: %d", r.status)
		}
		notice := mailsTo(t, smtp, "ar@example.se", 2)[1]
		if !strings.HasPrefix(notice.Subject, "رسالة جديدة في القضية") || notice.To[0] != "ar@example.se" {
			t.Errorf("notice in Arabic? %q to %v", notice.Subject, notice.To)
		}
		page := filer.get(link)
		if !strings.Contains(page.body, `<html lang="ar" dir="rtl"`) || !strings.Contains(page.body, `dir="auto">Hej! Vi ringer dig i morgon.</div>`) {
			t.Errorf("follow-up page does not mark the Swedish text's direction:\n%s", page.body)
		}
		if !strings.Contains(page.body, `href="/f/lost"`) {
			t.Error("follow-up page does not lead to link recovery")
		}
		// The filer's reply is marked as Arabic on the Swedish case page.
		if r := filer.postMultipart(link+"/reply", map[string]string{"body": "شكرًا"}); r.status != http.StatusSeeOther {
			t.Fatalf("reply: %d", r.status)
		}
		if r := p.get("/cases/" + itoa(caseID)); !strings.Contains(r.body, `lang="ar" dir="rtl">شكرًا</div>`) {
			t.Errorf("the filer's reply is not marked as Arabic on the case page:\n%s", r.body)
		}
	})
}

// TestEasySwedishFilerAllTheWay: a filer who comes through the
// easy-to-read page gets the receipt and every notice in easy-to-read
// Swedish; staff see the language by name and get the easy letter
// template; a filer who did not gets the plain Swedish texts.
func TestEasySwedishFilerAllTheWay(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		e, smtp := startWithSMTP(t, db)
		filer := e.client()
		easy := filer.get("/complaints/easy")
		if !strings.Contains(easy.body, `href="/complaints/new?easy=1"`) {
			t.Fatal("the easy-to-read page does not lead to the form as an easy-to-read filer")
		}
		if form := filer.get("/complaints/new?easy=1"); !strings.Contains(form.body, `<input type="hidden" name="easy" value="1">`) {
			t.Fatal("the form does not carry the easy-to-read choice")
		}
		e.fileComplaint(filer, map[string]string{"email": "latt@example.se", "easy": "1"})
		e.fileComplaint(e.client(), map[string]string{"email": "vanlig@example.se"})

		receipt := mailsTo(t, smtp, "latt@example.se", 1)[0]
		if !strings.HasPrefix(receipt.Subject, "Vi har fått ditt meddelande") || !strings.Contains(receipt.Body, "Länken är bara för dig.") {
			t.Errorf("receipt not in easy-to-read Swedish: %q\n%s", receipt.Subject, receipt.Body)
		}
		plain := mailsTo(t, smtp, "vanlig@example.se", 1)[0]
		if !strings.HasPrefix(plain.Subject, "Vi har tagit emot ditt meddelande") {
			t.Errorf("plain receipt: %q", plain.Subject)
		}

		var caseID int64
		_ = e.db.QueryRow(context.Background(), "SELECT id FROM complaints WHERE filer_email = 'latt@example.se'").Scan(&caseID)
		p := e.login(principalA)
		r := p.get("/cases/" + itoa(caseID))
		for _, want := range []string{"Avsändarens språk: lätt svenska", "Skriv här med korta meningar", `lang="sv-x-easy" dir="ltr"`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("case page lacks %q", want)
			}
		}
		if r := p.postMultipart("/cases/"+itoa(caseID)+"/message", map[string]string{"body": "Vi ringer dig i morgon."}); r.status != http.StatusSeeOther {
			t.Fatalf("message: %d", r.status)
		}
		notice := mailsTo(t, smtp, "latt@example.se", 2)[1]
		if !strings.HasPrefix(notice.Subject, "Du har fått ett meddelande") || !strings.Contains(notice.Body, "Vi ringer dig i morgon.") {
			t.Errorf("notice not in easy-to-read Swedish: %q\n%s", notice.Subject, notice.Body)
		}
	})
}

// TestLostLink: the recovery page mails a working link in the filer's
// language, answers an unknown address the same, and stops mailing after
// three requests for an address in an hour.
func TestLostLink(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		e, smtp := startWithSMTP(t, db)
		filer := e.client()
		filer.post("/language", url.Values{"lang": {"ar"}})
		e.fileComplaint(filer, map[string]string{"email": "ar@example.se"})
		mailsTo(t, smtp, "ar@example.se", 1)

		if r := e.client().get("/"); !strings.Contains(r.body, `href="/f/lost"`) {
			t.Error("the start page does not lead to link recovery")
		}
		c := e.client()
		c.post("/language", url.Values{"lang": {"ar"}})
		if r := c.get("/f/lost"); r.status != http.StatusOK || !strings.Contains(r.body, "هل فقدت الرابط؟") {
			t.Fatalf("lost page: %d", r.status)
		}
		known := c.post("/f/lost", url.Values{"email": {" AR@example.se "}})
		unknown := c.post("/f/lost", url.Values{"email": {"ingen@example.se"}})
		if known.status != http.StatusOK || known.body != unknown.body {
			t.Fatalf("the answer reveals whether an address is known: %d", known.status)
		}
		m := mailsTo(t, smtp, "ar@example.se", 2)[1]
		if m.To[0] != "ar@example.se" || !strings.HasPrefix(m.Subject, "رابط جديد لقضيتك") {
			t.Fatalf("recovery mail %q to %v", m.Subject, m.To)
		}
		l := regexp.MustCompile(regexp.QuoteMeta(publicURL) + `(/f/[A-Za-z0-9_-]+)`).FindStringSubmatch(m.Body)
		if l == nil {
			t.Fatalf("no link in:\n%s", m.Body)
		}
		if r := e.client().get(l[1]); r.status != http.StatusOK || !strings.Contains(r.body, "BUN 2026/") {
			t.Fatalf("the mailed link: %d", r.status)
		}
		// Throttled: three mails per address an hour, the same answer after.
		for range 3 {
			if r := c.post("/f/lost", url.Values{"email": {"ar@example.se"}}); r.body != known.body {
				t.Fatal("a throttled request answers differently")
			}
		}
		time.Sleep(2 * time.Second) // let the sender pick up anything queued
		if n := e.count("SELECT COUNT(*) FROM outbox WHERE to_addr = 'ar@example.se'"); n != 1+3 {
			t.Errorf("%d mails to the filer, want the receipt and 3 links", n)
		}
	})
}

// TestPublicPagesCarryTheOrganizer: the public pages name the organizer
// with its logo, contact details and privacy notice instead of "Styrkedjan", and the easy-to-read
// page says that a reply by mail needs an e-mail address, not a name.
func TestPublicPagesCarryTheOrganizer(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.client()
		for _, lang := range []string{"sv", "ar"} {
			c.post("/language", url.Values{"lang": {lang}})
			for _, path := range []string{"/", "/complaints/new", "/complaints/easy", "/f/lost"} {
				r := c.get(path)
				if !strings.Contains(r.body, "– Exempelby kommun</title>") || !regexp.MustCompile(`<a class="brand" href="/"><img src="/organizer/logo\?v=\d+" alt="" height="36">Exempelby kommun</a>`).MatchString(r.body) ||
					!strings.Contains(r.body, `href="mailto:barn.utbildning@exempelby.example"`) || !strings.Contains(r.body, `href="tel:0999120000"`) ||
					!strings.Contains(r.body, `<a href="https://exempelby.example/dataskydd">`) {
					t.Errorf("%s %s does not carry the organizer's name, logo, contact details and privacy notice", lang, path)
				}
			}
		}
		if r := c.get("/organizer/logo"); r.status != http.StatusOK || r.header.Get("Content-Type") != "image/png" || !strings.HasPrefix(r.body, "\x89PNG") {
			t.Errorf("logo: %d %s", r.status, r.header.Get("Content-Type"))
		}
		c.post("/language", url.Values{"lang": {"sv"}})
		if form := c.get("/complaints/new").body; !strings.Contains(form, "Så behandlar Exempelby kommun personuppgifter") {
			t.Error("the form's personal data section does not link the organizer's privacy notice")
		}
		easy := c.get("/complaints/easy").body
		if !strings.Contains(easy, "Skriv då din e-postadress.") || strings.Contains(easy, "Men då kan vi inte skicka svaret till dig.") {
			t.Error("the easy-to-read page does not say that a reply needs an e-mail address")
		}
	})
}

// TestOrganizerLogoAndContact: the admin sets the public contact details
// and uploads a logo; a wrong address, a file that is not an image and a
// logo too large are refused with the field named, and nothing changes;
// the logo can be removed.
func TestOrganizerLogoAndContact(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a := e.login(admin)
		fields := map[string]string{"name": "Exempelby kommun", "type": "kommunal", "reg_prefix": "BUN",
			"email": "barn.utbildning@exempelby.example", "phone": "0999-12 00 00", "website": "https://exempelby.example/",
			"privacy_url": "https://exempelby.example/dataskydd"}
		bad := map[string]string{}
		maps.Copy(bad, fields)
		bad["privacy_url"] = "javascript:alert(1)"
		if r := a.postMultipart("/admin/organizer", bad); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Skriv en hel webbadress") {
			t.Errorf("a javascript: address: %d", r.status)
		}
		if r := a.postMultipart("/admin/organizer", fields, [3]string{"logo", "logo.png", "<svg onload=alert(1)>"}); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, "PNG, JPEG eller WebP") {
			t.Errorf("an SVG logo: %d", r.status)
		}
		big := string(demo.Logo()) + strings.Repeat("x", org.MaxLogoBytes)
		if r := a.postMultipart("/admin/organizer", fields, [3]string{"logo", "logo.png", big}); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, "högst 256 kB") {
			t.Errorf("a logo too large: %d", r.status)
		}
		if r := e.client().get("/organizer/logo"); r.body != string(demo.Logo()) {
			t.Error("a refused logo replaced the logo")
		}
		fields["phone"] = "08-123 456 78"
		fields["logo_remove"] = "on"
		if r := a.postMultipart("/admin/organizer", fields); r.status != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", r.status, r.body)
		}
		if r := e.client().get("/organizer/logo"); r.status != http.StatusNotFound {
			t.Errorf("removed logo: %d", r.status)
		}
		home := e.client().get("/").body
		if !strings.Contains(home, `href="tel:0812345678"`) || strings.Contains(home, "/organizer/logo") {
			t.Error("the public page does not show the new details")
		}
	})
}
