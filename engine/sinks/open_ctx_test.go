package sinks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

// hungServer accepts connections and never answers: a broker or database
// that hangs.
func hungServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var held []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		for _, c := range held {
			c.Close()
		}
	})
	return ln.Addr().String()
}

// TestOpenGivesUpWithTheRun: a sink connecting to a server that never
// answers gives up as soon as the run's context is done (an interrupt,
// --timeout), with the run's cause, not at its own connect timeout; and at
// its connect timeout when that comes first.
func TestOpenGivesUpWithTheRun(t *testing.T) {
	addr := hungServer(t)
	host, port, _ := net.SplitHostPort(addr)
	errStop := errors.New("stopped by the run")
	for _, tc := range []struct {
		name  string
		sink  func(t *testing.T) Sink
		after time.Duration // the run stops after this long (0: never)
		max   time.Duration
		want  string
	}{
		{"kafka, run stops", func(t *testing.T) Sink {
			return newKafkaSink(t, fmt.Sprintf("brokers = [%q]\ntopic = \"events\"\nconnect_timeout = \"2m\"", addr))
		}, 300 * time.Millisecond, 3 * time.Second, errStop.Error()},
		{"kafka, connect_timeout", func(t *testing.T) Sink {
			return newKafkaSink(t, fmt.Sprintf("brokers = [%q]\ntopic = \"events\"\nconnect_timeout = \"2s\"", addr))
		}, 0, 5 * time.Second, "s; connect_timeout = 2s)"}, // gave up after 2s, or 2.1s on a busy machine
		{"postgres, run stops", func(t *testing.T) Sink {
			return newPGSink(t, pgStream(), fmt.Sprintf("dsn = \"host=%s port=%s dbname=test user=postgres connect_timeout=120\"\ntable = \"t\"", host, port))
		}, 300 * time.Millisecond, 3 * time.Second, errStop.Error()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.sink(t)
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			if tc.after > 0 {
				time.AfterFunc(tc.after, func() { cancel(errStop) })
			}
			start := time.Now()
			err := s.Open(RunInfo{Shards: 1, Ctx: ctx})
			if err == nil {
				s.Abort()
				t.Fatal("Open succeeded")
			}
			if d := time.Since(start); d > tc.max {
				t.Errorf("Open took %s, want at most %s", d, tc.max)
			}
			if got := err.Error(); !strings.Contains(got, tc.want) {
				t.Errorf("error %q does not say %q", got, tc.want)
			}
			s.Abort()
		})
	}
}
