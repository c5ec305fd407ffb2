package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// Demo people: Petra leads Ekbacka (92000201); Björn leads Björkdalen (92000202).
const (
	principalA = "rektor.ekbacka@exempelby.example"
	principalB = "rektor.bjorkdalen@exempelby.example"
	unitA      = "92000201"
	unitB      = "92000202"
	boardEmail = "ordforande@exempelby.example"
	analyst    = "analys@exempelby.example"
	admin      = "admin@exempelby.example"
	officer    = "klagomal@exempelby.example"
)

func TestPrincipalSeesOnlyOwnUnits(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a := e.login(principalA)
		idA, idB := e.unitID(unitA), e.unitID(unitB)
		personB := e.personID(principalB)

		if r := a.get("/units/" + itoa(idA)); r.status != http.StatusOK || !strings.Contains(r.body, "Ekbacka skola") {
			t.Fatalf("own unit page: %d", r.status)
		}
		for _, path := range []string{
			"/units/" + itoa(idB),
			"/people/" + itoa(personB),
			"/api/v1/units/" + itoa(idB),
			"/api/v1/people/" + itoa(personB),
		} {
			if r := a.get(path); r.status != http.StatusNotFound {
				t.Errorf("GET %s as principal of A: %d, want 404", path, r.status)
			} else if strings.Contains(r.body, "Björkman") || strings.Contains(r.body, "Björkdalen") {
				t.Errorf("GET %s 404 page reveals unit B's data", path)
			}
		}
		for _, path := range []string{"/units", "/people", "/api/v1/units", "/api/v1/people", "/people?unit=" + itoa(idB)} {
			r := a.get(path)
			if r.status != http.StatusOK {
				t.Fatalf("GET %s: %d", path, r.status)
			}
			if strings.Contains(r.body, "Björkdalen") || strings.Contains(r.body, principalB) || strings.Contains(r.body, "Björn Björkman") {
				t.Errorf("GET %s as principal of A lists unit B or its staff", path)
			}
			if !strings.Contains(r.body, "Ekbacka") && !strings.Contains(r.body, principalA) && !strings.Contains(r.body, "Petra") {
				t.Errorf("GET %s as principal of A does not list their own unit or people", path)
			}
		}
		// The administration is closed to principals.
		for _, path := range []string{"/admin", "/admin/units/" + itoa(idB), "/admin/people/" + itoa(personB), "/admin/audit"} {
			if r := a.get(path); r.status != http.StatusForbidden {
				t.Errorf("GET %s as principal: %d, want 403", path, r.status)
			}
		}
	})
}

func TestBoardMemberSeesNoPersonalData(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		b := e.login(boardEmail)
		personA := e.personID(principalA)
		for _, path := range []string{
			"/people", "/people/" + itoa(personA), "/units", "/units/" + itoa(e.unitID(unitA)),
			"/api/v1/people", "/api/v1/people/" + itoa(personA), "/api/v1/units/" + itoa(e.unitID(unitA)), "/admin", "/admin/audit", "/api/v1/audit",
		} {
			if r := b.get(path); r.status != http.StatusForbidden {
				t.Errorf("GET %s as board member: %d, want 403", path, r.status)
			}
		}
		r := b.get("/overview")
		if r.status != http.StatusOK {
			t.Fatalf("overview: %d", r.status)
		}
		if strings.Contains(r.body, "@exempelby.example") || strings.Contains(r.body, "Petra") || strings.Contains(r.body, "Rektorsson") {
			t.Error("overview shows personal data to a board member")
		}
		// The demo has 1 admin and 1 analyst: groups below 5 are suppressed.
		var ov struct {
			Staff []struct {
				Role  string `json:"role"`
				Count *int   `json:"count"`
			} `json:"staffByRole"`
		}
		b.get("/api/v1/overview").json(t, &ov)
		got := map[string]*int{}
		for _, s := range ov.Staff {
			got[s.Role] = s.Count
		}
		if got["admin"] != nil || got["analyst"] != nil {
			t.Errorf("small groups not suppressed: admin=%v analyst=%v", got["admin"], got["analyst"])
		}
		if got["principal"] == nil || *got["principal"] != 13 {
			t.Errorf("principal count = %v, want 13", got["principal"])
		}
	})
}

func TestAnalystSeesUnitsButNotPeople(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.login(analyst)
		if r := c.get("/units"); r.status != http.StatusOK || !strings.Contains(r.body, "Björkdalens skola") {
			t.Errorf("analyst /units: %d", r.status)
		}
		r := c.get("/units/" + itoa(e.unitID(unitA)))
		if r.status != http.StatusOK || strings.Contains(r.body, "Petra Rektorsson") {
			t.Errorf("analyst unit page: %d, shows staff: %v", r.status, strings.Contains(r.body, "Petra"))
		}
		if r := c.get("/people"); r.status != http.StatusForbidden {
			t.Errorf("analyst /people: %d, want 403", r.status)
		}
	})
}

func TestOfficerSeesEveryUnitAndPerson(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.login(officer)
		r := c.get("/people")
		if r.status != http.StatusOK || !strings.Contains(r.body, "Björn Björkman") || !strings.Contains(r.body, "Petra Rektorsson") {
			t.Errorf("officer /people: %d", r.status)
		}
		if r := c.get("/admin"); r.status != http.StatusForbidden {
			t.Errorf("officer /admin: %d, want 403", r.status)
		}
	})
}

func TestAnonymousIsSentToLogin(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.client()
		r := c.get("/people")
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/login?next=%2Fpeople" {
			t.Errorf("anonymous /people: %d %s", r.status, r.header.Get("Location"))
		}
		r = c.get("/api/v1/people")
		if r.status != http.StatusUnauthorized || r.header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("anonymous API: %d %s", r.status, r.header.Get("Content-Type"))
		}
	})
}
