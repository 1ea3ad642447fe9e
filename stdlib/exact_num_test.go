package stdlib

import (
	"math"
	"slices"
	"testing"
)

// TestCompareNumbersExact: an int and a float compare by their exact
// values; rounding the int to a float made 9007199254740993 (2^53+1)
// equal to 9007199254740992.0, and lookup's index disagree with ==.
func TestCompareNumbersExact(t *testing.T) {
	const p53 = 1 << 53
	for _, tc := range []struct {
		a, b Value
		c    int
		ok   bool
	}{
		{IntV(p53 + 1), FloatV(p53), 1, true},
		{FloatV(p53), IntV(p53 + 1), -1, true},
		{IntV(p53), FloatV(p53), 0, true},
		{IntV(p53 - 1), FloatV(p53), -1, true},
		{IntV(math.MaxInt64), FloatV(0x1p63), -1, true}, // 2^63 is not an int
		{IntV(math.MinInt64), FloatV(-0x1p63), 0, true},
		{IntV(math.MinInt64), FloatV(-0x1p64), 1, true},
		{IntV(math.MaxInt64), FloatV(math.Inf(1)), -1, true},
		{IntV(math.MinInt64), FloatV(math.Inf(-1)), 1, true},
		{IntV(2), FloatV(2.5), -1, true},
		{IntV(3), FloatV(2.5), 1, true},
		{IntV(-2), FloatV(-2.5), 1, true},
		{IntV(0), FloatV(-0.5), 1, true},
		{IntV(0), FloatV(math.Copysign(0, -1)), 0, true},
		{IntV(1), FloatV(math.NaN()), 0, false},
		{FloatV(math.NaN()), FloatV(math.NaN()), 0, false},
		{FloatV(1.5), FloatV(2), -1, true},
		{IntV(-5), IntV(3), -1, true},
		{StrV("1"), IntV(1), 0, false},
	} {
		c, ok := CompareNumbers(tc.a, tc.b)
		if c != tc.c || ok != tc.ok {
			t.Errorf("CompareNumbers(%v %s, %v %s) = %d, %v; want %d, %v", tc.a, tc.a.K, tc.b, tc.b.K, c, ok, tc.c, tc.ok)
		}
		if eq, want := Equal(tc.a, tc.b), tc.ok && tc.c == 0 && isNum(tc.a.K) && isNum(tc.b.K); eq != want {
			t.Errorf("Equal(%v %s, %v %s) = %v, want %v", tc.a, tc.a.K, tc.b, tc.b.K, eq, want)
		}
	}
}

// TestLookupBeyond2p53: the index finds exactly the rows whose cell ==
// the key, ints and floats beyond 2^53 included: never a different
// integer because the int rounds to the float.
func TestLookupBeyond2p53(t *testing.T) {
	const p53 = 1 << 53
	cells := []Value{IntV(p53 + 1), FloatV(p53), IntV(p53), IntV(math.MaxInt64), FloatV(0x1p63), IntV(math.MinInt64), FloatV(1e300)}
	var rows []Value
	for _, c := range cells {
		rows = append(rows, ObjV([]string{"id"}, []Value{c}))
	}
	idx, err := buildIndex(rows, "id")
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []Value{
		IntV(p53 + 1), FloatV(p53), IntV(p53), IntV(p53 - 1), FloatV(p53 + 2),
		IntV(math.MaxInt64), FloatV(0x1p63), IntV(math.MinInt64), FloatV(-0x1p63), FloatV(1e300), FloatV(math.NaN()),
	} {
		l, _ := candidates(idx, len(rows), key)
		var want []int32
		for i, c := range cells {
			if Equal(c, key) {
				want = append(want, int32(i))
			}
		}
		if !slices.Equal(l, want) {
			t.Errorf("key %v (%s): rows %v, want %v (the rows whose cell == it)", key, key.K, l, want)
		}
	}
	// The pairs rounding matched: 2^53+1 finds only itself.
	if l, _ := candidates(idx, len(rows), IntV(p53+1)); !slices.Equal(l, []int32{0}) {
		t.Errorf("2^53+1 finds rows %v, want [0]", l)
	}
	if l, _ := candidates(idx, len(rows), FloatV(p53)); !slices.Equal(l, []int32{1, 2}) {
		t.Errorf("2^53 as a float finds rows %v, want [1 2]", l)
	}
}

// TestPowTen: the table gives exactly math.Pow's powers, and round keeps
// its results at the table's edges and beyond.
func TestPowTen(t *testing.T) {
	for d := int64(-30); d <= 30; d++ {
		if got, want := powTen(d), math.Pow(10, float64(d)); got != want {
			t.Errorf("powTen(%d) = %v, want %v", d, got, want)
		}
	}
}
