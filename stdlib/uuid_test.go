package stdlib

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// TestUUIDHex checks the UUID formatting, the SSSE3 one where the CPU
// has it and the portable one, against google/uuid's text.
func TestUUIDHex(t *testing.T) {
	defer func(had bool) { hasSSSE3 = had }(hasSSSE3)
	for _, simd := range []bool{false, hasSSSE3} {
		hasSSSE3 = simd
		t.Run(map[bool]string{false: "portable", true: "ssse3"}[simd], testUUIDHex)
	}
}

func testUUIDHex(t *testing.T) {
	pairs := [][2]uint64{
		{0, 0},
		{math.MaxUint64, math.MaxUint64},
		{0x0123456789abcdef, 0xfedcba9876543210},
		{0xa0a0a0a0a0a0a0a0, 0x0909090909090909},
	}
	r := NewRand(7)
	for range 100000 {
		pairs = append(pairs, [2]uint64{r.Uint64(), r.Uint64()})
	}
	for _, p := range pairs {
		got := string(AppendUUIDBits([]byte("id:"), p[0], p[1]))
		if got[:3] != "id:" || len(got) != 39 {
			t.Fatalf("%#x %#x: %q", p[0], p[1], got)
		}
		x := p[0]&^(0xf0<<8) | 0x40<<8
		y := p[1]&^(0xc0<<56) | 0x80<<56
		var b [16]byte
		for i := range 8 {
			b[i], b[8+i] = byte(x>>(56-8*i)), byte(y>>(56-8*i))
		}
		u, err := uuid.FromBytes(b[:])
		if err != nil {
			t.Fatal(err)
		}
		if got[3:] != u.String() || u.Version() != 4 || u.Variant() != uuid.RFC4122 {
			t.Fatalf("%#x %#x: %q, google/uuid %q (version %d, variant %v)", p[0], p[1], got[3:], u.String(), u.Version(), u.Variant())
		}
	}
}

// TestAppendHex checks AppendHex, with and without the byte shuffles,
// against the words it draws printed with %016x, for lengths around the
// 16 and 32 digits it writes at a time.
func TestAppendHex(t *testing.T) {
	defer func(had bool) { hasSSSE3 = had }(hasSSSE3)
	for _, simd := range []bool{false, hasSSSE3} {
		hasSSSE3 = simd
		for n := 0; n <= 70; n++ {
			for seed := uint64(1); seed <= 200; seed++ {
				r := NewRand(seed)
				got := string(AppendHex([]byte("e-"), &r, n))
				r = NewRand(seed)
				want := ""
				for len(want) < n {
					want += fmt.Sprintf("%016x", r.Uint64())
				}
				if got != "e-"+want[:n] {
					t.Fatalf("ssse3 %v, n %d, seed %d: %q, want %q", simd, n, seed, got, "e-"+want[:n])
				}
			}
		}
	}
}

// TestHexSampleMatchesAppendHex: hex(n)'s sampler (hex(32)'s own one
// among them) writes what AppendHex writes after what the arena holds,
// with and without the byte shuffles and room, and leaves the generator
// where AppendHex leaves it.
func TestHexSampleMatchesAppendHex(t *testing.T) {
	defer func(had bool) { hasSSSE3 = had }(hasSSSE3)
	f, _ := New().Lookup("hex")
	for _, simd := range []bool{false, hasSSSE3} {
		hasSSSE3 = simd
		for _, n := range []int64{1, 16, 31, 32, 33, 64} {
			v := IntV(n)
			impl, err := f.Compile(&CompileCtx{}, []Arg{{Type: Int, Const: &v}})
			if err != nil || impl.Sample == nil {
				t.Fatalf("hex(%d): %v", n, err)
			}
			for seed := uint64(1); seed <= 100; seed++ {
				r1, r2 := NewRand(seed), NewRand(seed)
				c := &Ctx{R: &r1, Arena: make([]byte, 0, seed%40)}
				var want []byte
				for i := 0; i < 5; i++ {
					c.Arena = append(c.Arena, "e-"...)
					want = append(want, "e-"...)
					got := impl.Sample(c)
					start := len(want)
					want = AppendHex(want, &r2, int(n))
					if got.K != String || got.S != string(want[start:]) || string(c.Arena) != string(want) || r1 != r2 {
						t.Fatalf("ssse3 %v, hex(%d), seed %d, draw %d: %q (arena %q), want %q (same state: %v)",
							simd, n, seed, i, got.S, c.Arena, want[start:], r1 == r2)
					}
				}
			}
		}
	}
}

// TestUUIDSampleInArena checks uuid()'s compiled sampler (sampleUUID),
// which formats into the record arena, against AppendUUID on a generator
// seeded alike: the same text, the generator left in the same place after
// each draw, the string in the arena and marked plain for JSON and CSV,
// the bytes before it untouched, earlier strings unchanged as the arena
// grows (arenas with no room, less than a UUID's, exactly one and more),
// and after a reset; with and without the shuffles.
func TestUUIDSampleInArena(t *testing.T) {
	defer func(had bool) { hasSSSE3 = had }(hasSSSE3)
	impl := compileArgs(t, "uuid", false)
	for _, simd := range []bool{false, hasSSSE3} {
		hasSSSE3 = simd
		for _, seed := range []uint64{1, 2, 99} {
			for _, arena := range []int{0, 1, 35, 36, 37, 72, 4096} {
				r, ref := NewRand(seed), NewRand(seed)
				c := &Ctx{R: &r, Arena: make([]byte, 0, arena)}
				var got []string
				var want []string
				for i := range 300 {
					if i == 200 {
						c.ResetArena()
						got, want = got[:0], want[:0]
					}
					if i%3 == 1 {
						// Bytes before the UUID, which it must leave alone.
						c.Arena = append(c.Arena, "xyz"[:i%4]...)
					}
					before := string(c.Arena)
					v := impl.Sample(c)
					w := string(AppendUUID(nil, &ref))
					if v.K != String || v.S != w || v.I != PlainJSON|PlainCSV || !c.InArena(v.S) {
						t.Fatalf("simd %v, seed %d, arena %d, draw %d: %v (flags %#x, in arena %v), want %q", simd, seed, arena, i, v, v.I, c.InArena(v.S), w)
					}
					if string(c.Arena) != before+w {
						t.Fatalf("simd %v, seed %d, arena %d, draw %d: arena %q, want %q", simd, seed, arena, i, c.Arena, before+w)
					}
					if r != ref {
						t.Fatalf("simd %v, seed %d, arena %d, draw %d: generator %v, want %v", simd, seed, arena, i, r, ref)
					}
					got, want = append(got, v.S), append(want, w)
				}
				for i := range got {
					if got[i] != want[i] {
						t.Fatalf("simd %v, seed %d, arena %d: string %d became %q, want %q", simd, seed, arena, i, got[i], want[i])
					}
				}
			}
		}
	}
}

// TestFramedMatchesSample checks Impl.Framed of hex (hex(32)'s word
// stores and the appending path of other lengths) and uuid against Sample
// with the text around it appended: the same text, pre and post on
// either side, the flags given and Sample's, the generator left in the
// same place, the string in the arena and the arena's earlier bytes
// unchanged, with and without room, before and after a reset, with and
// without the shuffles.
func TestFramedMatchesSample(t *testing.T) {
	defer func(had bool) { hasSSSE3 = had }(hasSSSE3)
	var impls []Impl
	var names []string
	for _, n := range []int64{1, 16, 31, 32, 33, 64} {
		impls, names = append(impls, compileArgs(t, "hex", false, IntV(n))), append(names, fmt.Sprintf("hex(%d)", n))
	}
	impls, names = append(impls, compileArgs(t, "uuid", false)), append(names, "uuid()")
	texts := []string{"", "e", "e-", "abcdefg", "abcdefgh", "abcdefghi", "a \"quoted\" text, longer than 16 bytes"}
	for _, simd := range []bool{false, hasSSSE3} {
		hasSSSE3 = simd
		for k, impl := range impls {
			if impl.Framed == nil {
				t.Fatalf("%s: no Framed", names[k])
			}
			for _, pre := range texts {
				for _, post := range texts {
					for flags := int64(0); flags <= 3; flags++ {
						f := impl.Framed(pre, post, flags)
						for _, room := range []int{0, 1, 40, 41, 48, 4096} {
							r, ref := NewRand(uint64(room+1)), NewRand(uint64(room+1))
							c := &Ctx{R: &r, Arena: make([]byte, 0, room)}
							rc := &Ctx{R: &ref}
							var got []string
							for i := range 60 {
								if i == 40 {
									c.ResetArena()
									got = got[:0]
								}
								before := string(c.Arena)
								v := f(c)
								w := impl.Sample(rc)
								want := pre + w.S + post
								if v.K != String || v.S != want || v.I != flags&w.I || !c.InArena(v.S) || r != ref {
									t.Fatalf("ssse3 %v, %s, %q %q, flags %d, room %d, draw %d: %q (flags %d, in arena %v), want %q (flags %d); same state %v",
										simd, names[k], pre, post, flags, room, i, v.S, v.I, c.InArena(v.S), want, flags&w.I, r == ref)
								}
								if string(c.Arena) != before+want {
									t.Fatalf("%s, %q %q, room %d, draw %d: arena %q, want %q", names[k], pre, post, room, i, c.Arena, before+want)
								}
								got = append(got, v.S)
							}
							if s := strings.Join(got, ""); s != string(c.Arena) {
								t.Fatalf("%s, %q %q, room %d: earlier strings changed: %q, arena %q", names[k], pre, post, room, s, c.Arena)
							}
						}
					}
				}
			}
		}
	}
}

// TestPutUUIDBits: PutUUIDBits writes, in place, what AppendUUIDBits
// appends, and nothing past its 36 bytes.
func TestPutUUIDBits(t *testing.T) {
	r := NewRand(11)
	words := [][2]uint64{{0, 0}, {^uint64(0), ^uint64(0)}, {0x0123456789abcdef, 0xfedcba9876543210}}
	for range 1000 {
		words = append(words, [2]uint64{r.Uint64(), r.Uint64()})
	}
	for _, w := range words {
		out := make([]byte, 40)
		for i := range out {
			out[i] = '#'
		}
		PutUUIDBits(out, w[0], w[1])
		if want := string(AppendUUIDBits(nil, w[0], w[1])); string(out[:36]) != want || string(out[36:]) != "####" {
			t.Fatalf("%x %x: PutUUIDBits wrote %q, AppendUUIDBits %q", w[0], w[1], out, want)
		}
	}
}
