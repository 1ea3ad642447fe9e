//go:build !linux

package sinks

import (
	"errors"
	"os"
)

// reserve: block reservation is used on Linux only.
func reserve(f *os.File, off, n int64) error { return errors.ErrUnsupported }
