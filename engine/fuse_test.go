package engine

import (
	"reflect"
	"testing"

	"github.com/scenhq/scen/stdlib"
)

// compileBoth compiles src with and without the fusion of a function of
// one number with its sampler argument.
func compileBoth(t testing.TB, src string) (fused, plain *cexpr, fe, pe *Env) {
	t.Helper()
	fused, fe, diags := compileStandalone(src, 7, nil, nil)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	fuseUnary = false
	defer func() { fuseUnary = true }()
	plain, pe, diags = compileStandalone(src, 7, nil, nil)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return fused, plain, fe, pe
}

// TestUnaryOfSampler: a duration function of a sampler with constant
// arguments, compiled to one closure, draws exactly what the call node
// over the sampler node draws, from the same stream; where the shape does
// not fit (an argument that is not a sampler, two arguments), nothing is
// fused.
func TestUnaryOfSampler(t *testing.T) {
	tests := []struct {
		src   string
		fused bool
	}{
		{"seconds(uniform(5, 200))", true},
		{"minutes(uniform(0.5, 2.5))", true},
		{"hours(normal(3, 1))", true},
		{"days(exponential(2))", true},
		{"milliseconds(poisson(40))", true},
		{"seconds(lognormal(1, 0.5))", true},
		{"minutes(truncnormal(10, 5, 0, 30))", true},
		{"seconds(geometric(0.2))", true},
		{"milliseconds(uniform(-5, 5))", true},
		{"hours(uniform(0, 3))", true},
		{"days(uniform(106745, 106760))", true}, // around the longest duration, at both ends
		{"days(uniform(-106760, -106745))", true},
		{"seconds(uniform(9223372036854, 9223372036856))", true},
		// The range's own draw (stdlib.IntSpan) where every draw is in
		// range: at the limit (MaxDurationMs / unit) either way, and one
		// past it, which takes the checked path.
		{"days(uniform(0, 30))", true},
		{"days(uniform(-106751, -106740))", true},
		{"days(uniform(106740, 106751))", true},
		{"days(uniform(106740, 106752))", true},
		{"days(uniform(-106752, -106740))", true},
		{"seconds(uniform(-9223372036, 9223372036))", true},
		{"milliseconds(uniform(-9223372036854, 9223372036854))", true},
		{"milliseconds(uniform(-9223372036855, -9223372036850))", true},
		{"seconds(uniform(5, 200) + 1)", false},
		{"round(uniform(0, 10))", false},
		{"seconds(choice([1, 5]))", false},
	}
	// Those whose every draw is in range: a spanDur, which step draws
	// itself for a gap.
	spanDurs := map[string]bool{
		"seconds(uniform(5, 200))": true, "milliseconds(uniform(-5, 5))": true, "hours(uniform(0, 3))": true,
		"days(uniform(0, 30))": true, "days(uniform(-106751, -106740))": true, "days(uniform(106740, 106751))": true,
		"seconds(uniform(-9223372036, 9223372036))": true, "milliseconds(uniform(-9223372036854, 9223372036854))": true,
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			fused, plain, fe, pe := compileBoth(t, tt.src)
			if fused.isC || plain.isC {
				t.Fatal("folded to a constant")
			}
			differ := reflect.ValueOf(fused.fn).Pointer() != reflect.ValueOf(plain.fn).Pointer()
			if differ != tt.fused {
				t.Fatalf("fused = %v, want %v", differ, tt.fused)
			}
			for i := range 20000 {
				var a Value
				if d := fused.dur; d != nil && i%2 == 1 {
					// What step computes for a gap of it, every other draw.
					a = stdlib.DurV(d.span.Draw(fe.R) * d.unit)
				} else {
					a = fused.eval(fe)
				}
				b := plain.eval(pe)
				if a.K != b.K || a.I != b.I || a.S != b.S {
					t.Fatalf("draw %d: fused %v, call node %v", i, a, b)
				}
			}
			if want := spanDurs[tt.src]; (fused.dur != nil) != want {
				t.Fatalf("spanDur set: %v, want %v", fused.dur != nil, want)
			}
		})
	}
}

// BenchmarkGap: clickstream's gap, drawn at every event.
func BenchmarkGap(b *testing.B) {
	for _, fused := range []bool{true, false} {
		name := "fused"
		if !fused {
			name = "call-node"
		}
		b.Run(name, func(b *testing.B) {
			f, p, fe, pe := compileBoth(b, "seconds(uniform(5, 200))")
			ce, e := f, fe
			if !fused {
				ce, e = p, pe
			}
			var sum int64
			for b.Loop() {
				sum += ce.eval(e).I
			}
			if sum == 0 {
				b.Fatal("no draws")
			}
		})
	}
}
