package web_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/placement/round"
)

// The demo round's register: loaded twice (idempotent), shown to the
// placement officer with siblings, a run that takes its applicants from it,
// an extract previewed and imported through the page, and a home set by
// hand.
func TestPlacementRegisterPage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := auth.WithPrincipal(context.Background(), auth.System)
		rd := e.demoRound()
		for range 2 {
			if err := demo.LoadRegister(ctx, e.db, rd.ID); err != nil {
				t.Fatal(err)
			}
		}
		if n := e.count("SELECT COUNT(*) FROM placement_children WHERE round_id = ? AND year = 0", rd.ID); n != demo.PlacementApplicants {
			t.Errorf("%d children in the year group", n)
		}
		for by, want := range map[string]int{"sweref99tm": 1, "officer": 1, "wgs84": 1} {
			if n := e.count("SELECT COUNT(*) FROM placement_children WHERE round_id = ? AND located_by = ?", rd.ID, by); n < want {
				t.Errorf("%d homes located by %s", n, by)
			}
		}
		if n := e.count("SELECT COUNT(*) FROM placement_children WHERE round_id = ? AND (lat IS NULL OR locate_problem <> '')", rd.ID); n != 0 {
			t.Errorf("%d demo homes not located", n)
		}
		if n := e.count("SELECT COUNT(DISTINCT language) FROM placement_guardians"); n != 5 {
			t.Errorf("%d guardian languages", n)
		}
		if n := e.count("SELECT COUNT(*) FROM placement_guardians WHERE email = ''"); n == 0 {
			t.Error("every demo guardian has e-mail")
		}
		c := e.login(officer)
		path := fmt.Sprintf("/placement/rounds/%d/register", rd.ID)
		r := c.get(path)
		if r.status != http.StatusOK {
			t.Fatalf("register page: %d\n%s", r.status, r.body)
		}
		for _, want := range []string{"Syskon", "samma adress", "Exempelgatan 1,", "vårdnad"} {
			if !strings.Contains(r.body, want) {
				t.Errorf("the register page lacks %q", want)
			}
		}
		if m := regexp.MustCompile(`placementweb\.[a-z_.]+`).FindString(r.body); m != "" {
			t.Errorf("the page shows the message ID %s", m)
		}
		if r := c.get(fmt.Sprintf("/placement/rounds/%d", rd.ID)); !strings.Contains(r.body, path) {
			t.Error("the round page does not link the register")
		}
		for _, who := range []string{principalA, boardEmail, admin} {
			if r := e.login(who).get(path); r.status != http.StatusForbidden {
				t.Errorf("%s: %d", who, r.status)
			}
		}

		// The run takes its applicants from the register: nobody has
		// applied, so all are placed by the near-home rule and flagged.
		r = c.post(fmt.Sprintf("/placement/rounds/%d/run", rd.ID), nil)
		roundID, runID := runIDs(t, r)
		if run := e.waitRun(roundID, runID); run.Status != round.StatusDone {
			t.Fatalf("run %s: %s", run.Status, run.Error)
		}
		if n := e.count("SELECT COUNT(*) FROM placement_results WHERE run_id = ?", runID); n != demo.PlacementApplicants {
			t.Errorf("%d results", n)
		}
		if n := e.count("SELECT COUNT(*) FROM placement_children WHERE flags LIKE '%no_application%'"); n != demo.PlacementApplicants {
			t.Errorf("%d flagged without application", n)
		}

		// Preview, then import, an extract through the page.
		extract := "child_id;name;address;postal_code;city;lat;lon;guardian1_name;guardian1_email\n" +
			"X1;Test Barn;Gata 1 nr 2;73100;Exempelby;;;Vh Ett;vh@example.se\n"
		r = c.postMultipart(path, map[string]string{"action": "preview"}, [3]string{"register_file", "register.csv", extract})
		if r.status != http.StatusOK || !strings.Contains(r.body, "Test Barn") || !strings.Contains(r.body, "inget sparat") {
			t.Fatalf("preview: %d", r.status)
		}
		if n := e.count("SELECT COUNT(*) FROM placement_children WHERE child_key = 'X1'"); n != 0 {
			t.Error("the preview stored a child")
		}
		bad := "child_id;name;address;postal_code;city;lat;lon;guardian1_name;guardian1_email\nX1;;Gata 1;7310;Exempelby;;;Vh;inte-en-adress\n"
		r = c.postMultipart(path, map[string]string{"action": "import", "register": bad})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "register.csv, rad 2") || !strings.Contains(r.body, "är inget postnummer") {
			t.Errorf("a bad extract: %d\n%s", r.status, regexp.MustCompile(`(?s)<ul class="error".*?</ul>`).FindString(r.body))
		}
		r = c.postMultipart(path, map[string]string{"action": "import", "register": extract})
		if r.status != http.StatusSeeOther {
			t.Fatalf("import: %d\n%s", r.status, r.body)
		}
		// The generated network has no addresses: the child is listed.
		var id int64
		var problem string
		if err := e.db.QueryRow(context.Background(), "SELECT id, locate_problem FROM placement_children WHERE child_key = 'X1'").Scan(&id, &problem); err != nil {
			t.Fatal(err)
		}
		if problem != "no_match" {
			t.Errorf("X1 problem %q", problem)
		}
		if n := e.count("SELECT COUNT(*) FROM placement_children WHERE round_id = ?", rd.ID); n != 1 {
			t.Errorf("%d children after importing a one-child extract", n)
		}
		if r := c.get(path); !strings.Contains(r.body, "matchar ingen plats") {
			t.Error("the unmatched address is not listed")
		}
		home := fmt.Sprintf("%s/children/%d/home", path, id)
		if r := c.post(home, url.Values{"position": {"1, 2, 3"}}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("a bad position: %d", r.status)
		}
		if r := c.post(home, url.Values{"position": {"10.0, 10.0"}}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "utanför omgångens område") {
			t.Errorf("a position outside the area: %d", r.status)
		}
		// SWEREF 99 TM of a point in Exempelby.
		if r := c.post(home, url.Values{"position": {"6582226, 585816"}}); r.status != http.StatusSeeOther {
			t.Fatalf("set home: %d\n%s", r.status, r.body)
		}
		var lat, lon float64
		var by string
		if err := e.db.QueryRow(context.Background(), "SELECT lat, lon, located_by FROM placement_children WHERE id = ?", id).Scan(&lat, &lon, &by); err != nil {
			t.Fatal(err)
		}
		if by != "officer" || math.Abs(lat-59.37) > 0.05 || math.Abs(lon-16.5) > 0.05 {
			t.Errorf("home set to %v, %v by %q", lat, lon, by)
		}
	})
}
