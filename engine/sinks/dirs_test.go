package sinks

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// TestCreateWhileAnotherAborts: a failing sink's abort removes the
// directories the run made that are empty; another sink creating its
// file in the same new directory meanwhile must not lose it between
// making the directory and creating the file there (its create failed
// with "no such file or directory", hiding the run's real error).
func TestCreateWhileAnotherAborts(t *testing.T) {
	base := t.TempDir()
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 3000; i++ {
				a, err := createAtomic(filepath.Join(base, "year=2025", "month=06", []string{"a.jsonl", "b.jsonl"}[g]))
				if err != nil {
					errs <- err
					return
				}
				a.abort()
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// TestLongFileNames: a final name up to the 255 bytes a file name may
// have is written; its temporary name, which repeats it between a dot
// and ".tmp-" and ten digits, cuts it (at a character boundary) rather
// than fail with "file name too long" (a 240-byte name did). A longer
// name fails when its file is created, not at the rename.
func TestLongFileNames(t *testing.T) {
	for _, tc := range []struct {
		name    string
		base    string
		tooLong bool
	}{
		{"short", "events.jsonl", false},
		{"239 bytes", strings.Repeat("e", 233) + ".jsonl", false},
		{"240 bytes", strings.Repeat("e", 234) + ".jsonl", false},
		{"255 bytes", strings.Repeat("e", 249) + ".jsonl", false},
		{"255 bytes of 3-byte characters", strings.Repeat("é", 2) + strings.Repeat("語", 81) + ".jsonl", false},
		{"256 bytes", strings.Repeat("e", 250) + ".jsonl", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			final := filepath.Join(t.TempDir(), "out", tc.base)
			a, err := createAtomic(final)
			if tc.tooLong {
				if err == nil || !strings.Contains(err.Error(), "file name too long") {
					t.Errorf("error %v, want file name too long", err)
				}
				if err == nil {
					a.abort()
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tmp := filepath.Base(a.tmp)
			if len(tmp) > 255 || !strings.HasPrefix(tmp, ".") || !utf8.ValidString(tmp) {
				t.Errorf("temporary name %q (%d bytes)", tmp, len(tmp))
			}
			a.Write([]byte("{}\n"))
			if err := a.commit(); err != nil {
				t.Fatal(err)
			}
			if b, err := os.ReadFile(final); err != nil || string(b) != "{}\n" {
				t.Errorf("%q: %v", b, err)
			}
		})
	}
}
