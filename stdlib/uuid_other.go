//go:build !amd64

package stdlib

import (
	"slices"
	"unsafe"
)

// hasSSSE3 is false where no byte-shuffle formatting is wired up.
var hasSSSE3 = false

// uuidHex writes the UUID of x and y to out[0:36].
func uuidHex(out []byte, x, y uint64) { uuidHexGo(out, x, y) }

// hex32 writes the 32 hex digits of x then y to out[0:32].
func hex32(out []byte, x, y uint64) { hex32Go(out, x, y) }

// appendHex32 is AppendHex(dst, r, 32), hex(32)'s sampler.
func appendHex32(dst []byte, r *Rand) []byte {
	m := len(dst)
	dst = slices.Grow(dst, 32)[:m+32]
	x := r.Uint64()
	hex32Go(dst[m:m+32:m+32], x, r.Uint64())
	return dst
}

// hex32SSSE3 is hex32Go at out[0:32] here, where hasSSSE3 is false and
// no caller reaches it: framedHex32 tests the flag and calls it itself.
func hex32SSSE3(out *byte, x, y uint64) { hex32Go(unsafe.Slice(out, 32), x, y) }

// uuidHexSSSE3 is uuidHexGo at out[0:36] here, where hasSSSE3 is false
// and no caller reaches it: sampleUUID tests the flag and calls it itself.
func uuidHexSSSE3(out *byte, x, y uint64) { uuidHexGo(unsafe.Slice(out, 36), x, y) }
