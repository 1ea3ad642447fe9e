package stdlib

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"testing"
)

// TestUnaryMatchesFn: every function that declares Unary computes with it
// what its compiled Fn computes, for ints and floats alike; and Impl.Num
// of every number sampler draws what its Sample draws.
func TestUnaryMatchesFn(t *testing.T) {
	reg := New()
	n := 0
	for _, f := range reg.Funcs() {
		if f.Unary == nil {
			continue
		}
		n++
		impl, err := f.Compile(&CompileCtx{Loc: nil}, []Arg{{Type: Float}})
		if err != nil || impl.Fn == nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		args := []Value{IntV(0)}
		for _, x := range []float64{0, 1, -1, 0.5, -0.5, 1.4999, 2.5, 1e-9, 123456.789, -987.654, 1e12, math.Pi} {
			for _, v := range []Value{FloatV(x), IntV(int64(x))} {
				args[0] = v
				got, want := f.Unary(v.Num()), impl.Fn(&Ctx{}, args)
				if got != want {
					t.Errorf("%s(%v): Unary %v, Fn %v", f.Name, v, got, want)
				}
			}
		}
	}
	if n < 5 {
		t.Errorf("%d functions declare Unary, want the five durations at least", n)
	}
	samplers := []struct {
		name string
		args []Value
	}{
		{"uniform", []Value{IntV(5), IntV(200)}},
		{"uniform", []Value{FloatV(0.5), FloatV(2.5)}},
		{"normal", []Value{FloatV(3), FloatV(1)}},
		{"lognormal", []Value{FloatV(1), FloatV(0.5)}},
		{"exponential", []Value{FloatV(2)}},
		{"poisson", []Value{FloatV(40)}},
		{"gamma", []Value{FloatV(2), FloatV(3)}},
		{"zipf", []Value{FloatV(1.2), IntV(100)}},
	}
	for _, s := range samplers {
		f, _ := reg.Lookup(s.name)
		args := make([]Arg, len(s.args))
		for i := range s.args {
			v := s.args[i]
			args[i] = Arg{Type: v.K, Const: &v}
		}
		impl, err := f.Compile(&CompileCtx{}, args)
		if err != nil || impl.Sample == nil || impl.Num == nil {
			t.Fatalf("%s%v: no Sample and Num (%v)", s.name, s.args, err)
		}
		r1, r2 := NewRand(3), NewRand(3)
		c1, c2 := &Ctx{R: &r1}, &Ctx{R: &r2}
		for i := range 5000 {
			if a, b := impl.Num(c1), impl.Sample(c2).Num(); a != b && !(math.IsNaN(a) && math.IsNaN(b)) {
				t.Fatalf("%s%v draw %d: Num %v, Sample %v", s.name, s.args, i, a, b)
			}
		}
	}
}

// TestIntOfString: int() of a string reads an integer exactly, whatever
// its size within int64 (through a float, 2^53 + 1 became 2^53), and
// anything else as a number truncated, or null.
func TestIntOfString(t *testing.T) {
	f, _ := New().Lookup("int")
	impl, err := f.Compile(&CompileCtx{}, []Arg{{Type: Any}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		in   string
		want Value
	}{
		{"42", IntV(42)},
		{" 7 ", IntV(7)},
		{"+5", IntV(5)},
		{"-0", IntV(0)},
		{"007", IntV(7)},
		{"9007199254740993", IntV(9007199254740993)},
		{"-9223372036854775808", IntV(math.MinInt64)},
		{"9223372036854775807", IntV(math.MaxInt64)},
		{"2.9", IntV(2)},
		{"-2.9", IntV(-2)},
		{"1e3", IntV(1000)},
		{"abc", NullV()},
		{"", NullV()},
		{"1_000", IntV(1000)}, // Go's number syntax, as before
	} {
		c := &Ctx{}
		if got := impl.Fn(c, []Value{StrV(tc.in)}); got != tc.want || c.Fault != nil {
			t.Errorf("int(%q) = %v (fault %v), want %v", tc.in, got, c.Fault, tc.want)
		}
	}
	// Beyond int64 it fails as a float that large does.
	c := &Ctx{}
	if got := impl.Fn(c, []Value{StrV("9223372036854775808")}); got.K != Null || c.Fault == nil {
		t.Errorf("int of 2^63: %v, fault %v; want null and a fault", got, c.Fault)
	}
}

// TestFn1MatchesFn: a function that compiles an Fn1 for constant
// arguments around one that varies (round(x, 2), lookup(rows, column,
// key)) gives with it, bit for bit and draw for draw, what its Fn gives
// with those constants, for every kind of varying argument.
func TestFn1MatchesFn(t *testing.T) {
	reg := New()
	xs := []Value{NullV(), IntV(0), IntV(7), IntV(-12345), IntV(math.MaxInt64), StrV("x"), StrV("y"), StrV(""), BoolV(true)}
	for _, x := range []float64{0, math.Copysign(0, -1), 1, -1, 0.5, -0.5, 2, 2.5, 1.005, 2.675, -2.675, 1e-9, 123456.789,
		1e15, 1e308, -1e308, 5e-324, math.MaxFloat64, math.Inf(1), math.Inf(-1), math.NaN(), math.Pi} {
		xs = append(xs, FloatV(x))
	}
	row := func(c Value, id int64) Value {
		return ObjV([]string{"c", "id"}, []Value{c, IntV(id)})
	}
	rows := ListV([]Value{row(StrV("x"), 1), row(StrV("y"), 2), row(StrV("x"), 3), row(IntV(2), 4), row(NullV(), 5), row(FloatV(0.5), 6)})
	// nil marks the varying argument.
	cases := []struct {
		name string
		args []*Value
		x    []Value // its values (xs when nil)
	}{
		{"round", []*Value{nil}, nil},
		{"lookup", []*Value{&rows, ptr(StrV("c")), nil}, nil},
	}
	for _, d := range []int64{-400, -20, -3, -1, 0, 1, 2, 5, 15, 16, 17, 22, 23, 300, 330, 400} {
		cases = append(cases, struct {
			name string
			args []*Value
			x    []Value
		}{"round", []*Value{nil, ptr(IntV(d))}, nil})
	}
	for _, c := range cases {
		f, _ := reg.Lookup(c.name)
		args := make([]Arg, len(c.args))
		vi := -1
		for i, v := range c.args {
			if v == nil {
				args[i], vi = Arg{Type: Any}, i
				continue
			}
			args[i] = Arg{Type: v.K, Const: v}
		}
		impl, err := f.Compile(&CompileCtx{}, args)
		if err != nil || impl.Fn == nil || impl.Fn1 == nil || impl.Var != vi {
			t.Fatalf("%s%v: Fn1 for argument %d not compiled (Var %d, %v)", c.name, c.args, vi, impl.Var, err)
		}
		for _, x := range append(c.x, xs...) {
			vals := make([]Value, len(c.args))
			for i, v := range c.args {
				if v == nil {
					vals[i] = x
				} else {
					vals[i] = *v
				}
			}
			r1, r2 := NewRand(9), NewRand(9)
			c1, c2 := Ctx{R: &r1}, Ctx{R: &r2}
			for range 20 {
				got, want := impl.Fn1(&c1, x), impl.Fn(&c2, vals)
				if !reflect.DeepEqual(got, want) || (c1.Fault == nil) != (c2.Fault == nil) {
					t.Fatalf("%s(%v) with %v: Fn1 %v (fault %v), Fn %v (fault %v)", c.name, x, c.args, got, c1.Fault, want, c2.Fault)
				}
			}
		}
	}
	// Not constant: no Fn1 (the engine passes every argument).
	f, _ := reg.Lookup("round")
	if impl, _ := f.Compile(&CompileCtx{}, []Arg{{Type: Float}, {Type: Int}}); impl.Fn1 != nil {
		t.Error("round(x, d) with d not constant: Fn1 set")
	}
}

func ptr(v Value) *Value { return &v }

// TestFn2MatchesFn: every distribution of two parameters compiled with
// run-time parameters draws with Fn2 what its Fn draws, and faults alike
// (not numbers, parameters out of range).
func TestFn2MatchesFn(t *testing.T) {
	reg := New()
	vals := []Value{NullV(), StrV("2"), IntV(-3), IntV(0), IntV(1), IntV(5), IntV(40), FloatV(0.25), FloatV(0.5), FloatV(2.5),
		FloatV(-1), FloatV(1e300), FloatV(math.Inf(1)), FloatV(math.NaN())}
	n := 0
	for _, f := range reg.Funcs() {
		if f.Category != "distribution" || len(f.Params) != 2 || f.Special {
			continue
		}
		impl, err := f.Compile(&CompileCtx{}, []Arg{{Type: Any}, {Type: Any}})
		if err != nil {
			continue // histogram: its edges are constants
		}
		if impl.Fn2 == nil {
			t.Fatalf("%s: no Fn2", f.Name)
		}
		n++
		for _, a := range vals {
			for _, b := range vals {
				r1, r2 := NewRand(4), NewRand(4)
				c1, c2 := Ctx{R: &r1}, Ctx{R: &r2}
				for range 5 {
					got, want := impl.Fn2(&c1, a, b), impl.Fn(&c2, []Value{a, b})
					if got != want && !(got.K == Float && want.K == Float && math.IsNaN(got.Float()) && math.IsNaN(want.Float())) ||
						!reflect.DeepEqual(c1.Fault, c2.Fault) {
						t.Fatalf("%s(%v, %v): Fn2 %v (fault %v), Fn %v (fault %v)", f.Name, a, b, got, c1.Fault, want, c2.Fault)
					}
				}
			}
		}
	}
	if n < 4 {
		t.Errorf("%d distributions of two parameters, want normal, lognormal, uniform, gamma at least", n)
	}
}

// TestFn1MatchesFnLists: sample_rows(rows, n, column, value) and
// pluck(list, key) with constants but the value or the list compile an
// Fn1 that gives what Fn gives, element by element (the same rows, the
// same draws), over plain rows and a table's.
func TestFn1MatchesFnLists(t *testing.T) {
	reg := New()
	var cells [][]Value
	for i := range 40 {
		cells = append(cells, []Value{IntV(int64(i)), []Value{StrV("x"), StrV("y"), IntV(2), NullV(), FloatV(0.5)}[i%5]})
	}
	var plain []Value
	for _, r := range cells {
		plain = append(plain, ObjV([]string{"id", "c"}, slices.Clone(r)))
	}
	table := ListV(NewTable([]string{"id", "c"}, cells).Rows())
	plainRows := ListV(plain)
	keys := []Value{NullV(), StrV("x"), StrV("y"), StrV("z"), StrV(""), IntV(2), FloatV(2), FloatV(0.5), FloatV(math.NaN()), BoolV(true)}
	// A second table, its columns in the other order and the ids as
	// text: pluck's call site, which keeps the last table's column, reads
	// the two in turn.
	var cells2 [][]Value
	for i := range 6 {
		cells2 = append(cells2, []Value{IntV(int64(i)), StrV(fmt.Sprint("t", i))})
	}
	table2 := ListV(NewTable([]string{"c", "id"}, cells2).Rows())
	lists := []Value{NullV(), IntV(3), ListV(nil), table, plainRows, ListV(append(slices.Clone(table.List()[:5]), plain[7], IntV(1))),
		table2, table, table2, ListV(append(slices.Clone(table2.List()[2:4]), table.List()[3]))}
	same := func(a, b Value) bool {
		if a.K != b.K || a.I != b.I || a.S != b.S || a.Obj() != b.Obj() && (a.K == Object) {
			return false
		}
		if a.K == List {
			return slices.EqualFunc(a.List(), b.List(), func(x, y Value) bool {
				return x.K == y.K && x.I == y.I && x.S == y.S && (x.K != Object || x.Obj() == y.Obj())
			})
		}
		return true
	}
	for _, rows := range []Value{plainRows, table} {
		for _, n := range []int64{1, 3, 10, 40} {
			f, _ := reg.Lookup("sample_rows")
			args := []Arg{{Type: List, Const: &rows}, {Type: Int, Const: ptr(IntV(n))}, {Type: String, Const: ptr(StrV("c"))}, {Type: Any}}
			impl, err := f.Compile(&CompileCtx{}, args)
			if err != nil || impl.Fn1 == nil || impl.Var != 3 {
				t.Fatalf("sample_rows: Fn1 not compiled (Var %d, %v)", impl.Var, err)
			}
			for _, k := range keys {
				r1, r2 := NewRand(9), NewRand(9)
				c1, c2 := Ctx{R: &r1}, Ctx{R: &r2}
				for range 20 {
					got, want := impl.Fn1(&c1, k), impl.Fn(&c2, []Value{rows, IntV(n), StrV("c"), k})
					if !same(got, want) || r1 != r2 {
						t.Fatalf("sample_rows(%d, %v): Fn1 %v, Fn %v", n, k, got.List(), want.List())
					}
				}
			}
		}
	}
	f, _ := reg.Lookup("pluck")
	for _, key := range []string{"id", "c", "none"} {
		impl, err := f.Compile(&CompileCtx{}, []Arg{{Type: Any}, {Type: String, Const: ptr(StrV(key))}})
		if err != nil || impl.Fn1 == nil || impl.Var != 0 {
			t.Fatalf("pluck: Fn1 not compiled (Var %d, %v)", impl.Var, err)
		}
		for _, l := range lists {
			var c1, c2 Ctx
			if got, want := impl.Fn1(&c1, l), impl.Fn(&c2, []Value{l, StrV(key)}); !same(got, want) {
				t.Fatalf("pluck(%v, %q): Fn1 %v, Fn %v", l, key, got.List(), want.List())
			}
		}
	}
	// A key not constant: no Fn1.
	if impl, _ := f.Compile(&CompileCtx{}, []Arg{{Type: Any}, {Type: String}}); impl.Fn1 != nil {
		t.Error("pluck(list, key) with key not constant: Fn1 set")
	}
}

// TestFast2MatchesFn2: normal's and lognormal's Fn2 with fast2 (the check
// and the draw on two floats) gives what the general Fn2 gives, faults
// alike, and leaves the generator where it leaves it, for parameters at
// and beyond the edges of muSigma's range and for values no number.
func TestFast2MatchesFn2(t *testing.T) {
	reg := New()
	vals := []Value{NullV(), StrV("1"), BoolV(true), IntV(0), IntV(1), IntV(-7), IntV(1 << 62), FloatV(0), FloatV(math.Copysign(0, -1)),
		FloatV(5e-324), FloatV(0.3), FloatV(-0.3), FloatV(3.2), FloatV(700), FloatV(-800), FloatV(math.MaxFloat64), FloatV(-math.MaxFloat64),
		FloatV(math.Inf(1)), FloatV(math.Inf(-1)), FloatV(math.NaN())}
	compile := func(name string, fast bool) Impl {
		old := fuseFast2
		fuseFast2 = fast
		defer func() { fuseFast2 = old }()
		f, _ := reg.Lookup(name)
		impl, err := f.Compile(&CompileCtx{}, []Arg{{Type: Any}, {Type: Any}})
		if err != nil || impl.Fn2 == nil {
			t.Fatalf("%s: %v, Fn2 %v", name, err, impl.Fn2 != nil)
		}
		return impl
	}
	for _, name := range []string{"normal", "lognormal"} {
		fast, general := compile(name, true), compile(name, false)
		for _, a := range vals {
			for _, b := range vals {
				r1, r2 := NewRand(11), NewRand(11)
				c1, c2 := Ctx{R: &r1}, Ctx{R: &r2}
				for i := range 3 {
					got, want := fast.Fn2(&c1, a, b), general.Fn2(&c2, a, b)
					if got.K != want.K || got.I != want.I && !(got.K == Float && math.IsNaN(got.Float()) && math.IsNaN(want.Float())) ||
						!reflect.DeepEqual(c1.Fault, c2.Fault) {
						t.Fatalf("%s(%v, %v), draw %d: fast2 %v (fault %v), Fn2 %v (fault %v)", name, a, b, i, got, c1.Fault, want, c2.Fault)
					}
					if r1 != r2 {
						t.Fatalf("%s(%v, %v), draw %d: the generator moved differently", name, a, b, i)
					}
				}
			}
		}
	}
}
