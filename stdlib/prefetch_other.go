//go:build !amd64

package stdlib

// Prefetch2 is a no-op where no prefetch instruction is wired up.
func Prefetch2(a, b uintptr) {}

// PrefetchSpan is a no-op where no prefetch instruction is wired up.
func PrefetchSpan(p, n uintptr) {}

// Prefetch8 is a no-op where no prefetch instruction is wired up.
func Prefetch8(p0, p1, p2, p3, p4, p5, p6, p7 uintptr) {}

// PrefetchLines is a no-op where no prefetch instruction is wired up.
func PrefetchLines(n, a, b, c, d uintptr) {}

// PrefetchTargets16 is a no-op where no prefetch instruction is wired up.
func PrefetchTargets16(p uintptr) {}
