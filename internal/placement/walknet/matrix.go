package walknet

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
)

// search holds the reusable buffers of one Dijkstra worker.
type search struct {
	dist    []float64
	stamp   []uint32 // dist[i] is valid when stamp[i] == gen
	settled []uint32 // node i is settled when settled[i] == gen
	gen     uint32
	heap    nodeHeap
}

func newSearch(n int) *search {
	return &search{
		dist:    make([]float64, n),
		stamp:   make([]uint32, n),
		settled: make([]uint32, n),
	}
}

// d is the tentative distance of node i in the current search.
func (s *search) d(i int32) float64 {
	if s.stamp[i] != s.gen {
		return math.Inf(1)
	}
	return s.dist[i]
}

func (s *search) relax(i int32, d float64) {
	if s.stamp[i] != s.gen || d < s.dist[i] {
		s.stamp[i] = s.gen
		s.dist[i] = d
		s.heap.push(heapItem{d, i})
	}
}

// run does a Dijkstra search on c from a point between nodes a and b (at
// distances da and db) until all nodes marked in isTarget (want of them) are
// settled or the graph is exhausted; want < 0 never stops early.
func (s *search) run(c *csr, a, b int32, da, db float64, isTarget []bool, want int) {
	s.gen++
	if s.gen == 0 { // wrapped: clear stamps
		clear(s.stamp)
		clear(s.settled)
		s.gen = 1
	}
	s.heap = s.heap[:0]
	s.relax(a, da)
	s.relax(b, db)
	got := 0
	for len(s.heap) > 0 {
		it := s.heap.pop()
		u := it.node
		if s.settled[u] == s.gen || it.d > s.dist[u] {
			continue
		}
		s.settled[u] = s.gen
		if isTarget[u] {
			got++
			if got == want {
				return
			}
		}
		for k := c.off[u]; k < c.off[u+1]; k++ {
			v := c.to[k]
			if s.settled[v] == s.gen {
				continue
			}
			s.relax(v, it.d+c.w[k])
		}
	}
}

// located is a snapped point placed on the search graph: on edge (or chain)
// id between nodes a and b of length l, pos metres from a.
type located struct {
	id, a, b int32
	l, pos   float64
	snap     float64
}

// locateAll places snapped points on the search graph (the core graph, or
// the full graph when full is set).
func (g *Graph) locateAll(ps []Snapped, full bool) []located {
	out := make([]located, len(ps))
	for i, p := range ps {
		if full {
			e := p.edge
			out[i] = located{e, g.eu[e], g.ev[e], g.elen[e], p.offset, p.SnapMeters}
		} else {
			c, a, b, l, pos := g.core.locate(g, p)
			out[i] = located{c, a, b, l, pos, p.SnapMeters}
		}
	}
	return out
}

// to is the network distance from the search's source src to t (partial
// edges at both ends; a source on the same edge or chain may go directly).
func (s *search) to(src, t located) float64 {
	d := min(s.d(t.a)+t.pos, s.d(t.b)+t.l-t.pos)
	if src.id == t.id {
		d = min(d, math.Abs(src.pos-t.pos))
	}
	return d
}

type heapItem struct {
	d    float64
	node int32
}

// nodeHeap is a binary min-heap on d with lazy deletion.
type nodeHeap []heapItem

func (h *nodeHeap) push(it heapItem) {
	a := append(*h, it)
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) / 2
		if a[p].d <= it.d {
			break
		}
		a[i] = a[p]
		i = p
	}
	a[i] = it
	*h = a
}

func (h *nodeHeap) pop() heapItem {
	a := *h
	top := a[0]
	last := a[len(a)-1]
	a = a[:len(a)-1]
	n := len(a)
	i := 0
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && a[c+1].d < a[c].d {
			c++
		}
		if a[c].d >= last.d {
			break
		}
		a[i] = a[c]
		i = c
	}
	if n > 0 {
		a[i] = last
	}
	*h = a
	return top
}

func (g *Graph) checkSnapped(ps []Snapped, what string) error {
	for i, p := range ps {
		if p.graph != g {
			return fmt.Errorf("walknet: %s[%d] (%.6f, %.6f) was not snapped onto this graph", what, i, p.Point.Lat, p.Point.Lon)
		}
	}
	return nil
}

// matrixOptions select alternatives for benchmarks; the zero value is what
// [Graph.Matrix] uses.
type matrixOptions struct {
	fromLarger  bool // search from the larger side (for comparison only)
	noEarlyStop bool // settle the whole graph in every search (Dijkstra only)
	fullGraph   bool // Dijkstra on the full graph instead of the chain-contracted core
	method      matrixMethod
	chDir       string // where the hierarchy is cached ("" = memory only)
}

// matrixMethod chooses the search.
type matrixMethod int

const (
	methodAuto     matrixMethod = iota // the hierarchy for chMinSources sources or more, or when it is at hand
	methodDijkstra                     // plain one-to-all Dijkstra on the core graph
	methodCH                           // the contraction hierarchy (PHAST)
)

// chMinSources is the number of searches from which building the contraction
// hierarchy in the run pays off. On the dense 300,000-node city it costs about
// as much CPU as 140 one-to-all Dijkstra searches (10.4 s against 73 ms each;
// BenchmarkMatrixDense), and a PHAST query a ninth of one; on sparse networks
// far less. Once built (in memory or on disk) it is used for any number.
const chMinSources = 128

func (g *Graph) matrix(ctx context.Context, from, to []Snapped, workers int) ([][]float64, error) {
	return g.matrixOpt(ctx, from, to, workers, matrixOptions{})
}

func (g *Graph) matrixOpt(ctx context.Context, from, to []Snapped, workers int, opt matrixOptions) ([][]float64, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := g.checkSnapped(from, "from"); err != nil {
		return nil, err
	}
	if err := g.checkSnapped(to, "to"); err != nil {
		return nil, err
	}
	out := make([][]float64, len(from))
	flat := make([]float64, len(from)*len(to))
	for i := range out {
		out[i] = flat[i*len(to) : (i+1)*len(to) : (i+1)*len(to)]
	}
	if len(from) == 0 || len(to) == 0 {
		return out, ctx.Err()
	}
	// Search from the smaller side; the graph is undirected.
	src, dst, transpose := from, to, false
	if (len(to) < len(from)) != opt.fromLarger {
		src, dst, transpose = to, from, true
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, len(src))
	useCH := false
	if !opt.fullGraph {
		switch opt.method {
		case methodCH:
			useCH = true
		case methodAuto:
			useCH = len(src) >= chMinSources || g.hierarchyAtHand(opt.chDir)
		}
	}
	if useCH {
		ch, err := g.hierarchy(ctx, opt.chDir)
		if err != nil {
			return nil, err
		}
		lsrc, ldst := g.locateAll(src, false), g.locateAll(dst, false)
		var next atomic.Int64
		var wg sync.WaitGroup
		batches := (len(src) + phastBatch - 1) / phastBatch
		for range min(workers, batches) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				q := newPHASTN(ch)
				var a, b [phastBatch]int32
				var da, db [phastBatch]float64
				for ctx.Err() == nil {
					first := int(next.Add(1)-1) * phastBatch
					if first >= len(src) {
						return
					}
					k := min(phastBatch, len(src)-first)
					for s := range k {
						si := lsrc[first+s]
						a[s], b[s], da[s], db[s] = si.a, si.b, si.pos, si.l-si.pos
					}
					q.run(a[:k], b[:k], da[:k], db[:k])
					for s := range k {
						i, si := first+s, lsrc[first+s]
						for j, t := range ldst {
							d := si.snap + q.to(s, si, t) + t.snap
							if transpose {
								out[j][i] = d
							} else {
								out[i][j] = d
							}
						}
					}
				}
			}()
		}
		wg.Wait()
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return out, nil
	}
	c := &g.core.csr
	if opt.fullGraph {
		c = &csr{g.adjOff, g.adjTo, g.adjLen}
	}
	lsrc, ldst := g.locateAll(src, opt.fullGraph), g.locateAll(dst, opt.fullGraph)
	isTarget := make([]bool, c.numNodes())
	want := 0
	for _, t := range ldst {
		for _, v := range [2]int32{t.a, t.b} {
			if !isTarget[v] {
				isTarget[v] = true
				want++
			}
		}
	}
	if opt.noEarlyStop {
		want = -1
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := newSearch(c.numNodes())
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(src) {
					return
				}
				si := lsrc[i]
				s.run(c, si.a, si.b, si.pos, si.l-si.pos, isTarget, want)
				for j, t := range ldst {
					d := si.snap + s.to(si, t) + t.snap
					if transpose {
						out[j][i] = d
					} else {
						out[i][j] = d
					}
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// cacheKey is the hex SHA-256 of the graph hash and both point lists.
func (g *Graph) cacheKey(from, to []Snapped) string {
	h := sha256.New()
	h.Write([]byte("walknet-matrix-v1\n" + g.hash + "\n"))
	var buf [8]byte
	w := func(u uint64) {
		binary.LittleEndian.PutUint64(buf[:], u)
		h.Write(buf[:])
	}
	for _, side := range [][]Snapped{from, to} {
		w(uint64(len(side)))
		for _, p := range side {
			w(math.Float64bits(p.Point.Lat))
			w(math.Float64bits(p.Point.Lon))
			w(math.Float64bits(p.SnapMeters))
			w(uint64(p.edge))
			w(math.Float64bits(p.offset))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

var cacheMagic = []byte("WALKNET-MATRIX-2")

func (g *Graph) matrixCached(ctx context.Context, dir string, from, to []Snapped, workers int) ([][]float64, error) {
	if dir == "" {
		return g.matrix(ctx, from, to, workers)
	}
	if err := g.checkSnapped(from, "from"); err != nil {
		return nil, err
	}
	if err := g.checkSnapped(to, "to"); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, g.cacheKey(from, to)+".matrix")
	if m, err := readMatrix(path, len(from), len(to)); err == nil {
		return m, nil
	}
	m, err := g.matrixOpt(ctx, from, to, workers, matrixOptions{chDir: dir})
	if err != nil {
		return nil, err
	}
	if err := writeMatrix(dir, path, m, len(to)); err != nil {
		return nil, fmt.Errorf("walknet: writing distance cache: %w", err)
	}
	return m, nil
}

// The cache file: magic, rows, cols (uint64 LE), rows*cols float64 LE, then
// the checksum of everything before it (see writeChecksummed).
func readMatrix(path string, rows, cols int) ([][]float64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	head := len(cacheMagic) + 16
	if len(b) != head+8*rows*cols+checksumSize || !bytes.Equal(b[:len(cacheMagic)], cacheMagic) {
		return nil, errors.New("bad cache file size or magic")
	}
	if _, ok := checkedBody(b); !ok {
		return nil, errors.New("cache checksum mismatch")
	}
	if binary.LittleEndian.Uint64(b[len(cacheMagic):]) != uint64(rows) || binary.LittleEndian.Uint64(b[len(cacheMagic)+8:]) != uint64(cols) {
		return nil, errors.New("cache dimensions mismatch")
	}
	flat := make([]float64, rows*cols)
	for k := range flat {
		flat[k] = math.Float64frombits(binary.LittleEndian.Uint64(b[head+8*k:]))
	}
	out := make([][]float64, rows)
	for i := range out {
		out[i] = flat[i*cols : (i+1)*cols : (i+1)*cols]
	}
	return out, nil
}

func writeMatrix(dir, path string, m [][]float64, cols int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b := make([]byte, 0, len(cacheMagic)+16+8*len(m)*cols+checksumSize)
	b = append(b, cacheMagic...)
	b = binary.LittleEndian.AppendUint64(b, uint64(len(m)))
	b = binary.LittleEndian.AppendUint64(b, uint64(cols))
	for _, row := range m {
		for _, d := range row {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(d))
		}
	}
	return writeChecksummed(dir, ".matrix-*.tmp", path, b)
}

// The cache files end in a CRC-32C (Castagnoli) of everything before it.
// It is there to catch a damaged or truncated file, not a forged one (the
// cache directory is the service's own): a CRC finds every burst of up to
// 32 flipped bits and other damage but for 1 in 2^32, and the processor
// computes it at memory speed, where SHA-256 took 0.15 s of every
// placement run on the 71 MB hierarchy of the 300,000-node city.
const checksumSize = 4

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// checkedBody returns a cache file's contents without the checksum, and
// whether the checksum is right.
func checkedBody(b []byte) ([]byte, bool) {
	if len(b) < checksumSize {
		return nil, false
	}
	body := b[:len(b)-checksumSize]
	return body, crc32.Checksum(body, castagnoli) == binary.LittleEndian.Uint32(b[len(body):])
}

// writeChecksummed appends b's checksum to it and writes it to path
// atomically: a temporary file (named by pattern) in dir, renamed over
// path, so a reader sees the whole old file or the whole new one. The
// matrix and hierarchy caches both write this way.
func writeChecksummed(dir, pattern, path string, b []byte) error {
	b = binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}
