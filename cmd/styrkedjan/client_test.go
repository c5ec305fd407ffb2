package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

// The operator registers an e-service platform, sees it listed and revokes
// it; the token is printed once and stored as a digest only, and it
// identifies a client, not a person.
func TestClientCommands(t *testing.T) {
	storetest.EachURL(t, func(t *testing.T, dbURL string) {
		if code, stdout, stderr := runCmd(t, "", "migrate", "--db", dbURL); code != 0 {
			t.Fatalf("migrate: %d %s %s", code, stdout, stderr)
		}
		code, token, stderr := runCmd(t, "", "client", "add", "--db", dbURL, "--name", "Mina sidor", "--scope", "complaints:submit")
		token = strings.TrimSpace(token)
		if code != 0 || !strings.HasPrefix(token, "sdc_") || !strings.Contains(stderr, "shown only once") {
			t.Fatalf("client add: %d %q %s", code, token, stderr)
		}
		for _, args := range [][]string{
			{"--name", "Mina sidor", "--scope", "complaints:submit"}, // the name is taken
			{"--name", "Annan", "--scope", "cases:read"},
			{"--name", "Annan"},
			{"--name", "Annan", "--scope", "complaints:submit", "--per-minute", "0"},
			{"--scope", "complaints:submit"},
		} {
			if code, _, stderr := runCmd(t, "", append([]string{"client", "add", "--db", dbURL}, args...)...); code != 2 {
				t.Errorf("client add %v: %d %s, want 2", args, code, stderr)
			}
		}
		code, list, _ := runCmd(t, "", "client", "list", "--db", dbURL)
		if code != 0 || !strings.Contains(list, "Mina sidor") || !strings.Contains(list, "complaints:submit") || !strings.Contains(list, "600") {
			t.Fatalf("client list: %d %s", code, list)
		}
		db, err := store.Open(context.Background(), dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var stored string
		if err := db.QueryRow(context.Background(), "SELECT token_hash FROM api_clients WHERE name = 'Mina sidor'").Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if stored == token || strings.Contains(stored, strings.TrimPrefix(token, "sdc_")) || len(stored) != 64 {
			t.Errorf("stored %q for the token", stored)
		}

		url, _ := boot(t, "serve", "--db", dbURL, "--addr", "127.0.0.1:0")
		get := func(path string) int {
			req, _ := http.NewRequest("GET", url+path, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			return res.StatusCode
		}
		if s := get("/api/v1/complaint-categories"); s != http.StatusOK {
			t.Errorf("client reading the categories: %d", s)
		}
		if s := get("/api/v1/me"); s != http.StatusForbidden {
			t.Errorf("client asking who it is as a person: %d, want 403", s)
		}
		if code, stdout, stderr := runCmd(t, "", "client", "revoke", "--db", dbURL, "--name", "Mina sidor"); code != 0 || !strings.Contains(stdout, "Revoked") {
			t.Fatalf("client revoke: %d %s %s", code, stdout, stderr)
		}
		if code, _, _ := runCmd(t, "", "client", "revoke", "--db", dbURL, "--name", "Mina sidor"); code != 1 {
			t.Errorf("revoking twice: %d, want 1", code)
		}
		if s := get("/api/v1/complaint-categories"); s != http.StatusUnauthorized {
			t.Errorf("revoked client: %d, want 401", s)
		}
		var audited int
		if err := db.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_log WHERE entity = 'api_client' AND entity_id = 'Mina sidor' AND actor = 'system'").Scan(&audited); err != nil || audited != 2 {
			t.Errorf("%d audit entries for the client (%v), want 2", audited, err)
		}
	})
}
