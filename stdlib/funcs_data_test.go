package stdlib

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scenhq/scen/internal/stats"
)

// rowsOf builds rows of one column named col.
func rowsOf(col string, vals ...Value) Value {
	rows := make([]Value, len(vals))
	for i, v := range vals {
		rows[i] = ObjV([]string{"id", col}, []Value{IntV(int64(i)), v})
	}
	return Freeze(ListV(rows))
}

// compileData compiles a data function; args with a nil Const are run-time
// values of the given kind.
func compileData(name string, args ...Arg) (Impl, error) {
	f, _ := New().Lookup(name)
	return f.Compile(&CompileCtx{Loc: time.UTC}, args)
}

func constArg(v Value) Arg { return Arg{Type: v.K, Const: &v} }

// TestSampleWeightedRejectsBadWeights: NaN, infinite and negative weights
// are compile-time errors naming the row (from 1); a zero sum too.
func TestSampleWeightedRejectsBadWeights(t *testing.T) {
	for _, tc := range []struct {
		name string
		ws   []Value
		want string
	}{
		{"nan", []Value{IntV(1), FloatV(math.NaN()), IntV(8)}, `row 2 has the weight NaN in "w"`},
		{"inf", []Value{FloatV(math.Inf(1)), IntV(1)}, `row 1 has the weight +Inf in "w"`},
		{"negative", []Value{IntV(1), IntV(1), FloatV(-0.5)}, `row 3 has the weight -0.5 in "w"`},
		{"zero sum", []Value{IntV(0), NullV()}, `the weights in "w" sum to zero`},
		{"not numeric", []Value{IntV(1), StrV("x")}, `column "w" of row 2 is the string "x", not a number`},
		{"text column", []Value{StrV("1"), StrV("2"), StrV("nan"), StrV("n/a")}, `column "w" of row 3 is the string "nan", not a number`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := compileData("sample_weighted", constArg(rowsOf("w", tc.ws...)), constArg(StrV("w")))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// TestSampleWeightedProportions: draws follow the weights, including
// weights so large that their sum, or w·n, overflows a float64.
func TestSampleWeightedProportions(t *testing.T) {
	for _, tc := range []struct {
		name string
		ws   []float64
	}{
		{"plain", []float64{1, 0, 8}},
		{"huge", []float64{1e308, 1e308, 1e307}},
		{"max float", []float64{math.MaxFloat64, 0, math.MaxFloat64 / 4}},
		{"tiny", []float64{5e-324, 1e-323, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vals := make([]Value, len(tc.ws))
			sum := 0.0
			for i, w := range tc.ws {
				vals[i] = FloatV(w)
				sum += w / tc.ws[0]
			}
			impl, err := compileData("sample_weighted", constArg(rowsOf("w", vals...)), constArg(StrV("w")))
			if err != nil {
				t.Fatal(err)
			}
			var r Rand
			r.Seed(7)
			c := &Ctx{R: &r}
			const n = 90000
			counts := make([]int, len(tc.ws))
			for range n {
				id, _ := impl.Sample(c).Obj().Get("id")
				counts[id.I]++
			}
			// Rows of weight zero are never drawn; the others pass a
			// chi-square test against their weights (and fail one
			// against weights tilted by 5 %).
			var obs []int64
			var probs, wrong []float64
			for i, w := range tc.ws {
				if w == 0 {
					if counts[i] != 0 {
						t.Errorf("row %d has weight 0 but was drawn %d times", i, counts[i])
					}
					continue
				}
				p := w / tc.ws[0] / sum
				obs, probs = append(obs, int64(counts[i])), append(probs, p)
				wrong = append(wrong, p*(1+0.05*float64(len(wrong)%2*2-1)))
			}
			if stat, df, p := stats.ChiSquareGOF(obs, probs); p <= passP {
				t.Errorf("chi-square against the weights: %.4g on %d df, p = %.3g (counts %v)", stat, df, p, counts)
			}
			if _, _, p := stats.ChiSquareGOF(obs, wrong); p >= powerP {
				t.Errorf("the test cannot see weights off by 5 %%: p = %.3g (counts %v)", p, counts)
			}
		})
	}
}

// TestSampleRowsCount: n may be an int or a whole float, constant or
// computed; anything else is an error, at compile time for a constant and
// as a run-time fault (same message) otherwise.
func TestSampleRowsCount(t *testing.T) {
	rows := rowsOf("c", IntV(1), IntV(2), IntV(3), IntV(4), IntV(5), IntV(6), IntV(7), IntV(8))
	for _, tc := range []struct {
		name string
		n    Value
		want int    // rows returned
		err  string // the error, constant or run-time
	}{
		{"int", IntV(3), 3, ""},
		{"whole float", FloatV(2), 2, ""},
		{"more than the rows", IntV(50), 8, ""},
		{"huge float", FloatV(1e300), 8, ""},
		{"zero", IntV(0), 0, "n must be a positive integer, got 0"},
		{"negative", IntV(-2), 0, "n must be a positive integer, got -2"},
		{"fraction", FloatV(2.5), 0, "n must be a positive integer, got 2.5"},
		{"negative float", FloatV(-1), 0, "n must be a positive integer, got -1"},
		{"nan", FloatV(math.NaN()), 0, "n must be a positive integer, got NaN"},
		{"inf", FloatV(math.Inf(1)), 0, "n must be a positive integer, got +Inf"},
		{"string", StrV("3"), 0, `n must be a positive integer, got the string "3"`},
		{"null", NullV(), 0, "n must be a positive integer, got null"},
	} {
		t.Run(tc.name+"/constant", func(t *testing.T) {
			impl, err := compileData("sample_rows", constArg(rows), constArg(tc.n))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var r Rand
			r.Seed(1)
			got := impl.Fn(&Ctx{R: &r}, []Value{rows, tc.n})
			if len(got.List()) != tc.want {
				t.Errorf("%d rows, want %d", len(got.List()), tc.want)
			}
		})
		t.Run(tc.name+"/run time", func(t *testing.T) {
			impl, err := compileData("sample_rows", constArg(rows), Arg{Type: Any})
			if err != nil {
				t.Fatal(err)
			}
			var r Rand
			r.Seed(1)
			c := &Ctx{R: &r}
			got := impl.Fn(c, []Value{rows, tc.n})
			switch {
			case tc.err != "" && (c.Fault == nil || !strings.Contains(c.Fault.Error(), tc.err)):
				t.Fatalf("fault %v, want %q", c.Fault, tc.err)
			case tc.err == "" && c.Fault != nil:
				t.Fatalf("fault %v", c.Fault)
			case tc.err == "" && len(got.List()) != tc.want:
				t.Errorf("%d rows, want %d", len(got.List()), tc.want)
			}
		})
	}
	// A computed n of a kind that can never be a count is a compile error.
	if _, err := compileData("sample_rows", constArg(rows), Arg{Type: String}); err == nil || !strings.Contains(err.Error(), "n must be a positive integer, got string") {
		t.Errorf("string n: %v", err)
	}
}

// TestAppendMax: max is read as a count whatever its kind (never through a
// float's bits); a bad one is a fault.
func TestAppendMax(t *testing.T) {
	f, _ := New().Lookup("append")
	impl, err := f.Compile(&CompileCtx{}, []Arg{{Type: List}, {Type: Int}, {Type: Any}})
	if err != nil {
		t.Fatal(err)
	}
	l := ListV([]Value{IntV(1), IntV(2), IntV(3)})
	for _, tc := range []struct {
		max  Value
		want string
		err  string
	}{
		{IntV(2), "[3,4]", ""},
		{FloatV(2), "[3,4]", ""},
		{NullV(), "[1,2,3,4]", ""},
		{IntV(9), "[1,2,3,4]", ""},
		{IntV(0), "", "max must be at least 1, got 0"},
		{FloatV(1.5), "", "max must be at least 1, got 1.5"},
		{StrV("2"), "", `max must be at least 1, got the string "2"`},
	} {
		c := &Ctx{}
		got := impl.Fn(c, []Value{l, IntV(4), tc.max})
		if tc.err != "" {
			if c.Fault == nil || !strings.Contains(c.Fault.Error(), tc.err) {
				t.Errorf("max %v: fault %v, want %q", tc.max, c.Fault, tc.err)
			}
			continue
		}
		if s := string(AppendJSON(nil, got, nil)); c.Fault != nil || s != tc.want {
			t.Errorf("max %v: %s (fault %v), want %s", tc.max, s, c.Fault, tc.want)
		}
	}
}

// TestLookupMatchesEqual: lookup and sample_rows find exactly the rows
// whose cell == the value in scen: kinds apart, except ints and floats of
// the same value; a null cell matches no value; NaN matches nothing.
func TestLookupMatchesEqual(t *testing.T) {
	cells := []Value{NullV(), StrV("null"), IntV(1), StrV("1"), FloatV(2), IntV(2), FloatV(2.5), BoolV(true),
		StrV("true"), FloatV(math.NaN()), FloatV(math.Copysign(0, -1)), TimeV(1000), DurV(1000),
		ObjV([]string{"a", "b"}, []Value{IntV(1), IntV(2)}), ListV([]Value{IntV(1)})}
	rows := rowsOf("c", cells...)
	keys := []Value{StrV("null"), IntV(1), FloatV(1), StrV("1"), IntV(2), FloatV(2), FloatV(2.5), BoolV(true),
		StrV("true"), FloatV(math.NaN()), IntV(0), IntV(1000), TimeV(1000), DurV(1000), StrV("x"),
		ObjV([]string{"b", "a"}, []Value{IntV(2), IntV(1)}), ListV([]Value{FloatV(1)})}
	look, err := compileData("lookup", constArg(rows), constArg(StrV("c")), Arg{Type: Any})
	if err != nil {
		t.Fatal(err)
	}
	sample, err := compileData("sample_rows", constArg(rows), constArg(IntV(100)), constArg(StrV("c")), Arg{Type: Any})
	if err != nil {
		t.Fatal(err)
	}
	var r Rand
	r.Seed(1)
	c := &Ctx{R: &r}
	for _, key := range keys {
		var want []int64
		for i, cell := range cells {
			if cell.K != Null && Equal(cell, key) {
				want = append(want, int64(i))
			}
		}
		var got []int64
		for _, row := range sample.Fn(c, []Value{rows, IntV(100), StrV("c"), key}).List() {
			id, _ := row.Obj().Get("id")
			got = append(got, id.I)
		}
		slices.Sort(got)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("sample_rows(…, %s %v): rows %v, want %v", key.K, key, got, want)
		}
		row := look.Fn(c, []Value{rows, StrV("c"), key})
		if len(want) == 0 {
			if row.K != Null {
				t.Errorf("lookup(…, %s %v) = %v, want null", key.K, key, row)
			}
			continue
		}
		if id, _ := row.Obj().Get("id"); !slices.Contains(want, id.I) {
			t.Errorf("lookup(…, %s %v) = row %v, want one of %v", key.K, key, id, want)
		}
	}
}

// TestSum: ints sum exactly as ints (past 2^53), a float makes the sum a
// float, nulls are skipped, and an int sum past the int range or an
// element that is not a number is a fault.
func TestSum(t *testing.T) {
	f, _ := New().Lookup("sum")
	impl, err := f.Compile(&CompileCtx{}, []Arg{{Type: List}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		list []Value
		want string
		err  string
	}{
		{"empty", nil, "0", ""},
		{"ints", []Value{IntV(1), IntV(2), IntV(3)}, "6", ""},
		{"ints past 2^53", []Value{IntV(1 << 53), IntV(1)}, "9007199254740993", ""},
		{"a float", []Value{IntV(1), FloatV(2.5)}, "3.5", ""},
		{"nulls", []Value{NullV(), IntV(4), NullV()}, "4", ""},
		{"only nulls", []Value{NullV()}, "0", ""},
		{"negative", []Value{IntV(-5), IntV(2)}, "-3", ""},
		{"past the int range", []Value{IntV(math.MaxInt64), IntV(1)}, "", "outside the int range (at element 1)"},
		{"below the int range", []Value{IntV(math.MinInt64), IntV(-1)}, "", "outside the int range"},
		{"a string", []Value{IntV(1), StrV("2")}, "", "list's element 1 is a string, not a number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &Ctx{}
			got := impl.Fn(c, []Value{ListV(tc.list)})
			if tc.err != "" {
				if c.Fault == nil || !strings.Contains(c.Fault.Error(), tc.err) {
					t.Fatalf("fault %v, want %q", c.Fault, tc.err)
				}
				return
			}
			if s := string(AppendJSON(nil, got, nil)); c.Fault != nil || s != tc.want {
				t.Fatalf("%s (fault %v), want %s", s, c.Fault, tc.want)
			}
		})
	}
}

// TestZoneAtRunTime: a zone drawn at run time (a city's) is read when it
// is met, a null one is the scenario's, and a name that is no IANA zone
// is a fault naming it (never UTC, as time.LoadLocation reads "").
func TestZoneAtRunTime(t *testing.T) {
	f, _ := New().Lookup("hour")
	ny, _ := time.LoadLocation("America/New_York")
	impl, err := f.Compile(&CompileCtx{Loc: ny}, []Arg{{Type: Time}, {Type: String}})
	if err != nil {
		t.Fatal(err)
	}
	at := TimeV(time.Date(2025, 7, 1, 12, 0, 0, 0, time.UTC).UnixMilli())
	for _, tc := range []struct {
		zone Value
		want string
		err  string
	}{
		{StrV("Asia/Tokyo"), "21", ""},
		{StrV("Europe/London"), "13", ""},
		{NullV(), "8", ""},
		{StrV(""), "", `unknown time zone ""`},
		{StrV("Local"), "", `unknown time zone "Local"`},
		{StrV("Mars/Olympus"), "", `unknown time zone "Mars/Olympus" (an IANA name`},
		{IntV(3), "", "zone must be a string (an IANA name), got int"},
	} {
		c := &Ctx{}
		got := impl.Fn(c, []Value{at, tc.zone})
		if tc.err != "" {
			if c.Fault == nil || !strings.Contains(c.Fault.Error(), tc.err) {
				t.Errorf("zone %v: fault %v, want %q", tc.zone, c.Fault, tc.err)
			}
			continue
		}
		if s := string(AppendJSON(nil, got, nil)); c.Fault != nil || s != tc.want {
			t.Errorf("zone %v: %s (fault %v), want %s", tc.zone, s, c.Fault, tc.want)
		}
	}
}

// TestTimeOfNull: a time that is null at run time (a dataset cell that is
// empty, or that time() cannot read) gives null from every function of a
// time, not the Unix epoch's fields.
func TestTimeOfNull(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []Arg
		vals []Value
	}{
		{"hour", []Arg{{Type: Time}}, []Value{NullV()}},
		{"weekday", []Arg{{Type: Time}}, []Value{NullV()}},
		{"date", []Arg{{Type: Time}}, []Value{NullV()}},
		{"date", []Arg{{Type: Time}, {Type: String}}, []Value{NullV(), StrV("Asia/Tokyo")}},
		{"format_time", []Arg{{Type: Time}, {Type: String}}, []Value{NullV(), StrV("2006")}},
		{"unix", []Arg{{Type: Time}}, []Value{NullV()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, _ := New().Lookup(tc.name)
			impl, err := f.Compile(&CompileCtx{}, tc.args)
			if err != nil {
				t.Fatal(err)
			}
			c := &Ctx{}
			if got := impl.Fn(c, tc.vals); got.K != Null || c.Fault != nil {
				t.Fatalf("%s(null) = %v (fault %v), want null", tc.name, got, c.Fault)
			}
		})
	}
}

// TestSampleRowsInReusedArena: sample_rows builds its list in the record
// arena without clearing it first, so every element must be set: after
// the arena held other values, the list is the rows the draws name (the
// reference: drawDistinctRef over the candidates, in row order), for
// table rows and plain ones, filtered or not.
func TestSampleRowsInReusedArena(t *testing.T) {
	var cells [][]Value
	for i := range 300 {
		cells = append(cells, []Value{IntV(int64(i)), StrV([]string{"a", "b", "c"}[i%3])})
	}
	tableRows := ListV(NewTable([]string{"id", "c"}, cells).Rows())
	// A table's rows in another order: positions are not row numbers.
	rev := slices.Clone(tableRows.List())
	slices.Reverse(rev)
	reversedRows := ListV(rev)
	var plain []Value
	for _, r := range cells {
		plain = append(plain, ObjV([]string{"id", "c"}, r))
	}
	plainRows := ListV(plain)
	for _, tc := range []struct {
		name string
		rows Value
		n    int64
		key  Value // null: no filter
	}{
		{"table, all rows", tableRows, 10, NullV()},
		{"table, filtered", tableRows, 10, StrV("b")},
		{"table, more than match", tableRows, 150, StrV("c")},
		{"table reversed, all rows", reversedRows, 10, NullV()},
		{"table reversed, filtered", reversedRows, 10, StrV("b")},
		{"plain, all rows", plainRows, 10, NullV()},
		{"plain, filtered", plainRows, 7, StrV("a")},
		{"plain, more than match", plainRows, 120, StrV("a")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			impl, err := compileData("sample_rows", constArg(tc.rows), constArg(IntV(tc.n)), constArg(StrV("c")), Arg{Type: Any})
			if err != nil {
				t.Fatal(err)
			}
			var cand []int // the candidates' row numbers, in order
			for i, r := range tc.rows.List() {
				if c, _ := r.Obj().Get("c"); tc.key.K == Null || c.S == tc.key.S {
					cand = append(cand, i)
				}
			}
			for seed := uint64(1); seed <= 50; seed++ {
				var r, ref Rand
				r.Seed(seed)
				ref.Seed(seed)
				c := &Ctx{R: &r}
				_, junk := c.NewList(200)
				for i := range junk {
					junk[i] = IntV(-1)
				}
				c.ResetArena()
				got := impl.Fn(c, []Value{tc.rows, IntV(tc.n), StrV("c"), tc.key}).List()
				want := drawDistinct(&ref, len(cand), int(tc.n), nil)
				if len(got) != len(want) {
					t.Fatalf("seed %d: %d rows, want %d", seed, len(got), len(want))
				}
				for i, p := range want {
					if g := got[i]; g.K != Object || g.Obj() != tc.rows.List()[cand[p]].Obj() {
						t.Fatalf("seed %d: element %d is %v, want row %d", seed, i, g, cand[p])
					}
				}
			}
		})
	}
}
