package walknet

import (
	"context"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"
)

// A point beside a footway fragment that joins nothing snaps onto the
// fragment with Snap, and onto the main network with SnapConnected, from
// where the school is reachable.
func TestSnapConnectedAvoidsFragments(t *testing.T) {
	g := readXML(t, `<osm version="0.6">
<node id="1" lat="59.0000" lon="18.0000"/><node id="2" lat="59.0000" lon="18.0100"/>
<node id="3" lat="59.0000" lon="18.0200"/>
<node id="10" lat="59.0010" lon="18.0095"/><node id="11" lat="59.0010" lon="18.0105"/>
<way id="1"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/></way>
<way id="2"><nd ref="10"/><nd ref="11"/><tag k="highway" v="footway"/></way>
</osm>`)
	home := Point{59.0009, 18.0100} // 11 m from the fragment, 100 m from the street
	school, err := g.Snap(Point{59.0001, 18.0200}, 100)
	if err != nil {
		t.Fatal(err)
	}
	any, err := g.Snap(home, 500)
	if err != nil {
		t.Fatal(err)
	}
	if any.SnapMeters > 20 {
		t.Fatalf("Snap: %.0f m, want the fragment about 11 m away", any.SnapMeters)
	}
	m, err := g.Matrix(context.Background(), []Snapped{any}, []Snapped{school}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsInf(m[0][0], 1) {
		t.Fatalf("from the fragment: %v m, want unreachable", m[0][0])
	}
	main, err := g.SnapConnected(home, 500)
	if err != nil {
		t.Fatal(err)
	}
	if main.SnapMeters < 90 || main.SnapMeters > 110 {
		t.Fatalf("SnapConnected: %.0f m, want about 100 m to the street", main.SnapMeters)
	}
	m, err = g.Matrix(context.Background(), []Snapped{main}, []Snapped{school}, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := main.SnapMeters + StraightLine(Point{59, 18.01}, Point{59, 18.02}) + school.SnapMeters
	if math.Abs(m[0][0]-want) > 1 {
		t.Fatalf("from the main network: %.1f m, want %.1f m", m[0][0], want)
	}
}

// On the real Monaco extract, homes snapped with SnapAllConnected reach every school.
func TestMonacoConnectedHomesReachEverySchool(t *testing.T) {
	g, err := Load(context.Background(), filepath.Join("testdata", "monaco.osm.pbf"))
	if err != nil {
		t.Fatal(err)
	}
	var schools []Point
	for _, s := range g.Schools() {
		schools = append(schools, s.Point)
	}
	ss, errs := g.SnapAllConnected(schools, 300)
	for i, err := range errs {
		if err != nil {
			t.Fatalf("school %d: %v", i, err)
		}
	}
	lo, hi := g.Bounds()
	rng := rand.New(rand.NewPCG(5, 5))
	homes := make([]Point, 200)
	for i := range homes {
		homes[i] = Point{lo.Lat + rng.Float64()*(hi.Lat-lo.Lat), lo.Lon + rng.Float64()*(hi.Lon-lo.Lon)}
	}
	hs, errs := g.SnapAllConnected(homes, 1000)
	var ok []Snapped
	for i, err := range errs {
		if err == nil {
			ok = append(ok, hs[i])
		}
	}
	if len(ok) < 100 {
		t.Fatalf("only %d of %d homes snapped", len(ok), len(homes))
	}
	m, err := g.Matrix(context.Background(), ok, ss, 2)
	if err != nil {
		t.Fatal(err)
	}
	for i := range m {
		for j, d := range m[i] {
			if math.IsInf(d, 1) {
				t.Fatalf("home %d cannot reach school %d", i, j)
			}
		}
	}
}
