package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/styrkedjan/styrkedjan/internal/placement/batch"
	"github.com/styrkedjan/styrkedjan/internal/placement/explain"
	"github.com/styrkedjan/styrkedjan/internal/placement/geo"
	"github.com/styrkedjan/styrkedjan/internal/placement/walknet"
)

// monacoPBF is the real OpenStreetMap extract of Monaco (© OpenStreetMap
// contributors, ODbL 1.0), kept by the walknet package's tests.
const monacoPBF = "../../internal/placement/walknet/testdata/monaco.osm.pbf"

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs
}

// TestPlacementMonaco runs "placement run" end to end on the Monaco
// extract: its schools (amenity=school) with capacities, and generated
// applicants living along its walkable ways.
func TestPlacementMonaco(t *testing.T) {
	g, err := walknet.Load(context.Background(), monacoPBF)
	if err != nil {
		t.Fatal(err)
	}
	pois := g.Schools()
	if len(pois) < 3 {
		t.Fatalf("only %d schools in Monaco", len(pois))
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(7, 7))
	var schools strings.Builder
	schools.WriteString("school_id,name,lat,lon,year,capacity\n")
	var ids []string
	for i, p := range pois {
		id := fmt.Sprintf("M%02d", i+1)
		ids = append(ids, id)
		name := strings.ReplaceAll(p.Name, ",", " ")
		if name == "" {
			name = "École " + id
		}
		for _, y := range []int{0, 1} {
			fmt.Fprintf(&schools, "%s,%s,%.7f,%.7f,%d,%d\n", id, name, p.Point.Lat, p.Point.Lon, y, 3+rng.IntN(6))
		}
	}
	// Homes: points on walkable ways (an edge's midpoint, nudged a few
	// metres) from which every school can be reached (the extract has
	// small fragments not connected to the rest).
	const n = 120
	var homes []walknet.Point
	for len(homes) < n {
		var cand []walknet.Point
		for range n {
			u, v, _ := g.Edge(rng.IntN(g.NumEdges()))
			a, b := g.NodePoint(u), g.NodePoint(v)
			cand = append(cand, walknet.Point{Lat: (a.Lat+b.Lat)/2 + (rng.Float64()-0.5)*4e-5, Lon: (a.Lon+b.Lon)/2 + (rng.Float64()-0.5)*4e-5})
		}
		var sp []walknet.Point
		for _, p := range pois {
			sp = append(sp, p.Point)
		}
		hs, errs := g.SnapAllConnected(cand, batch.DefaultMaxSnapMeters)
		ss, _ := g.SnapAllConnected(sp, batch.DefaultMaxSnapMeters)
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		m, err := g.Matrix(context.Background(), ss, hs, 0)
		if err != nil {
			t.Fatal(err)
		}
	home:
		for j, h := range cand {
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
	apps.WriteString("applicant_id,year,lat,lon,choices,siblings\r\n")
	for i, h := range homes {
		lat, lon := h.Lat, h.Lon
		perm := rng.Perm(len(ids))
		var choices []string
		for _, k := range perm[:1+rng.IntN(3)] {
			choices = append(choices, ids[k])
		}
		sib := ""
		if i%9 == 0 {
			sib = ids[perm[0]]
		}
		fmt.Fprintf(&apps, "C%03d,%d,%.7f,%.7f,%s,%s\r\n", i+1, i%2, lat, lon, strings.Join(choices, ";"), sib)
	}
	sp := writeFile(t, dir, "schools.csv", schools.String())
	ap := writeFile(t, dir, "applicants.csv", apps.String())
	rp := writeFile(t, dir, "rules.toml", "criteria = [\"sibling\", \"relative_proximity\", \"absolute_proximity\", \"lottery\"]\nsibling_years = [0]\nseed = 2026\n[[near_home]]\nfrom = 0\nto = 3\nmeters = 1500\n")
	out := filepath.Join(dir, "out")
	cache := filepath.Join(dir, "cache")
	code, stdout, stderr := runCmd(t, "", "placement", "run", "--network", monacoPBF, "--schools", sp, "--applicants", ap, "--rules", rp, "--out", out, "--cache", cache)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "placed 120 applicants") || !strings.Contains(stdout, out) || !strings.Contains(stdout, "OpenStreetMap contributors") {
		t.Fatalf("stdout: %s", stdout)
	}

	recs := readCSV(t, filepath.Join(out, "placements.csv"))
	if len(recs) != n+1 {
		t.Fatalf("placements.csv: %d rows", len(recs))
	}
	seen := map[string]bool{}
	for _, r := range recs[1:] {
		if seen[r[0]] || len(r) != 5 {
			t.Fatalf("placements.csv row %v", r)
		}
		seen[r[0]] = true
		if r[1] != "" {
			if d, err := strconv.ParseFloat(r[3], 64); err != nil || d < 0 {
				t.Fatalf("distance %q", r[3])
			}
		}
	}
	if len(seen) != n {
		t.Fatalf("%d applicants placed", len(seen))
	}
	if c := readCSV(t, filepath.Join(out, "cutoffs.csv")); len(c) < 2*len(pois) {
		t.Fatalf("cutoffs.csv: %d rows", len(c))
	}
	f, err := os.Open(filepath.Join(out, "explanations.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	lines := 0
	for sc.Scan() {
		var e explain.Explanation
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		if !seen[e.ApplicantID] || e.Text.SV == "" || e.Text.EN == "" || e.Text.SVEasy == "" {
			t.Fatalf("explanation %+v", e)
		}
		lines++
	}
	if lines != n {
		t.Fatalf("%d explanations", lines)
	}
	s, err := batch.ReadSummary(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Total.Applicants != n || s.NetworkHash != g.Hash() || !strings.Contains(s.Attribution, "OpenStreetMap") || s.Rules.Seed != 2026 || len(s.Years) != 2 {
		t.Fatalf("summary: %+v", s)
	}

	// A second run hits the distance cache and gives the same placements.
	out2 := filepath.Join(dir, "out2")
	if code, _, stderr := runCmd(t, "", "placement", "run", "--network", monacoPBF, "--schools", sp, "--applicants", ap, "--rules", rp, "--out", out2, "--cache", cache); code != 0 {
		t.Fatal(stderr)
	}
	a, _ := os.ReadFile(filepath.Join(out, "placements.csv"))
	b, _ := os.ReadFile(filepath.Join(out2, "placements.csv"))
	if string(a) != string(b) {
		t.Fatal("a rerun gives other placements")
	}

	// The distances command over the same schools.
	var pts strings.Builder
	pts.WriteString("id,lat,lon\n")
	for i, p := range pois {
		fmt.Fprintf(&pts, "%s,%.7f,%.7f\n", ids[i], p.Point.Lat, p.Point.Lon)
	}
	pp := writeFile(t, dir, "points.csv", pts.String())
	code, stdout, stderr = runCmd(t, "", "placement", "distances", "--network", monacoPBF, "--from", pp, "--to", pp)
	if code != 0 {
		t.Fatal(stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err != nil || len(rows) != len(pois)*len(pois)+1 || strings.Join(rows[0][:3], ",") != "from_id,to_id,distance_m" {
		t.Fatalf("distances: %v, %d rows", err, len(rows))
	}
	d := map[[2]string]string{}
	for _, r := range rows[1:] {
		d[[2]string{r[0], r[1]}] = r[2]
		// From a point to itself: out to the way and back.
		x, _ := strconv.ParseFloat(r[2], 64)
		a, _ := strconv.ParseFloat(r[3], 64)
		b, _ := strconv.ParseFloat(r[4], 64)
		if r[0] == r[1] && (math.Abs(x-a-b) > 0.15 || a <= 0) {
			t.Errorf("distance from %s to itself: %s, snapped %s + %s", r[0], r[2], r[3], r[4])
		}
	}
	for _, r := range rows[1:] {
		x, _ := strconv.ParseFloat(r[2], 64)
		y, _ := strconv.ParseFloat(d[[2]string{r[1], r[0]}], 64)
		if x-y > 0.15 || y-x > 0.15 {
			t.Errorf("%s→%s %v but back %v", r[0], r[1], x, y)
		}
	}
	// The same points as SWEREF 99 TM northing and easting give the same
	// distances (issue 15).
	var ne strings.Builder
	ne.WriteString("id,n,e\n")
	for i, p := range pois {
		n, e := geo.ToSweref(p.Point.Lat, p.Point.Lon)
		fmt.Fprintf(&ne, "%s,%.4f,%.4f\n", ids[i], n, e)
	}
	np := writeFile(t, dir, "points_ne.csv", ne.String())
	neCode, neOut, neErr := runCmd(t, "", "placement", "distances", "--network", monacoPBF, "--from", np, "--to", np)
	if neCode != 0 {
		t.Fatal(neErr)
	}
	neRows, err := csv.NewReader(strings.NewReader(neOut)).ReadAll()
	if err != nil || len(neRows) != len(rows) {
		t.Fatalf("distances from n,e: %v, %d rows", err, len(neRows))
	}
	for _, r := range neRows[1:] {
		x, _ := strconv.ParseFloat(r[2], 64)
		y, _ := strconv.ParseFloat(d[[2]string{r[0], r[1]}], 64)
		if math.Abs(x-y) > 0.15 {
			t.Errorf("%s→%s: %v from n,e, %v from lat,lon", r[0], r[1], x, y)
		}
	}
	outFile := filepath.Join(dir, "d.csv")
	if code, _, stderr := runCmd(t, "", "placement", "distances", "--network", monacoPBF, "--from", pp, "--to", pp, "--out", outFile); code != 0 {
		t.Fatal(stderr)
	}
	if got, _ := os.ReadFile(outFile); string(got) != stdout {
		t.Fatal("--out differs from standard output")
	}
}

// TestPlacementBadInput: bad files stop the run with exit 1 and a message
// naming the file and line, and nothing is written to --out.
func TestPlacementBadInput(t *testing.T) {
	dir := t.TempDir()
	city := walknet.GenerateCity(walknet.CityOptions{Seed: 3, Rows: 8, Cols: 8})
	osmf, err := os.Create(filepath.Join(dir, "city.osm"))
	if err != nil {
		t.Fatal(err)
	}
	if err := city.WriteOSM(osmf); err != nil {
		t.Fatal(err)
	}
	osmf.Close()
	network := osmf.Name()
	min, max := city.Graph.Bounds()
	lat, lon := (min.Lat+max.Lat)/2, min.Lon+(max.Lon-min.Lon)/4
	goodSchools := fmt.Sprintf("school_id,name,lat,lon,year,capacity\nA,Alfa,%.6f,%.6f,1,10\nB,Beta,%.6f,%.6f,1,10\n", lat, lon, lat+0.002, lon)
	goodApps := fmt.Sprintf("applicant_id,year,lat,lon,choices,siblings\np1,1,%.6f,%.6f,A;B,\np2,1,%.6f,%.6f,B,\n", lat, lon, lat+0.001, lon)
	writeFile(t, dir, "truncated.osm.pbf", "\x00\x00\x00\x0d\x0a\x09OSMHeader")
	for _, c := range []struct {
		name, schools, apps, rules, network, want string
	}{
		{"ok", goodSchools, goodApps, "", network, ""},
		{"unknown school", goodSchools, goodApps + fmt.Sprintf("p3,1,%.6f,%.6f,A;Q,\n", lat, lon), "", network, "applicants.csv:4:26: choices: unknown school id \"Q\""},
		{"duplicate applicant", goodSchools, goodApps + fmt.Sprintf("p1,1,%.6f,%.6f,A,\n", lat, lon), "", network, "applicants.csv:4:1: applicant_id: duplicate applicant \"p1\" (first on line 2)"},
		{"negative capacity", goodSchools + fmt.Sprintf("C,Gamma,%.6f,%.6f,1,-5\n", lat, lon), goodApps, "", network, "schools.csv:4:"},
		{"outside", goodSchools, goodApps + fmt.Sprintf("p3,1,%.6f,%.6f,A,\n", lat+1, lon), "", network, "applicants.csv:4: (" + strconv.FormatFloat(lat+1, 'f', 6, 64)},
		{"bad rules", goodSchools, goodApps, "criteria = [\"wealth\"]\n", network, "rules.toml:1: criteria: unknown criterion \"wealth\""},
		{"truncated network", goodSchools, goodApps, "", filepath.Join(dir, "truncated.osm.pbf"), "truncated.osm.pbf"},
		{"missing network", goodSchools, goodApps, "", filepath.Join(dir, "nope.osm"), "nope.osm"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := t.TempDir()
			args := []string{"placement", "run", "--network", c.network, "--schools", writeFile(t, d, "schools.csv", c.schools),
				"--applicants", writeFile(t, d, "applicants.csv", c.apps), "--out", filepath.Join(d, "out")}
			if c.rules != "" {
				args = append(args, "--rules", writeFile(t, d, "rules.toml", c.rules))
			}
			code, _, stderr := runCmd(t, "", args...)
			if c.want == "" {
				if code != 0 {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				return
			}
			if code != 1 || !strings.Contains(stderr, c.want) || strings.Contains(stderr, "panic") {
				t.Fatalf("exit %d, stderr %q, want %q", code, stderr, c.want)
			}
			if _, err := os.Stat(filepath.Join(d, "out")); !os.IsNotExist(err) {
				t.Fatalf("--out was written: %v", err)
			}
		})
	}
	// A home 700 m west of the westmost way stops a run, unless --far-homes
	// places it with the access counted; a home far beyond is refused still.
	farApps := goodApps + fmt.Sprintf("p3,1,%.6f,%.6f,A,\n", lat, min.Lon-0.012)
	d := t.TempDir()
	farArgs := []string{"placement", "run", "--network", network, "--schools", writeFile(t, d, "schools.csv", goodSchools),
		"--applicants", writeFile(t, d, "applicants.csv", farApps), "--out", filepath.Join(d, "out")}
	if code, _, stderr := runCmd(t, "", farArgs...); code != 1 || !strings.Contains(stderr, "outside the network") {
		t.Errorf("far home without --far-homes: exit %d, %s", code, stderr)
	}
	if code, _, stderr := runCmd(t, "", append(farArgs, "--far-homes")...); code != 0 {
		t.Errorf("far home with --far-homes: exit %d, %s", code, stderr)
	} else if b, _ := os.ReadFile(filepath.Join(d, "out", batch.ExplanationsFile)); !strings.Contains(string(b), `"access_m"`) {
		t.Error("explanations lack the far home's access")
	}
	writeFile(t, d, "applicants.csv", farApps+fmt.Sprintf("p4,1,%.6f,%.6f,A,\n", lat+1, lon))
	if code, _, stderr := runCmd(t, "", append(farArgs, "--far-homes", "--out", filepath.Join(d, "out2"))...); code != 1 || !strings.Contains(stderr, "outside the area") {
		t.Errorf("a home far beyond with --far-homes: exit %d, %s", code, stderr)
	}
	// distances: a point outside the network names its line; --out is not written.
	pts := writeFile(t, dir, "a.csv", fmt.Sprintf("id,lat,lon\nx,%.6f,%.6f\ny,%.6f,%.6f\n", lat, lon, lat+1, lon))
	dout := filepath.Join(dir, "d.csv")
	code, _, stderr := runCmd(t, "", "placement", "distances", "--network", network, "--from", pts, "--to", pts, "--out", dout)
	if code != 1 || !strings.Contains(stderr, "a.csv:3: (") || !strings.Contains(stderr, "outside the network") {
		t.Errorf("distances: exit %d, %s", code, stderr)
	}
	if _, err := os.Stat(dout); !os.IsNotExist(err) {
		t.Errorf("distances --out written: %v", err)
	}
	// Usage errors exit with 2.
	for _, args := range [][]string{
		{"placement"}, {"placement", "frobnicate"}, {"placement", "run", "--schools", "x"},
		{"placement", "distances", "--network", network}, {"placement", "run", "--bogus"},
	} {
		if code, _, _ := runCmd(t, "", args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
