// Command genosm writes fictional placement inputs for a real
// OpenStreetMap file: schools.csv (its amenity=school POIs, year 0, with
// capacities for about two thirds of the applicants) and applicants.csv
// (homes on its walkable ways, from which every school can be reached,
// each wishing one to three schools at random). With gencity's generated
// cities it makes the inputs for comparing two builds of
// "styrkedjan placement run" (see tiestat):
//
//	go run ./internal/placement/batch/genosm -network monaco.osm.pbf -out /tmp/monaco
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/styrkedjan/styrkedjan/internal/placement/batch"
	"github.com/styrkedjan/styrkedjan/internal/placement/walknet"
)

func main() {
	network := flag.String("network", "", "the OpenStreetMap file")
	out := flag.String("out", "", "directory to write into")
	n := flag.Int("applicants", 2000, "applicants")
	seed := flag.Uint64("seed", 20, "seed")
	flag.Parse()
	if *network == "" || *out == "" || *n <= 0 {
		fmt.Fprintln(os.Stderr, "genosm: give -network FILE -out DIR")
		os.Exit(2)
	}
	if err := gen(*network, *out, *n, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "genosm:", err)
		os.Exit(1)
	}
}

func gen(network, out string, n int, seed uint64) error {
	g, err := walknet.Load(context.Background(), network)
	if err != nil {
		return err
	}
	pois := g.Schools()
	if len(pois) == 0 {
		return fmt.Errorf("%s has no amenity=school", network)
	}
	rng := rand.New(rand.NewPCG(seed, seed))
	var schools strings.Builder
	schools.WriteString("school_id,name,lat,lon,year,capacity\n")
	var ids []string
	var sp []walknet.Point
	for i, p := range pois {
		id := fmt.Sprintf("M%02d", i+1)
		ids = append(ids, id)
		sp = append(sp, p.Point)
		fmt.Fprintf(&schools, "%s,%s,%.7f,%.7f,0,%d\n", id, "School "+id, p.Point.Lat, p.Point.Lon, n/len(pois)*2/3+rng.IntN(20))
	}
	ss, errs := g.SnapAllConnected(sp, batch.DefaultMaxSnapMeters)
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	var homes []walknet.Point
	for len(homes) < n {
		var cand []walknet.Point
		for range 500 {
			u, v, _ := g.Edge(rng.IntN(g.NumEdges()))
			a, b := g.NodePoint(u), g.NodePoint(v)
			t := rng.Float64()
			cand = append(cand, walknet.Point{Lat: a.Lat + t*(b.Lat-a.Lat) + (rng.Float64()-0.5)*2e-5, Lon: a.Lon + t*(b.Lon-a.Lon) + (rng.Float64()-0.5)*2e-5})
		}
		hs, errs := g.SnapAllConnected(cand, batch.DefaultMaxSnapMeters)
		for i := range hs {
			if errs[i] != nil {
				hs[i] = hs[0] // counted out below
			}
		}
		m, err := g.Matrix(context.Background(), ss, hs, 0)
		if err != nil {
			return err
		}
	home:
		for j, h := range cand {
			if errs[j] != nil {
				continue
			}
			for i := range ss {
				if math.IsInf(m[i][j], 1) {
					continue home
				}
			}
			if len(homes) < n {
				homes = append(homes, h)
			}
		}
	}
	var apps strings.Builder
	apps.WriteString("applicant_id,year,lat,lon,choices,siblings\n")
	for i, h := range homes {
		perm := rng.Perm(len(ids))
		var choices []string
		for _, k := range perm[:min(len(ids), 1+rng.IntN(3))] {
			choices = append(choices, ids[k])
		}
		fmt.Fprintf(&apps, "A%04d,0,%.7f,%.7f,%s,\n", i+1, h.Lat, h.Lon, strings.Join(choices, ";"))
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "schools.csv"), []byte(schools.String()), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "applicants.csv"), []byte(apps.String()), 0o644); err != nil {
		return err
	}
	fmt.Printf("wrote %s: %d schools, %d applicants\n", out, len(pois), len(homes))
	return nil
}
