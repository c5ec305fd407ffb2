package walknet

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// checkExact compares the hierarchy's matrix (both directions) with plain
// Dijkstra on the full graph: every distance within 1e-6 m.
func checkExact(t *testing.T, name string, g *Graph, from, to []Snapped) {
	t.Helper()
	want, err := g.matrixOpt(context.Background(), from, to, 2, matrixOptions{fullGraph: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, opt := range []matrixOptions{{method: methodCH}, {method: methodCH, fromLarger: true}} {
		got, err := g.matrixOpt(context.Background(), from, to, 2, opt)
		if err != nil {
			t.Fatal(err)
		}
		bad := 0
		for i := range want {
			for j := range want[i] {
				w, d := want[i][j], got[i][j]
				if math.IsInf(w, 1) != math.IsInf(d, 1) || !math.IsInf(w, 1) && math.Abs(w-d) > 1e-6 {
					if bad++; bad <= 5 {
						t.Errorf("%s %+v: d[%d][%d] = %.9f, Dijkstra %.9f", name, opt, i, j, d, w)
					}
				}
			}
		}
	}
}

func snapOrFail(t *testing.T, g *Graph, ps []Point) []Snapped {
	t.Helper()
	sn, errs := g.SnapAll(ps, 0)
	for i, err := range errs {
		if err != nil {
			t.Fatalf("snap %d: %v", i, err)
		}
	}
	return sn
}

// Dense generated cities: nearly every node an intersection, avenues, a river.
func TestHierarchyExactDenseCities(t *testing.T) {
	for seed := int64(1); seed <= 6; seed++ {
		rng := rand.New(rand.NewPCG(uint64(seed), 11))
		c := GenerateCity(CityOptions{Seed: seed, Rows: 10 + rng.IntN(40), Cols: 10 + rng.IntN(40), Bridges: 1 + rng.IntN(4), Dense: true, ParkShare: 0.3})
		g := c.Graph
		if deg2 := g.NumNodes() - g.core.numNodes(); deg2 > g.NumNodes()/20 {
			t.Errorf("seed %d: %d of %d nodes are not intersections or ends", seed, deg2, g.NumNodes())
		}
		from := snapOrFail(t, g, c.RandomPoints(7, seed))
		to := snapOrFail(t, g, c.RandomPoints(300, seed+100))
		checkExact(t, fmt.Sprintf("dense seed %d", seed), g, from, to)
	}
}

// rawGraph builds a graph from points and edges (node ids 1..n).
func rawGraph(pts []Point, edges [][2]int) *Graph {
	raw := &rawData{}
	for i, p := range pts {
		raw.addNode(int64(i+1), p.Lat, p.Lon)
	}
	for _, e := range edges {
		raw.addWalkableWay([]int64{int64(e[0] + 1), int64(e[1] + 1)})
	}
	return build(raw)
}

// Random dense graphs: random points joined to several near neighbours and a
// few far ones (long edges across), parallel edges and separate components.
func TestHierarchyExactRandomGraphs(t *testing.T) {
	for seed := uint64(1); seed <= 8; seed++ {
		rng := rand.New(rand.NewPCG(seed, 5))
		n := 200 + rng.IntN(800)
		pts := make([]Point, n)
		for i := range pts {
			pts[i] = Point{59 + rng.Float64()*0.02, 18 + rng.Float64()*0.04}
		}
		var edges [][2]int
		for i := range n {
			for range 1 + rng.IntN(4) {
				// A near node (by index window after sorting by latitude is
				// not needed: any random partner within a small box).
				j := rng.IntN(n)
				for tries := 0; tries < 20 && StraightLine(pts[i], pts[j]) > 400; tries++ {
					j = rng.IntN(n)
				}
				if j != i {
					edges = append(edges, [2]int{i, j})
				}
			}
			if rng.IntN(50) == 0 {
				edges = append(edges, [2]int{i, rng.IntN(n)}) // a long edge
			}
			if rng.IntN(30) == 0 && len(edges) > 0 {
				edges = append(edges, edges[rng.IntN(len(edges))]) // parallel
			}
		}
		g := rawGraph(pts, edges)
		var ps []Point
		for range 250 {
			ps = append(ps, Point{59 + rng.Float64()*0.02, 18 + rng.Float64()*0.04})
		}
		sn := snapOrFail(t, g, ps)
		checkExact(t, fmt.Sprintf("random seed %d", seed), g, sn[:9], sn[9:])
	}
}

// The hierarchy customized on both halves at once is the sequential one,
// arc for arc and bit for bit, on dense cities and random graphs.
func TestHierarchyParallelEqualsSequential(t *testing.T) {
	var graphs []*Graph
	for seed := int64(1); seed <= 3; seed++ {
		graphs = append(graphs, GenerateCity(CityOptions{Seed: seed, Rows: 30 + 10*int(seed), Cols: 40, Bridges: 2, Dense: true, ParkShare: 0.3}).Graph)
	}
	rng := rand.New(rand.NewPCG(3, 9))
	pts := make([]Point, 600)
	for i := range pts {
		pts[i] = Point{59 + rng.Float64()*0.02, 18 + rng.Float64()*0.04}
	}
	var edges [][2]int
	for i := range pts {
		edges = append(edges, [2]int{i, rng.IntN(len(pts))}, [2]int{i, (i + 1) % len(pts)})
	}
	graphs = append(graphs, rawGraph(pts, edges))
	for gi, g := range graphs {
		par, err := buildCHWith(context.Background(), g, g.core, true)
		if err != nil {
			t.Fatal(err)
		}
		seq, err := buildCHWith(context.Background(), g, g.core, false)
		if err != nil {
			t.Fatal(err)
		}
		_, split, _ := ndOrder(context.Background(), &g.core.csr, make([]float64, g.core.numNodes()), make([]float64, g.core.numNodes()))
		if split.sep == 0 {
			t.Errorf("graph %d: no split to customize in parallel", gi)
		}
		if !slices.Equal(par.pos, seq.pos) || !slices.Equal(par.off, seq.off) || !slices.Equal(par.to, seq.to) || !slices.Equal(par.par, seq.par) {
			t.Errorf("graph %d: the parallel hierarchy's structure differs", gi)
			continue
		}
		for k := range par.w {
			if math.Float64bits(par.w[k]) != math.Float64bits(seq.w[k]) {
				t.Errorf("graph %d: arc %d is %v in parallel, %v in sequence", gi, k, par.w[k], seq.w[k])
				break
			}
		}
	}
}

// Exact grids: every block the same, so many shortest paths tie.
func TestHierarchyExactGrids(t *testing.T) {
	for _, k := range []int{2, 3, 17, 40} {
		var pts []Point
		var edges [][2]int
		for r := range k {
			for c := range k {
				pts = append(pts, Point{57.7 + float64(r)*0.0009, 11.9 + float64(c)*0.0017})
				if c > 0 {
					edges = append(edges, [2]int{r*k + c - 1, r*k + c})
				}
				if r > 0 {
					edges = append(edges, [2]int{(r-1)*k + c, r*k + c})
				}
			}
		}
		g := rawGraph(pts, edges)
		rng := rand.New(rand.NewPCG(uint64(k), 1))
		var ps []Point
		for range 120 {
			ps = append(ps, Point{57.7 + rng.Float64()*float64(k-1)*0.0009, 11.9 + rng.Float64()*float64(k-1)*0.0017})
		}
		for i := range pts { // the nodes themselves
			if i%7 == 0 {
				ps = append(ps, pts[i])
			}
		}
		sn := snapOrFail(t, g, ps)
		checkExact(t, fmt.Sprintf("grid %d", k), g, sn[:6], sn)
	}
}

// The hierarchy cache: written under the network hash, read back; a corrupt
// or stale file is rebuilt and replaced.
func TestHierarchyCache(t *testing.T) {
	ctx := context.Background()
	c := GenerateCity(CityOptions{Seed: 3, Rows: 20, Cols: 20, Dense: true})
	other := GenerateCity(CityOptions{Seed: 4, Rows: 20, Cols: 20, Dense: true})
	dir := t.TempDir()
	g := c.Graph
	if err := g.Prepare(ctx, dir); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, g.Hash()+".ch")
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no hierarchy file: %v", err)
	}
	want := g.ch
	// A fresh graph of the same network reads the file.
	fresh := func() *Graph { return GenerateCity(CityOptions{Seed: 3, Rows: 20, Cols: 20, Dense: true}).Graph }
	g2 := fresh()
	if !g2.hierarchyAtHand(dir) {
		t.Error("the hierarchy file is not found")
	}
	if err := g2.Prepare(ctx, dir); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(g2.ch.w, want.w) || !slices.Equal(g2.ch.to, want.to) || !slices.Equal(g2.ch.pos, want.pos) {
		t.Error("the hierarchy read back differs")
	}
	// A hit is read from the file: plant a valid hierarchy with other lengths.
	planted := *want
	planted.w = slices.Clone(want.w)
	planted.w[0] += 1000
	if err := writeCH(dir, path, g.Hash(), &planted); err != nil {
		t.Fatal(err)
	}
	g3 := fresh()
	if err := g3.Prepare(ctx, dir); err != nil {
		t.Fatal(err)
	}
	if g3.ch.w[0] != planted.w[0] {
		t.Error("a valid file was not used")
	}
	// Stale: another network's hierarchy under this name; corrupt: a flipped
	// byte, a truncated file, an empty one, bad structure with a good checksum.
	if err := other.Graph.Prepare(ctx, dir); err != nil {
		t.Fatal(err)
	}
	stale, _ := os.ReadFile(filepath.Join(dir, other.Graph.Hash()+".ch"))
	badTree := *want
	badTree.to = slices.Clone(want.to)
	badTree.to[len(badTree.to)-1] = int32(len(want.pos) + 5)
	for name, write := range map[string]func() error{
		"stale":     func() error { return os.WriteFile(path, stale, 0o644) },
		"flipped":   func() error { b := slices.Clone(good); b[len(b)/2] ^= 0x40; return os.WriteFile(path, b, 0o644) },
		"truncated": func() error { return os.WriteFile(path, good[:len(good)/3], 0o644) },
		"empty":     func() error { return os.WriteFile(path, nil, 0o644) },
		"structure": func() error { return writeCH(dir, path, g.Hash(), &badTree) },
	} {
		if err := write(); err != nil {
			t.Fatal(err)
		}
		g4 := fresh()
		if err := g4.Prepare(ctx, dir); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !slices.Equal(g4.ch.w, want.w) || !slices.Equal(g4.ch.to, want.to) {
			t.Errorf("%s: the hierarchy was not rebuilt", name)
		}
		if b, _ := os.ReadFile(path); !slices.Equal(b, good) {
			t.Errorf("%s: the file was not replaced", name)
		}
	}
	if tmp, _ := filepath.Glob(filepath.Join(dir, "*.tmp")); len(tmp) != 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
	// MatrixCached uses the same directory for the hierarchy.
	g5 := fresh()
	from := snapOrFail(t, g5, c.RandomPoints(30, 1))
	to := snapOrFail(t, g5, c.RandomPoints(40, 2))
	m, err := g5.MatrixCached(ctx, dir, from, to, 1)
	if err != nil {
		t.Fatal(err)
	}
	if g5.ch == nil {
		t.Error("MatrixCached did not use the hierarchy")
	}
	checkExact(t, "cached", g5, from, to)
	_ = m
}
