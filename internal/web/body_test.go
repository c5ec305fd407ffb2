package web_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/web"
)

// multipartBody streams a multipart form with the given fields and one
// file of size bytes, without holding the file in memory.
func multipartBody(fields map[string]string, fileField string, size int64) (io.Reader, string) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		for k, v := range fields {
			_ = mw.WriteField(k, v)
		}
		f, err := mw.CreateFormFile(fileField, "big.bin")
		if err == nil {
			_, err = io.CopyN(f, zeros{}, size)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	return pr, mw.FormDataContentType()
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// spooled lists the multipart files Go left in dir.
func spooled(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "multipart-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A multipart body sent to a route that takes no files is refused before
// anything is spooled, and whatever an upload route spools is removed when
// its handler returns, whatever the answer. The probe left a 2,000 MB file
// in /tmp after a 401 from /login. Not parallel: it points TMPDIR, where
// Go spools multipart files, to a directory of its own.
func TestNoMultipartLeftOnDisk(t *testing.T) {
	db := demoSQLite(t) // before TMPDIR moves: the demo's template lives in the real one
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	e := start(t, db, web.Options{})
	const big = 40 << 20 // over the 32 MB Go keeps in memory, so it is spooled
	anon := e.client()
	officer := e.login("klagomal@exempelby.example")
	for _, tc := range []struct {
		c     *client
		path  string
		field string
		size  int64
		want  int
	}{
		{anon, "/login", "email", big, http.StatusUnsupportedMediaType},
		{anon, "/password/forgot", "email", big, http.StatusUnsupportedMediaType},
		{anon, "/language", "lang", big, http.StatusUnsupportedMediaType},
		{anon, "/password/reset/nosuchtoken", "password", big, http.StatusUnsupportedMediaType},
		{officer, "/cases/1/note", "body", big, http.StatusUnsupportedMediaType},
		{officer, "/meetings", "title", big, http.StatusUnsupportedMediaType},
		// Upload routes take files; what their handlers leave is removed.
		{officer, "/placement/networks", "junk", big, http.StatusUnprocessableEntity},
		{officer, "/placement/rounds", "junk", big, http.StatusUnprocessableEntity},
	} {
		body, ctype := multipartBody(map[string]string{"email": "x@example.org", "password": "x"}, tc.field, tc.size)
		req, _ := http.NewRequest("POST", e.srv.URL+tc.path, body)
		req.Header.Set("Content-Type", ctype)
		res := tc.c.do(req)
		if res.status != tc.want {
			t.Errorf("POST %s multipart: status %d, want %d", tc.path, res.status, tc.want)
		}
		if left := spooled(t, tmp); len(left) > 0 {
			t.Errorf("POST %s left %d spooled files: %v", tc.path, len(left), left)
			for _, f := range left {
				_ = os.Remove(f)
			}
		}
	}
}

// Bodies over a route's limit are refused with 413 and a clear message,
// and the refusal does not depend on the client declaring the length.
func TestBodyLimits(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		anon := e.client()
		// A plain form over 1 MB where only short fields are taken.
		huge := "email=" + strings.Repeat("a", 2<<20)
		for _, chunked := range []bool{false, true} {
			var body io.Reader = strings.NewReader(huge)
			if chunked {
				body = io.MultiReader(strings.NewReader(huge)) // no length known
			}
			req, _ := http.NewRequest("POST", e.srv.URL+"/password/forgot", body)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res := anon.do(req)
			if res.status != http.StatusRequestEntityTooLarge || !strings.Contains(res.body, "för stort") {
				t.Errorf("form of 2 MB (chunked %v): status %d, want 413 with a message\n%.300s", chunked, res.status, res.body)
			}
		}
		// The JSON intake: a body over the most a submission can be (five
		// attachments of 10 MB in base64, and the texts) is 413, not a
		// JSON error after reading 69 MB.
		var limit int64
		for _, rt := range web.Routes() {
			if rt.Method == "POST" && rt.Path == "/api/v1/complaints" {
				limit = rt.MaxBody
			}
		}
		if limit < 50<<20 {
			t.Fatalf("JSON intake limit %d: below five attachments of 10 MB", limit)
		}
		over := bytes.Repeat([]byte(" "), int(limit)+1)
		for _, chunked := range []bool{false, true} {
			var body io.Reader = bytes.NewReader(over)
			if chunked {
				body = io.MultiReader(bytes.NewReader(over))
			}
			req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/complaints", body)
			req.Header.Set("Content-Type", "application/json")
			res := anon.do(req)
			if res.status != http.StatusRequestEntityTooLarge || !strings.Contains(res.header.Get("Content-Type"), "problem+json") {
				t.Errorf("JSON intake over the limit (chunked %v): status %d %s, want 413 problem+json", chunked, res.status, res.header.Get("Content-Type"))
			}
		}
		// Every route's rule is declared: the routes that take files, and
		// only they, take multipart.
		for _, rt := range web.Routes() {
			if rt.Files && rt.Method != "POST" || rt.MaxBody <= 0 {
				t.Errorf("%s %s: body rule %d bytes, files %v", rt.Method, rt.Path, rt.MaxBody, rt.Files)
			}
		}
	})
}
