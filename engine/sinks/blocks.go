package sinks

import (
	"encoding/binary"
	"hash/crc32"
	"io"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/zstd"
)

// blockWriter compresses a .gz or .zst file in blocks of blockSize input
// bytes (the last one shorter), on every core at once, and writes the
// compressed blocks in order.
//
// Why: one streaming compressor works on one goroutine, at about a third
// of the speed scen writes JSON lines at, so a compressed run took several
// times as long as a plain one. Blocks compress in parallel; the bytes
// depend only on what is written, never on scheduling or on how the
// writes cut it: the same run writes the same file.
//
//   - .zst: each block is an independent zstd frame. A zstd stream may hold
//     any number of frames and decoders read it as the concatenation of
//     their contents (RFC 8878, 3.1): zstd -d, Python's zstandard, DuckDB,
//     Spark and scen's own datasets read the file as one stream. Frames of
//     1 MiB cost about 3 % of the compressed size against one stream.
//   - .gz: one gzip member (RFC 1952) whose deflate stream is the blocks'
//     deflate output, each block compressed with the previous block's last
//     32 KiB as its dictionary and ended by a sync flush (the last by the
//     final block), as pigz and pgzip do; the CRC-32 and size in the
//     trailer are computed as the bytes are written. Any gzip reader
//     reads it; it is within 0.1 % of one stream's size.
//
// The compressors are shared by every file of the run, GOMAXPROCS of them
// at most: an open file holds only the block being filled and the blocks
// waiting for a compressor.
type blockWriter struct {
	w      io.Writer
	codec  blockCodec
	cur    []byte // the block being filled
	tail   []byte // the previous block's last dictSize bytes (gzip)
	blocks int
	crc    uint32
	size   uint32
	order  chan *cblock // blocks in file order, compressing or done
	done   chan struct{}
	err    atomic.Pointer[error] // the first error writing to w
}

type cblock struct {
	in, dict, out []byte
	ready         chan struct{}
}

const (
	blockSize = 1 << 20
	dictSize  = 32 << 10 // deflate's window
)

type blockCodec int

const (
	codecZstd blockCodec = iota
	codecGzip
)

// zstdEncoder is shared by every .zst file of a run: EncodeAll may be
// called concurrently, GOMAXPROCS frames compressing at a time.
var zstdEncoder = sync.OnceValues(func() (*zstd.Encoder, error) {
	return zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault),
		zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)), zstd.WithZeroFrames(true),
		// A frame holds one block: a larger window only costs memory
		// (19 MiB for two encoders instead of 5).
		zstd.WithWindowSize(blockSize))
})

// deflaters hold the deflate compressors shared by every .gz file, one
// per core; a nil one is made when first needed.
var deflaters = sync.OnceValue(func() chan *flate.Writer {
	c := make(chan *flate.Writer, runtime.GOMAXPROCS(0))
	for range cap(c) {
		c <- nil
	}
	return c
})

// blockBufs keeps block input and output buffers for the next blocks: as
// many as a file's blocks in flight hold (see flush).
var blockBufs = make(chan []byte, 2*blocksInFlight())

// blocksInFlight is the most blocks a file holds beyond the one being
// filled: GOMAXPROCS waiting in order, one being written, one being
// started.
func blocksInFlight() int { return runtime.GOMAXPROCS(0) + 2 }

func getBlockBuf() []byte {
	select {
	case b := <-blockBufs:
		return b[:0]
	default:
		return make([]byte, 0, blockSize)
	}
}

func putBlockBuf(b []byte) {
	if b == nil || cap(b) > 2*blockSize {
		return
	}
	select {
	case blockBufs <- b[:0]:
	default:
	}
}

func newBlockWriter(w io.Writer, codec blockCodec) (*blockWriter, error) {
	if codec == codecZstd {
		if _, err := zstdEncoder(); err != nil {
			return nil, err
		}
	}
	z := &blockWriter{w: w, codec: codec, order: make(chan *cblock, runtime.GOMAXPROCS(0)), done: make(chan struct{})}
	if codec == codecGzip {
		// The header: no name, no time (as gzip.Writer writes with a
		// zero ModTime), OS unknown.
		if _, err := w.Write([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255}); err != nil {
			return nil, err
		}
	}
	go z.drain()
	return z, nil
}

func (z *blockWriter) failed() error {
	if p := z.err.Load(); p != nil {
		return *p
	}
	return nil
}

func (z *blockWriter) Write(p []byte) (int, error) {
	if err := z.failed(); err != nil {
		return 0, err
	}
	n := len(p)
	if z.codec == codecGzip {
		z.crc = crc32.Update(z.crc, crc32.IEEETable, p)
		z.size += uint32(n)
	}
	for len(p) > 0 {
		if z.cur == nil {
			z.cur = getBlockBuf()
		}
		k := min(len(p), blockSize-len(z.cur))
		z.cur = append(z.cur, p[:k]...)
		p = p[k:]
		if len(z.cur) == blockSize {
			z.flush(false)
		}
	}
	return n, nil
}

// flush starts compressing the current block; it waits while GOMAXPROCS
// of the file's blocks are waiting to be written.
func (z *blockWriter) flush(last bool) {
	b := &cblock{in: z.cur, dict: z.tail, ready: make(chan struct{})}
	z.cur = nil
	z.blocks++
	if z.codec == codecGzip && !last {
		z.tail = append([]byte(nil), b.in[len(b.in)-dictSize:]...)
	}
	go func() {
		out := getBlockBuf()
		switch z.codec {
		case codecZstd:
			enc, _ := zstdEncoder()
			b.out = enc.EncodeAll(b.in, out)
		case codecGzip:
			b.out = deflateBlock(b.in, b.dict, out, last)
		}
		close(b.ready)
	}()
	z.order <- b
}

// deflateBlock appends in's deflate output to out: with dict as the
// window before it, ended by a sync flush or, when last, by the final
// block.
func deflateBlock(in, dict, out []byte, last bool) []byte {
	pool := deflaters()
	d := <-pool
	defer func() { pool <- d }()
	dst := appendWriter{out}
	if d == nil {
		d, _ = flate.NewWriterDict(&dst, flate.DefaultCompression, dict)
	} else {
		d.ResetDict(&dst, dict)
	}
	d.Write(in) // writes to dst only, which cannot fail
	if last {
		d.Close()
	} else {
		d.Flush()
	}
	d.Reset(io.Discard) // holds no output buffer between blocks
	return dst.b
}

type appendWriter struct{ b []byte }

func (a *appendWriter) Write(p []byte) (int, error) {
	a.b = append(a.b, p...)
	return len(p), nil
}

// drain writes the blocks in order as they are compressed.
func (z *blockWriter) drain() {
	defer close(z.done)
	for b := range z.order {
		<-b.ready
		putBlockBuf(b.in)
		if z.failed() == nil {
			if _, err := z.w.Write(b.out); err != nil {
				z.err.Store(&err)
			}
		}
		putBlockBuf(b.out)
	}
}

// Close compresses what is left and waits until every block is written.
// A .zst file with nothing written is one empty frame, as a streaming
// encoder writes; a .gz file always ends with a final block and the
// trailer.
func (z *blockWriter) Close() error {
	if len(z.cur) > 0 || z.blocks == 0 || z.codec == codecGzip {
		if z.cur == nil {
			z.cur = getBlockBuf()
		}
		z.flush(true)
	}
	close(z.order)
	<-z.done
	if err := z.failed(); err != nil {
		return err
	}
	if z.codec == codecGzip {
		var t [8]byte
		binary.LittleEndian.PutUint32(t[:4], z.crc)
		binary.LittleEndian.PutUint32(t[4:], z.size)
		if _, err := z.w.Write(t[:]); err != nil {
			return err
		}
	}
	return nil
}

func (c blockCodec) String() string {
	if c == codecGzip {
		return "gzip"
	}
	return "zstd"
}
