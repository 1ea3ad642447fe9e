package stdlib

import (
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"unsafe"
)

func testTable() *Table {
	return NewTable([]string{"id", "name", "n"}, [][]Value{
		{StrV("a"), StrV("plain"), IntV(1)},
		{StrV("b"), StrV(`quote"d`), IntV(2)},
		{StrV("c"), StrV("caf\u00e9"), NullV()},
	})
}

// TestTableRows: a row leads back to its table and number; copies made
// elsewhere (Freeze, a constant row object) do not pass for table rows.
func TestTableRows(t *testing.T) {
	tab := testTable()
	for i, r := range tab.Rows() {
		got, j := TableOf(r)
		if got != tab || j != i {
			t.Fatalf("row %d: TableOf = %p, %d", i, got, j)
		}
		if v, _ := r.Obj().Get("id"); !Equal(v, tab.Column(0)[i]) {
			t.Fatalf("row %d: id %v, column %v", i, v, tab.Column(0)[i])
		}
	}
	cases := []struct {
		name string
		v    Value
	}{
		{"frozen copy of row 2 loses its number", Freeze(objVal(Object, 0, tab.Row(2).Obj()))},
		{"other object with the same keys", objVal(Object, Frozen|2, &Obj{Keys: tab.Keys, Vals: tab.Row(1).Obj().Vals})},
		{"not frozen", objVal(Object, 0, tab.Row(0).Obj())},
		{"list", ListV([]Value{tab.Row(0)})},
		{"null", NullV()},
	}
	for _, c := range cases {
		if got, _ := TableOf(c.v); got != nil {
			t.Errorf("%s: TableOf found a table", c.name)
		}
	}
	// Rows of two tables in turn: the remembered last table never answers
	// for the other's rows.
	other := NewTable([]string{"x"}, [][]Value{{IntV(7)}, {IntV(8)}, {IntV(9)}, {IntV(10)}})
	for k := 0; k < 8; k++ {
		tb, want := tab, k%3
		if k%2 == 1 {
			tb, want = other, k%4
		}
		if got, j := TableOf(tb.Row(want)); got != tb || j != want {
			t.Fatalf("turn %d: TableOf = %p, %d; want %p, %d", k, got, j, tb, want)
		}
	}
	// Freeze keeps the row number of a row value.
	if got, j := TableOf(Freeze(tab.Row(2))); got != tab || j != 2 {
		t.Errorf("Freeze(row 2): %p %d", got, j)
	}
}

// TestTablePlainJSON: only strings that need no escaping carry the flag,
// and AppendJSON writes the same text with or without it.
func TestTablePlainJSON(t *testing.T) {
	tab := testTable()
	want := []bool{true, false, false}
	for i, v := range tab.Column(1) {
		if got := v.I&PlainJSON != 0; got != want[i] {
			t.Errorf("row %d %q: plain %v, want %v", i, v.S, got, want[i])
		}
		if a, b := string(AppendJSON(nil, v, nil)), string(AppendJSON(nil, StrV(v.S), nil)); a != b {
			t.Errorf("row %d: %s vs %s", i, a, b)
		}
	}
}

// TestTablePluckAndSample: pluck reads table rows through their columns and
// any other object by key, in list order; sample_rows over a table returns
// the table's rows, filtered by the column.
func TestTablePluckAndSample(t *testing.T) {
	tab := testTable()
	f, _ := New().Lookup("pluck")
	impl, err := f.Compile(&CompileCtx{}, []Arg{{Type: List}, {Type: String}})
	if err != nil {
		t.Fatal(err)
	}
	other := objVal(Object, 0, &Obj{Keys: []string{"x", "id"}, Vals: []Value{IntV(0), StrV("z")}})
	cases := []struct {
		name string
		rows []Value
		key  string
		want string
	}{
		{"table rows", []Value{tab.Row(2), tab.Row(0)}, "id", `["c","a"]`},
		{"missing column", []Value{tab.Row(1)}, "nope", `[null]`},
		{"mixed", []Value{tab.Row(1), other, IntV(3), tab.Row(0)}, "id", `["b","z",null,"a"]`},
		{"other first", []Value{other, tab.Row(1)}, "id", `["z","b"]`},
		{"null cell", []Value{tab.Row(2)}, "n", `[null]`},
	}
	for _, c := range cases {
		got := impl.Fn(&Ctx{}, []Value{ListV(c.rows), StrV(c.key)})
		if s := string(AppendJSON(nil, got, nil)); s != c.want {
			t.Errorf("%s: %s, want %s", c.name, s, c.want)
		}
	}

	rows := ListV(tab.Rows())
	sf, _ := New().Lookup("sample_rows")
	col, n := StrV("n"), IntV(5)
	simpl, err := sf.Compile(&CompileCtx{}, []Arg{{Type: List, Const: &rows}, {Type: Int, Const: &n}, {Type: String, Const: &col}, {Type: Int}})
	if err != nil {
		t.Fatal(err)
	}
	var r Rand
	r.Seed(1)
	got := simpl.Fn(&Ctx{R: &r}, []Value{rows, n, col, IntV(2)}).List()
	if len(got) != 1 {
		t.Fatalf("sample_rows n=2: %d rows", len(got))
	}
	if tb, i := TableOf(got[0]); tb != tab || i != 1 {
		t.Errorf("sample_rows n=2: row %d of %p", i, tb)
	}
}

// TestTextFlags: each flag is set exactly when its encoder may copy the
// text as is.
func TestTextFlags(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want int64
	}{
		{"", PlainJSON}, // a CSV cell writes "" as "", to tell it from null
		{"abc-123", PlainJSON | PlainCSV},
		{"a long plain string of more than eight bytes", PlainJSON | PlainCSV},
		{"a,b", PlainJSON},
		{"twelve bytes, then a comma", PlainJSON},
		{`q"`, 0},
		{" lead", PlainJSON},
		{"\tlead", 0},
		{"mid blank", PlainJSON | PlainCSV},
		{`back\slash`, PlainCSV},
		{"naïve", PlainCSV},
		{"line\nbreak", 0},
		{"0123456789abcdef\r", 0},
	} {
		if got := TextFlags(tc.s); got != tc.want {
			t.Errorf("TextFlags(%q) = %b, want %b", tc.s, got, tc.want)
		}
		if got := ConstStr(tc.s).I; got != tc.want {
			t.Errorf("ConstStr(%q).I = %b, want %b", tc.s, got, tc.want)
		}
	}
}

// TestTableColumnConcurrent: workers reading a column for the first time at
// once all get the same array, equal to the rows' values.
func TestTableColumnConcurrent(t *testing.T) {
	tab := testTable()
	const n = 8
	got := make([][]Value, n)
	var wg sync.WaitGroup
	for g := range n {
		wg.Go(func() { got[g] = tab.Column(1) })
	}
	wg.Wait()
	for g := range n {
		if &got[g][0] != &got[0][0] {
			t.Fatalf("reader %d got another array", g)
		}
	}
	for i, r := range tab.Rows() {
		if v, _ := r.Obj().Get("name"); !Equal(v, got[0][i]) {
			t.Errorf("row %d: name %v, column %v", i, v, got[0][i])
		}
	}
}

// TestTableTextFlagsMatch: the flags NewTable and ArenaFlags set column by
// column (over each column's arena) are TextFlags' for every
// string: of any length, with a dirty byte anywhere (or none), next to
// empty strings and nulls, and for strings outside the arena or out of
// its order.
func TestTableTextFlagsMatch(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "b", "Z", "0", " ", ",", `"`, `\`, "\t", "\n", "\x7f", "é", "~"}
	word := func() string {
		n := r.IntN(24)
		if r.IntN(4) == 0 {
			n = r.IntN(3)
		}
		var b strings.Builder
		clean := r.IntN(2) == 0 // mostly plain text, as most columns are
		for range n {
			if clean {
				b.WriteByte("abcxyz-_.0189 "[r.IntN(14)])
			} else {
				b.WriteString(alphabet[r.IntN(len(alphabet))])
			}
		}
		return b.String()
	}
	for round := range 200 {
		nr := 1 + r.IntN(40)
		rows := make([][]Value, nr)
		for i := range rows {
			rows[i] = []Value{StrV(word()), NullV()}
			if r.IntN(5) == 0 {
				rows[i][0] = NullV()
			}
			rows[i][1] = StrV(word())
		}
		check := func(how string, tab *Table) {
			t.Helper()
			for i := range nr {
				for j := range 2 {
					v := tab.Row(i).Obj().Vals[j]
					if v.K == String && v.I != TextFlags(v.S) {
						t.Fatalf("round %d, %s: row %d col %d %q: flags %b, TextFlags %b", round, how, i, j, v.S, v.I, TextFlags(v.S))
					}
				}
			}
		}
		copyRows := func() [][]Value {
			out := make([][]Value, nr)
			for i := range rows {
				out[i] = append([]Value(nil), rows[i]...)
			}
			return out
		}
		check("NewTable", NewTable([]string{"a", "b"}, copyRows()))
		// Column b's text in an arena of its own, as a CSV file's; column
		// a's partly in the arena, in another order.
		rs := copyRows()
		var arena []byte
		for i := range rs {
			arena = append(arena, rs[i][1].S...)
		}
		arena = append(arena, "tail, not used"...)
		off := 0
		for i := range rs {
			n := len(rs[i][1].S)
			if n > 0 {
				rs[i][1].S = unsafe.String(&arena[off], n)
			}
			off += n
		}
		other := []byte(strings.Repeat("x,y\"\\é ", 8))
		for i := range rs {
			if rs[i][0].K == String && len(rs[i][0].S) > 0 && r.IntN(2) == 0 {
				k := r.IntN(len(other))
				rs[i][0].S = unsafe.String(&other[k], min(len(rs[i][0].S), len(other)-k))
			}
		}
		fa, fb := NewArenaFlags(other), NewArenaFlags(arena)
		for i := range rs {
			if rs[i][0].K == String {
				rs[i][0].I = fa.Flags(rs[i][0].S)
			}
			rs[i][1].I = fb.Flags(rs[i][1].S)
		}
		check("ArenaFlags", NewTableIn([]string{"a", "b"}, rs, [][]byte{other, arena}))
	}
}

// TestCompileCtxTableRows: the rows' table found once per compile is the
// one tableRows finds, for a table's rows and for other lists.
func TestCompileCtxTableRows(t *testing.T) {
	tab := testTable()
	cc := &CompileCtx{}
	for _, rows := range [][]Value{tab.Rows(), tab.Rows()[1:], {IntV(1)}, {tab.Row(0), ObjV([]string{"id"}, []Value{StrV("z")})}, nil} {
		for range 2 { // found, then remembered
			gt, gids := cc.tableRows(rows)
			wt, wids := tableRows(rows)
			if gt != wt || !slices.Equal(gids, wids) {
				t.Fatalf("%v: %p %v, want %p %v", rows, gt, gids, wt, wids)
			}
		}
	}
}

// TestPluckTextMatchesGet: pluck's text-column fast path (pluckText, then
// the general loop from the first element that is not a row of the
// table) gives each element's cell as Obj.Get reads it, flags included,
// in a record arena that held other values before (pluck's list is not
// cleared first).
func TestPluckTextMatchesGet(t *testing.T) {
	tab := NewTable([]string{"id", "t"}, [][]Value{
		{StrV("R00001"), StrV("plain")},
		{StrV("R00002"), StrV("")},
		{StrV("R00003"), NullV()},
		{StrV("R00004"), StrV(`quote"d`)},
		{StrV("R00005"), StrV("caf\u00e9")},
		{StrV("R00006"), StrV("a")},
		{StrV(""), StrV(strings.Repeat("long text ", 400))},
		{NullV(), StrV("\u00e9")},
	})
	other := objVal(Object, Frozen|2, &Obj{Keys: tab.Keys, Vals: []Value{StrV("x"), StrV("y")}})
	f, _ := New().Lookup("pluck")
	impl, err := f.Compile(&CompileCtx{}, []Arg{{Type: List}, {Type: String}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		rows []Value
	}{
		{"all rows", tab.Rows()},
		{"some rows, repeated", []Value{tab.Row(4), tab.Row(1), tab.Row(4), tab.Row(2)}},
		{"short, long, empty and null texts", []Value{tab.Row(5), tab.Row(6), tab.Row(7), tab.Row(1), tab.Row(2), tab.Row(6)}},
		{"empty", nil},
		{"another object in the middle", []Value{tab.Row(0), other, tab.Row(3)}},
		{"a non-object in the middle", []Value{tab.Row(3), IntV(7), NullV(), tab.Row(1)}},
		{"not a row first", []Value{StrV("s"), tab.Row(0)}},
	} {
		for _, col := range []string{"id", "t", "none"} {
			c := &Ctx{}
			_, junk := c.NewList(64)
			for i := range junk {
				junk[i] = IntV(-1)
			}
			c.ResetArena()
			got := impl.Fn(c, []Value{ListV(tc.rows), StrV(col)}).List()
			if len(got) != len(tc.rows) {
				t.Fatalf("%s, %s: %d values, want %d", tc.name, col, len(got), len(tc.rows))
			}
			for i, r := range tc.rows {
				var want Value
				if r.K == Object {
					want, _ = r.Obj().Get(col)
				}
				if g := got[i]; g.K != want.K || g.I != want.I || g.S != want.S {
					t.Errorf("%s, %s: element %d is %#v, want %#v", tc.name, col, i, g, want)
				}
			}
		}
	}
	// pluckText row by row against TextCol.At, the read it writes out.
	for _, col := range []string{"id", "t"} {
		j := tab.Col(col)
		tc := tab.Text(j)
		if tc == nil {
			t.Fatalf("%s: not a text column", col)
		}
		for k := 0; k < tab.Len(); k++ {
			out := []Value{IntV(-1)}
			if n := pluckText(out, []Value{tab.Row(k)}, tab.objs, tc); n != 1 {
				t.Fatalf("%s, row %d: %d set, want 1", col, k, n)
			}
			if g, w := out[0], tc.At(k); g.K != w.K || g.I != w.I || g.S != w.S || unsafe.StringData(g.S) != unsafe.StringData(w.S) {
				t.Errorf("%s, row %d: %#v, want %#v", col, k, g, w)
			}
		}
	}
}
