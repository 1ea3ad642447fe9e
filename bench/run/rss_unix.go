//go:build unix

package main

import (
	"os"
	"runtime"
	"syscall"
)

// peakRSS returns the child's peak resident set size in bytes, from the
// rusage that wait4(2) reported for it, or -1 if unavailable.
func peakRSS(ps *os.ProcessState) int64 {
	if ps == nil {
		return -1
	}
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok || ru == nil {
		return -1
	}
	maxrss := int64(ru.Maxrss)
	switch runtime.GOOS {
	case "darwin", "ios":
		return maxrss // bytes
	default:
		return maxrss * 1024 // KiB on Linux and the BSDs
	}
}
