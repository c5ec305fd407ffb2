package web

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/styrkedjan/styrkedjan/internal/app"
)

// The JSON intake holds at most three of the largest bodies at once (the
// probe's eight took 1.3 GB): a fourth waits and, when no room comes free,
// is asked to come back (503) without reading anything, while a small
// submission still passes.
func TestIntakeBytesBounded(t *testing.T) {
	s := &Server{intakeBytes: semaphore.NewWeighted(intakeBytesInFlight)}
	big := func(ctx context.Context) (func(), error) {
		r := httptest.NewRequestWithContext(ctx, "POST", "/api/v1/complaints", strings.NewReader(""))
		r.ContentLength = maxAPISubmissionBytes
		return s.reserveIntake(r)
	}
	var releases []func()
	for i := range 3 {
		rel, err := big(context.Background())
		if err != nil {
			t.Fatalf("large body %d: %v", i+1, err)
		}
		releases = append(releases, rel)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := big(ctx); err == nil {
		t.Fatal("a fourth large body was let in")
	} else if ae, ok := err.(*app.Error); !ok || ae.Code != app.EUNAVAILABLE {
		t.Fatalf("fourth large body: %v, want unavailable", err)
	}
	small := httptest.NewRequest("POST", "/api/v1/complaints", strings.NewReader(`{"kind":"complaint"}`))
	rel, err := s.reserveIntake(small)
	if err != nil {
		t.Fatalf("a small body waited behind the large ones: %v", err)
	}
	rel()
	releases[0]()
	rel, err = big(context.Background())
	if err != nil {
		t.Fatalf("room freed but the large body waits: %v", err)
	}
	rel()
}
