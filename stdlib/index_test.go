package stdlib

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unsafe"
)

// TestBuildIndexPacked: every row is listed once, under its key, in row
// order; the lists share one array.
func TestBuildIndexPacked(t *testing.T) {
	keys := []string{"city", "cat"}
	var rows []Value
	for i := range 50 {
		rows = append(rows, ObjV(keys, []Value{StrV(fmt.Sprintf("c%d", i%7)), IntV(int64(i % 3))}))
	}
	for _, col := range keys {
		idx, err := buildIndex(rows, col)
		if err != nil {
			t.Fatal(err)
		}
		seen := 0
		var lo, hi uintptr = ^uintptr(0), 0
		for k, l := range indexLists(idx) {
			for j, r := range l {
				if v, _ := rows[r].Obj().Get(col); func() bool { vk, _ := keyOf(v); return vk != k }() {
					t.Errorf("%s: row %d (%v) listed under %+v", col, r, v, k)
				}
				if j > 0 && l[j-1] >= r {
					t.Errorf("%s %+v: rows out of order: %v", col, k, l)
				}
			}
			seen += len(l)
			p := uintptr(unsafe.Pointer(unsafe.SliceData(l)))
			lo, hi = min(lo, p), max(hi, p+uintptr(len(l))*4)
		}
		if seen != len(rows) {
			t.Errorf("%s: %d rows listed, want %d", col, seen, len(rows))
		}
		if hi-lo != uintptr(len(rows))*4 {
			t.Errorf("%s: lists span %d bytes, want one array of %d", col, hi-lo, len(rows)*4)
		}
	}
	if _, err := buildIndex(rows, "nope"); err == nil {
		t.Error("an unknown column was accepted")
	}
}

// indexLists is every key of idx with its rows.
func indexLists(idx *rowIndex) map[indexKey][]int32 {
	all := map[indexKey][]int32{}
	for s, l := range idx.strs {
		all[indexKey{k: String, s: s}] = l
	}
	for n, l := range idx.ints {
		all[indexKey{k: Int, n: n}] = l
	}
	for k, l := range idx.other {
		all[k] = l
	}
	return all
}

// TestRowSpan: rows laid out as blocks (object, then values) are
// prefetched whole; other rows only their object; anything else not at all.
func TestRowSpan(t *testing.T) {
	block := new(struct {
		o Obj
		_ [16]byte
		v [3]Value
	})
	block.o = Obj{Keys: []string{"a", "b", "c"}, Vals: block.v[:]}
	far := make([]Value, 4096) // values more than 1 KiB from their object
	apart := ObjV([]string{"a"}, far[4000:4001])
	for _, tc := range []struct {
		name string
		rows []Value
		want uintptr
	}{
		{"block", []Value{ObjectOf(Frozen, &block.o)}, 64 + 3*32},
		{"apart", []Value{apart}, unsafe.Sizeof(Obj{})},
		{"empty object", []Value{ObjV(nil, nil)}, unsafe.Sizeof(Obj{})},
		{"scalars", []Value{IntV(1)}, 0},
		{"none", nil, 0},
	} {
		if got := rowSpan(tc.rows); got != tc.want {
			t.Errorf("%s: span %d, want %d", tc.name, got, tc.want)
		}
		for _, r := range tc.rows {
			prefetchRow(r, rowSpan(tc.rows)) // never faults
		}
	}
	PrefetchSpan(0, 0)
	Prefetch2(0, 0)
	Prefetch8(0, 0, 0, 0, 0, 0, 0, 0)
	buf := make([]byte, 512)
	p := uintptr(unsafe.Pointer(&buf[0]))
	PrefetchLines(0, 0, 0, 0, 0) // none: returns at once (a count of 0 must not wrap around)
	PrefetchLines(3, p, p+64, 0, p+128)
	// Every count, the written-out three and two and the loop's others,
	// over nil, live and far addresses: a prefetch never faults.
	for n := uintptr(0); n <= 6; n++ {
		PrefetchLines(n, p, p+64, 0, p+128)
		PrefetchLines(n, 0, 0, 0, 0)
		PrefetchLines(n, p, ^uintptr(0)-63, 1<<47, p+448)
	}
	// Eight 16-byte slots whose second words point at live memory or at
	// nothing.
	type slot struct {
		t int64
		p *byte
	}
	slots := make([]slot, 8)
	for i := range slots {
		if i%3 != 1 {
			slots[i].p = &buf[64*i]
		}
	}
	PrefetchTargets16(uintptr(unsafe.Pointer(&slots[0].p)))
}

// TestIndexOncePerCompile: the calls of one compile share the index of the
// same rows and column; other columns, other rows (a prefix of the same
// list) and another compile get their own.
func TestIndexOncePerCompile(t *testing.T) {
	keys := []string{"id", "cat"}
	var rows []Value
	for i := range 20 {
		rows = append(rows, ObjV(keys, []Value{IntV(int64(i)), StrV(fmt.Sprintf("c%d", i%4))}))
	}
	cc, other := &CompileCtx{}, &CompileCtx{}
	first, err := cc.index(rows, "cat")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		cc   *CompileCtx
		rows []Value
		col  string
		same bool
	}{
		{"same rows and column", cc, rows, "cat", true},
		{"the same list again", cc, rows[:len(rows):len(rows)], "cat", true},
		{"another column", cc, rows, "id", false},
		{"a prefix of the rows", cc, rows[:10], "cat", false},
		{"another compile", other, rows, "cat", false},
		{"no compile context", nil, rows, "cat", false},
	} {
		idx, err := tc.cc.index(tc.rows, tc.col)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if (idx == first) != tc.same {
			t.Errorf("%s: shared the first index: %v, want %v", tc.name, idx == first, tc.same)
		}
		want := 0
		for _, r := range tc.rows {
			if v, _ := r.Obj().Get(tc.col); v.K == String && v.S == "c1" || v.K == Int && v.I == 1 {
				want++
			}
		}
		if got := len(idx.strs["c1"]) + len(idx.ints[1]); got != want {
			t.Errorf("%s: %d rows under c1 (or 1), want %d", tc.name, got, want)
		}
	}
	if _, err := cc.index(rows, "nope"); err == nil {
		t.Error("an unknown column was accepted")
	}
}

// TestFewStrs: an index with few string keys finds each key's rows in its
// table as the map does, finds nothing for any other string (one with the
// same length and bytes where the table looks, one that is a key's
// prefix), and is not built when keys collide or are too many.
func TestFewStrs(t *testing.T) {
	dishes := []string{"bread_baking", "dessert", "kimchi_sauce", "main_dish", "noodles",
		"rice_porridge", "salad", "side_dish", "snack", "soup_stew"}
	var many []string
	for i := range maxFewStrs + 1 {
		many = append(many, fmt.Sprintf("k%d", i))
	}
	for _, tc := range []struct {
		name  string
		keys  []string
		built bool
	}{
		{"dish types", dishes, true},
		{"one key", []string{"x"}, true},
		{"as many as it holds", many[:maxFewStrs], true},
		{"too many", many, false},
		{"keys alike where it looks", []string{"abcde", "axcde"}, false},
		{"an empty key", []string{"a", ""}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var rows []Value
			for i := range 3 * len(tc.keys) {
				rows = append(rows, ObjV([]string{"k"}, []Value{StrV(tc.keys[i%len(tc.keys)])}))
			}
			idx, err := buildIndex(rows, "k")
			if err != nil {
				t.Fatal(err)
			}
			if (idx.few != nil) != tc.built {
				t.Fatalf("table built: %v, want %v", idx.few != nil, tc.built)
			}
			probes := []string{"", "zzz", "dexsert", "dessert_", "desser", "abxde"} // dexsert: dessert's slot
			for _, k := range tc.keys {
				probes = append(probes, k, k+"x", string([]byte(k))) // a copy: another pointer
			}
			for _, p := range probes {
				want, wantOK := idx.strs[p]
				got, ok := candidates(idx, len(rows), StrV(p))
				if ok != (wantOK && len(want) > 0) || !slices.Equal(got, want) {
					t.Errorf("%q: %v %v, want %v %v", p, got, ok, want, wantOK)
				}
			}
		})
	}
}

// TestManyStrs: an index with more string keys than fewStrs holds finds
// each key's rows in its open-addressing table as the map does, and
// nothing for any other string (a key's prefix, a key with a byte more, a
// key with one byte changed, keys of every length from 0 to 40), whether
// keys are short or long, alike or not.
func TestManyStrs(t *testing.T) {
	cities := []string{"Moscow", "Saint Petersburg", "Kazan", "Ufa", "Omsk", "Nizhny Novgorod", "Yekaterinburg"}
	cats := []string{"grocery_pos", "gas_transport", "misc_pos", "pharmacy", "shopping_pos", "food_dining",
		"home", "kids_pets", "health_fitness", "personal_care", "entertainment", "travel"}
	var cityCat, numbered, short, lengths []string
	for _, c := range cities {
		for _, k := range cats {
			cityCat = append(cityCat, c+"|"+k)
		}
	}
	for i := range 3000 {
		numbered = append(numbered, fmt.Sprintf("M%02d%05d", i%44, i))
	}
	for i := range 300 {
		short = append(short, string(rune('a'+i%26))+strings.Repeat("x", i/26))
	}
	for n := range 41 {
		lengths = append(lengths, strings.Repeat("ab", n)[:n]) // "" among them
	}
	for _, tc := range []struct {
		name string
		keys []string
	}{
		{"city|category", cityCat},
		{"merchant ids", numbered},
		{"short keys", short},
		{"every length", lengths},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var rows []Value
			for i := range 2*len(tc.keys) + 5 {
				rows = append(rows, ObjV([]string{"k"}, []Value{StrV(tc.keys[(i*11)%len(tc.keys)])}))
			}
			idx, err := buildIndex(rows, "k")
			if err != nil {
				t.Fatal(err)
			}
			if idx.few != nil || idx.many == nil {
				t.Fatalf("few %v, many %v: want only many", idx.few != nil, idx.many != nil)
			}
			probes := []string{"", "zzz", "Moscow|", "|grocery_pos"}
			for _, k := range tc.keys {
				b := []byte(k + "?")
				b[len(k)/2] ^= 1
				probes = append(probes, k, k+"x", string([]byte(k)), string(b[:len(k)]), string(b))
				if k != "" {
					probes = append(probes, k[:len(k)-1], k[1:])
				}
			}
			for _, p := range probes {
				want, wantOK := idx.strs[p]
				got, ok := candidates(idx, len(rows), StrV(p))
				if ok != (wantOK && len(want) > 0) || !slices.Equal(got, want) {
					t.Errorf("%q: %v %v, want %v %v", p, got, ok, want, wantOK)
				}
			}
		})
	}
}
