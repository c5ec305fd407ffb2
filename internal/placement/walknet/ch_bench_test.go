package walknet

import (
	"context"
	"sync"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the process's user+system CPU time: on a shared machine it
// moves far less than wall time with the other load.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// The dense benchmark city: 548 × 548 intersections 100 m apart, no shape
// nodes, four long avenues, a river with 8 bridges: about 300,000 nodes,
// nearly all intersections (the city of issue 18).
var denseCity = CityOptions{Seed: 42, Rows: 548, Cols: 548, SpacingMeters: 100, Bridges: 8, Dense: true, Schools: 150}

var (
	denseOnce sync.Once
	denseC    *City
)

func denseSetup() *City {
	denseOnce.Do(func() { denseC = GenerateCity(denseCity) })
	return denseC
}

// BenchmarkCHBuild is the preprocessing of the dense city's hierarchy.
func BenchmarkCHBuild(b *testing.B) {
	g := denseSetup().Graph
	b.ReportMetric(float64(g.core.numNodes()), "core-nodes")
	pm := startPeak()
	var ch *chGraph
	c0 := cpuTime()
	for b.Loop() {
		var err error
		if ch, err = buildCH(context.Background(), g, g.core); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuTime()-c0).Seconds()/float64(b.N), "cpu-s/op")
	pm.report(b)
	b.ReportMetric(float64(ch.numArcs()), "arcs")
	b.ReportMetric(float64(ch.bytes())/(1<<20), "ch-MiB")
}

// BenchmarkMatrixDense is the 150 × 10,000 matrix on the dense city, the
// hierarchy built beforehand (PHAST) or plain Dijkstra on the core graph.
func BenchmarkMatrixDense(b *testing.B) {
	c := denseSetup()
	g := c.Graph
	var sp []Point
	for _, s := range g.Schools() {
		sp = append(sp, s.Point)
	}
	schools, _ := g.SnapAll(sp, 1000)
	homes, _ := g.SnapAll(c.RandomPoints(benchApplicants, 7), 1000)
	t0, c0 := time.Now(), cpuTime()
	if err := g.Prepare(context.Background(), ""); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d nodes, %d core nodes; hierarchy built in %v (%v CPU), %d arcs, %.1f MiB", g.NumNodes(), g.core.numNodes(), time.Since(t0), cpuTime()-c0, g.ch.numArcs(), float64(g.ch.bytes())/(1<<20))
	for _, m := range []struct {
		name string
		opt  matrixOptions
	}{{"phast", matrixOptions{method: methodCH}}, {"dijkstra", matrixOptions{method: methodDijkstra}}} {
		b.Run(m.name, func(b *testing.B) {
			c0 := cpuTime()
			for b.Loop() {
				if _, err := g.matrixOpt(context.Background(), schools, homes, 0, m.opt); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((cpuTime()-c0).Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}
