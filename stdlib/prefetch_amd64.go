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

// Prefetch8 is Prefetch2 for eight addresses, in one call (a call to an
// assembly function is not inlined: one per pair cost more than the
// prefetches).
//
//go:noescape
func Prefetch8(p0, p1, p2, p3, p4, p5, p6, p7 uintptr)

// PrefetchLines prefetches the first n cache lines from each of a, b, c
// and d (none when n is 0).
//
//go:noescape
func PrefetchLines(n, a, b, c, d uintptr)

// PrefetchTargets16 is Prefetch2 for what the eight pointers at p, p+16,
// …, p+112 point to (nil included), which must be readable: the runners
// of eight consecutive 16-byte heap slots, read and prefetched by the
// callee, where Prefetch8's eight arguments were eight loads and eight
// stores in the caller and eight loads more in the callee.
//
//go:noescape
func PrefetchTargets16(p uintptr)
