package sinks

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/hashicorp/hcl/v2"
	"github.com/scenhq/scen/engine/rec"
	"github.com/scenhq/scen/stdlib"
	"github.com/xitongsys/parquet-go-source/writerfile"
	"github.com/xitongsys/parquet-go/common"
	"github.com/xitongsys/parquet-go/layout"
	"github.com/xitongsys/parquet-go/parquet"
	"github.com/xitongsys/parquet-go/writer"
	"github.com/zclconf/go-cty/cty"
)

const (
	pqDefaultGroupRows = 128 << 10
	// A batch is what the merging goroutine hands to the Parquet writer
	// goroutine at once; each batch ends at least one page per column.
	pqBatchRows  = 16 << 10
	pqBatchBytes = 4 << 20
	// With {{field:NAME}} in the path every open file fills a batch of its
	// own, and a batch's buffer stays as large as it ever grew: batches
	// start small and go to the writer at pqPartBatchBytes.
	pqPartBatchCap   = 64 << 10
	pqPartBatchBytes = 256 << 10
	// pqPageBytes bounds a data page's plain-encoded values.
	pqPageBytes = 1 << 20
	pqCreatedBy = "scen (github.com/xitongsys/parquet-go v1.6.2)"
)

var pqCodecs = map[string]parquet.CompressionCodec{
	"snappy": parquet.CompressionCodec_SNAPPY,
	"zstd":   parquet.CompressionCodec_ZSTD,
	"gzip":   parquet.CompressionCodec_GZIP,
	"none":   parquet.CompressionCodec_UNCOMPRESSED,
}

var pqCodecNames = []string{"snappy", "zstd", "gzip", "none"}

func parquetType() *Type {
	return &Type{
		Name: "parquet",
		Doc: "Apache Parquet files written with github.com/xitongsys/parquet-go: one flat column per top-level " +
			"field of the stream (the union of its emits' fields, in first-seen order). Every column is OPTIONAL: " +
			"null where an emit lacks the field or its value is null. Column types come from the fields' static " +
			"types, fixed when the scenario is compiled: int → INT64; float → DOUBLE; bool → BOOLEAN; string → " +
			"BYTE_ARRAY (UTF8); time → INT64 TIMESTAMP(MILLIS, adjusted to UTC: the instant, the zone offset is " +
			"not kept); duration → INT64 holding milliseconds (Parquet has no duration type; the column carries no " +
			"logical type, and the file's key-value metadata \"scen.durations\" lists such columns as a JSON array, " +
			"so a scen dataset reads them back as durations); anything else — nested objects and lists, json(...) fields, fields whose emits disagree " +
			"on the type, fields that are only ever null — → BYTE_ARRAY (UTF8) holding the value's JSON text " +
			"(strings quoted, times in the scenario's zone, durations as \"1m30s\"). Pages are PLAIN-encoded with " +
			"min/max/null-count statistics and a page index. Each file is written under a temporary name and " +
			"renamed when the run succeeds, so every file, and every part of a rotated output, is a complete " +
			"Parquet file on its own. With {{field:NAME}} in the path (Hive-style partitions such as " +
			"events/country={{field:country}}/date={{date}}/part.parquet) one file is open per distinct value. " +
			"The open files' unfinished row groups (one file's, or one per partition) share 64 MiB (counted as the rows' plain-encoded bytes): when they pass it, " +
			"the file holding the most ends its row group early, so a row group may hold fewer than row_group_rows rows. " +
			"Where row groups end depends on the records only, never on timing.",
		Attrs: []string{
			strings.NewReplacer("(required)", "(required), e.g. out/events.parquet").Replace(pathDoc),
			`compression: page compression, "snappy" (default), "zstd", "gzip" or "none"`,
			fmt.Sprintf("row_group_rows: rows per row group (default %d); a file's last row group may be smaller", pqDefaultGroupRows),
			"rows_per_file: start a new part file after this many records (name-00000.parquet, name-00001.parquet, …; " +
				"{{part}} is added before the extension if absent)",
		},
		New: newParquetSink,
	}
}

func newParquetSink(d Decl) (Sink, hcl.Diagnostics) {
	fs, content, diags := decodeFileSpec(d, pathRules{fields: true}, []hcl.AttributeSchema{
		{Name: "compression"}, {Name: "row_group_rows"}, {Name: "rows_per_file"}})
	fields, ds := checkFields(d, fs.path, fs.pathRange)
	diags = append(diags, ds...)
	s := &parquetSink{stream: d.Stream, kinds: columnKinds(d.Stream), path: fs.path, loc: d.Loc, fields: fields,
		codec: parquet.CompressionCodec_SNAPPY, codecName: "snappy", groupRows: pqDefaultGroupRows}
	if codec := Compression(fs.path); codec != "" {
		ext := filepath.Ext(fs.path)
		diags = append(diags, diag(fs.pathRange, "Invalid path",
			"Parquet compresses its pages itself, so a Parquet file is not wrapped in %s: drop the %s suffix and set compression = %q.",
			codec, ext, codec))
	}
	if ext := strings.ToLower(filepath.Ext(fs.path)); foreignCompression[ext] != "" {
		diags = append(diags, diag(fs.pathRange, "Invalid path",
			"Parquet compresses its pages itself, and scen cannot write %s files: drop the %s suffix and set compression to one of %s.",
			foreignCompression[ext], ext, rcQuoteList(pqCodecNames)))
	}
	if a, ok := content.Attributes["compression"]; ok {
		v, ds := a.Expr.Value(nil)
		if ds.HasErrors() || v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
			diags = append(diags, diag(a.Expr.Range(), "Invalid compression", "compression is one of %s%s.", rcQuoteList(pqCodecNames), gotOf(a.Expr)))
		} else if c, ok := pqCodecs[v.AsString()]; ok {
			s.codec, s.codecName = c, v.AsString()
		} else {
			diags = append(diags, diag(a.Expr.Range(), "Invalid compression", "compression is one of %s, not %q.%s",
				rcQuoteList(pqCodecNames), v.AsString(), rcSuggest(v.AsString(), pqCodecNames)))
		}
	}
	for _, name := range []string{"row_group_rows", "rows_per_file"} {
		a, ok := content.Attributes[name]
		if !ok {
			continue
		}
		n, ok := rcPositiveInt(a.Expr)
		if !ok {
			diags = append(diags, diag(a.Expr.Range(), "Invalid "+name, "%s must be a positive whole number%s.", name, gotOf(a.Expr)))
			continue
		}
		if name == "row_group_rows" {
			s.groupRows = n
		} else {
			s.rowsPer = n
		}
	}
	if len(d.Stream.Columns) == 0 {
		diags = append(diags, diag(d.DeclRange, "Empty stream", "Stream %q has no fields, and a Parquet file needs at least one column.", d.Stream.Name))
	}
	folded := map[string]string{}
	for _, c := range d.Stream.Columns {
		k := strings.ToLower(c.Name)
		if o, dup := folded[k]; dup {
			// Written right (each column under its own name), and read
			// back right by scen's reader (cat, report, datasets), but
			// as one by readers that ignore case.
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Columns that differ only in case",
				Detail: fmt.Sprintf("Fields %q and %q of stream %q differ only in letter case: sink %q writes them as two Parquet columns, which readers that match column names regardless of case (Spark's and Hive's defaults) "+
					"cannot tell apart (scen's own reader, in scen cat, scen report and dataset blocks, can). Rename one of the fields.", o, c.Name, d.Stream.Name, d.Name),
				Subject: d.DeclRange.Ptr()})
			continue
		}
		folded[k] = c.Name
	}
	for _, c := range d.Stream.Columns {
		if strings.Contains(c.Name, common.PAR_GO_PATH_DELIMITER) {
			diags = append(diags, diag(d.DeclRange, "Invalid column name", "Field %q of stream %q contains the control character U+0001, which Parquet column names written by parquet-go cannot hold.", c.Name, d.Stream.Name))
		}
	}
	return s, diags
}

// positiveInt reads a literal positive whole number.
func rcPositiveInt(e hcl.Expression) (int64, bool) {
	v, ds := e.Value(nil)
	if ds.HasErrors() || v.IsNull() || !v.IsKnown() || v.Type() != cty.Number {
		return 0, false
	}
	bf := v.AsBigFloat()
	if !bf.IsInt() {
		return 0, false
	}
	n, acc := bf.Int64()
	if n <= 0 || acc != 0 {
		return 0, false
	}
	return n, true
}

func rcQuoteList(opts []string) string {
	q := make([]string, len(opts))
	for i, o := range opts {
		q[i] = fmt.Sprintf("%q", o)
	}
	return strings.Join(q, ", ")
}

// rcSuggest returns " Did you mean …?" for the option closest to given.
func rcSuggest(given string, options []string) string {
	best, bestD := "", 1<<30
	for _, o := range options {
		if d := rcEditDistance(given, o); d < bestD {
			best, bestD = o, d
		}
	}
	if best != "" && (bestD <= 2 || (bestD <= 3 && len(given) > 6)) {
		return fmt.Sprintf(" Did you mean %q?", best)
	}
	return ""
}

func rcEditDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// parquetSink writes one Parquet file, or one per time partition, field
// partition and part (the path tokens of the jsonl and csv sinks apply,
// {{field:NAME}} included). The merging goroutine only copies encoded rows
// into batches, one per open file; a writer goroutine decodes them, builds
// pages and writes the files.
type parquetSink struct {
	stream    *rec.Stream
	kinds     []stdlib.Kind
	path      string
	loc       *time.Location
	codec     parquet.CompressionCodec
	codecName string
	groupRows int64
	rowsPer   int64
	fields    []string // the path's {{field:NAME}}, in order

	paths    *fileSink // the path pattern, time partitions and field keys (no file of its own)
	until    int64     // the open files' time partition ends here (ms)
	timeKey  string    // the time partition's key, without {{field:…}}
	open     []*pqPart // the open files, in the order they were opened
	byKey    map[string]*pqPart
	buffered int64 // the open files' row group bytes, summed
	budget   int64 // buffered may not pass this (pqBudget when opened)
	// batchBytes: a batch this full goes to the writer goroutine.
	batchBytes int
	w          *pqWriter
	res        Result
	closed     bool
	// published lists the files Close renamed to their final names.
	published []string
}

// pqBudget bounds the bytes of rows a Parquet sink holds in unfinished row
// groups, summed over its open files: each file holds its row group until
// the group ends, and a path with {{field:NAME}} keeps a file open per
// distinct value, so that without a bound the memory would grow with the
// number of partitions (each holding up to row_group_rows rows). When the
// sum passes the bound, the file holding the most ends its row group early.
// The bytes are those of the rows as encoded for the writer (about their
// plain-encoded Parquet size; the pages are compressed, so they hold less),
// counted on the merging goroutine, so where row groups end depends on the
// records only. Tests lower it.
var pqBudget int64 = 64 << 20

// pqPart is one open file as the merging goroutine sees it.
type pqPart struct {
	file  *pqFile // filled in and used by the writer goroutine only
	key   string  // the path with its placeholders but {{part}} filled in
	part  int
	rows  int64 // rows in the file
	group int64 // rows in the current row group
	bytes int64 // bytes of the current row group's rows, sent or not
	batch *pqBatch
}

func (s *parquetSink) Describe() string {
	d := fmt.Sprintf("parquet file %s, %s, %d rows per row group", s.path, s.codecName, s.groupRows)
	if s.rowsPer > 0 {
		d += fmt.Sprintf(", %d rows per file", s.rowsPer)
	}
	return d
}

func (s *parquetSink) NewEncoder(tf *stdlib.TimeFormatter) Encoder {
	return withFields(s.stream, s.fields, func(tf *stdlib.TimeFormatter) Encoder { return newRowEncoder(s.stream, tf) })(tf)
}

func (s *parquetSink) Open(ri RunInfo) error {
	pattern := shardPath(s.path, ri)
	if s.rowsPer > 0 && !strings.Contains(pattern, "{{part}}") {
		pattern = beforeExt(pattern, "-{{part}}")
	}
	loc := s.loc
	if loc == nil {
		loc = time.UTC
	}
	s.paths = &fileSink{pattern: pattern, outDir: ri.OutDir, loc: loc, claims: ri.Files, fields: s.fields}
	for _, tok := range timeTokens {
		if strings.Contains(pattern, tok) {
			s.paths.unit = tok
			break
		}
	}
	s.res, s.published = Result{}, nil
	s.open, s.byKey, s.buffered, s.budget = nil, map[string]*pqPart{}, 0, max(pqBudget, 1)
	s.until, s.closed = math.MinInt64, false
	s.w = newPQWriter(s.stream, s.kinds, s.codec)
	s.batchBytes = pqBatchBytes
	if len(s.fields) > 0 {
		s.w.batchCap, s.batchBytes = pqPartBatchCap, pqPartBatchBytes
	}
	if s.paths.unit == "" && len(s.fields) == 0 {
		// Created now so that even an empty run publishes a file with the schema.
		s.until, s.timeKey = math.MaxInt64, pattern
		if _, err := s.openPart(pattern, nil); err != nil {
			s.Abort()
			return err
		}
	}
	return nil
}

// openPart ends prev (the file key had, when it is full) and opens key's
// next file.
func (s *parquetSink) openPart(key string, prev *pqPart) (*pqPart, error) {
	part := 0
	if prev != nil {
		part = prev.part + 1
		if err := s.endFile(prev); err != nil {
			return nil, err
		}
	}
	final := s.paths.partPathN(key, part)
	// A partition can recur (the repeated hour when daylight saving time
	// ends, a path with {{day}} but no {{month}}); its next file becomes
	// another part.
	for s.taken(final) {
		part++
		final = s.paths.partPathN(key, part)
	}
	if err := s.paths.claims.claim(final, s); err != nil {
		return nil, fmt.Errorf("parquet sink: %w", err)
	}
	// Created here rather than in the writer goroutine so that a path that
	// cannot be written fails the run at once.
	af, err := createAtomic(final)
	if err != nil {
		return nil, fmt.Errorf("parquet sink: %w", tooManyOpen(err, len(s.open), s.fields))
	}
	p := &pqPart{file: &pqFile{}, key: key, part: part, batch: s.w.newBatch()}
	if err := s.w.send(pqMsg{file: p.file, open: af}); err != nil {
		af.abort()
		return nil, err
	}
	s.res.Files = append(s.res.Files, final)
	s.open = append(s.open, p)
	s.byKey[key] = p
	return p, nil
}

func (s *parquetSink) taken(final string) bool {
	for _, f := range s.res.Files {
		if f == final {
			return true
		}
	}
	return false
}

func (s *parquetSink) Write(ts int64, b []byte) error {
	if s.w == nil {
		return errors.New("parquet sink: not open")
	}
	if ts >= s.until {
		// A new time partition: its files number their parts from 0.
		if err := s.endAll(); err != nil {
			return err
		}
		if len(s.fields) > 0 {
			s.until = s.paths.newFieldSpan(ts)
		} else {
			s.timeKey, s.until = s.paths.partition(ts)
		}
	}
	key := s.timeKey
	if len(s.fields) > 0 {
		key, b = s.paths.fieldKey(ts, b)
	}
	p := s.byKey[key]
	if p == nil || (s.rowsPer > 0 && p.rows >= s.rowsPer) {
		var err error
		if p, err = s.openPart(key, p); err != nil {
			return err
		}
	}
	bt := p.batch
	bt.buf = append(bt.buf, b...)
	bt.ends = append(bt.ends, uint32(len(bt.buf)))
	p.rows++
	p.group++
	p.bytes += int64(len(b))
	s.buffered += int64(len(b))
	s.res.Records++
	var err error
	switch {
	case p.group >= s.groupRows:
		err = s.send(p, true, false)
	case len(bt.ends) >= pqBatchRows || len(bt.buf) >= s.batchBytes:
		err = s.send(p, false, false)
	}
	for err == nil && s.buffered > s.budget {
		err = s.send(s.largest(), true, false)
	}
	return err
}

// largest is the open file holding the most row group bytes (the first
// opened of those that hold as many).
func (s *parquetSink) largest() *pqPart {
	var big *pqPart
	for _, p := range s.open {
		if big == nil || p.bytes > big.bytes {
			big = p
		}
	}
	return big
}

// send hands p's batch to the writer goroutine.
func (s *parquetSink) send(p *pqPart, endGroup, endFile bool) error {
	bt := p.batch
	if len(bt.ends) == 0 {
		bt = nil
	} else if endFile {
		p.batch = nil
	} else {
		p.batch = s.w.newBatch()
	}
	if endGroup || endFile {
		s.buffered -= p.bytes
		p.group, p.bytes = 0, 0
	}
	return s.w.send(pqMsg{file: p.file, batch: bt, endGroup: endGroup, endFile: endFile})
}

// endFile finishes p's file.
func (s *parquetSink) endFile(p *pqPart) error {
	i := slices.Index(s.open, p)
	s.open = slices.Delete(s.open, i, i+1)
	delete(s.byKey, p.key)
	err := s.send(p, true, true)
	if p.batch != nil { // empty: the writer never had it
		s.w.putBatch(p.batch)
		p.batch = nil
	}
	return err
}

// endAll finishes every open file, in the order they were opened.
func (s *parquetSink) endAll() error {
	open := s.open
	s.open, s.byKey = nil, map[string]*pqPart{}
	for _, p := range open {
		err := s.send(p, true, true)
		if p.batch != nil {
			s.w.putBatch(p.batch)
			p.batch = nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (s *parquetSink) Close() (Result, error) {
	if s.w == nil {
		if s.closed {
			return s.res, nil
		}
		return Result{}, errors.New("parquet sink: not open")
	}
	err := s.endAll()
	w := s.w
	s.w = nil
	if werr := w.finish(); err == nil {
		err = werr
	}
	if err != nil {
		w.abort()
		return s.res, err
	}
	for i, f := range w.sealed {
		s.res.Bytes += f.raw
		if err := f.publish(); err != nil {
			for _, g := range w.sealed[i+1:] {
				g.abort()
			}
			w.sealed = nil
			s.Unpublish()
			return s.res, err
		}
		s.published = append(s.published, f.final)
	}
	w.sealed = nil
	s.closed = true
	return s.res, nil
}

// Unpublish implements Unpublisher: it removes the files Close published,
// when a later step of the run (another sink's publish) failed.
func (s *parquetSink) Unpublish() {
	for _, f := range s.published {
		os.Remove(f)
		removeEmptyDirs(f)
	}
	s.published = nil
}

func (s *parquetSink) Abort() {
	s.open, s.byKey, s.buffered = nil, nil, 0
	if s.w == nil {
		return
	}
	w := s.w
	s.w = nil
	close(w.stop)
	w.finish()
	w.abort()
}

// pqBatch is a run of encoded rows: row i is buf[ends[i-1]:ends[i]].
type pqBatch struct {
	buf  []byte
	ends []uint32
}

// newBatch returns a batch the writer is done with, or a new one.
func (w *pqWriter) newBatch() *pqBatch {
	select {
	case b := <-w.free:
		return b
	default:
		return &pqBatch{buf: make([]byte, 0, w.batchCap), ends: make([]uint32, 0, 1024)}
	}
}

// putBatch keeps an empty batch for reuse.
func (w *pqWriter) putBatch(b *pqBatch) {
	b.buf, b.ends = b.buf[:0], b.ends[:0]
	select {
	case w.free <- b:
	default:
	}
}

// pqMsg is one instruction for the writer goroutine about one file,
// applied in order: start the file, add rows, end the row group, end the
// file. The goroutine owns the files it receives.
type pqMsg struct {
	file     *pqFile     // the file the message is about
	open     *atomicFile // start file, writing it to open
	batch    *pqBatch
	endGroup bool
	endFile  bool
}

// pqWriter is the goroutine that turns batches into Parquet files.
type pqWriter struct {
	cols   []pqColumn
	codec  parquet.CompressionCodec
	in     chan pqMsg
	free   chan *pqBatch // batches written, for reuse
	failed chan error    // the first error, as soon as it happens
	stop   chan struct{}
	done   chan struct{}
	err    error

	batchCap int // the capacity of a new batch's buffer

	files  map[*pqFile]bool // open
	sealed []*atomicFile    // complete, not yet published
	sent   bool             // in was closed

	// per-batch decoding buffers, reused
	defs  [][]int32
	vals  [][]any
	zeros []int32
}

// pqColumn is one stream column as the writer sees it.
type pqColumn struct {
	name string
	kind stdlib.Kind
	tags uint8 // the row tags the column accepts (1<<tag)
}

// pqFile is one Parquet file being written.
type pqFile struct {
	af    *atomicFile
	pw    *writer.ParquetWriter
	els   []*parquet.SchemaElement // leaves, by column
	infos []*common.Tag
	paths [][]string // internal paths, root first
	keys  []string   // internal path strings
	flags [][]uint8  // per column, per page of the current row group: pqNullPage or pqNaNPage
	rows  int64      // rows in the current row group
}

const (
	pqNullPage uint8 = 1 << iota // only nulls
	pqNaNPage                    // values, but all NaN
)

func newPQWriter(s *rec.Stream, kinds []stdlib.Kind, codec parquet.CompressionCodec) *pqWriter {
	w := &pqWriter{codec: codec, in: make(chan pqMsg, 4), free: make(chan *pqBatch, 6), failed: make(chan error, 1),
		stop: make(chan struct{}), done: make(chan struct{}), batchCap: 256 << 10, files: map[*pqFile]bool{}}
	for i, c := range s.Columns {
		col := pqColumn{name: c.Name, kind: kinds[i], tags: 1 << rcNull}
		switch kinds[i] {
		case stdlib.Bool:
			col.tags |= 1<<rcFalse | 1<<rcTrue
		case stdlib.Int, stdlib.Time, stdlib.Duration:
			col.tags |= 1 << rcInt
		case stdlib.Float:
			col.tags |= 1 << rcFloat
		default:
			col.tags |= 1 << rcText
		}
		w.cols = append(w.cols, col)
	}
	w.defs = make([][]int32, len(w.cols))
	w.vals = make([][]any, len(w.cols))
	go w.run()
	return w
}

// send queues a message and reports the writer's error, if any.
func (w *pqWriter) send(m pqMsg) error {
	select {
	case err := <-w.failed:
		w.failed <- err
		return err
	default:
	}
	w.in <- m
	return nil
}

// finish waits for the goroutine to write everything queued.
func (w *pqWriter) finish() error {
	if !w.sent {
		w.sent = true
		close(w.in)
	}
	<-w.done
	return w.err
}

// abort removes every file, open or sealed; the goroutine has ended.
func (w *pqWriter) abort() {
	for f := range w.files {
		f.af.abort()
	}
	clear(w.files)
	for _, f := range w.sealed {
		f.abort()
	}
	w.sealed = nil
}

func (w *pqWriter) run() {
	defer close(w.done)
	for m := range w.in {
		if w.err == nil {
			select {
			case <-w.stop:
				w.err = errors.New("parquet sink: aborted")
			default:
			}
		}
		if w.err != nil {
			// Drain: the merging goroutine learns of the error on its next send.
			if m.open != nil {
				m.open.abort()
			}
			continue
		}
		if err := w.handle(m); err != nil {
			w.err = err
			w.failed <- err
		}
	}
}

func (w *pqWriter) handle(m pqMsg) (err error) {
	defer func() {
		// parquet-go panics on some internal errors.
		if r := recover(); r != nil {
			err = fmt.Errorf("parquet sink: %v", r)
		}
	}()
	f := m.file
	if m.open != nil {
		if err := w.openFile(f, m.open); err != nil {
			return fmt.Errorf("parquet sink: %s: %w", m.open.final, err)
		}
	}
	if m.batch != nil {
		if err := w.addBatch(f, m.batch); err != nil {
			return err
		}
		// Nothing refers to the batch's memory any more: the pages hold
		// encoded copies, and their statistics copies of their own.
		w.putBatch(m.batch)
	}
	if (m.endGroup || m.endFile) && f.rows > 0 {
		if err := w.endGroup(f); err != nil {
			return fmt.Errorf("parquet sink: %s: %w", f.af.final, err)
		}
	}
	if m.endFile {
		if err := f.pw.WriteStop(); err != nil {
			return fmt.Errorf("parquet sink: %s: %w", f.af.final, err)
		}
		delete(w.files, f)
		f.pw = nil // its pages and metadata go
		if err := f.af.seal(); err != nil {
			return fmt.Errorf("parquet sink: %s: %w", f.af.final, err)
		}
		w.sealed = append(w.sealed, f.af)
	}
	return nil
}

// pqDurationsKey is the footer metadata key listing, as a JSON array of
// names, the columns that hold durations: Parquet has no duration type,
// so they are plain INT64 milliseconds, and readers that know the key
// (scen's datasets) read them back as durations.
const pqDurationsKey = "scen.durations"

func pqDurationsMeta(cols []pqColumn) *parquet.KeyValue {
	var names []string
	for _, c := range cols {
		if c.kind == stdlib.Duration {
			names = append(names, c.name)
		}
	}
	if names == nil {
		return nil
	}
	b, _ := json.Marshal(names)
	v := string(b)
	return &parquet.KeyValue{Key: pqDurationsKey, Value: &v}
}

// pqElement is the schema element of a column.
func pqElement(name string, k stdlib.Kind) *parquet.SchemaElement {
	rt := parquet.FieldRepetitionType_OPTIONAL
	el := &parquet.SchemaElement{Name: name, RepetitionType: &rt}
	typ := func(t parquet.Type) { el.Type = &t }
	switch k {
	case stdlib.Bool:
		typ(parquet.Type_BOOLEAN)
	case stdlib.Int:
		typ(parquet.Type_INT64)
		ct := parquet.ConvertedType_INT_64
		el.ConvertedType = &ct
		el.LogicalType = &parquet.LogicalType{INTEGER: &parquet.IntType{BitWidth: 64, IsSigned: true}}
	case stdlib.Duration:
		typ(parquet.Type_INT64)
	case stdlib.Float:
		typ(parquet.Type_DOUBLE)
	case stdlib.Time:
		typ(parquet.Type_INT64)
		ct := parquet.ConvertedType_TIMESTAMP_MILLIS
		el.ConvertedType = &ct
		el.LogicalType = &parquet.LogicalType{TIMESTAMP: &parquet.TimestampType{IsAdjustedToUTC: true,
			Unit: &parquet.TimeUnit{MILLIS: parquet.NewMilliSeconds()}}}
	default:
		typ(parquet.Type_BYTE_ARRAY)
		ct := parquet.ConvertedType_UTF8
		el.ConvertedType = &ct
		el.LogicalType = &parquet.LogicalType{STRING: parquet.NewStringType()}
	}
	return el
}

// openFile starts writing f to af.
func (w *pqWriter) openFile(f *pqFile, af *atomicFile) error {
	f.af = af
	w.files[f] = true // owned from here on, even if what follows fails
	// Elements get internal names C0, C1, … so that parquet-go's mangling
	// of names into Go identifiers cannot merge two columns ("a-b" and
	// "a45b", "x" and "X"); the real names are restored in the footer.
	// parquet-go renames the elements when a file ends, so every file
	// gets its own.
	rt := parquet.FieldRepetitionType_REQUIRED
	n := int32(len(w.cols))
	list := []*parquet.SchemaElement{{Name: "Root", RepetitionType: &rt, NumChildren: &n}}
	for i, c := range w.cols {
		list = append(list, pqElement(fmt.Sprintf("C%d", i), c.kind))
	}
	pw, err := writer.NewParquetWriter(writerfile.NewWriterFile(af), list, 1)
	if err != nil {
		return err
	}
	sh := pw.SchemaHandler
	sh.Infos[0].ExName = "schema"
	for i, c := range w.cols {
		sh.Infos[i+1].ExName = c.name
	}
	sh.CreateInExMap()
	pw.RowGroupSize = math.MaxInt64 // row groups end when the sink says so
	pw.PageSize = pqPageBytes
	pw.CompressionType = w.codec
	createdBy := pqCreatedBy
	pw.Footer.CreatedBy = &createdBy
	if md := pqDurationsMeta(w.cols); md != nil {
		pw.Footer.KeyValueMetadata = append(pw.Footer.KeyValueMetadata, md)
	}
	f.pw, f.els, f.flags = pw, list[1:], make([][]uint8, len(w.cols))
	for i := range w.cols {
		key := sh.IndexMap[int32(i+1)]
		f.keys = append(f.keys, key)
		f.paths = append(f.paths, common.StrToPath(key))
		f.infos = append(f.infos, sh.Infos[i+1])
	}
	return nil
}

// addBatch decodes a batch into columns and turns each into data pages.
func (w *pqWriter) addBatch(f *pqFile, bt *pqBatch) error {
	n := len(bt.ends)
	if cap(w.zeros) < n {
		w.zeros = make([]int32, n)
	}
	for c := range w.cols {
		if cap(w.defs[c]) < n {
			w.defs[c] = make([]int32, n)
			w.vals[c] = make([]any, n)
		}
		w.defs[c], w.vals[c] = w.defs[c][:n], w.vals[c][:n]
	}
	buf := bt.buf
	start := 0
	for i, e := range bt.ends {
		end := int(e)
		p := start
		for c := range w.cols {
			col := &w.cols[c]
			if p >= end {
				return fmt.Errorf("parquet sink: malformed row of %d bytes", end-start)
			}
			tag := buf[p]
			p++
			if tag > rcBad || col.tags&(1<<tag) == 0 {
				if tag == rcBad && p < end {
					return fmt.Errorf("parquet sink: column %q is %s, but a record has a %s value there",
						col.name, pqKindName(col.kind), stdlib.Kind(buf[p]))
				}
				return fmt.Errorf("parquet sink: malformed row (column %q, tag %d)", col.name, tag)
			}
			var v any
			switch tag {
			case rcFalse:
				v = false
			case rcTrue:
				v = true
			case rcInt:
				if p+8 > end {
					return errors.New("parquet sink: malformed row (truncated integer)")
				}
				v = int64(binary.LittleEndian.Uint64(buf[p:]))
				p += 8
			case rcFloat:
				if p+8 > end {
					return errors.New("parquet sink: malformed row (truncated float)")
				}
				v = math.Float64frombits(binary.LittleEndian.Uint64(buf[p:]))
				p += 8
			case rcText:
				if p+4 > end {
					return errors.New("parquet sink: malformed row (truncated text)")
				}
				l := int(binary.LittleEndian.Uint32(buf[p:]))
				p += 4
				if l > end-p {
					return errors.New("parquet sink: malformed row (truncated text)")
				}
				// Points into the batch, which is reused only once its
				// pages are encoded (statistics are copied: pqClone).
				v = unsafe.String(unsafe.SliceData(buf[p:]), l)
				p += l
			}
			if v == nil {
				w.defs[c][i] = 0
			} else {
				w.defs[c][i] = 1
			}
			w.vals[c][i] = v
		}
		if p != end {
			return fmt.Errorf("parquet sink: malformed row (%d bytes left over)", end-p)
		}
		start = end
	}
	for c := range w.cols {
		w.addPages(f, c, w.vals[c], w.defs[c])
	}
	f.rows += int64(n)
	f.pw.NumRows += int64(n)
	f.pw.Footer.NumRows += int64(n)
	return nil
}

func pqKindName(k stdlib.Kind) string {
	if k == stdlib.Any {
		return "JSON text"
	}
	return k.String()
}

// addPages splits one column of a batch into data pages. parquet-go's
// TableToDataPages leaves a page's first value out of its null count (so
// null_count statistics undercount) and lets NaN into min/max; the pages
// are built here with exact statistics and handed to parquet-go's own page
// encoder.
func (w *pqWriter) addPages(f *pqFile, c int, vals []any, defs []int32) {
	kind := w.cols[c].kind
	el := f.els[c]
	for lo := 0; lo < len(vals); {
		var minV, maxV any
		var nulls int64
		nonNaN, nonNull := false, false
		size := 0
		hi := lo
		for ; hi < len(vals) && size < pqPageBytes; hi++ {
			v := vals[hi]
			if v == nil {
				nulls++
				continue
			}
			nonNull = true
			switch kind {
			case stdlib.Bool:
				size++
				b := v.(bool)
				if minV == nil || (!b && minV.(bool)) {
					minV = b
				}
				if maxV == nil || (b && !maxV.(bool)) {
					maxV = b
				}
			case stdlib.Int, stdlib.Time, stdlib.Duration:
				size += 8
				x := v.(int64)
				if minV == nil || x < minV.(int64) {
					minV = v
				}
				if maxV == nil || x > maxV.(int64) {
					maxV = v
				}
			case stdlib.Float:
				size += 8
				x := v.(float64)
				if x != x { // NaN is left out of min/max
					continue
				}
				nonNaN = true
				if minV == nil || x < minV.(float64) {
					minV = v
				}
				if maxV == nil || x > maxV.(float64) {
					maxV = v
				}
			default:
				s := v.(string)
				size += 4 + len(s)
				if minV == nil || s < minV.(string) {
					minV = v
				}
				if maxV == nil || s > maxV.(string) {
					maxV = v
				}
			}
		}
		var flag uint8
		switch {
		case !nonNull:
			flag = pqNullPage
		case kind == stdlib.Float && !nonNaN:
			flag = pqNaNPage
		}
		p := layout.NewDataPage()
		p.Schema, p.Path, p.Info, p.CompressType, p.PageSize = el, f.paths[c], f.infos[c], w.codec, pqPageBytes
		p.DataTable = &layout.Table{
			RepetitionType:     parquet.FieldRepetitionType_OPTIONAL,
			Schema:             el,
			Path:               f.paths[c],
			MaxDefinitionLevel: 1,
			Values:             vals[lo:hi],
			DefinitionLevels:   defs[lo:hi],
			RepetitionLevels:   w.zeros[:hi-lo],
			Info:               f.infos[c],
		}
		if kind == stdlib.String || kind == stdlib.Any {
			minV, maxV = pqClone(minV), pqClone(maxV)
		}
		p.MinVal, p.MaxVal = minV, maxV
		nc := nulls
		p.NullCount = &nc
		p.DataPageCompress(w.codec)
		p.DataTable = nil
		f.pw.PagesMapBuf[f.keys[c]] = append(f.pw.PagesMapBuf[f.keys[c]], p)
		f.pw.Size += int64(len(p.RawData))
		f.flags[c] = append(f.flags[c], flag)
		lo = hi
	}
}

// pqClone copies a string statistic out of the batch it points into.
func pqClone(v any) any {
	if s, ok := v.(string); ok {
		return strings.Clone(s)
	}
	return v
}

// endGroup writes the pages gathered so far as one row group, and fixes
// the page index parquet-go writes for it: pages with only nulls are
// marked as null pages, and pages with only NaN get NaN bounds.
func (w *pqWriter) endGroup(f *pqFile) error {
	before := len(f.pw.ColumnIndexes)
	if err := f.pw.Flush(true); err != nil {
		return err
	}
	added := f.pw.ColumnIndexes[before:]
	if len(added) == len(w.cols) {
		nan := binary.LittleEndian.AppendUint64(nil, math.Float64bits(math.NaN()))
		for c, ci := range added {
			flags := f.flags[c]
			if len(flags) != len(ci.NullPages) {
				continue
			}
			for l, fl := range flags {
				switch fl {
				case pqNullPage:
					ci.NullPages[l] = true
					ci.MinValues[l], ci.MaxValues[l] = []byte{}, []byte{}
				case pqNaNPage:
					ci.MinValues[l], ci.MaxValues[l] = nan, nan
				}
			}
		}
	}
	for c := range f.flags {
		f.flags[c] = f.flags[c][:0]
	}
	f.rows = 0
	return nil
}

// OutputPath is the sink's path as declared (placeholders unexpanded).
func (s *parquetSink) OutputPath() string { return s.path }
