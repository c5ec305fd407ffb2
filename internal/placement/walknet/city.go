package walknet

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
)

// CityOptions configures [GenerateCity]. Zero values get defaults.
type CityOptions struct {
	Seed          int64
	Rows, Cols    int     // street intersections (default 10 × 10)
	SpacingMeters float64 // block size (default 100 m)
	Bridges       int     // walkable bridges over the river (default 2; negative: none)
	Origin        Point   // south-west corner (default central Göteborg)
	// Subdivide adds this many intermediate nodes on every street segment
	// between two intersections (to reach realistic node counts).
	Subdivide int
	// JitterFraction moves intersections by up to this fraction of the
	// spacing (default 0.1; at most 0.3 so no street crosses the river).
	JitterFraction float64
	// ParkShare is the share of blocks crossed by a diagonal park footway
	// (default 0.1).
	ParkShare float64
	// Schools is the number of amenity=school nodes placed in the city.
	Schools int
	// Dense makes a city core where nearly every node is an intersection:
	// no intermediate nodes (Subdivide is ignored) and Avenues long diagonal
	// avenues through the intersections of each bank (default 4).
	Dense bool
	// Avenues is the number of long diagonal avenues (default 0; 4 when
	// Dense). Each runs north-east through the intersections of one bank,
	// from the southern or western edge to the river or the city's edge.
	Avenues int
}

// City is a generated test city: a jittered street grid with a river running
// north–south through its middle, crossed only at bridges. Besides walkable
// streets it holds ways that must NOT be walkable (a motorway crossing the
// river, cycleways with foot=no, private service roads), so tests exercise
// the tag rules end to end.
type City struct {
	Graph    *Graph
	RiverLon float64 // the river's centre line; see [City.Side]
	// BridgeRows are the grid rows that have a walkable bridge.
	BridgeRows []int
	Options    CityOptions

	nodes []cityNode
	ways  []cityWay
	kx    float64
	ky    float64
}

type cityNode struct {
	id   int64
	p    Point
	tags [][2]string
}

type cityWay struct {
	id   int64
	refs []int64
	tags [][2]string
}

// GenerateCity builds a deterministic city from o.
func GenerateCity(o CityOptions) *City {
	if o.Rows <= 0 {
		o.Rows = 10
	}
	if o.Cols <= 0 {
		o.Cols = 10
	}
	o.Rows, o.Cols = max(o.Rows, 2), max(o.Cols, 2)
	if o.SpacingMeters <= 0 {
		o.SpacingMeters = 100
	}
	if o.Bridges == 0 {
		o.Bridges = 2
	}
	if o.Origin == (Point{}) {
		o.Origin = Point{57.69, 11.94}
	}
	if o.JitterFraction == 0 {
		o.JitterFraction = 0.1
	}
	o.JitterFraction = min(max(o.JitterFraction, 0), 0.3)
	if o.ParkShare == 0 {
		o.ParkShare = 0.1
	}
	if o.Dense {
		o.Subdivide = 0
		if o.Avenues == 0 {
			o.Avenues = 4
		}
	}
	rng := rand.New(rand.NewPCG(uint64(o.Seed), 0x5eed))
	c := &City{Options: o}
	c.ky = earthRadius * math.Pi / 180
	c.kx = c.ky * math.Cos(o.Origin.Lat*math.Pi/180)
	s := o.SpacingMeters
	riverCol := o.Cols / 2 // the river runs between columns riverCol-1 and riverCol
	xOf := func(col int) float64 {
		if col >= riverCol {
			return float64(col+1) * s
		}
		return float64(col) * s
	}
	// Coordinates are rounded to 7 decimals (OSM precision) so that the
	// graph read back from WriteOSM's output is identical (same Hash).
	round7 := func(v float64) float64 { return math.Round(v*1e7) / 1e7 }
	pt := func(x, y float64) Point {
		return Point{round7(o.Origin.Lat + y/c.ky), round7(o.Origin.Lon + x/c.kx)}
	}
	c.RiverLon = pt(float64(riverCol)*s, 0).Lon

	var nextNode, nextWay int64
	addNode := func(p Point, tags ...[2]string) int64 {
		nextNode++
		c.nodes = append(c.nodes, cityNode{id: nextNode, p: p, tags: tags})
		return nextNode
	}
	addWay := func(refs []int64, tags ...[2]string) {
		nextWay++
		c.ways = append(c.ways, cityWay{id: nextWay, refs: refs, tags: tags})
	}
	// Intersections.
	inter := make([][]int64, o.Rows)
	pos := make([][]Point, o.Rows)
	j := o.JitterFraction * s
	for r := range o.Rows {
		inter[r] = make([]int64, o.Cols)
		pos[r] = make([]Point, o.Cols)
		for col := range o.Cols {
			x := xOf(col) + (rng.Float64()*2-1)*j
			y := float64(r)*s + (rng.Float64()*2-1)*j
			pos[r][col] = pt(x, y)
			inter[r][col] = addNode(pos[r][col])
		}
	}
	// segment returns the refs from intersection a to b with intermediate nodes.
	segment := func(ra, ca, rb, cb int) []int64 {
		refs := []int64{inter[ra][ca]}
		a, b := pos[ra][ca], pos[rb][cb]
		for k := 1; k <= o.Subdivide; k++ {
			t := float64(k) / float64(o.Subdivide+1)
			refs = append(refs, addNode(Point{round7(a.Lat + t*(b.Lat-a.Lat)), round7(a.Lon + t*(b.Lon-a.Lon))}))
		}
		return append(refs, inter[rb][cb])
	}
	road := func(r int) [2]string {
		if r%5 == 0 {
			return [2]string{"highway", "tertiary"}
		}
		return [2]string{"highway", "residential"}
	}
	bridge := map[int]bool{}
	if o.Bridges > 0 {
		for k := range o.Bridges {
			r := int((float64(k) + 0.5) * float64(o.Rows) / float64(o.Bridges))
			if !bridge[r] {
				bridge[r] = true
				c.BridgeRows = append(c.BridgeRows, r)
			}
		}
	}
	// East–west streets, split at the river; bridges as separate ways.
	for r := range o.Rows {
		for _, span := range [][2]int{{0, riverCol - 1}, {riverCol, o.Cols - 1}} {
			if span[0] >= span[1] {
				continue
			}
			var refs []int64
			for col := span[0]; col < span[1]; col++ {
				seg := segment(r, col, r, col+1)
				if len(refs) > 0 {
					seg = seg[1:]
				}
				refs = append(refs, seg...)
			}
			addWay(refs, road(r), [2]string{"name", "Gata " + strconv.Itoa(r)})
		}
		if bridge[r] {
			addWay(segment(r, riverCol-1, r, riverCol), [2]string{"highway", "residential"}, [2]string{"bridge", "yes"}, [2]string{"layer", "1"})
		}
	}
	// North–south streets.
	for col := range o.Cols {
		var refs []int64
		for r := 0; r+1 < o.Rows; r++ {
			seg := segment(r, col, r+1, col)
			if len(refs) > 0 {
				seg = seg[1:]
			}
			refs = append(refs, seg...)
		}
		tag := road(col)
		if col == 1 {
			tag = [2]string{"highway", "primary"}
		}
		addWay(refs, tag, [2]string{"name", "Väg " + strconv.Itoa(col)})
	}
	// Park footways, cycleways closed to pedestrians, private roads (block diagonals).
	for r := 0; r+1 < o.Rows; r++ {
		for col := 0; col+1 < o.Cols; col++ {
			if col == riverCol-1 {
				continue // the river block
			}
			switch u := rng.Float64(); {
			case u < o.ParkShare:
				addWay([]int64{inter[r][col], inter[r+1][col+1]}, [2]string{"highway", "footway"}, [2]string{"leisure", "park"})
			case u < o.ParkShare+0.03:
				addWay([]int64{inter[r][col+1], inter[r+1][col]}, [2]string{"highway", "cycleway"}, [2]string{"foot", "no"})
			case u < o.ParkShare+0.05:
				addWay([]int64{inter[r][col], inter[r+1][col+1]}, [2]string{"highway", "service"}, [2]string{"access", "private"})
			}
		}
	}
	// Long avenues: diagonals through the intersections of one bank, spread
	// over the banks and starting rows.
	for k := range max(o.Avenues, 0) {
		lo, hi := 0, riverCol-1 // west bank columns
		if k%2 == 1 {
			lo, hi = riverCol, o.Cols-1
		}
		r0 := (k / 2) * o.Rows / (max(o.Avenues, 2) / 2 * 2) // spread the starts south to north
		var refs []int64
		for r, col := r0, lo; r < o.Rows && col <= hi; r, col = r+1, col+1 {
			refs = append(refs, inter[r][col])
		}
		if len(refs) >= 2 {
			addWay(refs, [2]string{"highway", "primary"}, [2]string{"name", "Avenyn " + strconv.Itoa(k+1)})
		}
	}
	// A motorway across the river along the southern edge, joined to the
	// corner intersections: walking on it would be a shortcut over the river.
	if o.Cols >= 2 {
		m1 := addNode(pt(xOf(riverCol-1), -s/2))
		m2 := addNode(pt(xOf(riverCol), -s/2))
		addWay([]int64{inter[0][riverCol-1], m1, m2, inter[0][riverCol]}, [2]string{"highway", "motorway"}, [2]string{"bridge", "yes"})
		// A footway with access=no but foot=yes stays walkable (west bank only).
		if riverCol >= 2 {
			f := addNode(pt(xOf(0)-s/2, -s/2))
			addWay([]int64{inter[0][0], f, inter[0][1]}, [2]string{"highway", "service"}, [2]string{"access", "no"}, [2]string{"foot", "yes"})
		}
	}
	// The river itself (not walkable).
	addWay([]int64{
		addNode(pt(float64(riverCol)*s, -s)),
		addNode(pt(float64(riverCol)*s, float64(o.Rows)*s)),
	}, [2]string{"waterway", "river"}, [2]string{"name", "Älven"})
	// Schools: nodes in random blocks, off the street.
	for k := range o.Schools {
		r, col := rng.IntN(o.Rows-1), rng.IntN(o.Cols-1)
		if col == riverCol-1 {
			col = max(col-1, 0)
		}
		x := xOf(col) + s*(0.3+0.4*rng.Float64())
		y := float64(r)*s + s*(0.3+0.4*rng.Float64())
		addNode(pt(x, y), [2]string{"amenity", "school"}, [2]string{"name", fmt.Sprintf("Skola %d", k+1)})
	}
	raw := &rawData{}
	for _, n := range c.nodes {
		raw.addNode(n.id, n.p.Lat, n.p.Lon)
		if findTag(n.tags, "amenity") == "school" {
			raw.schoolsN = append(raw.schoolsN, rawSchool{id: n.id, name: findTag(n.tags, "name")})
		}
	}
	for _, w := range c.ways {
		if walkable(tagList(w.tags)) {
			raw.addWalkableWay(w.refs)
		}
	}
	c.Graph = build(raw)
	return c
}

type tagList [][2]string

func (t tagList) Find(k string) string { return findTag(t, k) }

func findTag(tags [][2]string, k string) string {
	for _, kv := range tags {
		if kv[0] == k {
			return kv[1]
		}
	}
	return ""
}

// Side tells which bank of the river p is on: -1 west, +1 east.
func (c *City) Side(p Point) int {
	if p.Lon < c.RiverLon {
		return -1
	}
	return 1
}

// RandomPoints returns n deterministic points spread uniformly over the
// city's bounding box (homes of applicants, say).
func (c *City) RandomPoints(n int, seed int64) []Point {
	rng := rand.New(rand.NewPCG(uint64(seed), 0xa991))
	min, max := c.Graph.Bounds()
	out := make([]Point, n)
	for i := range out {
		out[i] = Point{min.Lat + rng.Float64()*(max.Lat-min.Lat), min.Lon + rng.Float64()*(max.Lon-min.Lon)}
	}
	return out
}

// WriteOSM writes the city as OSM XML (version 0.6). Wrap w in a gzip.Writer
// for .osm.gz.
func (c *City) WriteOSM(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<osm version="0.6" generator="styrkedjan walknet">` + "\n")
	bw.WriteString(` <!-- generated test city; no OpenStreetMap data -->` + "\n")
	var num []byte
	for _, n := range c.nodes {
		bw.WriteString(` <node id="`)
		bw.Write(strconv.AppendInt(num[:0], n.id, 10))
		bw.WriteString(`" version="1" lat="`)
		bw.Write(strconv.AppendFloat(num[:0], n.p.Lat, 'f', 7, 64))
		bw.WriteString(`" lon="`)
		bw.Write(strconv.AppendFloat(num[:0], n.p.Lon, 'f', 7, 64))
		if len(n.tags) == 0 {
			bw.WriteString("\"/>\n")
			continue
		}
		bw.WriteString("\">\n")
		writeTags(bw, n.tags)
		bw.WriteString(" </node>\n")
	}
	for _, wy := range c.ways {
		bw.WriteString(` <way id="`)
		bw.Write(strconv.AppendInt(num[:0], wy.id, 10))
		bw.WriteString("\" version=\"1\">\n")
		for _, r := range wy.refs {
			bw.WriteString(`  <nd ref="`)
			bw.Write(strconv.AppendInt(num[:0], r, 10))
			bw.WriteString("\"/>\n")
		}
		writeTags(bw, wy.tags)
		bw.WriteString(" </way>\n")
	}
	bw.WriteString("</osm>\n")
	return bw.Flush()
}

func writeTags(bw *bufio.Writer, tags [][2]string) {
	for _, kv := range tags {
		bw.WriteString(`  <tag k="`)
		xml.EscapeText(bw, []byte(kv[0]))
		bw.WriteString(`" v="`)
		xml.EscapeText(bw, []byte(kv[1]))
		bw.WriteString("\"/>\n")
	}
}
