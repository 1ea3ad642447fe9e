package engine

import (
	"context"
	"math"
	"testing"
	"time"
)

// TestPaceDelay: a pace too slow for a Duration saturates instead of
// wrapping around to a negative delay, which wrote the record at once.
func TestPaceDelay(t *testing.T) {
	for _, tc := range []struct {
		name string
		ns   float64
		want time.Duration
	}{
		{"zero", 0, 0},
		{"one second", 1e9, time.Second},
		{"a century", 1e18, 1e18},
		{"beyond a Duration", 1e30, math.MaxInt64},
		{"infinite", math.Inf(1), math.MaxInt64},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := paceDelay(tc.ns); got != tc.want {
				t.Fatalf("paceDelay(%g) = %v, want %v", tc.ns, got, tc.want)
			}
		})
	}
}

// TestPacerWaitsForSlowPaces: --speed 1e-9 (a simulated millisecond every
// eleven days) and --rate 1e-12 hold the second record back; before,
// the delay overflowed and the record went out at once.
func TestPacerWaitsForSlowPaces(t *testing.T) {
	for _, tc := range []struct {
		name string
		ro   RunOptions
	}{
		{"speed", RunOptions{Speed: 1e-9, From: 1_000_000}},
		{"rate", RunOptions{Rate: 1e-12, From: 1_000_000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pc := newPacer(tc.ro, &Plan{})
			if err := pc.wait(context.Background(), tc.ro.From, &Plan{}, nil); err != nil {
				t.Fatalf("first record: %v", err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			start := time.Now()
			err := pc.wait(ctx, tc.ro.From+86_400_000, &Plan{}, nil)
			if err == nil {
				t.Fatalf("the second record was not held back (waited %v)", time.Since(start))
			}
		})
	}
}
