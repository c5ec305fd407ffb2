package auth_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

func TestAddressKey(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.7":                 "192.0.2.7",
		" 192.0.2.7 ":               "192.0.2.7",
		"::ffff:192.0.2.7":          "192.0.2.7",
		"::ffff:c000:0207":          "192.0.2.7",
		"2001:db8:1:2:3:4:5:6":      "2001:db8:1:2::/64",
		"2001:db8:1:2::1":           "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff:ffff::9": "2001:db8:1:2::/64",
		"2001:db8:1:3::1":           "2001:db8:1:3::/64",
		"2001:DB8:1:2::1":           "2001:db8:1:2::/64",
		"fe80::1%eth0":              "fe80::/64",
		"::1":                       "::/64",
		"not an address":            "not an address",
		"":                          "",
	} {
		if got := auth.AddressKey(in); got != want {
			t.Errorf("AddressKey(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLoginThrottleStrangerCannotLockOut: failures lock an (account,
// address) pair, an address, or unknown devices of an account, but never
// the owner's own browser; a reset clears them.
func TestLoginThrottleStrangerCannotLockOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const pw = "rätt lösenord här"
		id := addUser(t, db, "a@example.se", auth.RoleOfficer)
		if err := auth.SetPassword(ctx, db, id, pw); err != nil {
			t.Fatal(err)
		}
		login := func(password, ip, device string) error {
			_, err := auth.Authenticate(ctx, db, auth.Attempt{Email: "a@example.se", Password: password, IP: ip, Device: device})
			return err
		}
		// The owner's browser, known from an earlier sign-in.
		if err := login(pw, "198.51.100.1", ""); err != nil {
			t.Fatal(err)
		}
		device, err := auth.RememberDevice(ctx, db, id, "")
		if err != nil {
			t.Fatal(err)
		}
		if again, _ := auth.RememberDevice(ctx, db, id, device); again != device {
			t.Error("a known device got a new secret")
		}

		// A stranger's five failures lock that address for the account ...
		for range 5 {
			if err := login("fel", "203.0.113.9", ""); !errors.Is(err, auth.ErrBadCredentials) {
				t.Fatalf("failure: %v", err)
			}
		}
		if err := login(pw, "203.0.113.9", ""); !errors.Is(err, auth.ErrThrottled) {
			t.Fatalf("stranger's address after 5 failures: %v, want ErrThrottled", err)
		}
		// ... but not the owner elsewhere, with or without the device cookie.
		if err := login(pw, "198.51.100.2", ""); err != nil {
			t.Fatalf("owner from another address: %v", err)
		}
		// An IPv6 /64 is one address.
		for i := range 5 {
			_ = login("fel", fmt.Sprintf("2001:db8:5:5::%x", i+1), "")
		}
		if err := login(pw, "2001:db8:5:5::abcd", ""); !errors.Is(err, auth.ErrThrottled) {
			t.Fatalf("same /64: %v, want ErrThrottled", err)
		}
		if err := login(pw, "2001:db8:5:6::1", ""); err != nil {
			t.Fatalf("another /64: %v", err)
		}

		// Spraying from one address over many accounts locks the address.
		for i := range 30 {
			_, _ = auth.Authenticate(ctx, db, attempt(fmt.Sprintf("x%d@example.se", i), "fel", "203.0.113.50"))
		}
		if _, err := auth.Authenticate(ctx, db, attempt("y@example.se", "fel", "203.0.113.50")); !errors.Is(err, auth.ErrThrottledAddress) {
			t.Fatalf("after 30 failures over accounts: %v, want ErrThrottledAddress", err)
		}

		// Many addresses (a botnet) lock unknown devices out of the account
		// for the hour; 4 failures each stay under the pair limit. The
		// failures so far count too: 5 + 5.
		for i := range 10 {
			for range 4 {
				_ = login("fel", fmt.Sprintf("192.0.2.%d", i+1), "")
			}
		}
		if err := login(pw, "198.51.100.3", ""); !errors.Is(err, auth.ErrThrottledAccount) {
			t.Fatalf("new address after 50 failures: %v, want ErrThrottledAccount", err)
		}
		// The owner's known browser still gets in, also from a locked address.
		if err := login(pw, "203.0.113.9", device); err != nil {
			t.Fatalf("known device: %v", err)
		}
		// A device cookie of another account is no key to this one.
		other := addUser(t, db, "b@example.se", auth.RoleOfficer)
		otherDevice, _ := auth.RememberDevice(ctx, db, other, "")
		if err := login(pw, "198.51.100.4", otherDevice); !errors.Is(err, auth.ErrThrottledAccount) {
			t.Fatalf("another account's device: %v, want ErrThrottledAccount", err)
		}
		// A known device has its own five tries.
		for range 5 {
			_ = login("fel", "198.51.100.1", device)
		}
		if err := login(pw, "198.51.100.1", device); !errors.Is(err, auth.ErrThrottled) {
			t.Fatalf("known device after 5 failures: %v, want ErrThrottled", err)
		}

		// A password reset clears the account's throttle.
		secret, _, err := auth.CreateReset(ctx, db, "a@example.se", auth.ResetTTL)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := auth.UseReset(ctx, db, secret, "ett nytt långt lösenord"); err != nil {
			t.Fatal(err)
		}
		for _, ip := range []string{"203.0.113.9", "198.51.100.5"} {
			if err := login("ett nytt långt lösenord", ip, ""); err != nil {
				t.Errorf("after the reset, from %s: %v", ip, err)
			}
		}
		// ... and forgets the devices.
		if again, _ := auth.RememberDevice(ctx, db, id, device); again == device {
			t.Error("a device is still known after a reset")
		}
	})
}

// session encodes session data as scs does, signed in as userID (0: not).
func session(t *testing.T, userID int64) []byte {
	t.Helper()
	values := map[string]any{"flash": "x"}
	if userID != 0 {
		values[auth.SessionUserKey] = userID
	}
	b, err := scs.GobCodec{}.Encode(time.Now().Add(time.Hour), values)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPasswordEndsSessionsAndTokens: a change ends the user's other
// sessions and API tokens, a reset all of them; ended sessions cannot be
// committed back by a request still in flight.
func TestPasswordEndsSessionsAndTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := auth.SessionStore{DB: db}
		id := addUser(t, db, "s@example.se", auth.RolePrincipal)
		otherUser := addUser(t, db, "o@example.se", auth.RolePrincipal)
		exp := time.Now().Add(time.Hour)
		for tok, uid := range map[string]int64{"current": id, "second": id, "third": id, "others": otherUser, "anon": 0} {
			if err := s.CommitCtx(ctx, tok, session(t, uid), exp); err != nil {
				t.Fatal(err)
			}
		}
		token, _ := auth.CreateToken(ctx, db, id, "api", 0)
		othersToken, _ := auth.CreateToken(ctx, db, otherUser, "api", 0)

		found := func(tok string) bool {
			t.Helper()
			_, ok, err := s.FindCtx(ctx, tok)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		// A password change: the current session stays.
		n, tokens, err := auth.EndSignIns(ctx, db, id, "current")
		if err != nil || n != 2 || tokens != 1 {
			t.Fatalf("EndSignIns = %d sessions, %d tokens, %v; want 2, 1", n, tokens, err)
		}
		for tok, want := range map[string]bool{"current": true, "second": false, "third": false, "others": true, "anon": true} {
			if found(tok) != want {
				t.Errorf("session %s found = %v, want %v", tok, !want, want)
			}
		}
		if _, err := auth.TokenUser(ctx, db, token); app.Code(err) != app.EUNAUTHORIZED {
			t.Errorf("API token after a change: %v", err)
		}
		if _, err := auth.TokenUser(ctx, db, othersToken); err != nil {
			t.Errorf("another person's token: %v", err)
		}
		// A request of the ended session still in flight commits at its
		// end: the session must stay ended. The same for a deleted one.
		if err := s.CommitCtx(ctx, "second", session(t, id), exp); err != nil {
			t.Fatal(err)
		}
		_ = s.DeleteCtx(ctx, "anon")
		_ = s.CommitCtx(ctx, "anon", session(t, 0), exp)
		if found("second") || found("anon") {
			t.Error("an ended session came back with a late commit")
		}

		// A reset ends every session, the current one too, and the tokens.
		token2, _ := auth.CreateToken(ctx, db, id, "api", 0)
		secret, _, err := auth.CreateReset(ctx, db, "s@example.se", auth.ResetTTL)
		if err != nil {
			t.Fatal(err)
		}
		res, err := auth.UseReset(ctx, db, secret, "ett nytt långt lösenord")
		if err != nil || res.UserID != id || res.Sessions != 1 || res.Tokens != 1 {
			t.Fatalf("UseReset = %+v, %v", res, err)
		}
		if found("current") {
			t.Error("a session survived the reset")
		}
		if !found("others") {
			t.Error("another person's session ended")
		}
		if _, err := auth.TokenUser(ctx, db, token2); app.Code(err) != app.EUNAUTHORIZED {
			t.Errorf("API token after a reset: %v", err)
		}

		// An operator's ResetPassword does the same, and kills open links.
		_ = s.CommitCtx(ctx, "after", session(t, id), exp)
		token3, _ := auth.CreateToken(ctx, db, id, "api", 0)
		link, _, _ := auth.CreateReset(ctx, db, "s@example.se", auth.ResetTTL)
		if res, err := auth.ResetPassword(ctx, db, id, "ett tredje långt lösenord"); err != nil || res.Sessions != 1 || res.Tokens != 1 {
			t.Fatalf("ResetPassword = %+v, %v", res, err)
		}
		if _, err := auth.TokenUser(ctx, db, token3); found("after") || err == nil || auth.CheckReset(ctx, db, link) == nil {
			t.Error("a session, token or link survived ResetPassword")
		}
	})
}

// TestRequestResetLimits: at most one live link and three mails an hour
// per account, ten requests an hour per address (an IPv6 /64 as one).
func TestRequestResetLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		id := addUser(t, db, "m@example.se", auth.RolePrincipal)
		var secrets []string
		for i := range 15 {
			s, uid, err := auth.RequestReset(ctx, db, "M@example.se", fmt.Sprintf("198.51.100.%d", i), auth.ResetTTL)
			if err != nil {
				t.Fatal(err)
			}
			if s != "" {
				if uid != id {
					t.Fatalf("user %d, want %d", uid, id)
				}
				secrets = append(secrets, s)
			}
		}
		if len(secrets) != 3 {
			t.Fatalf("%d links from 15 requests, want 3", len(secrets))
		}
		var live int
		_ = db.QueryRow(ctx, "SELECT COUNT(*) FROM password_resets WHERE user_id = ? AND used_at IS NULL", id).Scan(&live)
		if live != 1 || auth.CheckReset(ctx, db, secrets[2]) != nil || auth.CheckReset(ctx, db, secrets[0]) == nil {
			t.Errorf("%d live links, want only the newest", live)
		}

		// The same at once: the account's row lock counts them in turn.
		cid := addUser(t, db, "c@example.se", auth.RolePrincipal)
		var (
			mu    sync.Mutex
			links int
			wg    sync.WaitGroup
		)
		for i := range 15 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, _, err := auth.RequestReset(ctx, db, "c@example.se", fmt.Sprintf("198.51.101.%d", i), auth.ResetTTL)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					t.Error(err)
				} else if s != "" {
					links++
				}
			}()
		}
		wg.Wait()
		_ = db.QueryRow(ctx, "SELECT COUNT(*) FROM password_resets WHERE user_id = ? AND used_at IS NULL", cid).Scan(&live)
		if links != 3 || live != 1 {
			t.Errorf("15 requests at once: %d links, %d live, want 3 and 1", links, live)
		}

		// Ten requests from one /64, for anyone, use up the address.
		addUser(t, db, "n@example.se", auth.RolePrincipal)
		for i := range 10 {
			if s, _, _ := auth.RequestReset(ctx, db, fmt.Sprintf("okand%d@example.se", i), fmt.Sprintf("2001:db8:9:9::%d", i+1), auth.ResetTTL); s != "" {
				t.Fatal("a link for an unknown address")
			}
		}
		if s, _, _ := auth.RequestReset(ctx, db, "n@example.se", "2001:db8:9:9::99", auth.ResetTTL); s != "" {
			t.Error("an address over its limit got a link")
		}
		if s, _, _ := auth.RequestReset(ctx, db, "n@example.se", "2001:db8:9:a::1", auth.ResetTTL); s == "" {
			t.Error("another address got no link")
		}
		// Inactive accounts get nothing.
		if _, err := db.Exec(ctx, "UPDATE users SET active = ? WHERE id = ?", false, id); err != nil {
			t.Fatal(err)
		}
		_, _ = db.Exec(ctx, "DELETE FROM password_requests")
		if s, _, _ := auth.RequestReset(ctx, db, "m@example.se", "198.51.100.1", auth.ResetTTL); s != "" {
			t.Error("a link for an inactive account")
		}
	})
}
