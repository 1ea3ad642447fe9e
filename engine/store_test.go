package engine_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scenhq/scen/engine"
)

// TestSessionStoreRemember: context values live in the session's store,
// which the next session of the pool reuses; what a state remembers from
// the context must survive that. Each session opens with what the
// previous one of its actor picked last.
func TestSessionStoreRemember(t *testing.T) {
	for _, workers := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d workers", workers), func(t *testing.T) {
			out := runTo(t, "testdata/session_store.hcl", 7, nil, engine.RunOptions{Workers: workers})
			type picked struct{ ids, tag string }
			last := map[string]picked{}
			opens := 0
			for _, r := range jsonLines(t, filepath.Join(out, "e.jsonl")) {
				u := r["user"].(string)
				switch r["kind"] {
				case "pick":
					last[u] = picked{fmt.Sprint(r["ids"]), fmt.Sprint(r["tag"])}
				case "open":
					p, ok := last[u]
					if !ok {
						if fmt.Sprint(r["prev"]) != "[]" || r["prev_tag"] != nil {
							t.Fatalf("%s's first session remembers %v %v", u, r["prev"], r["prev_tag"])
						}
						continue
					}
					opens++
					if got := (picked{fmt.Sprint(r["prev"]), fmt.Sprint(r["prev_tag"])}); got != p {
						t.Fatalf("%s remembers %v, but its last pick was %v", u, got, p)
					}
				}
			}
			if opens < 500 {
				t.Fatalf("only %d sessions opened after a pick", opens)
			}
		})
	}
}

// TestPopulatedHook: RunOptions.Populated is called exactly once per run,
// for any number of workers, also when the run stops early.
func TestPopulatedHook(t *testing.T) {
	for _, tc := range []struct {
		name    string
		workers int
		cancel  bool
	}{
		{"1 worker", 1, false},
		{"3 workers", 3, false},
		{"cancelled", 2, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seed := uint64(7)
			plan := compileFile(t, "testdata/session_store.hcl", &seed, nil)
			var calls atomic.Int32
			done := make(chan struct{})
			ctx, cancel := context.WithCancel(context.Background())
			if tc.cancel {
				cancel()
			}
			defer cancel()
			_, err := plan.Run(ctx, engine.RunOptions{OutDir: t.TempDir(), Workers: tc.workers,
				Populated: func() { calls.Add(1); close(done) }})
			if (err != nil) != tc.cancel {
				t.Fatalf("run: %v", err)
			}
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("Populated was not called")
			}
			time.Sleep(10 * time.Millisecond) // a second call would panic on close(done)
			if n := calls.Load(); n != 1 {
				t.Fatalf("Populated called %d times", n)
			}
		})
	}
}
