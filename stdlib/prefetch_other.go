//go:build !amd64

package stdlib

// Prefetch2 is a no-op where no prefetch instruction is wired up.
func Prefetch2(a, b uintptr) {}

// PrefetchSpan is a no-op where no prefetch instruction is wired up.
func PrefetchSpan(p, n uintptr) {}
