package engine

import (
	"testing"

	"github.com/scenhq/scen/stdlib"
)

// TestTwoReadsArenaEdges renders a template of two reading parts into
// arenas with no room, exactly the room the text needs, and more, with
// empty and non-empty pieces of every length class putText copies: the
// text must be the concatenation, the arena's earlier bytes untouched,
// and (under the race detector, whose checkptr checks every pointer
// made) no pointer made past the arena's end.
func TestTwoReadsArenaEdges(t *testing.T) {
	texts := []string{"", "a", "ab", "abc", "abcd", "abcdefg", "abcdefgh", "abcdefghijklmnop", "abcdefghijklmnopq",
		"abcdefghijklmnopqrstuvwxyz01234", "abcdefghijklmnopqrstuvwxyz012345", "abcdefghijklmnopqrstuvwxyz0123456", "Ärzte|Zürich"}
	lit := func(s string) Value {
		v := stdlib.StrV(s)
		v.I = stdlib.PlainJSON | stdlib.PlainCSV
		return v
	}
	read := func(s string) *cexpr {
		v := lit(s)
		return &cexpr{typ: stdlib.String, reads: true, fn: func(*Env) Value { return v }}
	}
	general := func(*Env) Value { t.Fatal("general path taken for two strings"); return Value{} }
	for _, pre := range []string{"", "k", "k:", "key", "k:::"} {
		for _, mid := range []string{"", "|", "||", "::", " | ", "-->", "-+-+", "between the two parts", "a middle of thirty-three bytes..."} {
			for _, a := range texts {
				for _, b := range texts {
					segs := []tmplSeg{}
					if pre != "" {
						segs = append(segs, tmplSeg{lit: lit(pre)})
					}
					segs = append(segs, tmplSeg{x: read(a)})
					if mid != "" {
						segs = append(segs, tmplSeg{lit: lit(mid)})
					}
					segs = append(segs, tmplSeg{x: read(b)}, tmplSeg{lit: lit("")})
					fn := twoReads(segs, general)
					if fn == nil {
						t.Fatalf("%q %q %q: not a template of two reads", pre, a, b)
					}
					want := pre + a + mid + b
					for _, held := range []int{0, 3} {
						for _, room := range []int{0, len(want) - 1, len(want), len(want) + 1, len(want) + 15, len(want) + 16, len(want) + 40} {
							if room < 0 {
								continue
							}
							e := &Env{}
							e.Arena = make([]byte, held, held+room)
							for i := range held {
								e.Arena[i] = 'x'
							}
							spare := e.Arena[held:cap(e.Arena)]
							for i := range spare {
								spare[i] = 'y'
							}
							got := fn(e)
							if room > len(want) {
								// The text went in place: nothing written
								// after it.
								for i, c := range spare[len(want):] {
									if c != 'y' {
										t.Fatalf("%q+%q+%q+%q, room %d: byte %d after the text written", pre, a, mid, b, room, i)
									}
								}
							}
							if got.K != stdlib.String || got.S != want || string(e.Arena[:held]) != "xxx"[:held] || len(e.Arena) != held+len(want) {
								t.Fatalf("%q+%q+%q+%q, held %d, room %d: %q (arena %q), want %q", pre, a, mid, b, held, room, got.S, e.Arena, want)
							}
						}
					}
				}
			}
		}
	}
}
