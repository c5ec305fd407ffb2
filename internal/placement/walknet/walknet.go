// Package walknet builds a walking network from OpenStreetMap data and
// computes walking distances on it: snapping points (homes, schools) onto the
// nearest walkable way segment and computing many-to-many distance matrices
// with one-to-all Dijkstra searches on a compact CSR graph.
//
// The package is pure: no database, no HTTP. OSM data is © OpenStreetMap
// contributors, ODbL 1.0; keep that attribution wherever the data is shown.
package walknet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
)

// Point is a WGS84 coordinate in degrees.
type Point struct{ Lat, Lon float64 }

// Format is an OSM file format.
type Format int

// The supported OSM formats.
const (
	FormatPBF   Format = iota + 1 // .osm.pbf / .pbf
	FormatXML                     // .osm
	FormatXMLGz                   // .osm.gz
)

// String names the format.
func (f Format) String() string {
	switch f {
	case FormatPBF:
		return "pbf"
	case FormatXML:
		return "osm-xml"
	case FormatXMLGz:
		return "osm-xml-gzip"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// FormatOf tells the format of an OSM file by its extension.
func FormatOf(path string) (Format, error) {
	p := strings.ToLower(path)
	switch {
	case strings.HasSuffix(p, ".pbf"):
		return FormatPBF, nil
	case strings.HasSuffix(p, ".osm.gz"):
		return FormatXMLGz, nil
	case strings.HasSuffix(p, ".osm"):
		return FormatXML, nil
	}
	return 0, fmt.Errorf("%s: unknown OSM file format (want .osm.pbf, .pbf, .osm or .osm.gz)", path)
}

// Graph is an undirected walking network in compressed sparse row form.
// Node i has coordinates (lat[i], lon[i]); edge e joins eu[e] and ev[e] and
// is elen[e] metres long (one straight way segment). It is immutable after
// construction and safe for concurrent use.
type Graph struct {
	osmID []int64   // OSM node id per node
	lat   []float64 // degrees
	lon   []float64 // degrees

	eu, ev []int32   // edge endpoints
	elen   []float64 // edge length in metres

	// CSR adjacency: the neighbours of node i are adjTo[adjOff[i]:adjOff[i+1]],
	// reached over edge adjEdge[k] of length adjLen[k].
	adjOff  []int32
	adjTo   []int32
	adjEdge []int32
	adjLen  []float64

	core *coreGraph // chain-contracted search graph (see core.go)

	chMu sync.Mutex
	ch   *chGraph // the core graph's contraction hierarchy, once built or read (see ch.go)

	schools  []POI
	hash     string
	grid     *segGrid // every edge
	main     *segGrid // the largest connected component's edges (lazy)
	mainOnce sync.Once
	minP     Point
	maxP     Point
}

// NumNodes is the number of graph nodes (OSM nodes used by walkable ways).
func (g *Graph) NumNodes() int { return len(g.lat) }

// NumEdges is the number of undirected edges (way segments).
func (g *Graph) NumEdges() int { return len(g.elen) }

// Hash is the hex SHA-256 of the graph content (nodes with coordinates, edges
// with lengths). It is stable across runs and machines for the same input.
func (g *Graph) Hash() string { return g.hash }

// Bounds is the bounding box of the graph's nodes.
func (g *Graph) Bounds() (min, max Point) { return g.minP, g.maxP }

// NodePoint is the coordinate of node i.
func (g *Graph) NodePoint(i int) Point { return Point{g.lat[i], g.lon[i]} }

// NodeOSMID is the OSM id of node i.
func (g *Graph) NodeOSMID(i int) int64 { return g.osmID[i] }

// Edge returns the endpoints (node indices) and length in metres of edge e.
func (g *Graph) Edge(e int) (u, v int, meters float64) {
	return int(g.eu[e]), int(g.ev[e]), g.elen[e]
}

// POI is a point of interest read from the OSM data, e.g. a school.
type POI struct {
	ID    string // "node/123" or "way/45"
	Name  string
	Point Point
}

// Schools lists the amenity=school features (nodes, and ways by centroid)
// read with the graph, sorted by ID.
func (g *Graph) Schools() []POI { return append([]POI(nil), g.schools...) }

// Snapped is a point snapped onto the nearest walkable way segment.
type Snapped struct {
	Point      Point   // the input point
	OnWay      Point   // nearest point on a walkable way segment
	SnapMeters float64 // distance Point → OnWay in metres

	graph  *Graph  // the graph it was snapped onto (nil: not snapped)
	edge   int32   // edge index the point lies on
	offset float64 // metres from the edge's first node (eu) along the edge
}

// Edge is the index of the edge the point was snapped onto and the offset in
// metres from its first node.
func (s Snapped) Edge() (edge int, offset float64) { return int(s.edge), s.offset }

// ErrOutside reports that no walkable way lies within the snapping limit.
var ErrOutside = errors.New("walknet: no walkable way within the snapping limit")

// Snap finds the nearest point on a walkable way segment within maxMeters
// (maxMeters <= 0 means no limit). The error wraps [ErrOutside].
func (g *Graph) Snap(p Point, maxMeters float64) (Snapped, error) {
	return g.snap(p, maxMeters)
}

// SnapAll snaps every point in parallel. errs[i] is nil or wraps [ErrOutside].
func (g *Graph) SnapAll(ps []Point, maxMeters float64) ([]Snapped, []error) {
	return g.snapAll(g.grid, ps, maxMeters)
}

// SnapConnected is [Graph.Snap] onto the largest connected part of the
// network only. Real extracts hold fragments that join nothing (a courtyard
// footway, a way clipped at the extract's border); a home snapped onto one
// could reach no school. Snapping onto the main network instead counts the
// extra way to it in SnapMeters, as a walker would have to cover it.
func (g *Graph) SnapConnected(p Point, maxMeters float64) (Snapped, error) {
	return g.snapOn(g.mainGrid(), p, maxMeters)
}

// SnapAllConnected is [Graph.SnapAll] onto the largest connected part of the
// network (see [Graph.SnapConnected]). Placement snaps homes and schools this way.
func (g *Graph) SnapAllConnected(ps []Point, maxMeters float64) ([]Snapped, []error) {
	return g.snapAll(g.mainGrid(), ps, maxMeters)
}

// Matrix computes out[i][j] = walking metres from from[i] to to[j]: the snap
// distance of from[i], the network distance between the two snapped points
// (partial edges at both ends, the same-edge case included) and the snap
// distance of to[j]. Unreachable pairs are math.Inf(1). It runs one-to-all
// Dijkstra searches from the smaller side on workers goroutines (workers <= 0
// means runtime.GOMAXPROCS(0)) and stops early when ctx is cancelled.
// Every point must come from Snap or SnapAll on g (a zero Snapped, e.g. from
// a failed Snap, is an error).
func (g *Graph) Matrix(ctx context.Context, from, to []Snapped, workers int) ([][]float64, error) {
	return g.matrix(ctx, from, to, workers)
}

// MatrixCached is [Graph.Matrix] with an on-disk cache in dir, keyed by the
// SHA-256 of the graph hash and both point lists. A corrupt cache file is
// ignored and rewritten (atomically, via a temporary file and rename).
// An empty dir means no cache.
func (g *Graph) MatrixCached(ctx context.Context, dir string, from, to []Snapped, workers int) ([][]float64, error) {
	return g.matrixCached(ctx, dir, from, to, workers)
}

// Load reads an OSM file (.osm.pbf, .pbf, .osm, .osm.gz) into a walking
// graph. Errors name the file; truncated or corrupt input gives an error.
func Load(ctx context.Context, path string) (*Graph, error) {
	return load(ctx, path)
}

// Read reads OSM data of format f from r into a walking graph, with the
// default bounds (ReadOptions{}).
func Read(ctx context.Context, r io.Reader, f Format) (*Graph, error) {
	return read(ctx, r, f, ReadOptions{})
}

// DefaultMaxInflated bounds the OSM XML an .osm.gz file may inflate to when
// the caller sets no bound: 512 MiB is a county's extract and a few seconds
// of reading (the XML reader takes some 150 MB/s, inflating included); larger
// areas belong in .osm.pbf, which is several times smaller and read in two
// passes. Without a bound, a 2.8 MB gzip file of 0.98 GB of XML took 109 s
// and 1.15 GB (with encoding/xml then).
const DefaultMaxInflated = 512 << 20

// DefaultMaxPBFData bounds the blocks of an .osm.pbf file together,
// unpacked, when the caller sets no bound. PBF blocks hold about twice
// their packed size; each must be under 32 MiB (the format's limit).
const DefaultMaxPBFData = 2 << 30

// ReadOptions bound what a reader accepts.
type ReadOptions struct {
	// MaxInflated bounds the bytes an .osm.gz file inflates to; beyond it
	// the read stops with an *InflatedError. 0 means DefaultMaxInflated.
	MaxInflated int64
	// MaxPBFData bounds the unpacked blocks of an .osm.pbf file together
	// (*InflatedError beyond); 0 means DefaultMaxPBFData.
	MaxPBFData int64
}

// ReadWith is Read with bounds.
func ReadWith(ctx context.Context, r io.Reader, f Format, o ReadOptions) (*Graph, error) {
	return read(ctx, r, f, o)
}

// InflatedError is an .osm.gz or .osm.pbf file that unpacks to more than
// Max bytes.
type InflatedError struct{ Max int64 }

func (e *InflatedError) Error() string {
	return fmt.Sprintf("the file unpacks to more than %d MB", e.Max>>20)
}

const earthRadius = 6371008.8 // mean Earth radius in metres

// StraightLine is the great-circle (haversine) distance in metres.
func StraightLine(a, b Point) float64 {
	const rad = math.Pi / 180
	dLat := (b.Lat - a.Lat) * rad
	dLon := (b.Lon - a.Lon) * rad
	s1 := math.Sin(dLat / 2)
	s2 := math.Sin(dLon / 2)
	h := s1*s1 + math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*s2*s2
	if h > 1 {
		h = 1
	}
	return 2 * earthRadius * math.Asin(math.Sqrt(h))
}
