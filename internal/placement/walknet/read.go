package walknet

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/paulmach/osm"
)

// rawData is what the reader (or the city generator) keeps from OSM data
// before the graph is built: all node coordinates, the node lists of walkable
// ways, and school features.
type rawData struct {
	nodeID   []int64
	nodeLat  []float64
	nodeLon  []float64
	wayRefs  []int64 // node refs of walkable ways, concatenated
	wayOff   []int   // way k has refs wayRefs[wayOff[k]:wayOff[k+1]]
	schoolsN []rawSchool
	schoolsW []rawSchoolWay
	objects  int
}

type rawSchool struct {
	id   int64
	name string
}

type rawSchoolWay struct {
	id   int64
	name string
	refs []int64
}

func (r *rawData) addNode(id int64, lat, lon float64) {
	r.nodeID = append(r.nodeID, id)
	r.nodeLat = append(r.nodeLat, lat)
	r.nodeLon = append(r.nodeLon, lon)
}

func (r *rawData) addWalkableWay(refs []int64) {
	if len(r.wayOff) == 0 {
		r.wayOff = append(r.wayOff, 0)
	}
	r.wayRefs = append(r.wayRefs, refs...)
	r.wayOff = append(r.wayOff, len(r.wayRefs))
}

func (r *rawData) addOSMNode(o *osm.Node) {
	r.addNode(int64(o.ID), o.Lat, o.Lon)
	if o.Tags.Find("amenity") == "school" {
		r.schoolsN = append(r.schoolsN, rawSchool{id: int64(o.ID), name: o.Tags.Find("name")})
	}
}

// addWay keeps a walkable or school way; refs is a reusable buffer.
func (r *rawData) addWay(o *osm.Way, refs []int64) []int64 {
	isWalk := walkable(o.Tags)
	isSchool := o.Tags.Find("amenity") == "school"
	if !isWalk && !isSchool {
		return refs
	}
	refs = refs[:0]
	for _, wn := range o.Nodes {
		refs = append(refs, int64(wn.ID))
	}
	if isWalk {
		r.addWalkableWay(refs)
	}
	if isSchool {
		r.schoolsW = append(r.schoolsW, rawSchoolWay{id: int64(o.ID), name: o.Tags.Find("name"), refs: slices.Clone(refs)})
	}
	return refs
}

// tagger is the minimal tag access the walkability rules need.
type tagger interface{ Find(k string) string }

// walkableHighways are the highway=* values a pedestrian may use by default.
var walkableHighways = map[string]bool{
	"footway": true, "path": true, "pedestrian": true, "steps": true,
	"living_street": true, "residential": true, "service": true,
	"unclassified": true, "road": true, "track": true, "cycleway": true,
	"tertiary": true, "tertiary_link": true, "secondary": true, "secondary_link": true,
	"primary": true, "primary_link": true, "bridleway": true, "corridor": true,
	"platform": true, "elevator": true, "crossing": true,
}

// neverByDefault are highways closed to pedestrians unless foot=yes etc.
var neverByDefault = map[string]bool{
	"motorway": true, "motorway_link": true, "trunk": true, "trunk_link": true,
}

// walkable tells whether a way with these tags may be used on foot.
func walkable(t tagger) bool {
	hw := t.Find("highway")
	if hw == "" {
		return false
	}
	foot := t.Find("foot")
	switch foot {
	case "no", "private", "use_sidepath":
		return false
	}
	footOK := foot == "yes" || foot == "designated" || foot == "permissive" || foot == "destination"
	if footOK {
		return true
	}
	if neverByDefault[hw] || !walkableHighways[hw] {
		return false
	}
	switch t.Find("access") {
	case "no", "private":
		return false
	}
	return true
}

func load(ctx context.Context, path string) (g *Graph, err error) {
	f, err := FormatOf(path)
	if err != nil {
		return nil, err
	}
	if f == FormatPBF {
		g, err = loadPBFGraph(ctx, path, ReadOptions{})
	} else {
		var fh *os.File
		if fh, err = os.Open(path); err != nil {
			return nil, fmt.Errorf("walknet: %w", err)
		}
		defer fh.Close()
		g, err = read(ctx, bufio.NewReaderSize(fh, 1<<20), f, ReadOptions{})
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return g, nil
}

func read(ctx context.Context, r io.Reader, f Format, o ReadOptions) (g *Graph, err error) {
	defer func() {
		if p := recover(); p != nil {
			g, err = nil, fmt.Errorf("corrupt OSM data: %v", p)
		}
	}()
	raw, err := scan(ctx, r, f, o)
	if err != nil {
		return nil, err
	}
	return finish(raw)
}

func finish(raw *rawData) (*Graph, error) {
	if raw.objects == 0 {
		return nil, errors.New("no OSM data found (empty or not an OSM file)")
	}
	g := build(raw)
	if g.NumEdges() == 0 {
		return nil, errors.New("no walkable ways found in the OSM data")
	}
	return g, nil
}

// capReader reads at most max bytes from r; reading more fails with an
// *InflatedError.
type capReader struct {
	r         io.Reader
	max, left int64
	err       *InflatedError // set once the bound is crossed
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	if int64(n) > c.left {
		c.err = &InflatedError{Max: c.max}
		return int(c.left), c.err
	}
	c.left -= int64(n)
	return n, err
}

// PBF limits from the format's specification: a BlobHeader is under
// 64 KiB and a Blob, packed or unpacked, under 32 MiB.
const (
	pbfMaxHeader = 64 << 10
	pbfMaxBlob   = 32 << 20
)

// pbfGuard passes an .osm.pbf stream on one file block at a time after
// checking it, because the PBF decoder trusts the blocks: it allocates a
// block's declared raw_size before inflating (a raw_size near 2^31
// overflows and panics in a goroutine of its own, which ends the process)
// and inflates zlib data without a bound, then compares. Each block must
// declare a raw_size under 32 MiB and inflate to no more than it, and the
// blocks together to no more than ReadOptions.MaxPBFData. ReadAddresses
// reads through it; the graph readers check blocks themselves (pbfread.go).
type pbfGuard struct {
	r          io.Reader
	max, total int64
	buf        []byte // the current block, checked, being passed on
	off        int
	block      int

	// err is io.EOF after the last block, or why the stream stopped. The
	// decoder reads the guard in a goroutine of its own, which may still
	// run when the scan ends, so err is shared under mu (Err).
	mu  sync.Mutex
	err error
}

// Err returns why the stream stopped (io.EOF at a clean end), or nil.
func (g *pbfGuard) Err() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.err
}

func newPBFGuard(r io.Reader, o ReadOptions) *pbfGuard {
	max := o.MaxPBFData
	if max <= 0 {
		max = DefaultMaxPBFData
	}
	return &pbfGuard{r: r, max: max}
}

func (g *pbfGuard) Read(p []byte) (int, error) {
	for g.off == len(g.buf) {
		if err := g.Err(); err != nil {
			return 0, err
		}
		if err := g.next(); err != nil {
			g.buf, g.off = g.buf[:0], 0 // nothing of a refused block goes on
			g.mu.Lock()
			g.err = err
			g.mu.Unlock()
		}
	}
	n := copy(p, g.buf[g.off:])
	g.off += n
	return n, nil
}

// next reads and checks the next block into buf; io.EOF at a clean end.
func (g *pbfGuard) next() error {
	g.block++
	g.buf, g.off = g.buf[:0], 0
	var size [4]byte
	if n, err := io.ReadFull(g.r, size[:]); err != nil {
		if err == io.EOF && n == 0 {
			return io.EOF
		}
		return fmt.Errorf("PBF block %d: %w", g.block, err)
	}
	hl := binary.BigEndian.Uint32(size[:])
	if hl >= pbfMaxHeader {
		return fmt.Errorf("PBF block %d: header of %d bytes", g.block, hl)
	}
	g.buf = append(g.buf, size[:]...)
	header, err := g.read(int(hl))
	if err != nil {
		return err
	}
	dataSize := int64(-1)
	if err := pbFields(header, func(field int, v uint64, _ []byte) {
		if field == 3 {
			dataSize = int64(int32(v))
		}
	}); err != nil || dataSize < 0 || dataSize >= pbfMaxBlob {
		return fmt.Errorf("PBF block %d: bad header (data size %d, %v)", g.block, dataSize, err)
	}
	blob, err := g.read(int(dataSize))
	if err != nil {
		return err
	}
	rawSize, raw, zlibData := int64(-1), []byte(nil), []byte(nil)
	if err := pbFields(blob, func(field int, v uint64, b []byte) {
		switch field {
		case 1:
			raw = b
		case 2:
			rawSize = int64(int32(v))
		case 3:
			zlibData = b
		}
	}); err != nil {
		return fmt.Errorf("PBF block %d: %w", g.block, err)
	}
	switch {
	case zlibData != nil:
		if rawSize < 0 || rawSize >= pbfMaxBlob {
			return fmt.Errorf("PBF block %d: unpacked size %d", g.block, rawSize)
		}
		if g.total += rawSize; g.total > g.max {
			return &InflatedError{Max: g.max}
		}
		zr, err := zlib.NewReader(bytes.NewReader(zlibData))
		if err != nil {
			return fmt.Errorf("PBF block %d: %w", g.block, err)
		}
		if n, _ := io.Copy(io.Discard, io.LimitReader(zr, rawSize+1)); n > rawSize {
			return fmt.Errorf("PBF block %d unpacks to more than its %d bytes", g.block, rawSize)
		}
	case raw != nil:
		if g.total += int64(len(raw)); g.total > g.max {
			return &InflatedError{Max: g.max}
		}
	}
	return nil
}

// read appends n bytes of the stream to buf and returns them.
func (g *pbfGuard) read(n int) ([]byte, error) {
	start := len(g.buf)
	g.buf = slices.Grow(g.buf, n)[:start+n]
	if _, err := io.ReadFull(g.r, g.buf[start:]); err != nil {
		return nil, fmt.Errorf("PBF block %d: %w", g.block, err)
	}
	return g.buf[start:], nil
}

// pbFields calls fn with each field of a protobuf message: its number and
// its value (varints) or bytes (length-delimited).
func pbFields(m []byte, fn func(field int, v uint64, b []byte)) error {
	for len(m) > 0 {
		key, n := binary.Uvarint(m)
		if n <= 0 {
			return errors.New("bad protobuf key")
		}
		m = m[n:]
		field := int(key >> 3)
		switch key & 7 {
		case 0:
			v, n := binary.Uvarint(m)
			if n <= 0 {
				return errors.New("bad protobuf varint")
			}
			fn(field, v, nil)
			m = m[n:]
		case 1:
			if len(m) < 8 {
				return errors.New("short protobuf field")
			}
			m = m[8:]
		case 2:
			l, n := binary.Uvarint(m)
			if n <= 0 || l > uint64(len(m)-n) {
				return errors.New("bad protobuf length")
			}
			fn(field, 0, m[n:n+int(l)])
			m = m[n+int(l):]
		case 5:
			if len(m) < 4 {
				return errors.New("short protobuf field")
			}
			m = m[4:]
		default:
			return errors.New("bad protobuf wire type")
		}
	}
	return nil
}

func scan(ctx context.Context, r io.Reader, f Format, o ReadOptions) (*rawData, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	switch f {
	case FormatPBF:
		return scanPBF(ctx, r, o)
	case FormatXML:
		raw, err := scanXML(ctx, r)
		if err != nil {
			return nil, fmt.Errorf("reading OSM data: %w", err)
		}
		return raw, nil
	case FormatXMLGz:
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("not a gzip file: %w", err)
		}
		defer zr.Close()
		limit := o.MaxInflated
		if limit <= 0 {
			limit = DefaultMaxInflated
		}
		inflated := &capReader{r: zr, max: limit, left: limit}
		pr := newPrefetchReader(inflated) // inflate on one core, scan on another
		raw, err := scanXML(ctx, pr)
		pr.Close()
		if inflated.err != nil {
			return nil, inflated.err
		}
		if err != nil {
			return nil, fmt.Errorf("reading OSM data: %w", err)
		}
		return raw, nil
	}
	return nil, fmt.Errorf("unknown format %v", f)
}

// parallelRange calls fn on parts of [0, n) on GOMAXPROCS goroutines
// (on the caller's alone when n is small).
func parallelRange(n int, fn func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), n/(1<<14)+1)
	if workers <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(n*w/workers, n*(w+1)/workers)
		}()
	}
	wg.Wait()
}

// nodeIndex finds raw node indices by OSM id.
type nodeIndex struct {
	ids  []int64 // sorted
	perm []int32 // raw index of ids[k]
}

func newNodeIndex(raw *rawData) *nodeIndex {
	ix := &nodeIndex{}
	if slices.IsSorted(raw.nodeID) {
		ix.ids = raw.nodeID
		return ix
	}
	perm := make([]int32, len(raw.nodeID))
	for i := range perm {
		perm[i] = int32(i)
	}
	slices.SortStableFunc(perm, func(a, b int32) int {
		x, y := raw.nodeID[a], raw.nodeID[b]
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	})
	ix.ids = make([]int64, len(perm))
	for k, p := range perm {
		ix.ids[k] = raw.nodeID[p]
	}
	ix.perm = perm
	return ix
}

// find returns the raw index of OSM node id, or -1.
func (ix *nodeIndex) find(id int64) int {
	k, ok := slices.BinarySearch(ix.ids, id)
	if !ok {
		return -1
	}
	if ix.perm == nil {
		return k
	}
	return int(ix.perm[k])
}

// build turns raw OSM data into a graph. Way segments whose nodes are missing
// from the data (e.g. clipped at an extract border) are dropped.
func build(raw *rawData) *Graph {
	ix := newNodeIndex(raw)
	// The raw index of every way ref (-1: not in the data), found in
	// parallel, then the edges counted so that the arrays are made once.
	at := make([]int32, len(raw.wayRefs))
	parallelRange(len(at), func(lo, hi int) {
		for k := lo; k < hi; k++ {
			at[k] = int32(ix.find(raw.wayRefs[k]))
		}
	})
	edges := 0
	for w := 0; w+1 < len(raw.wayOff); w++ {
		prev := int32(-1)
		for _, cur := range at[raw.wayOff[w]:raw.wayOff[w+1]] {
			if cur >= 0 && prev >= 0 && raw.nodeID[cur] != raw.nodeID[prev] {
				edges++
			}
			prev = cur
		}
	}
	gIdx := make([]int32, len(raw.nodeID)) // raw index → graph index + 1 (0 = none)
	g := &Graph{eu: make([]int32, 0, edges), ev: make([]int32, 0, edges), elen: make([]float64, edges)}
	node := func(rawI int32) int32 {
		if gIdx[rawI] == 0 {
			g.osmID = append(g.osmID, raw.nodeID[rawI])
			g.lat = append(g.lat, raw.nodeLat[rawI])
			g.lon = append(g.lon, raw.nodeLon[rawI])
			gIdx[rawI] = int32(len(g.lat))
		}
		return gIdx[rawI] - 1
	}
	for w := 0; w+1 < len(raw.wayOff); w++ {
		prev := int32(-1)
		for _, cur := range at[raw.wayOff[w]:raw.wayOff[w+1]] {
			if cur >= 0 && prev >= 0 && raw.nodeID[cur] != raw.nodeID[prev] {
				u, v := node(prev), node(cur)
				g.eu = append(g.eu, u)
				g.ev = append(g.ev, v)
			}
			prev = cur
		}
	}
	parallelRange(edges, func(lo, hi int) {
		for e := lo; e < hi; e++ {
			u, v := g.eu[e], g.ev[e]
			g.elen[e] = StraightLine(Point{g.lat[u], g.lon[u]}, Point{g.lat[v], g.lon[v]})
		}
	})
	g.buildCSR()
	g.core = buildCore(g)
	g.schools = schoolsOf(raw, ix)
	g.computeBounds()
	g.computeHash()
	g.grid = newSegGrid(g, nil)
	return g
}

func schoolsOf(raw *rawData, ix *nodeIndex) []POI {
	var out []POI
	for _, s := range raw.schoolsN {
		if i := ix.find(s.id); i >= 0 {
			out = append(out, POI{ID: "node/" + strconv.FormatInt(s.id, 10), Name: s.name, Point: Point{raw.nodeLat[i], raw.nodeLon[i]}})
		}
	}
	for _, s := range raw.schoolsW {
		if p, ok := centroid(raw, ix, s.refs); ok {
			out = append(out, POI{ID: "way/" + strconv.FormatInt(s.id, 10), Name: s.name, Point: p})
		}
	}
	slices.SortFunc(out, func(a, b POI) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// centroid is the area centroid of a closed way (the vertex mean when the
// area is degenerate or the way is open).
func centroid(raw *rawData, ix *nodeIndex, refs []int64) (Point, bool) {
	var pts []Point
	for _, id := range refs {
		if i := ix.find(id); i >= 0 {
			pts = append(pts, Point{raw.nodeLat[i], raw.nodeLon[i]})
		}
	}
	if len(pts) == 0 {
		return Point{}, false
	}
	var mLat, mLon float64
	for _, p := range pts {
		mLat += p.Lat
		mLon += p.Lon
	}
	mean := Point{mLat / float64(len(pts)), mLon / float64(len(pts))}
	if len(pts) < 4 || pts[0] != pts[len(pts)-1] {
		return mean, true
	}
	// Shoelace formula relative to the mean (numerically stable).
	var a, cx, cy float64
	for i := 0; i+1 < len(pts); i++ {
		x0, y0 := pts[i].Lon-mean.Lon, pts[i].Lat-mean.Lat
		x1, y1 := pts[i+1].Lon-mean.Lon, pts[i+1].Lat-mean.Lat
		c := x0*y1 - x1*y0
		a += c
		cx += (x0 + x1) * c
		cy += (y0 + y1) * c
	}
	if math.Abs(a) < 1e-18 {
		return mean, true
	}
	return Point{mean.Lat + cy/(3*a), mean.Lon + cx/(3*a)}, true
}

func (g *Graph) buildCSR() {
	n := len(g.lat)
	g.adjOff = make([]int32, n+1)
	for e := range g.eu {
		g.adjOff[g.eu[e]+1]++
		g.adjOff[g.ev[e]+1]++
	}
	for i := 0; i < n; i++ {
		g.adjOff[i+1] += g.adjOff[i]
	}
	m := 2 * len(g.eu)
	g.adjTo = make([]int32, m)
	g.adjEdge = make([]int32, m)
	g.adjLen = make([]float64, m)
	pos := slices.Clone(g.adjOff[:n])
	for e := range g.eu {
		u, v := g.eu[e], g.ev[e]
		g.adjTo[pos[u]], g.adjEdge[pos[u]], g.adjLen[pos[u]] = v, int32(e), g.elen[e]
		pos[u]++
		g.adjTo[pos[v]], g.adjEdge[pos[v]], g.adjLen[pos[v]] = u, int32(e), g.elen[e]
		pos[v]++
	}
}

func (g *Graph) computeBounds() {
	if len(g.lat) == 0 {
		return
	}
	g.minP = Point{math.Inf(1), math.Inf(1)}
	g.maxP = Point{math.Inf(-1), math.Inf(-1)}
	for i := range g.lat {
		g.minP.Lat = min(g.minP.Lat, g.lat[i])
		g.minP.Lon = min(g.minP.Lon, g.lon[i])
		g.maxP.Lat = max(g.maxP.Lat, g.lat[i])
		g.maxP.Lon = max(g.maxP.Lon, g.lon[i])
	}
}

func (g *Graph) computeHash() {
	h := sha256.New()
	var buf [8]byte
	w64 := func(u uint64) {
		binary.LittleEndian.PutUint64(buf[:], u)
		h.Write(buf[:])
	}
	h.Write([]byte("walknet-graph-v1\n"))
	w64(uint64(len(g.lat)))
	bw := bufio.NewWriterSize(h, 1<<16)
	w := func(u uint64) {
		binary.LittleEndian.PutUint64(buf[:], u)
		bw.Write(buf[:])
	}
	for i := range g.lat {
		w(uint64(g.osmID[i]))
		w(math.Float64bits(g.lat[i]))
		w(math.Float64bits(g.lon[i]))
	}
	w(uint64(len(g.eu)))
	for e := range g.eu {
		w(uint64(g.eu[e])<<32 | uint64(uint32(g.ev[e])))
		w(math.Float64bits(g.elen[e]))
	}
	bw.Flush()
	g.hash = hex.EncodeToString(h.Sum(nil))
}
