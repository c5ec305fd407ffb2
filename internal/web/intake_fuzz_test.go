package web_test

import (
	"bytes"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/web"
)

// TestIntakeNeverFails throws malformed input at the public intake — broken
// UTF-8, control characters, huge and empty fields, wrong types, broken
// multipart and JSON — and requires an answer below 500 every time.
func TestIntakeNeverFails(t *testing.T) {
	e := start(t, demoSQLite(t), web.Options{})
	rng := rand.New(rand.NewPCG(1, 2))
	junk := func() string {
		switch rng.IntN(8) {
		case 0:
			return ""
		case 1:
			return strings.Repeat("å", 10001)
		case 2:
			return "\xff\xfe\x00\x01\x1b[31m"
		case 3:
			return "<script>alert(1)</script>"
		case 4:
			return "'; DROP TABLE complaints; --"
		case 5:
			return "\u202eevil\u2028line"
		case 6:
			return itoa(rng.Int64())
		}
		b := make([]byte, rng.IntN(64))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		return string(b)
	}
	fields := []string{"filerRole", "unit", "kind", "category", "concernsPrincipal", "whatHappened", "desiredOutcome", "name", "email", "phone", "key"}
	c := e.client()
	for i := range 150 {
		form := map[string]string{}
		for _, f := range fields {
			if rng.IntN(3) > 0 {
				form[f] = junk()
			}
		}
		var files [][3]string
		if rng.IntN(3) == 0 {
			files = append(files, [3]string{"attachments", junk(), junk()})
		}
		if r := c.postMultipart("/complaints", form, files...); r.status >= 500 {
			t.Fatalf("form #%d: %d\n%s", i, r.status, r.body)
		}
		body := map[string]any{}
		for _, f := range fields {
			switch rng.IntN(4) {
			case 0:
				body[f] = junk()
			case 1:
				body[f] = rng.Int64()
			case 2:
				body[f] = []any{junk(), nil}
			}
		}
		if r := c.postJSON("/api/v1/complaints", body); r.status >= 500 {
			t.Fatalf("api #%d: %d\n%s", i, r.status, r.body)
		}
	}
	for _, raw := range []string{"", "{", "null", "[]", `{"unit": {"a": 1}}`, strings.Repeat("[", 100000)} {
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/complaints", bytes.NewReader([]byte(raw)))
		if r := c.do(req); r.status >= 500 {
			t.Fatalf("raw %.20q: %d", raw, r.status)
		}
	}
	req, _ := http.NewRequest("POST", e.srv.URL+"/complaints", strings.NewReader("--x\r\nbroken"))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	if r := c.do(req); r.status >= 500 {
		t.Fatalf("broken multipart: %d", r.status)
	}
}
