package sinks

import (
	"errors"
	"io"
	"testing"
	"time"
)

// TestPGReaderDetach: pgx's CopyFrom reads in a goroutine of its own and,
// when the connection fails mid-COPY, returns without waiting for it.
// detach must end such a Read, blocked on the channel, and no Read may
// take a message after it: the batch that follows reads it (the race
// detector found the two goroutines on the reader's fields under load).
func TestPGReaderDetach(t *testing.T) {
	in := make(chan pgMsg, 2)
	rd := &pgReader{in: in, stop: make(chan struct{}), free: make(chan []byte, 4)}
	rd.reset(pgMsg{data: []byte("a\n"), rows: 1})
	buf := make([]byte, 64)
	if n, err := rd.Read(buf); n != 2 || err != nil {
		t.Fatalf("first read: %d, %v", n, err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := rd.Read(buf) // blocks: nothing in the channel
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	rd.detach()
	select {
	case err := <-done:
		if !errors.Is(err, errPGAborted) {
			t.Fatalf("a Read ended by detach returned %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("detach did not end a Read blocked on the channel")
	}
	in <- pgMsg{data: []byte("b\n"), rows: 1, end: true}
	if n, err := rd.Read(buf); n != 0 || !errors.Is(err, errPGAborted) {
		t.Fatalf("a Read after detach: %d, %v", n, err)
	}
	if len(in) != 1 {
		t.Fatal("a Read after detach took the next batch's message")
	}
	// The next batch reads it.
	rd.reset(<-in)
	if n, err := rd.Read(buf); n != 2 || err != nil || string(buf[:n]) != "b\n" {
		t.Fatalf("next batch: %q, %v", buf[:n], err)
	}
	if _, err := rd.Read(buf); err != io.EOF {
		t.Fatalf("next batch's end: %v", err)
	}
}
