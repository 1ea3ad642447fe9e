package sinks

import (
	"path/filepath"
	"sync"
	"testing"
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
