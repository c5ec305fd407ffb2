package auth

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/app"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// clientPrefix starts every API client token, so a bearer token says
// whether it names a person's token (tokenPrefix) or a client.
const clientPrefix = "sdc_"

// DefaultClientPerMinute is a client's intake limit unless given.
const DefaultClientPerMinute = 600

// Client is an API client: an e-service platform that sends many people's
// submissions from one address. It is not a person and has no role.
type Client struct {
	ID         int64
	Name       string
	Scopes     []ClientScope
	PerMinute  int
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// Errors of CreateClient, for the operator's command.
var (
	ErrClientName      = errors.New("a client's name is 1 to 100 characters on one line, without surrounding spaces")
	ErrClientScope     = errors.New("a client needs a known scope: " + string(ScopeSubmitComplaints))
	ErrClientPerMinute = errors.New("a client's limit is at least 1 a minute")
	ErrClientExists    = errors.New("a client of that name exists (also when revoked); choose another name")
)

// CreateClient registers a client and returns its bearer token; only the
// token's SHA-256 digest is stored, so the token is shown once. A name in
// use (also by a revoked client) is refused.
func CreateClient(ctx context.Context, q store.Q, name string, scopes []ClientScope, perMinute int) (string, error) {
	if name == "" || len(name) > 100 || app.CleanLine(name) != name {
		return "", ErrClientName
	}
	if len(scopes) == 0 {
		return "", ErrClientScope
	}
	words := make([]string, len(scopes))
	for i, c := range scopes {
		if _, ok := ParseClientScope(string(c)); !ok {
			return "", ErrClientScope
		}
		words[i] = string(c)
	}
	if perMinute < 1 {
		return "", ErrClientPerMinute
	}
	secret, digest := newSecret(clientPrefix)
	_, err := q.Exec(ctx, "INSERT INTO api_clients (name, token_hash, scopes, per_minute, created_at) VALUES (?, ?, ?, ?, ?)",
		name, digest, strings.Join(words, " "), perMinute, store.Now())
	if errors.Is(err, store.ErrAlreadyExists) {
		return "", ErrClientExists
	}
	return secret, err
}

// Clients lists every client, revoked ones too, by name.
func Clients(ctx context.Context, q store.Q) ([]Client, error) {
	rows, err := q.Query(ctx, "SELECT id, name, scopes, per_minute, created_at, last_used_at, revoked_at FROM api_clients ORDER BY name")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Client
	for rows.Next() {
		var c Client
		var scopes string
		if err := rows.Scan(&c.ID, &c.Name, &scopes, &c.PerMinute, &c.CreatedAt, &c.LastUsedAt, &c.RevokedAt); err != nil {
			return nil, err
		}
		c.Scopes = splitScopes(scopes)
		out = append(out, c)
	}
	return out, rows.Err()
}

// RevokeClient ends a client's token at once; store.ErrNotFound when no
// live client has the name.
func RevokeClient(ctx context.Context, q store.Q, name string) error {
	res, err := q.Exec(ctx, "UPDATE api_clients SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL", store.Now(), strings.TrimSpace(name))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// IsClientToken reports whether a bearer token is shaped as a client's.
func IsClientToken(secret string) bool { return strings.HasPrefix(secret, clientPrefix) }

// ClientPrincipal resolves a client's bearer token to its principal,
// recording its use. An unknown or revoked token is EUNAUTHORIZED.
func ClientPrincipal(ctx context.Context, q store.Q, secret string) (*Principal, error) {
	if !IsClientToken(secret) {
		return nil, app.Errorf(app.EUNAUTHORIZED, "err.unauthorized")
	}
	p := &Principal{Via: "client"}
	var scopes string
	err := q.QueryRow(ctx, "SELECT id, name, scopes, per_minute FROM api_clients WHERE token_hash = ? AND revoked_at IS NULL",
		digestOf(secret)).Scan(&p.ClientID, &p.ClientName, &scopes, &p.ClientPerMinute)
	if errors.Is(err, store.ErrNotFound) {
		return nil, app.Errorf(app.EUNAUTHORIZED, "err.unauthorized")
	}
	if err != nil {
		return nil, err
	}
	p.ClientScopes = splitScopes(scopes)
	_, err = q.Exec(ctx, "UPDATE api_clients SET last_used_at = ? WHERE id = ?", store.Now(), p.ClientID)
	return p, err
}

// splitScopes reads the stored scopes, keeping only known ones.
func splitScopes(s string) []ClientScope {
	var out []ClientScope
	for _, w := range strings.Fields(s) {
		if c, ok := ParseClientScope(w); ok {
			out = append(out, c)
		}
	}
	return out
}
