package sso_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"
)

// BenchmarkOIDCSignIn is one whole sign-in against the provider on
// loopback: Begin, the provider's authorization redirect, Finish (code
// exchange with the PKCE verifier, ID token verification, userinfo).
func BenchmarkOIDCSignIn(b *testing.B) {
	m, err := mockoidc.NewServer(nil)
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	if err := m.Start(ln, nil); err != nil {
		b.Fatal(err)
	}
	defer m.Shutdown()
	p := provider(b, m, "email", "groups")
	ctx := context.Background()
	for b.Loop() {
		now := time.Now()
		u, pend, err := p.Begin(ctx, "/", now)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := p.Finish(ctx, pend, authorize(b, u), now); err != nil {
			b.Fatal(err)
		}
	}
}
