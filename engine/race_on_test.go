//go:build race

package engine_test

// raceEnabled: timings under the race detector are not the product's.
const raceEnabled = true
