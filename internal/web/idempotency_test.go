package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/auth"
)

// An Idempotency-Key counts only for the client that sent it and for the
// same content. The probe sent a known key with another body and got the
// first case back with a fresh follow-up link, which let it read the
// handler's messages and reply as the filer.
func TestIdempotencyKeyScopedToClientAndContent(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		anon := e.client()
		body := map[string]any{"filerRole": "guardian", "unit": e.unitID(unitA), "kind": "complaint", "category": "meals",
			"whatHappened": "Ingen vegetarisk mat.", "email": "parent@example.se"}
		var first struct {
			ID          int64
			Reference   string
			FollowUpURL string `json:"followUpUrl"`
		}
		r := anon.postJSON("/api/v1/complaints", body, "Idempotency-Key", "eservice-42")
		r.json(t, &first)
		if r.status != http.StatusCreated || first.FollowUpURL == "" {
			t.Fatalf("first submit: %d %s", r.status, r.body)
		}
		links := func() int {
			return e.count("SELECT COUNT(*) FROM complaint_links WHERE complaint_id = ?", first.ID)
		}
		// The same request again: the same case, and no new link.
		r = anon.postJSON("/api/v1/complaints", body, "Idempotency-Key", "eservice-42")
		var again map[string]any
		r.json(t, &again)
		if r.status != http.StatusOK || int64(again["id"].(float64)) != first.ID {
			t.Fatalf("repeat: %d %s", r.status, r.body)
		}
		if _, ok := again["followUpUrl"]; ok || links() != 1 {
			t.Errorf("a repeat handed out a link: %s (%d links)", r.body, links())
		}
		// The key with another body: 422, and nothing of the first case.
		other := map[string]any{}
		for k, v := range body {
			other[k] = v
		}
		other["whatHappened"] = "Något helt annat."
		r = anon.postJSON("/api/v1/complaints", other, "Idempotency-Key", "eservice-42")
		if r.status != http.StatusUnprocessableEntity || strings.Contains(r.body, first.Reference) || strings.Contains(r.body, "/f/") {
			t.Errorf("same key, other body: %d %s", r.status, r.body)
		}
		if links() != 1 {
			t.Errorf("%d links after a refused repeat", links())
		}
		// Another client with the same key: its own case.
		token, err := auth.CreateToken(context.Background(), e.db, e.personID("klagomal@exempelby.example"), "e-service", 0)
		if err != nil {
			t.Fatal(err)
		}
		service := e.client()
		service.token = token
		var theirs struct{ ID int64 }
		r = service.postJSON("/api/v1/complaints", body, "Idempotency-Key", "eservice-42")
		r.json(t, &theirs)
		if r.status != http.StatusCreated || theirs.ID == first.ID {
			t.Errorf("another client's equal key: %d %s", r.status, r.body)
		}
	})
}

// The public form sent twice (a double click, a reload) registers one case
// and says so with its reference, without showing its link again.
func TestFormSentTwice(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		guardian := e.client()
		form := guardian.get("/complaints/new")
		key := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(form.body)[1]
		fields := map[string]string{"filerRole": "guardian", "unit": itoa(e.unitID(unitA)), "kind": "complaint",
			"category": "teaching", "whatHappened": "Läraren kom inte på tre veckor.", "key": key}
		r := guardian.postMultipart("/complaints", fields)
		if r.status != http.StatusSeeOther {
			t.Fatalf("first: %d", r.status)
		}
		r = guardian.postMultipart("/complaints", fields)
		n := e.count("SELECT COUNT(*) FROM complaints")
		var ref string
		if err := e.db.QueryRow(context.Background(), "SELECT reference FROM complaints").Scan(&ref); err != nil {
			t.Fatal(err)
		}
		if r.status != http.StatusOK || !strings.Contains(r.body, "redan mottaget") || !strings.Contains(r.body, ref) ||
			strings.Contains(r.body, "/f/") || n != 1 {
			t.Errorf("sent twice: %d, %d cases\n%.2000s", r.status, n, r.body)
		}
		// Edited and sent again with the old key: refused with the form
		// kept, and a new key, so sending it once more files a new case.
		fields["whatHappened"] = "Läraren kom inte på fyra veckor."
		r = guardian.postMultipart("/complaints", fields)
		next := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(r.body)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "fyra veckor") || next == nil || next[1] == key {
			t.Fatalf("edited with the old key: %d\n%.2000s", r.status, r.body)
		}
		fields["key"] = next[1]
		if r = guardian.postMultipart("/complaints", fields); r.status != http.StatusSeeOther || e.count("SELECT COUNT(*) FROM complaints") != 2 {
			t.Errorf("with the new key: %d", r.status)
		}
	})
}
