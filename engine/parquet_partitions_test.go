package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/engine/data"
)

// parquetPartSrc writes one stream twice, Hive-partitioned by country and
// day: as JSON lines and as Parquet. Two of its countries differ only
// after the 200 bytes a partition value is cut to, and one holds a /.
const parquetPartSrc = `
scenario "p" {
  seed  = 5
  start = "2025-03-01"
  end   = "2025-03-04"
}
entity "c" {
  count = 400
  attributes {
    country = weighted({ KR = 4, US = 3, "a/b" = 1, LONG1 = 1, LONG2 = 1, none = 1 })
  }
}
flow "f" {
  actor = entity.c
  session {
    count = uniform(1, 3)
    start = uniform("0s", "71h")
  }
  gap     = uniform("1m", "3h")
  initial = "e"
  state "e" {
    emit "ev" {
      id      = index
      country = c.country == "none" ? null : c.country
      amount  = uniform(1.0, 100.0)
      at      = event.time
    }
    next = { e = 0.6, end = 0.4 }
  }
}
sink "j" {
  type   = "jsonl"
  stream = "ev"
  path   = "j/country={{field:country}}/date={{year}}-{{month}}-{{day}}/part.jsonl"
}
sink "p" {
  type           = "parquet"
  stream         = "ev"
  path           = "p/country={{field:country}}/date={{year}}-{{month}}-{{day}}/part.parquet"
  row_group_rows = 50
}
`

func parquetPartScenario(t *testing.T, extra string) string {
	long := strings.Repeat("x", 200)
	src := strings.NewReplacer("LONG1", `"`+long+`1"`, "LONG2", `"`+long+`2"`).Replace(parquetPartSrc) + extra
	path := filepath.Join(t.TempDir(), "p.hcl")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestParquetFieldPartitionsRun: a Parquet sink whose path has
// {{field:country}} and the day writes the same partitions as a jsonl sink
// with the same path (values escaped and cut the same way, values that
// render alike sharing a file), each holding the same records; the bytes
// are the same for 1 worker and 2.
func TestParquetFieldPartitionsRun(t *testing.T) {
	path := parquetPartScenario(t, "")
	out := runTo(t, path, 5, nil, engine.RunOptions{Workers: 2})
	out1 := runTo(t, path, 5, nil, engine.RunOptions{Workers: 1})
	// partition → ids, from each sink's files.
	byPart := func(sub, ext string) map[string][]string {
		got := map[string][]string{}
		root := filepath.Join(out, sub)
		filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
			if err != nil || info.IsDir() {
				return nil
			}
			rel, _ := filepath.Rel(root, p)
			if filepath.Base(rel) != "part."+ext {
				t.Errorf("unexpected file %s", p)
				return nil
			}
			part := filepath.Dir(rel)
			if ext == "jsonl" {
				for _, l := range strings.Split(strings.TrimSpace(string(readFile(t, p))), "\n") {
					var m map[string]any
					if err := json.Unmarshal([]byte(l), &m); err != nil {
						t.Fatal(err)
					}
					at, err := time.Parse(time.RFC3339, m["at"].(string))
					if err != nil {
						t.Fatal(err)
					}
					got[part] = append(got[part], fmt.Sprint(at.UnixMilli(), " ", int64(m["id"].(float64))))
				}
			} else {
				tab, err := data.Load(p)
				if err != nil {
					t.Fatal(err)
				}
				id, at := tab.Col("id"), tab.Col("at")
				for _, r := range tab.Rows {
					got[part] = append(got[part], fmt.Sprint(r[at].I, " ", r[id].I))
				}
				if other := readFile(t, filepath.Join(out1, sub, rel)); !bytes.Equal(other, readFile(t, p)) {
					t.Errorf("%s differs between 1 worker and 2", rel)
				}
			}
			return nil
		})
		return got
	}
	j, p := byPart("j", "jsonl"), byPart("p", "parquet")
	var parts []string
	countries := map[string]bool{}
	for part, recs := range j {
		parts = append(parts, part)
		countries[strings.Split(part, "/")[0]] = true
		if strings.Join(recs, ",") != strings.Join(p[part], ",") {
			t.Errorf("%s: jsonl has %d records, parquet %d (or in another order)", part, len(recs), len(p[part]))
		}
	}
	sort.Strings(parts)
	if len(p) != len(j) {
		t.Errorf("parquet partitions %d, jsonl %d", len(p), len(j))
	}
	long := "country=" + strings.Repeat("x", 200)
	for _, c := range []string{"country=KR", "country=US", "country=a%2Fb", long, "country=__HIVE_DEFAULT_PARTITION__"} {
		if !countries[c] {
			t.Errorf("no partition %.40s… in %v", c, parts)
		}
	}
	if len(countries) != 5 || len(parts) != 15 {
		t.Errorf("%d countries, %d partitions: %v", len(countries), len(parts), parts)
	}
}

// TestParquetPartitionRunFails: a run whose Parquet partition's file is
// another sink's fails with the file's name, and publishes nothing: no
// file of either sink, not even the partitions finished before.
func TestParquetPartitionRunFails(t *testing.T) {
	path := parquetPartScenario(t, `
sink "clash" {
  type   = "parquet"
  stream = "ev"
  path   = "p/country=US/date=2025-03-03/part.parquet"
}
`)
	plan := compileFile(t, path, nil, nil)
	out := filepath.Join(t.TempDir(), "out")
	_, err := plan.Run(context.Background(), engine.RunOptions{OutDir: out, Workers: 2})
	var re *engine.RunError
	if err == nil || !errors.As(err, &re) ||
		!strings.Contains(err.Error(), "another sink of this run writes "+filepath.Join(out, "p/country=US/date=2025-03-03/part.parquet")+" too") {
		t.Fatalf("got %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		var left []string
		filepath.Walk(out, func(p string, info os.FileInfo, err error) error {
			left = append(left, p)
			return nil
		})
		t.Errorf("the failed run left %v", left)
	}
}
