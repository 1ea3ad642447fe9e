package engine

import (
	"testing"

	"github.com/scenhq/scen/stdlib"
)

// TestSpanSamplerMatchesSample: a uniform of two constant ints, durations
// or times, evaluated through its closure (which draws its range itself,
// stdlib.IntSpan) or, for durations, as step draws a gap of it (spanDur,
// set for durations only), gives what its sampler gives, value for value,
// and leaves the stream where the sampler leaves it; so does IntRange on
// a generator seeded alike. Ranges of one value, negative ones, the ends
// of int64 and the whole of it included.
func TestSpanSamplerMatchesSample(t *testing.T) {
	tests := []struct {
		src    string
		k      stdlib.Kind
		lo, hi int64
	}{
		{"uniform(1, 6)", stdlib.Int, 1, 6},
		{"uniform(5, 5)", stdlib.Int, 5, 5},
		{"uniform(-5, 5)", stdlib.Int, -5, 5},
		{"uniform(0, 9223372036854775807)", stdlib.Int, 0, 9223372036854775807},
		{"uniform(-1, 9223372036854775807)", stdlib.Int, -1, 9223372036854775807},
		{"uniform(-9223372036854775807 - 1, 9223372036854775807)", stdlib.Int, -9223372036854775807 - 1, 9223372036854775807},
		{`uniform("5s", "2m")`, stdlib.Duration, 5000, 120000},
		{`uniform("0s", "0s")`, stdlib.Duration, 0, 0},
		{`uniform("-1h", "1h")`, stdlib.Duration, -3600000, 3600000},
		{`uniform("2022-03-24T00:00:00", "2022-03-25T00:00:00")`, stdlib.Time, 1648080000000, 1648166400000},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			a, ea, diags := compileStandalone(tt.src, 11, nil, nil)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			b, eb, _ := compileStandalone(tt.src, 11, nil, nil)
			if a.span == nil || a.sample == nil || a.isC {
				t.Fatalf("no span (%v) or sampler (%v), or a constant", a.span != nil, a.sample != nil)
			}
			if (a.dur != nil) != (tt.k == stdlib.Duration) || a.dur != nil && (a.dur.span != a.span || a.dur.unit != 1) {
				t.Fatalf("spanDur %+v for a %s", a.dur, tt.k)
			}
			ref := stdlib.NewRand(11)
			for i := range 5000 {
				var got Value
				if d := a.dur; d != nil && i%2 == 1 {
					// What step computes for a gap of it, every other draw.
					got = stdlib.DurV(d.span.Draw(ea.R) * d.unit)
				} else {
					got = a.eval(ea)
				}
				want := b.sample(&eb.Ctx)
				r := ref.IntRange(tt.lo, tt.hi)
				if got != want || got.K != tt.k || got.I != r || *ea.R != *eb.R || *ea.R != ref {
					t.Fatalf("draw %d: closure %v, sampler %v, IntRange %d (streams equal: %v, %v)", i, got, want, r, *ea.R == *eb.R, *ea.R == ref)
				}
			}
		})
	}
}
