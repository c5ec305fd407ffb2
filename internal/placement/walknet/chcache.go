package walknet

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
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

var chMagic = []byte("WALKNET-CH-3\x00\x00\x00\x00")

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

// readCH reads a hierarchy file in one pass: the arrays are decoded from
// a small buffer while the checksum is computed, so the file is never
// held in memory beside them (it is as large as they are).
func readCH(path, hash string, n int) (*chGraph, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	crc := crc32.New(castagnoli)
	r := bufio.NewReaderSize(f, 1<<16)
	// read reads exactly len(p) bytes of the checksummed contents.
	read := func(p []byte) error {
		_, err := io.ReadFull(r, p)
		crc.Write(p)
		return err
	}
	head := make([]byte, len(chMagic)+len(hash)+16)
	if err := read(head); err != nil || !bytes.Equal(head[:len(chMagic)], chMagic) || string(head[len(chMagic):len(chMagic)+len(hash)]) != hash {
		return nil, errors.New("not a hierarchy of this graph")
	}
	sizes := head[len(chMagic)+len(hash):]
	fn, m := binary.LittleEndian.Uint64(sizes), binary.LittleEndian.Uint64(sizes[8:])
	if fn != uint64(n) || m > uint64(st.Size()) || uint64(st.Size()) != uint64(len(head))+4*(3*fn+1+m)+8*m+checksumSize {
		return nil, errors.New("hierarchy sizes mismatch")
	}
	var buf [1 << 14]byte
	// decode fills out from the stream, size bytes per element.
	decode := func(k int, size int, put func(i int, b []byte)) error {
		per := len(buf) / size
		for i := 0; i < k; i += per {
			c := min(per, k-i)
			if err := read(buf[:c*size]); err != nil {
				return err
			}
			for j := range c {
				put(i+j, buf[j*size:])
			}
		}
		return nil
	}
	i32 := func(out []int32) error {
		return decode(len(out), 4, func(i int, b []byte) { out[i] = int32(binary.LittleEndian.Uint32(b)) })
	}
	ch := &chGraph{pos: make([]int32, fn), off: make([]int32, fn+1), to: make([]int32, m), par: make([]int32, fn), w: make([]float64, m)}
	for _, a := range [][]int32{ch.pos, ch.off, ch.to, ch.par} {
		if err := i32(a); err != nil {
			return nil, fmt.Errorf("hierarchy truncated: %w", err)
		}
	}
	if err := decode(len(ch.w), 8, func(i int, b []byte) { ch.w[i] = math.Float64frombits(binary.LittleEndian.Uint64(b)) }); err != nil {
		return nil, fmt.Errorf("hierarchy truncated: %w", err)
	}
	want := crc.Sum32() // of everything before the checksum
	var sum [checksumSize]byte
	if _, err := io.ReadFull(r, sum[:]); err != nil || binary.LittleEndian.Uint32(sum[:]) != want {
		return nil, errors.New("hierarchy checksum mismatch")
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
	b := make([]byte, 0, int64(len(chMagic)+len(hash)+16+checksumSize)+ch.bytes())
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
