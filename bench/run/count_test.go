package main

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func gzipBytes(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

const (
	jsonl3 = "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n"
	csv2   = "id,name\n1,x\n2,y\n"
)

func TestCountFile(t *testing.T) {
	tests := []struct {
		name       string
		file       string
		data       []byte
		wantEvents int64
		wantBytes  int64
	}{
		{"jsonl", "a.jsonl", []byte(jsonl3), 3, int64(len(jsonl3))},
		{"jsonl no trailing newline", "a.jsonl", []byte("{}\n{}"), 2, 5},
		{"jsonl empty", "a.jsonl", nil, 0, 0},
		{"ndjson", "a.ndjson", []byte("{}\n"), 1, 3},
		{"jsonl gz", "a.jsonl.gz", gzipBytes(t, jsonl3), 3, int64(len(jsonl3))},
		{"uppercase ext", "A.JSONL.GZ", gzipBytes(t, jsonl3), 3, int64(len(jsonl3))},
		{"csv", "a.csv", []byte(csv2), 2, int64(len(csv2))},
		{"csv header only", "a.csv", []byte("id,name\n"), 0, 8},
		{"csv empty", "a.csv", nil, 0, 0},
		{"csv gz", "a.csv.gz", gzipBytes(t, csv2), 2, int64(len(csv2))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tt.file)
			writeFile(t, path, tt.data)
			got, err := countFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want := counts{Events: tt.wantEvents, Bytes: tt.wantBytes, Files: 1}
			if got != want {
				t.Errorf("countFile(%s) = %+v, want %+v", tt.file, got, want)
			}
		})
	}
}

func TestCountFileErrors(t *testing.T) {
	tests := []struct {
		name string
		file string
		data []byte
	}{
		{"not gzip", "a.jsonl.gz", []byte("plain text\n")},
		{"truncated gzip", "a.jsonl.gz", gzipBytes(t, strings.Repeat(jsonl3, 100))[:30]},
		{"unsupported extension", "a.txt", []byte("x\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tt.file)
			writeFile(t, path, tt.data)
			if got, err := countFile(path); err == nil {
				t.Errorf("countFile(%s) = %+v, want error", tt.file, got)
			}
		})
	}
}

func TestCountDir(t *testing.T) {
	tests := []struct {
		name  string
		files map[string][]byte
		want  counts
	}{
		{"empty dir", nil, counts{}},
		{
			"mixed formats in subdirectories",
			map[string][]byte{
				"events.jsonl":            []byte(jsonl3),
				"users/part-0.jsonl.gz":   gzipBytes(t, jsonl3),
				"users/deep/part-1.jsonl": []byte("{}\n"),
				"orders.csv":              []byte(csv2),
				"orders-2.csv.gz":         gzipBytes(t, csv2),
				"README.txt":              []byte("ignored\nignored\n"),
				"manifest.json":           []byte("{}\n"),
			},
			counts{
				Events: 3 + 3 + 1 + 2 + 2,
				Bytes:  2*int64(len(jsonl3)) + 3 + 2*int64(len(csv2)),
				Files:  5,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, data := range tt.files {
				writeFile(t, filepath.Join(dir, filepath.FromSlash(name)), data)
			}
			got, err := countDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("countDir = %+v, want %+v", got, tt.want)
			}
		})
	}
}
