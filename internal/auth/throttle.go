package auth

import (
	"context"
	"net/netip"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// AddressKey is what per-address limits count: an IPv4 address as it is,
// an IPv6 address as its /64 prefix (one subscriber usually holds a whole
// /64 and can pick any address in it), an IPv4-mapped IPv6 address as the
// IPv4 address. Anything that does not parse is its own key, trimmed.
func AddressKey(ip string) string {
	ip = strings.TrimSpace(ip)
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.WithZone("").Unmap()
	if a.Is4() {
		return a.String()
	}
	return netip.PrefixFrom(a, 64).Masked().String()
}

// Login throttling, designed so that a stranger cannot lock a person out:
//
//   - Per (account, address): after maxFailuresPair failures within
//     pairWindow, that address may not try that account until the window
//     has passed. The owner signing in from elsewhere is not affected.
//   - Per address: after maxFailuresAddr failures within pairWindow over
//     any accounts, the address may not sign in at all (password spraying).
//   - Per account, from unknown devices anywhere: after
//     maxFailuresAccount failures within accountWindow, sign-ins to the
//     account from devices it has not signed in from are refused. This caps
//     guessing from many addresses (a botnet) at that rate. The owner still
//     gets in from a known device (below), and a password reset by mail
//     clears the failures.
//   - A known device is a browser holding the device cookie of an earlier
//     successful sign-in to this account (known_devices). Its failures
//     count only against that device (maxFailuresPair within pairWindow),
//     and the address and account limits do not apply to it: strangers
//     cannot make those limits reach the owner's own browser, and a device
//     cookie is only had by signing in with the password.
//
// Addresses are counted by AddressKey. Refused (throttled) attempts are not
// recorded, so waiting out a window always helps; failures for addresses
// that have no account are counted the same, so the answers reveal nothing.
const (
	pairWindow         = 15 * time.Minute
	maxFailuresPair    = 5
	maxFailuresAddr    = 30
	accountWindow      = time.Hour
	maxFailuresAccount = 50
)

// ErrThrottled is returned while an (account, address) pair or a known
// device is throttled; it passes within 15 minutes, or with a reset.
var ErrThrottled = app.Errorf(app.ETHROTTLED, "login.throttled")

// ErrThrottledAddress is returned while an address is throttled (failures
// over many accounts); it passes within 15 minutes.
var ErrThrottledAddress = app.Errorf(app.ETHROTTLED, "login.throttled_address")

// ErrThrottledAccount is returned while an account takes too many failures
// from unknown devices; it passes within an hour, and a known device or a
// password reset gets the owner in before that.
var ErrThrottledAccount = app.Errorf(app.ETHROTTLED, "login.throttled_account")

// checkThrottle reports whether an attempt may go ahead. device is the
// digest of a known device of the account, or "".
func checkThrottle(ctx context.Context, db store.Q, email, addr, device string) error {
	now := store.Now()
	if device != "" {
		var n int
		err := db.QueryRow(ctx, `SELECT COUNT(*) FROM login_attempts
			WHERE email = ? AND device = ? AND at > ? AND NOT success`, email, device, now.Add(-pairWindow)).Scan(&n)
		if err != nil {
			return err
		}
		if n >= maxFailuresPair {
			return ErrThrottled
		}
		return nil
	}
	var pair, byAddr, byAccount int
	err := db.QueryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM login_attempts WHERE email = ? AND addr = ? AND device = '' AND at > ? AND NOT success),
		(SELECT COUNT(*) FROM login_attempts WHERE addr = ? AND device = '' AND at > ? AND NOT success),
		(SELECT COUNT(*) FROM login_attempts WHERE email = ? AND device = '' AND at > ? AND NOT success)`,
		email, addr, now.Add(-pairWindow), addr, now.Add(-pairWindow), email, now.Add(-accountWindow)).Scan(&pair, &byAddr, &byAccount)
	if err != nil {
		return err
	}
	switch {
	case pair >= maxFailuresPair:
		return ErrThrottled
	case byAddr >= maxFailuresAddr:
		return ErrThrottledAddress
	case byAccount >= maxFailuresAccount:
		return ErrThrottledAccount
	}
	return nil
}

// ClearThrottle forgets an account's failed sign-ins, from every address
// and device (after a successful password reset).
func ClearThrottle(ctx context.Context, q store.Q, email string) error {
	_, err := q.Exec(ctx, "DELETE FROM login_attempts WHERE email = ? AND NOT success", NormalizeEmail(email))
	return err
}

// Limits on password links from the forgot page. A stranger can use up an
// account's mails for the hour, but each of those mails went to the owner,
// and the newest link in the inbox works.
const (
	resetWindow      = time.Hour
	maxResetMails    = 3  // mails per account per hour
	maxResetRequests = 10 // requests per address per hour, whatever the account
)
