package sinks

import (
	"bytes"
	"fmt"
	"math"
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
		// engine's merge hands them (WriteRun, else Write per record), or
		// as its two-worker merge does (into the lent buffer when the run
		// fits it, else WriteRun or Write with the buffer given back):
		// the same files either way.
		for _, run := range []int{1, 2, 3, len(tc.times)} {
			for _, direct := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/runs of %d/direct %v", tc.name, run, direct), func(t *testing.T) {
					dir := t.TempDir()
					s := &fileSink{typ: "jsonl", path: tc.path, loc: tc.loc, rowsPer: tc.rowsPer, bytesPer: tc.bytesPer}
					if err := s.Open(RunInfo{OutDir: dir, Shards: 1}); err != nil {
						t.Fatal(err)
					}
					rec := func(i int) []byte { return []byte("r" + string(rune('0'+i)) + "\n") }
					var d Direct
					if direct {
						s.Lend(&d)
					}
					for lo := 0; lo < len(tc.times); lo += run {
						hi := min(lo+run, len(tc.times))
						var b []byte
						for i := lo; i < hi; i++ {
							b = append(b, rec(i)...)
						}
						if direct {
							took, err := directRun(s, &d, tc.times[lo:hi], b)
							if err != nil {
								t.Fatal(err)
							}
							if took {
								continue
							}
						}
						if err := writeRun(s, tc.times[lo:hi], b); err != nil {
							t.Fatal(err)
						}
						if direct {
							s.Lend(&d)
						}
					}
					if err := s.Return(&d); err != nil {
						t.Fatal(err)
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
					total := 0
					for name, body := range tc.want {
						total += len(body)
						if got[name] != body {
							t.Errorf("%s = %q, want %q", name, got[name], body)
						}
					}
					if res.Records != int64(len(tc.times)) || len(res.Files) != len(tc.want) || res.Bytes != int64(total) {
						t.Errorf("result %+v", res)
					}
				})
			}
		}
	}
}

// directRun is the two-worker merge's fast path (engine.mergeTwo): the
// run of records at times ts, b, into the lent buffer d when it fits its
// limits. false: d is given back, and the caller writes the run another
// way.
func directRun(s *fileSink, d *Direct, ts []int64, b []byte) (bool, error) {
	n := len(ts)
	if ts[n-1] < d.Until && int64(n) <= d.Rows && int64(len(b)) <= d.Bytes && len(b) <= cap(d.Buf)-len(d.Buf) {
		d.Buf = append(d.Buf, b...)
		d.Rows -= int64(n)
		d.Bytes -= int64(len(b))
		if len(d.Buf) >= d.Full {
			if err := s.Return(d); err != nil {
				return true, err
			}
			s.Lend(d)
		}
		return true, nil
	}
	return false, s.Return(d)
}

// writeRun hands the records at times ts, b (each ending with a newline),
// to s as the engine's merge does: WriteRun, else Write per record.
func writeRun(s *fileSink, ts []int64, b []byte) error {
	if len(ts) > 1 {
		took, err := s.WriteRun(ts[0], ts[len(ts)-1], len(ts), b)
		if err != nil || took {
			return err
		}
	}
	for _, t := range ts {
		k := bytes.IndexByte(b, '\n') + 1
		if err := s.Write(t, b[:k]); err != nil {
			return err
		}
		b = b[k:]
	}
	return nil
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

// TestDirectFillsBuffers writes a few file buffers' worth of records of 1
// to 9 000 bytes, in runs of one to three, through the two-worker merge's
// lent buffer (directRun) and through WriteRun and Write: the same files
// and results, with the buffer handed off when full, runs that do not fit
// its room, and rotation by rows and bytes across buffers.
func TestDirectFillsBuffers(t *testing.T) {
	for _, tc := range []struct {
		name              string
		rowsPer, bytesPer int64
	}{
		{"one file", 0, 0},
		{"rotation by rows", 333, 0},
		{"rotation by bytes", 0, 300_000},
		{"rotation by both", 1000, 200_000},
	} {
		results := map[bool]Result{}
		files := map[bool]map[string]string{}
		for _, direct := range []bool{false, true} {
			dir := t.TempDir()
			s := &fileSink{typ: "jsonl", path: "e/{{day}}.jsonl", loc: time.UTC, rowsPer: tc.rowsPer, bytesPer: tc.bytesPer}
			if err := s.Open(RunInfo{OutDir: dir, Shards: 1}); err != nil {
				t.Fatal(err)
			}
			var d Direct
			s.Lend(&d) // no file before the first record: a loan of nothing
			if d.Until != math.MinInt64 || d.Buf != nil {
				t.Fatalf("%s: lent %+v before a file is open", tc.name, d)
			}
			r := uint64(7)
			ts := int64(0)
			for i := 0; i < 3000; {
				r = r*6364136223846793005 + 1442695040888963407
				n := min(int(r>>62)+1, 3000-i)
				var times []int64
				var b []byte
				for k := 0; k < n; k++ {
					r = r*6364136223846793005 + 1442695040888963407
					size := 1 + int(r>>33)%9000
					if r>>60 < 12 {
						size = 1 + int(r>>33)%300
					}
					ts += int64(r>>40) % 120_000
					times = append(times, ts)
					b = append(b, bytes.Repeat([]byte{'a' + byte(i%26)}, size-1)...)
					b = append(b, '\n')
					i++
				}
				if direct {
					took, err := directRun(s, &d, times, b)
					if err != nil {
						t.Fatal(err)
					}
					if took {
						continue
					}
				}
				if err := writeRun(s, times, b); err != nil {
					t.Fatal(err)
				}
				if direct {
					s.Lend(&d)
				}
			}
			if err := s.Return(&d); err != nil {
				t.Fatal(err)
			}
			res, err := s.Close()
			if err != nil {
				t.Fatal(err)
			}
			results[direct], files[direct] = res, listFiles(t, dir)
		}
		if results[true].Records != results[false].Records || results[true].Bytes != results[false].Bytes {
			t.Errorf("%s: direct %+v, WriteRun %+v", tc.name, results[true], results[false])
		}
		if len(files[true]) != len(files[false]) || len(files[false]) < 2 {
			t.Errorf("%s: direct wrote %d files, WriteRun %d", tc.name, len(files[true]), len(files[false]))
		}
		for name, body := range files[false] {
			if files[true][name] != body {
				t.Errorf("%s: %s differs (%d bytes, want %d)", tc.name, name, len(files[true][name]), len(body))
			}
		}
	}
}
