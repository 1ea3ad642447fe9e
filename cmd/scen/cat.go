package main

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/engine/data"
	"github.com/scenhq/scen/stdlib"
	"github.com/spf13/cobra"
)

// catCmd prints the records of data files (what scen writes and reads:
// JSON lines, CSV, Parquet, compressed or not) as JSON lines, so that a
// Parquet sink's output can be looked at without other tools.
func catCmd(stdout, stderr io.Writer) *cobra.Command {
	var limit int64
	var schema bool
	var zone string
	cmd := &cobra.Command{
		Use:   "cat FILE|DIR...",
		Short: "Print the records of JSON lines, CSV or Parquet files as JSON lines",
		Long: `cat prints the records of data files as JSON lines on standard output:
JSON lines, CSV and Parquet files (.gz and .zst compressed text too), the
formats scen writes and reads as datasets, with the types a dataset gets
(a Parquet TIMESTAMP is a time, written in RFC 3339 with milliseconds).
A directory stands for the data files under it (a partitioned sink's
output), in path order. Null cells are left out, as scen's jsonl sink
leaves null fields out. --schema prints each file's columns and types
instead.

With --limit N, cat reads only the first N records of JSON lines and CSV
files (compressed or not), like head, and stops: the rest of the file is
not read nor checked, and a column's type comes from the records read (a
column of integers that turns to decimals later prints as integers). Of
a Parquet file it reads only the row groups that hold the first N rows.
--schema always reads whole files.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) (err error) {
			loc := time.UTC
			if zone != "" {
				l, err := time.LoadLocation(zone)
				if err != nil {
					return usageErr("--zone %q: not a time zone (an IANA name such as Europe/Berlin).%s", zone, engine.ZoneHint(zone))
				}
				loc = l
			}
			if limit < 0 {
				return usageErr("--limit %d: expected a number of records, 0 for all", limit)
			}
			var files []string
			for _, a := range args {
				fs, err := dataFiles(a)
				if err != nil {
					return &exitError{code: 1, msg: err.Error()}
				}
				files = append(files, fs...)
			}
			// A reader that has seen enough (| head) closes standard
			// output: cat stops there, quietly, with exit 0, as cat and
			// seq do (SIGPIPE is ignored, run: the write fails with EPIPE
			// rather than killing the process, exit 141).
			w := bufio.NewWriterSize(stdout, 1<<16)
			defer func() {
				if ferr := w.Flush(); err == nil && ferr != nil {
					err = &exitError{code: 1, msg: ferr.Error()}
					if pipeClosed(ferr) {
						err = nil
					}
				}
			}()
			tf := stdlib.NewTimeFormatter(loc)
			var n int64
			var buf []byte
			for _, f := range files {
				var tab *data.Table
				var err error
				switch {
				case schema || limit == 0:
					tab, err = data.LoadIn(f, loc)
				case n >= limit:
					return nil
				default:
					// Like head: only the records still wanted are read.
					tab, err = data.LoadHeadIn(f, loc, int(limit-n))
				}
				if err != nil {
					// The loader's errors start with the file's base name:
					// the path says which of a directory's files.
					msg, base := err.Error(), filepath.Base(f)
					if strings.HasPrefix(msg, base) {
						msg = f + msg[len(base):]
					} else {
						msg = f + ": " + msg
					}
					return &exitError{code: 1, msg: msg}
				}
				if schema {
					fmt.Fprintf(w, "%s: %d rows\n", f, len(tab.Rows))
					for j, c := range tab.Columns {
						fmt.Fprintf(w, "  %-24s %s\n", c, kindText(tab.Types[j]))
					}
					continue
				}
				for _, row := range tab.Rows {
					if limit > 0 && n >= limit {
						return nil
					}
					buf = append(buf[:0], '{')
					first := true
					for j, v := range row {
						if v.K == stdlib.Null {
							continue
						}
						if !first {
							buf = append(buf, ',')
						}
						first = false
						buf = stdlib.AppendJSONString(buf, tab.Columns[j])
						buf = append(buf, ':')
						buf = stdlib.AppendJSON(buf, v, tf)
					}
					buf = append(buf, '}', '\n')
					if _, err := w.Write(buf); err != nil {
						if pipeClosed(err) {
							return nil
						}
						return &exitError{code: 1, msg: err.Error()}
					}
					n++
				}
			}
			return nil
		},
	}
	cmd.Flags().Int64Var(&limit, "limit", 0, "print at most this many records (0: all), reading only those (and of Parquet files, the row groups that hold them)")
	cmd.Flags().BoolVar(&schema, "schema", false, "print each file's columns and their types instead of its records")
	cmd.Flags().StringVar(&zone, "zone", "", "write times in this IANA time zone (default UTC)")
	return cmd
}

// kindText names a column type as scen plan names field types.
func kindText(k stdlib.Kind) string {
	switch k {
	case stdlib.Null:
		return "null (every cell empty)"
	case stdlib.Any:
		return "any (mixed)"
	}
	return k.String()
}

// dataFiles is path itself when it is a file, else the data files under
// the directory, in path order (files whose names start with "." — a
// run's temporary files — left out).
func dataFiles(path string) ([]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return []string{path}, nil
	}
	var out []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || strings.HasPrefix(d.Name(), ".") || !isDataFile(d.Name()) {
			return nil
		}
		out = append(out, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no JSON lines, CSV or Parquet file under this directory", path)
	}
	slices.Sort(out)
	return out, nil
}

// isDataFile: the names data.Load reads (Parquet is not compressed
// as a whole file).
func isDataFile(name string) bool {
	name = strings.ToLower(name)
	if strings.HasSuffix(name, ".parquet") {
		return true
	}
	for _, z := range []string{".gz", ".zst"} {
		name = strings.TrimSuffix(name, z)
	}
	for _, ext := range []string{".jsonl", ".ndjson", ".csv"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}
