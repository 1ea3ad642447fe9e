package main

import (
	"os"
	"runtime/debug"
	"sync"
)

// compileGCPercent is the collector's target while a scenario compiles.
//
// Compiling (datasets, entity tables) allocates mostly data that lives for
// the whole run, and little garbage. With the default target the collector
// runs every time the heap doubles from a few megabytes, marking data that
// is all still live, and slows every pointer write while it marks: recipe
// spent about 110 ms of CPU on that before its first event (perf stat -e
// task-clock over a one-minute window: 225 → 114 ms). A high target lets
// the heap grow to its working size in one or two collections; as there is
// little garbage, the peak is about the same.
//
// The target is restored before the run builds its actors: building a
// population leaves some garbage per actor (32 MB for a million
// clickstream users), which a held collector would add to the peak. It
// holds through the memory check, whose probe builds and runs only a
// sample of actors (recipe: 7 ms less CPU before the first event, with
// the peak RSS unchanged).
const compileGCPercent = 1000

// holdGC raises the collector's target for compiling and returns the
// function that restores it (safe to call more than once). A GOGC or
// GOMEMLIMIT set by the user is left alone.
func holdGC() (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	prev := debug.SetGCPercent(compileGCPercent)
	var once sync.Once
	return func() { once.Do(func() { debug.SetGCPercent(prev) }) }
}
