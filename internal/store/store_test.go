package store_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

func TestMigrateIsIdempotentAndSchemaCurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		applied, err := db.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != 0 {
			t.Fatalf("second migrate applied %v, want nothing", applied)
		}
		if err := db.CheckSchema(ctx); err != nil {
			t.Fatalf("CheckSchema after migrate: %v", err)
		}
		cur, target, err := db.SchemaVersion(ctx)
		if err != nil || cur != target || cur < 1 {
			t.Fatalf("SchemaVersion = %d, %d, %v", cur, target, err)
		}
	})
}

func TestCheckSchemaReportsBehind(t *testing.T) {
	storetest.EachURL(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		db, err := store.Open(ctx, dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaBehind) {
			t.Fatalf("CheckSchema on empty db = %v, want ErrSchemaBehind", err)
		}
	})
}

func TestErrorsAreNormalised(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := store.Now()
		ins := "INSERT INTO users (email, name, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?)"
		if _, err := db.Exec(ctx, ins, "a@example.se", "A", "admin", now, now); err != nil {
			t.Fatal(err)
		}
		_, err := db.Exec(ctx, ins, "a@example.se", "A again", "admin", now, now)
		if !errors.Is(err, store.ErrAlreadyExists) {
			t.Errorf("duplicate email: %v, want ErrAlreadyExists", err)
		}
		_, err = db.Exec(ctx, "INSERT INTO user_units (user_id, unit_id) VALUES (?, ?)", 999, 999)
		if !errors.Is(err, store.ErrForeignKey) {
			t.Errorf("dangling reference: %v, want ErrForeignKey", err)
		}
		_, err = db.Exec(ctx, ins, "b@example.se", "B", "emperor", now, now)
		if !errors.Is(err, store.ErrCheck) {
			t.Errorf("bad role: %v, want ErrCheck", err)
		}
		var name string
		err = db.QueryRow(ctx, "SELECT name FROM users WHERE email = ?", "nobody@example.se").Scan(&name)
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing row: %v, want ErrNotFound", err)
		}
	})
}

func TestTimesRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := store.Now()
		var id int64
		err := db.QueryRow(ctx, "INSERT INTO users (email, name, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
			"t@example.se", "T", "analyst", now, now).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		var got time.Time
		if err := db.QueryRow(ctx, "SELECT created_at FROM users WHERE id = ? AND created_at <= ?", id, now.Add(time.Second)).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if !got.Equal(now) {
			t.Fatalf("created_at = %v, want %v", got, now)
		}
	})
}

func TestTransactionRollsBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := store.InTx(ctx, db, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, "INSERT INTO areas (name) VALUES (?)", "Norr"); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v", err)
		}
		var n int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM areas").Scan(&n); err != nil || n != 0 {
			t.Fatalf("areas after rollback = %d, %v", n, err)
		}
	})
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.Exec(ctx, "INSERT INTO audit_log (at, actor, action, entity) VALUES (?, ?, ?, ?)", store.Now(), "x", "read", "user"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, "UPDATE audit_log SET actor = 'y'"); err == nil {
			t.Error("UPDATE audit_log succeeded")
		}
		if _, err := db.Exec(ctx, "DELETE FROM audit_log"); err == nil {
			t.Error("DELETE FROM audit_log succeeded")
		}
	})
}

func TestOpenUnreachableIsClear(t *testing.T) {
	_, err := store.Open(context.Background(), "postgres://nobody:secret@127.0.0.1:1/none?connect_timeout=2")
	if !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("Open = %v, want ErrUnavailable", err)
	}
	if strings.Contains(err.Error(), "secret") {
		t.Fatalf("error leaks the password: %v", err)
	}
	if _, err := store.Open(context.Background(), "mysql://x"); !errors.Is(err, store.ErrBadURL) {
		t.Fatalf("Open(mysql) = %v, want ErrBadURL", err)
	}
}

func TestMigrationsMatch(t *testing.T) {
	// Every migration exists for both dialects under the same number.
	list := func(dir string) []string {
		entries, err := os.ReadDir("migrations/" + dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		return names
	}
	a, b := list("sqlite"), list("postgres")
	if strings.Join(a, ",") != strings.Join(b, ",") {
		t.Fatalf("migrations differ:\nsqlite:   %v\npostgres: %v", a, b)
	}
}

func TestRebind(t *testing.T) {
	got := store.RebindForTest(store.Postgres, "SELECT '?' FROM t WHERE a = ? AND b IN (?, ?)")
	want := "SELECT '?' FROM t WHERE a = $1 AND b IN ($2, $3)"
	if got != want {
		t.Fatalf("rebind = %q, want %q", got, want)
	}
}
