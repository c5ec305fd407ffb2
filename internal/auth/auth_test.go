package auth_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

func TestScopes(t *testing.T) {
	principal := &auth.Principal{UserID: 1, Role: auth.RolePrincipal, Units: []int64{3, 7}}
	officer := &auth.Principal{UserID: 2, Role: auth.RoleOfficer}
	board := &auth.Principal{UserID: 3, Role: auth.RoleBoard}

	s := principal.UnitScope(auth.ReadPeople)
	if !s.Contains(3) || s.Contains(4) || s.All() {
		t.Errorf("principal scope = %+v", s)
	}
	if cond, args := s.SQL("u.id"); cond != "u.id IN (?, ?)" || !slices.Equal(args, []any{int64(3), int64(7)}) {
		t.Errorf("principal SQL = %q %v", cond, args)
	}
	if cond, _ := officer.UnitScope(auth.ReadPeople).SQL("u.id"); cond != "1=1" {
		t.Errorf("officer SQL = %q", cond)
	}
	// A role without the permission gets the empty scope, whatever its units.
	if sc := board.UnitScope(auth.ReadPeople); !sc.Empty() || sc.Contains(3) {
		t.Errorf("board scope = %+v", sc)
	}
	if cond, _ := (&auth.Principal{UserID: 4, Role: auth.RolePrincipal}).UnitScope(auth.ReadPeople).SQL("x"); cond != "1=0" {
		t.Errorf("principal without units: %q", cond)
	}
	if auth.Anonymous.Can(auth.ReadOverview) || auth.System.Can(auth.ReadOverview) {
		t.Error("anonymous or system has a permission")
	}
	for _, r := range auth.Roles {
		p := &auth.Principal{UserID: 9, Role: r}
		if got := p.Can(auth.ReadAudit); got != (r == auth.RoleAdmin) {
			t.Errorf("%s ReadAudit = %v", r, got)
		}
		if !p.Can(auth.ReadOverview) {
			t.Errorf("%s cannot read the overview", r)
		}
		if r == auth.RoleBoard && (p.Can(auth.ReadPeople) || p.Can(auth.ReadUnits)) {
			t.Error("board member can read personal data")
		}
	}
}

func addUser(t *testing.T, db store.Q, email string, role auth.Role) int64 {
	t.Helper()
	now := store.Now()
	var id int64
	err := db.QueryRow(context.Background(), `INSERT INTO users (email, name, role, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, email, email, string(role), now, now).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func attempt(email, password, ip string) auth.Attempt {
	return auth.Attempt{Email: email, Password: password, IP: ip}
}

func TestAuthenticate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		id := addUser(t, db, "a@example.se", auth.RoleOfficer)
		if _, err := auth.Authenticate(ctx, db, attempt("a@example.se", "anything at all", "10.0.0.1")); !errors.Is(err, auth.ErrBadCredentials) {
			t.Fatalf("no password yet: %v", err)
		}
		if err := auth.SetPassword(ctx, db, id, "kort"); app.Code(err) != app.EINVALID {
			t.Fatalf("short password: %v", err)
		}
		if err := auth.SetPassword(ctx, db, id, "rätt lösenord här"); err != nil {
			t.Fatal(err)
		}
		got, err := auth.Authenticate(ctx, db, attempt(" A@Example.se ", "rätt lösenord här", "10.0.0.1"))
		if err != nil || got != id {
			t.Fatalf("Authenticate = %d, %v", got, err)
		}
		var hash string
		_ = db.QueryRow(ctx, "SELECT password_hash FROM users WHERE id = ?", id).Scan(&hash)
		if len(hash) < 20 || hash[:10] != "$argon2id$" {
			t.Fatalf("stored hash %q is not argon2id", hash)
		}
		// Five failures from one address throttle that address for the account.
		for range 5 {
			_, _ = auth.Authenticate(ctx, db, attempt("a@example.se", "fel", "10.0.0.2"))
		}
		if _, err := auth.Authenticate(ctx, db, attempt("a@example.se", "rätt lösenord här", "10.0.0.2")); !errors.Is(err, auth.ErrThrottled) {
			t.Fatalf("after 5 failures: %v", err)
		}
		// Inactive accounts cannot sign in, even with the right password.
		addUser(t, db, "b@example.se", auth.RoleAnalyst)
		bID := addUser(t, db, "c@example.se", auth.RoleAnalyst)
		_ = auth.SetPassword(ctx, db, bID, "ett lösenord till")
		if _, err := db.Exec(ctx, "UPDATE users SET active = ? WHERE id = ?", false, bID); err != nil {
			t.Fatal(err)
		}
		if _, err := auth.Authenticate(ctx, db, attempt("c@example.se", "ett lösenord till", "10.0.0.4")); !errors.Is(err, auth.ErrBadCredentials) {
			t.Fatalf("inactive: %v", err)
		}
		if _, err := auth.LoadPrincipal(ctx, db, bID); app.Code(err) != app.EUNAUTHORIZED {
			t.Fatalf("LoadPrincipal(inactive) = %v", err)
		}
	})
}

func TestTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		id := addUser(t, db, "t@example.se", auth.RoleAnalyst)
		secret, err := auth.CreateToken(ctx, db, id, "test", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := auth.TokenUser(ctx, db, secret); err != nil || got != id {
			t.Fatalf("TokenUser = %d, %v", got, err)
		}
		var n int
		_ = db.QueryRow(ctx, "SELECT COUNT(*) FROM api_tokens WHERE token_hash = ?", secret).Scan(&n)
		if n != 0 {
			t.Fatal("the token is stored in clear")
		}
		expired, _ := auth.CreateToken(ctx, db, id, "old", time.Nanosecond)
		time.Sleep(2 * time.Millisecond)
		if _, err := auth.TokenUser(ctx, db, expired); app.Code(err) != app.EUNAUTHORIZED {
			t.Errorf("expired token: %v", err)
		}
		if err := auth.RevokeTokens(ctx, db, id); err != nil {
			t.Fatal(err)
		}
		if _, err := auth.TokenUser(ctx, db, secret); app.Code(err) != app.EUNAUTHORIZED {
			t.Errorf("revoked token: %v", err)
		}
		if _, err := auth.CreateToken(ctx, db, 99999, "nobody", 0); app.Code(err) != app.ENOTFOUND {
			t.Errorf("token for a missing user: %v", err)
		}
	})
}

func TestPasswordReset(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		id := addUser(t, db, "r@example.se", auth.RolePrincipal)
		if _, _, err := auth.CreateReset(ctx, db, "okand@example.se", auth.ResetTTL); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown address: %v", err)
		}
		first, uid, err := auth.CreateReset(ctx, db, "R@example.se", auth.ResetTTL)
		if err != nil || uid != id {
			t.Fatalf("CreateReset = %d, %v", uid, err)
		}
		if err := auth.CheckReset(ctx, db, first); err != nil {
			t.Fatalf("CheckReset: %v", err)
		}
		// A new link revokes the older one: one live link per account.
		second, _, _ := auth.CreateReset(ctx, db, "r@example.se", auth.ResetTTL)
		if err := auth.CheckReset(ctx, db, first); !errors.Is(err, auth.ErrResetInvalid) {
			t.Fatalf("CheckReset(older link) = %v, want ErrResetInvalid", err)
		}
		third, _, _ := auth.CreateReset(ctx, db, "r@example.se", auth.ResetTTL)
		if _, err := auth.UseReset(ctx, db, third, "kort"); app.Code(err) != app.EINVALID {
			t.Fatalf("short password: %v", err)
		}
		if _, err := auth.UseReset(ctx, db, third, "ett nytt långt lösenord"); err != nil {
			t.Fatal(err)
		}
		// Used once; the older links stay dead.
		for _, s := range []string{first, second, third, "made-up"} {
			if _, err := auth.UseReset(ctx, db, s, "ett annat långt lösenord"); !errors.Is(err, auth.ErrResetInvalid) {
				t.Errorf("reuse: %v", err)
			}
		}
		expired, _, _ := auth.CreateReset(ctx, db, "r@example.se", time.Nanosecond)
		time.Sleep(2 * time.Millisecond)
		if err := auth.CheckReset(ctx, db, expired); !errors.Is(err, auth.ErrResetInvalid) {
			t.Errorf("expired link: %v", err)
		}
	})
}

func TestSessionStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := auth.SessionStore{DB: db}
		if _, found, err := s.FindCtx(ctx, "nope"); found || err != nil {
			t.Fatalf("missing session: %v %v", found, err)
		}
		if err := s.CommitCtx(ctx, "tok", []byte("one"), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.CommitCtx(ctx, "tok", []byte("two"), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if b, found, err := s.FindCtx(ctx, "tok"); !found || err != nil || string(b) != "two" {
			t.Fatalf("Find = %q %v %v", b, found, err)
		}
		_ = s.CommitCtx(ctx, "old", []byte("x"), time.Now().Add(-time.Minute))
		if _, found, _ := s.FindCtx(ctx, "old"); found {
			t.Error("expired session found")
		}
		if err := auth.Sweep(ctx, db); err != nil {
			t.Fatal(err)
		}
		var n int
		_ = db.QueryRow(ctx, "SELECT COUNT(*) FROM sessions").Scan(&n)
		if n != 1 {
			t.Errorf("%d sessions after sweep, want 1", n)
		}
		if err := s.DeleteCtx(ctx, "tok"); err != nil {
			t.Fatal(err)
		}
		if _, found, _ := s.FindCtx(ctx, "tok"); found {
			t.Error("deleted session found")
		}
	})
}

func TestGrantTable(t *testing.T) {
	// Every permission is held by some role, and the table answers by role
	// and by principal alike.
	for _, perm := range auth.Permissions {
		held := false
		for _, r := range auth.Roles {
			p := &auth.Principal{UserID: 1, Role: r}
			if p.Can(perm) != auth.RoleCan(r, perm) || p.Reach(perm) != auth.RoleReach(r, perm) {
				t.Errorf("%s %s: principal and role disagree", r, perm)
			}
			held = held || auth.RoleCan(r, perm)
		}
		for _, c := range auth.ClientScopes {
			held = held || auth.ScopeReach(c, perm) != auth.ReachNone
		}
		if !held {
			t.Errorf("no role or client scope holds %s", perm)
		}
		if auth.Anonymous.Reach(perm) != auth.ReachNone || auth.System.Can(perm) {
			t.Errorf("anonymous or system holds %s", perm)
		}
	}
	// A client holds only what its scopes grant, and no role holds that.
	client := &auth.Principal{ClientID: 1, ClientName: "e-tjänst", ClientScopes: []auth.ClientScope{auth.ScopeSubmitComplaints}}
	for _, perm := range auth.Permissions {
		if got, want := client.Can(perm), perm == auth.SubmitComplaints; got != want {
			t.Errorf("client with %s: Can(%s) = %v", auth.ScopeSubmitComplaints, perm, got)
		}
	}
	for _, r := range auth.Roles {
		if auth.RoleCan(r, auth.SubmitComplaints) {
			t.Errorf("role %s holds %s", r, auth.SubmitComplaints)
		}
	}
	if client.Authenticated() || client.Label() != "client:e-tjänst" || (&auth.Principal{ClientID: 1}).Can(auth.SubmitComplaints) {
		t.Error("a client is not a person, is logged by name and holds nothing without a scope")
	}
	// Reach: officers every case, principals their units, specialists their categories.
	for r, want := range map[auth.Role]auth.Reach{auth.RoleOfficer: auth.ReachAll, auth.RolePrincipal: auth.ReachUnits,
		auth.RoleSpecialist: auth.ReachCategories, auth.RoleAnalyst: auth.ReachNone, auth.RoleBoard: auth.ReachNone, auth.RoleAdmin: auth.ReachNone} {
		if got := auth.RoleReach(r, auth.HandleCases); got != want {
			t.Errorf("%s HandleCases reach = %v, want %v", r, got, want)
		}
	}
	// Board members never read a dialogue; only officers see case summaries.
	if auth.RoleCan(auth.RoleBoard, auth.ReadDialogues) || !auth.RoleCan(auth.RoleBoard, auth.ReadDialogueReport) {
		t.Error("board and dialogues")
	}
	for _, r := range auth.Roles {
		if got := auth.RoleCan(r, auth.ReadCaseSummaries); got != (r == auth.RoleOfficer) {
			t.Errorf("%s ReadCaseSummaries = %v", r, got)
		}
	}
	// Who needs units or categories follows from the reach.
	for _, r := range auth.Roles {
		if auth.RequiresUnits(r) != (r == auth.RolePrincipal) || auth.RequiresCategories(r) != (r == auth.RoleSpecialist) {
			t.Errorf("%s: requires units %v, categories %v", r, auth.RequiresUnits(r), auth.RequiresCategories(r))
		}
	}
	// A specialist's categories are no unit list: no units in scope.
	sp := &auth.Principal{UserID: 5, Role: auth.RoleSpecialist, Units: []int64{3}}
	if !sp.UnitScope(auth.HandleCases).Empty() || !sp.UnitScope(auth.ReadUnits).All() {
		t.Error("specialist scopes")
	}
}

// TestPlacementOfficer: a specialist holding the school_placement category
// runs all of placement, as officers do; other specialists, principals and
// the board do not, and the board sees only the counts.
func TestPlacementOfficer(t *testing.T) {
	pia := &auth.Principal{UserID: 7, Role: auth.RoleSpecialist, Categories: []string{"meals", auth.CategoryPlacement}}
	maja := &auth.Principal{UserID: 8, Role: auth.RoleSpecialist, Categories: []string{"meals"}}
	petra := &auth.Principal{UserID: 9, Role: auth.RolePrincipal, Units: []int64{1}, Categories: []string{auth.CategoryPlacement}}
	bodil := &auth.Principal{UserID: 10, Role: auth.RoleBoard}
	if pia.Reach(auth.RunPlacement) != auth.ReachAll || !pia.Can(auth.ReadPlacementStats) {
		t.Error("the placement officer cannot run placement")
	}
	if pia.Reach(auth.HandleCases) != auth.ReachCategories || pia.Can(auth.ReadCaseSummaries) {
		t.Error("the placement category widened more than placement")
	}
	if maja.Can(auth.RunPlacement) || maja.Can(auth.ReadPlacementStats) || petra.Can(auth.RunPlacement) {
		t.Error("a specialist without school_placement, or a principal, runs placement")
	}
	if bodil.Can(auth.RunPlacement) || !bodil.Can(auth.ReadPlacementStats) {
		t.Error("the board sees placement counts only")
	}
	if auth.RoleCan(auth.RoleSpecialist, auth.RunPlacement) {
		t.Error("every specialist runs placement")
	}
}
