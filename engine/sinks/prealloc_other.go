//go:build !linux

package sinks

import (
	"errors"
	"os"
)

// reserve: block reservation is used on Linux only.
func reserve(f *os.File, off, n int64) error { return errors.ErrUnsupported }

// startWriteback: writing behind is done on Linux only.
func startWriteback(f *os.File, off, n int64) error { return errors.ErrUnsupported }

// dropPages: writing behind is done on Linux only.
func dropPages(f *os.File, off, n int64) error { return errors.ErrUnsupported }

// flushPages: writing behind is done on Linux only.
func flushPages(f *os.File, off, n int64) error { return errors.ErrUnsupported }

// dupFile: writing behind is done on Linux only.
func dupFile(f *os.File) (*os.File, error) { return nil, errors.ErrUnsupported }
