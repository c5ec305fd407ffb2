package walknet

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
)

// The graphs the readers and build gave before they were rewritten for
// speed (issue 18): the same hashes, node and edge counts, for a real
// extract and for generated cities read back from OSM XML.
func TestGraphHashesUnchanged(t *testing.T) {
	g, err := Load(context.Background(), filepath.Join("testdata", "monaco.osm.pbf"))
	if err != nil {
		t.Fatal(err)
	}
	if h := "fbdbbc1c4dad5537e754fa72a671afb22915d2e5d832e080dfca45d09ddd05e3"; g.Hash() != h || g.NumNodes() != 24586 || g.NumEdges() != 25759 || len(g.Schools()) != 16 {
		t.Errorf("monaco: %s %d nodes %d edges %d schools", g.Hash(), g.NumNodes(), g.NumEdges(), len(g.Schools()))
	}
	for _, c := range []struct {
		o      CityOptions
		hash   string
		nodes  int
		edgesN int
	}{
		{CityOptions{Seed: 1, Rows: 3, Cols: 3, Schools: 1}, "22a8a273b92ff1b186105be015eda4d30cae5197659941420998fe3171af22d1", 9, 11},
		{CityOptions{Seed: 2, Rows: 12, Cols: 9, Subdivide: 3, Bridges: 2, Schools: 7}, "104ea234b7812a94bcdc725bd1f01ea1b15c810a3101ab7d66abc3712962ed25", 664, 748},
		{CityOptions{Seed: 3, Rows: 30, Cols: 30, Dense: true, Bridges: 3, Schools: 20}, "80cdec1b1dd52afad3ca5b1af49fa0b09ff2e9fe71a57371d964c6504672d1e9", 901, 1845},
	} {
		city := GenerateCity(c.o)
		var buf bytes.Buffer
		if err := city.WriteOSM(&buf); err != nil {
			t.Fatal(err)
		}
		g, err := Read(context.Background(), &buf, FormatXML)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range []*Graph{city.Graph, g} {
			if g.Hash() != c.hash || g.NumNodes() != c.nodes || g.NumEdges() != c.edgesN {
				t.Errorf("city %+v: %s %d nodes %d edges", c.o, g.Hash(), g.NumNodes(), g.NumEdges())
			}
		}
	}
}
