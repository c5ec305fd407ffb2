package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/web"
)

// The OpenAPI document checked against the server's answers with a real
// validator (kin-openapi): every request the tests send and every answer
// they get must agree with internal/web/openapi.json, statuses included.

// apiChecker validates requests and answers against the served document.
type apiChecker struct {
	e      *env
	doc    *openapi3.T
	router routers.Router
	ok     map[string]bool // operations ("GET /api/v1/units") that answered 2xx
}

func (e *env) apiChecker(t *testing.T) *apiChecker {
	t.Helper()
	r := e.client().get("/api/openapi.json")
	if r.status != http.StatusOK {
		t.Fatalf("GET /api/openapi.json: %d", r.status)
	}
	loader := openapi3.NewLoader()
	if _, err := openapi3.NewLoader().LoadFromData([]byte(r.body)); err != nil {
		t.Fatalf("load openapi.json: %v", err)
	}
	doc, err := loader.LoadFromData(closeObjects(t, []byte(r.body)))
	if err != nil {
		t.Fatalf("load openapi.json: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI document: %v", err)
	}
	doc.Servers = nil // route on the path alone, whatever the test server's address
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return &apiChecker{e: e, doc: doc, router: router, ok: map[string]bool{}}
}

// closeObjects returns the document with "additionalProperties": false on
// every object schema that lists its properties and says nothing of others,
// so that the validator also fails on members an answer has and the
// document does not name (a renamed field, say). The document itself stays
// open: clients should ignore members they do not know.
func closeObjects(t *testing.T, doc []byte) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatal(err)
	}
	var walk func(x any)
	walk = func(x any) {
		switch x := x.(type) {
		case map[string]any:
			if props, ok := x["properties"].(map[string]any); ok && len(props) > 0 {
				if _, set := x["additionalProperties"]; !set {
					x["additionalProperties"] = false
				}
			}
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	walk(v)
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// tokenClients returns a client per role holding a bearer token of the
// demo person with that role, and "anonymous" without credentials.
func (e *env) tokenClients(t *testing.T) map[string]*client {
	t.Helper()
	out := map[string]*client{"anonymous": e.client()}
	for _, a := range demo.Accounts {
		token, err := auth.CreateToken(context.Background(), e.db, e.personID(a.Email), "openapi test", 0)
		if err != nil {
			t.Fatal(err)
		}
		c := e.client()
		c.token = token
		out[string(a.Role)] = c
	}
	return out
}

// call sends method path (with body as JSON when not nil) as c, checks the
// request and the answer against the document, and returns the answer.
func (ac *apiChecker) call(t *testing.T, who string, c *client, method, path string, body any, header ...string) response {
	t.Helper()
	return ac.send(t, true, who, c, method, path, body, header...)
}

// callBad is call for a request the document itself says is invalid.
func (ac *apiChecker) callBad(t *testing.T, who string, c *client, method, path string, body any, header ...string) response {
	t.Helper()
	return ac.send(t, false, who, c, method, path, body, header...)
}

func (ac *apiChecker) send(t *testing.T, valid bool, who string, c *client, method, path string, body any, header ...string) response {
	t.Helper()
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			t.Fatal(err)
		}
	}
	newReq := func() *http.Request {
		req, err := http.NewRequest(method, ac.e.srv.URL+path, bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		return req
	}
	req := newReq()
	route, params, err := ac.router.FindRoute(req)
	if err != nil {
		t.Errorf("%s %s: not in openapi.json: %v", method, path, err)
		return c.do(newReq())
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	if err := openapi3filter.ValidateRequest(context.Background(), in); valid && err != nil {
		t.Errorf("%s %s as %s: the request disagrees with openapi.json: %v", method, path, who, err)
	} else if !valid && err == nil {
		t.Errorf("%s %s as %s: openapi.json allows this request, which the test sends as an invalid one", method, path, who)
	}
	if !valid {
		// The failed validation read the body; validate the answer
		// against the operation without it.
		in = &openapi3filter.RequestValidationInput{Request: newReq(), PathParams: params, Route: route}
	}
	res := c.do(newReq())
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.status, Header: res.header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
	out.SetBodyBytes([]byte(res.body))
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("%s %s as %s: the %d answer disagrees with openapi.json: %v\n%.600s", method, path, who, res.status, err, res.body)
	}
	if res.status/100 == 2 {
		ac.ok[method+" "+route.Path] = true
	}
	return res
}

// submission is a valid body for POST /api/v1/complaints.
func (e *env) submission() map[string]any {
	return map[string]any{
		"filerRole": "guardian", "unit": e.unitID(unitA), "kind": "complaint", "category": "teaching",
		"whatHappened": "Läxorna rättas inte.", "desiredOutcome": "Återkoppling varje vecka.",
		"name": "Vera Vårdnadshavare", "email": "vera@example.org", "language": "sv",
		"attachments": []map[string]string{{"filename": "brev.pdf", "content": base64.StdEncoding.EncodeToString([]byte(pdf))}},
	}
}

// TestOpenAPIAgreesWithAnswers calls every documented operation as
// anonymous callers and as a demo person of every role (with a bearer
// token), plus queries and failures the document describes, and checks each
// request and answer with kin-openapi's validator. Every operation must
// have answered 2xx at least once, and the callers the route table lets in
// must never be refused.
func TestOpenAPIAgreesWithAnswers(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ac := e.apiChecker(t)
		clients := e.tokenClients(t)
		// A case of the officer's, so that GET /api/v1/cases/{id} has one to show.
		if r := ac.call(t, "anonymous", clients["anonymous"], http.MethodPost, "/api/v1/complaints", e.submission()); r.status != http.StatusCreated {
			t.Fatalf("submission: %d %s", r.status, r.body)
		}
		ids := e.demoIDs()
		who := []string{"anonymous"}
		for _, r := range auth.Roles {
			who = append(who, string(r))
		}
		for _, rt := range web.Routes() {
			if !strings.HasPrefix(rt.Path, "/api/") || rt.Method == "" {
				continue
			}
			path := ids.fill(http.MethodGet, rt.Path) // real ids, also for the one POST (which has none)
			allowed := allowedRoles(rt.Permission)
			for _, role := range who {
				var body any
				if rt.Method == http.MethodPost {
					body = e.submission()
				}
				res := ac.call(t, role, clients[role], rt.Method, path, body)
				refused := res.status == http.StatusUnauthorized || res.status == http.StatusForbidden
				if slices.Contains(allowed, role) == refused {
					t.Errorf("%s %s as %s: %d, the route table allows %v", rt.Method, path, role, res.status, allowed)
				}
			}
		}

		// Queries and failures the document describes.
		officer, board, principal, admin := clients["officer"], clients["board"], clients["principal"], clients["admin"]
		unit := itoa(e.unitID(unitA))
		for _, c := range []struct {
			who  string
			c    *client
			path string
			want int
			bad  bool // the document says the request is invalid
		}{
			{"officer", officer, "/api/v1/cases?status=registered&mine=1&overdue=1&q=x&offset=0", 200, false},
			{"officer", officer, "/api/v1/cases?unit=" + unit, 200, false},
			{"officer", officer, "/api/v1/cases/999999", 404, false},
			{"principal", principal, "/api/v1/units/" + itoa(e.unitID(unitB)), 404, false},
			{"admin", admin, "/api/v1/people?role=principal&unit=" + unit + "&q=a", 200, false},
			{"admin", admin, "/api/v1/people/999999", 404, false},
			{"admin", admin, "/api/v1/audit?action=read", 200, false},
			{"board", board, "/api/v1/complaint-trends?from=2026-01-01&to=2026-06-30&kind=complaint", 200, false},
			{"board", board, "/api/v1/complaint-trends?from=2020-01-01&to=2022-01-01", 422, false},
			{"officer", officer, "/api/v1/indicators/merit_value_9/values?year=2024/25", 200, false},
			{"officer", officer, "/api/v1/indicators/nope/values", 404, false},
			{"officer", officer, "/api/v1/unitpicture/adjusted?model=salsa2016", 200, false},
			{"officer", officer, "/api/v1/unitpicture/adjusted?model=nope", 422, true},
			{"officer", officer, "/api/v1/unitpicture/units/" + unit + "?baseline=2021/22", 200, false},
			{"officer", officer, "/api/v1/unitpicture/units/999999", 404, false},
			{"officer", officer, "/api/v1/placement/rounds/999999", 404, false},
			{"officer", officer, "/api/v1/dialogues?term=VT%202026&unit=" + unit, 200, false},
			{"officer", officer, "/api/v1/dialogues/999999", 404, false},
			{"officer", officer, "/api/v1/actions?status=planned&unit=" + unit, 200, false},
			{"anonymous", clients["anonymous"], "/api/v1/cases", 401, false},
			{"board", board, "/api/v1/people", 403, false},
		} {
			if r := ac.send(t, !c.bad, c.who, c.c, http.MethodGet, c.path, nil); r.status != c.want {
				t.Errorf("GET %s as %s: %d, want %d", c.path, c.who, r.status, c.want)
			}
		}
		// A token that is not valid is refused also where none is needed.
		bogus := e.client()
		bogus.token = "sdk_not-a-real-token"
		for _, rt := range web.Routes() {
			if strings.HasPrefix(rt.Path, "/api/") && rt.Method != "" && slices.Contains(allowedRoles(rt.Permission), "anonymous") {
				var body any
				if rt.Method == http.MethodPost {
					body = e.submission()
				}
				if r := ac.call(t, "unknown token", bogus, rt.Method, rt.Path, body); r.status != http.StatusUnauthorized {
					t.Errorf("%s %s with an unknown token: %d, want 401", rt.Method, rt.Path, r.status)
				}
			}
		}

		// An API client (clientAuth): files complaints, reads what is public, nothing else.
		platform := e.newAPIClient("OpenAPI-plattformen", 600)
		if r := ac.call(t, "api client", platform, http.MethodPost, "/api/v1/complaints", e.submission(), "Idempotency-Key", "openapi-1"); r.status != http.StatusCreated {
			t.Errorf("an API client's submission: %d %s", r.status, r.body)
		}
		if r := ac.call(t, "api client", platform, http.MethodGet, "/api/v1/complaint-categories", nil); r.status != http.StatusOK {
			t.Errorf("an API client reading the categories: %d", r.status)
		}
		if r := ac.call(t, "api client", platform, http.MethodGet, "/api/v1/cases", nil); r.status != http.StatusForbidden {
			t.Errorf("an API client reading cases: %d, want 403", r.status)
		}

		anon := clients["anonymous"]
		sub := e.submission()
		first := ac.call(t, "anonymous", anon, http.MethodPost, "/api/v1/complaints", sub, "Idempotency-Key", "openapi-1")
		again := ac.call(t, "anonymous", anon, http.MethodPost, "/api/v1/complaints", sub, "Idempotency-Key", "openapi-1")
		if first.status != http.StatusCreated || again.status != http.StatusOK {
			t.Errorf("submission and its repeat: %d, %d", first.status, again.status)
		}
		other := e.submission()
		other["whatHappened"] = "Något annat."
		if r := ac.call(t, "anonymous", anon, http.MethodPost, "/api/v1/complaints", other, "Idempotency-Key", "openapi-1"); r.status != http.StatusUnprocessableEntity {
			t.Errorf("the key again with another body: %d", r.status)
		}
		if r := ac.callBad(t, "anonymous", anon, http.MethodPost, "/api/v1/complaints", e.submission(), "Content-Type", "multipart/form-data; boundary=x"); r.status != http.StatusUnsupportedMediaType {
			t.Errorf("a multipart submission: %d", r.status)
		}
		huge := e.submission()
		huge["whatHappened"] = strings.Repeat("a", 70<<20)
		if r := ac.callBad(t, "anonymous", anon, http.MethodPost, "/api/v1/complaints", huge); r.status != http.StatusRequestEntityTooLarge {
			t.Errorf("a submission over the limit: %d", r.status)
		}
		sub["unit"] = "organization"
		sub["concernsPrincipal"] = true
		delete(sub, "attachments")
		if r := ac.call(t, "anonymous", anon, http.MethodPost, "/api/v1/complaints", sub); r.status != http.StatusCreated {
			t.Errorf("submission about the organization: %d", r.status)
		}
		sub["whatHappened"] = ""
		if r := ac.callBad(t, "anonymous", anon, http.MethodPost, "/api/v1/complaints", sub); r.status != http.StatusUnprocessableEntity {
			t.Errorf("submission without a text: %d", r.status)
		}

		for path, item := range ac.doc.Paths.Map() {
			for method := range item.Operations() {
				if !ac.ok[method+" "+path] {
					t.Errorf("%s %s never answered 2xx in this test", method, path)
				}
			}
		}
	})
}

// TestOpenAPIDocumentsEveryAPIRoute: every /api/ route of the table is in
// the document, and the document has nothing the table does not serve.
func TestOpenAPIDocumentsEveryAPIRoute(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		doc := e.apiChecker(t).doc
		served := map[string]bool{}
		n := 0
		for _, rt := range web.Routes() {
			if !strings.HasPrefix(rt.Path, "/api/") || rt.Method == "" { // the catch-all "/api/" answers 404
				continue
			}
			served[rt.Method+" "+rt.Path] = true
			n++
			if doc.Paths.Find(rt.Path) == nil || doc.Paths.Find(rt.Path).GetOperation(rt.Method) == nil {
				t.Errorf("openapi.json does not document %s %s", rt.Method, rt.Path)
			}
		}
		if n < 20 {
			t.Fatalf("found only %d API routes in the route table", n)
		}
		for path, item := range doc.Paths.Map() {
			for method := range item.Operations() {
				if !served[method+" "+path] {
					t.Errorf("openapi.json documents %s %s, which the route table does not serve", method, path)
				}
			}
		}
	})
}
