package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// counts is what an output directory holds.
type counts struct {
	Events int64 // JSONL/NDJSON lines plus CSV lines minus one header per file
	Bytes  int64 // uncompressed bytes of the counted files
	Files  int   // number of counted files
}

func (c *counts) add(o counts) {
	c.Events += o.Events
	c.Bytes += o.Bytes
	c.Files += o.Files
}

// fileKind classifies an output file by name; gz reports a trailing .gz.
// kind is "" for files that are not counted.
func fileKind(name string) (kind string, gz bool) {
	name = strings.ToLower(name)
	if strings.HasSuffix(name, ".gz") {
		gz = true
		name = strings.TrimSuffix(name, ".gz")
	}
	switch filepath.Ext(name) {
	case ".jsonl", ".ndjson":
		return "jsonl", gz
	case ".csv":
		return "csv", gz
	}
	return "", false
}

// countDir walks dir recursively and counts the events and uncompressed bytes
// of every .jsonl, .ndjson and .csv file (each optionally .gz-compressed).
// Other files are ignored.
func countDir(dir string) (counts, error) {
	var total counts
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if kind, _ := fileKind(d.Name()); kind == "" {
			return nil
		}
		c, err := countFile(path)
		if err != nil {
			return err
		}
		total.add(c)
		return nil
	})
	return total, err
}

// countFile counts one output file. A final line without a trailing newline
// still counts as a line. CSV files lose one header line; note that quoted
// CSV fields containing newlines would be over-counted.
func countFile(path string) (counts, error) {
	kind, gz := fileKind(filepath.Base(path))
	if kind == "" {
		return counts{}, fmt.Errorf("%s: not a .jsonl, .ndjson or .csv file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return counts{}, err
	}
	defer f.Close()

	var r io.Reader = f
	if gz {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return counts{}, fmt.Errorf("%s: %w", path, err)
		}
		defer zr.Close()
		r = zr
	}
	lines, n, err := countLines(r)
	if err != nil {
		return counts{}, fmt.Errorf("%s: %w", path, err)
	}
	if kind == "csv" && lines > 0 {
		lines-- // header
	}
	return counts{Events: lines, Bytes: n, Files: 1}, nil
}

// countLines returns the number of lines in r and its length in bytes.
func countLines(r io.Reader) (lines, n int64, err error) {
	buf := make([]byte, 256<<10)
	var last byte = '\n'
	for {
		k, rerr := r.Read(buf)
		if k > 0 {
			lines += int64(bytes.Count(buf[:k], []byte{'\n'}))
			n += int64(k)
			last = buf[k-1]
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return 0, 0, rerr
		}
	}
	if last != '\n' {
		lines++ // unterminated final line
	}
	return lines, n, nil
}
