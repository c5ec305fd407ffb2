package meeting_test

import (
	"context"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/civil"
	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/meeting"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

func as(t *testing.T, db store.Q, email string) context.Context {
	t.Helper()
	ctx := context.Background()
	id, err := org.PersonIDByEmail(ctx, db, email)
	if err != nil {
		t.Fatal(err)
	}
	p, err := auth.LoadPrincipal(ctx, db, id)
	if err != nil {
		t.Fatal(err)
	}
	return auth.WithPrincipal(ctx, p)
}

func TestMeetingScope(t *testing.T) {
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
		ekbacka, bjorkdalen, sjoviken := unit("92000201"), unit("92000202"), unit("92000203")
		officer := as(t, db, "klagomal@exempelby.example")
		principal := as(t, db, "rektor.ekbacka@exempelby.example")
		other := as(t, db, "rektor.sjoviken@exempelby.example")
		analyst := as(t, db, "analys@exempelby.example")
		now := time.Now()

		d, err := meeting.Defaults(ctx, db, now)
		if err != nil || len(d.UnitIDs) != 20 || d.To != civil.Today(now) || meeting.Days(d.From, d.To) != meeting.DefaultDays {
			t.Fatalf("defaults: %+v, %v", d, err)
		}
		in := meeting.Input{Title: "Rektorsmöte", HeldOn: d.HeldOn, From: d.From, To: d.To, UnitIDs: []int64{bjorkdalen, ekbacka, ekbacka}}
		if _, err := meeting.Create(principal, db, in, now); app.Code(err) != app.EFORBIDDEN {
			t.Errorf("a principal creates a meeting: %v", err)
		}
		id, err := meeting.Create(officer, db, in, now)
		if err != nil {
			t.Fatal(err)
		}
		for who, ctx := range map[string]context.Context{"officer": officer, "principal": principal} {
			if list, err := meeting.List(ctx, db); err != nil || len(list) != 1 || list[0].Units != 2 {
				t.Errorf("%s's list: %+v, %v", who, list, err)
			}
			if _, err := meeting.GetAgenda(ctx, db, id, now); err != nil {
				t.Errorf("%s's agenda: %v", who, err)
			}
		}
		for who, ctx := range map[string]context.Context{"principal of Sjöviken": other, "analyst": analyst} {
			if list, err := meeting.List(ctx, db); err != nil || len(list) != 0 {
				t.Errorf("%s's list: %+v, %v", who, list, err)
			}
			if _, err := meeting.GetAgenda(ctx, db, id, now); app.Code(err) != app.ENOTFOUND {
				t.Errorf("%s's agenda: %v", who, err)
			}
			if _, err := meeting.ExportPDF(ctx, db, id, now, func(id string, _ ...any) string { return id }, "sv"); app.Code(err) != app.ENOTFOUND {
				t.Errorf("%s's PDF: %v", who, err)
			}
		}
		for _, tc := range []struct {
			name string
			err  error
			want string
		}{
			{"own unit presented", meeting.MarkPresented(principal, db, id, ekbacka, true, now), ""},
			{"other unit presented", meeting.MarkPresented(principal, db, id, bjorkdalen, true, now), app.EFORBIDDEN},
			{"unit not in the meeting", meeting.MarkPresented(officer, db, id, sjoviken, true, now), app.ENOTFOUND},
			{"outsider", meeting.MarkPresented(other, db, id, ekbacka, false, now), app.ENOTFOUND},
			{"the meeting's notes", meeting.SaveNotes(principal, db, id, "x", now), app.EFORBIDDEN},
			{"other unit's notes", meeting.SaveUnitNotes(principal, db, id, bjorkdalen, "x", now), app.EFORBIDDEN},
		} {
			if got := app.Code(tc.err); (tc.want == "" && tc.err != nil) || (tc.want != "" && got != tc.want) {
				t.Errorf("%s: %v, want %q", tc.name, tc.err, tc.want)
			}
		}
		a, err := meeting.GetAgenda(principal, db, id, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Sections) != 3 || a.Sections[0].Unit.Name != "Björkdalens skola" || a.Sections[0].Unit.CanEdit ||
			!a.Sections[1].Unit.CanEdit || a.Sections[1].Unit.PresentedAt == nil || a.Sections[2].Unit != nil || a.CanOrganize ||
			a.AsOf != civil.Today(now) {
			t.Errorf("principal's agenda: %+v", a.Sections)
		}
	})
}
