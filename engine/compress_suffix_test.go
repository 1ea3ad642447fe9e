package engine_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenhq/scen/engine"
)

// TestCompressionSuffixAnyCase: a sink path ending in .gz or .zst in any
// case (.CSV.GZ, .csv.Zst) is compressed, as scen cat and report read it
// (they match the suffix in any case); an upper-case suffix used to be
// written uncompressed, and scen cat then failed on it.
func TestCompressionSuffixAnyCase(t *testing.T) {
	gz, zst := []byte{0x1f, 0x8b}, []byte{0x28, 0xb5, 0x2f, 0xfd}
	for _, tc := range []struct {
		typ, path string
		magic     []byte // nil: not compressed
	}{
		{"csv", "ev.CSV.GZ", gz},
		{"csv", "ev.csv.Zst", zst},
		{"jsonl", "ev.jsonl.Gz", gz},
		{"jsonl", "ev.jsonl.ZST", zst},
		{"jsonl", "ev.jsonl.gz", gz},
		{"jsonl", "ev.JSONL", nil},
	} {
		t.Run(tc.path, func(t *testing.T) {
			src := strings.Replace(rtScenario("", "", "1", ""), `type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"`, `type   = "`+tc.typ+`"
  stream = "ev"
  path   = "`+tc.path+`"`, 1)
			plan, err := compileRT(t, src)
			if err != nil {
				t.Fatal(err)
			}
			out := t.TempDir()
			if _, err := plan.Run(context.Background(), engine.RunOptions{OutDir: out, Workers: 2}); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(out, tc.path))
			if err != nil {
				t.Fatal(err)
			}
			if tc.magic == nil {
				if bytes.HasPrefix(b, gz) || bytes.HasPrefix(b, zst) {
					t.Errorf("%s is compressed", tc.path)
				}
			} else if !bytes.HasPrefix(b, tc.magic) {
				t.Errorf("%s starts % x, want % x", tc.path, b[:min(4, len(b))], tc.magic)
			}
		})
	}
}
