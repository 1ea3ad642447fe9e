package sinks

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"
)

// closedPort is an address nothing listens on: a connection to it is
// refused at once.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestKafkaRefusedSaysSo: a broker that refuses the connection is
// reported as refused and not retried, not as "gave up after 1ms" next to
// a connect_timeout of seconds (review 29 #13c).
func TestKafkaRefusedSaysSo(t *testing.T) {
	addr := closedPort(t)
	s := newKafkaSink(t, fmt.Sprintf("brokers = [%q]\ntopic = \"events\"\nconnect_timeout = \"20s\"", addr))
	err := s.Open(RunInfo{Shards: 1})
	if err == nil {
		s.Abort()
		t.Fatal("Open succeeded")
	}
	msg := err.Error()
	want := fmt.Sprintf("kafka sink: cannot reach broker(s) %s (connection refused; not retried): ", addr)
	if !strings.Contains(msg, want) || strings.Contains(msg, "gave up after") {
		t.Errorf("error %q, want it to contain %q", msg, want)
	}
}

// TestRefusedAtOnce: only a refusal that came before a dial could time
// out is reported as one; a wait as long as a dial timeout keeps its time.
func TestRefusedAtOnce(t *testing.T) {
	refused := fmt.Errorf("dial: %w", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED})
	for _, tc := range []struct {
		name string
		err  error
		took time.Duration
		want bool
	}{
		{"refused at once", refused, time.Millisecond, true},
		{"refused after another broker's dial timed out", refused, 1500 * time.Millisecond, false},
		{"timed out", errors.New("i/o timeout"), time.Millisecond, false},
		{"reset", &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}, time.Millisecond, false},
	} {
		if got := refusedAtOnce(tc.err, tc.took, 2*time.Second); got != tc.want {
			t.Errorf("%s: refusedAtOnce = %v, want %v", tc.name, got, tc.want)
		}
	}
}
