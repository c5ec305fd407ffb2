package web_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

var decisionRowRE = regexp.MustCompile(`<th scope="row"><a href="/placement/rounds/\d+/decisions/A\d+">`)

func TestPlacementDecisionsFilterAndExport(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		rd := e.demoRound()
		base := fmt.Sprintf("/placement/rounds/%d/decisions", rd.ID)
		pia := e.login(placementOfficer)
		all := len(decisionRowRE.FindAllString(pia.get(base).body, -1))
		first := len(decisionRowRE.FindAllString(pia.get(base+"?rank=1").body, -1))
		fallback := len(decisionRowRE.FindAllString(pia.get(base+"?fallback=1").body, -1))
		hagaPage := pia.get(base + "?school=92000207&rank=1")
		haga := len(decisionRowRE.FindAllString(hagaPage.body, -1))
		if all != 300 || first == 0 || first >= all || haga == 0 || haga >= first || first+fallback > all {
			t.Errorf("rows: all %d, first choice %d, fallback %d, Hagaskolan first %d", all, first, fallback, haga)
		}
		if !strings.Contains(hagaPage.body, fmt.Sprintf("%d av 300 beslut matchar urvalet", haga)) {
			t.Error("the filtered caption does not say how many of all")
		}
		if n := e.count("SELECT COUNT(*) FROM placement_results WHERE run_id = ? AND choice_rank = 1 AND fallback = ?", *rd.ResultRunID, false); n != first {
			t.Errorf("first choices: page %d, database %d", first, n)
		}
		csv := pia.get(base + "?school=92000207&rank=1&format=csv")
		if csv.status != http.StatusOK || !strings.HasPrefix(csv.header.Get("Content-Type"), "text/csv") ||
			strings.Count(strings.TrimSpace(csv.body), "\n") != haga || !strings.Contains(csv.body, "Hagaskolan") {
			t.Errorf("csv: %d %q lines %d, want header and %d", csv.status, csv.header.Get("Content-Type"), strings.Count(csv.body, "\n"), haga)
		}
		xlsx := pia.get(base + "?fallback=1&format=xlsx")
		if xlsx.status != http.StatusOK || !strings.HasPrefix(xlsx.body, "PK") {
			t.Errorf("xlsx: %d", xlsx.status)
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND entity = 'placement_results' AND actor = ?", placementOfficer); n != 2 {
			t.Errorf("%d exports audited, want 2", n)
		}
	})
}
