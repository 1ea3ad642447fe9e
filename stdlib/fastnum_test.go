package stdlib

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

// TestIntOfStringMatchesParse checks int() of a string, whose digits-only
// case is read by digitsInt, against the parse it stands for
// (strings.TrimSpace, strconv.ParseInt, then ParseFloat truncated), for
// digit strings of every length around digitsInt's 18 and the strings it
// leaves to the parse.
func TestIntOfStringMatchesParse(t *testing.T) {
	impl := compileArgs(t, "int", true, StrV(""))
	ref := func(s string) (v Value, fault bool) {
		s = strings.TrimSpace(s)
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return IntV(i), false
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return NullV(), false
		}
		if f = math.Trunc(f); !(f >= -(1<<63) && f < 1<<63) {
			return NullV(), true
		}
		return IntV(int64(f)), false
	}
	strs := []string{"", "0", "1", "7", "10", "007", "0000000000000000000", " 5", "5 ", "+5", "-5", "1.5", "1e3", "x", "5x", "١",
		"999999999999999999", "9223372036854775807", "9223372036854775808", "18446744073709551616", "/", ":", "12/", "1:"}
	digits := "9876543210"
	for n := 1; n <= 21; n++ {
		strs = append(strs, strings.Repeat(digits, 3)[:n], strings.Repeat("9", n), "1"+strings.Repeat("0", n-1))
	}
	for _, s := range strs {
		c := &Ctx{}
		got := impl.Fn(c, []Value{StrV(s)})
		if want, fault := ref(s); got != want || (c.Fault != nil) != fault {
			t.Errorf("int(%q) = %v (fault %v), want %v (fault %v)", s, got, c.Fault, want, fault)
		}
	}
}

// TestMinMaxIntsMatchPickNum checks min and max of two ints, written out,
// against pickNum, the general path, for ints near zero, 2^53 and the
// ends of the range, equal ones included (the first is kept).
func TestMinMaxIntsMatchPickNum(t *testing.T) {
	ints := []int64{0, 1, -1, 2, 10, 1 << 53, 1<<53 + 1, -(1 << 53) - 1, math.MaxInt64, math.MinInt64, math.MaxInt64 - 1}
	for _, name := range []string{"min", "max"} {
		impl := compileArgs(t, name, true, IntV(0), IntV(0))
		better := func(x, y float64) bool { return x < y }
		if name == "max" {
			better = func(x, y float64) bool { return x > y }
		}
		for _, x := range ints {
			for _, y := range ints {
				a := []Value{IntV(x), IntV(y)}
				got := impl.Fn(&Ctx{}, a)
				if want := pickNum(a, better); got != want {
					t.Errorf("%s(%d, %d) = %v, want %v", name, x, y, got, want)
				}
			}
		}
	}
}

// TestPure1Fn1MatchesFn: len and int compile an Fn1 that gives what Fn
// gives for the value alone, faults included.
func TestPure1Fn1MatchesFn(t *testing.T) {
	vals := []Value{NullV(), StrV(""), StrV("abc"), StrV("42"), StrV(" 7 "), StrV("1e300"), IntV(-3), FloatV(2.7), FloatV(-2.7), FloatV(1e300),
		FloatV(math.NaN()), BoolV(true), ListV([]Value{IntV(1), IntV(2)}), ObjV([]string{"a", "b", "c"}, []Value{IntV(1), IntV(2), IntV(3)}), TimeV(5)}
	for _, name := range []string{"len", "int"} {
		impl := compileArgs(t, name, true, NullV())
		if impl.Fn1 == nil || impl.Var != 0 {
			t.Fatalf("%s: no Fn1", name)
		}
		for _, v := range vals {
			c1, c2 := &Ctx{}, &Ctx{}
			got, want := impl.Fn1(c1, v), impl.Fn(c2, []Value{v})
			if got != want || (c1.Fault == nil) != (c2.Fault == nil) || c1.Fault != nil && c1.Fault.Msg != c2.Fault.Msg {
				t.Errorf("%s(%v): Fn1 %v (%v), Fn %v (%v)", name, v, got, c1.Fault, want, c2.Fault)
			}
		}
	}
}

// TestNewListMatchesBlockObj: newList, blockObj written out for the
// record arena, takes what blockObj takes from twin blocks, list after
// list (sizes 0 to 300, past the blocks' growth), and after a reset.
func TestNewListMatchesBlockObj(t *testing.T) {
	var a, b Ctx
	r := NewRand(5)
	for i := range 2000 {
		if i == 1500 {
			a.vals, a.objs, b.vals, b.objs = a.vals[:0], a.objs[:0], b.vals[:0], b.objs[:0]
		}
		n := int(r.Uint64n(40))
		if i%97 == 0 {
			n = 300
		}
		v, vals := a.newList(n)
		o := blockObj(&b.vals, &b.objs, nil, n, 256, 32)
		if len(a.vals) != len(b.vals) || cap(a.vals) != cap(b.vals) || len(a.objs) != len(b.objs) || cap(a.objs) != cap(b.objs) {
			t.Fatalf("list %d (%d values): blocks %d/%d, %d/%d; blockObj's %d/%d, %d/%d", i, n,
				len(a.vals), cap(a.vals), len(a.objs), cap(a.objs), len(b.vals), cap(b.vals), len(b.objs), cap(b.objs))
		}
		got := v.Obj()
		if v.K != List || v.I != 0 || got != &a.objs[len(a.objs)-1] || got.Keys != nil || len(vals) != n || cap(vals) != n ||
			len(got.Vals) != n || cap(got.Vals) != n || len(o.Vals) != n || n > 0 && &vals[0] != &a.vals[len(a.vals)-n] {
			t.Fatalf("list %d (%d values): %v, values %d/%d", i, n, v, len(vals), cap(vals))
		}
	}
}
