package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/styrkedjan/styrkedjan/internal/placement"
	"github.com/styrkedjan/styrkedjan/internal/placement/batch"
	"github.com/styrkedjan/styrkedjan/internal/placement/walknet"
)

const placementUsage = `usage:
  styrkedjan placement distances --network FILE --from A.csv --to B.csv [--out FILE] [--cache DIR]
  styrkedjan placement run --network FILE --schools schools.csv --applicants applicants.csv
                           [--rules rules.toml] --out DIR [--straight] [--cache DIR] [--far-homes]
Every input file may give n,e (SWEREF 99 TM northing and easting in metres) in place of lat,lon.`

// runPlacement runs "placement distances|run" (issue 7).
func runPlacement(ctx context.Context, e env, args []string) error {
	if len(args) == 0 {
		return usagef("%s", placementUsage)
	}
	switch args[0] {
	case "distances":
		return runPlacementDistances(ctx, e, args[1:])
	case "run":
		return runPlacementRun(ctx, e, args[1:])
	}
	return usagef("placement: unknown subcommand %q\n%s", args[0], placementUsage)
}

// readFile opens a named input file and hands it to read.
func readFile[T any](path string, read func(io.Reader, string) (T, error)) (T, error) {
	f, err := os.Open(path)
	if err != nil {
		var zero T
		return zero, err
	}
	defer f.Close()
	return read(f, filepath.Base(path))
}

func runPlacementDistances(ctx context.Context, e env, args []string) error {
	fs := newFlagSet("placement distances", e)
	network := fs.String("network", "", "the OpenStreetMap file (.osm.pbf, .osm or .osm.gz)")
	from := fs.String("from", "", "points to measure from, CSV id,lat,lon")
	to := fs.String("to", "", "points to measure to, CSV id,lat,lon")
	out := fs.String("out", "-", "the CSV to write (from_id,to_id,distance_m,snap_from_m,snap_to_m), - for standard output")
	cache := fs.String("cache", "", "a directory to cache distance matrices in")
	maxSnap := fs.Float64("max-snap", batch.DefaultMaxSnapMeters, "how far in metres a point may lie from the nearest walkable way")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *network == "" || *from == "" || *to == "" {
		return usagef("placement distances: give --network, --from and --to\n%s", placementUsage)
	}
	if !(*maxSnap > 0) {
		return usagef("placement distances: --max-snap must be positive")
	}
	a, err := readFile(*from, batch.ReadPoints)
	if err != nil {
		return err
	}
	b, err := readFile(*to, batch.ReadPoints)
	if err != nil {
		return err
	}
	g, err := walknet.Load(ctx, *network)
	if err != nil {
		return err
	}
	sa, err := snapPoints(g, a, *maxSnap)
	if err != nil {
		return err
	}
	sb, err := snapPoints(g, b, *maxSnap)
	if err != nil {
		return err
	}
	var m [][]float64
	if *cache != "" {
		m, err = g.MatrixCached(ctx, *cache, sa, sb, 0)
	} else {
		m, err = g.Matrix(ctx, sa, sb, 0)
	}
	if err != nil {
		return err
	}
	write := func(w io.Writer) error {
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"from_id", "to_id", "distance_m", "snap_from_m", "snap_to_m"})
		for i, p := range a {
			for j, q := range b {
				d := "" // unreachable
				if v := m[i][j]; v < 1e300 {
					d = strconv.FormatFloat(v, 'f', 1, 64)
				}
				_ = cw.Write([]string{p.ID, q.ID, d, strconv.FormatFloat(sa[i].SnapMeters, 'f', 1, 64), strconv.FormatFloat(sb[j].SnapMeters, 'f', 1, 64)})
			}
		}
		cw.Flush()
		return cw.Error()
	}
	if *out == "-" {
		bw := bufio.NewWriter(e.stdout)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	return writeAtomic(*out, write)
}

// snapPoints snaps points onto the network; points too far from a way are
// errors naming their file and line.
func snapPoints(g *walknet.Graph, ps []batch.Point, maxSnap float64) ([]walknet.Snapped, error) {
	wp := make([]walknet.Point, len(ps))
	for i, p := range ps {
		wp[i] = walknet.Point{Lat: p.Lat, Lon: p.Lon}
	}
	sn, errs := g.SnapAllConnected(wp, maxSnap)
	all := &batch.Errors{}
	for i, err := range errs {
		if err != nil {
			all.List = append(all.List, &batch.LineError{File: ps[i].File, Line: ps[i].Line,
				Msg: fmt.Sprintf("(%.6f, %.6f) is outside the network: no walkable way within %g m", ps[i].Lat, ps[i].Lon, maxSnap)})
			if len(all.List) == batch.MaxErrors {
				break
			}
		}
	}
	if len(all.List) > 0 {
		return nil, all
	}
	return sn, nil
}

// writeAtomic writes a file through a temporary file and a rename.
func writeAtomic(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Chmod(0o644)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

func runPlacementRun(ctx context.Context, e env, args []string) error {
	fs := newFlagSet("placement run", e)
	network := fs.String("network", "", "the OpenStreetMap file (.osm.pbf, .osm or .osm.gz)")
	schoolsPath := fs.String("schools", "", "schools.csv: school_id,name,lat,lon,year,capacity")
	applicantsPath := fs.String("applicants", "", "applicants.csv: applicant_id,year,lat,lon,choices,siblings")
	rulesPath := fs.String("rules", "", "rules.toml (default: relative proximity, absolute proximity, lottery with seed 1)")
	out := fs.String("out", "", "the directory to write placements.csv, cutoffs.csv, explanations.jsonl and summary.json to")
	straight := fs.Bool("straight", false, "use straight-line distances instead of walking distances (for comparison only)")
	cache := fs.String("cache", "", "a directory to cache distance matrices in")
	maxSnap := fs.Float64("max-snap", batch.DefaultMaxSnapMeters, "how far in metres a home or school may lie from the nearest walkable way")
	farHomes := fs.Bool("far-homes", false, "place homes beyond --max-snap with the straight line to the nearest way counted (refusing only homes more than 5 km beyond the network)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *schoolsPath == "" || *applicantsPath == "" || *out == "" || (*network == "" && !*straight) {
		return usagef("placement run: give --network, --schools, --applicants and --out\n%s", placementUsage)
	}
	if !(*maxSnap > 0) {
		return usagef("placement run: --max-snap must be positive")
	}
	rules := placement.DefaultRules()
	var err error
	if *rulesPath != "" {
		if rules, err = readFile(*rulesPath, batch.ReadRules); err != nil {
			return err
		}
	}
	schools, err := readFile(*schoolsPath, batch.ReadSchools)
	if err != nil {
		return err
	}
	applicants, err := readFile(*applicantsPath, func(r io.Reader, name string) ([]batch.Applicant, error) {
		return batch.ReadApplicants(r, name, schools)
	})
	if err != nil {
		return err
	}
	in := batch.Input{Network: *network, Schools: schools, Applicants: applicants, Rules: rules,
		Straight: *straight, CacheDir: *cache, MaxSnapMeters: *maxSnap, FarHomes: *farHomes}
	if *straight {
		in.Network = ""
	}
	o, err := batch.Run(ctx, in, nil)
	if err != nil {
		return err
	}
	if err := o.WriteDir(*out); err != nil {
		return err
	}
	t := o.Summary.Total
	kind := "walking"
	if *straight {
		kind = "straight-line"
	}
	fmt.Fprintf(e.stdout, "placed %d applicants at %d schools (%s distances, seed %d)\n", t.Applicants, len(schools), kind, rules.Seed)
	fmt.Fprintf(e.stdout, "first choice %d (%.1f %%), any choice %d (%.1f %%), fallbacks %d, unplaced %d, beyond near-home limit %d\n",
		t.FirstChoice, 100*t.FirstChoiceShare, t.AnyChoice, 100*t.AnyChoiceShare, t.Fallbacks, t.Unplaced, t.BeyondNearHome)
	fmt.Fprintf(e.stdout, "distance to school: median %.0f m, p90 %.0f m, max %.0f m\n", t.Distance.Median, t.Distance.P90, t.Distance.Max)
	fmt.Fprintf(e.stdout, "wrote %s\n", *out)
	if !*straight {
		fmt.Fprintf(e.stdout, "distances: %s\n", batch.Attribution)
	}
	return nil
}
