package walknet

import (
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

// The benchmark city: 160 × 160 intersections 100 m apart with 6 extra nodes
// per street segment, about 330,000 walkable nodes (16 km × 16 km), a river
// with 4 bridges, 150 schools; 10,000 applicants.
var benchCity = CityOptions{Seed: 42, Rows: 160, Cols: 160, SpacingMeters: 100, Bridges: 4, Subdivide: 6, Schools: 150}

const benchApplicants = 10000

var (
	benchOnce sync.Once
	benchDir  string
	benchC    *City
)

// benchSetup generates the city once and writes it as .osm.gz.
func benchSetup(b *testing.B) (*City, string) {
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "walknet-bench-")
		if err != nil {
			b.Fatal(err)
		}
		benchDir = dir
		benchC = GenerateCity(benchCity)
		f, err := os.Create(filepath.Join(dir, "city.osm.gz"))
		if err != nil {
			b.Fatal(err)
		}
		zw, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
		if err := benchC.WriteOSM(zw); err != nil {
			b.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
	})
	if benchC == nil {
		b.Fatal("benchmark setup failed")
	}
	return benchC, filepath.Join(benchDir, "city.osm.gz")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// peakMem samples the Go heap every 5 ms until stopped.
type peakMem struct {
	stop chan struct{}
	done chan struct{}
	heap uint64
	sys  uint64
}

func startPeak() *peakMem {
	runtime.GC()
	p := &peakMem{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		var ms runtime.MemStats
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			p.heap = max(p.heap, ms.HeapAlloc)
			p.sys = max(p.sys, ms.Sys)
			select {
			case <-p.stop:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

func (p *peakMem) report(b *testing.B) {
	close(p.stop)
	<-p.done
	b.ReportMetric(float64(p.heap)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(p.sys)/(1<<20), "sys-MiB")
}

// BenchmarkPlacementDistances is the whole distance question of a placement
// run: load the .osm.gz network, snap 150 schools and 10,000 applicants, and
// compute the 150 × 10,000 matrix.
func BenchmarkPlacementDistances(b *testing.B) {
	c, path := benchSetup(b)
	homes := c.RandomPoints(benchApplicants, 7)
	pm := startPeak()
	b.ResetTimer()
	for b.Loop() {
		g, err := Load(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		var sp []Point
		for _, s := range g.Schools() {
			sp = append(sp, s.Point)
		}
		schools, errs := g.SnapAll(sp, 1000)
		for _, err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
		apps, errs := g.SnapAll(homes, 1000)
		for _, err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
		if _, err := g.Matrix(context.Background(), schools, apps, 0); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(g.NumNodes()), "nodes")
	}
	b.StopTimer()
	pm.report(b)
}

func BenchmarkLoadOSMGz(b *testing.B) {
	_, path := benchSetup(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Load(context.Background(), path); err != nil {
			b.Fatal(err)
		}
	}
}

func benchSnapped(b *testing.B) (*Graph, []Snapped, []Snapped) {
	c, _ := benchSetup(b)
	g := c.Graph
	var sp []Point
	for _, s := range g.Schools() {
		sp = append(sp, s.Point)
	}
	schools, _ := g.SnapAll(sp, 0)
	apps, _ := g.SnapAll(c.RandomPoints(benchApplicants, 7), 0)
	return g, schools, apps
}

func BenchmarkSnapAll10k(b *testing.B) {
	c, _ := benchSetup(b)
	homes := c.RandomPoints(benchApplicants, 7)
	b.ResetTimer()
	for b.Loop() {
		c.Graph.SnapAll(homes, 0)
	}
}

// BenchmarkMatrix compares ways to answer 150 schools × 10,000 applicants:
// one-to-all searches from each school stopping when every applicant edge
// is settled (the default, on the chain-contracted core graph), the same
// without the early stop, the same on the full graph (every shape node), and
// searches from the applicant side (measured on 1,000 applicants; scale by 10).
func BenchmarkMatrix(b *testing.B) {
	g, schools, apps := benchSnapped(b)
	for _, bc := range []struct {
		name     string
		from, to []Snapped
		opt      matrixOptions
		searches int
	}{
		{"FromSchools", schools, apps, matrixOptions{}, len(schools)},
		{"FromSchoolsNoEarlyStop", schools, apps, matrixOptions{noEarlyStop: true}, len(schools)},
		{"FromSchoolsFullGraph", schools, apps, matrixOptions{fullGraph: true}, len(schools)},
		{"FromApplicants1k", schools, apps[:1000], matrixOptions{fromLarger: true}, 1000},
		{"FromSchools1Worker", schools, apps, matrixOptions{}, len(schools)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			workers := 0
			if bc.name == "FromSchools1Worker" {
				workers = 1
			}
			for b.Loop() {
				if _, err := g.matrixOpt(context.Background(), bc.from, bc.to, workers, bc.opt); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(bc.searches)/1e6, "ms/search")
		})
	}
}

// benchLoadFile loads the OSM file named by the environment variable env
// (skipping when it is unset): BenchmarkLoadDenseXML and
// BenchmarkLoadDensePBF measure the readers on a large file, e.g. the dense
// city of gencity -dense -rows 548 -cols 548 as .osm and, converted with
// osmium cat, as .osm.pbf. Besides time and allocations it reports the
// process's CPU time per load (user+sys, all goroutines) and the peak Go heap.
func benchLoadFile(b *testing.B, env string) {
	path := os.Getenv(env)
	if path == "" {
		b.Skipf("set %s to an OSM file", env)
	}
	b.ReportAllocs()
	var nodes int
	pm := startPeak()
	cpu0 := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		g, err := Load(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		nodes = g.NumNodes()
	}
	b.StopTimer()
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(nodes), "nodes")
	pm.report(b)
}

func BenchmarkLoadDenseXML(b *testing.B) { benchLoadFile(b, "WALKNET_BENCH_XML") }
func BenchmarkLoadDensePBF(b *testing.B) { benchLoadFile(b, "WALKNET_BENCH_PBF") }

// benchReadFile is benchLoadFile without building the graph: the reader
// alone, from the file to the raw nodes and ways.
func benchReadFile(b *testing.B, env string, read func(path string) (*rawData, error)) {
	path := os.Getenv(env)
	if path == "" {
		b.Skipf("set %s to an OSM file", env)
	}
	b.ReportAllocs()
	var nodes int
	pm := startPeak()
	cpu0 := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		raw, err := read(path)
		if err != nil {
			b.Fatal(err)
		}
		nodes = len(raw.nodeID)
	}
	b.StopTimer()
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(nodes), "nodes")
	pm.report(b)
}

func BenchmarkReadDenseXML(b *testing.B) {
	benchReadFile(b, "WALKNET_BENCH_XML", func(path string) (*rawData, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return scan(context.Background(), f, FormatXML, ReadOptions{})
	})
}

func BenchmarkReadDensePBF(b *testing.B) {
	benchReadFile(b, "WALKNET_BENCH_PBF", func(path string) (*rawData, error) {
		return loadPBF(context.Background(), path, ReadOptions{})
	})
}
