// Command gencity writes a generated test city and fictional placement
// inputs: city.osm (OSM XML; no OpenStreetMap data), schools.csv,
// applicants.csv and rules.toml, for benchmarking "styrkedjan placement
// run" on the built binary:
//
//	go run ./internal/placement/batch/gencity -out /tmp/city
//	/usr/bin/time -v styrkedjan placement run --network /tmp/city/city.osm \
//	  --schools /tmp/city/schools.csv --applicants /tmp/city/applicants.csv \
//	  --rules /tmp/city/rules.toml --out /tmp/city/out
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/styrkedjan/styrkedjan/internal/placement"
	"github.com/styrkedjan/styrkedjan/internal/placement/batch"
	"github.com/styrkedjan/styrkedjan/internal/placement/walknet"
)

func main() {
	out := flag.String("out", "", "directory to write into")
	rows := flag.Int("rows", 200, "street grid rows")
	cols := flag.Int("cols", 200, "street grid columns")
	sub := flag.Int("subdivide", 4, "intermediate nodes per street segment")
	schools := flag.Int("schools", 150, "schools")
	apps := flag.Int("applicants", 10000, "applicants")
	bridges := flag.Int("bridges", 4, "bridges over the river")
	seed := flag.Int64("seed", 1, "seed")
	dense := flag.Bool("dense", false, "a dense city core: nearly every node an intersection, long avenues (-subdivide ignored); -rows 548 -cols 548 -bridges 8 makes the 300,000-node city of issue 18")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gencity: give -out DIR")
		os.Exit(2)
	}
	if err := gen(*out, batch.GenOptions{City: walknet.CityOptions{Seed: *seed, Rows: *rows, Cols: *cols, Subdivide: *sub,
		Bridges: *bridges, Schools: *schools, Dense: *dense}, Applicants: *apps, Seed: *seed}); err != nil {
		fmt.Fprintln(os.Stderr, "gencity:", err)
		os.Exit(1)
	}
}

func gen(dir string, o batch.GenOptions) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	city, schools, apps := batch.GenerateInputs(o)
	files := []struct {
		name  string
		write func(io.Writer) error
	}{
		{"city.osm", city.WriteOSM},
		{"schools.csv", func(w io.Writer) error { return batch.WriteSchools(w, schools) }},
		{"applicants.csv", func(w io.Writer) error { return batch.WriteApplicants(w, apps) }},
		{"rules.toml", func(w io.Writer) error {
			r := placement.DefaultRules()
			r.Criteria = append([]placement.Criterion{placement.Sibling}, r.Criteria...)
			r.NearHome = []placement.NearHomeLimit{{From: 0, To: 3, Meters: 2000}, {From: 4, To: 6, Meters: 4000}, {From: 7, To: 9, Meters: 6000}}
			_, err := io.WriteString(w, batch.RulesTOML(r))
			return err
		}},
	}
	for _, f := range files {
		fh, err := os.Create(filepath.Join(dir, f.name))
		if err != nil {
			return err
		}
		bw := bufio.NewWriter(fh)
		err = f.write(bw)
		if err == nil {
			err = bw.Flush()
		}
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	fmt.Printf("wrote %s: %d walkable nodes, %d schools, %d applicants\n", dir, city.Graph.NumNodes(), len(schools), len(apps))
	return nil
}
