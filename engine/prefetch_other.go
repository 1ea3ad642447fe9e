//go:build !amd64

package engine

// prefetch2 is a no-op where no prefetch instruction is wired up.
func prefetch2(a, b uintptr) {}
