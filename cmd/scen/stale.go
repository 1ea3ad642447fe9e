package main

import (
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/engine/sinks"
)

// placeholder is a {{…}} token of a sink path.
var placeholder = regexp.MustCompile(`\{\{[^}]*\}\}`)

// warnStaleFiles warns, per file sink, about files under --out that its
// path could have made but this run did not write: an earlier run's
// partitions (a country that no longer occurs, a day outside the new
// window) or rotated parts (ev-00004.jsonl after a run with fewer records,
// ev.jsonl before rows_per_file was set) stay beside the new ones, and a
// reader of the directory (Spark, Trino, DuckDB's globs) would mix the two
// runs. Nothing is deleted.
func warnStaleFiles(stderr io.Writer, plan *engine.Plan, ro engine.RunOptions, res *engine.RunResult) {
	outDir := ro.OutDir
	shards := max(ro.Shards, 1)
	written := map[string]bool{}
	for _, s := range res.Sinks {
		for _, f := range s.Files {
			written[filepath.Clean(f)] = true
		}
	}
	for _, sp := range plan.Sinks {
		fo, ok := sp.Sink.(sinks.FileOutput)
		if !ok || ro.Sinks != nil && !slices.Contains(ro.Sinks, sp.Name) {
			continue // (a sink the run did not write: --from-manifest of some)
		}
		p := fo.OutputPath()
		if !filepath.IsAbs(p) {
			p = filepath.Join(outDir, p)
		}
		placed := strings.Contains(p, "{{shard}}") || strings.Contains(p, "{{shards}}")
		if placed && shards > 1 {
			// The path places the shards itself: the files of this run's
			// other shards, written at the same time, match it too.
			continue
		}
		patterns := []string{p}
		if !strings.Contains(p, "{{part}}") {
			patterns = append(patterns, sinks.RotatedPath(p))
		}
		if !placed {
			// The names the shards of a run get (.shard-i-of-N): an
			// unsharded run, or one of another N, into the same directory
			// leaves them beside this run's files.
			for _, q := range patterns {
				patterns = append(patterns, sinks.ShardedPath(q))
			}
		}
		var stale []string
		seen := map[string]bool{}
		what := fo.OutputPath()
		for i, pat := range patterns {
			re := pathRegexp(pat)
			matches, err := filepath.Glob(placeholder.ReplaceAllString(pat, "*"))
			if err != nil {
				continue
			}
			for _, m := range matches {
				m = filepath.Clean(m)
				if seen[m] || written[m] || !re.MatchString(m) || strings.HasPrefix(filepath.Base(m), ".") {
					continue
				}
				if shards > 1 && shardOf(m) == shards {
					continue // another shard of this run (or of one like it)
				}
				seen[m] = true
				stale = append(stale, m)
				if pat == sinks.RotatedPath(p) && i > 0 {
					what = sinks.RotatedPath(fo.OutputPath()) + " (its parts when it rotates)"
				}
			}
		}
		slices.Sort(stale)
		if len(stale) == 0 {
			continue
		}
		names := stale
		if len(names) > 3 {
			names = append(names[:3:3], "…")
		}
		verb := "are"
		if len(stale) == 1 {
			verb = "is"
		}
		fmt.Fprintf(stderr, "warning: sink %s: %s matching its path %s %s not from this run (left by an earlier run?): %s; a reader of the directory would take them with this run's files: remove them, or give the scenario runs = \"…\" for a directory per run\n",
			sp.Name, plural(len(stale), "file"), what, verb, strings.Join(names, ", "))
	}
}

// shardName finds the .shard-i-of-N a sharded run puts in its file names.
var shardName = regexp.MustCompile(`\.shard-[0-9]+-of-([0-9]+)(\.|$)`)

// shardOf is the shard count N of a file named by a shard of N, or 0.
func shardOf(path string) int {
	m := shardName.FindStringSubmatch(filepath.Base(path))
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// pathRegexp matches the names a sink path pattern makes: a placeholder is
// any text within one path element, {{part}} five or more digits.
func pathRegexp(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	last := 0
	for _, loc := range placeholder.FindAllStringIndex(pattern, -1) {
		b.WriteString(regexp.QuoteMeta(pattern[last:loc[0]]))
		if pattern[loc[0]:loc[1]] == "{{part}}" {
			b.WriteString(`[0-9]{5,}`)
		} else {
			b.WriteString(`[^/]*`)
		}
		last = loc[1]
	}
	b.WriteString(regexp.QuoteMeta(pattern[last:]))
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}
