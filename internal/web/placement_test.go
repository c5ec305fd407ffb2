package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/i18n"
	"github.com/styrkedjan/styrkedjan/internal/placement/round"
)

// demoRound is the demo's placement round.
func (e *env) demoRound() *round.Round {
	e.t.Helper()
	rs, err := round.List(context.Background(), e.db)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, r := range rs {
		if r.Name == demo.PlacementRoundName {
			return r
		}
	}
	e.t.Fatal("no demo placement round")
	return nil
}

// waitRun waits until a placement run is no longer running.
func (e *env) waitRun(roundID, runID int64) *round.Run {
	e.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		run, err := round.GetRun(context.Background(), e.db, roundID, runID)
		if err != nil {
			e.t.Fatal(err)
		}
		if !run.Running() {
			return run
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("run %d still running", runID)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var runPathRE = regexp.MustCompile(`^/placement/rounds/(\d+)/runs/(\d+)$`)

func runIDs(t *testing.T, r response) (int64, int64) {
	t.Helper()
	if r.status != http.StatusSeeOther {
		t.Fatalf("status %d, want 303\n%s", r.status, r.body)
	}
	m := runPathRE.FindStringSubmatch(r.header.Get("Location"))
	if m == nil {
		t.Fatalf("redirect to %q", r.header.Get("Location"))
	}
	a, _ := strconv.ParseInt(m[1], 10, 64)
	b, _ := strconv.ParseInt(m[2], 10, 64)
	return a, b
}

func TestPlacementOnlyForPlacementOfficers(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		rd := e.demoRound()
		pages := []string{"/placement", "/placement/rounds/new", fmt.Sprintf("/placement/rounds/%d", rd.ID),
			fmt.Sprintf("/placement/rounds/%d/decisions", rd.ID), fmt.Sprintf("/placement/rounds/%d/decisions/A0001", rd.ID),
			"/api/v1/placement/rounds", fmt.Sprintf("/api/v1/placement/rounds/%d", rd.ID)}
		off := e.login(officer)
		for _, p := range pages {
			r := off.get(p)
			if r.status != http.StatusOK {
				t.Errorf("officer %s: %d", p, r.status)
			}
			if m := regexp.MustCompile(`placementweb\.[a-z_.]+`).FindString(r.body); m != "" {
				t.Errorf("%s shows the message ID %s", p, m)
			}
		}
		if r := off.get(pages[2]); !strings.Contains(r.body, "Fick sitt förstahandsval") {
			t.Error("the round page has no summary")
		}
		for _, who := range []string{principalA, boardEmail, analyst, admin} {
			c := e.login(who)
			for _, p := range pages {
				if r := c.get(p); r.status != http.StatusForbidden {
					t.Errorf("%s %s: %d, want 403", who, p, r.status)
				}
			}
			if r := c.post(fmt.Sprintf("/placement/rounds/%d/publish", rd.ID), nil); r.status != http.StatusForbidden {
				t.Errorf("%s publishes: %d", who, r.status)
			}
		}
		if r := e.client().get("/placement"); r.status != http.StatusSeeOther {
			t.Errorf("anonymous /placement: %d", r.status)
		}
		if r := e.client().get("/api/v1/placement/rounds"); r.status != http.StatusUnauthorized {
			t.Errorf("anonymous API: %d", r.status)
		}
		// The officer's nav has the entry; a principal's does not.
		if !strings.Contains(off.get("/").body, `href="/placement"`) || strings.Contains(e.login(principalA).get("/").body, `href="/placement"`) {
			t.Error("nav entry shown to the wrong people")
		}
		// Reading one decision is audited.
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'placement_decision' AND entity_id = ?", fmt.Sprintf("%d/A0001", rd.ID)); n != 1 {
			t.Errorf("%d audit entries for reading A0001, want 1", n)
		}
	})
}

func TestPlacementInputErrorsKeepTheText(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		rd := e.demoRound()
		c := e.login(officer)
		apps := "applicant_id,year,lat,lon,choices,siblings\nX1,0,59.37,16.51,92000207;99999999,\nX2,0,59.37,16.51,92000207,\nX2,0,north,16.51,92000207,\n"
		rules := "criteria = [\"relative_proximity\", \"lotery\"]\nseed = 7\n"
		r := c.postMultipart("/placement/rounds", map[string]string{"name": "Prov <HT 2028>", "years": "0", "rules": rules,
			"network": strconv.FormatInt(rd.NetworkID, 10), "schools_source": "units", "applicants": apps})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422\n%s", r.status, r.body)
		}
		// In Swedish (the default), each problem with its file and line.
		for _, want := range []string{"applicants.csv, rad 2, tecken 18: choices: okänt skol-id &#34;99999999&#34;",
			"applicants.csv, rad 4, tecken 1: applicant_id: eleven &#34;X2&#34; finns redan (första gången på rad 3)",
			"applicants.csv, rad 4, tecken 6: lat: &#34;north&#34; är inte ett tal", "rules.toml, rad 1: criteria: okänt kriterium &#34;lotery&#34;",
			html.EscapeString(apps), html.EscapeString("Prov <HT 2028>"), html.EscapeString(rules), `class="error-summary"`, `aria-invalid="true"`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		for _, english := range []string{"applicants.csv:2", "unknown school id", "duplicate applicant", "is not a number", "unknown criterion", "placement.input."} {
			if strings.Contains(r.body, english) {
				t.Errorf("the Swedish page shows %q", english)
			}
		}
		// In English, the text the command line prints.
		c.post("/language", url.Values{"lang": {"en"}, "next": {"/placement/rounds/new"}})
		r = c.postMultipart("/placement/rounds", map[string]string{"name": "Prov", "years": "0", "rules": rules,
			"network": strconv.FormatInt(rd.NetworkID, 10), "schools_source": "units", "applicants": apps})
		for _, want := range []string{"applicants.csv:2:18: choices: unknown school id &#34;99999999&#34;",
			"applicants.csv:4:1: applicant_id: duplicate applicant &#34;X2&#34; (first on line 3)", "rules.toml:1: criteria: unknown criterion &#34;lotery&#34;"} {
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, want) {
				t.Errorf("the English page (%d) lacks %q", r.status, want)
			}
		}
		if strings.Contains(r.body, "okänt skol-id") || strings.Contains(r.body, ", rad 2") {
			t.Error("the English page shows Swedish file problems")
		}
		c.post("/language", url.Values{"lang": {"sv"}, "next": {"/placement/rounds/new"}})
		// An uploaded file's text comes back in the text area too.
		r = c.postMultipart("/placement/rounds", map[string]string{"name": "Prov", "years": "0", "rules": round.DefaultRulesTOML(),
			"network": strconv.FormatInt(rd.NetworkID, 10), "schools_source": "file"},
			[3]string{"schools_file", "schools.csv", "school_id,name,lat,lon,year,capacity\nS1,Skolan,59.37,16.51,0,-3\n"},
			[3]string{"applicants_file", "applicants.csv", apps})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "schools.csv, rad 2, tecken 25: capacity: negativt värde för capacity: -3") || !strings.Contains(r.body, "S1,Skolan,59.37,16.51,0,-3") {
			t.Errorf("uploaded schools.csv with a negative capacity: %d", r.status)
		}
		if n := e.count("SELECT COUNT(*) FROM placement_rounds"); n != 1 {
			t.Errorf("%d rounds after failed creates, want the demo's 1", n)
		}
		// A broken network upload is refused with the file named.
		r = c.postMultipart("/placement/networks", nil, [3]string{"network_file", "broken.osm", "<osm><node id="})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "broken.osm") {
			t.Errorf("broken network: %d", r.status)
		}
	})
}

func TestPlacementRunWhatIfPublishAndGuardianLink(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		rd := e.demoRound()
		c := e.login(officer)
		// A new round on the demo network with the demo's applicants.
		r := c.postMultipart("/placement/rounds", map[string]string{"name": "Förskoleklass HT 2028", "years": "F", "rules": round.DefaultRulesTOML(),
			"network": strconv.FormatInt(rd.NetworkID, 10), "schools_source": "units", "applicants": rd.ApplicantsCSV})
		if r.status != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", r.status, r.body)
		}
		roundPath := r.header.Get("Location")
		r = c.post(roundPath+"/run", nil)
		id, runID := runIDs(t, r)
		if page := c.get(r.header.Get("Location")); page.status != http.StatusOK {
			t.Fatalf("run page: %d", page.status)
		}
		if run := e.waitRun(id, runID); run.Status != round.StatusDone {
			t.Fatalf("run: %s %s", run.Status, run.Error)
		}
		page := c.get(roundPath)
		for _, want := range []string{`id="demand-caption"`, `id="cells-caption"`, `<svg class="chart map"`, "Hagaskolan"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("round page lacks %q", want)
			}
		}
		// The demo network is made up: nothing on the page credits OpenStreetMap for it.
		if strings.Contains(page.body, "OpenStreetMap contributors") {
			t.Error("the round page credits OpenStreetMap for the demo's generated network")
		}
		// Swedish number format (i18n.Percent, i18n.Distance): "85,0 %" with
		// a no-break space, "1,05 km" with two decimals.
		if !regexp.MustCompile(`\d,\d\x{00a0}%`).MatchString(page.body) || !regexp.MustCompile(`\d,\d\d km`).MatchString(page.body) ||
			regexp.MustCompile(`\d\.\d+\s?(%|km)`).MatchString(page.body) {
			t.Error("shares and distances are not in Swedish number format")
		}
		checkMapCells(t, page.body, demo.PlacementApplicants)

		// What-if: Hagaskolan gets 10 places.
		r = c.post(roundPath+"/whatif", url.Values{"school": {"92000207"}, "year": {"0"}, "capacity": {"10"}})
		_, whatIf := runIDs(t, r)
		if run := e.waitRun(id, whatIf); run.Status != round.StatusDone {
			t.Fatalf("what-if: %s %s", run.Status, run.Error)
		}
		want, err := round.Diff(ctxAs(e, officer), e.db, id, runID, whatIf)
		if err != nil || len(want) == 0 {
			t.Fatalf("diff: %d changes, %v", len(want), err)
		}
		wp := c.get(r.header.Get("Location"))
		rows := regexp.MustCompile(`<tr>\s*<th scope="row">([A-Z0-9]+)</th>`).FindAllStringSubmatch(wp.body, -1)
		if len(rows) != len(want) {
			t.Fatalf("what-if page lists %d pupils, the diff has %d", len(rows), len(want))
		}
		for i, m := range rows {
			if m[1] != want[i].ApplicantID {
				t.Errorf("row %d = %s, want %s", i, m[1], want[i].ApplicantID)
			}
		}
		if r := c.post(fmt.Sprintf("%s/runs/%d/accept", roundPath, whatIf), nil); r.status != http.StatusSeeOther {
			t.Fatalf("accept: %d", r.status)
		}
		got, _ := round.Get(ctx, e.db, id)
		if got.ResultRunID == nil || *got.ResultRunID != whatIf {
			t.Fatal("the accepted what-if is not the result")
		}
		// The what-if form keeps its input on errors.
		if r := c.post(roundPath+"/whatif", url.Values{"school": {"92000207"}, "year": {"0"}, "capacity": {"many"}}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `value="many"`) {
			t.Errorf("bad capacity: %d", r.status)
		}

		// Publish: a CSV of links.
		r = c.post(roundPath+"/publish", nil)
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
			t.Fatalf("publish: %d %s", r.status, r.header.Get("Content-Type"))
		}
		recs, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
		if err != nil || len(recs) != demo.PlacementApplicants+1 || recs[0][0] != "applicant_id" {
			t.Fatalf("links CSV: %d rows, %v", len(recs), err)
		}
		applicant, link := recs[1][0], recs[1][1]
		u, err := url.Parse(link)
		if err != nil || !strings.HasPrefix(u.Path, "/placement/d/") {
			t.Fatalf("link %q", link)
		}
		// The guardian, not signed in.
		g := e.client()
		gp := g.get(u.Path)
		if gp.status != http.StatusOK {
			t.Fatalf("guardian page: %d", gp.status)
		}
		if m := regexp.MustCompile(`placementweb\.[a-z_.]+`).FindString(gp.body + wp.body); m != "" {
			t.Errorf("a page shows the message ID %s", m)
		}
		ds, _ := round.Decisions(ctxAs(e, officer), e.db, id, whatIf)
		var mine round.Decision
		for _, d := range ds {
			if d.ApplicantID == applicant {
				mine = d
			}
		}
		first := paragraphsOf(mine.Explanation.Text.SV)[0]
		if !strings.Contains(gp.body, html.EscapeString(first)) {
			t.Errorf("guardian page lacks the explanation %q", first)
		}
		for _, d := range ds {
			if d.ApplicantID != applicant && strings.Contains(gp.body, d.ApplicantID) {
				t.Fatalf("guardian page of %s mentions %s", applicant, d.ApplicantID)
			}
		}
		if easy := g.get(u.Path + "?text=easy"); easy.status != http.StatusOK || !strings.Contains(easy.body, html.EscapeString(paragraphsOf(mine.Explanation.Text.SVEasy)[0])) {
			t.Error("easy Swedish missing")
		}
		g.post("/language", url.Values{"lang": {"en"}, "next": {u.Path}})
		if en := g.get(u.Path); !strings.Contains(en.body, html.EscapeString(paragraphsOf(mine.Explanation.Text.EN)[0])) {
			t.Error("English explanation missing")
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'placement_decision' AND summary = 'read via link'"); n != 3 {
			t.Errorf("%d audited link reads, want 3", n)
		}
		// Published rounds are frozen.
		if r := c.post(roundPath+"/run", nil); r.status != http.StatusConflict {
			t.Errorf("run after publishing: %d", r.status)
		}
		// Revoke.
		if r := c.post(roundPath+"/revoke", url.Values{"applicant_id": {applicant}}); r.status != http.StatusSeeOther {
			t.Fatalf("revoke: %d", r.status)
		}
		if r := g.get(u.Path); r.status != http.StatusNotFound {
			t.Errorf("revoked link: %d", r.status)
		}
		if r := e.client().get("/placement/d/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"); r.status != http.StatusNotFound {
			t.Errorf("unknown link: %d", r.status)
		}

		// The API shows the summary and cut-offs.
		var api struct {
			Status  string `json:"status"`
			Summary struct {
				Total struct {
					Applicants int `json:"applicants"`
				} `json:"total"`
			} `json:"summary"`
			Cutoffs []struct {
				SchoolID string `json:"schoolId"`
			} `json:"cutoffs"`
		}
		c.get(fmt.Sprintf("/api/v1/placement/rounds/%d", id)).json(t, &api)
		if api.Status != "published" || api.Summary.Total.Applicants != demo.PlacementApplicants || len(api.Cutoffs) != 8 {
			t.Errorf("API: %+v", api)
		}
	})
}

func ctxAs(e *env, email string) context.Context {
	e.t.Helper()
	p, err := authLoad(e, email)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func paragraphsOf(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return []string{"\x00none"}
	}
	return out
}

var cellRowRE = regexp.MustCompile(`<tr><th scope="row">\d+</th><td>[^<]+</td><td class="num">(\d+)</td></tr>`)

// checkMapCells checks that the map's table shows no cell under 5 and
// that shown and hidden pupils add up.
func checkMapCells(t *testing.T, body string, total int) {
	t.Helper()
	cells := cellRowRE.FindAllStringSubmatch(body, -1)
	if len(cells) == 0 {
		t.Fatal("no map cells")
	}
	sum := 0
	for _, m := range cells {
		n, _ := strconv.Atoi(m[1])
		if n < 5 {
			t.Errorf("a map cell shows %d pupils", n)
		}
		sum += n
	}
	hidden := 0
	if m := regexp.MustCompile(`(\d+) sökande bor där det är för glest`).FindStringSubmatch(body); m != nil {
		hidden, _ = strconv.Atoi(m[1])
	}
	if sum+hidden != total {
		t.Errorf("cells hold %d + %d hidden, want %d", sum, hidden, total)
	}
	// The SVG's numbers are the same cells.
	svg := body[strings.Index(body, `<svg class="chart map"`):]
	svg = svg[:strings.Index(svg, "</svg>")]
	for _, m := range regexp.MustCompile(`text-anchor="middle" fill="[^"]+">(\d+)</text>`).FindAllStringSubmatch(svg, -1) {
		if n, _ := strconv.Atoi(m[1]); n < 5 {
			t.Errorf("the map draws a cell of %d", n)
		}
	}
}

func authLoad(e *env, email string) (context.Context, error) {
	ctx := context.Background()
	p, err := auth.LoadPrincipal(ctx, e.db, e.personID(email))
	return auth.WithPrincipal(ctx, p), err
}

// A network an officer uploads is map data: its round page and every
// explanation credit OpenStreetMap (ODbL), unlike the demo's made-up one.
func TestPlacementUploadedNetworkIsCredited(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		rd := e.demoRound()
		var data []byte
		if err := e.db.QueryRow(context.Background(), "SELECT data FROM placement_networks WHERE id = ?", rd.NetworkID).Scan(&data); err != nil {
			t.Fatal(err)
		}
		c := e.login(officer)
		if r := c.postMultipart("/placement/networks", nil, [3]string{"network_file", "stad.osm.gz", string(data)}); r.status != http.StatusSeeOther {
			t.Fatalf("upload: %d\n%s", r.status, r.body)
		}
		var nid int64
		if err := e.db.QueryRow(context.Background(), "SELECT MAX(id) FROM placement_networks").Scan(&nid); err != nil || nid == rd.NetworkID {
			t.Fatalf("uploaded network id %d (%v)", nid, err)
		}
		r := c.postMultipart("/placement/rounds", map[string]string{"name": "Uppladdat nät", "years": "F", "rules": round.DefaultRulesTOML(),
			"network": strconv.FormatInt(nid, 10), "schools_source": "units", "applicants": rd.ApplicantsCSV})
		if r.status != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", r.status, r.body)
		}
		roundPath := r.header.Get("Location")
		id, runID := runIDs(t, c.post(roundPath+"/run", nil))
		if run := e.waitRun(id, runID); run.Status != round.StatusDone {
			t.Fatalf("run: %s %s", run.Status, run.Error)
		}
		if page := c.get(roundPath); !strings.Contains(page.body, "© OpenStreetMap contributors, ODbL") {
			t.Error("the round page on an uploaded network does not credit OpenStreetMap")
		}
		ds, err := round.Decisions(ctxAs(e, officer), e.db, id, runID)
		if err != nil || len(ds) == 0 {
			t.Fatalf("decisions: %d %v", len(ds), err)
		}
		if !strings.Contains(ds[0].Explanation.Text.SV, "OpenStreetMap") {
			t.Errorf("explanation does not credit OpenStreetMap:\n%s", ds[0].Explanation.Text.SV)
		}
	})
}

// TestPlacementRecheckAndGuardianValues: issue 20 on the pages. A round
// published with an earlier engine (emulated: its result says engine 1
// and one pupil's stored placement differs from what the current engine
// decides) offers a recheck; the round page then lists that pupil for
// review, and nothing published changes. The guardian's page shows the
// pupil's own lottery number and priority values at every choice in whole
// metres, also for a pupil placed at the first choice.
func TestPlacementRecheckAndGuardianValues(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		rd := e.demoRound()
		c := e.login(officer)
		roundPath := fmt.Sprintf("/placement/rounds/%d", rd.ID)
		if page := c.get(roundPath); strings.Contains(page.body, `action="`+roundPath+`/recheck"`) {
			t.Error("a result of the current engine offers a recheck")
		}
		r := c.post(roundPath+"/publish", nil)
		if r.status != http.StatusOK {
			t.Fatalf("publish: %d", r.status)
		}
		recs, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		links := map[string]string{}
		for _, rec := range recs[1:] {
			u, _ := url.Parse(rec[1])
			links[rec[0]] = u.Path
		}
		ds, err := round.Decisions(ctxAs(e, officer), e.db, rd.ID, *rd.ResultRunID)
		if err != nil {
			t.Fatal(err)
		}
		// A pupil placed at the first choice, and one whose stored
		// placement we move, as an earlier engine might have.
		var first, moved *round.Decision
		for i, d := range ds {
			switch {
			case d.ChoiceRank == 1 && first == nil:
				first = &ds[i]
			case d.ChoiceRank == 1 && moved == nil:
				moved = &ds[i]
			}
		}
		if _, err := e.db.Exec(ctx, "UPDATE placement_results SET school_id = ?, choice_rank = 0, fallback = ? WHERE run_id = ? AND applicant_id = ?",
			"92000207", true, *rd.ResultRunID, moved.ApplicantID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.Exec(ctx, "UPDATE placement_runs SET engine = 1 WHERE id = ?", *rd.ResultRunID); err != nil {
			t.Fatal(err)
		}
		page := c.get(roundPath)
		if !strings.Contains(page.body, "Resultatet togs fram med en tidigare version av placeringsberäkningen") ||
			!strings.Contains(page.body, `action="`+roundPath+`/recheck"`) {
			t.Fatalf("the round page offers no recheck of an outdated result:\n%s", page.body)
		}
		r = c.post(roundPath+"/recheck", nil)
		_, recheck := runIDs(t, r)
		if run := e.waitRun(rd.ID, recheck); run.Status != round.StatusDone {
			t.Fatalf("recheck: %s %s", run.Status, run.Error)
		}
		page = c.get(roundPath)
		rows := regexp.MustCompile(`<tr>\s*<th scope="row">([A-Z0-9]+)</th>`).FindAllStringSubmatch(page.body[strings.Index(page.body, `id="recheck-h"`):], -1)
		if !strings.Contains(page.body, "1 elev skulle få en annan placering") || len(rows) == 0 || rows[0][1] != moved.ApplicantID {
			t.Errorf("the round page does not list %s for review: %v", moved.ApplicantID, rows)
		}
		if !strings.Contains(page.body, "Det publicerade resultatet och elevernas länkar ändras inte av omkontrollen") {
			t.Error("the round page does not say that nothing published changes")
		}
		if rp := c.get(r.header.Get("Location")); rp.status != http.StatusOK || !strings.Contains(rp.body, moved.ApplicantID) ||
			strings.Contains(rp.body, "/accept") {
			t.Errorf("recheck run page: %d", rp.status)
		}
		got, _ := round.Get(ctx, e.db, rd.ID)
		if *got.ResultRunID != *rd.ResultRunID || !got.Published() {
			t.Fatal("the recheck changed the published result")
		}

		// The guardian of the first-choice pupil.
		g := e.client()
		gp := g.get(links[first.ApplicantID])
		if gp.status != http.StatusOK {
			t.Fatalf("guardian page: %d", gp.status)
		}
		ex := first.Explanation
		if len(ex.Choices) == 0 || ex.ResolutionMeters != 1 {
			t.Fatalf("explanation without values: %+v", ex)
		}
		wants := []string{"Era värden", "Avstånden jämförs i hela meter", "Elevens lottnummer: " + lotteryText(ex.Lottery)}
		for _, ch := range ex.Choices {
			wants = append(wants, i18n.Number("sv", ch.Priority.Meters, 0)+" m", html.EscapeString(ch.SchoolName))
			if !ch.Priority.NoAlternative {
				wants = append(wants, i18n.Number("sv", ch.Priority.RelativeMeters, 0)+" m")
			}
		}
		for _, w := range wants {
			if !strings.Contains(gp.body, w) {
				t.Errorf("guardian page lacks %q", w)
			}
		}
		if m := regexp.MustCompile(`placementweb\.[a-z_.]+`).FindString(gp.body + page.body); m != "" {
			t.Errorf("a page shows the message ID %s", m)
		}
		// The officer's decision page shows the same values.
		if dp := c.get(fmt.Sprintf("%s/decisions/%s", roundPath, first.ApplicantID)); !strings.Contains(dp.body, "Elevens lottnummer: "+lotteryText(ex.Lottery)) {
			t.Error("the decision page lacks the pupil's values")
		}
		g.post("/language", url.Values{"lang": {"en"}, "next": {links[first.ApplicantID]}})
		if en := g.get(links[first.ApplicantID]); !strings.Contains(en.body, "Your values") || !strings.Contains(en.body, "Distances are compared in whole metres") {
			t.Error("the English guardian page lacks the values")
		}
	})
}

// lotteryText is a lottery number as the guardian's page writes it: every
// digit of its shortest text, at least six decimals, Swedish style.
func lotteryText(x float64) string {
	return i18n.Number("sv", x, max(6, len(strconv.FormatFloat(x, 'f', -1, 64))-2))
}
