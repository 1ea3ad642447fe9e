package sinks

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/scenhq/scen/engine/rec"
	"github.com/scenhq/scen/stdlib"
	"github.com/zclconf/go-cty/cty"
)

// fileSpec is the part of a file sink's block shared by jsonl and csv.
type fileSpec struct {
	path      string
	pathRange hcl.Range
}

func decodeFileSpec(d Decl, extra []hcl.AttributeSchema) (fileSpec, *hcl.BodyContent, hcl.Diagnostics) {
	schema := &hcl.BodySchema{Attributes: append([]hcl.AttributeSchema{{Name: "path", Required: true}}, extra...)}
	content, diags := d.Body.Content(schema)
	var fs fileSpec
	if a, ok := content.Attributes["path"]; ok {
		fs.pathRange = a.Expr.Range()
		v, ds := a.Expr.Value(nil)
		if ds.HasErrors() || v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
			diags = append(diags, diag(a.Expr.Range(), "Invalid path", "path must be a literal string, relative to the output directory (--out)."))
			return fs, content, diags
		}
		fs.path = v.AsString()
		if msg := checkRelPath(fs.path); msg != "" {
			diags = append(diags, diag(a.Expr.Range(), "Invalid path", "%s", msg))
		}
	}
	return fs, content, diags
}

// checkRelPath keeps sink output inside the output directory.
func checkRelPath(p string) string {
	if p == "" {
		return "path must not be empty."
	}
	if filepath.IsAbs(p) {
		return fmt.Sprintf("%q is absolute; paths are relative to the output directory (--out), so a run cannot write outside it.", p)
	}
	clean := filepath.Clean(p)
	if clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		return fmt.Sprintf("%q escapes the output directory (--out); remove the leading ../ segments.", p)
	}
	if strings.HasSuffix(p, "/") {
		return fmt.Sprintf("%q names a directory; give a file name such as %sevents.jsonl.", p, p)
	}
	return ""
}

// shardPath places a shard's output beside the others: {{shard}} in the
// path is replaced, or ".shard-i-of-N" is inserted before the extensions.
func shardPath(p string, ri RunInfo) string {
	if strings.Contains(p, "{{shard}}") {
		return strings.ReplaceAll(p, "{{shard}}", fmt.Sprint(ri.Shard))
	}
	if ri.Shards <= 1 {
		return p
	}
	dir, base := filepath.Split(p)
	name, ext := base, ""
	if i := strings.Index(base, "."); i > 0 {
		name, ext = base[:i], base[i:]
	}
	w := len(fmt.Sprint(ri.Shards - 1))
	return dir + fmt.Sprintf("%s.shard-%0*d-of-%d%s", name, w, ri.Shard, ri.Shards, ext)
}

// atomicFile writes to a temporary name beside the final one and renames
// it on commit, so a reader never sees a half-written file. Compression and
// the write system calls run in a goroutine of their own, so the caller (the
// merging goroutine) only copies bytes into a buffer.
type atomicFile struct {
	final  string
	tmp    string
	f      *os.File
	comp   io.WriteCloser // nil when uncompressed
	w      io.Writer      // compressor or file, used by the writer goroutine
	raw    int64          // uncompressed bytes written
	cur    []byte
	queue  chan []byte
	free   chan []byte
	failed chan error // the writer's first error, sent as soon as it happens
	done   chan struct{}
	err    error
}

const fileBuf = 1 << 20

func createAtomic(final string) (*atomicFile, error) {
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(filepath.Dir(final), "."+filepath.Base(final)+".tmp-*")
	if err != nil {
		return nil, err
	}
	a := &atomicFile{final: final, tmp: f.Name(), f: f, w: f,
		queue: make(chan []byte, 4), free: make(chan []byte, 6), failed: make(chan error, 1), done: make(chan struct{})}
	switch {
	case strings.HasSuffix(final, ".gz"):
		gz, _ := gzip.NewWriterLevel(f, gzip.DefaultCompression)
		a.comp, a.w = gz, gz
	case strings.HasSuffix(final, ".zst"):
		zw, err := zstd.NewWriter(f, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1))
		if err != nil {
			f.Close()
			os.Remove(a.tmp)
			return nil, err
		}
		a.comp, a.w = zw, zw
	}
	a.cur = make([]byte, 0, fileBuf)
	go a.writer(a.queue)
	return a, nil
}

// writer is the goroutine that compresses and writes full buffers.
func (a *atomicFile) writer(queue <-chan []byte) {
	defer close(a.done)
	var err error
	for b := range queue {
		if err == nil {
			if _, err = a.w.Write(b); err != nil {
				a.failed <- err
			}
		}
		select {
		case a.free <- b[:0]:
		default:
		}
	}
	if err == nil && a.comp != nil {
		if err = a.comp.Close(); err != nil {
			a.failed <- err
		}
	}
}

func (a *atomicFile) Write(b []byte) (int, error) {
	if a.err != nil {
		return 0, a.err
	}
	a.raw += int64(len(b))
	a.cur = append(a.cur, b...)
	if len(a.cur) >= fileBuf {
		a.queue <- a.cur
		select {
		case a.cur = <-a.free:
		default:
			a.cur = make([]byte, 0, fileBuf+fileBuf/8)
		}
		// Surface a write error without waiting for commit.
		select {
		case a.err = <-a.failed:
			return 0, a.err
		default:
		}
	}
	return len(b), nil
}

// finish stops the writer goroutine and returns its error.
func (a *atomicFile) finish() error {
	if a.queue == nil {
		return a.err
	}
	if len(a.cur) > 0 && a.err == nil {
		a.queue <- a.cur
	}
	close(a.queue)
	a.queue = nil
	<-a.done
	if a.err != nil {
		return a.err
	}
	select {
	case a.err = <-a.failed:
	default:
	}
	return a.err
}

func (a *atomicFile) commit() error {
	if err := a.finish(); err != nil {
		a.abort()
		return err
	}
	if err := a.f.Close(); err != nil {
		a.abort()
		return err
	}
	if err := os.Chmod(a.tmp, 0o644); err != nil {
		a.abort()
		return err
	}
	if err := os.Rename(a.tmp, a.final); err != nil {
		os.Remove(a.tmp)
		return err
	}
	return nil
}

func (a *atomicFile) abort() {
	if a.queue != nil {
		a.cur = nil
		a.finish()
	}
	a.f.Close()
	os.Remove(a.tmp)
}

// fileSink is a single-file text sink (jsonl or csv).
type fileSink struct {
	typ    string
	stream *rec.Stream
	path   string
	header []byte
	newEnc func(tf *stdlib.TimeFormatter) Encoder
	file   *atomicFile
	res    Result
}

func (s *fileSink) Describe() string { return fmt.Sprintf("%s file %s", s.typ, s.path) }

func (s *fileSink) NewEncoder(tf *stdlib.TimeFormatter) Encoder { return s.newEnc(tf) }

func (s *fileSink) Open(ri RunInfo) error {
	final := filepath.Join(ri.OutDir, shardPath(s.path, ri))
	f, err := createAtomic(final)
	if err != nil {
		return err
	}
	s.file = f
	s.res = Result{Files: []string{final}}
	if len(s.header) > 0 {
		_, err = f.Write(s.header)
	}
	return err
}

func (s *fileSink) Write(ts int64, b []byte) error {
	s.res.Records++
	_, err := s.file.Write(b)
	return err
}

func (s *fileSink) Close() (Result, error) {
	s.res.Bytes = s.file.raw
	err := s.file.commit()
	s.file = nil
	return s.res, err
}

func (s *fileSink) Abort() {
	if s.file != nil {
		s.file.abort()
		s.file = nil
	}
}

func jsonlType() *Type {
	return &Type{
		Name:  "jsonl",
		Doc:   "One JSON object per line. A path ending in .gz or .zst is compressed.",
		Attrs: []string{"path: file path relative to --out (required)"},
		New: func(d Decl) (Sink, hcl.Diagnostics) {
			fs, _, diags := decodeFileSpec(d, nil)
			st := d.Stream
			return &fileSink{typ: "jsonl", stream: st, path: fs.path,
				newEnc: func(tf *stdlib.TimeFormatter) Encoder { return NewJSONEncoder(st, tf) }}, diags
		},
	}
}

func csvType() *Type {
	return &Type{
		Name: "csv",
		Doc: "RFC 4180 CSV with a header row; the columns are the union of the stream's top-level fields in " +
			"first-seen order, nested fields are written as JSON text. A path ending in .gz or .zst is compressed.",
		Attrs: []string{"path: file path relative to --out (required)", "header: write the header row (default true)"},
		New: func(d Decl) (Sink, hcl.Diagnostics) {
			fs, content, diags := decodeFileSpec(d, []hcl.AttributeSchema{{Name: "header"}})
			header := true
			if a, ok := content.Attributes["header"]; ok {
				v, ds := a.Expr.Value(nil)
				if ds.HasErrors() || v.Type() != cty.Bool || v.IsNull() {
					diags = append(diags, diag(a.Expr.Range(), "Invalid header", "header must be true or false."))
				} else {
					header = v.True()
				}
			}
			st := d.Stream
			s := &fileSink{typ: "csv", stream: st, path: fs.path,
				newEnc: func(tf *stdlib.TimeFormatter) Encoder { return NewCSVEncoder(st, tf) }}
			if header {
				s.header = CSVHeader(st)
			}
			return s, diags
		},
	}
}

// stdoutSink writes JSONL or CSV to standard output.
type stdoutSink struct {
	csv    bool
	stream *rec.Stream
	w      *bufio.Writer
	out    io.Writer
	res    Result
}

func (s *stdoutSink) Describe() string {
	if s.csv {
		return "csv to standard output"
	}
	return "jsonl to standard output"
}

func (s *stdoutSink) NewEncoder(tf *stdlib.TimeFormatter) Encoder {
	if s.csv {
		return NewCSVEncoder(s.stream, tf)
	}
	return NewJSONEncoder(s.stream, tf)
}

func (s *stdoutSink) Open(ri RunInfo) error {
	if s.out == nil {
		s.out = os.Stdout
	}
	s.w = bufio.NewWriterSize(s.out, 256<<10)
	if s.csv {
		h := CSVHeader(s.stream)
		s.res.Bytes += int64(len(h))
		_, err := s.w.Write(h)
		return err
	}
	return nil
}

func (s *stdoutSink) Write(ts int64, b []byte) error {
	s.res.Records++
	s.res.Bytes += int64(len(b))
	_, err := s.w.Write(b)
	return err
}

func (s *stdoutSink) Close() (Result, error) { return s.res, s.w.Flush() }

func (s *stdoutSink) Abort() {
	if s.w != nil {
		s.w.Flush()
	}
}

func stdoutType() *Type {
	return &Type{
		Name:  "stdout",
		Doc:   "Writes the stream to standard output, as JSON lines or CSV.",
		Attrs: []string{`format: "jsonl" (default) or "csv"`},
		New: func(d Decl) (Sink, hcl.Diagnostics) {
			content, diags := d.Body.Content(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "format"}}})
			s := &stdoutSink{stream: d.Stream}
			if a, ok := content.Attributes["format"]; ok {
				v, ds := a.Expr.Value(nil)
				switch {
				case ds.HasErrors() || v.Type() != cty.String || v.IsNull():
					diags = append(diags, diag(a.Expr.Range(), "Invalid format", `format is "jsonl" or "csv".`))
				case v.AsString() == "csv":
					s.csv = true
				case v.AsString() != "jsonl":
					diags = append(diags, diag(a.Expr.Range(), "Invalid format", `format is "jsonl" or "csv", not %q.`, v.AsString()))
				}
			}
			return s, diags
		},
	}
}
