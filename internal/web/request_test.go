package web

import (
	"bytes"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/app"
)

func TestPathID(t *testing.T) {
	for v, want := range map[string]int64{"1": 1, "4711": 4711, "0": 0, "-3": 0, "abc": 0, "": 0, "99999999999999999999": 0, "1e3": 0} {
		r := httptest.NewRequest("GET", "/x", nil)
		r.SetPathValue("id", v)
		id, err := pathID(r, "id")
		switch {
		case want > 0 && (err != nil || id != want):
			t.Errorf("pathID(%q) = %d, %v; want %d", v, id, err, want)
		case want == 0 && app.Code(err) != app.ENOTFOUND:
			t.Errorf("pathID(%q) = %d, %v; want not found", v, id, err)
		}
	}
}

func TestUploadLimits(t *testing.T) {
	post := func(file []byte) (*httptest.ResponseRecorder, *bytes.Buffer, string) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField("name", "  Höstens omgång ")
		fw, _ := mw.CreateFormFile("network_file", "karta.osm")
		_, _ = fw.Write(file)
		_ = mw.Close()
		return httptest.NewRecorder(), &body, mw.FormDataContentType()
	}
	const limit = 1 << 10
	w, body, ct := post(bytes.Repeat([]byte("a"), limit))
	r := httptest.NewRequest("POST", "/x", body)
	r.Header.Set("Content-Type", ct)
	if err := parseMultipart(w, r, limit); err != nil {
		t.Fatal(err)
	}
	b, name, err := readUpload(r, "network_file", limit)
	if err != nil || len(b) != limit || name != "karta.osm" {
		t.Errorf("a file at the limit: %d bytes, %q, %v", len(b), name, err)
	}
	if v := formValues(r, "name"); v["name"] != "Höstens omgång" {
		t.Errorf("formValues: %q", v)
	}
	if b, _, err := readUpload(r, "missing", limit); b != nil || err != nil {
		t.Errorf("a missing optional file: %v, %v", b, err)
	}

	w, body, ct = post(bytes.Repeat([]byte("a"), limit+1))
	r = httptest.NewRequest("POST", "/x", body)
	r.Header.Set("Content-Type", ct)
	if err := parseMultipart(w, r, limit); err != nil {
		t.Fatal(err)
	}
	if _, _, err := readUpload(r, "network_file", limit); app.Code(err) != app.EINVALID {
		t.Errorf("a file over the limit: %v", err)
	}

	// A body far over the limit is refused before it is read whole.
	w, body, ct = post(bytes.Repeat([]byte("a"), limit+2<<20))
	r = httptest.NewRequest("POST", "/x", body)
	r.Header.Set("Content-Type", ct)
	if err := parseMultipart(w, r, limit); app.Code(err) != app.EINVALID {
		t.Errorf("a request over the limit: %v", err)
	}

	// A plain form is parsed too.
	r = httptest.NewRequest("POST", "/x", strings.NewReader("name=x"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if err := parseMultipart(httptest.NewRecorder(), r, limit); err != nil || r.PostFormValue("name") != "x" {
		t.Errorf("a plain form: %v", err)
	}
}
