package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/web"
)

// postMultipart sends a multipart form with optional files (field, name, content).
func (c *client) postMultipart(path string, fields map[string]string, files ...[3]string) response {
	c.e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	for _, f := range files {
		w, _ := mw.CreateFormFile(f[0], f[1])
		_, _ = w.Write([]byte(f[2]))
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func (c *client) postJSON(path string, body any, header ...string) response {
	c.e.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return c.do(req)
}

var pdf = "%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF"

// fileComplaint files through the public form and returns the follow-up path.
func (e *env) fileComplaint(c *client, fields map[string]string, files ...[3]string) string {
	e.t.Helper()
	form := c.get("/complaints/new")
	key := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(form.body)
	if key == nil {
		e.t.Fatal("no submission key in the form")
	}
	all := map[string]string{"filerRole": "guardian", "unit": itoa(e.unitID(unitA)), "kind": "complaint",
		"category": "teaching", "whatHappened": "Läraren kom inte på tre veckor.", "key": key[1]}
	for k, v := range fields {
		all[k] = v
	}
	r := c.postMultipart("/complaints", all, files...)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/f/") {
		e.t.Fatalf("submit: %d %s\n%s", r.status, r.header.Get("Location"), r.body)
	}
	return strings.TrimSuffix(r.header.Get("Location"), "?new=1")
}

func TestFileAComplaintAndFollowIt(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		guardian := e.client()
		if r := guardian.get("/"); !strings.Contains(r.body, `href="/complaints/new"`) {
			t.Fatal("the start page does not link to the complaint form")
		}
		form := guardian.get("/complaints/new")
		for _, want := range []string{"Så här går det till", "inom 2 arbetsdagar", "inom 10 arbetsdagar", "lätt svenska", "Du kan vara anonym", "Dina personuppgifter"} {
			if !strings.Contains(form.body, want) {
				t.Errorf("form lacks %q", want)
			}
		}
		link := e.fileComplaint(guardian, map[string]string{"email": "vh@example.se"}, [3]string{"attachments", "intyg.pdf", pdf})
		r := guardian.get(link + "?new=1")
		for _, want := range []string{"BUN 2026/", "Tack!", "Rektor för Ekbacka skola", "Registrerat", "intyg.pdf"} {
			if !strings.Contains(r.body, want) {
				t.Errorf("receipt lacks %q", want)
			}
		}
		if r.header.Get("Cache-Control") != "no-store" {
			t.Error("follow-up page may be cached")
		}
		// A receipt mail with the link was queued with the case.
		var body string
		if err := e.db.QueryRow(context.Background(), "SELECT body_text FROM outbox WHERE to_addr = 'vh@example.se'").Scan(&body); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(body, "/f/") || !strings.Contains(body, "BUN 2026/") {
			t.Errorf("receipt mail:\n%s", body)
		}
		// The filer downloads their attachment and replies.
		file := regexp.MustCompile(`href="(/f/[^"]+/files/\d+)"`).FindStringSubmatch(r.body)
		if file == nil {
			t.Fatal("no attachment link")
		}
		if f := guardian.get(file[1]); f.status != 200 || f.body != pdf || f.header.Get("Content-Type") != "application/pdf" ||
			!strings.HasPrefix(f.header.Get("Content-Disposition"), "attachment") {
			t.Errorf("attachment download: %d %s", f.status, f.header.Get("Content-Disposition"))
		}
		if rr := guardian.postMultipart(link+"/reply", map[string]string{"body": "Det har hänt igen."}); rr.status != http.StatusSeeOther {
			t.Fatalf("reply: %d", rr.status)
		}
		if r := guardian.get(link); !strings.Contains(r.body, "Det har hänt igen.") {
			t.Error("reply not shown")
		}
		// The principal of unit A handles it; the answer reaches the filer.
		p := e.login(principalA)
		var caseID int64
		_ = e.db.QueryRow(context.Background(), "SELECT id FROM complaints").Scan(&caseID)
		if r := p.get("/cases"); !strings.Contains(r.body, "BUN 2026/") {
			t.Fatal("case not on the principal's work list")
		}
		if r := p.act("/cases/"+itoa(caseID), url.Values{"action": {"note"}, "body": {"Intern: ringt mentorn."}}); r.status != http.StatusSeeOther {
			t.Fatalf("note: %d", r.status)
		}
		if r := p.postMultipart("/cases/"+itoa(caseID)+"/answered", map[string]string{"body": "Vi har ordnat en vikarie."}); r.status != http.StatusSeeOther {
			t.Fatalf("answer: %d\n%s", r.status, r.body)
		}
		r = guardian.get(link)
		if !strings.Contains(r.body, "Vi har ordnat en vikarie.") || !strings.Contains(r.body, "Besvarat") {
			t.Error("answer not shown to the filer")
		}
		if strings.Contains(r.body, "ringt mentorn") {
			t.Fatal("internal note shown to the filer")
		}
		// Closing without an outcome names the field on the case page.
		r = p.act("/cases/"+itoa(caseID), url.Values{"action": {"closed"}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `href="#f-closed.outcome"`) {
			t.Errorf("close without outcome: %d", r.status)
		}
		if r := guardian.get("/f/not-a-real-token"); r.status != http.StatusNotFound {
			t.Errorf("unknown link: %d", r.status)
		}
	})
}

func TestComplaintFormExplainsErrorsAndKeepsInput(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.client()
		r := c.postMultipart("/complaints", map[string]string{"desiredOutcome": "Att någon lyssnar", "email": "fel", "unit": "999999"},
			[3]string{"attachments", "virus.pdf", "MZ\x90\x00 not a pdf"})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("invalid submit: %d", r.status)
		}
		for _, want := range []string{"Att någon lyssnar", `value="fel"`, "Skriv en e-postadress", "Fyll i fältet.", "går inte att bifoga", `href="#f-whatHappened"`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("response lacks %q", want)
			}
		}
		if n := e.count("SELECT COUNT(*) FROM complaints"); n != 0 {
			t.Fatal("an invalid submission was registered")
		}
	})
}

func TestIntakeAPI(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		e := start(t, db, web.Options{IntakePerMinute: 4, PublicURL: "https://exempelby.example"})
		c := e.client()
		var units struct {
			Items []struct {
				ID   int64  `json:"id"`
				Code string `json:"unitCode"`
			} `json:"items"`
		}
		c.get("/api/v1/units").json(t, &units)
		if len(units.Items) != 20 {
			t.Fatalf("public unit list: %d units", len(units.Items))
		}
		var cats struct {
			Items []struct{ Code string } `json:"items"`
		}
		c.get("/api/v1/complaint-categories").json(t, &cats)
		if len(cats.Items) != 11 {
			t.Fatalf("categories: %d", len(cats.Items))
		}
		body := map[string]any{"filerRole": "guardian", "unit": units.Items[0].ID, "kind": "complaint", "category": "meals",
			"whatHappened": "Ingen vegetarisk mat.", "language": "en", "email": "parent@example.se",
			"attachments": []map[string]string{{"filename": "menu.pdf", "content": "JVBERi0xLjQK"}}}
		r := c.postJSON("/api/v1/complaints", body, "Idempotency-Key", "eservice-42")
		var rec struct {
			ID          int64  `json:"id"`
			Reference   string `json:"reference"`
			FollowUpURL string `json:"followUpUrl"`
		}
		r.json(t, &rec)
		if r.status != http.StatusCreated || rec.Reference != "BUN 2026/00001" || !strings.HasPrefix(rec.FollowUpURL, "https://exempelby.example/f/") {
			t.Fatalf("submit: %d %+v", r.status, rec)
		}
		// The same key again: the same case, 200.
		r = c.postJSON("/api/v1/complaints", body, "Idempotency-Key", "eservice-42")
		var again struct{ ID int64 }
		r.json(t, &again)
		if r.status != http.StatusOK || again.ID != rec.ID {
			t.Errorf("repeat: %d %d", r.status, again.ID)
		}
		// Validation: 422 naming each field.
		r = c.postJSON("/api/v1/complaints", map[string]any{"filerRole": "alien", "unit": "nowhere", "kind": "complaint"})
		var problem struct {
			Status int `json:"status"`
			Errors []struct{ Field, Detail string }
		}
		r.json(t, &problem)
		fields := map[string]bool{}
		for _, f := range problem.Errors {
			fields[f.Field] = f.Detail != ""
		}
		if r.status != http.StatusUnprocessableEntity || !fields["filerRole"] || !fields["unit"] || !fields["category"] || !fields["whatHappened"] {
			t.Errorf("invalid: %d %+v", r.status, problem)
		}
		if r := c.postJSON("/api/v1/complaints", map[string]any{"unexpected": true}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("unknown field: %d", r.status)
		}
		// Four requests a minute from one address: the fifth is throttled.
		if r := c.postJSON("/api/v1/complaints", body); r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
			t.Errorf("rate limit: %d", r.status)
		}
		// Staff read it through the API within their scope.
		officerClient := e.login(officer)
		var list struct {
			Total int `json:"total"`
		}
		officerClient.get("/api/v1/cases").json(t, &list)
		if list.Total != 1 {
			t.Errorf("officer's cases: %d", list.Total)
		}
		if r := e.login(boardEmail).get("/api/v1/cases/" + itoa(rec.ID)); r.status != http.StatusForbidden {
			t.Errorf("board member reading a case: %d", r.status)
		}
	})
}

func TestCaseScopingThroughPagesAndAPI(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		link := e.fileComplaint(e.client(), map[string]string{"unit": itoa(e.unitID(unitB)), "whatHappened": "Björkdalen-ärendet"})
		_ = link
		var id int64
		_ = e.db.QueryRow(context.Background(), "SELECT id FROM complaints").Scan(&id)
		a := e.login(principalA)
		for _, path := range []string{"/cases/" + itoa(id), "/api/v1/cases/" + itoa(id)} {
			if r := a.get(path); r.status != http.StatusNotFound {
				t.Errorf("principal A GET %s: %d", path, r.status)
			}
		}
		if r := a.act("/cases/"+itoa(id), url.Values{"action": {"note"}, "body": {"x"}}); r.status != http.StatusNotFound {
			t.Errorf("principal A acting on B's case: %d", r.status)
		}
		if r := a.get("/cases?status=all"); strings.Contains(r.body, "Björkdalen") || strings.Contains(r.body, "BUN 2026/00001") {
			t.Error("principal A's work list shows B's case")
		}
		if r := e.login(principalB).get("/cases/" + itoa(id)); r.status != http.StatusOK || !strings.Contains(r.body, "Björkdalen-ärendet") {
			t.Errorf("principal B: %d", r.status)
		}
		for _, who := range []string{boardEmail, analyst, admin} {
			if r := e.login(who).get("/cases/" + itoa(id)); r.status != http.StatusForbidden {
				t.Errorf("%s GET case: %d, want 403", who, r.status)
			}
		}
	})
}

func TestStaffRegisterAComplaintReceivedByPhone(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.login(officer)
		form := c.get("/cases/new")
		key := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(form.body)
		if form.status != http.StatusOK || key == nil || !strings.Contains(form.body, `action="/cases/new"`) {
			t.Fatalf("staff form: %d", form.status)
		}
		r := c.postMultipart("/cases/new", map[string]string{"filerRole": "guardian", "unit": itoa(e.unitID(unitA)), "kind": "complaint",
			"category": "teaching", "whatHappened": "Ringde om läxorna.", "language": "so", "key": key[1]})
		if r.status != http.StatusOK || !strings.Contains(r.body, "/f/") || !strings.Contains(r.body, "BUN 2026/00001") {
			t.Fatalf("register: %d\n%s", r.status, r.body)
		}
		var channel, lang, actor string
		err := e.db.QueryRow(context.Background(), `SELECT c.channel, c.language, ev.actor FROM complaints c
			JOIN complaint_events ev ON ev.complaint_id = c.id`).Scan(&channel, &lang, &actor)
		if err != nil || channel != "staff" || lang != "so" || actor != "Oskar Handläggare" {
			t.Errorf("registered case: %q %q %q %v", channel, lang, actor, err)
		}
		// Routed like any other: the unit's principal has it.
		if r := e.login(principalA).get("/cases"); !strings.Contains(r.body, "BUN 2026/00001") {
			t.Error("not on the principal's work list")
		}
		if r := e.login(boardEmail).get("/cases/new"); r.status != http.StatusForbidden {
			t.Errorf("board member: %d", r.status)
		}
	})
}
