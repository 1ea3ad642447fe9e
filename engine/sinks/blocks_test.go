package sinks

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// TestBlockWriter: a .zst file is one frame per blockSize input bytes
// (one empty frame for no input) and a .gz file one gzip member; each
// decodes (with the standard library's gzip reader, single-member mode)
// to exactly what was written, and its bytes depend only on those bytes,
// not on how the writes cut them.
func TestBlockWriter(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	text := func(n int) []byte {
		b := make([]byte, 0, n)
		for len(b) < n {
			b = append(b, `{"user_id":"UID-`...)
			b = append(b, byte('0'+rng.IntN(10)), byte('0'+rng.IntN(10)))
			b = append(b, "\"}\n"...)
		}
		return b[:n]
	}
	zdec, err := zstd.NewReader(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer zdec.Close()
	for _, tc := range []struct {
		name   string
		n      int
		frames int
	}{
		{"empty", 0, 1},
		{"one byte", 1, 1},
		{"one block less a byte", blockSize - 1, 1},
		{"one block", blockSize, 1},
		{"one block and a byte", blockSize + 1, 2},
		{"many blocks", 7*blockSize + blockSize/2, 8},
	} {
		in := text(tc.n)
		for _, codec := range []blockCodec{codecZstd, codecGzip} {
			t.Run(fmt.Sprintf("%s/%v", tc.name, codec), func(t *testing.T) {
				var first []byte
				for _, piece := range []int{1 << 30, 4096, 100_003} {
					var out bytes.Buffer
					z, err := newBlockWriter(&out, codec)
					if err != nil {
						t.Fatal(err)
					}
					for b := in; len(b) > 0; {
						k := min(piece, len(b))
						if _, err := z.Write(b[:k]); err != nil {
							t.Fatal(err)
						}
						b = b[k:]
					}
					if err := z.Close(); err != nil {
						t.Fatal(err)
					}
					if first == nil {
						first = out.Bytes()
					} else if !bytes.Equal(out.Bytes(), first) {
						t.Fatalf("writes of %d bytes give other bytes than one write", piece)
					}
				}
				if codec == codecGzip {
					br := bytes.NewReader(first)
					r, err := gzip.NewReader(br)
					if err != nil {
						t.Fatal(err)
					}
					r.Multistream(false) // one member: its trailer checks the CRC and size
					got, err := io.ReadAll(r)
					if err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(got, in) {
						t.Fatalf("decoded %d bytes, want the %d written", len(got), len(in))
					}
					if br.Len() != 0 {
						t.Fatalf("%d bytes after the gzip member", br.Len())
					}
					return
				}
				got, err := zdec.DecodeAll(first, nil)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, in) {
					t.Fatalf("decoded %d bytes, want the %d written", len(got), len(in))
				}
				frames := 0
				for b := first; len(b) > 0; frames++ {
					b = b[frameLen(t, b):]
				}
				if frames != tc.frames {
					t.Fatalf("%d frames, want %d", frames, tc.frames)
				}
			})
		}
	}
}

// frameLen is the length of the zstd frame at the start of b, walked
// block by block (RFC 8878, 3.1.1).
func frameLen(t *testing.T, b []byte) int {
	t.Helper()
	fhd := b[4]
	fcsFlag, single, dictFlag, checksum := fhd>>6, fhd>>5&1, fhd&3, fhd>>2&1
	n := 5
	if single == 0 {
		n++ // window descriptor
	}
	n += []int{0, 1, 2, 4}[dictFlag]
	fcs := []int{0, 2, 4, 8}[fcsFlag]
	if fcsFlag == 0 && single == 1 {
		fcs = 1
	}
	n += fcs
	for {
		h := int(b[n]) | int(b[n+1])<<8 | int(b[n+2])<<16
		last, typ, size := h&1, h>>1&3, h>>3
		n += 3
		if typ == 1 { // RLE: one byte
			size = 1
		}
		n += size
		if last == 1 {
			break
		}
	}
	if checksum == 1 {
		n += 4
	}
	return n
}

type failAfter struct{ left int }

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.left {
		return 0, errors.New("disk full")
	}
	f.left -= len(p)
	return len(p), nil
}

// TestBlockWriterError: a failed write reaches Close (and the writes
// after it), never a file silently cut short.
func TestBlockWriterError(t *testing.T) {
	buf := bytes.Repeat([]byte("abcdefghij\n"), blockSize/11*3)
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(buf), func(i, j int) { buf[i], buf[j] = buf[j], buf[i] })
	for _, codec := range []blockCodec{codecZstd, codecGzip} {
		z, err := newBlockWriter(&failAfter{left: 1000}, codec)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			if _, err := z.Write(buf); err != nil {
				break
			}
		}
		if err := z.Close(); err == nil || err.Error() != "disk full" {
			t.Fatalf("codec %v: Close: %v, want the write's error", codec, err)
		}
	}
}
