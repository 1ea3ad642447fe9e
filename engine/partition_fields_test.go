package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/scenhq/scen/engine"
)

// TestFieldPartitions: {{field:NAME}} splits records by a field's value
// (nulls to __HIVE_DEFAULT_PARTITION__), combined with time partitions and
// rotation, and together the files hold exactly the unpartitioned output.
func TestFieldPartitions(t *testing.T) {
	dir := t.TempDir()
	src := `
scenario "p" {
  seed  = 3
  start = "2025-01-01"
  end   = "2025-01-04"
}
entity "c" {
  count = 300
  attributes {
    tier = weighted({ gold = 1, silver = 2, none = 3 })
  }
}
flow "f" {
  actor = entity.c
  session {
    count = 1
    start = uniform("0s", "71h")
  }
  initial = "e"
  state "e" {
    emit "ev" {
      id   = index
      tier = c.tier == "none" ? null : c.tier
      at   = event.time
    }
  }
}
sink "all" {
  type   = "jsonl"
  stream = "ev"
  path   = "all.jsonl"
}
sink "parts" {
  type          = "jsonl"
  stream        = "ev"
  path          = "p/day={{day}}/tier={{field:tier}}/part.jsonl"
  rows_per_file = 20
}
`
	path := filepath.Join(dir, "p.hcl")
	os.WriteFile(path, []byte(src), 0o644)
	plan := compileFile(t, path, nil, nil)
	out := t.TempDir()
	if _, err := plan.Run(context.Background(), engine.RunOptions{OutDir: out, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	all := strings.Split(strings.TrimSpace(string(readFile(t, filepath.Join(out, "all.jsonl")))), "\n")
	var parts []string
	dirs := map[string]bool{}
	filepath.Walk(filepath.Join(out, "p"), func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(out, p)
		segs := strings.Split(rel, string(filepath.Separator))
		day, tier := strings.TrimPrefix(segs[1], "day="), strings.TrimPrefix(segs[2], "tier=")
		dirs[segs[1]+"/"+segs[2]] = true
		lines := strings.Split(strings.TrimSpace(string(readFile(t, p))), "\n")
		if len(lines) > 20 {
			t.Errorf("%s has %d records, rows_per_file is 20", rel, len(lines))
		}
		for _, l := range lines {
			wantTier := `"tier":"` + tier + `"`
			if tier == "__HIVE_DEFAULT_PARTITION__" {
				if strings.Contains(l, `"tier"`) {
					t.Fatalf("%s holds %s", rel, l)
				}
			} else if !strings.Contains(l, wantTier) {
				t.Fatalf("%s holds %s", rel, l)
			}
			if !strings.Contains(l, `"at":"2025-01-`+day+`T`) {
				t.Fatalf("%s holds %s", rel, l)
			}
			parts = append(parts, l)
		}
		return nil
	})
	if len(dirs) != 9 {
		t.Errorf("want 3 days × 3 tiers, got %d partitions: %v", len(dirs), dirs)
	}
	if len(parts) != len(all) {
		t.Fatalf("partitions hold %d records, the unpartitioned sink %d", len(parts), len(all))
	}
	seen := map[string]int{}
	for _, l := range all {
		seen[l]++
	}
	for _, l := range parts {
		seen[l]--
	}
	for l, n := range seen {
		if n != 0 {
			t.Fatalf("record %s differs between the sinks (%+d)", l, n)
		}
	}
}

// TestFieldPartitionNames: the directory a {{field:NAME}} value names is one
// path segment of valid UTF-8 on one line, with the value escaped as Hive
// and Spark escape it (%XX), so that readers decode the value written and
// two values never share a directory. Before, a newline or tab went into the
// directory name as it was, and the 200-byte cut could split a character
// and leave a name that is not UTF-8; then / and the like became _, so a/b
// and a_b shared a_b.
func TestFieldPartitionNames(t *testing.T) {
	long := strings.Repeat("a", 199) + "한국" // the cut falls inside 한
	for _, tc := range []struct {
		name, value, dir string
	}{
		{"plain", "gold", "v=gold"},
		{"slash", "a/b", "v=a%2Fb"},
		{"underscore", "a_b", "v=a_b"}, // not a/b's directory
		{"newline", "x\ny", "v=x%0Ay"},
		{"tab and carriage return", "x\ty\r", "v=x%09y%0D"},
		{"delete", "x\x7fy", "v=x%7Fy"},
		{"dot dot", "..", "v=%2E."},
		{"dot", ".", "v=%2E"},
		{"hive escapes", `50% a=b #1 'q' {x}[y]^`, "v=50%25 a%3Db %231 %27q%27 %7Bx}%5By%5D%5E"},
		{"windows", `c:\d*?"<>|`, "v=c%3A%5Cd%2A%3F%22%3C%3E%7C"},
		{"long escapes cut whole", strings.Repeat("/", 100), "v=" + strings.Repeat("%2F", 66)},
		{"long escapes cut whole, offset", "x" + strings.Repeat("/", 100), "v=x" + strings.Repeat("%2F", 66)},
		{"unicode", "Zoë 김", "v=Zoë 김"},
		{"long value cut at a character", long, "v=" + strings.Repeat("a", 199)},
		{"empty", "", "v=__HIVE_DEFAULT_PARTITION__"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			src := fmt.Sprintf(`scenario "p" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "c" {
  count = 1
}
flow "f" {
  actor = entity.c
  session {
    count      = 1
    max_events = 1
  }
  initial = "e"
  state "e" {
    emit "ev" {
      v = %s
    }
    next = { end = 1 }
  }
}
sink "parts" {
  type   = "jsonl"
  stream = "ev"
  path   = "p/v={{field:v}}/part.jsonl"
}
`, strings.ReplaceAll(fmt.Sprintf("%q", tc.value), `\x7f`, `\u007f`)) // HCL has no \x escapes
			path := filepath.Join(dir, "p.hcl")
			os.WriteFile(path, []byte(src), 0o644)
			out := runTo(t, path, 1, nil, engine.RunOptions{Workers: 1})
			entries, err := os.ReadDir(filepath.Join(out, "p"))
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 || entries[0].Name() != tc.dir {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Fatalf("directories %q, want [%q]", names, tc.dir)
			}
			if !utf8.ValidString(entries[0].Name()) {
				t.Errorf("%q is not UTF-8", entries[0].Name())
			}
		})
	}
}
