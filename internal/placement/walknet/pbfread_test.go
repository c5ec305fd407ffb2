package walknet

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"testing"

	"github.com/paulmach/osm"
	"github.com/paulmach/osm/osmpbf"
)

// refLoadPBF is the reference PBF reader: paulmach/osm/osmpbf behind
// pbfGuard in two passes (ways, then the nodes they use), as walknet read
// .osm.pbf files before pbfread.go.
func refLoadPBF(t testing.TB, path string) *rawData {
	pass := func(setup func(*osmpbf.Scanner), each func(osm.Object)) {
		fh, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer fh.Close()
		guard := newPBFGuard(bufio.NewReaderSize(fh, 1<<20), ReadOptions{})
		sc := osmpbf.New(context.Background(), guard, runtime.GOMAXPROCS(0))
		defer sc.Close()
		sc.SkipRelations = true
		setup(sc)
		for sc.Scan() {
			each(sc.Object())
		}
		if err := guard.Err(); err != nil && err != io.EOF {
			t.Fatal(err)
		}
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	raw := &rawData{}
	var refs []int64
	pass(func(sc *osmpbf.Scanner) { sc.SkipNodes = true }, func(o osm.Object) {
		raw.objects++
		if w, ok := o.(*osm.Way); ok {
			refs = raw.addWay(w, refs)
		}
	})
	needed := slices.Clone(raw.wayRefs)
	for _, s := range raw.schoolsW {
		needed = append(needed, s.refs...)
	}
	slices.Sort(needed)
	needed = slices.Compact(needed)
	pass(func(sc *osmpbf.Scanner) {
		sc.SkipWays = true
		sc.FilterNode = func(n *osm.Node) bool {
			_, ok := slices.BinarySearch(needed, int64(n.ID))
			return ok || n.Tags.Find("amenity") == "school"
		}
	}, func(o osm.Object) {
		raw.objects++
		if n, ok := o.(*osm.Node); ok {
			raw.addOSMNode(n)
		}
	})
	return raw
}

// refScanPBF is the reference one-pass PBF reader of a stream.
func refScanPBF(t testing.TB, in []byte) *rawData {
	guard := newPBFGuard(bytes.NewReader(in), ReadOptions{})
	sc := osmpbf.New(context.Background(), guard, runtime.GOMAXPROCS(0))
	defer sc.Close()
	sc.SkipRelations = true
	raw := &rawData{}
	var refs []int64
	for sc.Scan() {
		raw.objects++
		switch o := sc.Object().(type) {
		case *osm.Node:
			raw.addOSMNode(o)
		case *osm.Way:
			refs = raw.addWay(o, refs)
		}
	}
	if err := guard.Err(); err != nil && err != io.EOF {
		t.Fatal(err)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return raw
}

// checkPBFAgainstRef reads the file with both readers, two passes and one.
func checkPBFAgainstRef(t *testing.T, path string) *rawData {
	t.Helper()
	want := refLoadPBF(t, path)
	got, err := loadPBF(context.Background(), path, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d := sameRaw(want, got); d != "" {
		t.Fatalf("%s, two passes: %s", path, d)
	}
	in, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want1 := refScanPBF(t, in)
	got1, err := scan(context.Background(), bytes.NewReader(in), FormatPBF, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d := sameRaw(want1, got1); d != "" {
		t.Fatalf("%s, one pass: %s", path, d)
	}
	gw, err := finish(want)
	if err != nil {
		t.Fatal(err)
	}
	gg, err := loadPBFGraph(context.Background(), path, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if gw.Hash() != gg.Hash() || !reflect.DeepEqual(gw.Schools(), gg.Schools()) {
		t.Fatalf("%s: graphs differ", path)
	}
	return got
}

func TestPBFReaderMatchesReferenceMonaco(t *testing.T) {
	raw := checkPBFAgainstRef(t, filepath.Join("testdata", "monaco.osm.pbf"))
	if len(raw.schoolsN)+len(raw.schoolsW) == 0 || len(raw.wayOff) < 100 {
		t.Fatalf("monaco: %d school nodes, %d school ways, %d ways", len(raw.schoolsN), len(raw.schoolsW), len(raw.wayOff))
	}
}

// A large file of your own: WALKNET_TEST_PBF=/path/city.osm.pbf.
func TestPBFReaderMatchesReferenceFile(t *testing.T) {
	path := os.Getenv("WALKNET_TEST_PBF")
	if path == "" {
		t.Skip("set WALKNET_TEST_PBF to an .osm.pbf file")
	}
	checkPBFAgainstRef(t, path)
}

// Generated cities written as PBF by writeTestPBF: small blocks, raw and
// zlib blobs, nodes and ways in one block, granularity and offsets.
func TestPBFReaderMatchesReferenceCities(t *testing.T) {
	dir := t.TempDir()
	for i, o := range []CityOptions{
		{Seed: 1, Rows: 3, Cols: 3, Schools: 1},
		{Seed: 2, Rows: 12, Cols: 9, Subdivide: 3, Bridges: 2, Schools: 7},
		{Seed: 3, Rows: 30, Cols: 30, Dense: true, Bridges: 3, Schools: 20},
	} {
		c := GenerateCity(o)
		addDuplicateTags(c)
		for _, opt := range []testPBFOptions{{perBlock: 1000, zlib: true}, {perBlock: 37, granularity: 1000, latOffset: 5e8, lonOffset: -3e8}, {perBlock: 1 << 30, zlib: true, mixed: true}} {
			path := filepath.Join(dir, "c.osm.pbf")
			if err := os.WriteFile(path, writeTestPBF(t, c, opt), 0o644); err != nil {
				t.Fatal(err)
			}
			raw := checkPBFAgainstRef(t, path)
			if len(raw.nodeID) == 0 || len(raw.wayOff) == 0 {
				t.Fatalf("city %d %+v: nothing read", i, opt)
			}
		}
	}
}

type testPBFOptions struct {
	perBlock                          int  // objects per block
	zlib                              bool // else raw blobs
	mixed                             bool // the last node group and the first way group in one block
	granularity, latOffset, lonOffset int64
}

// writeTestPBF writes the city as .osm.pbf with dense nodes (tags
// included), a header block and the options' block layout.
func writeTestPBF(t testing.TB, c *City, o testPBFOptions) []byte {
	var out []byte
	pb := func(b []byte, field int, wt int) []byte { return binary.AppendUvarint(b, uint64(field<<3|wt)) }
	bytesField := func(b []byte, field int, v []byte) []byte {
		b = pb(b, field, 2)
		b = binary.AppendUvarint(b, uint64(len(v)))
		return append(b, v...)
	}
	varint := func(b []byte, field int, v uint64) []byte { return binary.AppendUvarint(pb(b, field, 0), v) }
	zz := func(v int64) uint64 { return uint64(v<<1) ^ uint64(v>>63) }
	block := func(typ string, data []byte) {
		var blob []byte
		if o.zlib {
			var z bytes.Buffer
			zw := zlib.NewWriter(&z)
			zw.Write(data)
			zw.Close()
			blob = varint(blob, 2, uint64(len(data)))
			blob = bytesField(blob, 3, z.Bytes())
		} else {
			blob = bytesField(blob, 1, data)
		}
		hdr := bytesField(nil, 1, []byte(typ))
		hdr = varint(hdr, 3, uint64(len(blob)))
		out = binary.BigEndian.AppendUint32(out, uint32(len(hdr)))
		out = append(append(out, hdr...), blob...)
	}
	block("OSMHeader", bytesField(bytesField(nil, 4, []byte("OsmSchema-V0.6")), 4, []byte("DenseNodes")))
	gran := o.granularity
	if gran == 0 {
		gran = 100
	}
	type strs struct {
		idx map[string]int
		s   []string
	}
	newStrs := func() *strs { return &strs{idx: map[string]int{"": 0}, s: []string{""}} }
	str := func(s *strs, v string) uint64 {
		if i, ok := s.idx[v]; ok {
			return uint64(i)
		}
		s.idx[v] = len(s.s)
		s.s = append(s.s, v)
		return uint64(len(s.s) - 1)
	}
	primBlock := func(s *strs, groups [][]byte) []byte {
		var st []byte
		for _, v := range s.s {
			st = bytesField(st, 1, []byte(v))
		}
		b := bytesField(nil, 1, st)
		for _, g := range groups {
			b = bytesField(b, 2, g)
		}
		if o.granularity != 0 {
			b = varint(b, 17, uint64(o.granularity))
		}
		if o.latOffset != 0 {
			b = varint(b, 19, uint64(o.latOffset))
			b = varint(b, 20, uint64(o.lonOffset))
		}
		return b
	}
	denseGroup := func(s *strs, nodes []cityNode) []byte {
		var ids, lats, lons, kv []byte
		var pid, plat, plon int64
		for _, n := range nodes {
			lat := (int64(n.p.Lat*1e9+0.5) - o.latOffset) / gran
			lon := (int64(n.p.Lon*1e9+0.5) - o.lonOffset) / gran
			ids = binary.AppendUvarint(ids, zz(n.id-pid))
			lats = binary.AppendUvarint(lats, zz(lat-plat))
			lons = binary.AppendUvarint(lons, zz(lon-plon))
			pid, plat, plon = n.id, lat, lon
			for _, t := range n.tags {
				kv = binary.AppendUvarint(kv, str(s, t[0]))
				kv = binary.AppendUvarint(kv, str(s, t[1]))
			}
			kv = append(kv, 0)
		}
		d := bytesField(nil, 1, ids)
		d = bytesField(d, 8, lats)
		d = bytesField(d, 9, lons)
		d = bytesField(d, 10, kv)
		return bytesField(nil, 2, d)
	}
	wayGroup := func(s *strs, ways []cityWay) []byte {
		var g []byte
		for _, w := range ways {
			var keys, vals, refs []byte
			for _, t := range w.tags {
				keys = binary.AppendUvarint(keys, str(s, t[0]))
				vals = binary.AppendUvarint(vals, str(s, t[1]))
			}
			var prev int64
			for _, r := range w.refs {
				refs = binary.AppendUvarint(refs, zz(r-prev))
				prev = r
			}
			m := varint(nil, 1, uint64(w.id))
			m = bytesField(m, 2, keys)
			m = bytesField(m, 3, vals)
			m = bytesField(m, 8, refs)
			g = bytesField(g, 3, m)
		}
		return g
	}
	nodes, ways := c.nodes, c.ways
	for len(nodes) > 0 {
		n := min(len(nodes), o.perBlock)
		s := newStrs()
		groups := [][]byte{denseGroup(s, nodes[:n])}
		nodes = nodes[n:]
		if len(nodes) == 0 && o.mixed {
			k := min(len(ways), o.perBlock)
			groups = append(groups, wayGroup(s, ways[:k]))
			ways = ways[k:]
		}
		block("OSMData", primBlock(s, groups))
	}
	for len(ways) > 0 {
		n := min(len(ways), o.perBlock)
		s := newStrs()
		block("OSMData", primBlock(s, [][]byte{wayGroup(s, ways[:n])}))
		ways = ways[n:]
	}
	return out
}

// addDuplicateTags adds objects whose keys repeat (the first value counts):
// a school node named twice, a way that is a motorway and a footway, a
// school way.
func addDuplicateTags(c *City) {
	n := c.nodes[0]
	id := c.nodes[len(c.nodes)-1].id + 1
	c.nodes = append(c.nodes, cityNode{id: id, p: n.p, tags: [][2]string{{"amenity", "school"}, {"name", "First"}, {"name", "Second"}, {"amenity", "kindergarten"}}})
	w := c.ways[0]
	c.ways = append(c.ways,
		cityWay{id: w.id + 1_000_000, refs: w.refs, tags: [][2]string{{"highway", "motorway"}, {"highway", "footway"}}},
		cityWay{id: w.id + 1_000_001, refs: w.refs, tags: [][2]string{{"highway", "footway"}, {"access", "yes"}, {"access", "no"}, {"foot", ""}}},
		cityWay{id: w.id + 1_000_002, refs: append(slices.Clone(w.refs), w.refs[0]), tags: [][2]string{{"name", "Way school"}, {"amenity", "school"}, {"name", "other"}}},
	)
}

// A zlib block must inflate to exactly its declared size.
func TestPBFBlobSize(t *testing.T) {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(make([]byte, 100))
	zw.Close()
	for size, ok := range map[int]bool{50: false, 99: false, 100: true, 101: false, 150: false} {
		b := &pbfBlob{index: 1, zlib: z.Bytes(), rawSize: size}
		data, err := b.data(nil)
		if (err == nil) != ok || ok && len(data) != 100 {
			t.Errorf("declared %d for 100 bytes: %d bytes, %v", size, len(data), err)
		}
	}
}
