package engine_test

import (
	"fmt"
	"path/filepath"
	"testing"

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
