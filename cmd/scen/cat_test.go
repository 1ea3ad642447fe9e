package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCat: scen cat prints a Parquet, CSV or JSON lines file's records as
// the jsonl sink writes the same records (times, ints, floats, strings,
// null fields left out), a directory's files in path order, --limit and
// --schema; a missing file or a directory without data files is an error.
func TestCat(t *testing.T) {
	dir := t.TempDir()
	src := `scenario "s" {
  seed     = 7
  timezone = "UTC"
  start    = "2025-01-01T00:00:00"
  end      = "2025-01-03T00:00:00"
}
entity "user" {
  count = 20
  attributes {
    id   = "u${index}"
    tier = weighted({ free = 3, paid = 1 })
  }
}
flow "f" {
  actor   = entity.user
  session { count = 2 }
  gap     = "10m"
  initial = "e"
  state "e" {
    emit "ev" {
      user  = user.id
      tier  = user.tier
      at    = event.time
      n     = event.seq
      price = round(uniform(1.0, 100.0), 2)
      note  = user.tier == "paid" ? "vip \"quoted\"" : null
    }
    next = { e = 0.5, end = 0.5 }
  }
}
sink "j" {
  type   = "jsonl"
  stream = "ev"
  path   = "ev.jsonl"
}
sink "c" {
  type   = "csv"
  stream = "ev"
  path   = "ev.csv"
}
sink "p" {
  type   = "parquet"
  stream = "ev"
  path   = "pq/tier={{field:tier}}/ev.parquet"
}
`
	path := filepath.Join(dir, "s.hcl")
	os.WriteFile(path, []byte(src), 0o644)
	out := filepath.Join(dir, "out")
	if code, _, stderr := runCLI("run", path, "--out", out, "--quiet", "--no-manifest"); code != 0 {
		t.Fatalf("run: %d %s", code, stderr)
	}
	want, err := os.ReadFile(filepath.Join(out, "ev.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(want), "\n")
	lines = lines[:len(lines)-1] // after the last newline
	if len(lines) < 40 {
		t.Fatalf("only %d records", len(lines))
	}
	// The Parquet files are by tier: their records in path order (free,
	// then paid), each file in time order.
	var free, paid []string
	for _, l := range lines {
		if strings.Contains(l, `"tier":"paid"`) {
			paid = append(paid, l)
		} else {
			free = append(free, l)
		}
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"jsonl", []string{filepath.Join(out, "ev.jsonl")}, string(want)},
		{"csv", []string{filepath.Join(out, "ev.csv")}, string(want)},
		{"a parquet directory", []string{filepath.Join(out, "pq")}, strings.Join(free, "") + strings.Join(paid, "")},
		{"one parquet file", []string{filepath.Join(out, "pq", "tier=paid", "ev.parquet")}, strings.Join(paid, "")},
		{"limit", []string{"--limit", "3", filepath.Join(out, "ev.csv")}, strings.Join(lines[:3], "")},
		{"limit over files", []string{"--limit", "3", filepath.Join(out, "ev.csv"), filepath.Join(out, "ev.jsonl")}, strings.Join(lines[:3], "")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(append([]string{"cat"}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if stdout != tc.want {
				t.Errorf("got\n%.600s\nwant\n%.600s", stdout, tc.want)
			}
		})
	}
	code, stdout, _ := runCLI("cat", "--schema", filepath.Join(out, "pq", "tier=free", "ev.parquet"))
	for _, want := range []string{"rows", "user", "string", "at", "time", "n ", "int", "price", "float"} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("--schema: exit %d, %q lacks %q", code, stdout, want)
		}
	}
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{filepath.Join(dir, "missing.parquet")}, 1, "no such file"},
		{[]string{empty}, 1, "no JSON lines, CSV or Parquet file under this directory"},
		{[]string{"--limit", "-1", empty}, 2, "--limit -1"},
		{[]string{"--zone", "Mars/Base", filepath.Join(out, "ev.csv")}, 2, "not a time zone"},
	} {
		code, _, stderr := runCLI(append([]string{"cat"}, tc.args...)...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("cat %v: exit %d, %q; want exit %d and %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
}
