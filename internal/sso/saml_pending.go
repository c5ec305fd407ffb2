package sso

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/store"
)

// The pending SAML sign-ins (saml_requests). The identity provider's
// answer is a cross-site POST, which does not carry the SameSite=Lax
// session cookie, so the browser holds a random binding secret of its own
// (NewBinding) in a short-lived cookie for the ACS alone, and the server
// keeps the request, found by the secret's digest: the request ID never
// leaves the server except in the AuthnRequest itself, a binding is taken
// once, and every server on the database finds it.

// NewBinding is a fresh binding secret for the browser's cookie.
func NewBinding() string { return random() }

func bindingDigest(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// SavePending keeps pend under the binding secret, and drops the pending
// sign-ins older than PendingLifetime.
func SavePending(ctx context.Context, db store.Q, secret string, pend SAMLPending) error {
	now := store.Now()
	if _, err := db.Exec(ctx, "DELETE FROM saml_requests WHERE created_at < ?", now.Add(-PendingLifetime)); err != nil {
		return err
	}
	_, err := db.Exec(ctx, "INSERT INTO saml_requests (id, binding, next, created_at) VALUES (?, ?, ?, ?)",
		pend.RequestID, bindingDigest(secret), pend.Next, pend.Started.UTC().Truncate(time.Microsecond))
	return err
}

// TakePending takes out the pending sign-in of the binding secret; a
// secret with none (never begun, taken already, or an empty secret) is an
// empty SAMLPending, which Finish refuses.
func TakePending(ctx context.Context, db store.Q, secret string) (SAMLPending, error) {
	var p SAMLPending
	if secret == "" {
		return p, nil
	}
	err := db.QueryRow(ctx, "DELETE FROM saml_requests WHERE binding = ? RETURNING id, next, created_at", bindingDigest(secret)).
		Scan(&p.RequestID, &p.Next, &p.Started)
	if errors.Is(err, store.ErrNotFound) {
		return SAMLPending{}, nil
	}
	return p, err
}
