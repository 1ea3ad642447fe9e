package engine

import (
	"testing"

	"github.com/scenhq/scen/stdlib"
)

// TestChooseWeightedMatchesGeneral: the weighted draw with sums known at
// compile time (chooseWeighted) takes the transition the general one
// takes and leaves the stream where it does, for weights with and
// without whens, whens that hold, fail or draw, zero weights, every
// when failing, and states past the table's limits (the general path).
func TestChooseWeightedMatchesGeneral(t *testing.T) {
	// when kinds: always, never, a coin (draws from the stream).
	always := &cexpr{isC: true, val: stdlib.BoolV(true)}
	never := &cexpr{isC: true, val: stdlib.BoolV(false)}
	coin := &cexpr{fn: func(e *Env) Value { return stdlib.BoolV(e.R.Float64() < 0.5) }}
	tp := func(target int, w float64, when *cexpr) transPlan {
		return transPlan{target: target, weight: w, when: when}
	}
	many := func(n int, when *cexpr) []transPlan {
		var ts []transPlan
		for i := range n {
			ts = append(ts, tp(i, float64(i%3)+0.1, when))
		}
		return ts
	}
	for _, tc := range []struct {
		name     string
		weighted []transPlan
		seq      []transPlan
		fast     bool
	}{
		{"no whens", []transPlan{tp(1, 0.10, nil), tp(2, 0.10, nil), tp(-1, 0.25, nil)}, nil, true},
		{"recipe's list view", []transPlan{tp(1, 0.55, coin), tp(2, 0.10, nil), tp(3, 0.10, nil), tp(-1, 0.25, nil)}, nil, true},
		{"recipe's click", []transPlan{tp(1, 0.10, coin), tp(1, 0.02, coin), tp(2, 0.12, nil), tp(3, 0.18, nil),
			tp(4, 0.30, nil), tp(5, 0.05, nil), tp(-1, 0.25, nil)}, nil, true},
		{"zero weights", []transPlan{tp(1, 0, nil), tp(2, 0.3, coin), tp(3, 0, coin), tp(4, 1, nil)}, nil, true},
		{"all fail", []transPlan{tp(1, 0.5, never), tp(2, 0.5, never)}, nil, true},
		{"all zero", []transPlan{tp(1, 0, nil), tp(2, 0, always)}, nil, true},
		{"four whens", []transPlan{tp(1, 1, coin), tp(2, 2, always), tp(3, 3, coin), tp(4, 0.5, never), tp(5, 0.7, nil)}, nil, true},
		{"after a probability", []transPlan{tp(1, 0.5, nil), tp(-1, 0.5, nil)},
			[]transPlan{{target: 2, prob: &cexpr{isC: true, val: stdlib.FloatV(0.3)}}}, true},
		{"five whens", []transPlan{tp(1, 1, coin), tp(2, 2, coin), tp(3, 3, coin), tp(4, 4, coin), tp(5, 5, coin)}, nil, false},
		{"65 weights", many(65, nil), nil, false},
		{"64 weights", many(64, nil), nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fast := &StatePlan{seq: tc.seq, weighted: tc.weighted, otherwise: 7, hasTrans: true}
			fast.weightSums()
			if got := fast.wSums != nil; got != tc.fast {
				t.Fatalf("fast path %v, want %v", got, tc.fast)
			}
			general := *fast
			general.wGuards, general.wSums = nil, nil
			var ef, eg Env
			rf, rg := stdlib.NewRand(42), stdlib.NewRand(42)
			ef.R, eg.R = &rf, &rg
			counts := map[int]int{}
			for i := range 20000 {
				a, b := chooseTransition(fast, &ef), chooseTransition(&general, &eg)
				if a != b {
					t.Fatalf("draw %d: fast path chose %d, general %d", i, a, b)
				}
				if rf != rg {
					t.Fatalf("draw %d: streams differ after the choice", i)
				}
				counts[a]++
			}
			if len(counts) == 0 {
				t.Fatal("no choices")
			}
		})
	}
}
