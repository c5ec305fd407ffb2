package walknet

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
)

// The contraction hierarchy on disk: dir/HASH.ch, HASH the graph's content
// hash. The file holds the magic (which names the format's version), the
// graph hash again, the numbers of nodes and arcs (uint64 LE), the positions,
// offsets, targets and elimination-tree parents (int32 LE), the lengths (float64 LE), then the SHA-256
// of everything before it. A file that fails any check (magic, hash, sizes,
// checksum, structure) is stale or corrupt: the hierarchy is built again and
// the file replaced (atomically, via a temporary file and rename).

var chMagic = []byte("WALKNET-CH-2\x00\x00\x00\x00")

func (g *Graph) chPath(dir string) string { return filepath.Join(dir, g.hash+".ch") }

// hierarchyAtHand tells whether the hierarchy is in memory or in dir.
func (g *Graph) hierarchyAtHand(dir string) bool {
	g.chMu.Lock()
	have := g.ch != nil
	g.chMu.Unlock()
	if have || dir == "" {
		return have
	}
	_, err := os.Stat(g.chPath(dir))
	return err == nil
}

// hierarchy returns the core graph's contraction hierarchy: in memory, read
// from dir, or built (and written to dir when set).
func (g *Graph) hierarchy(ctx context.Context, dir string) (*chGraph, error) {
	g.chMu.Lock()
	defer g.chMu.Unlock()
	if g.ch != nil {
		return g.ch, nil
	}
	if dir != "" {
		if ch, err := readCH(g.chPath(dir), g.hash, g.core.numNodes()); err == nil {
			g.ch = ch
			return ch, nil
		}
	}
	ch, err := buildCH(ctx, g, g.core)
	if err != nil {
		return nil, err
	}
	if dir != "" {
		if err := writeCH(dir, g.chPath(dir), g.hash, ch); err != nil {
			return nil, fmt.Errorf("walknet: writing the hierarchy cache: %w", err)
		}
	}
	g.ch = ch
	return ch, nil
}

// Prepare makes the distance searches' preprocessing (the contraction
// hierarchy of the network) ready: read from dir when a valid file is there,
// else built and, when dir is set, written there for later runs. Matrix and
// MatrixCached call it when they need it; calling it first moves the cost
// out of the first matrix.
func (g *Graph) Prepare(ctx context.Context, dir string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	_, err := g.hierarchy(ctx, dir)
	return err
}

func readCH(path, hash string, n int) (*chGraph, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	head := len(chMagic) + len(hash) + 16
	if len(b) < head+sha256.Size || !bytes.Equal(b[:len(chMagic)], chMagic) || string(b[len(chMagic):len(chMagic)+len(hash)]) != hash {
		return nil, errors.New("not a hierarchy of this graph")
	}
	body := b[:len(b)-sha256.Size]
	if sum := sha256.Sum256(body); !bytes.Equal(sum[:], b[len(body):]) {
		return nil, errors.New("hierarchy checksum mismatch")
	}
	r := b[len(chMagic)+len(hash):]
	fn, m := binary.LittleEndian.Uint64(r), binary.LittleEndian.Uint64(r[8:])
	if fn != uint64(n) || m > uint64(len(b)) || uint64(len(body)) != uint64(head)+4*(3*fn+1+m)+8*m {
		return nil, errors.New("hierarchy sizes mismatch")
	}
	r = r[16:]
	i32 := func(k uint64) []int32 {
		out := make([]int32, k)
		for i := range out {
			out[i] = int32(binary.LittleEndian.Uint32(r[4*i:]))
		}
		r = r[4*k:]
		return out
	}
	ch := &chGraph{pos: i32(fn), off: i32(fn + 1), to: i32(m), par: i32(fn), w: make([]float64, m)}
	for i := range ch.w {
		ch.w[i] = math.Float64frombits(binary.LittleEndian.Uint64(r[8*i:]))
	}
	if !ch.valid(n) {
		return nil, errors.New("hierarchy structure invalid")
	}
	return ch, nil
}

func writeCH(dir, path, hash string, ch *chGraph) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b := make([]byte, 0, int64(len(chMagic)+len(hash)+16+sha256.Size)+ch.bytes())
	b = append(b, chMagic...)
	b = append(b, hash...)
	b = binary.LittleEndian.AppendUint64(b, uint64(len(ch.pos)))
	b = binary.LittleEndian.AppendUint64(b, uint64(len(ch.to)))
	for _, s := range [][]int32{ch.pos, ch.off, ch.to, ch.par} {
		for _, v := range s {
			b = binary.LittleEndian.AppendUint32(b, uint32(v))
		}
	}
	for _, v := range ch.w {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return writeChecksummed(dir, ".ch-*.tmp", path, b)
}
