package complaint_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

// TestRequestLinksLimits: links go only for the filer's cases that are not
// closed; at most MaxLinkMails requests per address an hour mail links; at
// most MaxLinkRequests requests per client network (an IPv6 /64 counts as
// one), whatever the addresses asked for; after the window it works again.
func TestRequestLinksLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		s := f.submission("", "teaching")
		s.Email, s.Language = "filer@example.se", "ar"
		open := f.submit(s, wed)
		s.WhatHappened = "Ett annat ärende."
		closed := f.submit(s, wed)
		s.Email, s.WhatHappened = "second@example.se", "Ett tredje ärende."
		f.submit(s, wed)
		if err := complaint.Act(f.as(officer), db, closed.ID, complaint.Action{Kind: complaint.EventClosed, Outcome: complaint.Outcomes[0]}, wed, nil); err != nil {
			t.Fatal(err)
		}
		at := wed.Add(time.Hour)
		request := func(email, ip string) int {
			t.Helper()
			n, err := complaint.RequestLinks(ctx, db, email, ip, at, composer{})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := request("Filer@Example.se", "192.0.2.1"); n != 1 {
			t.Fatalf("first request mailed %d links, want 1 (the open case %s only)", n, open.Reference)
		}
		if n := count(t, db, fmt.Sprintf("SELECT COUNT(*) FROM complaint_links WHERE complaint_id = %d", closed.ID)); n != 1 {
			t.Errorf("the closed case got a new link: %d links", n)
		}
		if n := request("filer@example.se", "198.51.100.1") + request("filer@example.se", "198.51.100.2"); n != 2 {
			t.Fatalf("second and third request: %d links", n)
		}
		if n := request("filer@example.se", "203.0.113.9"); n != 0 {
			t.Fatal("a fourth request for the address within the hour mailed a link")
		}
		// One IPv6 /64 asking for many addresses.
		for i := range complaint.MaxLinkRequests {
			request(fmt.Sprintf("other%d@example.se", i), fmt.Sprintf("2001:db8:1:2::%x", i+1))
		}
		if n := request("second@example.se", "2001:db8:1:2::ffff"); n != 0 {
			t.Fatal("a network over its limit got a link")
		}
		if n := request("second@example.se", "2001:db8:9::1"); n != 1 {
			t.Fatalf("from another network: %d links, want 1", n)
		}
		at = at.Add(complaint.LinkWindow + time.Minute)
		if n := request("filer@example.se", "2001:db8:9::1"); n != 1 {
			t.Fatalf("after the window, from another network: %d links, want 1", n)
		}
		// The case sweep forgets requests after a day.
		if _, _, err := complaint.Sweep(ctx, db, at.Add(25*time.Hour), nil); err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM complaint_link_requests"); n != 0 {
			t.Errorf("%d link requests kept after a day", n)
		}
	})
}
