package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/export"
	"github.com/styrkedjan/styrkedjan/internal/pdftest"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/demo"
)

// Principals' meetings: the agenda's figures, who may see and change
// what, and that no personal data reaches the agenda or its PDF.

// as returns a context acting as the demo person with this email.
func (e *env) as(email string) context.Context {
	e.t.Helper()
	p, err := auth.LoadPrincipal(context.Background(), e.db, e.personID(email))
	if err != nil {
		e.t.Fatal(err)
	}
	return auth.WithPrincipal(context.Background(), p)
}

// submitAt files a case as if at the given time and returns its id.
func (e *env) submitAt(s complaint.Submission, at time.Time) int64 {
	e.t.Helper()
	if len(s.FilerRole) == 0 {
		s.FilerRole = complaint.Guardian
	}
	if s.Kind == "" {
		s.Kind = complaint.KindComplaint
	}
	if s.Category == "" {
		s.Category = "teaching"
	}
	if s.UnitScope == "" {
		s.UnitScope = complaint.ScopeUnit
	}
	s.Language, s.Channel = "sv", "web"
	r, err := complaint.Submit(context.Background(), e.db, s, at, nil)
	if err != nil {
		e.t.Fatalf("submit: %v", err)
	}
	return r.ID
}

// actAt applies an action to a case as the complaint officer, at a time.
func (e *env) actAt(id int64, a complaint.Action, at time.Time) {
	e.t.Helper()
	if err := complaint.Act(e.as(officer), e.db, id, a, at, nil); err != nil {
		e.t.Fatalf("act %s on %d: %v", a.Kind, id, err)
	}
}

func daysAgo(n int) time.Time { return time.Now().Add(-time.Duration(n) * 24 * time.Hour) }

// createMeeting creates a meeting through the form and returns its id.
func (c *client) createMeeting(form url.Values) int64 {
	c.e.t.Helper()
	r := c.post("/meetings", form)
	m := regexp.MustCompile(`^/meetings/(\d+)$`).FindStringSubmatch(r.header.Get("Location"))
	if r.status != http.StatusSeeOther || m == nil {
		c.e.t.Fatalf("create meeting: %d %s\n%s", r.status, r.header.Get("Location"), r.body)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// meetingForm is the new meeting's form as the list page proposes it.
func (c *client) meetingForm() url.Values {
	c.e.t.Helper()
	r := c.get("/meetings")
	if r.status != http.StatusOK {
		c.e.t.Fatalf("GET /meetings: %d", r.status)
	}
	form := url.Values{}
	for _, name := range []string{"title", "held_on", "period_from", "period_to"} {
		m := regexp.MustCompile(`name="` + name + `" type="[a-z]+" value="([^"]*)"`).FindStringSubmatch(r.body)
		if m == nil {
			c.e.t.Fatalf("the new meeting's form has no %s", name)
		}
		form.Set(name, m[1])
	}
	for _, m := range regexp.MustCompile(`name="units" value="(\d+)" checked`).FindAllStringSubmatch(r.body, -1) {
		form.Add("units", m[1])
	}
	return form
}

var sectionRow = regexp.MustCompile(`<tr data-section="([a-z0-9-]+)">\s*<th scope="row">.*?</th>\s*` +
	`<td class="num">(\d+)</td><td class="num">(\d+)</td><td class="num">(\d+)</td><td class="num">(\d+)</td>`)

// agendaCounts reads the overview table: section anchor -> new, open, overdue, closed.
func agendaCounts(t *testing.T, body string) map[string][4]int {
	t.Helper()
	out := map[string][4]int{}
	for _, m := range sectionRow.FindAllStringSubmatch(body, -1) {
		var c [4]int
		for i := range c {
			c[i], _ = strconv.Atoi(m[i+2])
		}
		out[m[1]] = c
	}
	if len(out) == 0 {
		t.Fatal("no overview rows on the agenda")
	}
	return out
}

// The names, contacts and free text of the hand-made cases; none may
// reach the agenda.
const (
	secretFiler    = "Zacharias Hemligsson"
	secretEmail    = "zacharias.hemligsson@example.se"
	secretText     = "Olle i 3B blev knuffad av Kalle Karlsson vid gungorna."
	secretOutcome  = "Jag vill att Kalle byter klass."
	secretSummaryB = "Sammanfattning med sekretess som inte får synas."
	principalNote  = "Sammanfattning om rektorn som inte får synas."
)

func TestMeetingAgenda(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		// Volume: fictional cases over two years in every unit.
		if err := demo.GenerateCases(ctx, e.db, 400, 7); err != nil {
			t.Fatal(err)
		}
		a, b := e.unitID(unitA), e.unitID(unitB)
		filer := complaint.Submission{Name: secretFiler, Email: secretEmail, Phone: "070-1740699",
			WhatHappened: secretText, DesiredOutcome: secretOutcome}
		sub := func(unit int64, mod func(*complaint.Submission)) complaint.Submission {
			s := filer
			s.UnitID = unit
			if mod != nil {
				mod(&s)
			}
			return s
		}
		summary := func(id int64, text string) {
			e.actAt(id, complaint.Action{Kind: complaint.EventSummary, Body: text}, time.Now())
		}
		// A: new and open, with a summary.
		newOpen := e.submitAt(sub(a, nil), daysAgo(3))
		summary(newOpen, "Lektioner i matematik ställs in.")
		// A: in long before the period, never handled: open and overdue.
		overdue := e.submitAt(sub(a, nil), daysAgo(40))
		// A: a comment closed during the period.
		closedIn := e.submitAt(sub(a, func(s *complaint.Submission) { s.Kind = complaint.KindComment }), daysAgo(30))
		e.actAt(closedIn, complaint.Action{Kind: complaint.EventAcknowledged}, daysAgo(29))
		e.actAt(closedIn, complaint.Action{Kind: complaint.EventClosed, Outcome: complaint.NoMeasures}, daysAgo(5))
		// A: closed before the period: not on the agenda.
		closedBefore := e.submitAt(sub(a, nil), daysAgo(60))
		e.actAt(closedBefore, complaint.Action{Kind: complaint.EventClosed, Outcome: complaint.MeasuresTaken}, daysAgo(50))
		// A: about the principal: the organizer's section, no summary.
		aboutPrincipal := e.submitAt(sub(a, func(s *complaint.Submission) { s.ConcernsPrincipal = true }), daysAgo(2))
		summary(aboutPrincipal, principalNote)
		// B: secret, no summary shown.
		secret := e.submitAt(sub(b, nil), daysAgo(4))
		summary(secret, secretSummaryB)
		e.actAt(secret, complaint.Action{Kind: complaint.EventSecret, Secret: true}, time.Now())
		// Unknown unit: the organizer's section, with its summary.
		unknown := e.submitAt(sub(0, func(s *complaint.Submission) { s.UnitScope = complaint.ScopeUnknown }), daysAgo(1))
		summary(unknown, "Synpunkt på skolskjutsen i norra delen.")

		o := e.login(officer)
		form := o.meetingForm()
		today := civil.Today(time.Now())
		if form.Get("held_on") != today || form.Get("period_to") != today ||
			form.Get("period_from") != time.Now().In(civil.Zone).AddDate(0, 0, -13).Format(time.DateOnly) {
			t.Errorf("proposed dates: %v", form)
		}
		if n := len(form["units"]); n != 20 {
			t.Errorf("%d units proposed, want the 20 units with a principal", n)
		}
		id := o.createMeeting(form)
		r := o.get("/meetings/" + itoa(id))
		if r.status != http.StatusOK {
			t.Fatalf("agenda: %d", r.status)
		}
		if l := o.get("/meetings"); !strings.Contains(l.body, `href="/meetings/`+itoa(id)+`"`) {
			t.Error("the meeting is not in the list")
		}

		// The figures equal those counted straight from the cases.
		start, _ := civil.Parse(form.Get("period_from"))
		end, _ := civil.Parse(today)
		end = end.AddDate(0, 0, 1)
		want := func(where string, args ...any) [4]int {
			open := "status IN ('registered', 'acknowledged', 'investigating')"
			conds := []string{
				"submitted_at >= ? AND submitted_at < ?",
				open,
				open + " AND ((kind = 'complaint' AND answer_due < ?) OR (status = 'registered' AND ack_due < ?))",
				"(answered_at IS NOT NULL OR closed_at IS NOT NULL) AND (answered_at IS NULL OR answered_at >= ?) AND (closed_at IS NULL OR closed_at >= ?)",
			}
			condArgs := [][]any{{start.UTC(), end.UTC()}, nil, {today, today}, {start.UTC(), start.UTC()}}
			var c [4]int
			for i, cond := range conds {
				c[i] = e.count("SELECT COUNT(*) FROM complaints WHERE ("+where+") AND "+cond, append(append([]any{}, args...), condArgs[i]...)...)
			}
			return c
		}
		got := agendaCounts(t, r.body)
		if len(got) != 22 {
			t.Errorf("%d overview rows, want 20 units, the organizer and the total", len(got))
		}
		var total [4]int
		for _, code := range []string{unitA, unitB, "92000203", "93000301", "91000104", "94000402"} {
			u := e.unitID(code)
			w := want("unit_id = ? AND NOT concerns_principal", u)
			if got["unit-"+itoa(u)] != w {
				t.Errorf("unit %s: agenda says %v, the cases %v (new, open, overdue, closed)", code, got["unit-"+itoa(u)], w)
			}
		}
		if w := want("unit_scope <> 'unit' OR concerns_principal"); got["organizer"] != w {
			t.Errorf("organizer's section: agenda says %v, the cases %v", got["organizer"], w)
		}
		for k, c := range got {
			if k != "total" {
				for i := range c {
					total[i] += c[i]
				}
			}
		}
		if w := want("1=1"); got["total"] != w || total != w {
			t.Errorf("total: agenda says %v (sections add up to %v), the cases %v", got["total"], total, w)
		}
		// The hand-made cases, as placed.
		ga := got["unit-"+itoa(a)]
		if ga[0] < 1 || ga[1] < 2 || ga[2] < 1 || ga[3] < 1 {
			t.Errorf("Ekbacka: %v; want at least 1 new, 2 open, 1 overdue, 1 closed", ga)
		}
		ref := func(id int64) string {
			var s string
			_ = e.db.QueryRow(ctx, "SELECT reference FROM complaints WHERE id = ?", id).Scan(&s)
			return s
		}
		section := func(body, anchor string) string {
			i := strings.Index(body, `<section id="`+anchor+`"`)
			if i < 0 {
				t.Fatalf("no section %s", anchor)
			}
			j := strings.Index(body[i:], "</section>")
			return body[i : i+j]
		}
		secA, secB, secOrg := section(r.body, "unit-"+itoa(a)), section(r.body, "unit-"+itoa(b)), section(r.body, "organizer")
		for _, c := range []int64{newOpen, overdue, closedIn} {
			if !strings.Contains(secA, `href="/cases/`+itoa(c)+`">`+ref(c)) {
				t.Errorf("case %s is not in Ekbacka's section", ref(c))
			}
		}
		if strings.Contains(r.body, `href="/cases/`+itoa(closedBefore)+`"`) {
			t.Error("a case closed before the period is on the agenda")
		}
		if !strings.Contains(secA, "Lektioner i matematik ställs in.") {
			t.Error("the neutral summary is not shown")
		}
		if strings.Contains(secA, `href="/cases/`+itoa(aboutPrincipal)+`"`) || !strings.Contains(secOrg, `href="/cases/`+itoa(aboutPrincipal)+`"`) {
			t.Error("a case about the principal is not in the organizer's section only")
		}
		if !strings.Contains(secOrg, "Gäller rektor") || !strings.Contains(secOrg, "Visas inte: gäller rektor.") {
			t.Error("the case about the principal is not marked, or its summary not withheld")
		}
		if !strings.Contains(secB, `href="/cases/`+itoa(secret)+`"`) || !strings.Contains(secB, "Visas inte: sekretess.") {
			t.Error("the secret case is not in its unit's section with its summary withheld")
		}
		if !strings.Contains(secOrg, "Synpunkt på skolskjutsen i norra delen.") || !strings.Contains(secOrg, "Okänd enhet") {
			t.Error("the unknown unit's case is not in the organizer's section with its summary")
		}

		// Nothing personal anywhere: not on the page, not to the principal, not in the PDF.
		forbidden := []string{secretFiler, secretEmail, "070-1740699", secretText, secretOutcome, secretSummaryB, principalNote}
		rows, err := e.db.Query(ctx, "SELECT filer_name, filer_email, what_happened, desired_outcome FROM complaints")
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for rows.Next() {
			var vals [4]string
			if err := rows.Scan(&vals[0], &vals[1], &vals[2], &vals[3]); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				if v != "" && !seen[v] {
					seen[v] = true
					forbidden = append(forbidden, v)
				}
			}
		}
		rows.Close()
		p := e.login(principalA)
		pr := p.get("/meetings/" + itoa(id))
		if pr.status != http.StatusOK {
			t.Fatalf("principal's agenda: %d", pr.status)
		}
		if !strings.Contains(pr.body, "Björkdalens skola") || !strings.Contains(pr.body, `href="/cases/`+itoa(secret)+`"`) {
			t.Error("the principal does not see the whole agenda, as at the table")
		}
		pdfRes := o.get("/meetings/" + itoa(id) + "/pdf")
		if pdfRes.status != http.StatusOK || pdfRes.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdfRes.body, "%PDF-") {
			t.Fatalf("PDF: %d %s %.20q", pdfRes.status, pdfRes.header.Get("Content-Type"), pdfRes.body)
		}
		pdftest.Tagged(t, []byte(pdfRes.body), export.Tagged(), "Document", "H1", "H2", "Table", "TR", "TH", "TD")
		pdfText := pdftest.Text(t, []byte(pdfRes.body))
		for who, body := range map[string]string{"agenda": r.body, "principal's agenda": pr.body, "PDF": pdfText} {
			for _, s := range forbidden {
				if strings.Contains(body, s) {
					t.Errorf("%s shows %q", who, s)
				}
			}
		}
		if pdfText != "" {
			flat := strings.Join(strings.Fields(pdfText), " ")
			for _, s := range []string{form.Get("title"), "Ekbacka skola", "Björkdalens skola", "Huvudmannen", ref(newOpen),
				"Lektioner i matematik ställs in.", "Visas inte: sekretess.", "Översikt", "Sida 1 av"} {
				if !strings.Contains(flat, s) {
					t.Errorf("the PDF lacks %q", s)
				}
			}
			if strings.Contains(flat, "meeting.") {
				t.Error("the PDF shows an untranslated message ID")
			}
		}

		// Reads and the export are in the audit log.
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'meeting' AND entity_id = ? AND action = 'read' AND actor = ?", itoa(id), principalA); n == 0 {
			t.Error("the principal's read of the agenda is not audited")
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'meeting' AND entity_id = ? AND action = 'export'", itoa(id)); n != 1 {
			t.Errorf("%d PDF exports audited, want 1", n)
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'meeting' AND action = 'create' AND actor = ?", officer); n != 1 {
			t.Errorf("%d creations audited, want 1", n)
		}
	})
}

func TestMeetingRights(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a, b := e.unitID(unitA), e.unitID(unitB)
		o := e.login(officer)
		form := o.meetingForm()
		form["units"] = []string{itoa(a), itoa(b)}
		id := o.createMeeting(form)
		path := "/meetings/" + itoa(id)

		p := e.login(principalA)
		if r := p.get("/meetings"); r.status != http.StatusOK || !strings.Contains(r.body, `href="`+path+`"`) || strings.Contains(r.body, `action="/meetings"`) {
			t.Errorf("principal's list: %d; lists the meeting: %v; offers the form: %v", r.status,
				strings.Contains(r.body, `href="`+path+`"`), strings.Contains(r.body, `action="/meetings"`))
		}
		if r := p.post("/meetings", form); r.status != http.StatusForbidden {
			t.Errorf("principal creating a meeting: %d, want 403", r.status)
		}
		// Own unit: presented, notes, a follow-up.
		if r := p.act(path, url.Values{"action": {"presented"}, "unit": {itoa(a)}, "presented": {"1"}}); r.status != http.StatusSeeOther {
			t.Fatalf("principal marking own unit: %d\n%s", r.status, r.body)
		}
		if r := p.act(path, url.Values{"action": {"unit_notes"}, "unit": {itoa(a)}, "notes": {"Vi har infört rastvakter."}}); r.status != http.StatusSeeOther {
			t.Errorf("principal's notes for own unit: %d", r.status)
		}
		if r := p.act(path, url.Values{"action": {"followup"}, "followup_text": {"Följ upp rastvakterna."}, "followup_unit": {itoa(a)},
			"followup_owner": {"Rektor Ekbacka"}, "followup_due": {"2026-12-01"}}); r.status != http.StatusSeeOther {
			t.Errorf("principal's follow-up for own unit: %d", r.status)
		}
		r := p.get(path)
		if !strings.Contains(r.body, "Redovisad ") || !strings.Contains(r.body, "Petra Rektorsson") ||
			!strings.Contains(r.body, "Vi har infört rastvakter.") || !strings.Contains(r.body, "Följ upp rastvakterna.") {
			t.Error("the principal's changes are not on the agenda")
		}
		if !strings.Contains(r.body, `<div class="flash" role="status">Uppföljningen är tillagd.</div>`) {
			t.Error("no flash after adding a follow-up")
		}
		// Another unit in the meeting: forbidden; a unit not in it: not found.
		for _, f := range []url.Values{
			{"action": {"presented"}, "unit": {itoa(b)}, "presented": {"1"}},
			{"action": {"unit_notes"}, "unit": {itoa(b)}, "notes": {"x"}},
			{"action": {"notes"}, "notes": {"Protokoll"}},
			{"action": {"followup"}, "followup_text": {"x"}, "followup_unit": {itoa(b)}},
		} {
			if r := p.act(path, f); r.status != http.StatusForbidden {
				t.Errorf("principal A %v: %d, want 403", f, r.status)
			}
		}
		if r := p.act(path, url.Values{"action": {"presented"}, "unit": {itoa(e.unitID("92000203"))}, "presented": {"1"}}); r.status != http.StatusNotFound {
			t.Errorf("principal A marking a unit not in the meeting: %d, want 404", r.status)
		}
		if n := e.count("SELECT COUNT(*) FROM meeting_units WHERE meeting_id = ? AND presented_at IS NOT NULL", id); n != 1 {
			t.Errorf("%d units presented, want 1", n)
		}
		// The officer's follow-up for B; the principal of A may not close it.
		if r := o.act(path, url.Values{"action": {"followup"}, "followup_text": {"Se över skolskjutsen."}, "followup_unit": {itoa(b)}}); r.status != http.StatusSeeOther {
			t.Fatalf("officer's follow-up: %d\n%s", r.status, r.body)
		}
		var fb, fa int64
		_ = e.db.QueryRow(context.Background(), "SELECT id FROM meeting_followups WHERE unit_id = ?", b).Scan(&fb)
		_ = e.db.QueryRow(context.Background(), "SELECT id FROM meeting_followups WHERE unit_id = ?", a).Scan(&fa)
		if r := p.act(path, url.Values{"action": {"followup_done"}, "followup": {itoa(fb)}, "done": {"1"}}); r.status != http.StatusForbidden {
			t.Errorf("principal A closing B's follow-up: %d, want 403", r.status)
		}
		if r := p.act(path, url.Values{"action": {"followup_done"}, "followup": {itoa(fa)}, "done": {"1"}}); r.status != http.StatusSeeOther {
			t.Errorf("principal A closing own follow-up: %d", r.status)
		}
		if r := o.act(path, url.Values{"action": {"notes"}, "notes": {"Nästa möte om två veckor."}}); r.status != http.StatusSeeOther {
			t.Errorf("officer's notes: %d", r.status)
		}
		if r := o.act(path, url.Values{"action": {"presented"}, "unit": {itoa(b)}, "presented": {"1"}}); r.status != http.StatusSeeOther {
			t.Errorf("officer marking B: %d", r.status)
		}
		if r := o.act(path, url.Values{"action": {"presented"}, "unit": {itoa(b)}, "presented": {"0"}}); r.status != http.StatusSeeOther {
			t.Errorf("officer unmarking B: %d", r.status)
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'meeting' AND entity_id = ? AND action = 'update'", itoa(id)); n != 8 {
			t.Errorf("%d changes audited, want 8", n)
		}

		// A principal whose units are not in the meeting does not find it.
		s := e.login("rektor.sjoviken@exempelby.example")
		for _, u := range []string{path, path + "/pdf"} {
			if r := s.get(u); r.status != http.StatusNotFound {
				t.Errorf("principal of Sjöviken GET %s: %d, want 404", u, r.status)
			}
		}
		if r := s.act(path, url.Values{"action": {"presented"}, "unit": {itoa(a)}, "presented": {"1"}}); r.status != http.StatusNotFound {
			t.Errorf("principal of Sjöviken marking: %d, want 404", r.status)
		}
		if r := s.get("/meetings"); r.status != http.StatusOK || strings.Contains(r.body, `href="`+path+`"`) {
			t.Errorf("principal of Sjöviken's list: %d, shows the meeting: %v", r.status, strings.Contains(r.body, `href="`+path+`"`))
		}
		// Roles without meetings.
		for _, who := range []string{analyst, boardEmail, admin, "maltid@exempelby.example"} {
			c := e.login(who)
			for _, u := range []string{"/meetings", path, path + "/pdf"} {
				if r := c.get(u); r.status != http.StatusForbidden {
					t.Errorf("%s GET %s: %d, want 403", who, u, r.status)
				}
			}
			if r := c.act(path, url.Values{"action": {"presented"}, "unit": {itoa(a)}, "presented": {"1"}}); r.status != http.StatusForbidden {
				t.Errorf("%s POST %s: %d, want 403", who, path, r.status)
			}
		}
		if r := e.client().get(path); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
			t.Errorf("anonymous: %d %s", r.status, r.header.Get("Location"))
		}
		if r := o.get("/meetings/999999"); r.status != http.StatusNotFound {
			t.Errorf("unknown meeting: %d", r.status)
		}
	})
}

func TestMeetingFormsExplainErrorsAndKeepInput(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := e.login(officer)
		r := o.post("/meetings", url.Values{"title": {""}, "held_on": {"2026-02-30"}, "period_from": {"2026-05-10"},
			"period_to": {"2026-05-01"}})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("invalid meeting: %d", r.status)
		}
		for _, want := range []string{`href="#f-title"`, `href="#f-held_on"`, `href="#f-period_to"`, `href="#f-units"`,
			`value="2026-02-30"`, `value="2026-05-10"`, "Perioden kan inte sluta innan den börjar.", "Välj minst en enhet."} {
			if !strings.Contains(r.body, want) {
				t.Errorf("the form lacks %q", want)
			}
		}
		r = o.post("/meetings", url.Values{"title": {"Långt"}, "held_on": {"2026-05-01"}, "period_from": {"2024-01-01"},
			"period_to": {"2026-05-01"}, "units": {itoa(e.unitID(unitA)), "999999"}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "högst 366 dagar") || !strings.Contains(r.body, `href="#f-units"`) ||
			!strings.Contains(r.body, `value="`+itoa(e.unitID(unitA))+`" checked`) {
			t.Errorf("too long a period and an unknown unit: %d", r.status)
		}
		if n := e.count("SELECT COUNT(*) FROM meetings"); n != 0 {
			t.Fatalf("%d meetings stored from invalid forms", n)
		}

		id := o.createMeeting(o.meetingForm())
		path := "/meetings/" + itoa(id)
		a := itoa(e.unitID(unitA))
		long := strings.Repeat("Anteckning. ", 1000)
		r = o.act(path, url.Values{"action": {"unit_notes"}, "unit": {a}, "notes": {long}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `href="#f-unit`+a+`.notes"`) ||
			strings.Count(r.body, strings.TrimSpace(long)) != 1 || strings.Count(r.body, "<details open>") != 1 {
			t.Errorf("too long unit notes: %d; the text must be kept, in that unit's form only", r.status)
		}
		r = o.act(path, url.Values{"action": {"followup"}, "followup_text": {"Följ upp maten."}, "followup_due": {"nästa vecka"},
			"followup_owner": {"Måltidschefen"}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `href="#f-followup_due"`) ||
			!strings.Contains(r.body, "Följ upp maten.") || !strings.Contains(r.body, `value="Måltidschefen"`) {
			t.Errorf("follow-up with a bad date: %d", r.status)
		}
		r = e.login(principalA).act(path, url.Values{"action": {"followup"}, "followup_text": {"Utan enhet."}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `href="#f-followup_unit"`) {
			t.Errorf("principal's follow-up without a unit: %d", r.status)
		}
		// Each form is its own route: an unknown action has none.
		if r := o.act(path, url.Values{"action": {"nonsense"}}); r.status != http.StatusNotFound {
			t.Errorf("unknown action: %d", r.status)
		}
		if n := e.count("SELECT COUNT(*) FROM meeting_followups"); n != 0 {
			t.Errorf("%d follow-ups stored from invalid forms", n)
		}
	})
}
