package walknet

// The search graph. Most OSM nodes only shape a way's geometry: they have
// exactly two neighbours. Searches run on the "core" graph whose nodes are
// the nodes of degree other than two (junctions and dead ends) and whose
// edges are chains of way segments between them. A point on segment e lies
// on chain chainOf[e] at a known position along it. Distances are exactly
// the same as on the full graph (chain length = sum of its segments); the
// searches settle roughly ten times fewer nodes on typical data.

// csr is an undirected weighted graph in compressed sparse row form.
type csr struct {
	off []int32
	to  []int32
	w   []float64
}

func (c *csr) numNodes() int { return len(c.off) - 1 }

// coreGraph is the chain-contracted graph.
type coreGraph struct {
	csr
	ca, cb   []int32   // chain endpoints (core node indices)
	clen     []float64 // chain length in metres
	chainOf  []int32   // per segment: its chain
	chainPos []float64 // per segment: metres from the chain's start to the segment's start along the chain
	chainFwd []bool    // per segment: true when the chain runs eu → ev
	node     []int32   // per core node: the graph node it is
}

func buildCore(g *Graph) *coreGraph {
	n, m := len(g.lat), len(g.eu)
	cg := &coreGraph{
		chainOf:  make([]int32, m),
		chainPos: make([]float64, m),
		chainFwd: make([]bool, m),
	}
	for e := range cg.chainOf {
		cg.chainOf[e] = -1
	}
	coreID := make([]int32, n)
	for i := range coreID {
		coreID[i] = -1
	}
	var numCore int32
	mark := func(i int32) {
		if coreID[i] < 0 {
			coreID[i] = numCore
			cg.node = append(cg.node, i)
			numCore++
		}
	}
	for i := range n {
		if g.adjOff[i+1]-g.adjOff[i] != 2 {
			mark(int32(i))
		}
	}
	// walk follows the chain that leaves core node a over adjacency entry k.
	walk := func(a int32, k int32) {
		c := int32(len(cg.clen))
		cur, pos := a, 0.0
		for {
			e := g.adjEdge[k]
			cg.chainOf[e] = c
			cg.chainFwd[e] = g.eu[e] == cur && !(g.ev[e] == cur)
			cg.chainPos[e] = pos
			pos += g.elen[e]
			next := g.adjTo[k]
			if coreID[next] >= 0 {
				cg.ca = append(cg.ca, coreID[a])
				cg.cb = append(cg.cb, coreID[next])
				cg.clen = append(cg.clen, pos)
				return
			}
			// next has degree two: continue over its other entry.
			k2 := g.adjOff[next]
			if g.adjEdge[k2] == e {
				k2++
			}
			k, cur = k2, next
		}
	}
	for i := range n {
		if coreID[i] < 0 {
			continue
		}
		for k := g.adjOff[i]; k < g.adjOff[i+1]; k++ {
			if cg.chainOf[g.adjEdge[k]] < 0 {
				walk(int32(i), k)
			}
		}
	}
	// Rings of degree-two nodes: make one node core and walk around.
	for e := range m {
		if cg.chainOf[e] < 0 {
			u := g.eu[e]
			mark(u)
			for k := g.adjOff[u]; k < g.adjOff[u+1]; k++ {
				if cg.chainOf[g.adjEdge[k]] < 0 {
					walk(u, k)
				}
			}
		}
	}
	// Core CSR.
	cg.off = make([]int32, numCore+1)
	for c := range cg.clen {
		cg.off[cg.ca[c]+1]++
		cg.off[cg.cb[c]+1]++
	}
	for i := range numCore {
		cg.off[i+1] += cg.off[i]
	}
	pos := append([]int32(nil), cg.off[:numCore]...)
	cg.to = make([]int32, 2*len(cg.clen))
	cg.w = make([]float64, 2*len(cg.clen))
	for c, l := range cg.clen {
		a, b := cg.ca[c], cg.cb[c]
		cg.to[pos[a]], cg.w[pos[a]] = b, l
		pos[a]++
		cg.to[pos[b]], cg.w[pos[b]] = a, l
		pos[b]++
	}
	return cg
}

// locate places a snapped point on the core graph: chain c between core
// nodes a and b of length l, at pos metres from a.
func (cg *coreGraph) locate(g *Graph, s Snapped) (c, a, b int32, l, pos float64) {
	e := s.edge
	c = cg.chainOf[e]
	if cg.chainFwd[e] {
		pos = cg.chainPos[e] + s.offset
	} else {
		pos = cg.chainPos[e] + g.elen[e] - s.offset
	}
	return c, cg.ca[c], cg.cb[c], cg.clen[c], pos
}
