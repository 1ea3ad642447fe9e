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

// Sealer is implemented by sinks that publish files at Close. Seal writes
// everything that is left under temporary names, so that the engine can
// seal every sink before it publishes any: a run whose last flush fails
// (a full disk) publishes nothing. Close then only renames.
type Sealer interface {
	Seal() error
}

// Seal implements Sealer.
func (s *fileSink) Seal() error {
	if err := s.sealOpen(); err != nil {
		return err
	}
	if s.file != nil {
		s.res.Bytes += s.file.raw
		err := s.file.seal()
		if err == nil {
			s.sealed = append(s.sealed, s.file)
		}
		s.file = nil
		return err
	}
	return nil
}

// Seal implements Sealer: the writer goroutine finishes the last file.
func (s *parquetSink) Seal() error {
	if s.w == nil {
		return nil // Close reports a sink that is not open
	}
	var err error
	if s.open {
		err = s.send(true, true)
	}
	if werr := s.w.finish(); err == nil {
		err = werr
	}
	return err
}
