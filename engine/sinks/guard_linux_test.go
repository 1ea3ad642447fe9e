package sinks

import (
	"testing"
	"time"

	"github.com/scenhq/scen/engine/rec"
	"github.com/scenhq/scen/stdlib"

	"github.com/scenhq/scen/internal/guardtest"
)

// TestEncodersStayInBounds: the JSON program and appendEscapedPlain move
// strings and literals as whole words. With each string ending at an
// unmapped page (nothing may be read past its end) and dst's capacity
// ending at another (nothing may be written past it), for every string
// length the word moves cover and around them and every room left in dst,
// they write exactly what the tree encoder writes.
func TestEncodersStayInBounds(t *testing.T) {
	src, out := guardtest.Page(t), guardtest.Page(t)
	const text = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_0123456789"
	tf := stdlib.NewTimeFormatter(time.UTC)
	layouts := map[string][]*rec.Field{
		"member": {{Name: "id", Kind: rec.Leaf, Slot: 0}},
		"second": {{Name: "n", Kind: rec.Leaf, Slot: 1}, {Name: "a_member_whose_name_is_rather_long", Kind: rec.Leaf, Slot: 0}},
		"json": {{Name: "j", Kind: rec.JSON, Children: []*rec.Field{{Kind: rec.Object, Children: []*rec.Field{
			{Name: "id", Kind: rec.Leaf, Slot: 0}}}}}},
		"list": {{Name: "j", Kind: rec.JSON, Children: []*rec.Field{{Kind: rec.Leaf, Slot: 2}}}},
		// A timestamp in the hour the formatter holds is written in
		// fastOps, as one 32-byte block.
		"time": {{Name: "ts", Kind: rec.Leaf, Slot: 3}, {Name: "id", Kind: rec.Leaf, Slot: 0}},
	}
	// The CSV row program moves plain strings the same way.
	csvFields := []*rec.Field{{Name: "id", Kind: rec.Leaf, Slot: 0}, {Name: "n", Kind: rec.Leaf, Slot: 1}}
	csvEm := &rec.Emit{ID: 0, Fields: csvFields}
	csvSt := &rec.Stream{Name: "s", Emits: []*rec.Emit{csvEm}, Columns: []rec.Column{{Name: "id"}, {Name: "n"}}}
	ce := NewCSVEncoder(csvSt, tf)
	for k := 0; k <= len(text); k++ {
		copy(src[len(src)-k:], text[:k])
		s := arenaStr(src[len(src)-k:])
		rc := &rec.Record{Emit: csvEm, Vals: []stdlib.Value{stdlib.PlainStr(s), stdlib.IntV(7)}}
		want := "[" + string(encodeCells(ce, csvSt, rc))
		for room := 0; room <= k+140; room++ {
			dst := out[len(out)-1-room:][: 1 : 1+room]
			dst[0] = '['
			if got := string(ce.Encode(dst, rc)); got != want {
				t.Fatalf("csv, string of %d bytes, room %d:\n got %s\nwant %s", k, room, got, want)
			}
		}
	}
	for name, fields := range layouts {
		em := &rec.Emit{ID: 0, Fields: fields}
		e := NewJSONEncoder(&rec.Stream{Name: "s", Emits: []*rec.Emit{em}}, tf)
		if e.progs[0] == nil {
			t.Fatalf("%s: no program", name)
		}
		for k := 0; k <= len(text); k++ {
			// The string's last byte is the page's last.
			copy(src[len(src)-k:], text[:k])
			s := arenaStr(src[len(src)-k:])
			// Ints of one, two and three digits are written in fastOps too.
			vals := []stdlib.Value{stdlib.PlainStr(s), stdlib.IntV([]int64{7, 42, 999, 1000, -5}[k%5]),
				stdlib.ListV([]stdlib.Value{stdlib.PlainStr(s), stdlib.PlainStr(s)}), stdlib.TimeV(1700000000123)}
			rc := &rec.Record{Emit: em, Vals: vals}
			want := "[" + string(e.encodeTree(nil, rc))
			// fastOps runs once dst has room for the program's reach
			// (with less, run grows dst first): rooms up to past it.
			for room := 0; room <= e.progs[0].room+k+8; room++ {
				for i := range out {
					out[i] = 'x'
				}
				dst := out[len(out)-1-room:][: 1 : 1+room]
				dst[0] = '['
				if got := string(e.Encode(dst, rc)); got != want {
					t.Fatalf("%s, string of %d bytes, room %d:\n got %s\nwant %s", name, k, room, got, want)
				}
			}
			wantPlain := `[\"` + s + `\"`
			for room := 0; room <= k+8; room++ {
				dst := out[len(out)-1-room:][: 1 : 1+room]
				dst[0] = '['
				if got := string(appendEscapedPlain(dst, s)); got != wantPlain {
					t.Fatalf("appendEscapedPlain(%d bytes), room %d: %s, want %s", k, room, got, wantPlain)
				}
			}
		}
	}
}
