package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestPlacementRulesForm(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		rd := e.demoRound()
		base := fmt.Sprintf("/placement/rounds/%d/rules", rd.ID)
		pia := e.login(placementOfficer)
		page := pia.get(base)
		if page.status != http.StatusOK || !strings.Contains(page.body, "Förtur när en skola har fler sökande än platser") {
			t.Fatalf("rules form: %d", page.status)
		}
		if m := regexp.MustCompile(`(rulesform|placement)\.[a-z_.]+`).FindString(page.body); m != "" {
			t.Errorf("rules form shows the message ID %s", m)
		}
		form := url.Values{"criterion_1": {"sibling"}, "criterion_2": {"relative_proximity"}, "criterion_3": {"lottery"},
			"sibling_years": {"0", "1"}, "alternative": {"nearest"}, "seed": {"77"},
			"near_home_1_from": {"0"}, "near_home_1_to": {"3"}, "near_home_1_meters": {"2000"},
			"choices": {"4"}, "accept_days": {"10"}}
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("criterion_4", "absolute_proximity")
		r := pia.post(base, bad)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Inget skäl kan stå efter lottningen") || !strings.Contains(r.body, `value="77"`) {
			t.Errorf("invalid rules: %d", r.status)
		}
		if r := pia.post(base, form); r.status != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", r.status, r.body)
		}
		toml := pia.get(base + ".toml")
		if toml.status != http.StatusOK || !strings.Contains(toml.body, `criteria = ["sibling", "relative_proximity", "lottery"]`) ||
			!strings.Contains(toml.body, "seed = 77") || !strings.Contains(toml.body, "meters = 2000") {
			t.Errorf("export: %d\n%s", toml.status, toml.body)
		}
		if n := e.count("SELECT COUNT(*) FROM placement_rounds WHERE id = ? AND choices_allowed = 4 AND accept_days = 10", rd.ID); n != 1 {
			t.Error("choices and days not saved")
		}
		imp := pia.post(base, url.Values{"import": {"1"}, "rules": {"criteria = [\"lottery\"]\nseed = 5\n"}})
		if imp.status != http.StatusOK || !strings.Contains(imp.body, `value="5"`) || !strings.Contains(imp.body, `value="4"`) {
			t.Errorf("import: %d", imp.status)
		}
		if imp := pia.post(base, url.Values{"import": {"1"}, "rules": {"criteria = [\"wealth\"]\n"}}); imp.status != http.StatusUnprocessableEntity || !strings.Contains(imp.body, "wealth") {
			t.Errorf("bad import: %d", imp.status)
		}
		if r := e.login(mealsSpecialist).get(base); r.status != http.StatusForbidden {
			t.Errorf("meals specialist: %d", r.status)
		}
	})
}
