package cluster_test

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/cluster"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
)

// open opens the database at dbURL n times, as n processes would.
func open(t *testing.T, dbURL string, n int) []*store.DB {
	t.Helper()
	ctx := context.Background()
	var dbs []*store.DB
	for i := range n {
		db, err := store.Open(ctx, dbURL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if i == 0 {
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
		}
		dbs = append(dbs, db)
	}
	return dbs
}

// Three processes ask for the same lease at once, many times: exactly one
// holds it; it renews; when its lease runs out another takes it.
func TestLeaseHasOneHolder(t *testing.T) {
	storetest.EachURL(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		dbs := open(t, dbURL, 3)
		holders := []string{cluster.NewHolder(), cluster.NewHolder(), cluster.NewHolder()}
		for range 20 {
			var got atomic.Int32
			var wg sync.WaitGroup
			for i, db := range dbs {
				wg.Go(func() {
					ok, err := cluster.TryLease(ctx, db, "race", holders[i]+"-round", time.Hour)
					if err != nil {
						t.Error(err)
					}
					if ok {
						got.Add(1)
					}
				})
			}
			wg.Wait()
			if n := got.Load(); n != 1 {
				t.Fatalf("%d processes got a free lease at once, want 1", n)
			}
			if _, err := dbs[0].Exec(ctx, "DELETE FROM job_leases"); err != nil {
				t.Fatal(err)
			}
		}
		// The holder renews; the others are refused until it runs out.
		if ok, err := cluster.TryLease(ctx, dbs[0], "sweep", holders[0], 200*time.Millisecond); err != nil || !ok {
			t.Fatalf("first lease: %v %v", ok, err)
		}
		if ok, _ := cluster.TryLease(ctx, dbs[0], "sweep", holders[0], 200*time.Millisecond); !ok {
			t.Error("the holder could not renew its lease")
		}
		if ok, _ := cluster.TryLease(ctx, dbs[1], "sweep", holders[1], time.Minute); ok {
			t.Error("another process took a lease that is held")
		}
		time.Sleep(300 * time.Millisecond)
		if ok, _ := cluster.TryLease(ctx, dbs[1], "sweep", holders[1], time.Minute); !ok {
			t.Error("a lease that ran out was not taken over")
		}
		if err := cluster.Release(ctx, dbs[1], "sweep", holders[1]); err != nil {
			t.Fatal(err)
		}
		if ok, _ := cluster.TryLease(ctx, dbs[2], "sweep", holders[2], time.Minute); !ok {
			t.Error("a released lease was not free")
		}
	})
}

// A limit of 20 a minute holds across three processes hitting it at once:
// 20 of 60 pass. A refused hit is not counted, and the next minutes let
// hits through again as the sliding minute moves on.
func TestAllowIsSharedAcrossProcesses(t *testing.T) {
	storetest.EachURL(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		dbs := open(t, dbURL, 3)
		now := time.Date(2026, 3, 2, 10, 15, 0, 0, time.UTC)
		var passed atomic.Int32
		var wg sync.WaitGroup
		for _, db := range dbs {
			wg.Go(func() {
				for range 20 {
					ok, err := cluster.Allow(ctx, db, "intake:192.0.2.1", 20, now)
					if err != nil {
						t.Error(err)
						return
					}
					if ok {
						passed.Add(1)
					}
				}
			})
		}
		wg.Wait()
		if n := passed.Load(); n != 20 {
			t.Fatalf("%d of 60 hits passed a limit of 20 a minute", n)
		}
		// Another key has its own count.
		if ok, _ := cluster.Allow(ctx, dbs[0], "intake:192.0.2.2", 20, now); !ok {
			t.Error("another address was limited")
		}
		// Half a minute into the next window half of the previous one still
		// counts: 10 more pass.
		later := now.Add(90 * time.Second)
		n := 0
		for range 30 {
			if ok, _ := cluster.Allow(ctx, dbs[1], "intake:192.0.2.1", 20, later); ok {
				n++
			}
		}
		if n != 10 {
			t.Errorf("half a minute later %d passed, want 10", n)
		}
		// Two minutes on, all 20 again.
		n = 0
		for range 25 {
			if ok, _ := cluster.Allow(ctx, dbs[2], "intake:192.0.2.1", 20, now.Add(3*time.Minute)); ok {
				n++
			}
		}
		if n != 20 {
			t.Errorf("after two quiet minutes %d passed, want 20", n)
		}
		if ok, _ := cluster.Allow(ctx, dbs[0], "x", 0, now); !ok {
			t.Error("limit 0 refused")
		}
		if err := cluster.Sweep(ctx, dbs[0], now.Add(10*time.Minute)); err != nil {
			t.Fatal(err)
		}
		var left int
		if err := dbs[0].QueryRow(ctx, "SELECT COUNT(*) FROM rate_windows").Scan(&left); err != nil || left != 0 {
			t.Errorf("after the sweep %d windows left (%v)", left, err)
		}
	})
}

// BenchmarkAllow is the cost a rate limit adds to each public submission:
// one transaction with an upsert and a read.
func BenchmarkAllow(b *testing.B) {
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			var dbURL string
			if name == "sqlite" {
				dbURL = "sqlite:" + b.TempDir() + "/bench.db"
			} else {
				dbURL = storetest.SchemaURL(b, "bench_cluster")
			}
			ctx := context.Background()
			db, err := store.Open(ctx, dbURL)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Migrate(ctx); err != nil {
				b.Fatal(err)
			}
			for i := 0; b.Loop(); i++ {
				if _, err := cluster.Allow(ctx, db, "bench:"+strconv.Itoa(i%100), 1_000_000, time.Now()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
