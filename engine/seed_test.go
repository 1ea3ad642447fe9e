package engine_test

import (
	"testing"

	"github.com/scenhq/scen/engine"
)

// TestNegativeSeed: a negative scenario seed is an error at the seed, in
// --seed's words; before, it wrapped around to a uint64 that manifest.json
// recorded and no scenario file could hold.
func TestNegativeSeed(t *testing.T) {
	seven := uint64(7)
	for _, tc := range []struct {
		name string
		seed string
		opts engine.Options
		want []reviewDiag
	}{
		{"zero", "0", engine.Options{}, nil},
		{"largest int", "9223372036854775807", engine.Options{}, nil},
		{"negative", "-42", engine.Options{},
			[]reviewDiag{{"error", "Invalid seed", "3:11", "seed = -42: expected a non-negative integer"}}},
		{"negative expression", "1 - 2", engine.Options{},
			[]reviewDiag{{"error", "Invalid seed", "3:11", "seed = -1: expected a non-negative integer"}}},
		{"negative under --seed", "-1", engine.Options{Seed: &seven},
			[]reviewDiag{{"error", "Invalid seed", "3:11", "expected a non-negative integer"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkReviewDiags(t, `scenario "t" {`, "scenario \"t\" {\n  seed  = "+tc.seed, tc.opts, tc.want...)
		})
	}
}
