package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/survey"
)

type apiSurveyResults struct {
	MinGroup int `json:"minGroup"`
	Rows     []struct {
		Level   string `json:"level"`
		UnitID  *int64 `json:"unitId"`
		Unit    string `json:"unit"`
		Year    int    `json:"year"`
		Group   string `json:"group"`
		Answers int    `json:"answers"`
		Values  []struct {
			Key  string  `json:"key"`
			Mean float64 `json:"mean"`
			N    int     `json:"n"`
		} `json:"values"`
	} `json:"rows"`
}

// TestSurveySuppressionInEveryAnswer: the demo's small class (Kvarnbyskolan
// 8B, 7 answers) is absent from the API and a text in the CSV export and
// on the page, and so is its complement; in what the API gives, no shown
// total has exactly one group missing beneath it, so no hidden group is
// the difference of shown figures. Free texts never reach the board.
func TestSurveySuppressionInEveryAnswer(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		var rid int64
		if err := e.db.QueryRow(ctx, "SELECT MIN(id) FROM survey_rounds").Scan(&rid); err != nil {
			t.Fatal(err)
		}
		groups, err := survey.Groups(ctx, e.db, rid)
		if err != nil {
			t.Fatal(err)
		}
		for _, who := range []string{boardEmail, officer, analyst, principalA} {
			c := e.login(who)
			r := c.get(fmt.Sprintf("/api/v1/surveys/%d/results", rid))
			if r.status != http.StatusOK {
				t.Fatalf("%s: %d %s", who, r.status, r.body)
			}
			var res apiSurveyResults
			r.json(t, &res)
			shown := map[string]int{}
			for _, row := range res.Rows {
				key := fmt.Sprintf("%s/%s/%d/%s", row.Level, row.Unit, row.Year, row.Group)
				shown[key] = row.Answers
				if row.Answers < res.MinGroup && row.Answers > 0 {
					t.Errorf("%s: %s shows %d answers", who, key, row.Answers)
				}
				for _, v := range row.Values {
					if v.N < res.MinGroup {
						t.Errorf("%s: %s %s on %d answers", who, key, v.Key, v.N)
					}
				}
			}
			if _, ok := shown["group/Kvarnbyskolan/8/8B"]; ok {
				t.Errorf("%s: the small class is in the API", who)
			}
			if _, ok := shown["group/Kvarnbyskolan/8/8A"]; ok {
				t.Errorf("%s: the small class's complement is in the API", who)
			}
			// Every shown year group and unit: 0 or at least 2 of its groups missing.
			missing := map[string]int{}
			for _, g := range groups {
				if _, ok := shown[fmt.Sprintf("group/%s/%d/%s", g.UnitName, g.Year, g.Label)]; !ok {
					missing[fmt.Sprintf("year/%s/%d/", g.UnitName, g.Year)]++
				}
			}
			for parent, n := range missing {
				if _, ok := shown[parent]; ok && n == 1 {
					t.Errorf("%s: %s is shown with exactly one group missing", who, parent)
				}
			}
			if who == principalA {
				for key := range shown {
					if !strings.HasPrefix(key, "organizer/") && !strings.Contains(key, "Ekbacka") {
						t.Errorf("principal of Ekbacka sees %s", key)
					}
				}
			}
		}
		board := e.login(boardEmail)
		csv := board.get(fmt.Sprintf("/surveys/rounds/%d/results.csv", rid))
		if csv.status != http.StatusOK {
			t.Fatalf("csv: %d", csv.status)
		}
		for _, line := range strings.Split(csv.body, "\n") {
			if strings.Contains(line, "Kvarnbyskolan · 8B") || strings.Contains(line, "Kvarnbyskolan · 8A") {
				cells := strings.Split(line, ";")
				if len(cells) < 4 || !strings.Contains(cells[2], "färre än") || regexp.MustCompile(`;\d+[,.]?\d*\r?$`).MatchString(line) {
					t.Errorf("CSV shows a suppressed class: %s", line)
				}
			}
		}
		page := board.get(fmt.Sprintf("/surveys/rounds/%d", rid))
		if page.status != http.StatusOK || !strings.Contains(page.body, "färre än") {
			t.Errorf("round page for the board: %d", page.status)
		}
		if r := board.get(fmt.Sprintf("/surveys/rounds/%d/texts", rid)); r.status != http.StatusForbidden {
			t.Errorf("board reads free texts: %d", r.status)
		}
		texts := e.login(principalA).get(fmt.Sprintf("/surveys/rounds/%d/texts", rid))
		if texts.status != http.StatusOK || strings.Contains(texts.body, "Elias") {
			t.Errorf("principal's texts: %d, a flagged name shown: %v", texts.status, strings.Contains(texts.body, "Elias"))
		}
		var inds struct {
			Indicators []struct {
				Key    string `json:"key"`
				Source string `json:"source"`
			} `json:"indicators"`
		}
		board.get("/api/v1/indicators").json(t, &inds)
		found := false
		for _, i := range inds.Indicators {
			found = found || (i.Key == "survey.pupil.safety" && i.Source == "survey")
		}
		if !found {
			t.Error("GET /api/v1/indicators lacks survey.pupil.safety with source survey")
		}
	})
}

// TestSurveyAnswering: a round open today; a pupil reaches the form by
// the class code, in Swedish, Arabic and easy-to-read Swedish, and
// answers; a guardian's personal link answers once and is then refused.
func TestSurveyAnswering(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		today := civil.Today(store.Now())
		closes, _ := civil.AddDays(today, 3)
		if sy, _ := survey.SchoolYear(today); func() string { s, _ := survey.SchoolYear(closes); return s }() != sy {
			closes = today
		}
		off := e.login("skolchef@exempelby.example")
		var pupilSurvey, guardianSurvey int64
		_ = e.db.QueryRow(ctx, "SELECT id FROM surveys WHERE audience = 'pupil'").Scan(&pupilSurvey)
		_ = e.db.QueryRow(ctx, "SELECT id FROM surveys WHERE audience = 'guardian'").Scan(&guardianSurvey)
		newRound := func(sid int64) string {
			r := off.post("/surveys/rounds", url.Values{"survey": {itoa(sid)}, "round_name": {"Test"}, "opens_on": {today}, "closes_on": {closes}})
			if r.status != http.StatusSeeOther {
				t.Fatalf("new round: %d %s", r.status, r.body)
			}
			return r.header.Get("Location")
		}
		round := newRound(pupilSurvey)
		if r := off.post(round+"/groups", url.Values{"unit": {itoa(e.unitID(unitA))}, "year": {"5"}, "label": {"5C"}, "invited": {"24"}}); r.status != http.StatusSeeOther {
			t.Fatalf("add class: %d %s", r.status, r.body)
		}
		var code string
		_ = e.db.QueryRow(ctx, "SELECT code FROM survey_groups WHERE label = '5C'").Scan(&code)
		if r := off.get(round); r.status != http.StatusOK || !strings.Contains(r.body, code) || !strings.Contains(r.body, "qr.svg") {
			t.Errorf("round page lacks the class code or its QR code: %d", r.status)
		}
		pupil := e.client()
		if r := pupil.get("/survey"); r.status != http.StatusOK {
			t.Fatalf("/survey: %d", r.status)
		}
		if r := pupil.post("/survey", url.Values{"code": {"NOPE"}}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("a wrong code: %d", r.status)
		}
		r := pupil.post("/survey", url.Values{"code": {strings.ToLower(code[:4]) + " " + code[4:]}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/survey/c/"+code {
			t.Fatalf("code: %d %s", r.status, r.header.Get("Location"))
		}
		form := pupil.get("/survey/c/" + code)
		if form.status != http.StatusOK || !strings.Contains(form.body, "Jag känner mig trygg i skolan.") {
			t.Fatalf("form: %d", form.status)
		}
		if r := pupil.get("/survey/c/" + code + "?easy=1"); !strings.Contains(r.body, `lang="sv-x-easy"`) || !strings.Contains(r.body, "Jag känner mig trygg på rasten.") {
			t.Error("the easy-to-read form is not in easy-to-read Swedish")
		}
		arabic := e.client()
		arabic.post("/language", url.Values{"lang": {"ar"}, "next": {"/survey/c/" + code}})
		if r := arabic.get("/survey/c/" + code); !strings.Contains(r.body, `dir="rtl"`) || !strings.Contains(r.body, "أشعر بالأمان في المدرسة.") {
			t.Error("the Arabic form is not in Arabic")
		}
		ids := regexp.MustCompile(`name="(q\d+)"`).FindAllStringSubmatch(form.body, -1)
		answers := url.Values{"text": {"Bra."}}
		for _, m := range ids {
			answers.Set(m[1], "4")
		}
		if r := pupil.post("/survey/c/"+code, answers); r.status != http.StatusOK || !strings.Contains(r.body, "Tack") {
			t.Fatalf("answer: %d %s", r.status, r.body)
		}
		if r := pupil.post("/survey/c/"+code, url.Values{}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("an empty answer: %d", r.status)
		}
		if n := e.count("SELECT COUNT(*) FROM survey_responses r JOIN survey_groups g ON g.id = r.group_id WHERE g.code = ?", code); n != 1 {
			t.Errorf("%d responses stored", n)
		}

		groundGuard := newRound(guardianSurvey)
		if r := off.post(groundGuard+"/groups", url.Values{"unit": {itoa(e.unitID(unitA))}}); r.status != http.StatusSeeOther {
			t.Fatalf("add guardians: %d %s", r.status, r.body)
		}
		var gid int64
		_ = e.db.QueryRow(ctx, "SELECT MAX(id) FROM survey_groups WHERE kind = 'guardians'").Scan(&gid)
		if r := off.post(groundGuard+"/invite", url.Values{"group": {itoa(gid)}, "language": {"sv"}, "addresses": {"vh1@example.org\nvh2@example.org"}}); r.status != http.StatusSeeOther {
			t.Fatalf("invite: %d %s", r.status, r.body)
		}
		var body string
		_ = e.db.QueryRow(ctx, "SELECT body_text FROM outbox WHERE to_addr = 'vh1@example.org'").Scan(&body)
		m := regexp.MustCompile(`/survey/p/([0-9a-f]+)`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no link in the mail: %q", body)
		}
		link := "/survey/p/" + m[1]
		g := e.client()
		gform := g.get(link)
		gids := regexp.MustCompile(`name="(q\d+)"`).FindAllStringSubmatch(gform.body, -1)
		ga := url.Values{}
		for _, x := range gids {
			ga.Set(x[1], "dk")
		}
		ga.Set(gids[0][1], "5")
		if r := g.post(link, ga); r.status != http.StatusOK {
			t.Fatalf("guardian's answer: %d", r.status)
		}
		if r := g.post(link, ga); r.status != http.StatusConflict || !strings.Contains(r.body, "redan använts") {
			t.Errorf("second answer through the link: %d", r.status)
		}
		if r := g.get(link); r.status != http.StatusConflict {
			t.Errorf("the used link's form: %d", r.status)
		}
		var res apiSurveyResults
		off.get("/api/v1/surveys/"+strings.TrimPrefix(groundGuard, "/surveys/rounds/")+"/results").json(t, &res)
		b, _ := json.Marshal(res)
		if strings.Contains(string(b), `"level":"unit"`) {
			t.Errorf("a unit with one answer is shown: %s", b)
		}
	})
}
