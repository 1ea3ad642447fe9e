package main

import (
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/engine/sinks"
)

// placeholder is a {{…}} token of a sink path.
var placeholder = regexp.MustCompile(`\{\{[^}]*\}\}`)

// warnStaleFiles warns, per file sink whose path has placeholders
// (partitions by time or field, {{part}}), about files under --out that the
// path could have made but this run did not write: an earlier run's
// partitions (a country that no longer occurs, a day outside the new
// window) stay beside the new ones, and a reader of the directory (Spark,
// Trino, DuckDB's globs) would mix the two runs. Nothing is deleted. (The
// parts that rotation adds to a path without {{part}}, name-00001.jsonl,
// are not looked for.)
func warnStaleFiles(stderr io.Writer, plan *engine.Plan, ro engine.RunOptions, res *engine.RunResult) {
	outDir := ro.OutDir
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
		if !strings.Contains(p, "{{") {
			continue
		}
		if !filepath.IsAbs(p) {
			p = filepath.Join(outDir, p)
		}
		matches, err := filepath.Glob(placeholder.ReplaceAllString(p, "*"))
		if err != nil {
			continue
		}
		var stale []string
		for _, m := range matches {
			if !written[filepath.Clean(m)] && !strings.HasPrefix(filepath.Base(m), ".") {
				stale = append(stale, m)
			}
		}
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
			sp.Name, plural(len(stale), "file"), fo.OutputPath(), verb, strings.Join(names, ", "))
	}
}
