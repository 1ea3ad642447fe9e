package main

import (
	"syscall"
	"unsafe"
)

// adviseHuge marks the 2 MiB-aligned part of b MADV_HUGEPAGE.
func adviseHuge(b []byte) {
	const huge = 2 << 20
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	beg := (p + huge - 1) &^ (huge - 1)
	end := (p + uintptr(len(b))) &^ (huge - 1)
	if beg < end {
		syscall.Madvise(b[beg-p:end-p], syscall.MADV_HUGEPAGE) //nolint:errcheck // advice only
	}
}
