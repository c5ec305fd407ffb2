package walknet

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"testing"
	"time"
)

// FuzzRead: OSM data in any of the three formats gives a graph with
// walkable ways or an error, never a panic, and does not take long; an
// .osm.gz inflates only up to its bound. Seeds: a generated city as .osm,
// .osm.gz and .osm.pbf of raw blocks, and the head of
// testdata/monaco.osm.pbf (© OpenStreetMap contributors, ODbL 1.0; see
// testdata/README.md).
func FuzzRead(f *testing.F) {
	var osmXML, osmGz bytes.Buffer
	c := GenerateCity(CityOptions{Seed: 1, Rows: 3, Cols: 3, Schools: 1})
	if err := c.WriteOSM(&osmXML); err != nil {
		f.Fatal(err)
	}
	zw := gzip.NewWriter(&osmGz)
	zw.Write(osmXML.Bytes())
	zw.Close()
	pbf, err := os.ReadFile("testdata/monaco.osm.pbf")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(osmXML.Bytes(), uint8(FormatXML))
	f.Add(osmGz.Bytes(), uint8(FormatXMLGz))
	f.Add(pbf[:16<<10], uint8(FormatPBF))
	// Uncompressed blocks, so that changed bytes reach the PBF decoder.
	f.Add(writeTestPBF(f, c, testPBFOptions{perBlock: 4}), uint8(FormatPBF))
	f.Add([]byte(`<osm version="0.6"><node id="1" lat="59" lon="18"/><node id="2" lat="59.001" lon="18"/><way id="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="footway"/></way></osm>`), uint8(FormatXML))
	f.Fuzz(func(t *testing.T, in []byte, format uint8) {
		fm := Format(format%3 + 1)
		start := time.Now()
		g, err := ReadWith(context.Background(), bytes.NewReader(in), fm, ReadOptions{MaxInflated: 1 << 20})
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("%v: took %v", fm, d)
		}
		if err == nil && (g == nil || g.NumEdges() == 0) {
			t.Fatalf("%v: a graph without ways and no error", fm)
		}
	})
}

// FuzzXMLReader: the OSM XML reader against the reference (osmxml on
// encoding/xml). Where the reference reads the input, the new reader gives
// the same raw data and graph; where it fails, the new reader fails or
// reads it (it parses fewer attributes), and it never panics.
func FuzzXMLReader(f *testing.F) {
	var osmXML bytes.Buffer
	c := GenerateCity(CityOptions{Seed: 1, Rows: 3, Cols: 3, Schools: 1})
	if err := c.WriteOSM(&osmXML); err != nil {
		f.Fatal(err)
	}
	f.Add(osmXML.Bytes())
	for _, c := range xmlCases {
		f.Add([]byte(c.in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		checkXMLAgainstRef(t, "input", in)
	})
}
