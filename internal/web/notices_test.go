package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestNoticeChoiceOnAccountPage: a principal chooses the morning digest in
// English on /account (a wrong choice is refused with the form kept); a
// case filed through the public form then sends them no immediate mail but
// waits for the digest, while a principal who keeps the default is mailed
// at once. Someone who handles no cases is not offered the choice.
func TestNoticeChoiceOnAccountPage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a := e.login(principalA)
		r := a.get("/account")
		if r.status != http.StatusOK || !strings.Contains(r.body, `action="/account/notices"`) ||
			!strings.Contains(r.body, `value="immediate" checked`) {
			t.Fatalf("account page: %d\n%s", r.status, r.body)
		}
		r = a.post("/account/notices", url.Values{"notices": {"weekly"}, "language": {"en"}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Välj ett av alternativen.") ||
			!strings.Contains(r.body, `value="en" lang="en" checked`) {
			t.Fatalf("a wrong choice: %d\n%s", r.status, r.body)
		}
		if r := a.post("/account/notices", url.Values{"notices": {"digest"}, "language": {"en"}}); r.status != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", r.status, r.body)
		}
		if r := a.get("/account"); !strings.Contains(r.body, "Ditt val av meddelanden är sparat.") ||
			!strings.Contains(r.body, `value="digest" checked`) {
			t.Fatalf("after saving:\n%s", r.body)
		}
		if n := e.count("SELECT COUNT(*) FROM users WHERE email = ? AND notices = 'digest' AND language = 'en'", principalA); n != 1 {
			t.Fatal("the choice was not stored")
		}

		e.fileComplaint(e.client(), map[string]string{"unit": itoa(e.unitID(unitA))})
		e.fileComplaint(e.client(), map[string]string{"unit": itoa(e.unitID(unitB))})
		if n := e.count("SELECT COUNT(*) FROM outbox WHERE to_addr = ?", principalA); n != 0 {
			t.Errorf("the digest subscriber got %d immediate mails", n)
		}
		if n := e.count("SELECT COUNT(*) FROM case_notices n JOIN users u ON u.id = n.user_id WHERE u.email = ? AND NOT n.mailed", principalA); n != 1 {
			t.Errorf("the case waits for %d digests, want 1", n)
		}
		if n := e.count("SELECT COUNT(*) FROM outbox WHERE to_addr = ? AND subject LIKE ?", principalB, "Nytt ärende till dig%"); n != 1 {
			t.Errorf("the principal with immediate notices got %d notices, want 1", n)
		}

		if r := e.login(analyst).get("/account"); r.status != http.StatusOK || strings.Contains(r.body, "/account/notices") {
			t.Errorf("someone who handles no cases is offered notices: %d", r.status)
		}
	})
}
