// Command baseline is the "plain Go loop" reference for the scen benchmark.
//
// It writes clickstream events shaped like the clickstream tutorial scenario
// with a single goroutine, math/rand/v2 seeded with a fixed seed and
// encoding/json, so that `make bench` can compare scen's throughput against
// what a straightforward hand-written generator achieves on the same machine.
//
// Usage:
//
//	baseline -users 20000 -out events.jsonl
package main

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"time"
)

// Fixed PCG seed: every run writes the same events.
const (
	seed1 = 20220324
	seed2 = 42
)

// timestampLayout is RFC 3339 with milliseconds and a numeric offset
// ("2022-03-24T05:12:33.000+00:00"; UTC prints as +00:00, not Z).
const timestampLayout = "2006-01-02T15:04:05.000-07:00"

// event is one clickstream event; field order is the JSON key order.
type event struct {
	UserID    string `json:"user_id"`
	SessionID string `json:"session_id"`
	EventID   string `json:"event_id"`
	Timestamp string `json:"timestamp"`
	URL       string `json:"url"`
	EventType string `json:"event_type"`
}

type weighted struct {
	values []string
	cumul  []int
	total  int
}

func newWeighted(values []string, weights []int) weighted {
	w := weighted{values: values, cumul: make([]int, len(weights))}
	for i, x := range weights {
		w.total += x
		w.cumul[i] = w.total
	}
	return w
}

func (w weighted) pick(r *rand.Rand) string {
	n := r.IntN(w.total)
	for i, c := range w.cumul {
		if n < c {
			return w.values[i]
		}
	}
	return w.values[len(w.values)-1]
}

var (
	urls = newWeighted(
		[]string{"/product", "/category", "/home", "/contact", "/cart", "/order"},
		[]int{30, 10, 5, 2, 5, 1},
	)
	eventTypes = newWeighted(
		[]string{"page_view", "click", "add_to_cart", "submit"},
		[]int{30, 15, 6, 2},
	)
	epoch = time.Date(2022, 3, 24, 0, 0, 0, 0, time.UTC)
)

// between returns a uniform integer in [lo, hi].
func between(r *rand.Rand, lo, hi int) int {
	return lo + r.IntN(hi-lo+1)
}

// sessionOffset is the gap before a session start: 0-30 days, 0-23 hours,
// 0-59 minutes and 1-59 seconds.
func sessionOffset(r *rand.Rand) time.Duration {
	return time.Duration(between(r, 0, 30))*24*time.Hour +
		time.Duration(between(r, 0, 23))*time.Hour +
		time.Duration(between(r, 0, 59))*time.Minute +
		time.Duration(between(r, 1, 59))*time.Second
}

func random16(r *rand.Rand) [16]byte {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], r.Uint64())
	binary.LittleEndian.PutUint64(b[8:], r.Uint64())
	return b
}

// uuid4 formats 16 random bytes as an RFC 9562 version 4 UUID.
func uuid4(r *rand.Rand) string {
	b := random16(r)
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // variant 10
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:36], b[10:16])
	return string(s[:])
}

// hex32 returns 32 random lowercase hex characters.
func hex32(r *rand.Rand) string {
	b := random16(r)
	return hex.EncodeToString(b[:])
}

func generate(users int, path string) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	enc := json.NewEncoder(bw)
	r := rand.New(rand.NewPCG(seed1, seed2))

	var ev event
	for u := 1; u <= users; u++ {
		ev.UserID = fmt.Sprintf("UID-%d", u)
		start := epoch
		sessions := between(r, 1, 10)
		for s := 0; s < sessions; s++ {
			start = start.Add(sessionOffset(r))
			ev.SessionID = "s-" + uuid4(r)
			t := start
			events := between(r, 1, 50)
			for e := 0; e < events; e++ {
				t = t.Add(time.Duration(between(r, 5, 200)) * time.Second)
				ev.EventID = "e-" + hex32(r)
				ev.Timestamp = t.Format(timestampLayout)
				ev.URL = urls.pick(r)
				ev.EventType = eventTypes.pick(r)
				if err := enc.Encode(&ev); err != nil {
					return err
				}
			}
		}
	}
	return bw.Flush()
}

func main() {
	users := flag.Int("users", 20000, "number of users (UID-1..UID-N)")
	out := flag.String("out", "", "output JSONL file (required)")
	flag.Parse()

	var err error
	switch {
	case flag.NArg() > 0:
		err = fmt.Errorf("unexpected arguments: %q", flag.Args())
	case *out == "":
		err = errors.New("-out is required")
	case *users < 0:
		err = fmt.Errorf("-users must be >= 0, got %d", *users)
	default:
		err = generate(*users, *out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
}
