// Command pgrouting compares walknet's distance matrix with pgRouting on the
// same generated walking network and the same node pairs.
//
// It generates a city with walknet.GenerateCity, loads its edges into a
// PostgreSQL table with COPY (the topology is given by walknet's node ids, so
// no pgr_createTopology is needed), and times
//
//   - pgr_dijkstraCost many-to-many: schools → applicant nodes, vs
//     walknet's Graph.Matrix on the same node pairs;
//   - pgr_dijkstraCostMatrix on a subset of nodes (schools + N applicants),
//     vs Graph.Matrix on that subset.
//
// It checks that the distances agree and prints the time ratios. It is a
// benchmark tool, not part of `go test ./...`; see README.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/styrkedjan/styrkedjan/internal/placement/walknet"
)

func main() {
	var (
		dsn        = flag.String("dsn", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "PostgreSQL connection (the database gets the postgis and pgrouting extensions)")
		rows       = flag.Int("rows", 160, "city intersections north–south")
		cols       = flag.Int("cols", 160, "city intersections east–west")
		subdivide  = flag.Int("subdivide", 6, "extra nodes per street segment")
		seed       = flag.Int64("seed", 42, "city seed")
		schools    = flag.Int("schools", 150, "number of school nodes (sources)")
		applicants = flag.Int("applicants", 10000, "number of applicant nodes (targets)")
		subset     = flag.Int("subset", 100, "applicants added to the schools for pgr_dijkstraCostMatrix")
		skipMany   = flag.Bool("skip-many", false, "skip the full pgr_dijkstraCost many-to-many run")
		dense      = flag.Bool("dense", false, "a dense city (walknet.CityOptions.Dense: nearly every node an intersection, long avenues; -subdivide ignored); try -rows 548 -cols 548 -bridges 8")
		bridges    = flag.Int("bridges", 4, "bridges over the river")
		skipMatrix = flag.Bool("skip-matrix", false, "skip the pgr_dijkstraCostMatrix comparison")
	)
	flag.Parse()
	if err := run(*dsn, walknet.CityOptions{Seed: *seed, Rows: *rows, Cols: *cols, Subdivide: *subdivide, Bridges: *bridges, Dense: *dense}, *schools, *applicants, *subset, *skipMany, *skipMatrix); err != nil {
		fmt.Fprintln(os.Stderr, "pgrouting:", err)
		os.Exit(1)
	}
}

func run(dsn string, co walknet.CityOptions, nSchools, nApps, subset int, skipMany, skipMatrix bool) error {
	ctx := context.Background()
	seed := co.Seed
	t0 := time.Now()
	city := walknet.GenerateCity(co)
	g := city.Graph
	fmt.Printf("city: %d nodes, %d edges, generated in %v (GOMAXPROCS %d)\n", g.NumNodes(), g.NumEdges(), time.Since(t0).Round(time.Millisecond), runtime.GOMAXPROCS(0))
	// The preprocessing (contraction hierarchy), timed apart: cached on
	// disk in real use (MatrixCached), so a run after the first pays none.
	t0 = time.Now()
	if err := g.Prepare(ctx, ""); err != nil {
		return err
	}
	fmt.Printf("walknet preprocessing (hierarchy): %v\n", time.Since(t0).Round(time.Millisecond))

	// Random distinct graph nodes as schools and applicants; snapped onto
	// themselves (snap distance 0), so walknet answers node-to-node distances
	// exactly like pgRouting.
	rng := rand.New(rand.NewPCG(uint64(seed), 99))
	seen := map[int]bool{}
	pick := func(n int) []int {
		var out []int
		for len(out) < n {
			v := rng.IntN(g.NumNodes())
			if !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
		return out
	}
	srcNodes, dstNodes := pick(nSchools), pick(nApps)
	snapNodes := func(ns []int) ([]walknet.Snapped, error) {
		out := make([]walknet.Snapped, len(ns))
		for i, v := range ns {
			s, err := g.Snap(g.NodePoint(v), 1)
			if err != nil {
				return nil, err
			}
			if s.SnapMeters > 1e-6 {
				return nil, fmt.Errorf("node %d snapped %v m away", v, s.SnapMeters)
			}
			out[i] = s
		}
		return out, nil
	}
	src, err := snapNodes(srcNodes)
	if err != nil {
		return err
	}
	dst, err := snapNodes(dstNodes)
	if err != nil {
		return err
	}

	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	for _, q := range []string{
		`CREATE EXTENSION IF NOT EXISTS postgis`,
		`CREATE EXTENSION IF NOT EXISTS pgrouting`,
		`DROP TABLE IF EXISTS walknet_bench_edges`,
		`CREATE UNLOGGED TABLE walknet_bench_edges (id bigint PRIMARY KEY, source bigint NOT NULL, target bigint NOT NULL, cost float8 NOT NULL, reverse_cost float8 NOT NULL)`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	defer conn.Exec(context.Background(), `DROP TABLE IF EXISTS walknet_bench_edges`)
	t0 = time.Now()
	n, err := conn.CopyFrom(ctx, pgx.Identifier{"walknet_bench_edges"}, []string{"id", "source", "target", "cost", "reverse_cost"},
		pgx.CopyFromSlice(g.NumEdges(), func(e int) ([]any, error) {
			u, v, l := g.Edge(e)
			return []any{int64(e + 1), int64(u + 1), int64(v + 1), l, l}, nil
		}))
	if err != nil {
		return fmt.Errorf("COPY: %w", err)
	}
	fmt.Printf("COPY %d edges: %v\n", n, time.Since(t0).Round(time.Millisecond))
	const edgesSQL = `SELECT id, source, target, cost, reverse_cost FROM walknet_bench_edges`

	ids := func(ns []int) []int64 {
		out := make([]int64, len(ns))
		for i, v := range ns {
			out[i] = int64(v + 1)
		}
		return out
	}

	// CPU times: this process's (all walknet's threads) and the PostgreSQL
	// backend's (from /proc; the server must run on this machine, else
	// they are not shown). On a shared machine they move far less than
	// wall times with the other load.
	var backend int
	if err := conn.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&backend); err != nil {
		return err
	}

	// 1. Many-to-many: schools → applicants.
	t0, c0 := time.Now(), selfCPU()
	ours, err := g.Matrix(ctx, src, dst, 0)
	if err != nil {
		return err
	}
	oursT, oursC := time.Since(t0), selfCPU()-c0
	fmt.Printf("walknet Matrix %d × %d: %v (CPU %v)\n", len(src), len(dst), oursT.Round(time.Millisecond), oursC.Round(time.Millisecond))
	if !skipMany {
		pc0, pcOK := procCPU(backend)
		t0 = time.Now()
		pg, err := query(ctx, conn, `SELECT start_vid, end_vid, agg_cost FROM pgr_dijkstraCost($1, $2::bigint[], $3::bigint[], directed => false)`,
			edgesSQL, ids(srcNodes), ids(dstNodes))
		if err != nil {
			return fmt.Errorf("pgr_dijkstraCost: %w", err)
		}
		pgT := time.Since(t0)
		pc1, pcOK1 := procCPU(backend)
		fmt.Printf("pgr_dijkstraCost %d × %d: %v (%d rows)\n", len(src), len(dst), pgT.Round(time.Millisecond), len(pg))
		if err := compare(ours, srcNodes, dstNodes, pg); err != nil {
			return err
		}
		fmt.Printf("ratio pgRouting / walknet (many-to-many): %.1f×\n", pgT.Seconds()/oursT.Seconds())
		if pcOK && pcOK1 {
			fmt.Printf("CPU: pgRouting backend %v, walknet %v; ratio %.1f×\n", (pc1 - pc0).Round(time.Millisecond), oursC.Round(time.Millisecond), (pc1-pc0).Seconds()/oursC.Seconds())
		}
	}
	if skipMatrix {
		return nil
	}

	// 2. Cost matrix on a subset: schools + subset applicants, all pairs.
	sub := append(append([]int(nil), srcNodes...), dstNodes[:min(subset, len(dstNodes))]...)
	subSn := append(append([]walknet.Snapped(nil), src...), dst[:min(subset, len(dst))]...)
	t0 = time.Now()
	oursSub, err := g.Matrix(ctx, subSn, subSn, 0)
	if err != nil {
		return err
	}
	oursSubT := time.Since(t0)
	t0 = time.Now()
	pgSub, err := query(ctx, conn, `SELECT start_vid, end_vid, agg_cost FROM pgr_dijkstraCostMatrix($1, $2::bigint[], directed => false)`, edgesSQL, ids(sub))
	if err != nil {
		return fmt.Errorf("pgr_dijkstraCostMatrix: %w", err)
	}
	pgSubT := time.Since(t0)
	fmt.Printf("walknet Matrix %d × %d: %v; pgr_dijkstraCostMatrix: %v (%d rows)\n", len(sub), len(sub), oursSubT.Round(time.Millisecond), pgSubT.Round(time.Millisecond), len(pgSub))
	if err := compare(oursSub, sub, sub, pgSub); err != nil {
		return err
	}
	fmt.Printf("ratio pgRouting / walknet (cost matrix): %.1f×\n", pgSubT.Seconds()/oursSubT.Seconds())
	return nil
}

type pair struct{ from, to int64 }

func query(ctx context.Context, conn *pgx.Conn, sql string, args ...any) (map[pair]float64, error) {
	rs, err := conn.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	out := map[pair]float64{}
	for rs.Next() {
		var a, b int64
		var c float64
		if err := rs.Scan(&a, &b, &c); err != nil {
			return nil, err
		}
		out[pair{a, b}] = c
	}
	return out, rs.Err()
}

// compare checks every pgRouting row against walknet and that every finite
// walknet distance has a row (pgRouting omits unreachable pairs and i == j).
func compare(ours [][]float64, from, to []int, pg map[pair]float64) error {
	var checked int
	var maxDiff float64
	var bad []string
	for i, u := range from {
		for j, v := range to {
			d, ok := pg[pair{int64(u + 1), int64(v + 1)}]
			switch {
			case u == v:
				if ours[i][j] != 0 {
					bad = append(bad, fmt.Sprintf("%d→%d: walknet %v, want 0", u, v, ours[i][j]))
				}
				continue
			case !ok && math.IsInf(ours[i][j], 1):
				continue
			case !ok:
				bad = append(bad, fmt.Sprintf("%d→%d: walknet %v, pgRouting unreachable", u, v, ours[i][j]))
				continue
			}
			checked++
			diff := math.Abs(d - ours[i][j])
			maxDiff = max(maxDiff, diff)
			if diff > 1e-6*max(1, d) {
				bad = append(bad, fmt.Sprintf("%d→%d: walknet %v, pgRouting %v", u, v, ours[i][j], d))
			}
		}
	}
	fmt.Printf("  compared %d pairs, max |difference| %.3g m\n", checked, maxDiff)
	if len(bad) > 0 {
		return fmt.Errorf("%d distances disagree, e.g. %s", len(bad), strings.Join(bad[:min(5, len(bad))], "; "))
	}
	return nil
}

// selfCPU is this process's user+system CPU time.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// procCPU is the user+system CPU time of process pid from /proc (clock
// ticks of 1/100 s); false when it cannot be read.
func procCPU(pid int) (time.Duration, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, false
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(u+st) * 10 * time.Millisecond, true
}
