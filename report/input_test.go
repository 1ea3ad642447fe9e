package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExpandPathsGroups: a directory holding the output of several sinks is
// read one stream at a time (by the run's manifest, or by file name without
// one), never as one mixed stream.
func TestExpandPathsGroups(t *testing.T) {
	manifest := `{"sinks": [
	  {"stream": "clients", "files": [{"path": "clients.csv"}]},
	  {"stream": "transactions", "files": [{"path": "transactions-00000.csv"}, {"path": "transactions-00001.csv"}]}]}`
	for _, tc := range []struct {
		name   string
		files  map[string]string
		stream string
		want   []string // base names, or nil when err
		err    string
	}{
		{"one sink", map[string]string{"a/events.jsonl": "", "b/events.jsonl": ""}, "", []string{"events.jsonl", "events.jsonl"}, ""},
		{"rotated, no manifest", map[string]string{"t-00000.csv": "", "t-00001.csv": ""}, "", []string{"t-00000.csv", "t-00001.csv"}, ""},
		{"several sinks, no manifest", map[string]string{"clients.csv": "", "t-00000.csv": ""}, "", nil, "(files clients; files t-*): name the files of one sink"},
		{"manifest, no stream", map[string]string{"manifest.json": manifest, "clients.csv": "", "transactions-00000.csv": "", "transactions-00001.csv": ""},
			"", nil, "(stream clients; stream transactions): choose one with --stream"},
		{"manifest, stream", map[string]string{"manifest.json": manifest, "clients.csv": "", "transactions-00000.csv": "", "transactions-00001.csv": ""},
			"transactions", []string{"transactions-00000.csv", "transactions-00001.csv"}, ""},
		{"two runs", map[string]string{"r1/manifest.json": manifest, "r1/clients.csv": "", "r2/manifest.json": manifest, "r2/clients.csv": ""},
			"clients", nil, "holds 2 runs"},
		// The shards of one run: a manifest per shard (they were "several
		// sinks" without a way to choose the stream).
		{"shards, stream", map[string]string{
			"manifest.shard-0-of-2.json": `{"sinks": [{"stream": "clients", "files": [{"path": "clients.shard-0-of-2.csv"}]}, {"stream": "transactions", "files": [{"path": "t-00000.shard-0-of-2.csv"}]}]}`,
			"manifest.shard-1-of-2.json": `{"sinks": [{"stream": "clients", "files": [{"path": "clients.shard-1-of-2.csv"}]}, {"stream": "transactions", "files": [{"path": "t-00000.shard-1-of-2.csv"}, {"path": "t-00001.shard-1-of-2.csv"}]}]}`,
			"clients.shard-0-of-2.csv":   "", "clients.shard-1-of-2.csv": "", "t-00000.shard-0-of-2.csv": "", "t-00000.shard-1-of-2.csv": "", "t-00001.shard-1-of-2.csv": ""},
			"transactions", []string{"t-00000.shard-0-of-2.csv", "t-00000.shard-1-of-2.csv", "t-00001.shard-1-of-2.csv"}, ""},
		{"shards, no stream", map[string]string{
			"manifest.shard-0-of-2.json": `{"sinks": [{"stream": "clients", "files": [{"path": "clients.shard-0-of-2.csv"}]}, {"stream": "transactions", "files": [{"path": "t-00000.shard-0-of-2.csv"}]}]}`,
			"clients.shard-0-of-2.csv":   "", "t-00000.shard-0-of-2.csv": ""},
			"", nil, "(stream clients; stream transactions): choose one with --stream"},
		{"shards of two runs", map[string]string{
			"manifest.shard-0-of-2.json": manifest, "manifest.shard-0-of-3.json": manifest, "clients.csv": ""},
			"clients", nil, "holds 2 runs"},
		// A directory inside the run's output: its manifest is above.
		{"sub/manifest above, stream", map[string]string{"manifest.json": `{"sinks": [
		  {"stream": "clients", "files": [{"path": "sub/clients.csv"}]},
		  {"stream": "transactions", "files": [{"path": "sub/transactions-00000.csv"}]}]}`, "sub/clients.csv": "", "sub/transactions-00000.csv": ""},
			"transactions", []string{"transactions-00000.csv"}, ""},
		{"sub/manifest above, no stream", map[string]string{"manifest.json": `{"sinks": [
		  {"stream": "clients", "files": [{"path": "sub/clients.csv"}]},
		  {"stream": "transactions", "files": [{"path": "sub/transactions-00000.csv"}]}]}`, "sub/clients.csv": "", "sub/transactions-00000.csv": ""},
			"", nil, "(stream clients; stream transactions): choose one with --stream"},
		{"two formats", map[string]string{"e.jsonl": "", "e.csv": ""}, "", nil, "holds csv and jsonl files"},
		{"several sinks", map[string]string{"a.jsonl": "", "e.csv.gz": ""}, "", nil, "(files a; files e)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, body := range tc.files {
				p := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			// Through a symlink, as a run's latest link.
			link := filepath.Join(t.TempDir(), "latest")
			if err := os.Symlink(dir, link); err != nil {
				t.Fatal(err)
			}
			arg := link
			if strings.HasPrefix(tc.name, "sub/") {
				arg = filepath.Join(link, "sub")
			}
			got, _, err := ExpandPaths([]string{arg}, tc.stream)
			if tc.want == nil {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got %v, %v; want an error with %q", got, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, f := range got {
				names = append(names, filepath.Base(f))
			}
			if strings.Join(names, " ") != strings.Join(tc.want, " ") {
				t.Fatalf("got %v, want %v", names, tc.want)
			}
		})
	}
}

// TestExpandPathsDedupe: a file named twice (a run's directory and its
// latest link, a file and its directory, a path spelled two ways) is read
// once: it was read, and every record counted, twice. The first name
// stays; files that are only alike are all kept.
func TestExpandPathsDedupe(t *testing.T) {
	dir := t.TempDir()
	run := filepath.Join(dir, "runs", "20250101T000000Z-abc123")
	for _, f := range []string{filepath.Join(run, "events-00000.jsonl"), filepath.Join(run, "events-00001.jsonl"), filepath.Join(dir, "other", "events-00000.jsonl")} {
		os.MkdirAll(filepath.Dir(f), 0o755)
		if err := os.WriteFile(f, []byte("{}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	latest := filepath.Join(dir, "runs", "latest")
	if err := os.Symlink("20250101T000000Z-abc123", latest); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "one.jsonl")
	if err := os.Symlink(filepath.Join(run, "events-00001.jsonl"), link); err != nil {
		t.Fatal(err)
	}
	rel := func(ps ...string) []string {
		var out []string
		for _, p := range ps {
			r, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(r))
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		paths []string
		want  []string // relative to dir
	}{
		{"a run's directory and its latest link", []string{filepath.Join(dir, "runs"), latest},
			[]string{"runs/20250101T000000Z-abc123/events-00000.jsonl", "runs/20250101T000000Z-abc123/events-00001.jsonl"}},
		{"the latest link, then the directory", []string{latest, run},
			[]string{"runs/20250101T000000Z-abc123/events-00000.jsonl", "runs/20250101T000000Z-abc123/events-00001.jsonl"}},
		{"a file and its directory", []string{filepath.Join(run, "events-00001.jsonl"), run},
			[]string{"runs/20250101T000000Z-abc123/events-00001.jsonl", "runs/20250101T000000Z-abc123/events-00000.jsonl"}},
		{"a file spelled two ways", []string{filepath.Join(run, "events-00000.jsonl"), run + "/../20250101T000000Z-abc123/./events-00000.jsonl"},
			[]string{"runs/20250101T000000Z-abc123/events-00000.jsonl"}},
		{"a file and a link to it", []string{link, filepath.Join(run, "events-00001.jsonl")}, []string{"one.jsonl"}},
		{"files of the same name in two directories", []string{filepath.Join(dir, "other"), run},
			[]string{"other/events-00000.jsonl", "runs/20250101T000000Z-abc123/events-00000.jsonl", "runs/20250101T000000Z-abc123/events-00001.jsonl"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _, err := ExpandPaths(tc.paths, "")
			if err != nil {
				t.Fatal(err)
			}
			// A directory's files are named under its resolved path.
			if r, err := filepath.EvalSymlinks(dir); err == nil && r != dir {
				t.Skipf("the temporary directory %s is a link (%s)", dir, r)
			}
			if g := strings.Join(rel(got...), " "); g != strings.Join(tc.want, " ") {
				t.Errorf("got  %s\nwant %s", g, strings.Join(tc.want, " "))
			}
		})
	}
}

// TestExpandPathsUnlisted: a directory where a run's manifest lists files
// and an earlier run left another (a partition this run did not write) is
// read as the run's files only, with a note naming the other, rather than
// refused as the output of several sinks.
func TestExpandPathsUnlisted(t *testing.T) {
	manifest := `{"sinks": [{"stream": "events", "files": [{"path": "events/country=DE/part.parquet"}, {"path": "events/country=US/part.parquet"}]}]}`
	for _, tc := range []struct {
		name   string
		files  []string
		stream string
		want   []string // paths below events/
		note   string
	}{
		{"a stale partition", []string{"events/country=AU/part.parquet", "events/country=DE/part.parquet", "events/country=US/part.parquet"}, "",
			[]string{"country=DE/part.parquet", "country=US/part.parquet"}, ": 1 file (country=AU/part.parquet) not listed in the run's manifest.json (left by an earlier run?): not read"},
		{"a stale partition, stream given", []string{"events/country=AU/part.parquet", "events/country=DE/part.parquet", "events/country=US/part.parquet"}, "events",
			[]string{"country=DE/part.parquet", "country=US/part.parquet"}, "1 file (country=AU/part.parquet) not listed"},
		{"five stale files", []string{"events/country=A/part.parquet", "events/country=B/part.parquet", "events/country=C/part.parquet", "events/country=D/part.parquet", "events/country=E/part.parquet", "events/country=US/part.parquet"}, "",
			[]string{"country=US/part.parquet"}, "5 files (country=A/part.parquet, country=B/part.parquet, country=C/part.parquet, and 2 more) not listed"},
		{"every file listed", []string{"events/country=DE/part.parquet", "events/country=US/part.parquet"}, "",
			[]string{"country=DE/part.parquet", "country=US/part.parquet"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(manifest), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, name := range tc.files {
				p := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, notes, err := ExpandPaths([]string{filepath.Join(dir, "events")}, tc.stream)
			if err != nil {
				t.Fatal(err)
			}
			var rel []string
			for _, f := range got {
				r, _ := filepath.Rel(filepath.Join(dir, "events"), f)
				rel = append(rel, r)
			}
			if strings.Join(rel, " ") != strings.Join(tc.want, " ") {
				t.Errorf("files %v, want %v", rel, tc.want)
			}
			switch {
			case tc.note == "" && len(notes) > 0:
				t.Errorf("notes %q, want none", notes)
			case tc.note != "" && (len(notes) != 1 || !strings.Contains(notes[0], tc.note)):
				t.Errorf("notes %q, want one with %q", notes, tc.note)
			}
		})
	}
}
