package main

import (
	"errors"
	"io"
	"os"
	"sync/atomic"
	"syscall"
)

// readerStdout is standard output as every command writes it. Once the
// program reading it has closed it (scen plan … | head: the write fails
// with EPIPE, SIGPIPE being ignored), every later write fails at once with
// the same error, without writing, and stdoutGone says so: a command stops
// printing, skips the work whose only use was to be printed (plan's and
// diff's estimates), and exits with the status it would have had anyway
// (0, or diff's 1 when the plans differ, report's 1 when a check fails),
// never 141 (SIGPIPE's) nor with "broken pipe".
type readerStdout struct {
	w      io.Writer
	closed atomic.Bool
}

// errReaderGone is what writes return once the reader has gone.
var errReaderGone = &os.PathError{Op: "write", Path: "standard output", Err: syscall.EPIPE}

func (o *readerStdout) Write(p []byte) (int, error) {
	if o.closed.Load() {
		return 0, errReaderGone
	}
	n, err := o.w.Write(p)
	if err != nil && pipeClosed(err) {
		o.closed.Store(true)
	}
	return n, err
}

// stdoutGone says whether w is standard output and its reader has
// closed it.
func stdoutGone(w io.Writer) bool {
	o, ok := w.(*readerStdout)
	return ok && o.closed.Load()
}

// pipeClosed says whether a write failed because the program reading
// standard output closed it (scen cat … | head): not an error of scen's.

func pipeClosed(err error) bool { return errors.Is(err, syscall.EPIPE) }
