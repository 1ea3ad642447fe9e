package stdlib

import (
	"slices"

	"golang.org/x/sys/cpu"
)

// uuidHexSSSE3 writes the 36 characters of the UUID whose bytes are x
// then y, big-endian, to out[0:36], with byte shuffles (PSHUFB, SSSE3):
// the sixteen bytes are split into nibbles, looked up as digits and
// placed around the dashes in some twenty instructions, where the
// portable formatting (uuidHexGo) takes about 160. x and y already carry
// the version and variant bits.
//
//go:noescape
func uuidHexSSSE3(out *byte, x, y uint64)

// hex32SSSE3 writes the 32 lowercase hex digits of x then y, big-endian,
// to out[0:32], as uuidHexSSSE3 does without the dashes.
//
//go:noescape
func hex32SSSE3(out *byte, x, y uint64)

// hasSSSE3: the CPU has PSHUFB and PALIGNR (every x86-64 CPU since 2006
// or so, but not the x86-64 baseline).
var hasSSSE3 = cpu.X86.HasSSSE3

// uuidHex writes the UUID of x and y to out[0:36].
func uuidHex(out []byte, x, y uint64) {
	if hasSSSE3 {
		_ = out[35]
		uuidHexSSSE3(&out[0], x, y)
		return
	}
	uuidHexGo(out, x, y)
}

// hex32 writes the 32 hex digits of x then y to out[0:32].
func hex32(out []byte, x, y uint64) {
	if hasSSSE3 {
		_ = out[31]
		hex32SSSE3(&out[0], x, y)
		return
	}
	hex32Go(out, x, y)
}

// appendHex32 is AppendHex(dst, r, 32), hex(32)'s sampler: the two words
// drawn on a copy of the generator held in registers, and the shuffles
// called without hex32 in between.
func appendHex32(dst []byte, r *Rand) []byte {
	m := len(dst)
	dst = slices.Grow(dst, 32)[:m+32]
	x, s := r.Step()
	y, s := s.Step()
	*r = s
	if hasSSSE3 {
		hex32SSSE3(&dst[m], x, y)
	} else {
		hex32Go(dst[m:m+32:m+32], x, y)
	}
	return dst
}
