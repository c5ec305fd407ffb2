package org

import (
	"context"
	"strconv"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/audit"
	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// API clients (e-service platforms) are registered by the operator's
// `styrkedjan client` command and by admins on /admin/clients; both go
// through these two functions, so that each change is audited the same
// way. auth owns the table and the tokens.

// AddClient registers an API client and returns its token, shown once;
// the errors are auth.CreateClient's (auth.ErrClientName, ErrClientScope,
// ErrClientPerMinute, ErrClientExists).
func AddClient(ctx context.Context, db store.Q, name string, scopes []auth.ClientScope, perMinute int) (string, error) {
	var secret string
	err := store.InTx(ctx, db, func(tx *store.Tx) error {
		var err error
		if secret, err = auth.CreateClient(ctx, tx, name, scopes, perMinute); err != nil {
			return err
		}
		words := make([]string, len(scopes))
		for i, s := range scopes {
			words[i] = string(s)
		}
		return audit.Log(ctx, tx, audit.Create, "api_client", strings.TrimSpace(name),
			"scopes "+strings.Join(words, " ")+", "+strconv.Itoa(perMinute)+" a minute")
	})
	return secret, err
}

// RevokeClient ends a client's token at once; store.ErrNotFound when no
// live client has the name.
func RevokeClient(ctx context.Context, db store.Q, name string) error {
	return store.InTx(ctx, db, func(tx *store.Tx) error {
		if err := auth.RevokeClient(ctx, tx, name); err != nil {
			return err
		}
		return audit.Log(ctx, tx, audit.Update, "api_client", strings.TrimSpace(name), "revoked")
	})
}
