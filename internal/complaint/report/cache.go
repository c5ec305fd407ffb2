package report

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/styrkedjan/styrkedjan/internal/complaint"
	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Cache keeps the counts a report makes of the cases (collect's tallied)
// between reports, so the trends and the board report are built from the
// cases once per change instead of once per request (issue 19).
//
// An entry is keyed by the period, the kind filter, today's date and the
// value of complaint_stats_version, a counter that triggers on the
// complaints table move in the same transaction as every insert, delete
// or change of a column the figures count (migration 00014). A report
// reads the counter first; when a case has changed since, the key is new
// and the counts are made again, in one read-only snapshot together with
// the counter they are stored under. So a cached count is never used after
// a change has committed, whichever server or process made it, and a crash
// between two statements rolls the counter back with the change: the
// figures are always those a full count would give at the time the
// counter was read. A change shows in the next report after its commit.
//
// Concurrent reports that miss the same key wait for one count. The names
// of units and categories, pupils, settings and the analysis are read
// afresh for every report (small tables); only the counts are kept.
type Cache struct {
	mu      sync.Mutex
	entries map[cacheKey]*cacheEntry
	newest  int64        // the highest counter value seen
	counts  atomic.Int64 // counts made, for tests
}

// cacheEntries bounds the cache: a handful of periods and kinds per day.
const cacheEntries = 64

type cacheKey struct {
	version  int64
	from, to string
	kind     complaint.Kind
	today    string
}

type cacheEntry struct {
	ready chan struct{} // closed when t or err is set
	t     *tallied
	err   error
}

// NewCache returns an empty cache. Use one per database: a server keeps
// one for its lifetime.
func NewCache() *Cache { return &Cache{entries: map[cacheKey]*cacheEntry{}} }

// StatsVersion reads the counter that moves with every change to the
// counted columns of the cases.
func StatsVersion(ctx context.Context, q store.Q) (int64, error) {
	var v int64
	err := q.QueryRow(ctx, "SELECT version FROM complaint_stats_version WHERE id = 1").Scan(&v)
	return v, err
}

// get returns the counts for a report, from the cache while no counted
// column has changed, else counted afresh.
func (c *Cache) get(ctx context.Context, q store.Q, p Period, kind complaint.Kind, today string) (*tallied, error) {
	if _, inTx := q.(*store.Tx); inTx {
		// Inside a caller's transaction the cases may hold its own
		// uncommitted changes: never share those.
		return collect(ctx, q, p, kind, today)
	}
	v, err := StatsVersion(ctx, q)
	if err != nil {
		return nil, err
	}
	key := cacheKey{version: v, from: p.From, to: p.To, kind: kind, today: today}
	c.mu.Lock()
	e, ok := c.entries[key]
	if !ok {
		e = &cacheEntry{ready: make(chan struct{})}
		c.put(key, e)
	}
	c.mu.Unlock()
	if ok {
		select {
		case <-e.ready:
			return e.t, e.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}

	// This request counts; the others for the key wait. The count goes on
	// if this request is cancelled, as they wait for it.
	var counted cacheKey
	bg := context.WithoutCancel(ctx)
	e.err = store.InReadTx(bg, q, func(tx *store.Tx) error {
		// The counter again, in the snapshot the counts are made in: a
		// change committed since the first read makes a newer key.
		v, err := StatsVersion(bg, tx)
		if err != nil {
			return err
		}
		counted = key
		counted.version = v
		c.counts.Add(1)
		e.t, err = collect(bg, tx, p, kind, today)
		return err
	})
	c.mu.Lock()
	if e.err != nil {
		if c.entries[key] == e {
			delete(c.entries, key) // the next report tries again
		}
	} else if counted != key {
		if _, taken := c.entries[counted]; !taken {
			done := &cacheEntry{ready: make(chan struct{}), t: e.t}
			close(done.ready)
			c.put(counted, done)
		}
		// The counts are newer than key: they may serve it too, as
		// they are what a full count shows now.
	}
	c.mu.Unlock()
	close(e.ready)
	return e.t, e.err
}

// put adds an entry, dropping the entries of older counter values (no
// report asks for them again) and, past the bound, any other one. c.mu
// is held.
func (c *Cache) put(key cacheKey, e *cacheEntry) {
	if key.version > c.newest {
		c.newest = key.version
		for k := range c.entries {
			if k.version < c.newest {
				delete(c.entries, k)
			}
		}
	}
	if len(c.entries) >= cacheEntries {
		for k := range c.entries {
			delete(c.entries, k)
			break
		}
	}
	c.entries[key] = e
}
