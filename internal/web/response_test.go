package web

import (
	"mime"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestContentDisposition(t *testing.T) {
	for _, tc := range []struct {
		name, disposition, filename string
		want                        string // the exact header, when given
		wantName                    string // the name a client reads back
	}{
		{name: "plain ASCII", disposition: "attachment", filename: "audit-20260401-101500.csv",
			want: `attachment; filename="audit-20260401-101500.csv"`, wantName: "audit-20260401-101500.csv"},
		{name: "inline PDF", disposition: "inline", filename: "rektorsmote-7.pdf",
			want: `inline; filename="rektorsmote-7.pdf"`, wantName: "rektorsmote-7.pdf"},
		{name: "Swedish letters", disposition: "attachment", filename: "Klagomålsrapport-Östra ängen.xlsx",
			want:     `attachment; filename="Klagomalsrapport-Ostra angen.xlsx"; filename*=UTF-8''Klagom%C3%A5lsrapport-%C3%96stra%20%C3%A4ngen.xlsx`,
			wantName: "Klagomålsrapport-Östra ängen.xlsx"},
		{name: "Arabic", disposition: "attachment", filename: "شكوى.pdf", wantName: "شكوى.pdf"},
		{name: "quotes cannot end the value", disposition: "attachment", filename: `a"; filename="evil.exe`,
			wantName: `a"; filename="evil.exe`},
		{name: "newlines cannot start a header", disposition: "attachment", filename: "a\r\nSet-Cookie: x=1.csv",
			wantName: "a__Set-Cookie: x=1.csv"},
		{name: "no folders", disposition: "attachment", filename: `..\..\etc/passwd`, wantName: ".._.._etc_passwd"},
		{name: "percent", disposition: "attachment", filename: "100%.csv", wantName: "100%.csv"},
		{name: "empty", disposition: "attachment", filename: "  ", want: `attachment; filename="download"`, wantName: "download"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := contentDisposition(tc.disposition, tc.filename)
			if tc.want != "" && got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			for i := 0; i < len(got); i++ {
				if c := got[i]; c < 0x20 || c >= 0x7f {
					t.Fatalf("byte %#x in the header %q", c, got)
				}
			}
			disp, params, err := mime.ParseMediaType(got)
			if err != nil {
				t.Fatalf("%q does not parse: %v", got, err)
			}
			if disp != tc.disposition || params["filename"] != tc.wantName {
				t.Errorf("%q reads back as %s, %q; want %s, %q", got, disp, params["filename"], tc.disposition, tc.wantName)
			}
			if len(params) != 1 {
				t.Errorf("%q has parameters %v", got, params)
			}
		})
	}
}

func TestDownloadHeaders(t *testing.T) {
	w := httptest.NewRecorder()
	if err := download(w, "växjö.csv", "text/csv; charset=utf-8", []byte("a;b\n")); err != nil {
		t.Fatal(err)
	}
	h := w.Result().Header
	if h.Get("Content-Type") != "text/csv; charset=utf-8" || h.Get("Content-Length") != "4" ||
		h.Get("Cache-Control") != "private, no-store" || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment; ") ||
		w.Body.String() != "a;b\n" {
		t.Errorf("download wrote %v %q", h, w.Body.String())
	}
	w = httptest.NewRecorder()
	_ = showFile(w, "möte.pdf", "application/pdf", []byte("%PDF"))
	if d := w.Result().Header.Get("Content-Disposition"); !strings.HasPrefix(d, "inline; ") {
		t.Errorf("showFile: %s", d)
	}
}
