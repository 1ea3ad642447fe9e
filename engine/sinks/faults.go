package sinks

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// fileWriter returns what a file sink's temporary file is written through.
// It is called once per file, never per record; tests replace it with a
// writer that fails, to see a full disk without filling one.
var fileWriter = func(f *os.File) io.Writer { return f }

// describe names the file a write error is about by its final name: the
// temporary name in the *os.PathError means nothing to the user, and the
// file is removed when the run fails anyway.
func (a *atomicFile) describe(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("cannot write %s: %w", a.final, err)
}
