package sinks

import (
	"maps"
	"testing"
)

// TestPartitionValues: a file's {{field:NAME}} values are read back from
// its path by the sink's path pattern, time, shard and part tokens
// matching any directory name; a path that is not one of the sink's
// files, or a sink that partitions by no field, gives nil.
func TestPartitionValues(t *testing.T) {
	for _, tc := range []struct {
		name, path string
		fields     []string
		rows       int64
		file       string
		want       map[string]string
	}{
		{"one field", "ev/country={{field:country}}/ev.jsonl", []string{"country"}, 0, "/out/ev/country=JP/ev.jsonl", map[string]string{"country": "JP"}},
		{"a field and a month", "o/country={{field:country}}/month={{year}}-{{month}}/o.parquet", []string{"country"}, 0,
			"/x/o/country=FR/month=2025-11/o.parquet", map[string]string{"country": "FR"}},
		{"two fields", "{{field:a}}/{{field:b}}.csv", []string{"a", "b"}, 0, "/o/x%2Fy/__HIVE_DEFAULT_PARTITION__.csv",
			map[string]string{"a": "x%2Fy", "b": "__HIVE_DEFAULT_PARTITION__"}},
		{"one field twice", "{{field:a}}/{{field:a}}.csv", []string{"a"}, 0, "/o/x/x.csv", map[string]string{"a": "x"}},
		{"one field twice, two values", "{{field:a}}/{{field:a}}.csv", []string{"a"}, 0, "/o/x/y.csv", nil},
		{"rotated", "ev/{{field:t}}/ev.jsonl", []string{"t"}, 100, "/o/ev/gold/ev-00003.jsonl", map[string]string{"t": "gold"}},
		{"a shard", "ev/{{field:t}}/ev-{{shard}}-of-{{shards}}.jsonl", []string{"t"}, 0, "/o/ev/gold/ev-1-of-4.jsonl", map[string]string{"t": "gold"}},
		{"another sink's file", "ev/{{field:t}}/ev.jsonl", []string{"t"}, 0, "/o/other/gold/x.jsonl", nil},
		{"no field", "ev/{{date}}.jsonl", nil, 0, "/o/ev/2025-01-01.jsonl", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &fileSink{path: tc.path, fields: tc.fields, rowsPer: tc.rows}
			if got := PartitionValues(s, tc.file); !maps.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
