package sinks

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/scenhq/scen/engine/rec"
	"github.com/scenhq/scen/stdlib"
)

// randomValue draws a leaf value of any kind, null often (nulls decide
// which members are left out, and so the commas).
func randomValue(r *rand.Rand) stdlib.Value {
	switch r.IntN(10) {
	case 0, 1:
		return stdlib.NullV()
	case 2:
		return stdlib.IntV(r.Int64N(2000) - 1000)
	case 3:
		return stdlib.FloatV(r.Float64() * 100)
	case 4:
		return stdlib.BoolV(r.IntN(2) == 0)
	case 5:
		return stdlib.StrV([]string{"plain", `quo"te`, "back\\slash", "new\nline", "ünï", ""}[r.IntN(6)])
	case 6:
		if r.IntN(2) == 0 {
			// Within a few hours: most in the hour the formatter holds
			// (written by fastOps), some past it.
			return stdlib.TimeV(1700000000000 + r.Int64N(1e7))
		}
		return stdlib.TimeV(1700000000000 + r.Int64N(1e9))
	case 7:
		return stdlib.DurV(r.Int64N(1e7))
	case 8:
		// Plain strings of every length around the encoder's word and
		// 32-byte block moves, and past the 64 bytes its loop moves.
		const text = "0123456789abcdef-0123456789abcdef-0123456789abcdef-0123456789abcdef-0123456789"
		return stdlib.PlainStr(text[:r.IntN(len(text)+1)])
	default:
		return stdlib.ListV([]stdlib.Value{stdlib.StrV("a"), stdlib.IntV(1), stdlib.NullV()})
	}
}

// randomFields builds a field tree: leaves (some constant), objects,
// lists and json(...) nodes, nested up to depth.
func randomFields(r *rand.Rand, n, depth int, slots *int, inJSON bool) []*rec.Field {
	out := make([]*rec.Field, n)
	for i := range out {
		f := &rec.Field{Name: fmt.Sprintf("f%d", i)}
		switch r.IntN(6) {
		case 0, 1: // keys whose member text is longer than 32 bytes
			f.Name = fmt.Sprintf("a_field_with_a_long_name_%0*d", r.IntN(12), i)
		case 2: // around the 64 and 128 bytes a literal moves as blocks
			f.Name = fmt.Sprintf("%s_%d", strings.Repeat("k", r.IntN(140)), i)
		}
		k := r.IntN(10)
		switch {
		case depth > 0 && k == 0:
			f.Kind = rec.Object
			f.Children = randomFields(r, r.IntN(4), depth-1, slots, inJSON)
		case depth > 0 && k == 1:
			f.Kind = rec.List
			f.Children = randomFields(r, r.IntN(4), depth-1, slots, inJSON)
			for _, c := range f.Children {
				c.Name = ""
			}
		case depth > 0 && k == 2 && !inJSON:
			f.Kind = rec.JSON
			c := &rec.Field{Kind: rec.Object, Children: randomFields(r, 1+r.IntN(4), depth-1, slots, true)}
			f.Children = []*rec.Field{c}
		default:
			f.Kind = rec.Leaf
			f.Slot = *slots
			*slots++
			if r.IntN(3) == 0 {
				v := randomValue(r)
				f.Const = &v
			}
		}
		out[i] = f
	}
	return out
}

// randomRecord draws a record of em's layout: random values, and the
// constants where the layout has them (as the engine fills them).
func randomRecord(r *rand.Rand, em *rec.Emit, slots int) *rec.Record {
	vals := make([]stdlib.Value, slots)
	for i := range vals {
		vals[i] = randomValue(r)
	}
	var setConst func(fs []*rec.Field)
	setConst = func(fs []*rec.Field) {
		for _, f := range fs {
			if f.Const != nil {
				vals[f.Slot] = *f.Const
			}
			setConst(f.Children)
		}
	}
	setConst(em.Fields)
	return &rec.Record{Emit: em, Vals: vals}
}

// TestJSONProgramMatchesTree: for random layouts and random values (nulls
// included), the program writes exactly what the tree encoder writes.
func TestJSONProgramMatchesTree(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Seoul")
	tf := stdlib.NewTimeFormatter(loc)
	r := rand.New(rand.NewPCG(1, 2))
	programs := 0
	for layout := 0; layout < 400; layout++ {
		slots := 0
		em := &rec.Emit{ID: 0, Fields: randomFields(r, 1+r.IntN(6), 3, &slots, false)}
		st := &rec.Stream{Name: "s", Emits: []*rec.Emit{em}}
		e := NewJSONEncoder(st, tf)
		if e.progs[0] != nil {
			programs++
		}
		for rep := 0; rep < 20; rep++ {
			rc := randomRecord(r, em, slots)
			got := string(e.Encode(nil, rc))
			want := string(e.encodeTree(nil, rc))
			if got != want {
				t.Fatalf("layout %d:\nprogram %s\ntree    %s", layout, got, want)
			}
		}
	}
	if programs < 300 {
		t.Errorf("only %d of 400 layouts got a program", programs)
	}
}

// FuzzJSONProgram: for the layout, values and output buffer (what it
// already holds, how much room is left) that two seeds draw, the program
// writes exactly what the tree encoder writes, appended to what the
// buffer held.
func FuzzJSONProgram(f *testing.F) {
	for i := uint64(0); i < 8; i++ {
		f.Add(i, i*7919)
	}
	loc, _ := time.LoadLocation("Asia/Seoul")
	tf := stdlib.NewTimeFormatter(loc)
	f.Fuzz(func(t *testing.T, a, b uint64) {
		r := rand.New(rand.NewPCG(a, b))
		slots := 0
		em := &rec.Emit{ID: 0, Fields: randomFields(r, 1+r.IntN(6), 3, &slots, false)}
		e := NewJSONEncoder(&rec.Stream{Name: "s", Emits: []*rec.Emit{em}}, tf)
		rc := randomRecord(r, em, slots)
		held := r.IntN(100)
		dst := make([]byte, held, held+r.IntN(400))
		for i := range dst {
			dst[i] = 'x'
		}
		got := string(e.Encode(dst, rc))
		want := string(dst) + string(e.encodeTree(nil, rc))
		if got != want {
			t.Fatalf("program %s\ntree    %s", got, want)
		}
	})
}

// TestJSONProgramFallback: a json(...) inside a json(...) uses the tree.
func TestJSONProgramFallback(t *testing.T) {
	inner := &rec.Field{Name: "x", Kind: rec.JSON, Children: []*rec.Field{{Kind: rec.Leaf, Slot: 0}}}
	outer := &rec.Field{Name: "y", Kind: rec.JSON, Children: []*rec.Field{{Kind: rec.Object, Children: []*rec.Field{inner}}}}
	if p := buildProgram([]*rec.Field{outer}, nil); p != nil {
		t.Errorf("nested json got a program: %+v", p)
	}
}

// TestCSVProgramMatchesCells: the CSV row program writes what the
// column-by-column encoder writes, constant cells included.
func TestCSVProgramMatchesCells(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for layout := 0; layout < 300; layout++ {
		slots := 0
		fields := randomFields(r, 1+r.IntN(8), 2, &slots, false)
		em := &rec.Emit{ID: 0, Fields: fields}
		st := &rec.Stream{Name: "s", Emits: []*rec.Emit{em}}
		for _, f := range fields {
			st.Columns = append(st.Columns, rec.Column{Name: f.Name})
		}
		if r.IntN(2) == 0 { // a column this emit lacks
			st.Columns = append(st.Columns[:1:1], append([]rec.Column{{Name: "missing"}}, st.Columns[1:]...)...)
		}
		e := NewCSVEncoder(st, stdlib.NewTimeFormatter(time.UTC))
		for rep := 0; rep < 20; rep++ {
			vals := make([]stdlib.Value, slots)
			for i := range vals {
				vals[i] = randomValue(r)
			}
			for _, f := range fields {
				if f.Const != nil {
					vals[f.Slot] = *f.Const
				}
			}
			rc := &rec.Record{Emit: em, Vals: vals}
			if got, want := string(e.Encode(nil, rc)), string(encodeCells(e, st, rc)); got != want {
				t.Fatalf("layout %d:\nprogram %q\ncells   %q", layout, got, want)
			}
			// After what a buffer holds, with room or not for the
			// loop that moves plain strings as words and blocks.
			dst := append(make([]byte, 0, 3+r.IntN(600)), "xyz"...)
			if got, want := string(e.Encode(dst, rc)), "xyz"+string(encodeCells(e, st, rc)); got != want {
				t.Fatalf("layout %d, room %d:\nprogram %q\ncells   %q", layout, cap(dst)-3, got, want)
			}
		}
	}
}

// encodeCells is the CSV encoder column by column, without the program:
// the reference the programs are tested against.
func encodeCells(e *CSVEncoder, s *rec.Stream, r *rec.Record) []byte {
	var dst []byte
	for i, n := range e.columnNodes(r.Emit, s) {
		if i > 0 {
			dst = append(dst, ',')
		}
		if n != nil {
			dst = e.cell(dst, n, r.Vals)
		}
	}
	return append(dst, '\n')
}

// TestAppendEscapedPlain: a plain string inside a json() field is written
// as \"s\" for every length the word moves cover and around them, after
// other bytes, into buffers with and without room.
func TestAppendEscapedPlain(t *testing.T) {
	const text = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	for k := 0; k <= 40; k++ {
		s := text[:k]
		for _, dst := range [][]byte{nil, []byte("[x,"), make([]byte, 2, 100)} {
			want := string(dst) + `\"` + s + `\"`
			if got := string(appendEscapedPlain(dst, s)); got != want {
				t.Errorf("len %d after %q: %s, want %s", k, dst, got, want)
			}
		}
	}
	// Through a list inside a json() field, as the recipe's displayed ids.
	e := &JSONEncoder{}
	l := stdlib.ListV([]stdlib.Value{stdlib.StrV("R03161"), stdlib.StrV("a\"b"), stdlib.IntV(3), stdlib.StrV("a-much-longer-identifier-0001")})
	l.List()[0].I = stdlib.PlainJSON
	l.List()[3].I = stdlib.PlainJSON
	if got, want := string(e.appendEscapedValue(nil, l)), `[\"R03161\",\"a\\\"b\",3,\"a-much-longer-identifier-0001\"]`; got != want {
		t.Errorf("list: %s, want %s", got, want)
	}
	// Lists of plain ids (4 to 16 bytes: appendEscapedIDs) of every
	// length mix, against JSON escaped as text, after other bytes.
	for n := 0; n <= 5; n++ {
		for k := 0; k <= 20; k++ {
			var elems []stdlib.Value
			for i := range n {
				elems = append(elems, stdlib.PlainStr(text[i:i+max(k-i%3, 0)]))
			}
			v := stdlib.ListV(elems)
			q := stdlib.AppendJSONString(nil, string(stdlib.AppendJSON(nil, v, nil)))
			want := "x," + string(q[1:len(q)-1])
			if got := string(e.appendEscapedValue([]byte("x,"), v)); got != want {
				t.Errorf("%d ids of about %d bytes: %s, want %s", n, k, got, want)
			}
		}
	}
	// appendEscapedIDs checks as it writes: a list that turns out not to
	// be ids after some were written (the last element another kind, too
	// long, too short, not plain), and lists longer than it tries, are
	// written the general way, nothing of the first attempt left.
	ids := func(n int) []stdlib.Value {
		var l []stdlib.Value
		for i := range n {
			l = append(l, stdlib.PlainStr(fmt.Sprintf("R%05d", i)))
		}
		return l
	}
	for _, tc := range []struct {
		name string
		l    []stdlib.Value
	}{
		{"an int last", append(ids(9), stdlib.IntV(7))},
		{"a long string last", append(ids(9), stdlib.PlainStr("seventeen-bytes-x"))},
		{"a short string last", append(ids(9), stdlib.PlainStr("abc"))},
		{"a string to escape last", append(ids(9), stdlib.StrV("quo\"te"))},
		{"null last", append(ids(3), stdlib.NullV())},
		{"as many as it tries", ids(maxIDList)},
		{"one more than it tries", ids(maxIDList + 1)},
	} {
		v := stdlib.ListV(tc.l)
		q := stdlib.AppendJSONString(nil, string(stdlib.AppendJSON(nil, v, nil)))
		want := "x," + string(q[1:len(q)-1])
		if got := string(e.appendEscapedValue([]byte("x,"), v)); got != want {
			t.Errorf("%s: %s, want %s", tc.name, got, want)
		}
	}
}

// TestOpReach: no operation fastOps runs writes past its reach, the room
// run makes before fastOps checks nothing (random layouts and values:
// each operation run alone, over bytes it finds filled with 0x00 and then
// with 0xff, and the last byte it changed must be inside its reach).
func TestOpReach(t *testing.T) {
	tf := stdlib.NewTimeFormatter(time.UTC)
	tf.Append(nil, 1700000000000) // the hour fastOps writes timestamps in
	r := rand.New(rand.NewPCG(5, 6))
	ran := map[bool]int{} // by whether the value was written
	for layout := 0; layout < 300; layout++ {
		slots := 0
		em := &rec.Emit{ID: 0, Fields: randomFields(r, 1+r.IntN(6), 3, &slots, false)}
		p := buildProgram(em.Fields, tf)
		if p == nil {
			continue
		}
		for rep := 0; rep < 20; rep++ {
			vals := randomRecord(r, em, slots).Vals
			for _, op := range p.ops {
				one := []jop{op, {kind: opEnd}}
				last := [2]int{-1, -1}
				for pass, fill := range []byte{0, 0xff} {
					buf := make([]byte, 300)
					for i := range buf {
						buf[i] = fill
					}
					buf[99] = ',' // a trailing comma for opClose to replace
					d := unsafe.Pointer(&buf[100])
					end, stop := fastOps(d, &one[0], unsafe.Pointer(unsafe.SliceData(p.text)), unsafe.Pointer(unsafe.SliceData(vals)), tf)
					if stop == &one[0] { // slowOp's
						continue
					}
					ran[end != d]++
					last[pass] = -1
					for i := 100; i < len(buf); i++ {
						if buf[i] != fill {
							last[pass] = i - 100
						}
					}
				}
				if reach := opReach(&op); max(last[0], last[1]) >= reach {
					t.Fatalf("layout %d: operation %+v wrote up to %d, its reach is %d", layout, op, max(last[0], last[1]), reach)
				}
			}
		}
	}
	if ran[true] < 1000 {
		t.Errorf("only %d operations ran in fastOps", ran[true])
	}
}

// TestJSONProgramStringTails: a record shaped like recipe's (plain string
// members, then json(...) objects with a nested object, members that may
// be null and a list), with each kind of value in each member. A string
// member in fastOps ends with the word after the member's text in the
// program (", or \", inside a json(...) string); the program must write
// what the tree encoder writes: strings that need escaping (in one
// json(...) string and in two), non-ASCII text, nulls, nested objects and
// lists.
func TestJSONProgramStringTails(t *testing.T) {
	leaf := func(name string, slot int) *rec.Field { return &rec.Field{Name: name, Kind: rec.Leaf, Slot: slot} }
	node := func(name string, kind rec.FieldKind, c ...*rec.Field) *rec.Field {
		return &rec.Field{Name: name, Kind: kind, Children: c}
	}
	fields := []*rec.Field{
		leaf("event_id", 0),
		leaf("session_id", 1),
		node("context", rec.JSON, node("", rec.Object,
			node("page", rec.Object, leaf("name", 2), leaf("url", 3)),
			leaf("segment", 4),
			leaf("group", 5))),
		node("props", rec.JSON, node("", rec.Object,
			leaf("id", 6),
			node("pair", rec.List, leaf("", 7), leaf("", 2)),
			leaf("last", 8))),
		leaf("after", 9),
	}
	em := &rec.Emit{ID: 0, Fields: fields}
	loc, _ := time.LoadLocation("Asia/Seoul")
	e := NewJSONEncoder(&rec.Stream{Name: "s", Emits: []*rec.Emit{em}}, stdlib.NewTimeFormatter(loc))
	if e.progs[0] == nil {
		t.Fatal("no program")
	}
	ids := stdlib.ListV([]stdlib.Value{stdlib.PlainStr("R01228"), stdlib.PlainStr("R07854")})
	values := []struct {
		name string
		v    stdlib.Value
	}{
		{"empty plain", stdlib.PlainStr("")},
		{"short plain", stdlib.PlainStr("ab")},
		{"plain", stdlib.PlainStr("FEMALE_20S")},
		{"uuid", stdlib.PlainStr("f0b0cc0b-da36-4172-a176-7930fd4bc213")},
		{"64 bytes", stdlib.PlainStr(strings.Repeat("0123456789abcdef", 4))},
		{"65 bytes", stdlib.PlainStr(strings.Repeat("x", 65))},
		{"quote", stdlib.StrV(`say "hi"`)},
		{"backslash", stdlib.StrV(`C:\dir\`)},
		{"newline and tab", stdlib.StrV("a\nb\tc")},
		{"control", stdlib.StrV("\x01\x1f")},
		{"html", stdlib.StrV("<a href='x'>&</a>")},
		{"non-ASCII", stdlib.StrV("레시피 ünï €")},
		{"non-ASCII const", stdlib.ConstStr("한국어")},
		{"invalid UTF-8", stdlib.StrV("a\xffb")},
		{"null", stdlib.NullV()},
		{"int", stdlib.IntV(42)},
		{"big int", stdlib.IntV(123456)},
		{"negative", stdlib.IntV(-5)},
		{"float", stdlib.FloatV(2.5)},
		{"bool", stdlib.BoolV(true)},
		{"time", stdlib.TimeV(1748703738547)},
		{"ids", ids},
		{"mixed list", stdlib.ListV([]stdlib.Value{stdlib.StrV(`q"`), stdlib.NullV(), stdlib.IntV(1), ids})},
		{"empty list", stdlib.ListV(nil)},
	}
	base := []stdlib.Value{
		stdlib.PlainStr("6114a38b-c952-4edb-ab8e-29cd026a9163"),
		stdlib.PlainStr("session_da54b364-ba7b-4963-9874-46dab76c2ecf"),
		stdlib.PlainStr("main"),
		stdlib.PlainStr("https://reciping.co.kr/"),
		stdlib.PlainStr("FEMALE_20S"),
		stdlib.NullV(),
		stdlib.PlainStr("R01228"),
		stdlib.PlainStr("direct"),
		stdlib.NullV(),
		stdlib.PlainStr("end"),
	}
	for slot := range base {
		for _, c := range values {
			vals := slices.Clone(base)
			vals[slot] = c.v
			rc := &rec.Record{Emit: em, Vals: vals}
			want := string(e.encodeTree(nil, rc))
			// From an empty buffer, and after what a buffer holds with
			// little room left (run grows it).
			if got := string(e.Encode(nil, rc)); got != want {
				t.Errorf("slot %d, %s:\nprogram %s\ntree    %s", slot, c.name, got, want)
			}
			held := make([]byte, 10, 12)
			if got := string(e.Encode(held, rc)); got != string(held)+want {
				t.Errorf("slot %d, %s, after 10 bytes:\nprogram %s\ntree    %s", slot, c.name, got, want)
			}
		}
	}
	// The escaped tails, spelled out for recipe's record.
	want := `{"event_id":"6114a38b-c952-4edb-ab8e-29cd026a9163",` +
		`"session_id":"session_da54b364-ba7b-4963-9874-46dab76c2ecf",` +
		`"context":"{\"page\":{\"name\":\"main\",\"url\":\"https://reciping.co.kr/\"},\"segment\":\"FEMALE_20S\"}",` +
		`"props":"{\"id\":\"R01228\",\"pair\":[\"direct\",\"main\"]}","after":"end"}` + "\n"
	if got := string(e.Encode(nil, &rec.Record{Emit: em, Vals: base})); got != want {
		t.Errorf("recipe's record:\n got %s\nwant %s", got, want)
	}
}

// TestCSVEncodeRows: the bytes a row's cells come out as, whichever way
// Encode writes them (its own loop with room, writeOp without, literals
// of up to 16 bytes and longer ones, the row's end as one block or
// appended): quoted strings, plain strings of every size the loop moves,
// nulls, numbers, booleans, times, durations, lists, and constants.
func TestCSVEncodeRows(t *testing.T) {
	tf := stdlib.NewTimeFormatter(time.UTC)
	long := strings.Repeat("c", 20) // a constant cell: the literal after it has more than 16 bytes
	cst := stdlib.PlainStr(long)
	for _, tc := range []struct {
		name string
		v    stdlib.Value
		cell string
	}{
		{"null", stdlib.NullV(), ""},
		{"empty string", stdlib.StrV(""), `""`},
		{"plain empty string", stdlib.PlainStr(""), `""`},
		{"comma", stdlib.StrV("a,b"), `"a,b"`},
		{"quote", stdlib.StrV(`say "hi"`), `"say ""hi"""`},
		{"newline", stdlib.StrV("a\nb"), "\"a\nb\""},
		{"carriage return", stdlib.StrV("a\rb"), "\"a\rb\""},
		{"leading blank", stdlib.StrV(" x"), `" x"`},
		{"leading tab", stdlib.StrV("\tx"), "\"\tx\""},
		{"unflagged plain", stdlib.StrV("Moscow"), "Moscow"},
		{"plain 1", stdlib.PlainStr("a"), "a"},
		{"plain 3", stdlib.PlainStr("abc"), "abc"},
		{"plain 4", stdlib.PlainStr("abcd"), "abcd"},
		{"plain 7", stdlib.PlainStr("grocery"), "grocery"},
		{"plain 8", stdlib.PlainStr("C0001234"), "C0001234"},
		{"plain 16", stdlib.PlainStr("0123456789abcdef"), "0123456789abcdef"},
		{"plain 17", stdlib.PlainStr("0123456789abcdefg"), "0123456789abcdefg"},
		{"plain 32", stdlib.PlainStr(strings.Repeat("ab", 16)), strings.Repeat("ab", 16)},
		{"plain 33", stdlib.PlainStr(strings.Repeat("ab", 16) + "c"), strings.Repeat("ab", 16) + "c"},
		{"uuid", stdlib.PlainStr("4f0c7d2e-8a51-4c8e-9d3b-2b7e6f1a9c04"), "4f0c7d2e-8a51-4c8e-9d3b-2b7e6f1a9c04"},
		{"plain 64", stdlib.PlainStr(strings.Repeat("x", 64)), strings.Repeat("x", 64)},
		{"plain 65", stdlib.PlainStr(strings.Repeat("x", 65)), strings.Repeat("x", 65)},
		{"int", stdlib.IntV(-42), "-42"},
		{"float", stdlib.FloatV(1234.56), "1234.56"},
		{"whole float", stdlib.FloatV(3), "3.0"},
		{"small float", stdlib.FloatV(1e-7), "1e-07"},
		{"bool", stdlib.BoolV(true), "true"},
		{"time", stdlib.TimeV(1735689600123), "2025-01-01T00:00:00.123+00:00"},
		{"duration", stdlib.DurV(90000), "1m30s"},
		{"list", stdlib.ListV([]stdlib.Value{stdlib.StrV("a,b"), stdlib.IntV(1)}), `"[""a,b"",1]"`},
	} {
		for _, layout := range []struct {
			name string
			cols []string // "v": the value's column, "k": the constant, "n": a column the emit lacks
			want string
		}{
			{"alone", []string{"v"}, tc.cell + "\n"},
			{"after a column missing", []string{"n", "v"}, "," + tc.cell + "\n"},
			{"after a constant", []string{"k", "v"}, long + "," + tc.cell + "\n"},
			{"before a constant", []string{"v", "k", "n"}, tc.cell + "," + long + ",\n"},
		} {
			em := &rec.Emit{ID: 0}
			st := &rec.Stream{Name: "s", Emits: []*rec.Emit{em}}
			for _, c := range layout.cols {
				st.Columns = append(st.Columns, rec.Column{Name: c})
				switch c {
				case "v":
					em.Fields = append(em.Fields, &rec.Field{Name: "v", Kind: rec.Leaf, Slot: 1})
				case "k":
					em.Fields = append(em.Fields, &rec.Field{Name: "k", Kind: rec.Leaf, Slot: 0, Const: &cst})
				}
			}
			e := NewCSVEncoder(st, tf)
			rc := &rec.Record{Emit: em, Vals: []stdlib.Value{cst, tc.v}}
			for _, room := range []int{0, 1, 20, 100, 200} {
				dst := append(make([]byte, 0, 3+room), "xyz"...)
				if got := string(e.Encode(dst, rc)); got != "xyz"+layout.want {
					t.Errorf("%s, %s, room %d: %q, want %q", tc.name, layout.name, room, got, "xyz"+layout.want)
				}
			}
		}
	}
}

// TestJSONTimesThroughTheHour checks the timestamps the program writes
// for a record in the formatter's hour (fastOps, in 32-bit arithmetic)
// and for the others (TimeFormatter.Append), against package time: every
// second of several hours with milliseconds 0, 1, 99, 100, 101, 500 and
// 999, in order, in zones whose hours start on the UTC hour, on its half
// hour, and off the minute (Amsterdam's +00:19:32 in 1935), with and
// without a string member after the time.
func TestJSONTimesThroughTheHour(t *testing.T) {
	for _, tc := range []struct {
		zone  string
		start time.Time
	}{
		{"UTC", time.Date(2022, 3, 24, 0, 0, 0, 0, time.UTC)},
		{"Asia/Kolkata", time.Date(2025, 1, 1, 23, 0, 0, 0, time.UTC)},
		{"Europe/Amsterdam", time.Date(1935, 6, 1, 10, 0, 0, 0, time.UTC)},
		{"America/New_York", time.Date(2025, 3, 9, 5, 0, 0, 0, time.UTC)}, // through the change to daylight saving
	} {
		loc, err := time.LoadLocation(tc.zone)
		if err != nil {
			t.Fatal(err)
		}
		for _, after := range []bool{false, true} {
			fields := []*rec.Field{{Name: "t", Kind: rec.Leaf, Slot: 0}}
			if after {
				fields = append(fields, &rec.Field{Name: "s", Kind: rec.Leaf, Slot: 1})
			}
			em := &rec.Emit{ID: 0, Fields: fields}
			e := NewJSONEncoder(&rec.Stream{Name: "s", Emits: []*rec.Emit{em}}, stdlib.NewTimeFormatter(loc))
			if e.progs[0] == nil {
				t.Fatal("no program")
			}
			var dst []byte
			n := 0
			for sec := tc.start.UnixMilli(); sec < tc.start.UnixMilli()+3*3600000; sec += 1000 {
				for _, milli := range []int64{0, 1, 99, 100, 101, 500, 999} {
					ms := sec + milli
					r := &rec.Record{Emit: em, Vals: []stdlib.Value{stdlib.TimeV(ms), stdlib.PlainStr("x")}, Time: ms}
					dst = e.Encode(dst[:0], r)
					tt := time.UnixMilli(ms).In(loc)
					layout := "2006-01-02T15:04:05.000-07:00"
					if _, off := tt.Zone(); off%60 != 0 { // local mean time keeps its seconds
						layout = "2006-01-02T15:04:05.000-07:00:00"
					}
					want := `{"t":"` + tt.Format(layout) + `"`
					if after {
						want += `,"s":"x"`
					}
					want += "}\n"
					if string(dst) != want {
						t.Fatalf("%s, %d: %q, want %q", tc.zone, ms, dst, want)
					}
					n++
				}
			}
			if n != 3*3600*7 {
				t.Fatalf("%d records", n)
			}
		}
	}
}
