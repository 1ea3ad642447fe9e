package main

import (
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// kernelHugeBytes is the AnonHugePages the kernel gives, right now, to a
// fresh 16 MiB anonymous mapping marked MADV_HUGEPAGE and touched page by
// page: the control for TestHugeHeap. Under memory pressure or
// fragmentation (other processes on a shared machine) the kernel may give
// none to anyone, which says nothing of scen's marking.
func kernelHugeBytes(t *testing.T) int64 {
	const size = 16 << 20
	b, err := unix.Mmap(-1, 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		t.Skip(err)
	}
	defer unix.Munmap(b)
	if err := unix.Madvise(b, unix.MADV_HUGEPAGE); err != nil {
		t.Skip(err)
	}
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1
	}
	return mappingHuge(t, uintptr(unsafe.Pointer(&b[size/2])))
}
