package stdlib

import (
	"fmt"
	"math"
	"testing"
)

func TestSmallValueSet(t *testing.T) {
	cat := func(n, k int) []Value {
		l := make([]Value, n)
		for i := range l {
			l[i] = StrV(fmt.Sprintf("c%d", (i*7)%k))
		}
		return l
	}
	mixed := []Value{NullV(), BoolV(true), IntV(3), FloatV(math.NaN()), FloatV(math.Copysign(0, -1)), FloatV(0), TimeV(5), DurV(5), PlainStr("c1"), StrV("c1")}
	// Values that hash alike (the same first and last eight bytes and
	// length) and a sorted column (runs of one value).
	alike := make([]Value, 300)
	sorted := make([]Value, 300)
	for i := range alike {
		alike[i] = StrV(fmt.Sprintf("prefix--%03dsuffix--", i%200))
		sorted[i] = IntV(int64(i / 30))
	}
	for len(mixed) < 100 {
		mixed = append(mixed, mixed[len(mixed)%10])
	}
	tests := []struct {
		name string
		l    []Value
		uniq int // distinct values; -1: no set
	}{
		{"ten categories", cat(10000, 10), 10},
		{"256 categories", cat(1000, 256), 256},
		{"257 categories", cat(1000, 257), -1},
		{"short list", cat(63, 3), -1},
		{"mixed scalars", mixed, 10},
		{"values that hash alike", alike, 200},
		{"a sorted column", sorted, 10},
		{"a list element", append(cat(100, 2), ListV([]Value{IntV(1)})), -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			uniq, idx := smallValueSet(tt.l)
			if tt.uniq < 0 {
				if idx != nil {
					t.Fatalf("a set of %d values, want none", len(uniq))
				}
				return
			}
			if len(uniq) != tt.uniq || len(idx) != len(tt.l) {
				t.Fatalf("%d distinct, %d indices; want %d, %d", len(uniq), len(idx), tt.uniq, len(tt.l))
			}
			for i, v := range tt.l {
				if u := uniq[idx[i]]; u != v {
					t.Fatalf("element %d: %#v, want %#v", i, u, v)
				}
			}
		})
	}
}

// TestCompileCtxSmallSetOnce: a compile builds the small set of one
// constant list once (the inference of context types compiles a
// choice of a dataset's column again in every round), and a list of
// another start or length gets its own, equal to smallValueSet's.
func TestCompileCtxSmallSetOnce(t *testing.T) {
	l := make([]Value, 1000)
	for i := range l {
		l[i] = ConstStr([]string{"soup", "salad", "bread"}[i*7%3])
	}
	var cc CompileCtx
	u1, i1 := cc.smallSet(l)
	u2, i2 := cc.smallSet(l)
	if &u1[0] != &u2[0] || &i1[0] != &i2[0] {
		t.Fatal("the set of one list was built twice")
	}
	for _, sub := range [][]Value{l, l[:999], l[1:]} {
		u, idx := cc.smallSet(sub)
		wu, widx := smallValueSet(sub)
		if fmt.Sprint(u) != fmt.Sprint(wu) || fmt.Sprint(idx) != fmt.Sprint(widx) {
			t.Fatalf("len %d: got %v %v, want %v %v", len(sub), u, idx[:8], wu, widx[:8])
		}
	}
	if len(cc.smallSets) != 3 {
		t.Fatalf("%d sets kept, want 3", len(cc.smallSets))
	}
	var nilCC *CompileCtx // choice compiled without a context
	if u, _ := nilCC.smallSet(l); len(u) != 3 {
		t.Fatalf("nil context: %v", u)
	}
}
