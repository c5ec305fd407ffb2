package sso

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// PersonalNumberClaim is the claim of the Swedish OpenID Connect profile
// (oidc.se) for the personal identity number, twelve digits; brokers for
// BankID and Freja eID send it. --guardian-pin-claim names another.
const PersonalNumberClaim = "https://id.oidc.se/claim/personalIdentityNumber"

// MinGuardianKey is the shortest key for the personal number digests.
const MinGuardianKey = 32

// ValidPersonalNumber reports whether s is a twelve-digit Swedish personal
// identity number or coordination number with a valid check digit.
func ValidPersonalNumber(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	// Luhn over the last ten digits (YYMMDDNNNC).
	sum := 0
	for i, ch := range s[2:] {
		d := int(ch - '0')
		if i%2 == 0 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// SignInGuardian finds or creates the guardian with the personal number
// in c's claim pinClaim and returns their id. Only an HMAC-SHA-256 of the
// number under key is stored (personal numbers are few enough to be
// guessed back from a plain hash); all servers must share the key. The
// sign-in is audited.
func SignInGuardian(ctx context.Context, db store.Q, c Claims, pinClaim string, key []byte) (int64, error) {
	if len(key) < MinGuardianKey {
		return 0, errors.New("sso: guardian key shorter than 32 bytes")
	}
	pin := strings.NewReplacer("-", "", "+", "", " ", "").Replace(c.String(pinClaim))
	if !ValidPersonalNumber(pin) {
		return 0, refused("no valid personal identity number in claim %q", pinClaim)
	}
	digest := PinMAC(key, pin)
	var id int64
	err := store.InTx(ctx, db, func(tx *store.Tx) error {
		now := store.Now()
		err := tx.QueryRow(ctx, `INSERT INTO guardians (pin_mac, created_at, last_seen) VALUES (?, ?, ?)
			ON CONFLICT (pin_mac) DO UPDATE SET last_seen = excluded.last_seen RETURNING id`, digest, now, now).Scan(&id)
		if err != nil {
			return err
		}
		return audit.Log(auth.WithPrincipal(ctx, &auth.Principal{GuardianID: id}), tx, audit.Login, "guardian", idString(id), "e-identification via "+c.Issuer)
	})
	return id, err
}

// PinMAC is what is kept of a personal identity number (twelve digits, no
// separators): its HMAC-SHA-256 under the guardian key, in hex. Guardians
// signed in with e-identification and guardians from a population-register
// extract (placement_guardians.pin_mac) are found by it.
func PinMAC(key []byte, pin string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(pin))
	return hex.EncodeToString(mac.Sum(nil))
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }
