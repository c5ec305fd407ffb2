package audit_test

import (
	"context"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

func TestLogAndFilter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		base := context.Background()
		alva := auth.WithPrincipal(base, &auth.Principal{UserID: 1, Email: "alva@example.se", Role: auth.RoleAdmin})
		alva = audit.WithOrigin(alva, audit.Origin{IP: "192.0.2.7", UserAgent: "Firefox"})
		start := time.Now().UTC().Add(-time.Second)
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(audit.Log(alva, db, audit.Read, "user", "5", "list of 3"))
		must(audit.Log(alva, db, audit.Update, "user", "5", "officer x@example.se"))
		must(audit.Log(base, db, audit.Read, "unit", "2", "")) // anonymous
		must(audit.Log(auth.WithPrincipal(base, auth.System), db, audit.Import, "units", "", "2 created"))

		for _, tc := range []struct {
			name string
			f    audit.Filter
			want int
		}{
			{"all", audit.Filter{}, 4},
			{"actor substring, any case", audit.Filter{Actor: "ALVA"}, 2},
			{"action", audit.Filter{Action: audit.Read}, 2},
			{"entity and id", audit.Filter{Entity: "user", EntityID: "5"}, 2},
			{"time window", audit.Filter{From: start, To: time.Now().Add(time.Minute)}, 4},
			{"before the window", audit.Filter{To: start}, 0},
			{"limit", audit.Filter{Limit: 3}, 3},
		} {
			got, err := audit.List(base, db, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tc.want {
				t.Errorf("%s: %d entries, want %d", tc.name, len(got), tc.want)
			}
		}
		all, _ := audit.List(base, db, audit.Filter{})
		if all[0].Actor != "system" || all[1].Actor != "anonymous" || all[1].ActorID != nil {
			t.Errorf("newest first with labels: %q %q", all[0].Actor, all[1].Actor)
		}
		if e := all[3]; e.ActorID == nil || *e.ActorID != 1 || string(e.Role) != "admin" || e.IP != "192.0.2.7" || e.UserAgent != "Firefox" {
			t.Errorf("who/where not recorded: %+v", e)
		}
		page, _ := audit.List(base, db, audit.Filter{BeforeID: all[1].ID})
		if len(page) != 2 {
			t.Errorf("paging: %d entries", len(page))
		}
	})
}
