// Package cluster coordinates several Styrkedjan processes on one database
// (issue 13): leases, so that a background job's round runs in one process
// at a time, and rate limits whose counts all processes share. Both live
// in the database, never in a process's memory, so they hold when a load
// balancer spreads requests over several servers and when one of them is
// killed.
package cluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/store"
)

// NewHolder returns a random name for this process as a lease holder.
func NewHolder() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// TryLease takes or renews the lease called name for holder until now+ttl.
// It succeeds when nobody holds the lease, when holder already does, or
// when the holder's lease has run out (a process that died); otherwise it
// reports false. One statement, so of several processes asking at once
// exactly one gets a free lease.
func TryLease(ctx context.Context, db store.Q, name, holder string, ttl time.Duration) (bool, error) {
	now := store.Now()
	res, err := db.Exec(ctx, `INSERT INTO job_leases (name, holder, until_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until_at = excluded.until_at
		WHERE job_leases.holder = excluded.holder OR job_leases.until_at < ?`, name, holder, now.Add(ttl), now)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Release gives up the lease if holder has it, so another process need not
// wait for it to run out (a clean shutdown).
func Release(ctx context.Context, db store.Q, name, holder string) error {
	_, err := db.Exec(ctx, "DELETE FROM job_leases WHERE name = ? AND holder = ?", name, holder)
	return err
}

// Allow counts a hit against key and reports whether it is within
// perMinute hits in the sliding minute before now; a refused hit is not
// counted, so waiting always helps. The minute is estimated from two
// fixed one-minute windows: the current one's hits plus the previous
// one's weighted by how much of it the sliding minute still covers. The
// count is kept in the database (rate_windows) and changed in one
// transaction, so several processes share it exactly. perMinute <= 0
// allows everything.
func Allow(ctx context.Context, db store.Q, key string, perMinute int, now time.Time) (bool, error) {
	if perMinute <= 0 {
		return true, nil
	}
	now = now.UTC()
	start := now.Truncate(time.Minute)
	prevStart := start.Add(-time.Minute)
	weight := 1 - float64(now.Sub(start))/float64(time.Minute)
	allowed := false
	err := store.InTx(ctx, db, func(tx *store.Tx) error {
		var cur int
		if err := tx.QueryRow(ctx, `INSERT INTO rate_windows (key, window_start, hits) VALUES (?, ?, 1)
			ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_windows.hits + 1 RETURNING hits`, key, start).Scan(&cur); err != nil {
			return err
		}
		var prev int
		if err := tx.QueryRow(ctx, "SELECT hits FROM rate_windows WHERE key = ? AND window_start = ?", key, prevStart).Scan(&prev); err != nil && !store.IsNotFound(err) {
			return err
		}
		if float64(cur)+float64(prev)*weight <= float64(perMinute)+1e-9 {
			allowed = true
			return nil
		}
		_, err := tx.Exec(ctx, "UPDATE rate_windows SET hits = hits - 1 WHERE key = ? AND window_start = ?", key, start)
		return err
	})
	return allowed, err
}

// Sweep deletes rate windows older than two minutes; the auth sweep calls
// it.
func Sweep(ctx context.Context, db store.Q, now time.Time) error {
	_, err := db.Exec(ctx, "DELETE FROM rate_windows WHERE window_start < ?", now.UTC().Truncate(time.Minute).Add(-2*time.Minute))
	return err
}
