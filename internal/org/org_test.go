package org_test

import (
	"context"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

func intp(n int) *int { return &n }

func fieldsOf(err error) map[string]string {
	out := map[string]string{}
	if ae, ok := err.(*app.Error); ok {
		for _, f := range ae.Fields {
			out[f.Field] = f.MsgID
		}
	}
	return out
}

func TestUnitValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		lat, lon := 70.5, 16.0
		u := org.Unit{Name: " ", Code: "1234567", Lat: &lat, Lon: &lon, Forms: []org.UnitForm{
			{Form: "grundskola", YearFrom: intp(0), YearTo: intp(9)}, {Form: "hogskola"},
		}, Capacity: []org.Capacity{{Form: "grundskola", Year: 1, Places: -3}, {Form: "forskola", Year: 0, Places: 10}}}
		got := fieldsOf(org.SaveUnit(ctx, db, &u))
		want := map[string]string{
			"name": "field.required", "code": "field.unit_code", "lat": "field.lat",
			"forms.grundskola": "field.year_range_form", "forms.hogskola": "field.form_unknown",
			"capacity.grundskola.1": "field.capacity", "capacity.forskola.0": "field.capacity_year",
		}
		for f, id := range want {
			if got[f] != id {
				t.Errorf("field %s: %q, want %q", f, got[f], id)
			}
		}
		if n := count(t, db, "SELECT COUNT(*) FROM units"); n != 0 {
			t.Fatal("invalid unit saved")
		}
	})
}

func TestUnitRoundTripAndScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		lat, lon := 59.38, 16.51
		a := org.Unit{Name: "Ekbacka skola", Code: "92000201", Lat: &lat, Lon: &lon, Active: true, Forms: []org.UnitForm{
			{Form: "forskoleklass"}, {Form: "grundskola", YearFrom: intp(1), YearTo: intp(6)}, {Form: "fritidshem"},
		}, Capacity: []org.Capacity{{Form: "grundskola", Year: 1, Places: 50}, {Form: "fritidshem", Year: 0, Places: 120}}}
		if err := org.SaveUnit(ctx, db, &a); err != nil {
			t.Fatal(err)
		}
		b := org.Unit{Name: "Björkdalens skola", Code: "92000202", Active: true, Forms: []org.UnitForm{{Form: "grundskola"}}}
		if err := org.SaveUnit(ctx, db, &b); err != nil {
			t.Fatal(err)
		}
		got, err := org.GetUnit(ctx, db, auth.AllUnits(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Forms) != 3 || got.Forms[0].Form != "forskoleklass" || *got.Forms[0].YearFrom != 0 || got.Forms[2].YearFrom != nil {
			t.Errorf("forms = %+v", got.Forms)
		}
		if p := got.Places("grundskola", 1); p == nil || *p != 50 {
			t.Errorf("places = %v", p)
		}
		if *got.Lat != lat {
			t.Errorf("lat = %v", *got.Lat)
		}
		// A grundskola given without years gets the form's full range.
		gb, _ := org.GetUnit(ctx, db, auth.AllUnits(), b.ID)
		if *gb.Forms[0].YearFrom != 1 || *gb.Forms[0].YearTo != 9 {
			t.Errorf("default years = %d-%d", *gb.Forms[0].YearFrom, *gb.Forms[0].YearTo)
		}

		principalA := &auth.Principal{UserID: 1, Role: auth.RolePrincipal, Units: []int64{a.ID}}
		scope := principalA.UnitScope(auth.ReadUnits)
		if _, err := org.GetUnit(ctx, db, scope, b.ID); app.Code(err) != app.ENOTFOUND {
			t.Errorf("GetUnit out of scope: %v", err)
		}
		list, err := org.ListUnits(ctx, db, scope)
		if err != nil || len(list) != 1 || list[0].ID != a.ID {
			t.Errorf("ListUnits in scope = %v, %v", list, err)
		}
		// Dropping a form drops its capacity; a code collision is a field error.
		a.Forms = a.Forms[:2]
		a.Capacity = a.Capacity[:1]
		if err := org.SaveUnit(ctx, db, &a); err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM unit_capacity WHERE unit_id = ?", a.ID); n != 1 {
			t.Errorf("capacity rows = %d", n)
		}
		b.Code = a.Code
		if f := fieldsOf(org.SaveUnit(ctx, db, &b)); f["code"] != "field.taken" {
			t.Errorf("duplicate code: %v", f)
		}
	})
}

func TestPeopleScopeAndAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		admin := &auth.Principal{UserID: 1000, Email: "admin@example.se", Role: auth.RoleAdmin}
		ctx := auth.WithPrincipal(context.Background(), admin)
		ctx = audit.WithOrigin(ctx, audit.Origin{IP: "192.0.2.1", UserAgent: "test"})
		ua := org.Unit{Name: "A", Code: "11111111", Forms: []org.UnitForm{{Form: "forskola"}}}
		ub := org.Unit{Name: "B", Code: "22222222", Forms: []org.UnitForm{{Form: "forskola"}}}
		for _, u := range []*org.Unit{&ua, &ub} {
			if err := org.SaveUnit(ctx, db, u); err != nil {
				t.Fatal(err)
			}
		}
		pa := org.Person{Name: "Anna", Email: "Anna@Example.se", Role: auth.RolePrincipal, Active: true, Units: []int64{ua.ID}}
		pb := org.Person{Name: "Bengt", Email: "bengt@example.se", Role: auth.RolePrincipal, Active: true, Units: []int64{ub.ID}}
		meal := org.Person{Name: "Maja", Email: "maja@example.se", Role: auth.RoleSpecialist, Active: true, Categories: []string{"meals"}}
		for _, p := range []*org.Person{&pa, &pb, &meal} {
			if err := org.SavePerson(ctx, db, p); err != nil {
				t.Fatal(err)
			}
		}
		if pa.Email != "anna@example.se" {
			t.Errorf("email not normalised: %q", pa.Email)
		}
		bad := org.Person{Name: "X", Email: "x@example.se", Role: auth.RoleSpecialist, Categories: []string{"no_such_category"}}
		if f := fieldsOf(org.SavePerson(ctx, db, &bad)); f["units"] == "" && f["categories"] == "" {
			t.Errorf("unknown category accepted: %v", f)
		}
		if f := fieldsOf(org.SavePerson(ctx, db, &org.Person{Name: "P", Email: "p@example.se", Role: auth.RolePrincipal})); f["units"] != "field.principal_units" {
			t.Errorf("principal without units: %v", f)
		}

		scopeA := (&auth.Principal{UserID: pa.ID, Role: auth.RolePrincipal, Units: []int64{ua.ID}}).UnitScope(auth.ReadPeople)
		people, err := org.ListPeople(ctx, db, scopeA, org.PeopleFilter{})
		if err != nil || len(people) != 1 || people[0].ID != pa.ID {
			t.Fatalf("ListPeople(scope A) = %+v, %v", people, err)
		}
		if _, err := org.GetPerson(ctx, db, scopeA, pb.ID); app.Code(err) != app.ENOTFOUND {
			t.Errorf("GetPerson out of scope: %v", err)
		}
		if people, _ := org.ListPeople(ctx, db, auth.Scope{}, org.PeopleFilter{}); len(people) != 0 {
			t.Errorf("empty scope lists %d people", len(people))
		}
		all, _ := org.ListPeople(ctx, db, auth.AllUnits(), org.PeopleFilter{Role: auth.RoleSpecialist})
		if len(all) != 1 || all[0].Categories[0] != "meals" {
			t.Errorf("specialists = %+v", all)
		}

		entries, err := audit.List(ctx, db, audit.Filter{Entity: "user"})
		if err != nil {
			t.Fatal(err)
		}
		var creates, reads int
		for _, e := range entries {
			switch e.Action {
			case audit.Create:
				creates++
			case audit.Read:
				reads++
			}
			if e.Actor != "admin@example.se" || e.IP != "192.0.2.1" || e.ActorID == nil || *e.ActorID != 1000 {
				t.Errorf("entry lacks who or where: %+v", e)
			}
		}
		// Three lists were read; the out-of-scope GetPerson read nothing.
		if creates != 3 || reads != 3 {
			t.Errorf("audit: %d creates, %d reads; want 3 and 3", creates, reads)
		}
	})
}

func TestOverviewSuppressesSmallGroups(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		u := org.Unit{Name: "A", Code: "11111111", Active: true, Forms: []org.UnitForm{{Form: "forskola"}},
			Capacity: []org.Capacity{{Form: "forskola", Year: 0, Places: 60}}}
		if err := org.SaveUnit(ctx, db, &u); err != nil {
			t.Fatal(err)
		}
		for i, role := range []auth.Role{auth.RoleBoard, auth.RoleBoard, auth.RoleOfficer, auth.RoleOfficer, auth.RoleOfficer, auth.RoleOfficer, auth.RoleOfficer} {
			p := org.Person{Name: "P", Email: string(rune('a'+i)) + "@example.se", Role: role, Active: true}
			if err := org.SavePerson(ctx, db, &p); err != nil {
				t.Fatal(err)
			}
		}
		ov, err := org.GetOverview(ctx, db, 5)
		if err != nil {
			t.Fatal(err)
		}
		if ov.Units != 1 || len(ov.Forms) != 1 || ov.Forms[0].Places != 60 || ov.Areas[0].Places != 60 {
			t.Errorf("overview = %+v", ov)
		}
		for _, rc := range ov.StaffRoles {
			n, shown := rc.Count.Value()
			switch rc.Role {
			case "board":
				if shown {
					t.Errorf("2 board members shown as %d", n)
				}
			case "officer":
				if !shown || n != 5 {
					t.Errorf("officers = %d, %v", n, shown)
				}
			}
		}
	})
}
