package main

import (
	"context"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

// `migrate` leaves a fresh database with the four built-in dialogue types,
// once, however often it runs.
func TestMigrateSeedsDialogueTypes(t *testing.T) {
	storetest.EachURL(t, func(t *testing.T, dbURL string) {
		for range 2 {
			if code, _, stderr := runCmd(t, "", "migrate", "--db", dbURL); code != 0 {
				t.Fatal(stderr)
			}
		}
		db, err := store.Open(context.Background(), dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var n int
		if err := db.QueryRow(context.Background(), "SELECT COUNT(*) FROM dialogue_types").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 4 {
			t.Fatalf("dialogue types after migrate = %d, want 4", n)
		}
	})
}
