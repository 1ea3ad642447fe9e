package sinks

import (
	"fmt"
	"strings"
	"testing"
)

// TestFilePathAndCountRules: placeholders scen does not fill, compression
// suffixes it cannot write and counts that are not positive whole numbers
// are errors at the attribute's value.
func TestFilePathAndCountRules(t *testing.T) {
	types := map[string]*Type{"jsonl": jsonlType(), "csv": csvType(), "parquet": parquetType()}
	for _, tc := range []struct {
		name, typ, src  string
		summary, detail string // summary "": no error
		pos             string // sink.hcl:line:column of the subject
	}{
		{name: "known placeholders", typ: "jsonl", src: `path = "y={{year}}/m={{month}}/d={{day}}/h={{hour}}/{{minute}}/{{shard}}-of-{{shards}}-{{part}}-{{field:user_id}}.jsonl"`},
		{name: "shard without shards", typ: "jsonl", src: `path = "ev/e-{{shard}}.jsonl"`,
			summary: "{{shard}} without {{shards}}", detail: `"ev/e-{{shard}}.jsonl" names a shard's files by its index only: shard 3 of 8 and shard 3 of 16 get the same name`, pos: "sink.hcl:1:8"},
		{name: "parquet shard without shards", typ: "parquet", src: `path = "ev/shard={{shard}}/e.parquet"`,
			summary: "{{shard}} without {{shards}}", detail: `e.g. "n={{shards}}/shard={{shard}}.jsonl".`, pos: "sink.hcl:1:8"},
		{name: "shards without shard", typ: "jsonl", src: `path = "ev/n={{shards}}/e.jsonl"`},
		{name: "date placeholder", typ: "csv", src: "header = false\npath = \"dt={{date}}/h={{hour}}/ev.csv\""},
		{name: "parquet date placeholder", typ: "parquet", src: `path = "ev/user={{field:user_id}}/date={{date}}/part.parquet"`},
		{name: "placeholder typo near date", typ: "jsonl", src: `path = "ev/{{data}}.jsonl"`,
			summary: "Unknown placeholder in path", detail: `Did you mean "date"?`, pos: "sink.hcl:1:8"},
		{name: "unknown placeholder", typ: "jsonl", src: `path = "ev/{{nosuch}}.jsonl"`,
			summary: "Unknown placeholder in path", detail: "{{nosuch}}, which scen does not fill. Placeholders are {{year}}, {{month}}, {{day}}, {{date}}, {{hour}}, {{minute}}, {{part}}, {{shard}}, {{shards}}, {{field:NAME}}.", pos: "sink.hcl:1:8"},
		{name: "placeholder cut short", typ: "jsonl", src: `path = "ev/{{dat}}.jsonl"`,
			summary: "Unknown placeholder in path", detail: `Did you mean "date"?`, pos: "sink.hcl:1:8"},
		{name: "placeholder typo", typ: "csv", src: "header = false\npath = \"ev/{{yaer}}.csv\"",
			summary: "Unknown placeholder in path", detail: `Did you mean "year"?`, pos: "sink.hcl:2:8"},
		{name: "unclosed placeholder", typ: "jsonl", src: `path = "ev/{{day.jsonl"`,
			summary: "Invalid placeholder in path", detail: "never closes it with }}", pos: "sink.hcl:1:8"},
		{name: "empty field placeholder", typ: "jsonl", src: `path = "ev/{{field:}}.jsonl"`,
			summary: "Unknown placeholder in path", detail: "{{field:}}", pos: "sink.hcl:1:8"},
		{name: "parquet field partitions", typ: "parquet", src: `path = "ev/user={{field:user_id}}/day={{day}}/part.parquet"`},
		{name: "parquet unknown field", typ: "parquet", src: `path = "ev/{{field:user}}.parquet"`,
			summary: "Unknown field in path", detail: `Stream "events" has no top-level field "user" to partition by (fields: user_id, event_name, n, at, ctx).`, pos: "sink.hcl:1:8"},
		{name: "parquet field typo", typ: "parquet", src: `path = "ev/{{field:usr_id}}.parquet"`,
			summary: "Unknown field in path", detail: `(fields: user_id, event_name, n, at, ctx). Did you mean "user_id"?`, pos: "sink.hcl:1:8"},
		{name: "parquet nested field", typ: "parquet", src: `path = "ev/{{field:ctx}}.parquet"`,
			summary: "Field cannot partition the path", detail: "{{field:ctx}} names a field that holds an object", pos: "sink.hcl:1:12"},
		// A path that names another format: scen's own readers failed on
		// a jsonl sink's "ev.csv" (review 33).
		{name: "jsonl named csv", typ: "jsonl", src: `path = "ev/day={{date}}/ev.csv"`,
			summary: "Path names another format", detail: `Sink "ev" writes JSON lines, but "ev/day={{date}}/ev.csv" ends in .csv, the suffix of CSV: scen report, scen cat and dataset blocks read a text file as its name says, so they would fail on it, and so would other tools. End the path in .jsonl.`, pos: "sink.hcl:1:8"},
		{name: "jsonl named csv, compressed", typ: "jsonl", src: `path = "ev.CSV.gz"`,
			summary: "Path names another format", detail: `ends in .csv, the suffix of CSV`, pos: "sink.hcl:1:8"},
		{name: "jsonl named parquet", typ: "jsonl", src: `path = "ev.parquet"`,
			summary: "Path names another format", detail: `ends in .parquet, the suffix of Parquet`, pos: "sink.hcl:1:8"},
		{name: "csv named jsonl", typ: "csv", src: `path = "ev.jsonl.zst"`,
			summary: "Path names another format", detail: `Sink "ev" writes CSV, but "ev.jsonl.zst" ends in .jsonl, the suffix of JSON lines`, pos: "sink.hcl:1:8"},
		{name: "csv named json", typ: "csv", src: `path = "ev.json"`,
			summary: "Path names another format", detail: `End the path in .csv.`, pos: "sink.hcl:1:8"},
		{name: "jsonl named json", typ: "jsonl", src: `path = "ev.json"`},
		{name: "jsonl named ndjson", typ: "jsonl", src: `path = "ev.ndjson"`},
		{name: "csv named txt", typ: "csv", src: `path = "ev.txt"`},
		{name: "parquet named jsonl", typ: "parquet", src: `path = "ev.jsonl"`},
		{name: "gz", typ: "jsonl", src: `path = "ev.jsonl.gz"`},
		{name: "zst", typ: "csv", src: `path = "ev.csv.zst"`},
		{name: "bz2", typ: "jsonl", src: `path = "ev.jsonl.bz2"`,
			summary: "Unsupported compression", detail: `"ev.jsonl.bz2" ends in .bz2 (bzip2), which scen cannot write. A path ending in .gz (gzip) or .zst (zstandard) is compressed`, pos: "sink.hcl:1:8"},
		{name: "xz", typ: "csv", src: `path = "ev.csv.xz"`, summary: "Unsupported compression", detail: ".xz (xz)", pos: "sink.hcl:1:8"},
		{name: "zip", typ: "jsonl", src: `path = "ev.jsonl.ZIP"`, summary: "Unsupported compression", detail: ".zip (zip)", pos: "sink.hcl:1:8"},
		{name: "zstd spelled out", typ: "jsonl", src: `path = "ev.jsonl.zstd"`, summary: "Unsupported compression", detail: "end the path in .zst", pos: "sink.hcl:1:8"},
		{name: "parquet bz2", typ: "parquet", src: `path = "ev.parquet.bz2"`, summary: "Invalid path", detail: "drop the .bz2 suffix", pos: "sink.hcl:1:8"},
		{name: "fractional rows_per_file", typ: "jsonl", src: "path = \"ev.jsonl\"\nrows_per_file = 2.5",
			summary: "Invalid rows_per_file", detail: "rows_per_file must be a positive whole number, got the number 2.5.", pos: "sink.hcl:2:17"},
		{name: "fractional bytes_per_file", typ: "csv", src: "path = \"ev.csv\"\nbytes_per_file = 1e3 / 3",
			summary: "Invalid bytes_per_file", detail: "bytes_per_file must be a positive whole number", pos: "sink.hcl:2:18"},
		{name: "zero rows_per_file", typ: "csv", src: "path = \"ev.csv\"\nrows_per_file = 0",
			summary: "Invalid rows_per_file", detail: "positive whole number", pos: "sink.hcl:2:17"},
		{name: "string rows_per_file", typ: "jsonl", src: "path = \"ev.jsonl\"\nrows_per_file = \"10\"",
			summary: "Invalid rows_per_file", detail: `rows_per_file must be a positive whole number, got the string "10".`, pos: "sink.hcl:2:17"},
		{name: "bytes_per_file with a unit", typ: "jsonl", src: "path = \"ev.jsonl\"\nbytes_per_file = \"1MB\"",
			summary: "Invalid bytes_per_file", detail: `bytes_per_file must be a positive whole number of bytes, got the string "1MB"; write it without a unit: 1048576 for 1 MiB, 1048576 * 100 for 100 MiB.`, pos: "sink.hcl:2:18"},
		{name: "whole rows_per_file", typ: "jsonl", src: "path = \"ev.jsonl\"\nrows_per_file = 1e3"},
		{name: "fractional parquet rows_per_file", typ: "parquet", src: "path = \"ev.parquet\"\nrows_per_file = 0.5",
			summary: "Invalid rows_per_file", detail: "positive whole number", pos: "sink.hcl:2:17"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, diags := types[tc.typ].New(Decl{Name: "ev", Type: tc.typ, Stream: kafkaStream(), Body: parseBody(t, tc.src)})
			if tc.summary == "" {
				if len(diags) > 0 {
					t.Fatal(diags)
				}
				return
			}
			if len(diags) != 1 {
				t.Fatalf("want one diagnostic, got %d: %v", len(diags), diags)
			}
			d := diags[0]
			if d.Summary != tc.summary || !strings.Contains(d.Detail, tc.detail) {
				t.Errorf("got %q: %q\nwant %q: …%s…", d.Summary, d.Detail, tc.summary, tc.detail)
			}
			if d.Subject == nil {
				t.Fatal("no source range")
			}
			if got := fmt.Sprintf("%s:%d:%d", d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column); got != tc.pos {
				t.Errorf("at %s, want %s", got, tc.pos)
			}
		})
	}
}
