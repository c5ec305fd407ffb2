package walknet

import (
	"fmt"
	"math"
	"runtime"
	"sync"
)

// segGrid is a uniform grid over the edges (straight segments) in a local
// equirectangular projection around the graph's centre. Each cell lists the
// edges whose bounding box overlaps it (CSR form).
type segGrid struct {
	lat0, lon0 float64 // projection origin
	kx, ky     float64 // metres per degree of longitude / latitude
	px, py     []float64
	x0, y0     float64 // grid origin in projected metres
	cell       float64 // cell size in metres
	nx, ny     int
	start      []int32 // cell c has edges items[start[c]:start[c+1]]
	items      []int32
}

// newSegGrid indexes the edges for which keep is true (all when keep is nil).
func newSegGrid(g *Graph, keep []bool) *segGrid {
	s := &segGrid{}
	n := len(g.lat)
	if n == 0 {
		return s
	}
	s.lat0 = (g.minP.Lat + g.maxP.Lat) / 2
	s.lon0 = (g.minP.Lon + g.maxP.Lon) / 2
	s.ky = earthRadius * math.Pi / 180
	s.kx = s.ky * math.Cos(s.lat0*math.Pi/180)
	s.px = make([]float64, n)
	s.py = make([]float64, n)
	for i := range n {
		s.px[i], s.py[i] = s.project(Point{g.lat[i], g.lon[i]})
	}
	minX, minY := s.project(g.minP)
	maxX, maxY := s.project(g.maxP)
	w, h := max(maxX-minX, 1), max(maxY-minY, 1)
	m := max(len(g.eu), 1)
	// About two edges per cell on average, at least 20 m, at most 4M cells.
	s.cell = max(math.Sqrt(w*h*2/float64(m)), 20)
	for (w/s.cell+1)*(h/s.cell+1) > 4e6 {
		s.cell *= 1.5
	}
	s.x0, s.y0 = minX, minY
	s.nx = int(w/s.cell) + 1
	s.ny = int(h/s.cell) + 1
	s.start = make([]int32, s.nx*s.ny+1)
	cells := func(e int, f func(c int)) {
		u, v := g.eu[e], g.ev[e]
		cx0, cy0 := s.cellOf(min(s.px[u], s.px[v]), min(s.py[u], s.py[v]))
		cx1, cy1 := s.cellOf(max(s.px[u], s.px[v]), max(s.py[u], s.py[v]))
		for cy := cy0; cy <= cy1; cy++ {
			for cx := cx0; cx <= cx1; cx++ {
				f(cy*s.nx + cx)
			}
		}
	}
	kept := func(e int) bool { return keep == nil || keep[e] }
	for e := range g.eu {
		if kept(e) {
			cells(e, func(c int) { s.start[c+1]++ })
		}
	}
	for c := 0; c < s.nx*s.ny; c++ {
		s.start[c+1] += s.start[c]
	}
	s.items = make([]int32, s.start[s.nx*s.ny])
	pos := make([]int32, s.nx*s.ny)
	copy(pos, s.start)
	for e := range g.eu {
		if kept(e) {
			cells(e, func(c int) {
				s.items[pos[c]] = int32(e)
				pos[c]++
			})
		}
	}
	return s
}

func (s *segGrid) project(p Point) (x, y float64) {
	return (p.Lon - s.lon0) * s.kx, (p.Lat - s.lat0) * s.ky
}

func (s *segGrid) unproject(x, y float64) Point {
	return Point{Lat: s.lat0 + y/s.ky, Lon: s.lon0 + x/s.kx}
}

// cellOf is the (clamped) cell of a projected point inside the grid.
func (s *segGrid) cellOf(x, y float64) (int, int) {
	cx := int((x - s.x0) / s.cell)
	cy := int((y - s.y0) / s.cell)
	return min(max(cx, 0), s.nx-1), min(max(cy, 0), s.ny-1)
}

// mainGrid is the segment grid of the largest connected part of the
// network, built on first use.
func (g *Graph) mainGrid() *segGrid {
	g.mainOnce.Do(func() { g.main = newSegGrid(g, g.largestComponentEdges()) })
	return g.main
}

// largestComponentEdges marks the edges of the largest connected component
// (by number of nodes; union-find over the edges).
func (g *Graph) largestComponentEdges() []bool {
	parent := make([]int32, len(g.lat))
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for e := range g.eu {
		if a, b := find(g.eu[e]), find(g.ev[e]); a != b {
			parent[a] = b
		}
	}
	size := make([]int32, len(g.lat))
	best := int32(-1)
	for i := range parent {
		r := find(int32(i))
		size[r]++
		if best < 0 || size[r] > size[best] || (size[r] == size[best] && r < best) {
			best = r
		}
	}
	keep := make([]bool, len(g.eu))
	for e := range g.eu {
		keep[e] = find(g.eu[e]) == best
	}
	return keep
}

func (g *Graph) snap(p Point, maxMeters float64) (Snapped, error) {
	return g.snapOn(g.grid, p, maxMeters)
}

func (g *Graph) snapOn(s *segGrid, p Point, maxMeters float64) (Snapped, error) {
	if s == nil || s.nx == 0 || math.IsNaN(p.Lat) || math.IsNaN(p.Lon) || math.Abs(p.Lat) > 90 || math.Abs(p.Lon) > 180 {
		return Snapped{}, fmt.Errorf("point (%.6f, %.6f): %w", p.Lat, p.Lon, ErrOutside)
	}
	limit := math.Inf(1)
	if maxMeters > 0 {
		limit = maxMeters
	}
	x, y := s.project(p)
	// Unclamped cell coordinates of the query point.
	fcx := math.Floor((x - s.x0) / s.cell)
	fcy := math.Floor((y - s.y0) / s.cell)
	// Distance from the point to the grid rectangle: no edge can be nearer.
	dx := max(s.x0-x, 0, x-(s.x0+float64(s.nx)*s.cell))
	dy := max(s.y0-y, 0, y-(s.y0+float64(s.ny)*s.cell))
	if math.Hypot(dx, dy) > limit*1.01+s.cell {
		return Snapped{}, fmt.Errorf("point (%.6f, %.6f): %w", p.Lat, p.Lon, ErrOutside)
	}
	// Rings of cells around the point's cell; ring r cannot hold an edge
	// nearer than (r-1)*cell.
	best2, bestE, bestT := math.Inf(1), int32(-1), 0.0
	rMax := int(max(math.Abs(fcx), math.Abs(fcx-float64(s.nx)), math.Abs(fcy), math.Abs(fcy-float64(s.ny)))) + 1
	for r := 0; r <= rMax; r++ {
		lb := float64(r-1) * s.cell
		if lb > 0 && (lb*lb > best2 || lb > limit*1.01) {
			break
		}
		cy0, cy1 := int(fcy)-r, int(fcy)+r
		for cy := max(cy0, 0); cy <= min(cy1, s.ny-1); cy++ {
			visit := func(cx int) {
				if cx < 0 || cx >= s.nx {
					return
				}
				c := cy*s.nx + cx
				for _, e := range s.items[s.start[c]:s.start[c+1]] {
					d2, t := s.segDist2(g, e, x, y)
					if d2 < best2 || (d2 == best2 && e < bestE) {
						best2, bestE, bestT = d2, e, t
					}
				}
			}
			if cy == cy0 || cy == cy1 {
				for cx := max(int(fcx)-r, 0); cx <= min(int(fcx)+r, s.nx-1); cx++ {
					visit(cx)
				}
			} else {
				visit(int(fcx) - r)
				if r > 0 {
					visit(int(fcx) + r)
				}
			}
		}
	}
	if bestE < 0 {
		return Snapped{}, fmt.Errorf("point (%.6f, %.6f): %w", p.Lat, p.Lon, ErrOutside)
	}
	u, v := g.eu[bestE], g.ev[bestE]
	qx := s.px[u] + bestT*(s.px[v]-s.px[u])
	qy := s.py[u] + bestT*(s.py[v]-s.py[u])
	on := s.unproject(qx, qy)
	if bestT == 0 {
		on = Point{g.lat[u], g.lon[u]}
	} else if bestT == 1 {
		on = Point{g.lat[v], g.lon[v]}
	}
	d := StraightLine(p, on)
	if d > limit {
		return Snapped{}, fmt.Errorf("point (%.6f, %.6f) is %.0f m from the nearest walkable way (limit %.0f m): %w", p.Lat, p.Lon, d, limit, ErrOutside)
	}
	return Snapped{Point: p, OnWay: on, SnapMeters: d, graph: g, edge: bestE, offset: bestT * g.elen[bestE]}, nil
}

// segDist2 is the squared projected distance from (x, y) to edge e and the
// parameter t in [0, 1] of the nearest point on it.
func (s *segGrid) segDist2(g *Graph, e int32, x, y float64) (float64, float64) {
	u, v := g.eu[e], g.ev[e]
	ax, ay := s.px[u], s.py[u]
	bx, by := s.px[v], s.py[v]
	dx, dy := bx-ax, by-ay
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = ((x-ax)*dx + (y-ay)*dy) / l2
		t = min(max(t, 0), 1)
	}
	qx, qy := ax+t*dx-x, ay+t*dy-y
	return qx*qx + qy*qy, t
}

func (g *Graph) snapAll(s *segGrid, ps []Point, maxMeters float64) ([]Snapped, []error) {
	out := make([]Snapped, len(ps))
	errs := make([]error, len(ps))
	workers := min(runtime.GOMAXPROCS(0), max(len(ps)/256, 1))
	var wg sync.WaitGroup
	chunk := (len(ps) + workers - 1) / max(workers, 1)
	for w := 0; w < workers; w++ {
		lo, hi := w*chunk, min((w+1)*chunk, len(ps))
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				out[i], errs[i] = g.snapOn(s, ps[i], maxMeters)
			}
		}()
	}
	wg.Wait()
	return out, errs
}
