package batch

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/styrkedjan/styrkedjan/internal/placement"
	"github.com/styrkedjan/styrkedjan/internal/placement/walknet"
)

// BenchmarkRun is issue 7's end-to-end target: a generated city of at
// least 300,000 walkable nodes, 150 schools and 10,000 applicants, from
// the written OSM file to the written outputs (load, snap, distances,
// matching, explanations, files). Target: < 20 s and < 2 GiB on 2 cores.
//
//	go test -bench Run -benchtime 1x ./internal/placement/batch/
//
// It reports the stages' wall times and runtime.MemStats.Sys (memory
// obtained from the OS, an upper bound of the peak heap). For the peak
// RSS of the binary, see gencity.
func BenchmarkRun(b *testing.B) {
	dir := b.TempDir()
	city, schools, apps := GenerateInputs(GenOptions{
		City:       walknet.CityOptions{Seed: 1, Rows: 200, Cols: 200, Subdivide: 4, Bridges: 4, Schools: 150},
		Applicants: 10000, Seed: 1,
	})
	if city.Graph.NumNodes() < 300000 || len(schools) != 150 || len(apps) != 10000 {
		b.Fatalf("city of %d nodes, %d schools, %d applicants", city.Graph.NumNodes(), len(schools), len(apps))
	}
	network := filepath.Join(dir, "city.osm")
	f, err := os.Create(network)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	if err := city.WriteOSM(w); err != nil {
		b.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	nodes := city.Graph.NumNodes()
	city = nil
	rules := placement.DefaultRules()
	rules.NearHome = []placement.NearHomeLimit{{From: 0, To: 3, Meters: 2000}}
	runtime.GC()
	b.ResetTimer()
	for b.Loop() {
		stages := map[Stage]time.Time{}
		start := time.Now()
		o, err := Run(context.Background(), Input{Network: network, Schools: schools, Applicants: apps, Rules: rules}, func(p Progress) {
			if _, ok := stages[p.Stage]; !ok {
				stages[p.Stage] = time.Now()
			}
		})
		if err != nil {
			b.Fatal(err)
		}
		written := time.Now()
		if err := o.WriteDir(filepath.Join(dir, "out")); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(written).Seconds(), "s_write")
		total := time.Since(start)
		order := []Stage{StageLoading, StageSnapping, StageDistances, StageMatching, StageExplaining, StageDone}
		for i := 0; i+1 < len(order); i++ {
			b.ReportMetric(stages[order[i+1]].Sub(stages[order[i]]).Seconds(), "s_"+string(order[i]))
		}
		b.ReportMetric(total.Seconds(), "s_total")
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.Sys)/(1<<20), "MiB_sys")
	b.ReportMetric(float64(nodes), "nodes")
}

// BenchmarkWhatIf is a what-if after a first run (issue 18: under 1 s on the
// 300,000-node city): one school's capacity changed, the first run's
// distances reused, so the network is not read again and its size does not
// matter; 150 schools and 10,000 applicants as there. It reports the CPU
// time too (steadier than wall time on a shared machine).
//
//	go test -run '^$' -bench WhatIf -benchtime 5x ./internal/placement/batch/
func BenchmarkWhatIf(b *testing.B) {
	city, schools, apps := GenerateInputs(GenOptions{
		City:       walknet.CityOptions{Seed: 1, Rows: 120, Cols: 120, Bridges: 4, Dense: true, Schools: 150},
		Applicants: 10000, Seed: 1,
	})
	rules := placement.DefaultRules()
	rules.NearHome = []placement.NearHomeLimit{{From: 0, To: 3, Meters: 2000}}
	first, err := Run(context.Background(), Input{Graph: city.Graph, Schools: schools, Applicants: apps, Rules: rules}, nil)
	if err != nil {
		b.Fatal(err)
	}
	changed := append([]School(nil), schools...)
	changed[0].Capacity = map[int]int{}
	for y, c := range schools[0].Capacity {
		changed[0].Capacity[y] = c + 10
	}
	c0 := cpuTime()
	for b.Loop() {
		if _, err := Run(context.Background(), Input{Schools: changed, Applicants: apps, Rules: rules, Distances: first.Distances}, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuTime()-c0).Seconds()/float64(b.N), "cpu-s/op")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
