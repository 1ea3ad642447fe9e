package sinks

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

func listFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			b, _ := os.ReadFile(p)
			out[rel] = string(b)
		}
		return nil
	})
	return out
}

func TestPartitionedPaths(t *testing.T) {
	seoul, _ := time.LoadLocation("Asia/Seoul")
	berlin, _ := time.LoadLocation("Europe/Berlin")
	at := func(loc *time.Location, s string) int64 {
		tt, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return tt.UnixMilli()
	}
	for _, tc := range []struct {
		name     string
		path     string
		loc      *time.Location
		rowsPer  int64
		bytesPer int64
		times    []int64
		want     map[string]string
	}{
		{"hive hours across midnight", "ev/year={{year}}/month={{month}}/day={{day}}/hour={{hour}}/part.jsonl", seoul, 0, 0,
			[]int64{at(seoul, "2025-08-31 23:10"), at(seoul, "2025-08-31 23:59"), at(seoul, "2025-09-01 00:00"), at(seoul, "2025-09-01 01:30")},
			map[string]string{
				"ev/year=2025/month=08/day=31/hour=23/part.jsonl": "r0\nr1\n",
				"ev/year=2025/month=09/day=01/hour=00/part.jsonl": "r2\n",
				"ev/year=2025/month=09/day=01/hour=01/part.jsonl": "r3\n",
			}},
		// {{date}} is {{year}}-{{month}}-{{day}} in the scenario's zone:
		// Seoul's midnight is 15:00 UTC, and a year's last day rolls over.
		{"date across midnight and the year's end", "ev/date={{date}}/part.jsonl", seoul, 0, 0,
			[]int64{at(seoul, "2025-12-31 23:10"), at(seoul, "2025-12-31 23:59"), at(seoul, "2026-01-01 00:00"), at(seoul, "2026-01-01 14:59"), at(seoul, "2026-01-02 00:00")},
			map[string]string{
				"ev/date=2025-12-31/part.jsonl": "r0\nr1\n",
				"ev/date=2026-01-01/part.jsonl": "r2\nr3\n",
				"ev/date=2026-01-02/part.jsonl": "r4\n",
			}},
		{"date with hours, and beside day", "d/{{date}}/{{hour}}-{{day}}.jsonl", seoul, 0, 0,
			[]int64{at(seoul, "2025-03-09 08:00"), at(seoul, "2025-03-09 08:30"), at(seoul, "2025-03-09 09:00"), at(seoul, "2025-03-10 08:00")},
			map[string]string{"d/2025-03-09/08-09.jsonl": "r0\nr1\n", "d/2025-03-09/09-09.jsonl": "r2\n", "d/2025-03-10/08-10.jsonl": "r3\n"}},
		{"date with rotation", "r/{{date}}.jsonl", time.UTC, 2, 0,
			[]int64{at(time.UTC, "2025-01-01 10:00"), at(time.UTC, "2025-01-01 11:00"), at(time.UTC, "2025-01-01 12:00"), at(time.UTC, "2025-01-02 10:00")},
			map[string]string{"r/2025-01-01-00000.jsonl": "r0\nr1\n", "r/2025-01-01-00001.jsonl": "r2\n", "r/2025-01-02-00000.jsonl": "r3\n"}},
		// Daylight saving: Berlin's 2025-03-30 has 23 hours, its
		// 2025-10-26 25; the date changes at local midnight either way.
		{"date over daylight-saving days", "z/{{date}}.jsonl", berlin, 0, 0,
			[]int64{at(berlin, "2025-03-29 23:59"), at(berlin, "2025-03-30 00:00"), at(berlin, "2025-03-30 23:59"), at(berlin, "2025-03-31 00:00"),
				time.Date(2025, 10, 26, 0, 30, 0, 0, time.UTC).UnixMilli(), time.Date(2025, 10, 26, 1, 30, 0, 0, time.UTC).UnixMilli(), at(berlin, "2025-10-26 23:59"), at(berlin, "2025-10-27 00:00")},
			map[string]string{"z/2025-03-29.jsonl": "r0\n", "z/2025-03-30.jsonl": "r1\nr2\n", "z/2025-03-31.jsonl": "r3\n",
				"z/2025-10-26.jsonl": "r4\nr5\nr6\n", "z/2025-10-27.jsonl": "r7\n"}},
		{"15-minute replay style minutes", "m/{{hour}}{{minute}}.jsonl", time.UTC, 0, 0,
			[]int64{at(time.UTC, "2025-09-01 00:00"), at(time.UTC, "2025-09-01 00:00"), at(time.UTC, "2025-09-01 00:01")},
			map[string]string{"m/0000.jsonl": "r0\nr1\n", "m/0001.jsonl": "r2\n"}},
		{"rotation by rows", "r/e.jsonl.", time.UTC, 2, 0,
			[]int64{1, 2, 3, 4, 5},
			map[string]string{"r/e-00000.jsonl.": "r0\nr1\n", "r/e-00001.jsonl.": "r2\nr3\n", "r/e-00002.jsonl.": "r4\n"}},
		{"rotation by bytes", "b/e.jsonl", time.UTC, 0, 7,
			[]int64{1, 2, 3, 4, 5, 6, 7},
			map[string]string{"b/e-00000.jsonl": "r0\nr1\nr2\n", "b/e-00001.jsonl": "r3\nr4\nr5\n", "b/e-00002.jsonl": "r6\n"}},
		{"rotation inside day partitions", "d/{{day}}/e-{{part}}.jsonl", time.UTC, 1, 0,
			[]int64{at(time.UTC, "2025-01-01 10:00"), at(time.UTC, "2025-01-01 11:00"), at(time.UTC, "2025-01-02 10:00")},
			map[string]string{"d/01/e-00000.jsonl": "r0\n", "d/01/e-00001.jsonl": "r1\n", "d/02/e-00000.jsonl": "r2\n"}},
		{"repeated DST hour becomes a second part", "h/{{day}}-{{hour}}.jsonl", berlin, 0, 0,
			// 2025-10-26: 02:00-03:00 CEST (00:00 UTC), then 02:00-03:00 CET (01:00 UTC).
			[]int64{time.Date(2025, 10, 26, 0, 30, 0, 0, time.UTC).UnixMilli(), time.Date(2025, 10, 26, 1, 30, 0, 0, time.UTC).UnixMilli()},
			map[string]string{"h/26-02.jsonl": "r0\n", "h/26-02-00001.jsonl": "r1\n"}},
	} {
		// Record by record, and in runs of 2, 3 and all records the way the
		// engine's merge hands them (WriteRun, else Write per record):
		// the same files either way.
		for _, run := range []int{1, 2, 3, len(tc.times)} {
			t.Run(fmt.Sprintf("%s/runs of %d", tc.name, run), func(t *testing.T) {
				dir := t.TempDir()
				s := &fileSink{typ: "jsonl", path: tc.path, loc: tc.loc, rowsPer: tc.rowsPer, bytesPer: tc.bytesPer}
				if err := s.Open(RunInfo{OutDir: dir, Shards: 1}); err != nil {
					t.Fatal(err)
				}
				rec := func(i int) []byte { return []byte("r" + string(rune('0'+i)) + "\n") }
				for lo := 0; lo < len(tc.times); lo += run {
					hi := min(lo+run, len(tc.times))
					if hi-lo > 1 {
						var b []byte
						for i := lo; i < hi; i++ {
							b = append(b, rec(i)...)
						}
						took, err := s.WriteRun(tc.times[lo], tc.times[hi-1], hi-lo, b)
						if err != nil {
							t.Fatal(err)
						}
						if took {
							continue
						}
					}
					for i := lo; i < hi; i++ {
						if err := s.Write(tc.times[i], rec(i)); err != nil {
							t.Fatal(err)
						}
					}
				}
				for name := range listFiles(t, dir) {
					if !strings.Contains(filepath.Base(name), ".tmp-") {
						t.Fatalf("%s is published before Close", name)
					}
				}
				res, err := s.Close()
				if err != nil {
					t.Fatal(err)
				}
				got := listFiles(t, dir)
				if len(got) != len(tc.want) {
					t.Fatalf("files %v, want %v", keysOf(got), keysOf(tc.want))
				}
				for name, body := range tc.want {
					if got[name] != body {
						t.Errorf("%s = %q, want %q", name, got[name], body)
					}
				}
				if res.Records != int64(len(tc.times)) || len(res.Files) != len(tc.want) {
					t.Errorf("result %+v", res)
				}
			})
		}
	}
}

func TestPartitionedAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	s := &fileSink{typ: "jsonl", path: "p/{{minute}}.jsonl", loc: time.UTC}
	s.Open(RunInfo{OutDir: dir, Shards: 1})
	for i := int64(0); i < 5; i++ {
		s.Write(i*60000, []byte("x\n"))
	}
	s.Abort()
	if got := listFiles(t, dir); len(got) != 0 {
		t.Fatalf("abort left %v", keysOf(got))
	}
}

func keysOf(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
