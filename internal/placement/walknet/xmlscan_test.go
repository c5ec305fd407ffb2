package walknet

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/osm"
	"github.com/paulmach/osm/osmpbf"
	"github.com/paulmach/osm/osmxml"
)

// refScanXML is the reference XML reader: paulmach/osm/osmxml (encoding/xml)
// with the raw-data rules of addOSMNode and addWay, as walknet read .osm
// files before xmlscan.go.
func refScanXML(r io.Reader) (*rawData, error) {
	sc := osmxml.New(context.Background(), r)
	defer sc.Close()
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
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return raw, nil
}

// sameRaw tells how two raw data differ ("" when they are equal; empty and
// nil slices are equal, floats compare by their bits).
func sameRaw(a, b *rawData) string {
	eqInts := func(x, y []int64) bool { return len(x) == len(y) && (len(x) == 0 || reflect.DeepEqual(x, y)) }
	eqFloats := func(x, y []float64) bool {
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if math.Float64bits(x[i]) != math.Float64bits(y[i]) {
				return false
			}
		}
		return true
	}
	switch {
	case a.objects != b.objects:
		return fmt.Sprintf("objects %d != %d", a.objects, b.objects)
	case !eqInts(a.nodeID, b.nodeID):
		return "node ids differ"
	case !eqFloats(a.nodeLat, b.nodeLat):
		return "node lats differ"
	case !eqFloats(a.nodeLon, b.nodeLon):
		return "node lons differ"
	case !eqInts(a.wayRefs, b.wayRefs):
		return "way refs differ"
	case len(a.wayOff) != len(b.wayOff) || len(a.wayOff) > 0 && !reflect.DeepEqual(a.wayOff, b.wayOff):
		return "way offsets differ"
	case len(a.schoolsN) != len(b.schoolsN) || len(a.schoolsN) > 0 && !reflect.DeepEqual(a.schoolsN, b.schoolsN):
		return fmt.Sprintf("school nodes differ: %v != %v", a.schoolsN, b.schoolsN)
	case len(a.schoolsW) != len(b.schoolsW):
		return "school ways differ"
	}
	for i := range a.schoolsW {
		x, y := a.schoolsW[i], b.schoolsW[i]
		if x.id != y.id || x.name != y.name || !eqInts(x.refs, y.refs) {
			return fmt.Sprintf("school way %d differs: %v != %v", i, x, y)
		}
	}
	return ""
}

// checkXMLAgainstRef reads in with both readers: where the reference reads
// it, the new reader must give the same raw data and graph; where the
// reference fails, the new reader may fail or read it, but not panic.
func checkXMLAgainstRef(t *testing.T, name string, in []byte) (refErr, newErr error) {
	t.Helper()
	want, refErr := refScanXML(bytes.NewReader(in))
	got, newErr := scanXML(context.Background(), bytes.NewReader(in))
	if refErr != nil {
		return refErr, newErr
	}
	if newErr != nil {
		t.Fatalf("%s: the reference reads it, the new reader fails: %v", name, newErr)
	}
	if d := sameRaw(want, got); d != "" {
		t.Fatalf("%s: %s", name, d)
	}
	gw, ew := finish(want)
	gg, eg := finish(got)
	if (ew == nil) != (eg == nil) {
		t.Fatalf("%s: graph errors %v / %v", name, ew, eg)
	}
	if ew == nil {
		if gw.Hash() != gg.Hash() || gw.NumNodes() != gg.NumNodes() || gw.NumEdges() != gg.NumEdges() ||
			!reflect.DeepEqual(gw.Schools(), gg.Schools()) {
			t.Fatalf("%s: graphs differ", name)
		}
	}
	return nil, nil
}

// monacoXML is testdata/monaco.osm.pbf written as OSM XML by paulmach/osm
// (real data: metadata, user names with entities, relations).
func monacoXML(t testing.TB) []byte {
	f, err := os.Open("testdata/monaco.osm.pbf")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := osmpbf.New(context.Background(), f, 2)
	defer sc.Close()
	o := &osm.OSM{Version: "0.6", Generator: "walknet test"}
	for sc.Scan() {
		switch v := sc.Object().(type) {
		case *osm.Node:
			o.Nodes = append(o.Nodes, v)
		case *osm.Way:
			o.Ways = append(o.Ways, v)
		case *osm.Relation:
			o.Relations = append(o.Relations, v)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	b, err := xml.MarshalIndent(o, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return append([]byte(xml.Header), b...)
}

func TestXMLReaderMatchesReferenceMonaco(t *testing.T) {
	in := monacoXML(t)
	if _, err := checkXMLAgainstRef(t, "monaco", in); err != nil {
		t.Fatal(err)
	}
	// The same with Windows line ends and single quotes.
	crlf := bytes.ReplaceAll(in, []byte("\n"), []byte("\r\n"))
	if refErr, _ := checkXMLAgainstRef(t, "monaco crlf", crlf); refErr != nil {
		t.Fatal(refErr)
	}
	got, err := scanXML(context.Background(), bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	// The same as .osm.gz (inflated ahead on a goroutine of its own).
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(in)
	zw.Close()
	gotGz, err := scan(context.Background(), &gz, FormatXMLGz, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d := sameRaw(got, gotGz); d != "" {
		t.Fatalf("monaco .osm.gz: %s", d)
	}
	if len(got.schoolsN)+len(got.schoolsW) == 0 || len(got.wayOff) < 100 {
		t.Fatalf("monaco: %d school nodes, %d school ways, %d ways", len(got.schoolsN), len(got.schoolsW), len(got.wayOff))
	}
}

func TestXMLReaderMatchesReferenceCities(t *testing.T) {
	for _, o := range []CityOptions{
		{Seed: 1, Rows: 3, Cols: 3, Schools: 1},
		{Seed: 2, Rows: 12, Cols: 9, Subdivide: 3, Bridges: 2, Schools: 7},
		{Seed: 3, Rows: 30, Cols: 30, Dense: true, Bridges: 3, Schools: 20},
	} {
		var buf bytes.Buffer
		c := GenerateCity(o)
		addDuplicateTags(c)
		if err := c.WriteOSM(&buf); err != nil {
			t.Fatal(err)
		}
		if refErr, _ := checkXMLAgainstRef(t, fmt.Sprintf("city %+v", o), buf.Bytes()); refErr != nil {
			t.Fatal(refErr)
		}
	}
}

// xmlCases are small documents on the edges of XML as OSM uses it, read
// alike by both readers (ok) or refused by both (!ok).
var xmlCases = []struct {
	in string
	ok bool
}{
	{`<osm><node id="1" lat="59" lon="18"/><node id="2" lat="59.001" lon="18"/><way id="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="footway"/></way></osm>`, true},
	{`<?xml version='1.0' encoding='utf-8'?><osm version='0.6'><node id='1' lat='59' lon='18'></node><node id = "2"  lat = '59.001'lon="18.0"  /><way id="7"><nd ref="1"></nd><nd ref="2"/><tag k='highway' v='footway'></tag></way></osm>`, true},
	{"<osm>\r\n<!-- a comment -- - ->\r\n--><bounds minlat=\"1\"/><node id=\"1\" lat=\" 59\t\" lon=\"18\"><tag k=\"amenity\" v=\"school\"/><tag k=\"name\" v=\"A &amp; B &lt;&gt;&quot;&apos; &#65;&#x42;&#X43; \r\n x\"/></node></osm>", false},
	{"<osm>\r\n<!-- a comment - - ->\r\n--><bounds minlat=\"1\"/><node id=\"1\" lat=\" 59\t\" lon=\"18\"><tag k=\"amenity\" v=\"school\"/><tag k=\"name\" v=\"A &amp; B &lt;&gt;&quot;&apos; &#65;&#x42;&#x43; \r\n x\r y\"/><tag k=\"name\" v=\"second\"/></node></osm>", true},
	{`<!DOCTYPE osm [ <!ELEMENT osm ANY> <!-- > --> ]><osm><![CDATA[ <node id="9" lat="1" lon="1"/> ]]><?pi stuff?><node id="1" lat="1e1" lon="-0.0"/></osm>`, true},
	{`<a:osm xmlns:a="x"><a:node a:id="3" lat="1" lon="2"><a:tag k="amenity" v="school"/><other><tag k="name" v="nested: not a node tag"/></other></a:node></a:osm>`, true},
	{`<osm><node id="1" lat="1" lon="2"><node id="2" lat="3" lon="4"/></node><relation id="5"><node id="6" lat="0" lon="0"/></relation><BOUNDS><node id="7" lat="0" lon="0"/></BOUNDS></osm>`, true},
	{`<osm><x><y><node id="1" id="4" lat="+1" lon=".5"/></y></x></osm>`, true},
	{`<node id="" lat="" lon=""/><way><nd/><nd ref=""/><tag v="footway" k="highway"/><tag k="highway" v="motorway"/></way>`, true},
	{`<osm><node id="1" lat="0x1p-2" lon="1_0"/></osm>`, true},
	{`<osm><node id="1" lat="0x1p-2" lon="Inf"/></osm>`, true},
	{`<osm><NODE id="1" lat="1" lon="2"/></osm>`, false},
	{`<osm><node id="x" lat="1" lon="2"/></osm>`, false},
	{`<osm><way id="1"><nd ref="1.5"/></way></osm>`, false},
	{`<osm><node id="1" lat="1" lon="2"></osm>`, false},
	{`<osm><node id="1" lat="1" lon="2"/>`, false},
	{`<osm><node id="1" lat="1" lon="2"/></osm></osm>`, false},
	{`<osm><node id=1 lat="1" lon="2"/></osm>`, false},
	{`<osm><node id="1" lat="1" lon="2" / ></osm>`, false},
	{`<osm><node id="1" lat="1<" lon="2"/></osm>`, false},
	{`<osm><node id="1" lat="1" lon="2"><tag k="name" v="&nbsp;"/></node></osm>`, false},
	{`<osm><node id="1" lat="1" lon="2"><tag k="name" v="&#0;"/></node></osm>`, false},
	{`<osm><node id="1" lat="1" lon="2"><tag k="name" v="&amp"/></node></osm>`, false},
	{"<osm><node id=\"1\" lat=\"1\" lon=\"2\"><tag k=\"name\" v=\"\xff\"/></node></osm>", false},
	{"<osm><node id=\"1\" lat=\"1\" lon=\"2\"><tag k=\"name\" v=\"Sk\u00f6la \U0001F3EB &#xD800;\"/></node></osm>", true},
	{`<?xml version="1.1"?><osm/>`, false},
	{`<?xml version="1.0" encoding="ISO-8859-1"?><osm/>`, false},
	{`<osm>text ]]> here</osm>`, false},
	{`<osm><a:b:c/></osm>`, false},
	{`<osm><1a/></osm>`, false},
	{`<osm><!-- unterminated -></osm>`, false},
	{`<osm><![CDATA[ unterminated </osm>`, false},
	{"\ufeff<osm> <node id=\"1\" lat=\"1\" lon=\"2\"/> </osm> trailing text", true},
	{`<osm/><osm><node id="1" lat="1" lon="2"/></osm>`, true},
	{`</osm>`, false},
	{``, true},
	{`<osm><node id="1" lat="1" lon="2"/></OSM>`, false},
	{`<osm><node id="9223372036854775807" lat="1.123456789012345678" lon="-179.99999999999999"/><node id="-9223372036854775808" lat="123456789012345678901234567890" lon="1e-400"/></osm>`, true},
	{`<osm><node id="9223372036854775808" lat="1" lon="2"/></osm>`, false},
	{"<osm><node\tid=\"1\"\nlat=\"1\"\r\nlon=\"2\"\n/></osm>", true},
	{`<osm><node id="1" lat="1" lon="2" visible="maybe"/></osm>`, false},
}

func TestXMLReaderCases(t *testing.T) {
	for i, c := range xmlCases {
		refErr, newErr := checkXMLAgainstRef(t, fmt.Sprintf("case %d %q", i, c.in), []byte(c.in))
		if (refErr == nil) != c.ok {
			t.Errorf("case %d %q: the reference gives %v", i, c.in, refErr)
		}
		// Where the reference refuses, so does the new reader, but for
		// attributes it does not read (visible).
		if refErr != nil && newErr == nil && !strings.Contains(c.in, "visible") {
			t.Errorf("case %d %q: the reference fails (%v), the new reader reads it", i, c.in, refErr)
		}
	}
}

// Every chunk boundary: the reader refills its buffer anywhere in a token.
func TestXMLReaderSmallReads(t *testing.T) {
	var buf bytes.Buffer
	GenerateCity(CityOptions{Seed: 5, Rows: 5, Cols: 5, Schools: 2}).WriteOSM(&buf)
	in := append([]byte(xmlCases[3].in+xmlCases[4].in), buf.Bytes()...)
	want, err := refScanXML(bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1, 2, 3, 7, 64} {
		got, err := scanXML(context.Background(), &chunkReader{in, n})
		if err != nil {
			t.Fatalf("%d-byte reads: %v", n, err)
		}
		if d := sameRaw(want, got); d != "" {
			t.Fatalf("%d-byte reads: %s", n, d)
		}
	}
}

type chunkReader struct {
	b []byte
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), c.n)], c.b)
	c.b = c.b[n:]
	return n, nil
}

// The coordinate parser is strconv.ParseFloat, bit for bit.
func TestParseXMLFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	check := func(s string) {
		want, werr := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if s == "" {
			want, werr = 0, nil
		}
		got, gerr := parseXMLFloat([]byte(s))
		if (werr == nil) != (gerr == nil) || math.Float64bits(want) != math.Float64bits(got) {
			t.Fatalf("%q: %v %v, want %v %v", s, got, gerr, want, werr)
		}
	}
	for _, s := range []string{"", "0", "-0", "-0.0", "1.", ".5", "1e5", " 1", "+1", "-", ".", "1..2", "NaN",
		"123456789012345", "1234567890123456", "0.000000000000001", "59.3293235", "-179.9999999"} {
		check(s)
	}
	for range 200000 {
		var s string
		switch rng.IntN(3) {
		case 0:
			s = strconv.FormatFloat((rng.Float64()*2-1)*180, 'f', rng.IntN(12), 64)
		case 1:
			s = strconv.FormatFloat((rng.Float64()*2-1)*math.Pow(10, float64(rng.IntN(16))), 'f', -1, 64)
		default:
			s = strconv.FormatInt(rng.Int64N(1e15), 10)
			if p := rng.IntN(len(s) + 1); p > 0 && p < len(s) {
				s = s[:p] + "." + s[p:]
			}
		}
		check(s)
	}
}
