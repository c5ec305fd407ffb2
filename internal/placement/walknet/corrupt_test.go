package walknet

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// Corrupted (not truncated) .pbf files give an error or a graph, never a
// panic or a hang.
func TestCorruptPBFNoPanic(t *testing.T) {
	pbf, err := os.ReadFile(filepath.Join("testdata", "monaco.osm.pbf"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	for k := range 40 {
		b := append([]byte(nil), pbf...)
		for range 1 + rng.IntN(4) {
			// Mostly near the start, where block headers are.
			var i int
			if rng.IntN(2) == 0 {
				i = rng.IntN(200)
			} else {
				i = rng.IntN(len(b))
			}
			b[i] ^= byte(1 + rng.IntN(255))
		}
		path := filepath.Join(dir, "c.osm.pbf")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Load(context.Background(), path)
		t.Logf("case %d: %v", k, err)
	}
}
