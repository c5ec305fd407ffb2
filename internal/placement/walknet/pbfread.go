package walknet

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"sync"
)

// The .osm.pbf reader: file blocks are read and checked one after another
// (the checks of pbfGuard: a header under 64 KiB, a blob under 32 MiB, a
// declared raw_size under 32 MiB that the zlib data inflates to exactly, all
// blocks together at most ReadOptions.MaxPBFData) and inflated and decoded
// in parallel by a small protobuf walker that takes only what the graph
// needs: dense node ids, coordinates and tags (amenity, name), way ids, refs
// and tags. Each block is inflated once per pass that needs it, with a
// bound. Results are merged in file order, so the raw data equals what the
// paulmach/osm/osmpbf decoder gave (pbfread_test.go compares them).
//
// A file is read in two passes so that only the coordinates of the nodes
// the ways use are kept: the first decodes the ways and notes which blocks
// hold nodes, the second reads only those blocks again.

// pbfBlob is a checked file block.
type pbfBlob struct {
	index   int   // block number, from 1
	offset  int64 // where the block starts in the file
	header  bool  // an OSMHeader block
	raw     []byte
	zlib    []byte
	rawSize int
}

// pbfBlockReader reads and checks file blocks.
type pbfBlockReader struct {
	r      io.Reader
	max    int64
	total  int64
	offset int64
	block  int
}

func newPBFBlockReader(r io.Reader, o ReadOptions) *pbfBlockReader {
	max := o.MaxPBFData
	if max <= 0 {
		max = DefaultMaxPBFData
	}
	return &pbfBlockReader{r: r, max: max}
}

// next reads the next block; io.EOF at a clean end.
func (br *pbfBlockReader) next() (*pbfBlob, error) {
	br.block++
	b := &pbfBlob{index: br.block, offset: br.offset}
	var size [4]byte
	if n, err := io.ReadFull(br.r, size[:]); err != nil {
		if err == io.EOF && n == 0 {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("PBF block %d: %w", br.block, err)
	}
	hl := binary.BigEndian.Uint32(size[:])
	if hl >= pbfMaxHeader {
		return nil, fmt.Errorf("PBF block %d: header of %d bytes", br.block, hl)
	}
	header := make([]byte, hl)
	if _, err := io.ReadFull(br.r, header); err != nil {
		return nil, fmt.Errorf("PBF block %d: %w", br.block, err)
	}
	dataSize := int64(-1)
	var typ []byte
	if err := pbFields(header, func(field int, v uint64, b []byte) {
		switch field {
		case 1:
			typ = b
		case 3:
			dataSize = int64(int32(v))
		}
	}); err != nil || dataSize < 0 || dataSize >= pbfMaxBlob {
		return nil, fmt.Errorf("PBF block %d: bad header (data size %d, %v)", br.block, dataSize, err)
	}
	switch string(typ) {
	case "OSMHeader":
		if br.block != 1 {
			return nil, fmt.Errorf("PBF block %d: unexpected fileblock of type OSMHeader", br.block)
		}
		b.header = true
	case "OSMData":
	default:
		if br.block != 1 {
			return nil, fmt.Errorf("PBF block %d: unexpected fileblock of type %q", br.block, typ)
		}
	}
	blob := make([]byte, dataSize)
	if _, err := io.ReadFull(br.r, blob); err != nil {
		return nil, fmt.Errorf("PBF block %d: %w", br.block, err)
	}
	br.offset += 4 + int64(hl) + dataSize
	rawSize := int64(-1)
	if err := pbFields(blob, func(field int, v uint64, bs []byte) {
		switch field {
		case 1:
			b.raw = bs
		case 2:
			rawSize = int64(int32(v))
		case 3:
			b.zlib = bs
		}
	}); err != nil {
		return nil, fmt.Errorf("PBF block %d: %w", br.block, err)
	}
	switch {
	case b.raw != nil && b.zlib != nil:
		return nil, fmt.Errorf("PBF block %d: both raw and zlib data", br.block)
	case b.raw != nil:
		if br.total += int64(len(b.raw)); br.total > br.max {
			return nil, &InflatedError{Max: br.max}
		}
	case b.zlib != nil:
		if rawSize < 0 || rawSize >= pbfMaxBlob {
			return nil, fmt.Errorf("PBF block %d: unpacked size %d", br.block, rawSize)
		}
		if br.total += rawSize; br.total > br.max {
			return nil, &InflatedError{Max: br.max}
		}
		b.rawSize = int(rawSize)
	default:
		return nil, fmt.Errorf("PBF block %d: unknown blob data", br.block)
	}
	return b, nil
}

// data returns the block's unpacked data; zlib data must inflate to
// exactly its declared size. buf is reused.
func (b *pbfBlob) data(buf []byte) ([]byte, error) {
	if b.raw != nil {
		return b.raw, nil
	}
	zr, err := zlib.NewReader(bytes.NewReader(b.zlib))
	if err != nil {
		return nil, err
	}
	buf = slices.Grow(buf[:0], b.rawSize+1)[:b.rawSize+1]
	n, err := io.ReadFull(zr, buf)
	switch {
	case n > b.rawSize:
		return nil, fmt.Errorf("unpacks to more than its %d bytes", b.rawSize)
	case err == io.ErrUnexpectedEOF || err == io.EOF:
		if n < b.rawSize {
			return nil, fmt.Errorf("raw blob data size %d but expected %d", n, b.rawSize)
		}
	case err != nil:
		return nil, err
	}
	return buf[:n], nil
}

// pbfPass says what a pass decodes.
type pbfPass int

const (
	passWays  pbfPass = iota // ways only; note which blocks hold nodes
	passNodes                // nodes only, those wanted
	passAll                  // everything (one pass over a stream)
)

// pbfResult is what one block gave.
type pbfResult struct {
	err      error
	hasNodes bool
	raw      rawData
}

// pbfNodeFilter tells the nodes the ways use: a bit per id when the ids
// lie close together (no more memory than a sorted list of them), else a
// sorted list.
type pbfNodeFilter struct {
	lo     int64
	bits   []uint64
	needed []int64 // sorted, when bits is nil
}

func newPBFNodeFilter(raw *rawData) *pbfNodeFilter {
	n := len(raw.wayRefs)
	for _, s := range raw.schoolsW {
		n += len(s.refs)
	}
	f := &pbfNodeFilter{}
	if n == 0 {
		return f
	}
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	each := func(fn func(int64)) {
		for _, id := range raw.wayRefs {
			fn(id)
		}
		for _, s := range raw.schoolsW {
			for _, id := range s.refs {
				fn(id)
			}
		}
	}
	each(func(id int64) { lo, hi = min(lo, id), max(hi, id) })
	if span := uint64(hi) - uint64(lo); span/64 < uint64(n) {
		f.lo, f.bits = lo, make([]uint64, span/64+1)
		each(func(id int64) {
			d := uint64(id) - uint64(lo)
			f.bits[d/64] |= 1 << (d % 64)
		})
		return f
	}
	f.needed = make([]int64, 0, n)
	each(func(id int64) { f.needed = append(f.needed, id) })
	slices.Sort(f.needed)
	f.needed = slices.Compact(f.needed)
	return f
}

// decodeBlock decodes one block's data into res.
func decodeBlock(data []byte, blk *pbfBlob, pass pbfPass, filter *pbfNodeFilter, res *pbfResult) error {
	if blk.header {
		return checkPBFHeader(data)
	}
	var st [][]byte
	granularity, latOff, lonOff := int64(100), int64(0), int64(0)
	err := pbFieldsErr(data, func(field int, v uint64, b []byte) error {
		switch field {
		case 1:
			st = st[:0]
			return pbFieldsErr(b, func(f int, _ uint64, s []byte) error {
				if f == 1 {
					st = append(st, s)
				}
				return nil
			})
		case 17:
			granularity = int64(int32(v))
		case 19:
			latOff = int64(v)
		case 20:
			lonOff = int64(v)
		}
		return nil
	})
	if err != nil {
		return err
	}
	keys := blockKeys(st)
	return pbFieldsErr(data, func(field int, _ uint64, b []byte) error {
		if field != 2 {
			return nil
		}
		return pbFieldsErr(b, func(f int, _ uint64, g []byte) error {
			switch f {
			case 1:
				return errors.New("plain (not dense) PBF nodes are not supported")
			case 2:
				res.hasNodes = true
				if pass == passWays {
					return nil
				}
				return decodeDense(g, st, &keys, granularity, latOff, lonOff, filter, res)
			case 3:
				if pass == passNodes {
					return nil
				}
				if res.raw.wayRefs == nil {
					res.raw.wayRefs = make([]int64, 0, len(b)/2)
				}
				return decodeWay(g, st, &keys, res)
			}
			return nil
		})
	})
}

// checkPBFHeader refuses features the reader does not have.
func checkPBFHeader(data []byte) error {
	return pbFieldsErr(data, func(field int, _ uint64, b []byte) error {
		if field == 4 {
			switch string(b) {
			case "OsmSchema-V0.6", "DenseNodes", "HistoricalInformation":
			default:
				return fmt.Errorf("parser does not have %s capability", b)
			}
		}
		return nil
	})
}

// blockKeys maps the string table indices of the kept keys.
type pbfKeys struct {
	st  [][]byte
	key []xmlKey // per string table index (nil: none kept)
}

func blockKeys(st [][]byte) pbfKeys {
	k := pbfKeys{st: st, key: make([]xmlKey, len(st))}
	for i, s := range st {
		k.key[i] = tagKey(s)
	}
	return k
}

var errPBFString = errors.New("PBF string index out of range")

// pbVarint reads a varint from b at i; next < 0 on error.
func pbVarint(b []byte, i int) (v uint64, next int) {
	if i < len(b) && b[i] < 0x80 {
		return uint64(b[i]), i + 1
	}
	if i >= len(b) {
		return 0, -1
	}
	v, n := binary.Uvarint(b[i:])
	if n <= 0 {
		return 0, -1
	}
	return v, i + n
}

func zigzag(v uint64) int64 { return int64(v>>1) ^ -int64(v&1) }

var errPBFShort = errors.New("PBF: packed field too short")

func decodeDense(g []byte, st [][]byte, keys *pbfKeys, gran, latOff, lonOff int64, filter *pbfNodeFilter, res *pbfResult) error {
	var ids, lats, lons, kv []byte
	var hasIDs, hasLats, hasLons, hasKV bool
	if err := pbFields(g, func(f int, _ uint64, b []byte) {
		switch f {
		case 1:
			ids, hasIDs = b, true
		case 8:
			lats, hasLats = b, true
		case 9:
			lons, hasLons = b, true
		case 10:
			kv, hasKV = b, true
		}
	}); err != nil {
		return err
	}
	switch {
	case !hasIDs:
		return errors.New("osmpbf: dense node did not contain ids")
	case !hasLats:
		return errors.New("osmpbf: dense node did not contain latitudes")
	case !hasLons:
		return errors.New("osmpbf: dense node did not contain longitudes")
	}
	raw := &res.raw
	if raw.nodeID == nil {
		n := 0 // the ids: one byte under 0x80 ends each
		for _, c := range ids {
			if c < 0x80 {
				n++
			}
		}
		raw.nodeID = make([]int64, 0, n)
		raw.nodeLat = make([]float64, 0, n)
		raw.nodeLon = make([]float64, 0, n)
	}
	var id, lat, lon int64
	var tags xmlTags
	ii, li, oi, ki := 0, 0, 0, 0
	pos := 0 // search hint in filter.needed
	for ii < len(ids) {
		var v uint64
		if v, ii = pbVarint(ids, ii); ii < 0 {
			return errPBFShort
		}
		id += zigzag(v)
		if v, li = pbVarint(lats, li); li < 0 {
			return errPBFShort
		}
		lat += zigzag(v)
		if v, oi = pbVarint(lons, oi); oi < 0 {
			return errPBFShort
		}
		lon += zigzag(v)
		school := false
		var name []byte
		if hasKV {
			tags.reset()
			for {
				var k, val uint64
				if k, ki = pbVarint(kv, ki); ki < 0 {
					return errPBFShort
				}
				if int32(k) == 0 {
					break
				}
				if val, ki = pbVarint(kv, ki); ki < 0 {
					return errPBFShort
				}
				k32, v32 := int32(k), int32(val)
				if k32 < 0 || int(k32) >= len(st) || v32 < 0 || int(v32) >= len(st) {
					return errPBFString
				}
				if key := keys.key[k32]; key != keyOther && !tags.set[key] {
					tags.set[key] = true
					tags.val[key] = st[v32]
				}
			}
			school = tags.is(keyAmenity, "school")
			name = tags.val[keyName]
		}
		if filter != nil && !school {
			var ok bool
			if pos, ok = filter.find(id, pos); !ok {
				continue
			}
		}
		raw.objects++
		raw.addNode(id, 1e-9*float64(latOff+(gran*lat)), 1e-9*float64(lonOff+(gran*lon)))
		if school {
			raw.schoolsN = append(raw.schoolsN, rawSchool{id: id, name: string(name)})
		}
	}
	return nil
}

// find tells whether id is needed, starting the search at the hint pos
// (ids come mostly in increasing order); it returns the next hint.
func (f *pbfNodeFilter) find(id int64, pos int) (int, bool) {
	if f.bits != nil {
		d := uint64(id) - uint64(f.lo)
		return 0, d/64 < uint64(len(f.bits)) && f.bits[d/64]&(1<<(d%64)) != 0
	}
	n := f.needed
	if pos < len(n) && pos > 0 && n[pos-1] < id {
		// Look a few places ahead before searching.
		for end := min(pos+8, len(n)); pos < end; pos++ {
			if n[pos] >= id {
				return pos + 1, n[pos] == id
			}
		}
		k, ok := slices.BinarySearch(n[pos:], id)
		return pos + k + 1, ok
	}
	k, ok := slices.BinarySearch(n, id)
	return k + 1, ok
}

func decodeWay(w []byte, st [][]byte, keys *pbfKeys, res *pbfResult) error {
	var id int64
	var kIdx, vIdx, refs []byte
	var hasK, hasV bool
	if err := pbFields(w, func(f int, v uint64, b []byte) {
		switch f {
		case 1:
			id = int64(v)
		case 2:
			kIdx, hasK = b, true
		case 3:
			vIdx, hasV = b, true
		case 8:
			refs = b
		}
	}); err != nil {
		return err
	}
	var tags xmlTags
	if hasK && hasV {
		for ki, vi := 0, 0; ki < len(kIdx); {
			var k, v uint64
			if k, ki = pbVarint(kIdx, ki); ki < 0 {
				return errPBFShort
			}
			if v, vi = pbVarint(vIdx, vi); vi < 0 {
				return errPBFShort
			}
			k32, v32 := uint32(k), uint32(v)
			if int(k32) >= len(st) || int(v32) >= len(st) {
				return errPBFString
			}
			if key := keys.key[k32]; key != keyOther && !tags.set[key] {
				tags.set[key] = true
				tags.val[key] = st[v32]
			}
		}
	}
	res.raw.objects++
	isWalk := walkable(&tags)
	isSchool := tags.is(keyAmenity, "school")
	if !isWalk && !isSchool {
		return nil
	}
	start := len(res.raw.wayRefs)
	var ref int64
	for i := 0; i < len(refs); {
		var v uint64
		if v, i = pbVarint(refs, i); i < 0 {
			return errPBFShort
		}
		ref += zigzag(v)
		res.raw.wayRefs = append(res.raw.wayRefs, ref)
	}
	wr := res.raw.wayRefs[start:]
	if isSchool {
		res.raw.schoolsW = append(res.raw.schoolsW, rawSchoolWay{id: id, name: string(tags.val[keyName]), refs: slices.Clone(wr)})
	}
	if isWalk {
		if len(res.raw.wayOff) == 0 {
			res.raw.wayOff = append(res.raw.wayOff, 0)
		}
		res.raw.wayOff = append(res.raw.wayOff, len(res.raw.wayRefs))
	} else {
		res.raw.wayRefs = res.raw.wayRefs[:start]
	}
	return nil
}

// pbFieldsErr is pbFields with a callback that may stop with an error.
func pbFieldsErr(m []byte, fn func(field int, v uint64, b []byte) error) error {
	var ferr error
	err := pbFields(m, func(field int, v uint64, b []byte) {
		if ferr == nil {
			ferr = fn(field, v, b)
		}
	})
	if ferr != nil {
		return ferr
	}
	return err
}

// joinRaw concatenates parts of raw data in order, each array allocated
// once at its size: appending to one large slice would copy it again at
// every doubling.
func joinRaw(parts []*rawData) *rawData {
	var nodes, refs, offs, sn, sw int
	raw := &rawData{}
	for _, p := range parts {
		raw.objects += p.objects
		nodes += len(p.nodeID)
		refs += len(p.wayRefs)
		offs += max(len(p.wayOff)-1, 0)
		sn += len(p.schoolsN)
		sw += len(p.schoolsW)
	}
	raw.nodeID = make([]int64, 0, nodes)
	raw.nodeLat = make([]float64, 0, nodes)
	raw.nodeLon = make([]float64, 0, nodes)
	raw.wayRefs = make([]int64, 0, refs)
	if offs > 0 {
		raw.wayOff = make([]int, 1, offs+1)
	}
	raw.schoolsN = make([]rawSchool, 0, sn)
	raw.schoolsW = make([]rawSchoolWay, 0, sw)
	for i, p := range parts {
		parts[i] = nil // free as we go
		raw.nodeID = append(raw.nodeID, p.nodeID...)
		raw.nodeLat = append(raw.nodeLat, p.nodeLat...)
		raw.nodeLon = append(raw.nodeLon, p.nodeLon...)
		if len(p.wayOff) > 1 {
			base := len(raw.wayRefs)
			raw.wayRefs = append(raw.wayRefs, p.wayRefs[:p.wayOff[len(p.wayOff)-1]]...)
			for _, o := range p.wayOff[1:] {
				raw.wayOff = append(raw.wayOff, base+o)
			}
		}
		raw.schoolsN = append(raw.schoolsN, p.schoolsN...)
		raw.schoolsW = append(raw.schoolsW, p.schoolsW...)
	}
	return raw
}

// pbfJob is a block on its way through the workers.
type pbfJob struct {
	blob *pbfBlob
	err  error // reading the block failed
	done chan struct{}
	res  pbfResult
}

// decodePBF reads blocks from next (nil, io.EOF at the end), decodes them
// on GOMAXPROCS workers and calls each with every block's result in order.
// At most a few blocks per worker are in flight. After a block fails to
// decode the rest are still read and checked, not decoded: an error of the
// checks (an *InflatedError) wins over a decoding error.
func decodePBF(parent context.Context, next func() (*pbfBlob, error), pass pbfPass, filter *pbfNodeFilter, each func(*pbfBlob, *pbfResult) error) error {
	readCtx, stopReading := context.WithCancel(parent)
	defer stopReading()
	decodeCtx, stopDecoding := context.WithCancel(readCtx)
	defer stopDecoding()
	workers := runtime.GOMAXPROCS(0)
	order := make(chan *pbfJob, 2*workers)
	work := make(chan *pbfJob, 2*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf []byte
			for j := range work {
				if decodeCtx.Err() == nil {
					j.res.err = decodeJob(j, pass, filter, &buf)
				}
				close(j.done)
			}
		}()
	}
	go func() {
		defer close(order)
		defer close(work)
		for readCtx.Err() == nil {
			blob, err := next()
			if err == io.EOF {
				return
			}
			j := &pbfJob{blob: blob, err: err, done: make(chan struct{})}
			order <- j
			if err != nil {
				close(j.done)
				return
			}
			work <- j
		}
	}()
	var readErr, decodeErr error
	for j := range order {
		<-j.done
		switch {
		case readErr != nil:
		case j.err != nil:
			readErr = j.err
			stopReading()
		case decodeErr != nil:
		case j.res.err != nil:
			decodeErr = fmt.Errorf("PBF block %d: %w", j.blob.index, j.res.err)
			stopDecoding()
		default:
			if err := each(j.blob, &j.res); err != nil {
				readErr = err
				stopReading()
			}
		}
	}
	wg.Wait()
	switch {
	case readErr != nil:
		return readErr
	case decodeErr != nil:
		return decodeErr
	}
	return parent.Err()
}

// decodeJob inflates and decodes one block, turning a panic into an error.
func decodeJob(j *pbfJob, pass pbfPass, filter *pbfNodeFilter, buf *[]byte) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("corrupt OSM data: %v", p)
		}
	}()
	data, err := j.blob.data(*buf)
	if err != nil {
		return err
	}
	if j.blob.raw == nil {
		*buf = data
	}
	err = decodeBlock(data, j.blob, pass, filter, &j.res)
	j.res.raw.clip()
	return err
}

// clip copies the arrays made for a whole block when they are much longer
// than needed (the nodes of a block the filter mostly drops).
func (raw *rawData) clip() {
	if len(raw.nodeID) < cap(raw.nodeID)/2 {
		raw.nodeID = slices.Clone(raw.nodeID)
		raw.nodeLat = slices.Clone(raw.nodeLat)
		raw.nodeLon = slices.Clone(raw.nodeLon)
	}
	if len(raw.wayRefs) < cap(raw.wayRefs)/2 {
		raw.wayRefs = slices.Clone(raw.wayRefs)
	}
}

// scanPBF reads an .osm.pbf stream in one pass, keeping every node.
func scanPBF(ctx context.Context, r io.Reader, o ReadOptions) (*rawData, error) {
	br := newPBFBlockReader(r, o)
	var parts []*rawData
	err := decodePBF(ctx, br.next, passAll, nil, func(_ *pbfBlob, res *pbfResult) error {
		r := res.raw // not &res.raw: that keeps the block
		parts = append(parts, &r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return joinRaw(parts), nil
}

// loadPBF reads a .pbf file in two passes so that only the coordinates of
// nodes used by walkable or school ways (and school nodes) are kept: the
// first decodes the ways and notes the blocks with nodes, the second reads
// only those blocks and keeps the nodes wanted. Large extracts stay cheap.
func loadPBF(ctx context.Context, path string, o ReadOptions) (*rawData, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	br := newPBFBlockReader(bufio.NewReaderSize(fh, 1<<20), o)
	var parts []*rawData
	type span struct {
		index  int
		offset int64
	}
	var nodeBlocks []span
	err = decodePBF(ctx, br.next, passWays, nil, func(b *pbfBlob, res *pbfResult) error {
		r := res.raw // not &res.raw: that keeps the block
		parts = append(parts, &r)
		if res.hasNodes {
			nodeBlocks = append(nodeBlocks, span{index: b.index, offset: b.offset})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	raw := joinRaw(parts)
	filter := newPBFNodeFilter(raw)

	// The second pass: the blocks with nodes, checked again as read.
	k := 0
	next := func() (*pbfBlob, error) {
		if k == len(nodeBlocks) {
			return nil, io.EOF
		}
		s := nodeBlocks[k]
		k++
		sr := io.NewSectionReader(fh, s.offset, 1<<62)
		r := newPBFBlockReader(sr, ReadOptions{MaxPBFData: br.max})
		r.block, r.offset = s.index-1, s.offset
		blob, err := r.next()
		if err == io.EOF {
			err = fmt.Errorf("PBF block %d: %w", s.index, io.ErrUnexpectedEOF)
		}
		return blob, err
	}
	parts = parts[:0]
	err = decodePBF(ctx, next, passNodes, filter, func(_ *pbfBlob, res *pbfResult) error {
		r := res.raw // not &res.raw: that keeps the block
		parts = append(parts, &r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	nodes := joinRaw(parts)
	raw.nodeID, raw.nodeLat, raw.nodeLon = nodes.nodeID, nodes.nodeLat, nodes.nodeLon
	raw.schoolsN = nodes.schoolsN
	raw.objects += nodes.objects
	return raw, nil
}

// loadPBFGraph is loadPBF and the graph.
func loadPBFGraph(ctx context.Context, path string, o ReadOptions) (g *Graph, err error) {
	raw, err := loadPBF(ctx, path, o)
	if err != nil {
		return nil, err
	}
	return finish(raw)
}
