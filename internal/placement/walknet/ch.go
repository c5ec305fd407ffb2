package walknet

import (
	"context"
	"math"
	"slices"
	"sync"
)

// A customizable contraction hierarchy (CCH) over the core graph, queried one
// source at a time with PHAST.
//
// Order: nested dissection on the nodes' coordinates. The nodes are split at
// the median of the longer side of their bounding box; the nodes of the
// first half with a neighbour in the second are the separator, ranked above
// both halves, which are ordered the same way recursively. Street networks
// are nearly planar, so separators are small (about the square root of the
// part) and the hierarchy stays small without any shortest-path search
// (Dibbelt, Strasser, Wagner: "Customizable contraction hierarchies", 2016).
//
// Contraction is symbolic: eliminating the nodes from the lowest rank up, a
// node's upper neighbours all become joined (the chordal completion, built
// through the elimination tree: a node's upper neighbours are merged into
// those of its lowest upper neighbour, its parent). No witness search decides
// anything, so no shortcut can be missing. Customization then gives every arc
// the length of the shortest path between its ends through lower-ranked
// nodes: processing nodes from the lowest rank up, for every pair x, y of a
// node v's upper neighbours, w(x,y) = min(w(x,y), w(v,x) + w(v,y)). After
// that, for every pair of nodes a shortest path goes up, then down.
//
// A query from a source walks the elimination tree upward from the source's
// two core nodes (every upward-reachable node is an ancestor, visited in
// rank order, so one pass settles them; no priority queue), then sweeps all
// nodes from the highest rank down: a node's distance is the minimum of its
// upward distance and, over its upward arcs (u, w), d(u) + w (PHAST: Delling,
// Goldberg, Nowatzyk, Werneck 2011). The sweep gives exact distances to every
// node: sums of the same edge lengths as plain Dijkstra, added in another
// order, equal to within rounding (far below 1e-6 m). Nodes are numbered by
// position (0 = highest rank) so the sweep reads memory in order.

// chGraph is a contraction hierarchy in position order.
type chGraph struct {
	pos []int32 // core node → position (0 = highest rank)
	// Upward arcs of the node at position p: to[off[p]:off[p+1]], all < p,
	// sorted ascending, with lengths w. The last is the elimination-tree
	// parent.
	off []int32
	to  []int32
	w   []float64
	par []int32 // elimination-tree parent of each position (-1: a root)
}

func (ch *chGraph) numNodes() int { return len(ch.pos) }

// numArcs is the number of upward arcs (core edges plus shortcuts, each once).
func (ch *chGraph) numArcs() int { return len(ch.to) }

// bytes is the memory the hierarchy holds.
func (ch *chGraph) bytes() int64 {
	return int64(4*len(ch.pos) + 4*len(ch.off) + 4*len(ch.to) + 8*len(ch.w) + 4*len(ch.par))
}

// ndSplit is the first dissection of the nested-dissection order, in
// positions: the separator at [0, sep), one half at [sep, mid), the other
// at [mid, n). No arc, input or shortcut, joins the two halves, so work
// on one touches only its own arcs and the separator's (buildCH and prune
// use that to work on both halves at once). The zero value: no split.
type ndSplit struct{ sep, mid int32 }

// ndOrder returns the core nodes from the lowest rank to the highest
// (nested dissection on coordinates x, y in metres), and the first split.
func ndOrder(ctx context.Context, c *csr, x, y []float64) ([]int32, ndSplit, error) {
	n := c.numNodes()
	order := make([]int32, 0, n)
	part := make([]int32, n) // part id of each node in the current subproblem
	nodes := make([]int32, n)
	for i := range nodes {
		nodes[i] = int32(i)
	}
	nextPart := int32(1)
	// Iterative: a stack of subproblems; the separator of a part is
	// appended after both halves, so keep (nodes, separator) frames.
	type frame struct {
		nodes []int32
		sep   []int32 // nil on the way down; emitted when popped as done
		done  bool
	}
	stack := []frame{{nodes: nodes}}
	steps := 0
	var top ndSplit
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if f.done {
			order = append(order, f.sep...)
			continue
		}
		if steps++; steps%1024 == 0 && ctx.Err() != nil {
			return nil, ndSplit{}, ctx.Err()
		}
		ns := f.nodes
		if len(ns) <= 2 {
			order = append(order, ns...)
			continue
		}
		minX, maxX, minY, maxY := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
		for _, v := range ns {
			minX, maxX = min(minX, x[v]), max(maxX, x[v])
			minY, maxY = min(minY, y[v]), max(maxY, y[v])
		}
		key := x
		if maxY-minY > maxX-minX {
			key = y
		}
		mid := len(ns) / 2
		selectNth(ns, mid, key)
		a, b := ns[:mid], ns[mid:]
		pa, pb := nextPart, nextPart+1
		nextPart += 2
		for _, v := range a {
			part[v] = pa
		}
		for _, v := range b {
			part[v] = pb
		}
		// Separator: nodes of a with a neighbour in b.
		var sep []int32
		rest := a[:0:0]
		for _, v := range a {
			cut := false
			for k := c.off[v]; k < c.off[v+1]; k++ {
				if part[c.to[k]] == pb {
					cut = true
					break
				}
			}
			if cut {
				sep = append(sep, v)
			} else {
				rest = append(rest, v)
			}
		}
		if steps == 1 {
			// Ranked from the top: the separator, then b, then rest.
			top = ndSplit{sep: int32(len(sep)), mid: int32(len(sep) + len(b))}
		}
		stack = append(stack, frame{sep: sep, done: true}, frame{nodes: slices.Clone(b)}, frame{nodes: rest})
	}
	return order, top, nil
}

// selectNth reorders ns so that ns[k] has the k-th smallest key, smaller or
// equal keys before it, larger or equal after (quickselect; ties broken by
// node id so the order is deterministic).
func selectNth(ns []int32, k int, key []float64) {
	less := func(a, b int32) bool { return key[a] < key[b] || key[a] == key[b] && a < b }
	lo, hi := 0, len(ns)-1
	for lo < hi {
		// Median of three as pivot.
		m := lo + (hi-lo)/2
		if less(ns[m], ns[lo]) {
			ns[m], ns[lo] = ns[lo], ns[m]
		}
		if less(ns[hi], ns[lo]) {
			ns[hi], ns[lo] = ns[lo], ns[hi]
		}
		if less(ns[hi], ns[m]) {
			ns[hi], ns[m] = ns[m], ns[hi]
		}
		pivot := ns[m]
		i, j := lo, hi
		for i <= j {
			for less(ns[i], pivot) {
				i++
			}
			for less(pivot, ns[j]) {
				j--
			}
			if i <= j {
				ns[i], ns[j] = ns[j], ns[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return
		}
	}
}

// buildCH orders, contracts and customizes the core graph cg of g.
// Self-loops are dropped and parallel edges merged (neither can be on a
// shortest path).
func buildCH(ctx context.Context, g *Graph, cg *coreGraph) (*chGraph, error) {
	return buildCHWith(ctx, g, cg, true)
}

// buildCHWith is buildCH, customizing both halves of the first split at
// once when parallel (TestHierarchyParallelEqualsSequential compares).
func buildCHWith(ctx context.Context, g *Graph, cg *coreGraph, parallel bool) (*chGraph, error) {
	c := &cg.csr
	n := c.numNodes()
	x, y := make([]float64, n), make([]float64, n)
	if n > 0 {
		lat0 := g.lat[cg.node[0]] * math.Pi / 180
		for i, v := range cg.node {
			y[i] = g.lat[v] * earthRadius * math.Pi / 180
			x[i] = g.lon[v] * earthRadius * math.Pi / 180 * math.Cos(lat0)
		}
	}
	order, split, err := ndOrder(ctx, c, x, y)
	if err != nil {
		return nil, err
	}
	if !parallel {
		split = ndSplit{}
	}
	ch := &chGraph{pos: make([]int32, n), off: make([]int32, n+1)}
	for r, v := range order {
		ch.pos[v] = int32(n - 1 - r)
	}
	// Symbolic elimination, lowest rank (highest position) first: up[p]
	// holds the upper neighbours of position p, sorted descending (the
	// parent first).
	up := make([][]int32, n)
	for v := range n {
		p := ch.pos[v]
		for k := c.off[v]; k < c.off[v+1]; k++ {
			if q := ch.pos[c.to[k]]; q < p {
				up[p] = append(up[p], q)
			}
		}
	}
	var merged []int32
	for p := n - 1; p >= 0; p-- {
		if p%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		u := up[p]
		slices.SortFunc(u, func(a, b int32) int { return int(b - a) })
		u = slices.Compact(u)
		up[p] = u
		if len(u) < 2 {
			continue
		}
		par := u[0]
		merged = mergeDesc(merged[:0], up[par], u[1:])
		up[par] = append(up[par][:0:0], merged...)
	}
	// The CSR, arcs ascending by position (the parent last).
	for p := range n {
		ch.off[p+1] = ch.off[p] + int32(len(up[p]))
	}
	ch.to = make([]int32, ch.off[n])
	ch.w = make([]float64, ch.off[n])
	for p := range n {
		k := ch.off[p]
		for i := len(up[p]) - 1; i >= 0; i-- {
			ch.to[k], ch.w[k] = up[p][i], math.Inf(1)
			k++
		}
		up[p] = nil
	}
	// Input lengths.
	for v := range n {
		p := ch.pos[v]
		for k := c.off[v]; k < c.off[v+1]; k++ {
			q := ch.pos[c.to[k]]
			if q >= p {
				continue
			}
			a := ch.arc(p, q)
			ch.w[a] = min(ch.w[a], c.w[k])
		}
	}
	ch.par = make([]int32, n)
	for p := range int32(n) {
		ch.par[p] = -1
		if ch.off[p] < ch.off[p+1] {
			ch.par[p] = ch.to[ch.off[p+1]-1]
		}
	}
	ch.customize(ctx, split)
	ch.prune(ctx, split)
	return ch, ctx.Err()
}

// customize gives every arc the length of the shortest path between its
// ends through lower-ranked nodes (lower triangles, lowest rank first).
// The two halves of the split are customized at once: each lowers its own
// arcs and, in a copy of its own, the separator's, which are then merged
// by taking the smaller length. Minimums in any order are the same, so
// the result is the sequential one exactly.
func (ch *chGraph) customize(ctx context.Context, split ndSplit) {
	n := int32(len(ch.pos))
	if split.sep <= 0 || split.mid <= split.sep || split.mid >= n {
		ch.lowerTriangles(ctx, 0, n, nil)
		return
	}
	sepArcs := ch.off[split.sep]
	copies := [2][]float64{slices.Clone(ch.w[:sepArcs]), slices.Clone(ch.w[:sepArcs])}
	var wg sync.WaitGroup
	wg.Go(func() { ch.lowerTriangles(ctx, split.sep, split.mid, copies[0]) })
	wg.Go(func() { ch.lowerTriangles(ctx, split.mid, n, copies[1]) })
	wg.Wait()
	for k := range sepArcs {
		ch.w[k] = min(copies[0][k], copies[1][k])
	}
	ch.lowerTriangles(ctx, 0, split.sep, nil)
}

// lowerTriangles customizes the nodes at positions [lo, hi), the highest
// position first. With sep set, arcs below len(sep) (the separator's) are
// lowered in sep instead of in ch.w.
func (ch *chGraph) lowerTriangles(ctx context.Context, lo, hi int32, sep []float64) {
	w, sepArcs := ch.w, int32(len(sep))
	for p := hi - 1; p >= lo; p-- {
		if p%4096 == 0 && ctx.Err() != nil {
			return
		}
		first, end := ch.off[p], ch.off[p+1]
		for j := first; j < end; j++ {
			b, wb := ch.to[j], w[j]
			if math.IsInf(wb, 1) {
				continue
			}
			// Arcs of b to every a = to[i] < b (i < j): b's list holds them all.
			k, kEnd := ch.off[b], ch.off[b+1]
			target := w
			if k < sepArcs {
				target = sep // b is in the separator: so are all its arcs
			}
			for i := first; i < j; i++ {
				a := ch.to[i]
				for k < kEnd && ch.to[k] < a {
					k++
				}
				if d := w[i] + wb; d < target[k] {
					target[k] = d
				}
			}
		}
	}
}

// prune removes the arcs no shortest path needs. Perfect customization
// (highest rank first) lowers every arc to the true distance between its
// ends through upper triangles (x, y, z with z above both) and intermediate
// ones (z between x and y); an arc whose length drops is not needed, as a
// shortest path between its ends goes through higher-ranked nodes (CCH
// paper, section 7). The query walks the elimination tree (kept in par), a
// superset of what remains upward-reachable.
//
// Perfect customization goes from the top down: the separator first, then
// the two halves of the split at once (a node of one half reads only its
// own half's arcs and the separator's, which are final by then).
func (ch *chGraph) prune(ctx context.Context, split ndSplit) {
	n := int32(len(ch.pos))
	basic := slices.Clone(ch.w)
	if split.sep <= 0 || split.mid <= split.sep || split.mid >= n {
		ch.perfect(ctx, 0, n)
	} else {
		ch.perfect(ctx, 0, split.sep)
		var wg sync.WaitGroup
		wg.Go(func() { ch.perfect(ctx, split.sep, split.mid) })
		wg.Go(func() { ch.perfect(ctx, split.mid, n) })
		wg.Wait()
	}
	if ctx.Err() != nil {
		return
	}
	// Keep the arcs whose length did not drop.
	k := int32(0)
	for p := range n {
		lo, hi := ch.off[p], ch.off[p+1]
		ch.off[p] = k
		for i := lo; i < hi; i++ {
			if ch.w[i] == basic[i] {
				ch.to[k], ch.w[k] = ch.to[i], basic[i]
				k++
			}
		}
	}
	ch.off[n] = k
	ch.to = slices.Clip(ch.to[:k])
	ch.w = slices.Clip(ch.w[:k])
}

// perfect lowers the arcs of the nodes at positions [lo, hi), the lowest
// position (highest rank) first, to the true distances between their ends.
func (ch *chGraph) perfect(ctx context.Context, lo, hi int32) {
	for p := lo; p < hi; p++ {
		if p%4096 == 0 && ctx.Err() != nil {
			return
		}
		first, end := ch.off[p], ch.off[p+1]
		// Upper triangles: arc p→a (i) through z = to[j] < a (j < i), arc
		// a→z in a's list (ascending, holds every such z).
		for i := first; i < end; i++ {
			a := ch.to[i]
			best := ch.w[i]
			k, kEnd := ch.off[a], ch.off[a+1]
			for j := first; j < i; j++ {
				z := ch.to[j]
				for k < kEnd && ch.to[k] < z {
					k++
				}
				if d := ch.w[j] + ch.w[k]; d < best {
					best = d
				}
			}
			ch.w[i] = best
		}
		// Intermediate triangles: arc p→a (i) through z = to[j] > a (j > i),
		// arc z→a in z's list.
		for j := first; j < end; j++ {
			z, wz := ch.to[j], ch.w[j]
			k, kEnd := ch.off[z], ch.off[z+1]
			for i := first; i < j; i++ {
				a := ch.to[i]
				for k < kEnd && ch.to[k] < a {
					k++
				}
				if d := wz + ch.w[k]; d < ch.w[i] {
					ch.w[i] = d
				}
			}
		}
	}
}

// arc is the index of the arc from position p up to q (it must exist).
func (ch *chGraph) arc(p, q int32) int32 {
	lo, hi := ch.off[p], ch.off[p+1]
	i, _ := slices.BinarySearch(ch.to[lo:hi], q)
	return lo + int32(i)
}

// mergeDesc appends the union of two descending sorted lists to dst.
func mergeDesc(dst, a, b []int32) []int32 {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] > b[j]:
			dst = append(dst, a[i])
			i++
		case a[i] < b[j]:
			dst = append(dst, b[j])
			j++
		default:
			dst = append(dst, a[i])
			i++
			j++
		}
	}
	dst = append(dst, a[i:]...)
	return append(dst, b[j:]...)
}

// valid checks the structure (positions a permutation, arcs upward and
// ascending, every node's upper neighbours also upper neighbours of its
// parent, lengths non-negative and not NaN), so that a hierarchy read from
// disk cannot make a query index out of range or loop.
func (ch *chGraph) valid(n int) bool {
	if len(ch.pos) != n || len(ch.off) != n+1 || ch.off[0] != 0 || int(ch.off[n]) != len(ch.to) || len(ch.to) != len(ch.w) {
		return false
	}
	seen := make([]bool, n)
	for _, p := range ch.pos {
		if p < 0 || int(p) >= n || seen[p] {
			return false
		}
		seen[p] = true
	}
	if len(ch.par) != n {
		return false
	}
	for p := range n {
		if ch.off[p+1] < ch.off[p] || ch.par[p] < -1 || ch.par[p] >= int32(p) {
			return false
		}
		for k := ch.off[p]; k < ch.off[p+1]; k++ {
			if ch.to[k] < 0 || ch.to[k] >= int32(p) || k > ch.off[p] && ch.to[k] <= ch.to[k-1] || !(ch.w[k] >= 0) {
				return false
			}
		}
	}
	return true
}

// phast is one worker's upward-walk state.
type phast struct {
	ch    *chGraph
	up    []float64 // upward distances (valid where stamp == gen)
	stamp []uint32
	gen   uint32
}

func newPHAST(ch *chGraph) *phast {
	n := ch.numNodes()
	return &phast{ch: ch, up: make([]float64, n), stamp: make([]uint32, n)}
}

// phastBatch sources are swept together: the sweep reads every arc once for
// all of them, which is what bounds it (memory, not arithmetic). On the
// 300,000-node dense city (BenchmarkMatrixDense/phast, 150 × 10,000), 16
// took 0.70 CPU-s against 0.88 for 8 and 0.92 for 32 (fewer batches than
// workers can share evenly, and a 256-byte row per node); an unrolled
// builtin min beats a loop or a branch by far.
const phastBatch = 16

// phastN is one worker's state for batches of up to phastBatch sources.
type phastN struct {
	q    *phast
	dist [][phastBatch]float64 // by position
	seen []int32               // positions the current upward walk reached
}

func newPHASTN(ch *chGraph) *phastN {
	return &phastN{q: newPHAST(ch), dist: make([][phastBatch]float64, ch.numNodes())}
}

// run computes the distances from up to phastBatch sources, source k
// between core nodes a[k] and b[k] at distances da[k] and db[k]; unused
// slots stay +Inf.
func (r *phastN) run(a, b []int32, da, db []float64) {
	q, ch := r.q, r.q.ch
	inf := math.Inf(1)
	var infs [phastBatch]float64
	for s := range infs {
		infs[s] = inf
	}
	for p := range r.dist {
		r.dist[p] = infs
	}
	for s := range a {
		q.gen++
		if q.gen == 0 {
			clear(q.stamp)
			q.gen = 1
		}
		r.seen = r.seen[:0]
		relax := func(p int32, d float64) {
			if q.stamp[p] != q.gen {
				q.stamp[p], q.up[p] = q.gen, d
				r.seen = append(r.seen, p)
			} else if d < q.up[p] {
				q.up[p] = d
			}
		}
		x, y := ch.pos[a[s]], ch.pos[b[s]]
		relax(x, da[s])
		relax(y, db[s])
		for x >= 0 || y >= 0 {
			cur := max(x, y)
			if x == cur {
				x = ch.par[x]
			}
			if y == cur {
				y = ch.par[y]
			}
			if q.stamp[cur] != q.gen {
				continue
			}
			d := q.up[cur]
			for k := ch.off[cur]; k < ch.off[cur+1]; k++ {
				relax(ch.to[k], d+ch.w[k])
			}
		}
		for _, p := range r.seen {
			r.dist[p][s] = q.up[p]
		}
	}
	dist, off, to, w := r.dist, ch.off, ch.to, ch.w
	for p := range dist {
		d := dist[p]
		for k := off[p]; k < off[p+1]; k++ {
			u, wk := &dist[to[k]], w[k]
			d[0] = min(d[0], u[0]+wk)
			d[1] = min(d[1], u[1]+wk)
			d[2] = min(d[2], u[2]+wk)
			d[3] = min(d[3], u[3]+wk)
			d[4] = min(d[4], u[4]+wk)
			d[5] = min(d[5], u[5]+wk)
			d[6] = min(d[6], u[6]+wk)
			d[7] = min(d[7], u[7]+wk)
			d[8] = min(d[8], u[8]+wk)
			d[9] = min(d[9], u[9]+wk)
			d[10] = min(d[10], u[10]+wk)
			d[11] = min(d[11], u[11]+wk)
			d[12] = min(d[12], u[12]+wk)
			d[13] = min(d[13], u[13]+wk)
			d[14] = min(d[14], u[14]+wk)
			d[15] = min(d[15], u[15]+wk)
		}
		dist[p] = d
	}
}

// d is the distance of core node i from source s after run.
func (r *phastN) d(s int, i int32) float64 { return r.dist[r.q.ch.pos[i]][s] }

// to is the network distance from source s (at src) to t (see [search.to]).
func (r *phastN) to(s int, src, t located) float64 {
	d := min(r.d(s, t.a)+t.pos, r.d(s, t.b)+t.l-t.pos)
	if src.id == t.id {
		d = min(d, math.Abs(src.pos-t.pos))
	}
	return d
}
