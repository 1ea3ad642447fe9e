package stdlib

// Prefetch2 asks the CPU to bring the cache lines at a and b into its
// caches without waiting for them (PREFETCHT0). It never faults, so any
// address (nil included) is allowed.
//
//go:noescape
func Prefetch2(a, b uintptr)

// PrefetchSpan is Prefetch2 for every cache line of [p, p+n) (at least
// the first, whatever n).
//
//go:noescape
func PrefetchSpan(p, n uintptr)
