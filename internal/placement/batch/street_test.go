package batch

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/placement"
	"github.com/styrkedjan/styrkedjan/internal/placement/walknet"
)

// streetOSM is a tiny hand-built network: a dead-end street running east
// from corner C, a path from C north to school A and one south-west to
// school B. Every home on the street leaves through C for both schools,
// so every home has the same relative proximity at A, d(C, B) − d(C, A),
// wherever it lies on the street; only the distance engine's arithmetic
// can tell them apart. Coordinates are in metres east and north of
// Göteborg's centre, deliberately uneven.
func streetOSM() (osm string, at func(x, y float64) walknet.Point) {
	o := walknet.Point{Lat: 57.69, Lon: 11.94}
	ky := 6371008.8 * math.Pi / 180
	kx := ky * math.Cos(o.Lat*math.Pi/180)
	at = func(x, y float64) walknet.Point { return walknet.Point{Lat: o.Lat + y/ky, Lon: o.Lon + x/kx} }
	nodes := [][2]float64{
		{0, 0},                                                                       // 1: corner C
		{37.31, 0.42}, {81.77, -0.93}, {140.93, 1.17}, {203.37, 0.21}, {263.9, -1.3}, // 2–6: the street, east
		{3.3, 150.71}, {-40.23, 310.39}, // 7–8: the path to A (A at 8)
		{-90.17, -200.29}, {-300.71, -420.93}, // 9–10: the path to B (B at 10)
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<osm version="0.6" generator="styrkedjan test">` + "\n")
	for i, n := range nodes {
		p := at(n[0], n[1])
		fmt.Fprintf(&b, ` <node id="%d" version="1" lat="%.7f" lon="%.7f"/>`+"\n", i+1, p.Lat, p.Lon)
	}
	way := func(id int, kind string, refs ...int) {
		fmt.Fprintf(&b, ` <way id="%d" version="1">`+"\n", id)
		for _, r := range refs {
			fmt.Fprintf(&b, `  <nd ref="%d"/>`+"\n", r)
		}
		fmt.Fprintf(&b, `  <tag k="highway" v="%s"/>`+"\n </way>\n", kind)
	}
	way(100, "residential", 1, 2, 3, 4, 5, 6)
	way(101, "footway", 1, 7, 8)
	way(102, "footway", 1, 9, 10)
	b.WriteString("</osm>\n")
	return b.String(), at
}

// TestHomesAlongOneStreetSharingAnExitCorner: issue 20. Homes along one
// street whose paths to both schools leave through the same corner tie on
// relative proximity; absolute proximity decides among them (the nearer
// the corner, the nearer the school), and between two homes in the same
// building, the lottery — in that order, whatever the distance engine's
// last digits are.
func TestHomesAlongOneStreetSharingAnExitCorner(t *testing.T) {
	osm, at := streetOSM()
	g, err := walknet.Read(context.Background(), strings.NewReader(osm), walknet.FormatXML)
	if err != nil {
		t.Fatal(err)
	}
	a, bb := at(-40.23, 310.39), at(-300.71, -420.93)
	schools := []School{
		{ID: "A", Name: "Skola A", Lat: a.Lat, Lon: a.Lon, Capacity: map[int]int{1: 4}, File: "schools.csv", Line: 2},
		{ID: "B", Name: "Skola B", Lat: bb.Lat, Lon: bb.Lon, Capacity: map[int]int{1: 10}, File: "schools.csv", Line: 3},
	}
	// Homes a few metres north of the street, east of C; h4 and h4b are
	// in the same building. A has four places: h1, h2, h3 (nearest the
	// corner, so nearest A) and one of h4 and h4b, by lottery.
	homes := []struct {
		id string
		x  float64
	}{{"h1", 23.7}, {"h2", 61.3}, {"h4", 118.9}, {"h4b", 118.9}, {"h5", 171.3}, {"h6", 240.1}, {"h3", 97.4}}
	var apps []Applicant
	for i, h := range homes {
		p := at(h.x, 6.1)
		apps = append(apps, Applicant{ID: h.id, Year: 1, Lat: p.Lat, Lon: p.Lon, Choices: []string{"A", "B"}, File: "applicants.csv", Line: i + 2})
	}
	rules := placement.DefaultRules()
	o, err := Run(context.Background(), Input{Graph: g, Schools: schools, Applicants: apps, Rules: rules}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The engine's raw relative proximities: equal in exact arithmetic,
	// and (the point of the test) not necessarily in floating point.
	raws := map[float64][]string{}
	relative := func(id string) float64 {
		da, _ := o.Distances.Meters(id, "A")
		db, _ := o.Distances.Meters(id, "B")
		return db - da
	}
	for _, h := range homes {
		r := relative(h.id)
		raws[r] = append(raws[r], h.id)
		if math.Abs(r-relative("h1")) > 1e-6 {
			t.Fatalf("%s: relative proximity %v m is not the street's %v m: the homes do not share the corner", h.id, r, relative("h1"))
		}
	}
	t.Logf("raw relative proximities (m): %d distinct values %v", len(raws), raws)

	winner, loser := "h4", "h4b"
	if placement.LotteryNumber(rules.Seed, loser) < placement.LotteryNumber(rules.Seed, winner) {
		winner, loser = loser, winner
	}
	got := map[string]string{}
	for _, p := range o.Result.Placements {
		got[p.ApplicantID] = p.SchoolID
	}
	want := map[string]string{"h1": "A", "h2": "A", "h3": "A", winner: "A", loser: "B", "h5": "B", "h6": "B"}
	for id, s := range want {
		if got[id] != s {
			t.Errorf("%s placed at %s, want %s (absolute proximity, then the lottery)", id, got[id], s)
		}
	}
	for i, p := range o.Result.Placements {
		e := o.Explanations[i]
		if p.SchoolID != "B" {
			continue
		}
		d := e.Declined[0]
		wantC, wantTied := "absolute_proximity", []string{"relative_proximity"}
		if p.ApplicantID == loser {
			wantC, wantTied = "lottery", []string{"relative_proximity", "absolute_proximity"}
		}
		if d.Decisive != wantC || !slices.Equal(d.Tied, wantTied) {
			t.Errorf("%s: decisive %q after %v, want %q after %v", p.ApplicantID, d.Decisive, d.Tied, wantC, wantTied)
		}
		if d.Own.RelativeMeters != d.LastAdmitted.RelativeMeters {
			t.Errorf("%s: relative proximity %v, last admitted %v", p.ApplicantID, d.Own.RelativeMeters, d.LastAdmitted.RelativeMeters)
		}
		if !strings.Contains(e.Text.SV, "Er elev och den sista elev som fick plats hade samma relativa närhet") {
			t.Errorf("%s: the text does not tell the tie:\n%s", p.ApplicantID, e.Text.SV)
		}
	}
}
