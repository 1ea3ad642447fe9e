package main

import (
	"runtime/debug"
	"testing"
)

// TestHoldGC: the compile-time target applies only when the user set neither
// GOGC nor GOMEMLIMIT, and restoring (twice) puts the previous one back.
func TestHoldGC(t *testing.T) {
	for _, tc := range []struct {
		name, env, val string
		held           bool
	}{
		{"default", "", "", true},
		{"GOGC set", "GOGC", "50", false},
		{"GOMEMLIMIT set", "GOMEMLIMIT", "1GiB", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOGC", "")
			t.Setenv("GOMEMLIMIT", "")
			if tc.env != "" {
				t.Setenv(tc.env, tc.val)
			}
			before := debug.SetGCPercent(77)
			defer debug.SetGCPercent(before)
			restore := holdGC()
			want := 77
			if tc.held {
				want = compileGCPercent
			}
			if got := debug.SetGCPercent(-1); got != want {
				t.Errorf("while compiling the target is %d, want %d", got, want)
			}
			debug.SetGCPercent(want)
			restore()
			restore()
			if got := debug.SetGCPercent(77); got != 77 {
				t.Errorf("after restore the target is %d, want 77", got)
			}
		})
	}
}
