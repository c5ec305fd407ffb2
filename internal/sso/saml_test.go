package sso_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/crewjam/saml"

	"github.com/styrkedjan/styrkedjan/internal/sso"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

// TestSAMLReplayCache: an assertion ID is accepted once on any server of
// the database; once it has expired its record goes.
func TestSAMLReplayCache(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, b := sso.ReplayCache{Ctx: ctx, DB: db}, sso.ReplayCache{Ctx: ctx, DB: db} // two servers
		until := time.Now().Add(time.Minute)
		if err := a.Consume("id-1", until); err != nil {
			t.Fatal(err)
		}
		if err := b.Consume("id-1", until); !errors.Is(err, saml.ErrAssertionReplayed) {
			t.Errorf("replayed: %v", err)
		}
		if err := a.Consume("id-2", time.Now().Add(-time.Second)); err != nil {
			t.Fatal(err)
		}
		_ = a.Consume("id-3", until) // sweeps id-2
		var n int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM saml_assertions").Scan(&n); err != nil || n != 2 {
			t.Errorf("%d records %v, want 2 (id-1, id-3)", n, err)
		}
	})
}

// TestSAMLPending: a pending sign-in is found by its binding secret only,
// and taken once.
func TestSAMLPending(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		secret := sso.NewBinding()
		p := sso.SAMLPending{RequestID: "id-abc", Next: "/cases", Started: store.Now()}
		if err := sso.SavePending(ctx, db, secret, p); err != nil {
			t.Fatal(err)
		}
		if got, err := sso.TakePending(ctx, db, sso.NewBinding()); err != nil || got.RequestID != "" {
			t.Errorf("another secret: %+v %v", got, err)
		}
		got, err := sso.TakePending(ctx, db, secret)
		if err != nil || got.RequestID != p.RequestID || got.Next != p.Next || !got.Started.Equal(p.Started) {
			t.Errorf("taken: %+v %v, want %+v", got, err, p)
		}
		if got, err := sso.TakePending(ctx, db, secret); err != nil || got.RequestID != "" {
			t.Errorf("taken twice: %+v %v", got, err)
		}
	})
}
