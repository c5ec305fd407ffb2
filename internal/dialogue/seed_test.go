package dialogue_test

import (
	"context"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/dialogue"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

// Types only reads; Seed stores the four built-in types once.
func TestSeedOnceTypesReadOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		types, err := dialogue.Types(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if len(types) != 0 {
			t.Fatalf("Types on a fresh database = %d types, want 0 (a read must not seed)", len(types))
		}
		for range 2 {
			if err := dialogue.Seed(ctx, db, store.Now()); err != nil {
				t.Fatal(err)
			}
		}
		types, err = dialogue.Types(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		keys := map[string]bool{}
		for _, ty := range types {
			keys[ty.Key] = true
		}
		if len(types) != 4 || !keys[dialogue.KindPrincipal] || !keys[dialogue.KindStaff] || !keys[dialogue.KindGuardian] || !keys[dialogue.KindNational] {
			t.Fatalf("after Seed twice: %+v, want the four built-in types once", keys)
		}
	})
}
