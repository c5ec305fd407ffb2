package web_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/store"
)

// Benchmarks of the unit picture's pages over HTTP on a national-scale
// database (5,000 units × 10 years × 40 indicators), reusing the database
// internal/unitpicture's benchmarks generate and cache:
//
//	go test -run '^$' -bench . -benchtime=20x ./internal/unitpicture/   # builds the cache once
//	go test -run '^$' -bench UnitPicture -benchtime=50x ./internal/web/
//
// The cache is copied (VACUUM INTO) to a file of its own, since signing in
// writes sessions. SQLite only; skipped when the cache is missing.

var upBenchDB *store.DB

func unitPictureBenchDB(b *testing.B) *store.DB {
	if upBenchDB != nil {
		return upBenchDB
	}
	ctx := context.Background()
	caches, _ := filepath.Glob(filepath.Join(os.TempDir(), "styrkedjan-unitpicture-bench-*.db"))
	if len(caches) == 0 {
		b.Skip("no national-scale unit-picture database cached; run the benchmarks of internal/unitpicture first")
	}
	sort.Strings(caches)
	src := caches[len(caches)-1]
	dst := strings.TrimSuffix(src, ".db") + "-web.db"
	if _, err := os.Stat(dst); err != nil {
		sdb, err := store.Open(ctx, "sqlite:"+src)
		if err != nil {
			b.Fatal(err)
		}
		_, err = sdb.Exec(ctx, "VACUUM INTO '"+strings.ReplaceAll(dst, "'", "''")+"'")
		sdb.Close()
		if err != nil {
			os.Remove(dst)
			b.Fatal(err)
		}
	}
	db, err := store.Open(ctx, "sqlite:"+dst)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	upBenchDB = db
	return db
}

// BenchmarkUnitPictureIndicatorPage is the indicator view page (HTML with
// its tables) and its dot chart, for an officer (every own unit; the
// national median over all 5,000 units).
func BenchmarkUnitPictureIndicatorPage(b *testing.B) {
	db := unitPictureBenchDB(b)
	base := benchServer(b, db)
	c := benchLogin(b, base, "klagomal@exempelby.example")
	var key string
	if err := db.QueryRow(context.Background(), "SELECT key FROM indicators WHERE key = 'merit_value_9'").Scan(&key); err != nil {
		b.Fatal(err)
	}
	b.Run("page", func(b *testing.B) {
		benchLatency(b, func(int) { benchGet(b, c, base+"/unitpicture?indicator="+key+"&year=2024/25", "<caption") })
	})
	b.Run("chart", func(b *testing.B) {
		benchLatency(b, func(int) { benchGet(b, c, base+"/unitpicture/chart.svg?indicator="+key+"&year=2024/25", "<svg") })
	})
	b.Run("xlsx", func(b *testing.B) {
		benchLatency(b, func(int) { benchGet(b, c, base+"/unitpicture?indicator="+key+"&year=2024/25&format=xlsx", "PK") })
	})
}
