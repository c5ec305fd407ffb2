package unitpicture_test

// Benchmarks at national scale: 5,000 units × 10 school years × 40
// indicators = 2,000,000 values (generated), on SQLite and, with
// STYRKEDJAN_TEST_POSTGRES, PostgreSQL:
//
//	go test -run '^$' -bench . -benchtime=20x ./internal/unitpicture/
//
// The generated databases are cached between runs: a file in the system's
// temporary folder for SQLite, a schema for PostgreSQL. Delete them or bump
// benchVersion to renew.

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/auth"
	"github.com/styrkedjan/styrkedjan/internal/demo"
	"github.com/styrkedjan/styrkedjan/internal/store"
	"github.com/styrkedjan/styrkedjan/internal/store/storetest"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture"
	"github.com/styrkedjan/styrkedjan/internal/unitpicture/skolverket"
)

const (
	benchVersion    = "4"
	benchUnits      = 5000
	benchYears      = 10 // 2015/16–2024/25
	benchFirstYear  = 2015
	benchIndicators = 40
	benchImportYear = "2025/26" // the year the import benchmark adds
)

var benchDBs struct {
	sync.Mutex
	m map[store.Dialect]*store.DB
}

func benchEach(b *testing.B, fn func(b *testing.B, db *store.DB)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, benchDB(b, store.SQLite)) })
	if os.Getenv(storetest.EnvPostgres) != "" {
		b.Run("postgres", func(b *testing.B) { fn(b, benchDB(b, store.Postgres)) })
	}
}

// benchCodes are the unit codes: the demo's grundskola units first (so the
// organizer's views have their own units), then generated national ones.
func benchCodes() []string {
	codes := []string{"92000201", "92000202", "92000203", "92000204", "92000205", "92000206", "92000207", "92000208", "93000301", "93000302", "93000303"}
	for i := 0; len(codes) < benchUnits; i++ {
		codes = append(codes, fmt.Sprintf("%08d", 10000000+i))
	}
	return codes
}

func benchDB(b *testing.B, dialect store.Dialect) *store.DB {
	benchDBs.Lock()
	defer benchDBs.Unlock()
	if db := benchDBs.m[dialect]; db != nil {
		return db
	}
	ctx := context.Background()
	dbURL := "sqlite:" + filepath.Join(os.TempDir(), "styrkedjan-unitpicture-bench-"+benchVersion+".db")
	if dialect == store.Postgres {
		dbURL = storetest.SchemaURL(b, "styrkedjan_upbench_"+benchVersion)
	}
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	want := benchUnits * benchYears * benchIndicators
	var have int
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM indicator_values WHERE school_year <> ?", benchImportYear).Scan(&have); err != nil {
		b.Fatal(err)
	}
	if have != want {
		start := time.Now()
		if err := generate(ctx, db); err != nil {
			b.Fatal(err)
		}
		b.Logf("%s: generated %d values in %s", dialect, want, time.Since(start).Round(time.Millisecond))
	}
	start := time.Now()
	if err := unitpicture.Optimize(ctx, db); err != nil {
		b.Fatal(err)
	}
	if dialect == store.Postgres {
		// What autovacuum does in production after a bulk load: the
		// visibility map lets the covering index answer without the heap.
		if _, err := db.Exec(ctx, "VACUUM indicator_values"); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%s: statistics updated in %s", dialect, time.Since(start).Round(time.Millisecond))
	if benchDBs.m == nil {
		benchDBs.m = map[store.Dialect]*store.DB{}
	}
	benchDBs.m[dialect] = db
	return db
}

// generate fills the database: the demo organizer, the catalogue plus own
// indicators up to 40, and a value for every unit, year and indicator
// (merit value following the SALSA model with noise, so the regression has
// something to find; about 3 % of values based on fewer than 10 pupils).
func generate(ctx context.Context, db *store.DB) error {
	if ok, err := demo.Loaded(ctx, db); err != nil {
		return err
	} else if !ok {
		if err := demo.Load(ctx, db); err != nil {
			return err
		}
	}
	if _, err := db.Exec(ctx, "DELETE FROM indicator_values"); err != nil {
		return err
	}
	if err := unitpicture.SyncCatalogue(ctx, db); err != nil {
		return err
	}
	inds, err := unitpicture.Indicators(ctx, db)
	if err != nil {
		return err
	}
	now := store.Now()
	for i := len(inds); i < benchIndicators; i++ {
		if _, err := db.Exec(ctx, `INSERT INTO indicators (key, builtin, name_sv, unit, direction, kind, created_at, updated_at)
			VALUES (?, ?, ?, 'percent', 1, 'share', ?, ?)`, fmt.Sprintf("own_bench_%02d", i), false, fmt.Sprintf("Egen %d", i), now, now); err != nil {
			return err
		}
	}
	if inds, err = unitpicture.Indicators(ctx, db); err != nil {
		return err
	}
	inds = inds[:benchIndicators]
	own := map[string]int64{}
	rows, err := db.Query(ctx, "SELECT unit_code, id FROM units")
	if err != nil {
		return err
	}
	for rows.Next() {
		var c string
		var id int64
		if err := rows.Scan(&c, &id); err != nil {
			rows.Close()
			return err
		}
		own[c] = id
	}
	rows.Close()
	rng := rand.New(rand.NewPCG(5, 5000))
	codes := benchCodes()
	const batch = 400
	const one = "(?, ?, ?, ?, ?, ?, 'all', ?, '', '', ?, 'bench', ?, NULL)"
	var buf bytes.Buffer
	args := make([]any, 0, batch*10)
	flush := func(tx *store.Tx, n int) error {
		if n == 0 {
			return nil
		}
		buf.Reset()
		buf.WriteString(`INSERT INTO indicator_values (indicator_id, unit_code, unit_id, unit_name, school_year, year_start, grp, value, status, raw,
			pupils, source, imported_at, import_run_id) VALUES `)
		for i := range n {
			if i > 0 {
				buf.WriteString(", ")
			}
			buf.WriteString(one)
		}
		_, err := tx.Exec(ctx, buf.String(), args...)
		args = args[:0]
		return err
	}
	for y := range benchYears {
		ys := benchFirstYear + y
		year := unitpicture.SchoolYear(ys)
		err := store.InTx(ctx, db, func(tx *store.Tx) error {
			n := 0
			for _, code := range codes {
				var uid *int64
				if id, ok := own[code]; ok {
					uid = &id
				}
				edu := 1.6 + rng.Float64()*1.1
				boys := 40 + rng.Float64()*20
				imm := rng.Float64() * 25
				pupils := 10 + rng.IntN(140)
				if rng.IntN(33) == 0 {
					pupils = 3 + rng.IntN(7)
				}
				for _, ind := range inds {
					var x float64
					switch ind.Key {
					case "parents_education":
						x = edu
					case "share_boys":
						x = boys
					case "share_newly_immigrated":
						x = imm
					case "merit_value_9":
						x = 93.567 + 69.846*edu - 35.271*boys/100 - 83.641*imm/100 + rng.NormFloat64()*17
					default:
						x = math.Round(rng.Float64()*1000) / 10
					}
					args = append(args, ind.ID, code, uid, "Skola "+code, year, ys, x, pupils, now)
					n++
					if n == batch {
						if err := flush(tx, n); err != nil {
							return err
						}
						n = 0
					}
				}
			}
			return flush(tx, n)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func benchOfficer(b *testing.B, db *store.DB) *auth.Principal {
	var id int64
	if err := db.QueryRow(context.Background(), "SELECT id FROM users WHERE email = ?", "klagomal@exempelby.example").Scan(&id); err != nil {
		b.Fatal(err)
	}
	p, err := auth.LoadPrincipal(context.Background(), db, id)
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkIndicatorView: one indicator and year (target: median < 150 ms).
func BenchmarkIndicatorView(b *testing.B) {
	benchEach(b, func(b *testing.B, db *store.DB) {
		p := benchOfficer(b, db)
		ctx := context.Background()
		var times []float64
		for b.Loop() {
			start := time.Now()
			m, err := unitpicture.IndicatorView(ctx, db, p, "merit_value_9", "2024/25")
			if err != nil || len(m.Units) != 11 || m.National == nil {
				b.Fatalf("%v %v", m, err)
			}
			times = append(times, float64(time.Since(start).Microseconds())/1000)
		}
		sort.Float64s(times)
		b.ReportMetric(unitpicture.Quantile(times, 0.5), "ms-median")
	})
}

// BenchmarkAdjusted: OLS across all 5,000 units (national scope), with the
// walk back through earlier years for the streaks.
func BenchmarkAdjusted(b *testing.B) {
	benchEach(b, func(b *testing.B, db *store.DB) {
		p := benchOfficer(b, db)
		ctx := context.Background()
		for b.Loop() {
			res, err := unitpicture.Adjusted(ctx, db, p, unitpicture.AdjustedQuery{Scope: unitpicture.ScopeNational, Year: "2024/25"})
			if err != nil || res.N < benchUnits*9/10 {
				b.Fatalf("%v %v", res, err)
			}
		}
	})
}

// benchCSV is a national statistics file for benchImportYear over the
// benchmark's 5,000 units, in the format of Skolverket's real file.
func benchCSV() []byte {
	var buf bytes.Buffer
	buf.WriteString("\ufeffStatistik från Skolverket, https://www.skolverket.se;;;;;;;;;;\n;;;;;;;;;;\nGrundskola - Slutbetyg årskurs 9, samtliga elever;;;;;;;;;;\nValt läsår: " + benchImportYear + ";;;;;;;;;;\n;;;;;;;;;;\n")
	buf.WriteString("Skola;Skol-enhetskod;Skolkommun;Kommun-kod;Typ av huvudman;Huvudman;Huvudman orgnr;Antal elever;Andel (%) elever som uppfyllt betygskriterierna i alla ämnen;Andel (%) elever behöriga till yrkesprog.;Genomsnittligt meritvärde (17 ämnen)\n")
	vals := []string{"..", ".", "~100", "87,5", "92,1"}
	for i, code := range benchCodes() {
		fmt.Fprintf(&buf, "Skola %d;%s;Kommun;%04d;Kommunal;Kommun %d;2120000000;%d;%s;%s;%d,%d\n",
			i, code, i%290, i%290, 10+i%150, vals[i%5], vals[(i+1)%5], 150+i%150, i%10)
	}
	buf.WriteString(";;;;;;;;;;\nRapportbeskrivning;;;;;;;;;;\n")
	return buf.Bytes()
}

// BenchmarkImportCSV: parse and import a 5,000-row national file (20,000
// values) into the database holding the other 2,000,000 (target < 1 s).
// "new" inserts a new year each time; "again" re-imports it (all unchanged).
func BenchmarkImportCSV(b *testing.B) {
	data := benchCSV()
	benchEach(b, func(b *testing.B, db *store.DB) {
		ctx := context.Background()
		imp := func() *unitpicture.Report {
			d, err := skolverket.ParseCSV(bytes.NewReader(data), "bench.csv")
			if err != nil {
				b.Fatal(err)
			}
			rep, err := unitpicture.Import(ctx, db, auth.System, d, unitpicture.SourceCSV, "bench.csv")
			if err != nil {
				b.Fatal(err)
			}
			return rep
		}
		clear := func() {
			if _, err := db.Exec(ctx, "DELETE FROM indicator_values WHERE school_year = ?", benchImportYear); err != nil {
				b.Fatal(err)
			}
		}
		b.Run("new", func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				clear()
				b.StartTimer()
				if rep := imp(); rep.Inserted != benchUnits*4 {
					b.Fatalf("inserted %d", rep.Inserted)
				}
			}
		})
		b.Run("again", func(b *testing.B) {
			imp()
			for b.Loop() {
				if rep := imp(); !rep.NothingChanged() {
					b.Fatalf("changed: %+v", rep)
				}
			}
		})
		clear()
	})
}
