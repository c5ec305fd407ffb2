package meeting_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/meeting"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

// The start page's coming meetings: those with one of a principal's
// units, every one for officers, none for others; only within the window.
func TestUpcomingScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := demo.Load(ctx, db); err != nil {
			t.Fatal(err)
		}
		unit := func(code string) int64 {
			id, err := org.UnitIDByCode(ctx, db, code)
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		officer := as(t, db, "klagomal@exempelby.example")
		now := time.Now()
		create := func(held string, units ...int64) int64 {
			id, err := meeting.Create(officer, db, meeting.Input{Title: "Rektorsmöte " + held, HeldOn: held, From: "2029-11-01", To: "2029-12-31", UnitIDs: units}, now)
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		late := create("2030-01-12", unit("92000201"))
		early := create("2030-01-05", unit("92000202"))
		create("2030-02-01", unit("92000201")) // outside the window
		for _, tc := range []struct {
			who  string
			want []int64
		}{
			{"klagomal@exempelby.example", []int64{early, late}},
			{"rektor.ekbacka@exempelby.example", []int64{late}},
			{"rektor.bjorkdalen@exempelby.example", []int64{early}},
			{"rektor.sjoviken@exempelby.example", nil},
			{"analys@exempelby.example", nil},
		} {
			list, err := meeting.Upcoming(as(t, db, tc.who), db, "2030-01-01", "2030-01-14")
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, m := range list {
				got = append(got, m.ID)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("%s: %v, want %v", tc.who, got, tc.want)
			}
		}
	})
}
