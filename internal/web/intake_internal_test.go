package web

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
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

// Per-address limits count an IPv6 client by its /64: the probe rotated
// addresses within one /64 and was never limited.
func TestClientNetwork(t *testing.T) {
	for remote, want := range map[string]string{
		"192.0.2.7:5000":                      "192.0.2.7",
		"[::ffff:192.0.2.7]:5000":             "192.0.2.7",
		"[2001:db8:1:2:aaaa:bbbb:cccc:1]:443": "2001:db8:1:2::/64",
		"[2001:db8:1:2::ffff]:443":            "2001:db8:1:2::/64",
		"[2001:db8:1:3::1]:443":               "2001:db8:1:3::/64",
		"[fe80::1%eth0]:80":                   "fe80::/64",
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = remote
		if got := clientNetwork(r); got != want {
			t.Errorf("%s: %s, want %s", remote, got, want)
		}
	}
	// And the intake's limiter counts them so.
	s := &Server{db: storetest.SQLite(t), opts: Options{IntakePerMinute: 1}}
	a := httptest.NewRequest("POST", "/complaints", nil)
	a.RemoteAddr = "[2001:db8:1:2::1]:1"
	b := httptest.NewRequest("POST", "/complaints", nil)
	b.RemoteAddr = "[2001:db8:1:2::2]:1"
	okA, errA := s.intakeAllowed(a)
	okB, errB := s.intakeAllowed(b)
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	if !okA || okB {
		t.Error("two addresses of one /64 were limited apart")
	}
}
