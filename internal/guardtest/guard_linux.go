// Package guardtest gives tests memory that faults on a byte past its
// end, to check that code moving whole words stays within a slice.
package guardtest

import (
	"syscall"
	"testing"
)

// Page returns a page of memory followed by one that cannot be read or
// written: a byte read or written past the first page faults. The test is
// skipped where the pages cannot be mapped.
func Page(t testing.TB) []byte {
	t.Helper()
	ps := syscall.Getpagesize()
	m, err := syscall.Mmap(-1, 0, 2*ps, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skip("mmap:", err)
	}
	t.Cleanup(func() { syscall.Munmap(m) })
	if err := syscall.Mprotect(m[ps:], syscall.PROT_NONE); err != nil {
		t.Skip("mprotect:", err)
	}
	return m[:ps:ps]
}
