package sso_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/org"
	"github.com/styrkedjan/styrkedjan/internal/sso"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

const testMapping = `
claim = "groups"
[[rule]]
group = "sg-forvaltning"
role  = "officer"
[[rule]]
group = "sg-rektor-ek"
role  = "principal"
units = ["91000001"]
[[rule]]
group = "sg-rektor-bj"
role  = "principal"
units = ["91000002", "99999999"]
[[rule]]
group      = "sg-maltid"
role       = "specialist"
categories = ["meals"]
title      = "Måltidschef"
`

func claims(sub, email string, groups ...string) sso.Claims {
	raw := map[string]any{}
	var gs []any
	for _, g := range groups {
		gs = append(gs, g)
	}
	raw["groups"] = gs
	return sso.Claims{Issuer: "https://idp.kommun.example", Subject: sub, Email: email, Name: "Eva Ek", Raw: raw}
}

func units(t *testing.T, ctx context.Context, db *store.DB) {
	t.Helper()
	for _, u := range []org.Unit{{Name: "Ekskolan", Code: "91000001", Active: true, Forms: []org.UnitForm{{Form: "forskola"}}}, {Name: "Björkskolan", Code: "91000002", Active: true, Forms: []org.UnitForm{{Form: "forskola"}}}} {
		if err := org.SaveUnit(ctx, db, &u); err != nil {
			t.Fatal(err)
		}
	}
}

func person(t *testing.T, db *store.DB, id int64) org.Person {
	t.Helper()
	p, err := org.GetPerson(context.Background(), db, auth.AllUnits(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSignInStaff: created on first sign-in with the role and units of
// their groups, found by subject afterwards, groups changed at the
// provider change the role at the next sign-in, no mapped group refused,
// a deactivated person refused.
func TestSignInStaff(t *testing.T) {
	m, err := sso.ParseMapping(testMapping)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		units(t, auth.WithPrincipal(ctx, auth.System), db)
		id, err := sso.SignInStaff(ctx, db, claims("s-1", "Eva.Ek@Kommun.example", "alla", "sg-rektor-ek", "sg-rektor-bj"), m)
		if err != nil {
			t.Fatal(err)
		}
		p := person(t, db, id)
		if p.Role != auth.RolePrincipal || len(p.Units) != 2 || p.Email != "eva.ek@kommun.example" || !p.Active || p.HasPassword {
			t.Errorf("created %+v, want a principal of two units (the unknown unit code skipped)", p)
		}
		// Found by subject even when the provider changes the address;
		// the groups now make her an officer.
		id2, err := sso.SignInStaff(ctx, db, claims("s-1", "eva@ny.example", "sg-forvaltning", "sg-rektor-ek"), m)
		if err != nil || id2 != id {
			t.Fatalf("second sign-in: %d %v, want %d", id2, err, id)
		}
		if p := person(t, db, id); p.Role != auth.RoleOfficer || len(p.Units) != 0 {
			t.Errorf("after group change %+v, want an officer", p)
		}
		// No mapped group: refused, the person unchanged.
		if _, err := sso.SignInStaff(ctx, db, claims("s-1", "eva@ny.example", "alla"), m); !errors.Is(err, sso.ErrNoRole) {
			t.Errorf("no group: %v, want ErrNoRole", err)
		}
		// A specialist gets the rule's categories and title.
		sid, err := sso.SignInStaff(ctx, db, claims("s-2", "mat@kommun.example", "sg-maltid"), m)
		if err != nil {
			t.Fatal(err)
		}
		if p := person(t, db, sid); p.Role != auth.RoleSpecialist || !slices.Equal(p.Categories, []string{"meals"}) || p.Title != "Måltidschef" {
			t.Errorf("specialist %+v", p)
		}
		// Deactivated: refused.
		p = person(t, db, id)
		p.Active = false
		if err := org.SavePerson(auth.WithPrincipal(ctx, auth.System), db, &p); err != nil {
			t.Fatal(err)
		}
		if _, err := sso.SignInStaff(ctx, db, claims("s-1", "eva@ny.example", "sg-forvaltning"), m); app.Code(err) != app.EUNAUTHORIZED {
			t.Errorf("deactivated: %v, want unauthorized", err)
		}
	})
}

// TestSignInStaffMatchesByEmail links an existing person (with a local
// password) by a verified address, and refuses an unverified one.
func TestSignInStaffMatchesByEmail(t *testing.T) {
	m, _ := sso.ParseMapping(testMapping)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := auth.WithPrincipal(context.Background(), auth.System)
		p := org.Person{Email: "ola@kommun.example", Name: "Ola", Role: auth.RoleAnalyst, Active: true}
		if err := org.SavePerson(ctx, db, &p); err != nil {
			t.Fatal(err)
		}
		no := false
		c := claims("s-3", "OLA@kommun.example", "sg-forvaltning")
		c.EmailVerified = &no
		if _, err := sso.SignInStaff(ctx, db, c, m); !errors.Is(err, sso.ErrRefused) {
			t.Errorf("unverified address: %v, want refused", err)
		}
		yes := true
		c.EmailVerified = &yes
		id, err := sso.SignInStaff(ctx, db, c, m)
		if err != nil || id != p.ID {
			t.Fatalf("verified address: %d %v, want %d", id, err, p.ID)
		}
		if got := person(t, db, id); got.Role != auth.RoleOfficer || got.Name != "Eva Ek" {
			t.Errorf("linked person %+v", got)
		}
	})
}

func TestParseMapping(t *testing.T) {
	for _, bad := range []string{
		``, `[[rule]]` + "\n" + `group = "a"` + "\n" + `role = "king"`,
		`[[rule]]` + "\n" + `group = "a"` + "\n" + `role = "principal"`,
		`[[rule]]` + "\n" + `group = "a"` + "\n" + `role = "officer"` + "\n" + `unit = ["x"]`,
	} {
		if _, err := sso.ParseMapping(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	m, err := sso.ParseMapping(testMapping)
	if err != nil {
		t.Fatal(err)
	}
	// File order decides the role; units only from rules of that role.
	g, ok := m.Resolve([]string{"sg-rektor-bj", "sg-forvaltning", "sg-rektor-ek"})
	if !ok || g.Role != auth.RoleOfficer || len(g.UnitCodes) != 0 {
		t.Errorf("grant %+v", g)
	}
}

func TestSignInGuardian(t *testing.T) {
	key := []byte(strings.Repeat("k", 32))
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := sso.Claims{Issuer: "https://broker.example", Subject: "x", Raw: map[string]any{sso.PersonalNumberClaim: "19811218-9876"}}
		a, err := sso.SignInGuardian(ctx, db, c, sso.PersonalNumberClaim, key)
		if err != nil {
			t.Fatal(err)
		}
		c.Subject = "another subject at another broker"
		c.Raw[sso.PersonalNumberClaim] = "198112189876"
		if b, err := sso.SignInGuardian(ctx, db, c, sso.PersonalNumberClaim, key); err != nil || b != a {
			t.Errorf("same person again: %d %v, want %d", b, err, a)
		}
		c.Raw[sso.PersonalNumberClaim] = "194107086995"
		if b, err := sso.SignInGuardian(ctx, db, c, sso.PersonalNumberClaim, key); err != nil || b == a {
			t.Errorf("another person: %d %v", b, err)
		}
		var macs []string
		rows, err := db.Query(ctx, "SELECT pin_mac FROM guardians")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			_ = rows.Scan(&s)
			macs = append(macs, s)
		}
		rows.Close()
		for _, s := range macs {
			if strings.Contains(s, "198112189876") || strings.Contains(s, "194107086995") {
				t.Errorf("stored %q holds the personal number", s)
			}
		}
		for _, bad := range []any{"198112189877", "", 198112189876} {
			c.Raw[sso.PersonalNumberClaim] = bad
			if _, err := sso.SignInGuardian(ctx, db, c, sso.PersonalNumberClaim, key); !errors.Is(err, sso.ErrRefused) {
				t.Errorf("%v: %v, want refused", bad, err)
			}
		}
	})
}
