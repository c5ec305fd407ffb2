package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestPlacementRerunWaitsForTheOfficer: a rerun with other rules shows the
// pupils who would change school and replaces the standing result only
// when the officer confirms; a finished run leads to its results.
func TestPlacementRerunWaitsForTheOfficer(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		rd := e.demoRound()
		before := *rd.ResultRunID
		pia := e.login(placementOfficer)
		roundPath := fmt.Sprintf("/placement/rounds/%d", rd.ID)
		// A lottery alone, with another seed: pupils move.
		if r := pia.post(roundPath+"/rules", url.Values{"criterion_1": {"lottery"},
			"alternative": {"nearest"}, "seed": {"4242"}, "choices": {"3"}, "accept_days": {"14"}}); r.status != http.StatusSeeOther {
			t.Fatalf("rules: %d\n%s", r.status, r.body)
		}
		id, runID := runIDs(t, pia.post(roundPath+"/run", nil))
		e.waitRun(id, runID)
		if e.demoRound().ResultRunID == nil || *e.demoRound().ResultRunID != before {
			t.Fatal("the rerun replaced the result before the officer confirmed")
		}
		page := pia.get(fmt.Sprintf("%s/runs/%d?auto=0", roundPath, runID))
		if page.status != http.StatusOK || !strings.Contains(page.body, "Omkörningen har inte ersatt det gällande resultatet") ||
			!strings.Contains(page.body, "Ersätt resultatet med den här körningen") {
			t.Fatalf("pending rerun page: %d", page.status)
		}
		if !strings.Contains(page.body, `id="chg-caption"`) {
			t.Error("the rerun shows no pupils who change school")
		}
		if r := pia.post(fmt.Sprintf("%s/runs/%d/accept", roundPath, runID), nil); r.status != http.StatusSeeOther {
			t.Fatalf("accept: %d", r.status)
		}
		if got := *e.demoRound().ResultRunID; got != runID {
			t.Errorf("result %d after confirming, want %d", got, runID)
		}
		page = pia.get(fmt.Sprintf("%s/runs/%d?auto=0", roundPath, runID))
		if !strings.Contains(page.body, `href="`+roundPath+`">Se resultatet</a>`) {
			t.Error("the finished run does not lead to its results")
		}
		// The map's table names its cells by the nearest school, not by coordinates.
		if body := pia.get(roundPath).body; !regexp.MustCompile(`<td>Runt [0-9 ]+ m fågelvägen från [A-ZÅÄÖ][^<]+</td>`).MatchString(body) {
			t.Error("the map's table does not name its cells")
		}
	})
}
