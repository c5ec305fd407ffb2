package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

const (
	placementOfficer = "placering@exempelby.example" // Pia: a specialist holding school_placement
	mealsSpecialist  = "maltid@exempelby.example"    // Maja: a specialist without it
)

// TestPlacementOfficerRunsPlacement: the demo's placement officer reaches
// every placement page and action, runs the round, and sees the nav entry;
// a specialist of another category, and a principal, are refused.
func TestPlacementOfficerRunsPlacement(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		rd := e.demoRound()
		pages := []string{"/placement", "/placement/rounds/new", fmt.Sprintf("/placement/rounds/%d", rd.ID),
			fmt.Sprintf("/placement/rounds/%d/decisions", rd.ID), fmt.Sprintf("/placement/rounds/%d/decisions/A0001", rd.ID),
			fmt.Sprintf("/placement/rounds/%d/appeals", rd.ID), "/placement/appeals",
			"/api/v1/placement/rounds", fmt.Sprintf("/api/v1/placement/rounds/%d", rd.ID)}
		pia := e.login(placementOfficer)
		for _, p := range pages {
			if r := pia.get(p); r.status != http.StatusOK {
				t.Errorf("placement officer %s: %d", p, r.status)
			}
		}
		if !strings.Contains(pia.get("/").body, `href="/placement"`) {
			t.Error("the placement officer has no placement entry in the nav")
		}
		// She runs the round (a what-if, which changes no standing result).
		r := pia.post(fmt.Sprintf("/placement/rounds/%d/whatif", rd.ID), url.Values{"school": {"92000201"}, "year": {"0"}, "capacity": {"30"}})
		if r.status != http.StatusSeeOther {
			t.Errorf("placement officer starts a what-if: %d\n%s", r.status, r.body)
		} else {
			id, run := runIDs(t, r)
			e.waitRun(id, run)
		}
		for _, who := range []string{mealsSpecialist, principalA} {
			c := e.login(who)
			for _, p := range pages {
				if r := c.get(p); r.status != http.StatusForbidden {
					t.Errorf("%s %s: %d, want 403", who, p, r.status)
				}
			}
			if r := c.post(fmt.Sprintf("/placement/rounds/%d/run", rd.ID), nil); r.status != http.StatusForbidden {
				t.Errorf("%s runs placement: %d", who, r.status)
			}
			// Only the school's own text (principals, for their units) may
			// be linked; rounds, runs and appeals are not.
			home := strings.ReplaceAll(c.get("/").body, `href="/placement/school-texts"`, "")
			if strings.Contains(home, `href="/placement`) {
				t.Errorf("%s has a placement entry in the nav", who)
			}
		}
	})
}

var appealRowRE = regexp.MustCompile(`<tr>\s*<th scope="row"><a href="/placement/rounds/\d+/appeals/\d+"`)

func TestPlacementAppealsRegister(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := auth.WithPrincipal(context.Background(), auth.System)
		rd := e.demoRound()
		for range 2 { // idempotent
			if err := demo.LoadAppeals(ctx, e.db, rd.ID); err != nil {
				t.Fatal(err)
			}
		}
		if n := e.count("SELECT COUNT(*) FROM placement_appeals WHERE round_id = ?", rd.ID); n != 7 {
			t.Fatalf("%d demo appeals, want 7", n)
		}
		base := fmt.Sprintf("/placement/rounds/%d/appeals", rd.ID)
		pia := e.login(placementOfficer)
		page := pia.get(base)
		if page.status != http.StatusOK || len(appealRowRE.FindAllString(page.body, -1)) != 7 {
			t.Fatalf("register: %d, %d rows\n%s", page.status, len(appealRowRE.FindAllString(page.body, -1)), page.body)
		}
		for _, want := range []string{"Inkommet", "Skickat vidare", "Avslaget", "Återkallat", "Kom in för sent",
			"förvaltningslagen 44 §", "ifylld för hand", "Laglighetsprövning"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("register lacks %q", want)
			}
		}
		if m := regexp.MustCompile(`appeal\.[a-z_.]+`).FindString(page.body); m != "" {
			t.Errorf("register shows the message ID %s", m)
		}
		// Open first: the first row is not decided.
		if i, j := strings.Index(page.body, "Inkommet</td>"), strings.Index(page.body, "Avgjort</td>"); i < 0 || j < 0 || i > j {
			t.Error("open appeals do not come before decided ones")
		}
		for q, want := range map[string]int{"?status=decided": 4, "?status=forwarded": 1, "?route=legality": 1, "?outcome=rejected": 1, "?late=1": 1} {
			if got := len(appealRowRE.FindAllString(pia.get(base+q).body, -1)); got != want {
				t.Errorf("%s: %d rows, want %d", q, got, want)
			}
		}

		// Recording: errors keep what was typed; a valid appeal is added.
		today := civil.Today(time.Now())
		bad := url.Values{"applicant": {"A9999"}, "route": {"board"}, "received_on": {today}, "note": {"Skrivet av handläggaren"}}
		r := pia.post(base, bad)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Det finns ingen sökande med det id:t") ||
			!strings.Contains(r.body, "Skrivet av handläggaren") {
			t.Errorf("invalid appeal: %d", r.status)
		}
		good := url.Values{"applicant": {"A0001"}, "school": {"92000201"}, "route": {"board"}, "received_on": {today}, "deadline_from": {today}}
		if r := pia.post(base, good); r.status != http.StatusSeeOther {
			t.Fatalf("record: %d\n%s", r.status, r.body)
		}
		var id int64
		if err := e.db.QueryRow(context.Background(), "SELECT MAX(id) FROM placement_appeals WHERE round_id = ? AND applicant_id = 'A0001'", rd.ID).Scan(&id); err != nil {
			t.Fatal(err)
		}
		one := fmt.Sprintf("%s/%d", base, id)
		if r := pia.get(one); r.status != http.StatusOK || !strings.Contains(r.body, `value="A0001"`) {
			t.Errorf("one appeal: %d", r.status)
		}
		good.Set("outcome", "withdrawn")
		good.Set("outcome_on", today)
		if r := pia.post(one, good); r.status != http.StatusSeeOther {
			t.Errorf("update: %d\n%s", r.status, r.body)
		}
		if n := e.count("SELECT COUNT(*) FROM placement_appeals WHERE id = ? AND outcome = 'withdrawn'", id); n != 1 {
			t.Error("the outcome was not saved")
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'placement_appeal' AND entity_id = ? AND actor = ?", fmt.Sprint(id), placementOfficer); n < 3 {
			t.Errorf("%d audit entries for the appeal, want create, read, update", n)
		}

		// The board: counts only, small groups suppressed, no pupil; not the register.
		board := e.login(boardEmail)
		st := board.get("/placement/appeals")
		if st.status != http.StatusOK || !strings.Contains(st.body, demo.PlacementRoundName) || !strings.Contains(st.body, "Antal under 5 visas inte") {
			t.Errorf("board stats: %d\n%s", st.status, st.body)
		}
		if regexp.MustCompile(`A\d{4}`).MatchString(st.body) {
			t.Error("the board's counts name a pupil")
		}
		if !strings.Contains(board.get("/").body, `href="/placement/appeals"`) {
			t.Error("the board's nav lacks the appeal counts")
		}
		for _, p := range []string{base, one} {
			if r := board.get(p); r.status != http.StatusForbidden {
				t.Errorf("board %s: %d", p, r.status)
			}
		}
		if r := e.login(principalA).get("/placement/appeals"); r.status != http.StatusForbidden {
			t.Errorf("principal reads appeal counts: %d", r.status)
		}
		// The placement officer sees every count.
		if r := pia.get("/placement/appeals"); r.status != http.StatusOK || strings.Contains(r.body, "Antal under 5 visas inte") {
			t.Errorf("placement officer's counts: %d", r.status)
		}
	})
}

// TestPlacementRoundAPICounts: the round API counts applications,
// standing decisions by answer and appeals from what the tables hold.
func TestPlacementRoundAPICounts(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		rd := e.demoRound()
		now := store.Now()
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := e.db.Exec(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		for i, status := range []string{"agreed", "waiting", "disputed"} {
			var child int64
			if err := e.db.QueryRow(ctx, `INSERT INTO placement_children (round_id, child_key, name, year, created_at)
				VALUES (?, ?, 'Barn', 0, ?) RETURNING id`, rd.ID, fmt.Sprintf("A%04d", i+1), now).Scan(&child); err != nil {
				t.Fatal(err)
			}
			exec(`INSERT INTO placement_applications (child_id, choices, status, submitted_at, updated_at) VALUES (?, '92000201', ?, ?, ?)`,
				child, status, now, now)
		}
		for i, d := range []struct {
			answer     string
			superseded bool
		}{{"accepted", false}, {"accepted", false}, {"declined", false}, {"", false}, {"", true}} {
			var sup any
			if d.superseded {
				sup = now
			}
			exec(`INSERT INTO placement_decisions (round_id, run_id, applicant_id, school_id, channel, sent_at, answer, superseded_at)
				VALUES (?, ?, ?, '92000201', 'email', ?, ?, ?)`, rd.ID, *rd.ResultRunID, fmt.Sprintf("A%04d", i+1), now, d.answer, sup)
		}
		if err := demo.LoadAppeals(auth.WithPrincipal(ctx, auth.System), e.db, rd.ID); err != nil {
			t.Fatal(err)
		}
		var api struct {
			Counts struct {
				Applications, DecisionsSent, Accepted, Declined, Waiting, Appeals int
			}
		}
		e.login(officer).get(fmt.Sprintf("/api/v1/placement/rounds/%d", rd.ID)).json(t, &api)
		c := api.Counts
		if c.Applications != 3 || c.DecisionsSent != 4 || c.Accepted != 2 || c.Declined != 1 || c.Waiting != 1 || c.Appeals != 7 {
			t.Errorf("counts %+v", c)
		}
		var list []map[string]any
		e.login(officer).get("/api/v1/placement/rounds").json(t, &list)
		if _, ok := list[0]["counts"]; ok {
			t.Error("the list of rounds carries counts")
		}
	})
}
