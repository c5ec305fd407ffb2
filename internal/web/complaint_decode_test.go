package web

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
)

// FuzzDecodeComplaint: the JSON intake's decoder gives a submission or a
// field error on "body" or "attachments", never a panic, and does not take
// long. It runs without the HTTP server.
func FuzzDecodeComplaint(f *testing.F) {
	f.Add([]byte(`{"filerRole":"guardian","unit":12,"kind":"complaint","category":"meals","whatHappened":"Ingen vegetarisk mat.",` +
		`"language":"en","email":"parent@example.se","attachments":[{"filename":"menu.pdf","content":"JVBERi0xLjQK"}]}`))
	f.Add([]byte(`{"filerRole":"alien","unit":"nowhere","kind":"complaint"}`))
	f.Add([]byte(`{"unit":"organization","concernsPrincipal":true,"attachments":[{"filename":"x","content":"***"}]}`))
	f.Add([]byte(`{"unit":1e400,"extra":1}`))
	f.Add([]byte(`[] {}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		start := time.Now()
		sub, lang, err := decodeComplaint(bytes.NewReader(in))
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("took %v", d)
		}
		if err != nil {
			var ae *app.Error
			if !errors.As(err, &ae) || ae.Code != app.EINVALID || len(ae.Fields) == 0 {
				t.Fatalf("%v", err)
			}
			for _, fe := range ae.Fields {
				if fe.Field != "body" && fe.Field != "attachments" {
					t.Fatalf("field error on %q", fe.Field)
				}
			}
			return
		}
		if sub.Channel != "" || sub.SubmissionKey != "" {
			t.Fatalf("the decoder set the handler's fields: %+v", sub)
		}
		if n := bytes.Count(in, []byte("{")); len(sub.Attachments) >= n {
			t.Fatalf("%d attachments from %d objects", len(sub.Attachments), n)
		}
		// The same body decodes the same way.
		sub2, lang2, err := decodeComplaint(bytes.NewReader(in))
		if err != nil || lang2 != lang || sub2.WhatHappened != sub.WhatHappened || sub2.UnitID != sub.UnitID || len(sub2.Attachments) != len(sub.Attachments) {
			t.Fatalf("decoded twice: %v", err)
		}
	})
}
