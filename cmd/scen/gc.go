package main

import (
	"os"
	"runtime/debug"
	"sync"
)

// startupGCPercent is the collector's target while a run starts up.
//
// Compiling (datasets, entity tables) and building the actors allocate
// mostly data that lives for the whole run, and little garbage. With the
// default target the collector runs every time the heap doubles from a
// few megabytes, marking data that is all still live, and slows every
// pointer write while it marks: recipe spent about 130 ms of CPU on that
// before its first event (perf stat -e task-clock over a one-minute
// window, GOGC=off against the default). A high target lets the heap grow
// to its working size in two or three collections instead of six; as
// there is little garbage, the peak is about the same.
const startupGCPercent = 1000

// holdGC raises the collector's target for start-up and returns the
// function that restores it (safe to call more than once). A GOGC or
// GOMEMLIMIT set by the user is left alone.
func holdGC() (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	prev := debug.SetGCPercent(startupGCPercent)
	var once sync.Once
	return func() { once.Do(func() { debug.SetGCPercent(prev) }) }
}
