//go:build !linux

package main

import "testing"

// kernelHugeBytes: huge pages are a Linux matter (see the Linux file).
func kernelHugeBytes(t *testing.T) int64 {
	t.Skip("transparent huge pages are Linux's")
	return 0
}
