package sinks

import (
	"bufio"
	"errors"
	"fmt"
	"github.com/scenhq/scen/internal/suggest"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/scenhq/scen/engine/rec"
	"github.com/scenhq/scen/stdlib"
	"github.com/zclconf/go-cty/cty"
)

// fileSpec is the part of a file sink's block shared by jsonl and csv.
type fileSpec struct {
	path      string
	pathRange hcl.Range
}

// pathRules says what a file sink's path may hold beyond the time,
// {{part}}, {{shard}} and {{shards}} placeholders.
type pathRules struct {
	fields   bool // {{field:NAME}} partitions
	compress bool // a .gz or .zst suffix compresses the file
}

func decodeFileSpec(d Decl, rules pathRules, extra []hcl.AttributeSchema) (fileSpec, *hcl.BodyContent, hcl.Diagnostics) {
	schema := &hcl.BodySchema{Attributes: append([]hcl.AttributeSchema{{Name: "path", Required: true}}, extra...)}
	content, diags := d.Body.Content(schema)
	var fs fileSpec
	if a, ok := content.Attributes["path"]; ok {
		fs.pathRange = a.Expr.Range()
		v, ds := a.Expr.Value(nil)
		if ds.HasErrors() || v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
			diags = append(diags, diag(a.Expr.Range(), "Invalid path", "path must be a string, relative to the output directory (--out)%s.", gotOf(a.Expr)))
			return fs, content, diags
		}
		fs.path = v.AsString()
		if msg := checkRelPath(fs.path); msg != "" {
			diags = append(diags, diag(a.Expr.Range(), "Invalid path", "%s", msg))
		}
		diags = append(diags, checkPlaceholders(fs.path, rules, a.Expr.Range())...)
		if strings.Contains(fs.path, "{{shard}}") && !strings.Contains(fs.path, "{{shards}}") {
			// docs/scale-out.md: "Write both".
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "{{shard}} without {{shards}}",
				Detail: fmt.Sprintf("%q names a shard's files by its index only: shard 3 of 8 and shard 3 of 16 get the same name, so the shards of runs with different shard counts written to one place replace each other's files. "+
					"Put the shard count in the path too, e.g. \"n={{shards}}/shard={{shard}}.jsonl\".", fs.path),
				Subject: a.Expr.Range().Ptr()})
		}
		if rules.compress {
			diags = append(diags, checkCompression(fs.path, a.Expr.Range())...)
			diags = append(diags, checkFormatSuffix(d, fs.path, a.Expr.Range())...)
		}
	}
	return fs, content, diags
}

// placeholders are the {{…}} tokens every file sink's path may hold.
var placeholders = []string{"year", "month", "day", "date", "hour", "minute", "part", "shard", "shards"}

// checkPlaceholders rejects a {{…}} token the sink would not fill: it
// would otherwise end up literally in a file name.
func checkPlaceholders(path string, rules pathRules, r hcl.Range) hcl.Diagnostics {
	known := placeholders
	if rules.fields {
		known = append(known[:len(known):len(known)], "field:NAME")
	}
	list := "{{" + strings.Join(known, "}}, {{") + "}}"
	var diags hcl.Diagnostics
	for rest := path; ; {
		i := strings.Index(rest, "{{")
		if i < 0 {
			return diags
		}
		j := strings.Index(rest[i:], "}}")
		if j < 0 {
			return append(diags, diag(r, "Invalid placeholder in path",
				"%q opens a placeholder with {{ but never closes it with }}. Placeholders are %s.", path, list))
		}
		tok := rest[i+2 : i+j]
		rest = rest[i+j+2:]
		if slices.Contains(placeholders, tok) || rules.fields && strings.HasPrefix(tok, "field:") && len(tok) > len("field:") {
			continue
		}
		hint := ""
		if strings.HasPrefix(tok, "field:") && !rules.fields {
			hint = " This sink does not partition by field values."
		} else {
			hint = suggest.DidYouMean(tok, known)
		}
		diags = append(diags, diag(r, "Unknown placeholder in path", "%q has the placeholder {{%s}}, which scen does not fill. Placeholders are %s.%s",
			path, tok, list, hint))
	}
}

// foreignCompression maps file suffixes of compressions scen does not
// write to their name; without this check such a path would get plain
// text under a name that promises otherwise.
var foreignCompression = map[string]string{
	".bz2": "bzip2", ".xz": "xz", ".lzma": "lzma", ".lz": "lzip", ".lz4": "lz4", ".zip": "zip",
	".7z": "7-Zip", ".br": "brotli", ".sz": "snappy", ".snappy": "snappy", ".z": "compress",
	".tgz": "gzip'd tar", ".gzip": "gzip", ".zstd": "zstandard", ".zlib": "zlib", ".deflate": "deflate",
}

func checkCompression(path string, r hcl.Range) hcl.Diagnostics {
	ext := strings.ToLower(filepath.Ext(path))
	name, ok := foreignCompression[ext]
	if !ok {
		return nil
	}
	hint := ""
	switch ext {
	case ".gzip":
		hint = " For gzip, end the path in .gz."
	case ".zstd":
		hint = " For zstandard, end the path in .zst."
	}
	return hcl.Diagnostics{diag(r, "Unsupported compression", "%q ends in %s (%s), which scen cannot write. "+
		"A path ending in .gz (gzip) or .zst (zstandard) is compressed; any other name is written uncompressed.%s", path, ext, name, hint)}
}

// otherFormats are the suffixes that name a data format other than the
// sink's own: scen's readers (scen report, scen cat, dataset blocks) take
// a text file's format from its name, so a jsonl sink's "ev.csv" is read
// as CSV and fails there (a Parquet file is known by its bytes, and a
// Parquet sink may take any name).
var otherFormats = map[string]map[string]string{
	"jsonl": {".csv": "CSV", ".tsv": "tab-separated text", ".parquet": "Parquet"},
	"csv":   {".jsonl": "JSON lines", ".ndjson": "JSON lines", ".json": "JSON", ".parquet": "Parquet"},
}

// Compression is "gzip" for a path ending in .gz and "zstd" for one
// ending in .zst, in any case (.GZ, .Zst), as the readers (scen cat,
// report, datasets) take them; else "".
func Compression(path string) string {
	n := len(path)
	switch {
	case n >= 3 && strings.EqualFold(path[n-3:], ".gz"):
		return "gzip"
	case n >= 4 && strings.EqualFold(path[n-4:], ".zst"):
		return "zstd"
	}
	return ""
}

// checkFormatSuffix warns of a jsonl or csv sink whose path names another
// format (a csv block copied from a jsonl one, its path left alone).
func checkFormatSuffix(d Decl, path string, r hcl.Range) hcl.Diagnostics {
	lower := strings.ToLower(path)
	for _, c := range []string{".gz", ".zst"} {
		lower = strings.TrimSuffix(lower, c)
	}
	ext := filepath.Ext(lower)
	name, ok := otherFormats[d.Type][ext]
	if !ok {
		return nil
	}
	own := map[string]string{"jsonl": "JSON lines", "csv": "CSV"}[d.Type]
	return hcl.Diagnostics{{Severity: hcl.DiagWarning, Summary: "Path names another format",
		Detail: fmt.Sprintf("Sink %q writes %s, but %q ends in %s, the suffix of %s: scen report, scen cat and dataset blocks read a text file as its name says, "+
			"so they would fail on it, and so would other tools. End the path in .%s.", d.Name, own, path, ext, name, d.Type),
		Subject: r.Ptr()}}
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
	if clean == "." || filepath.Base(p) == "." || filepath.Base(p) == ".." {
		return fmt.Sprintf("%q names a directory (the output directory, or one above a file name); give a file name such as events.jsonl.", p)
	}
	return ""
}

// shardPath places a shard's output beside the others: {{shard}} (the
// shard's index i) and {{shards}} (the shard count N) in the path are
// replaced, a run without --shard being shard 0 of 1; a path without
// {{shard}} gets ".shard-i-of-N" before its extensions instead (when N >
// 1: {{shards}} alone does not tell the shards of one run apart).
func shardPath(p string, ri RunInfo) string {
	n := max(ri.Shards, 1)
	hasShard := strings.Contains(p, "{{shard}}")
	if hasShard || strings.Contains(p, "{{shards}}") {
		p = strings.NewReplacer("{{shard}}", strconv.Itoa(ri.Shard), "{{shards}}", strconv.Itoa(n)).Replace(p)
	}
	if hasShard || n <= 1 {
		return p
	}
	w := len(fmt.Sprint(n - 1))
	return beforeExt(p, fmt.Sprintf(".shard-%0*d-of-%d", w, ri.Shard, n))
}

// beforeExt inserts s into the file name of p before its extensions (all
// of them: events.jsonl.gz → events<s>.jsonl.gz), so that the name still
// says the format and the compression. The leading dots of a hidden
// file's name are not an extension (.events.jsonl.gz → .events<s>.jsonl.gz:
// the name ended in the shard suffix, with gzip inside).
// RotatedPath is the path pattern of a rotating file sink whose path has no
// {{part}}: "-{{part}}" added before the extension (ev-00000.jsonl, ev-00001.jsonl …).
func RotatedPath(p string) string { return beforeExt(p, "-{{part}}") }

// ShardedPath is the pattern of the names a path without {{shard}} gets
// under --shard i/N: events.jsonl → events.shard-{{shard}}-of-{{shards}}.jsonl.
func ShardedPath(p string) string { return beforeExt(p, ".shard-{{shard}}-of-{{shards}}") }

func beforeExt(p, s string) string {
	dir, base := filepath.Split(p)
	lead := len(base) - len(strings.TrimLeft(base, "."))
	if i := strings.Index(base[lead:], "."); i > 0 {
		return dir + base[:lead+i] + s + base[lead+i:]
	}
	return dir + base + s
}

// atomicFile writes to a temporary name beside the final one and renames
// it on commit, so a reader never sees a half-written file. Compression and
// the write system calls run in a goroutine of their own, so the caller (the
// merging goroutine) only copies bytes into a buffer.
type atomicFile struct {
	final  string
	tmp    string
	f      *os.File
	comp   io.WriteCloser  // nil when uncompressed
	packed *bufio.Writer   // between the compressor and the file
	pre    *preallocWriter // nil when writes go through a test's writer
	w      io.Writer       // compressor or file, used by the writer goroutine
	raw    int64           // uncompressed bytes written
	cur    []byte
	queue  chan []byte
	failed chan error // the writer's first error, sent as soon as it happens
	done   chan struct{}
	err    error
}

const fileBuf = 256 << 10

// fileQueue is how many full buffers wait for a file's writer goroutine.
const fileQueue = 4

// fileBufs holds the spare output buffers of all files: a run that writes
// several files, or rotates them (bank writes eight), reuses the first
// file's buffers instead of touching fresh memory for each. Memory first
// touched costs a page fault per 4 KiB, which on this project's virtual
// machines is about 10 µs: 2.8 ms per MB, on the merging goroutine.
var fileBufs = make(chan []byte, 12)

// getFileBuf is an empty buffer for a file's bytes, spare or new.
func getFileBuf() []byte {
	select {
	case b := <-fileBufs:
		return b[:0]
	default:
		return make([]byte, 0, fileBuf+fileBuf/8)
	}
}

// putFileBuf keeps b for another file (unless it grew for a huge record,
// or enough are kept).
func putFileBuf(b []byte) {
	if cap(b) > 2*fileBuf {
		return
	}
	select {
	case fileBufs <- b[:0]:
	default:
	}
}

// packedBufs keeps the buffers between a compressor and its file for the
// next compressed file (a run rotating .gz files opens many).
var packedBufs = make(chan *bufio.Writer, 4)

// madeDirs are the directories this process created for output files. A
// run that fails publishes no file; removeEmptyDirs then removes the
// directories it made that stayed empty (a partitioned path's
// year=/month=/day= tree), never one that existed before.
var madeDirs = struct {
	sync.Mutex
	m map[string]bool
}{m: map[string]bool{}}

// mkdirAll is os.MkdirAll, noting the directories it creates. The caller
// holds madeDirs, and keeps holding it until it has created its file in
// dir: removeEmptyDirs (another sink's abort) would otherwise remove dir
// in between, and the create would fail with "no such file or directory".
func mkdirAll(dir string) error {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil || filepath.Dir(d) == d {
			break
		}
		missing = append(missing, d)
	}
	err := os.MkdirAll(dir, 0o755)
	for _, d := range missing {
		// MkdirAll that failed part way made the first few.
		if err == nil {
			madeDirs.m[d] = true
		} else if st, serr := os.Stat(d); serr == nil && st.IsDir() {
			madeDirs.m[d] = true
		}
	}
	return err
}

// createTemp makes final's directory and creates the temporary file
// final is written under, holding madeDirs throughout (see mkdirAll).
// When the file cannot be created (too many open files, a directory in
// the way), the directories made for it go again: no abort will come for
// a file that never was.
func createTemp(final string) (*os.File, error) {
	madeDirs.Lock()
	defer madeDirs.Unlock()
	if err := mkdirAll(filepath.Dir(final)); err != nil {
		removeEmptyDirsLocked(final) // MkdirAll may have made some before failing
		return nil, err
	}
	// A directory in the way would only fail at the rename, after other
	// files may have been published: fail now.
	if st, err := os.Stat(final); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s is a directory", final)
	}
	if len(filepath.Base(final)) > maxNameBytes {
		// Fail now, as creating it would, not at the rename: the
		// temporary name is cut to fit (tempBase).
		removeEmptyDirsLocked(final)
		return nil, &os.PathError{Op: "create", Path: final, Err: syscall.ENAMETOOLONG}
	}
	f, err := createTempFile(filepath.Dir(final), "."+tempBase(filepath.Base(final))+".tmp-*")
	if err != nil {
		removeEmptyDirsLocked(final)
		// The error names the file the user asked for, not its
		// temporary name, and keeps the system's reason (permission
		// denied, too many open files, no space left).
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, &os.PathError{Op: "create", Path: final, Err: pe.Err}
		}
		return nil, fmt.Errorf("create %s: %w", final, err)
	}
	return f, nil
}

// createTempFile is os.CreateTemp; tests replace it with one that fails.
var createTempFile = os.CreateTemp

// maxTempBase is the longest part of a final file name that its
// temporary name repeats: with the leading dot, ".tmp-" and the ten
// digits os.CreateTemp adds at most, the name stays within the 255 bytes
// a file name may have (a final name of 240 to 255 bytes could not be
// written: "file name too long").
const maxTempBase = maxNameBytes - len(".") - len(".tmp-") - 10

// maxNameBytes is the longest file name Linux's file systems take.
const maxNameBytes = 255

// tempBase is base cut to maxTempBase bytes, at a character boundary.
func tempBase(base string) string {
	if len(base) <= maxTempBase {
		return base
	}
	n := maxTempBase
	for n > 0 && !utf8.RuneStart(base[n]) {
		n--
	}
	return base[:n]
}

// removeEmptyDirs removes the directory of file and its parents, as long as
// this process made them and they are empty.
func removeEmptyDirs(file string) {
	madeDirs.Lock()
	defer madeDirs.Unlock()
	removeEmptyDirsLocked(file)
}

// removeEmptyDirsLocked is removeEmptyDirs for a caller holding madeDirs.
func removeEmptyDirsLocked(file string) {
	for d := filepath.Dir(file); madeDirs.m[d]; d = filepath.Dir(d) {
		if os.Remove(d) != nil {
			return // not empty (or gone): its parents are not either
		}
		delete(madeDirs.m, d)
	}
}

func createAtomic(final string) (*atomicFile, error) {
	f, err := createTemp(final)
	if err != nil {
		return nil, err
	}
	fw := fileWriter(f)
	var pw *preallocWriter
	if fw == io.Writer(f) {
		pw = &preallocWriter{f: f}
		fw = pw
	}
	a := &atomicFile{final: final, tmp: f.Name(), f: f, w: fw, pre: pw,
		queue: make(chan []byte, fileQueue), failed: make(chan error, 1), done: make(chan struct{})}
	// A compressor writes its output in small pieces (gzip about 250
	// bytes at a time): they are gathered into file-buffer-sized writes.
	// Unbuffered, a 5.8 MB .gz file took 23 354 write calls.
	packed := func() io.Writer {
		select {
		case a.packed = <-packedBufs:
			a.packed.Reset(fw)
		default:
			a.packed = bufio.NewWriterSize(fw, fileBuf)
		}
		return a.packed
	}
	if c := Compression(final); c != "" {
		codec := codecZstd
		if c == "gzip" {
			codec = codecGzip
		}
		bw, err := newBlockWriter(packed(), codec)
		if err != nil {
			f.Close()
			os.Remove(a.tmp)
			removeEmptyDirs(final)
			return nil, err
		}
		a.comp, a.w = bw, bw
	}
	a.cur = getFileBuf()
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
				a.failed <- a.describe(err)
			}
		}
		putFileBuf(b)
	}
	if a.comp != nil {
		// Closed after a failed write too: the compressor's goroutines
		// end and its buffers go.
		cerr := a.comp.Close()
		if err == nil {
			if err = cerr; err == nil {
				err = a.packed.Flush()
			}
			if err != nil {
				a.failed <- a.describe(err)
			}
		}
	}
	if a.packed != nil {
		a.packed.Reset(io.Discard) // holds no file
		select {
		case packedBufs <- a.packed:
		default:
		}
	}
}

func (a *atomicFile) Write(b []byte) (int, error) {
	if a.err != nil {
		return 0, a.err
	}
	if a.queue == nil { // finished or aborted: no writer, no buffer
		return 0, os.ErrClosed
	}
	n := len(b)
	a.raw += int64(n)
	for {
		// A write larger than the buffer's room (a whole megabyte chunk
		// of records, with one worker) is cut at the buffer's capacity:
		// appending it whole grew the buffer, a new one each time.
		k := min(len(b), cap(a.cur)-len(a.cur))
		a.cur = append(a.cur, b[:k]...)
		b = b[k:]
		if len(a.cur) >= fileBuf || len(a.cur) == cap(a.cur) {
			if err := a.handOff(); err != nil {
				return 0, err
			}
		}
		if len(b) == 0 {
			return n, nil
		}
	}
}

// handOff queues the full buffer for the writer goroutine and takes an
// empty one.
func (a *atomicFile) handOff() error {
	a.queue <- a.cur
	a.cur = getFileBuf()
	// Surface a write error without waiting for commit.
	select {
	case a.err = <-a.failed:
		return a.err
	default:
		return nil
	}
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
	if err := a.seal(); err != nil {
		return err
	}
	return a.publish()
}

// seal finishes writing and closes the temporary file, leaving it
// unpublished (a partitioned sink seals a file when its partition ends and
// publishes all of them when the run succeeds).
func (a *atomicFile) seal() error {
	if a.f == nil {
		return nil
	}
	if err := a.finish(); err != nil {
		a.abort()
		return err
	}
	if a.pre != nil {
		if err := a.pre.finish(); err != nil {
			a.abort()
			return a.describe(err)
		}
	}
	if err := a.f.Close(); err != nil {
		a.abort()
		return err
	}
	a.f = nil
	return nil
}

// publish renames a sealed file to its final name.
func (a *atomicFile) publish() error {
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
	if a.f != nil {
		a.f.Close()
		a.f = nil
	}
	os.Remove(a.tmp)
	removeEmptyDirs(a.final)
}

// fileSink is a text sink (jsonl or csv) writing one file, or one file per
// time partition ({{year}}/{{month}}/{{day}}/{{date}}/{{hour}}/{{minute}} in the path,
// by event time in the scenario's zone) and per part when rotating by rows
// or bytes ({{part}}). Records arrive in time order, so one file is open at
// a time; finished files stay under temporary names until the run succeeds.
type fileSink struct {
	typ      string
	stream   *rec.Stream
	path     string
	header   []byte
	newEnc   func(tf *stdlib.TimeFormatter) Encoder
	loc      *time.Location
	rowsPer  int64 // rotate after this many records (0: never)
	bytesPer int64 // rotate after this many uncompressed bytes (0: never)

	pattern string // path after shard substitution, relative to OutDir
	claims  *FileClaims
	outDir  string
	unit    string // finest time token in the path, "" when none
	file    *atomicFile
	until   int64 // the current file's time partition ends here (ms)
	key     string
	part    int
	rows    int64
	sealed  []*atomicFile
	res     Result
	// published lists the files Close renamed to their final names.
	published []string

	// Partitions by field values ({{field:NAME}} in the path): the encoder
	// prefixes each record with the values, and one file per distinct
	// path is open at a time within the current time partition.
	fields []string
	open   map[string]*fieldFile
	keys   map[string]string // by the encoded values: their file's key (fieldKey)
}

type fieldFile struct {
	f    *atomicFile
	rows int64
	part int
}

// timeTokens are the time placeholders, finest first: a path's first one
// found sets how long a file's time partition lasts. {{date}} is
// {{year}}-{{month}}-{{day}}, a day's partition.
var timeTokens = []string{"{{minute}}", "{{hour}}", "{{day}}", "{{date}}", "{{month}}", "{{year}}"}

// FileLayout says how a file sink spreads its records over files, for
// scen report, which checks some of a run's files as the records of the
// time they cover: TimePartition is nil unless the path holds a time
// token ({{date}}, {{month}}, …), and gives then the partition holding
// ts, [from, to) in ms; Rotated: several files may share a partition
// (rows_per_file, bytes_per_file); ByField: the path holds {{field:…}},
// so files of one partition hold different records, not different times.
// ok is false for a sink that writes no files.
func FileLayout(s Sink) (timePartition func(ts int64) (from, to int64), rotated, byField, ok bool) {
	var path string
	var loc *time.Location
	switch fs := s.(type) {
	case *fileSink:
		path, loc = fs.path, fs.loc
		rotated, byField = fs.rowsPer > 0 || fs.bytesPer > 0, len(fs.fields) > 0
	case *parquetSink:
		path, loc = fs.path, fs.loc
		rotated, byField = fs.rowsPer > 0, len(fs.fields) > 0
	default:
		return nil, false, false, false
	}
	unit := ""
	for _, tok := range timeTokens {
		if strings.Contains(path, tok) {
			unit = tok
			break
		}
	}
	if loc == nil {
		loc = time.UTC
	}
	if unit != "" {
		timePartition = func(ts int64) (int64, int64) { return partitionSpan(unit, loc, ts) }
	}
	return timePartition, rotated, byField, true
}

// PartitionValues reads the {{field:NAME}} values of one of the sink's
// files from its path, as the path holds them (escaped for a directory
// name: a%2Fb for "a/b"), for scen report, which tells files that hold
// some values of a field from files that hold some times. nil when the
// sink partitions by no field or file is none of its files' paths.
func PartitionValues(s Sink, file string) map[string]string {
	var path string
	var fields []string
	var rotated bool
	switch fs := s.(type) {
	case *fileSink:
		path, fields, rotated = fs.path, fs.fields, fs.rowsPer > 0 || fs.bytesPer > 0
	case *parquetSink:
		path, fields, rotated = fs.path, fs.fields, fs.rowsPer > 0
	default:
		return nil
	}
	if len(fields) == 0 {
		return nil
	}
	if rotated && !strings.Contains(path, "{{part}}") {
		path = RotatedPath(path)
	}
	// The path with each token a pattern: a field's value a group of
	// its own, any other token (time, shard, part) whatever a directory
	// name may hold.
	var re strings.Builder
	re.WriteString(`(?:^|/)`)
	var names []string
	rest := filepath.ToSlash(path)
	for {
		i := strings.Index(rest, "{{")
		j := strings.Index(rest[max(i, 0):], "}}")
		if i < 0 || j < 0 {
			re.WriteString(regexp.QuoteMeta(rest))
			break
		}
		tok := rest[i+2 : i+j]
		re.WriteString(regexp.QuoteMeta(rest[:i]))
		if name, ok := strings.CutPrefix(tok, "field:"); ok {
			re.WriteString(`([^/]*)`)
			names = append(names, name)
		} else {
			re.WriteString(`[^/]*`)
		}
		rest = rest[i+j+2:]
	}
	re.WriteString(`$`)
	rx, err := regexp.Compile(re.String())
	if err != nil {
		return nil
	}
	m := rx.FindStringSubmatch(filepath.ToSlash(file))
	if m == nil {
		return nil
	}
	out := map[string]string{}
	for k, name := range names {
		if v, seen := out[name]; seen && v != m[k+1] {
			return nil // one field, two values: not this sink's file
		}
		out[name] = m[k+1]
	}
	return out
}

// partitionSpan is the time partition of unit (a time token) holding ts
// on the clock loc, as expandTime ends it.
func partitionSpan(unit string, loc *time.Location, ts int64) (from, to int64) {
	t := time.UnixMilli(ts).In(loc)
	y, mo, d := t.Date()
	switch unit {
	case "{{minute}}":
		from = ts - ((ts%60000)+60000)%60000
		return from, from + 60000
	case "{{hour}}":
		_, off := t.Zone()
		local := ts + int64(off)*1000
		from = ts - ((local%3600000)+3600000)%3600000
		return from, from + 3600000
	case "{{day}}", "{{date}}":
		return time.Date(y, mo, d, 0, 0, 0, 0, loc).UnixMilli(), time.Date(y, mo, d+1, 0, 0, 0, 0, loc).UnixMilli()
	case "{{month}}":
		return time.Date(y, mo, 1, 0, 0, 0, 0, loc).UnixMilli(), time.Date(y, mo+1, 1, 0, 0, 0, 0, loc).UnixMilli()
	}
	return time.Date(y, 1, 1, 0, 0, 0, 0, loc).UnixMilli(), time.Date(y+1, 1, 1, 0, 0, 0, 0, loc).UnixMilli()
}

// MissingCSVHeader is, for a CSV file sink declared with header = false,
// the header row its files would begin with (the stream's columns, in
// the order of their cells); nil for any other sink. scen report reads
// the files with it.
func MissingCSVHeader(s Sink) []byte {
	fs, ok := s.(*fileSink)
	if !ok || fs.typ != "csv" || fs.header != nil {
		return nil
	}
	return CSVHeader(fs.stream)
}

func (s *fileSink) Describe() string {
	d := fmt.Sprintf("%s file %s", s.typ, s.path)
	if s.typ == "csv" && s.header == nil {
		d += ", no header row" // scen diff compares this text
	}
	if s.rowsPer > 0 {
		d += fmt.Sprintf(", %d rows per file", s.rowsPer)
	}
	if s.bytesPer > 0 {
		d += fmt.Sprintf(", %d bytes per file", s.bytesPer)
	}
	return d
}

func (s *fileSink) NewEncoder(tf *stdlib.TimeFormatter) Encoder { return s.newEnc(tf) }

func (s *fileSink) Open(ri RunInfo) error {
	s.outDir, s.claims = ri.OutDir, ri.Files
	s.pattern = shardPath(s.path, ri)
	if (s.rowsPer > 0 || s.bytesPer > 0) && !strings.Contains(s.pattern, "{{part}}") {
		s.pattern = RotatedPath(s.pattern)
	}
	for _, tok := range timeTokens {
		if strings.Contains(s.pattern, tok) {
			s.unit = tok
			break
		}
	}
	if s.loc == nil {
		s.loc = time.UTC
	}
	s.until = math.MinInt64
	s.res = Result{}
	if s.unit == "" && len(s.fields) == 0 {
		// Created now so that even an empty run publishes a (header-only) file.
		return s.next(0)
	}
	return nil
}

// partition returns the path key for ts and when its partition ends.
func (s *fileSink) partition(ts int64) (string, int64) { return s.expandTime(s.pattern, ts) }

// expandTime fills the time tokens of pattern for ts and says when that
// time partition ends.
func (s *fileSink) expandTime(pattern string, ts int64) (string, int64) {
	t := time.UnixMilli(ts).In(s.loc)
	y, mo, d := t.Date()
	h, mi := t.Hour(), t.Minute()
	var end time.Time
	switch s.unit {
	case "{{minute}}":
		end = time.UnixMilli(ts - ts%60000 + 60000)
	case "{{hour}}":
		// Whole-hour zone offsets: local hours start on UTC hours.
		_, off := t.Zone()
		local := ts + int64(off)*1000
		end = time.UnixMilli(ts - ((local%3600000)+3600000)%3600000 + 3600000)
	case "{{day}}", "{{date}}":
		end = time.Date(y, mo, d+1, 0, 0, 0, 0, s.loc)
	case "{{month}}":
		end = time.Date(y, mo+1, 1, 0, 0, 0, 0, s.loc)
	default:
		end = time.Date(y+1, 1, 1, 0, 0, 0, 0, s.loc)
	}
	r := strings.NewReplacer("{{year}}", fmt.Sprintf("%04d", y), "{{month}}", fmt.Sprintf("%02d", int(mo)),
		"{{day}}", fmt.Sprintf("%02d", d), "{{date}}", fmt.Sprintf("%04d-%02d-%02d", y, int(mo), d), "{{hour}}", fmt.Sprintf("%02d", h), "{{minute}}", fmt.Sprintf("%02d", mi))
	return r.Replace(pattern), end.UnixMilli()
}

// next seals the current file and opens the one for ts.
func (s *fileSink) next(ts int64) error {
	key := s.pattern
	until := int64(math.MaxInt64)
	if s.unit != "" {
		key, until = s.partition(ts)
	}
	if key != s.key {
		s.part = 0
	} else {
		s.part++
	}
	if s.file != nil {
		s.res.Bytes += s.file.raw
		if err := s.file.seal(); err != nil {
			s.file = nil
			return err
		}
		s.sealed = append(s.sealed, s.file)
		s.file = nil
	}
	s.key, s.until, s.rows = key, until, 0
	final := s.partPath(key)
	// A partition can recur: the repeated hour when daylight saving time
	// ends, or a path with {{day}} but no {{month}}. Its next file becomes
	// another part instead of overwriting the first.
	for s.taken(final) {
		s.part++
		final = s.partPath(key)
	}
	if err := s.claims.claim(final, s); err != nil {
		return err
	}
	f, err := createAtomic(final)
	if err != nil {
		return err
	}
	s.file = f
	s.res.Files = append(s.res.Files, final)
	if len(s.header) > 0 {
		_, err = f.Write(s.header)
	}
	return err
}

func (s *fileSink) partPath(key string) string { return s.partPathN(key, s.part) }

func (s *fileSink) partPathN(key string, part int) string {
	if !strings.Contains(key, "{{part}}") && part > 0 {
		key = beforeExt(key, "-{{part}}")
	}
	return filepath.Join(s.outDir, strings.ReplaceAll(key, "{{part}}", fmt.Sprintf("%05d", part)))
}

func (s *fileSink) taken(final string) bool {
	for _, of := range s.open {
		if of.f.final == final {
			return true
		}
	}
	for _, f := range s.sealed {
		if f.final == final {
			return true
		}
	}
	return false
}

func (s *fileSink) Write(ts int64, b []byte) error {
	if len(s.fields) > 0 {
		return s.writeByField(ts, b)
	}
	switch {
	case s.file == nil || ts >= s.until:
		s.key = "" // a new time partition numbers its parts from 0
		if err := s.next(ts); err != nil {
			return err
		}
	case (s.rowsPer > 0 && s.rows >= s.rowsPer) || (s.bytesPer > 0 && s.file.raw >= s.bytesPer):
		if err := s.next(ts); err != nil {
			return err
		}
	}
	s.res.Records++
	s.rows++
	_, err := s.file.Write(b)
	return err
}

// WriteRun writes n records at once when Write would put them all in the
// current file: same time partition, no rotation before the last one.
func (s *fileSink) WriteRun(first, last int64, n int, b []byte) (bool, error) {
	if len(s.fields) > 0 || s.file == nil || first >= s.until || last >= s.until ||
		(s.rowsPer > 0 && s.rows+int64(n) > s.rowsPer) ||
		(s.bytesPer > 0 && s.file.raw+int64(len(b)) > s.bytesPer) {
		return false, nil
	}
	s.res.Records += int64(n)
	s.rows += int64(n)
	_, err := s.file.Write(b)
	return true, err
}

// Lend implements DirectWriter: the current file's buffer, to be
// appended to under the conditions WriteRun checks.
func (s *fileSink) Lend(d *Direct) {
	*d = Direct{Until: math.MinInt64}
	a := s.file
	if len(s.fields) > 0 || a == nil || a.queue == nil || a.err != nil {
		return
	}
	d.Buf, a.cur = a.cur, nil
	d.Until, d.Rows, d.Bytes, d.Full = s.until, math.MaxInt64, math.MaxInt64, fileBuf
	if s.rowsPer > 0 {
		d.Rows = s.rowsPer - s.rows
	}
	if s.bytesPer > 0 {
		d.Bytes = s.bytesPer - a.raw
	}
	d.lent, d.rows0, d.len0 = true, d.Rows, len(d.Buf)
}

// Return implements DirectWriter: it counts the records and bytes the
// merge appended as WriteRun would have, and queues the buffer once full.
func (s *fileSink) Return(d *Direct) error {
	if !d.lent {
		return nil
	}
	a := s.file
	n := d.rows0 - d.Rows
	s.res.Records += n
	s.rows += n
	a.raw += int64(len(d.Buf) - d.len0)
	a.cur = d.Buf
	*d = Direct{Until: math.MinInt64}
	if len(a.cur) >= fileBuf || len(a.cur) == cap(a.cur) {
		return a.handOff()
	}
	return nil
}

func (s *fileSink) Close() (Result, error) {
	if err := s.Seal(); err != nil {
		s.Abort()
		return s.res, err
	}
	for i, f := range s.sealed {
		if err := f.publish(); err != nil {
			for _, g := range s.sealed[i+1:] {
				g.abort()
			}
			s.sealed = nil
			s.Unpublish()
			return s.res, err
		}
		s.published = append(s.published, f.final)
	}
	s.sealed = nil
	return s.res, nil
}

// Unpublish implements Unpublisher: it removes the files Close published,
// when a later step of the run (another sink's publish) failed.
func (s *fileSink) Unpublish() {
	for _, f := range s.published {
		os.Remove(f)
		removeEmptyDirs(f)
	}
	s.published = nil
}

func (s *fileSink) Abort() {
	for _, of := range s.open {
		of.f.abort()
	}
	s.open = nil
	if s.file != nil {
		s.file.abort()
		s.file = nil
	}
	for _, f := range s.sealed {
		f.abort()
	}
	s.sealed = nil
}

// rotation reads rows_per_file and bytes_per_file.
func rotation(content *hcl.BodyContent) (rows, bytes int64, diags hcl.Diagnostics) {
	for _, name := range []string{"rows_per_file", "bytes_per_file"} {
		a, ok := content.Attributes[name]
		if !ok {
			continue
		}
		n, ok := rcPositiveInt(a.Expr)
		if !ok {
			unit, hint := "", ""
			if name == "bytes_per_file" {
				// "1MB", "100MiB": sizes are not parsed.
				unit, hint = " of bytes", "; write it without a unit: 1048576 for 1 MiB, 1048576 * 100 for 100 MiB"
			}
			diags = append(diags, diag(a.Expr.Range(), "Invalid "+name, "%s must be a positive whole number%s%s%s.", name, unit, gotOf(a.Expr), hint))
			continue
		}
		if name == "rows_per_file" {
			rows = n
		} else {
			bytes = n
		}
	}
	return
}

var rotationAttrs = []hcl.AttributeSchema{{Name: "rows_per_file"}, {Name: "bytes_per_file"}}

const (
	pathDoc = "path: file path relative to --out (required). May contain {{year}}, {{month}}, {{day}}, {{hour}}, " +
		"{{minute}} (event time in the scenario's zone, zero-padded: Hive-style partitions such as " +
		"year={{year}}/month={{month}}/day={{day}}), {{date}} (YYYY-MM-DD, the same as {{year}}-{{month}}-{{day}}), " + fieldsDoc + "{{part}}, {{shard}} and {{shards}} " +
		"(under --shard i/N, i and N, unpadded; a run without --shard is shard 0 of 1: " +
		"events-{{shard}}-of-{{shards}}.jsonl is events-0-of-1.jsonl; a path without {{shard}} gets .shard-i-of-N " +
		"before its extensions under --shard, so that shards never share a file); " +
		"any other {{…}} is an error"
	fieldsDoc = "{{field:NAME}} (the value of a top-level field, e.g. " +
		"country={{field:country}}; missing values and empty strings go to __HIVE_DEFAULT_PARTITION__; " +
		"a field that holds an object, a list or json(…) text is an error, at compile time when its type says so, else when the run meets one; " +
		"characters that a directory name cannot hold or that Hive escapes (/ \\ : * ? \" < > | = % # ' { [ ] ^ and control characters) " +
		"are written %XX, as Hive and Spark write them and as Spark, Trino and pyarrow read them back, and a value is cut to 200 bytes " +
		"at a character boundary), "
	rowsDoc  = "rows_per_file: start a new part file after this many records ({{part}} is added before the extension if absent)"
	bytesDoc = "bytes_per_file: start a new part file after this many uncompressed bytes"
)

func jsonlType() *Type {
	return &Type{
		Name:  "jsonl",
		Doc:   "One JSON object per line. A path ending in .gz or .zst (in any case: .GZ too) is compressed; other compression suffixes (.bz2, .xz, .zip, …) are an error. Compressed in 1 MiB blocks on every core at once: a .zst file is a series of independent zstd frames, a .gz file one gzip member.",
		Attrs: []string{pathDoc, rowsDoc, bytesDoc},
		New: func(d Decl) (Sink, hcl.Diagnostics) {
			fs, content, diags := decodeFileSpec(d, pathRules{fields: true, compress: true}, rotationAttrs)
			rows, bytes, ds := rotation(content)
			fields, ds2 := checkFields(d, fs.path, fs.pathRange)
			st := d.Stream
			return &fileSink{typ: "jsonl", stream: st, path: fs.path, loc: d.Loc, rowsPer: rows, bytesPer: bytes, fields: fields,
					newEnc: withFields(st, fields, func(tf *stdlib.TimeFormatter) Encoder { return NewJSONEncoder(st, tf) })},
				append(append(diags, ds...), ds2...)
		},
	}
}

func csvType() *Type {
	return &Type{
		Name: "csv",
		Doc: "RFC 4180 CSV with a header row; the columns are the union of the stream's top-level fields in " +
			"first-seen order, nested fields are written as JSON text. A null is an empty cell and an empty string is \"\" " +
			"(as PostgreSQL's COPY … CSV, DuckDB and Spark tell them apart). A path ending in .gz or .zst (in any case: .GZ too) is compressed; other compression suffixes (.bz2, .xz, .zip, …) are an error. Compressed in 1 MiB blocks on every core at once: a .zst file is a series of independent zstd frames, a .gz file one gzip member.",
		Attrs: []string{pathDoc, "header: write the header row (default true)", rowsDoc, bytesDoc},
		New: func(d Decl) (Sink, hcl.Diagnostics) {
			fs, content, diags := decodeFileSpec(d, pathRules{fields: true, compress: true}, append([]hcl.AttributeSchema{{Name: "header"}}, rotationAttrs...))
			rows, bytes, ds := rotation(content)
			diags = append(diags, ds...)
			header := true
			if a, ok := content.Attributes["header"]; ok {
				v, ds := a.Expr.Value(nil)
				if ds.HasErrors() || v.Type() != cty.Bool || v.IsNull() {
					diags = append(diags, diag(a.Expr.Range(), "Invalid header", "header must be true or false%s.", gotOf(a.Expr)))
				} else {
					header = v.True()
				}
			}
			st := d.Stream
			fields, ds2 := checkFields(d, fs.path, fs.pathRange)
			diags = append(diags, ds2...)
			s := &fileSink{typ: "csv", stream: st, path: fs.path, loc: d.Loc, rowsPer: rows, bytesPer: bytes, fields: fields,
				newEnc: withFields(st, fields, func(tf *stdlib.TimeFormatter) Encoder { return NewCSVEncoder(st, tf) })}
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
	return stdoutErr(err)
}

// WriteRun writes n records at once: standard output has no files to rotate.
func (s *stdoutSink) WriteRun(first, last int64, n int, b []byte) (bool, error) {
	s.res.Records += int64(n)
	s.res.Bytes += int64(len(b))
	_, err := s.w.Write(b)
	return true, stdoutErr(err)
}

func (s *stdoutSink) Close() (Result, error) { return s.res, stdoutErr(s.w.Flush()) }

// FlushNow implements Streaming: a paced run's records go out when due.
func (s *stdoutSink) FlushNow() error { return stdoutErr(s.w.Flush()) }

// ReaderGoneError is a stdout sink's write failing because the program
// reading standard output closed it (scen run … | head): a run whose
// only sink is stdout stops there quietly; with other sinks it fails, as
// their output is incomplete.
type ReaderGoneError struct{ Err error }

func (e *ReaderGoneError) Error() string {
	return fmt.Sprintf("standard output was closed by the program reading it before the run ended (%v)", e.Err)
}

func (e *ReaderGoneError) Unwrap() error { return e.Err }

// stdoutErr says in words what a broken pipe means (scen run … | head).
func stdoutErr(err error) error {
	if errors.Is(err, syscall.EPIPE) {
		return &ReaderGoneError{Err: err}
	}
	return err
}

func (s *stdoutSink) Abort() {
	// What records were written goes out, as a stream's output does;
	// a CSV header alone (another sink failed to open: --out names a
	// file) does not: a redirected output held "id,ts" after a run
	// that wrote nothing.
	if s.w != nil && s.res.Records > 0 {
		s.w.Flush()
	}
}

func stdoutType() *Type {
	return &Type{
		Name: "stdout",
		Doc: "Writes the stream to standard output, as JSON lines or CSV. Output is buffered; a paced run " +
			"(--speed, --rate) flushes it whenever it waits for the wall clock, and at every --interval boundary, " +
			"so a reader at the other end of a pipe gets each record when it is due. When the reader closes the pipe (scen run … | head), " +
			"a run whose only sink is stdout stops quietly with exit status 0; with other sinks it fails, as their output is incomplete. " +
			"A scenario has at most one stdout sink.",
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

// fieldTokens finds {{field:NAME}} tokens in a path.
func fieldTokens(path string) []string {
	var out []string
	for rest := path; ; {
		i := strings.Index(rest, "{{field:")
		if i < 0 {
			return out
		}
		j := strings.Index(rest[i:], "}}")
		if j < 0 {
			return out
		}
		out = append(out, rest[i+8:i+j])
		rest = rest[i+j+2:]
	}
}

// checkFields validates field tokens against the stream's columns.
func checkFields(d Decl, path string, r hcl.Range) ([]string, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	fields := fieldTokens(path)
	for _, f := range fields {
		if f == "" {
			continue // checkPlaceholders reports {{field:}}
		}
		found := false
		var names []string
		for _, c := range d.Stream.Columns {
			names = append(names, c.Name)
			found = found || c.Name == f
		}
		if !found {
			diags = append(diags, diag(r, "Unknown field in path", "Stream %q has no top-level field %q to partition by (fields: %s).%s",
				d.Stream.Name, f, strings.Join(names, ", "), suggest.DidYouMean(f, names)))
			continue
		}
		if what, where := nestedField(d.Stream, f); what != "" {
			diags = append(diags, diag(tokenRange(r, path, "{{field:"+f+"}}"), "Field cannot partition the path",
				"{{field:%s}} names a field that holds %s (emitted in %s): a partition directory holds one value, a string, number, bool or time. "+
					"Emit the part to partition by as a top-level field of its own and name that one.", f, what, where))
		}
	}
	return fields, diags
}

// tokenRange narrows r, the range of the path's string, to token's first
// occurrence in it when the string is written as it reads (one line, ASCII,
// no escapes); r otherwise.
func tokenRange(r hcl.Range, path, token string) hcl.Range {
	i := strings.Index(path, token)
	if i < 0 || r.Start.Line != r.End.Line || r.End.Byte-r.Start.Byte != len(path)+2 {
		return r
	}
	for j := 0; j < len(path); j++ {
		if path[j] >= utf8.RuneSelf {
			return r
		}
	}
	n := hcl.Range{Filename: r.Filename, Start: r.Start, End: r.Start}
	n.Start.Byte, n.Start.Column = r.Start.Byte+1+i, r.Start.Column+1+i
	n.End.Byte, n.End.Column = n.Start.Byte+len(token), n.Start.Column+len(token)
	return n
}

// nestedField says what field name of st holds when an emit writes it as
// more than one value: an object, a list, JSON text; "" when every emit
// writes a single value (or one only known at run time, which the engine
// checks then).
func nestedField(st *rec.Stream, name string) (what, where string) {
	for _, em := range st.Emits {
		for _, f := range em.Fields {
			if f.Name != name {
				continue
			}
			switch {
			case f.Kind == rec.Object, f.Kind == rec.Leaf && f.Type == stdlib.Object:
				return "an object", em.Where
			case f.Kind == rec.List, f.Kind == rec.Leaf && f.Type == stdlib.List:
				return "a list", em.Where
			case f.Kind == rec.JSON:
				return "the JSON text of json(…)", em.Where
			}
		}
	}
	return "", ""
}

// fieldPrefixEncoder writes the partition values before each record:
// a 2-byte length, then the values separated by NUL bytes.
type fieldPrefixEncoder struct {
	inner Encoder
	slots [][]int // by emit ID: the leaf slot of each field, or -1
	tf    *stdlib.TimeFormatter
}

func newFieldPrefixEncoder(inner Encoder, s *rec.Stream, fields []string, tf *stdlib.TimeFormatter) Encoder {
	e := &fieldPrefixEncoder{inner: inner, slots: make([][]int, len(s.Emits)), tf: tf}
	for _, em := range s.Emits {
		row := make([]int, len(fields))
		for i, name := range fields {
			row[i] = -1
			for _, f := range em.Fields {
				if f.Name == name && f.Kind == rec.Leaf {
					row[i] = f.Slot
				}
			}
		}
		e.slots[em.ID] = row
	}
	return e
}

// nullPartition is Hive's name for a partition whose value is missing.
const nullPartition = "__HIVE_DEFAULT_PARTITION__"

// partitionEscape lists the bytes a partition value cannot keep in a
// directory name: path separators, characters Windows forbids, control
// characters (a newline in a name), and those Hive and Spark escape in
// partition paths ('=', '%', '#', …). Each is written %XX, as Hive and
// Spark write them, and as Spark, Hive, Trino and pyarrow (its
// segment_encoding "uri", the default) decode them: the value read back
// is the value written, and two values never share a directory ("a/b" is
// a%2Fb, "a_b" stays a_b).
var partitionEscape = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	for _, c := range []byte("\x7f\"#%'*/:=?\\{[]^<>|") {
		t[c] = true
	}
	return t
}()

// escapePartition escapes the value at dst[from:] for a directory name
// (partitionEscape); "." and ".." start with %2E so that they name no
// directory of the path.
func escapePartition(dst []byte, from int) []byte {
	v := dst[from:]
	need := string(v) == "." || string(v) == ".."
	for _, c := range v {
		need = need || partitionEscape[c]
	}
	if !need {
		return dst
	}
	raw := string(v)
	dst = dst[:from]
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if partitionEscape[c] || i == 0 && (raw == "." || raw == "..") {
			dst = append(dst, '%', hex[c>>4], hex[c&15])
		} else {
			dst = append(dst, c)
		}
	}
	return dst
}

func (e *fieldPrefixEncoder) Encode(dst []byte, r *rec.Record) []byte {
	start := len(dst)
	dst = append(dst, 0, 0)
	for i, slot := range e.slots[r.Emit.ID] {
		if i > 0 {
			dst = append(dst, 0)
		}
		v := stdlib.NullV()
		if slot >= 0 {
			v = r.Vals[slot]
		}
		before := len(dst)
		switch v.K {
		case stdlib.Null:
		case stdlib.String:
			dst = append(dst, v.S...)
		case stdlib.Time:
			dst = e.tf.Append(dst, v.I)
		default:
			dst = append(dst, v.String()...)
		}
		if len(dst) == before {
			dst = append(dst, nullPartition...)
		}
		dst = escapePartition(dst, before)
		if len(dst)-before > 200 {
			// Cut at a character's start, and not inside a %XX: half a
			// character would leave a directory name that is not UTF-8.
			cut := before + 200
			for cut > before && !utf8.RuneStart(dst[cut]) {
				cut--
			}
			if dst[cut-1] == '%' {
				cut--
			} else if dst[cut-2] == '%' {
				cut -= 2
			}
			dst = dst[:cut]
		}
	}
	n := len(dst) - start - 2
	dst[start], dst[start+1] = byte(n), byte(n>>8)
	return e.inner.Encode(dst, r)
}

func (s *fileSink) sealOpen() error {
	for _, of := range s.open {
		s.res.Bytes += of.f.raw
		if err := of.f.seal(); err != nil {
			return err
		}
		s.sealed = append(s.sealed, of.f)
	}
	s.open = nil
	return nil
}

// fieldKey splits a record a fieldPrefixEncoder wrote into the key of
// its file (the path pattern with the record's {{field:NAME}} values and
// the time tokens of ts filled in) and the record's own bytes. The keys of
// the values seen are kept until the time partition ends (newFieldSpan), so
// that a record whose values were seen before costs one map lookup. The
// jsonl, csv and parquet sinks all route records through it.
func (s *fileSink) fieldKey(ts int64, b []byte) (string, []byte) {
	n := int(b[0]) | int(b[1])<<8
	raw, rest := b[2:2+n], b[2+n:]
	if key, ok := s.keys[string(raw)]; ok {
		return key, rest
	}
	vals := strings.Split(string(raw), "\x00")
	pattern := s.pattern
	for i, f := range s.fields {
		pattern = strings.ReplaceAll(pattern, "{{field:"+f+"}}", vals[i])
	}
	key := pattern
	if s.unit != "" {
		key, _ = s.expandTime(pattern, ts)
	}
	s.keys[string(raw)] = key
	return key, rest
}

// newFieldSpan starts the time partition of ts for field partitions: it
// forgets the keys of the one before and returns when this one ends.
func (s *fileSink) newFieldSpan(ts int64) int64 {
	s.keys = map[string]string{}
	if s.unit == "" {
		return math.MaxInt64
	}
	_, until := s.partition(ts)
	return until
}

func (s *fileSink) writeByField(ts int64, b []byte) error {
	if s.open == nil || ts >= s.until {
		if err := s.sealOpen(); err != nil {
			return err
		}
		s.open = map[string]*fieldFile{}
		s.until = s.newFieldSpan(ts)
	}
	key, b := s.fieldKey(ts, b)
	of := s.open[key]
	if of == nil || (s.rowsPer > 0 && of.rows >= s.rowsPer) || (s.bytesPer > 0 && of.f.raw >= s.bytesPer) {
		part := 0
		if of != nil {
			s.res.Bytes += of.f.raw
			if err := of.f.seal(); err != nil {
				return err
			}
			s.sealed = append(s.sealed, of.f)
			part = of.part + 1
		}
		final := s.partPathN(key, part)
		for s.taken(final) {
			part++
			final = s.partPathN(key, part)
		}
		if err := s.claims.claim(final, s); err != nil {
			return err
		}
		f, err := createAtomic(final)
		if err != nil {
			return tooManyOpen(err, len(s.open), s.fields)
		}
		of = &fieldFile{f: f, part: part}
		s.open[key] = of
		s.res.Files = append(s.res.Files, final)
		if len(s.header) > 0 {
			if _, err := f.Write(s.header); err != nil {
				return err
			}
		}
	}
	s.res.Records++
	of.rows++
	_, err := of.f.Write(b)
	return err
}

// withFields wraps an encoder factory so records carry their partition
// values when the path partitions by fields.
func withFields(st *rec.Stream, fields []string, mk func(tf *stdlib.TimeFormatter) Encoder) func(tf *stdlib.TimeFormatter) Encoder {
	if len(fields) == 0 {
		return mk
	}
	return func(tf *stdlib.TimeFormatter) Encoder { return newFieldPrefixEncoder(mk(tf), st, fields, tf) }
}

// OutputPath is the sink's path as declared (placeholders unexpanded).
func (s *fileSink) OutputPath() string { return s.path }
