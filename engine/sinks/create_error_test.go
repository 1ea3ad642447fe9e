package sinks

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestCreateErrorNamesFinalFile: when a sink's file cannot be created,
// the error names the file asked for, not the temporary name it is
// written under (".events.jsonl.tmp-…"), and keeps the system's reason.
func TestCreateErrorNamesFinalFile(t *testing.T) {
	for _, c := range []struct {
		name   string
		err    func(tmp string) error
		reason error // errors.Is still finds it
		want   string
	}{
		{"permission denied", func(tmp string) error { return &os.PathError{Op: "open", Path: tmp, Err: syscall.EACCES} },
			syscall.EACCES, "permission denied"},
		{"too many open files", func(tmp string) error { return &os.PathError{Op: "open", Path: tmp, Err: syscall.EMFILE} },
			syscall.EMFILE, "too many open files"},
		{"no space left", func(tmp string) error { return &os.PathError{Op: "open", Path: tmp, Err: syscall.ENOSPC} },
			syscall.ENOSPC, "no space left on device"},
		{"not a path error", func(tmp string) error { return errors.New("pattern contains path separator") },
			nil, "pattern contains path separator"},
	} {
		t.Run(c.name, func(t *testing.T) {
			old := createTempFile
			t.Cleanup(func() { createTempFile = old })
			createTempFile = func(dir, pattern string) (*os.File, error) {
				return nil, c.err(filepath.Join(dir, strings.Replace(pattern, "*", "123456", 1)))
			}
			final := filepath.Join(t.TempDir(), "sub", "events.jsonl")
			_, err := createAtomic(final)
			if err == nil {
				t.Fatal("no error")
			}
			if want := "create " + final + ": " + c.want; err.Error() != want {
				t.Errorf("error %q, want %q", err, want)
			}
			if strings.Contains(err.Error(), ".tmp-") {
				t.Errorf("error names the temporary file: %v", err)
			}
			if c.reason != nil && !errors.Is(err, c.reason) {
				t.Errorf("errors.Is(%v, %v) is false", err, c.reason)
			}
			if _, serr := os.Stat(filepath.Dir(final)); !os.IsNotExist(serr) {
				t.Errorf("the directory made for the file is left: %v", serr)
			}
		})
	}
}
