package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// caseByText returns the id of the case filed with this text.
func (e *env) caseByText(text string) int64 {
	e.t.Helper()
	return int64(e.count("SELECT id FROM complaints WHERE what_happened = ?", text))
}

// An officer handing a case about a principal to a principal of its unit
// is warned on the page and must confirm; the choice and the reason stay.
func TestAssignCaseAboutPrincipalWarnsOnPage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		text := "Rektorn svarar inte på mina mejl."
		e.fileComplaint(e.client(), map[string]string{"concernsPrincipal": "on", "whatHappened": text})
		id := itoa(e.caseByText(text))
		staff := e.login(officer)
		form := url.Values{"handler": {itoa(e.personID(principalA))}, "body": {"Rektorn får svara själv."}}
		r := staff.post("/cases/"+id+"/assigned", form)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `name="confirm"`) || !strings.Contains(r.body, "jävig") ||
			!strings.Contains(r.body, `value="`+itoa(e.personID(principalA))+`" selected`) || !strings.Contains(r.body, "Rektorn får svara själv.") {
			t.Fatalf("no warning on the page: %d\n%.3000s", r.status, r.body)
		}
		form.Set("confirm", "on")
		if r = staff.post("/cases/"+id+"/assigned", form); r.status != http.StatusSeeOther {
			t.Fatalf("confirmed: %d", r.status)
		}
	})
}

// A secret case shows its in-scope principal, who is not its handler,
// neither the filer's text nor the handler's neutral summary.
func TestSecretCaseSummaryHidden(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		text := "Något som måste hållas hemligt."
		e.fileComplaint(e.client(), map[string]string{"whatHappened": text})
		id := itoa(e.caseByText(text))
		staff := e.login(officer)
		for _, step := range []struct {
			action string
			form   url.Values
		}{
			{"assigned", url.Values{"handler": {itoa(e.personID(officer))}, "body": {"Förvaltningen tar det."}}},
			{"summary", url.Values{"body": {"Oro för kränkning i klass 4B."}}},
			{"secret", url.Values{"secret": {"on"}}},
		} {
			if r := staff.post("/cases/"+id+"/"+step.action, step.form); r.status != http.StatusSeeOther {
				t.Fatalf("%s: %d\n%.2000s", step.action, r.status, r.body)
			}
		}
		page := e.login(principalA).get("/cases/" + id)
		if page.status != http.StatusOK {
			t.Fatalf("principal A: %d", page.status)
		}
		for _, secret := range []string{text, "Oro för kränkning", "Förvaltningen tar det."} {
			if strings.Contains(page.body, secret) {
				t.Errorf("principal A sees %q on a secret case", secret)
			}
		}
		if own := staff.get("/cases/" + id); !strings.Contains(own.body, "Oro för kränkning") {
			t.Error("the handler does not see the summary")
		}
	})
}
