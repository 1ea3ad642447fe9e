package engine

import (
	"math"
	"strings"
	"testing"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/stdlib"
)

// TestBufPool: the pool hands back the sessions put into it, last first,
// then new ones sized for the flow; put clears only the flow's ctxClear
// slots.
func TestBufPool(t *testing.T) {
	fp := &FlowPlan{ctxNames: []string{"a", "b", "c"}, sessionLeaves: make([]*cexpr, 2), ctxClear: []int32{1}}
	var p bufPool
	var got []*session
	for range 3 {
		s := p.get(fp)
		if len(s.ctx) != 3 || len(s.cache) != 2 {
			t.Fatalf("a new session holds %d slots and %d fields, want 3 and 2", len(s.ctx), len(s.cache))
		}
		got = append(got, s)
	}
	for _, s := range got {
		for i := range s.ctx {
			s.ctx[i] = stdlib.IntV(int64(i + 1))
		}
		p.put(s)
	}
	for i := 2; i >= 0; i-- {
		s := p.get(fp)
		if s != got[i] {
			t.Fatalf("get gave another session than the one put %d-th", i)
		}
		if s.ctx[0].I != 1 || s.ctx[1].K != stdlib.Null || s.ctx[2].I != 3 {
			t.Fatalf("session %d's context after put: %v, want slot 1 cleared only", i, s.ctx)
		}
	}
	if s := p.get(fp); s == got[0] || s == got[1] || s == got[2] {
		t.Fatal("an empty pool handed out a session in use")
	}
}

// TestEvLeft: a session's event budget known at compile time (none, or
// a constant max_events) is the one setupSession computes from the
// expression; a drawn max_events is left to setupSession (0).
func TestEvLeft(t *testing.T) {
	const src = `
scenario "t" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = 1
  attributes {
    n = 3
  }
}
flow "f" {
  actor = entity.user
  session {
    every = "1h"
    MAX
  }
  initial = "a"
  state "a" {
    next = { a = 0.5, end = 0.5 }
  }
}
`
	for _, tc := range []struct {
		max  string
		want int32
	}{
		{"", SafetyMaxEvents},
		{"max_events = 1", 1},
		{"max_events = 60", 60},
		{"max_events = 2147483647", math.MaxInt32},
		{"max_events = uniform(1, 5)", 0},
		{"max_events = user.n", 0},
	} {
		sc, diags := dsl.ParseSource("t.hcl", []byte(strings.Replace(src, "MAX", tc.max, 1)))
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		p, diags := Compile(sc, Options{})
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		fp := p.Flows[0]
		if fp.evLeft != tc.want {
			t.Fatalf("%q: evLeft %d, want %d", tc.max, fp.evLeft, tc.want)
		}
		if x := fp.maxEvents; x != nil && x.isC {
			if general := int32(min(max(x.eval(&Env{}).I, 1), math.MaxInt32)); general != fp.evLeft {
				t.Fatalf("%q: evLeft %d, setupSession's general path %d", tc.max, fp.evLeft, general)
			}
		}
	}
}
