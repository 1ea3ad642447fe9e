package engine

// prefetch2 asks the CPU to bring the cache lines at a and b into its
// caches without waiting for them (PREFETCHT0). It never faults, so any
// address (nil included) is allowed.
//
//go:noescape
func prefetch2(a, b uintptr)
