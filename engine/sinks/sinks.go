// Package sinks owns the outputs records are written to. Every sink type
// decodes its own block body against its own schema, so adding a sink
// touches no other sink. Encoding runs in the engine's workers (in
// parallel); writing runs in one goroutine per sink, in time order.
package sinks

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/scenhq/scen/engine/rec"
	"github.com/scenhq/scen/stdlib"
	"github.com/zclconf/go-cty/cty"
)

// Decl is what a sink type sees of its block.
type Decl struct {
	Name      string
	Type      string
	Stream    *rec.Stream
	Body      hcl.Body // the block body minus type and stream
	DeclRange hcl.Range
	Loc       *time.Location
}

// RunInfo is fixed for one run.
type RunInfo struct {
	OutDir string
	Shard  int // 0-based
	Shards int // 1 when not sharded
	RunID  string
	// Ctx is the run's: a sink that connects somewhere gives up when it
	// is done (an interrupt, --timeout). nil is context.Background().
	Ctx context.Context
	// GiveUp is closed when the caller stops waiting for brokers and
	// databases to confirm what they were sent (a second interrupt): a
	// delivering sink's Close then returns soon, counting what was not
	// confirmed as undelivered. nil: wait as long as the sink's own
	// timeouts allow.
	GiveUp <-chan struct{}
	// Files are the files the run's sinks write, claimed as each is
	// created: two sinks whose path templates make one file name (ev-{{day}}
	// and ev-01, ev.jsonl split into parts and ev-{{part}}) fail the run
	// instead of one overwriting the other. nil: not checked.
	Files *FileClaims
}

// FileClaims records which sink creates each file of a run.
type FileClaims struct {
	mu   sync.Mutex
	m    map[string]any
	dirs map[string]bool // the directories the claimed files are in, up to the top
}

// claim notes that owner creates path; another owner's claim of it is an
// error.
func (fc *FileClaims) claim(path string, owner any) error {
	if fc == nil {
		return nil
	}
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if fc.m == nil {
		fc.m, fc.dirs = map[string]any{}, map[string]bool{}
	}
	p := filepath.Clean(path)
	if o, ok := fc.m[p]; ok && o != owner {
		return fmt.Errorf("another sink of this run writes %s too: their paths make the same file name (give each sink its own path)", path)
	}
	if fc.dirs[p] {
		return fmt.Errorf("%s is a directory of another sink's files: a file cannot be written there (give each sink its own path)", path)
	}
	for d := filepath.Dir(p); d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, ok := fc.m[d]; ok {
			return fmt.Errorf("%s would be inside %s, another sink's file (give each sink its own path)", path, d)
		}
	}
	fc.m[p] = owner
	for d := filepath.Dir(p); d != filepath.Dir(d) && !fc.dirs[d]; d = filepath.Dir(d) {
		fc.dirs[d] = true
	}
	return nil
}

// context is the run's context (Background when none was given).
func (ri RunInfo) context() context.Context {
	if ri.Ctx == nil {
		return context.Background()
	}
	return ri.Ctx
}

// Result is what a sink delivered.
type Result struct {
	Records int64
	Bytes   int64
	Files   []string
}

// Targeter is implemented by sinks that write no file (a broker, a
// database): Target names where their records went, for the run's
// summary ("topic events", "table public.events").
type Targeter interface {
	Target() string
}

// Encoder turns records into the sink's bytes. Each worker owns one.
type Encoder interface {
	Encode(dst []byte, r *rec.Record) []byte
}

// Sink is a configured output.
type Sink interface {
	// Describe says in words where records go (for `scen plan`).
	Describe() string
	// NewEncoder returns an encoder for one worker.
	NewEncoder(tf *stdlib.TimeFormatter) Encoder
	// Open prepares the output. Nothing is visible under a final name
	// until Close succeeds.
	Open(ri RunInfo) error
	// Write receives one encoded record, in (time, actor) order.
	Write(ts int64, b []byte) error
	// Close flushes and publishes the output.
	Close() (Result, error)
	// Abort discards everything not yet published.
	Abort()
}

// FileOutput is implemented by sinks that write files under the output
// directory: two such sinks must not declare one path.
type FileOutput interface {
	OutputPath() string
}

// RunWriter is implemented by sinks that can take several consecutive
// records of one stream in one call: n records in (time, actor) order, the
// first at time first and the last at time last, concatenated in b.
// WriteRun returns false, having written nothing, when the run has to go
// record by record through Write (it would cross a file boundary).
type RunWriter interface {
	WriteRun(first, last int64, n int, b []byte) (bool, error)
}

// DirectWriter is implemented by sinks whose current file the merge may
// append runs of records to itself. With two workers a run handed to
// WriteRun is one or two records, and the call through the interface, its
// checks of the file's time partition and rotation, and the file's own
// checks cost more than the copy (recipe: about 240 instructions a run
// around a memmove of 1.2 KB; session 36). Lend hands the merge the file's
// buffer with the limits WriteRun would check; the merge appends runs that
// fit them and gives the buffer back (Return) before any other call to the
// sink, when the buffer is full, and when it ends.
type DirectWriter interface {
	// Lend fills d. When the sink cannot lend (no file open, files by
	// field), d takes no record: d.Until is math.MinInt64.
	Lend(d *Direct)
	// Return takes back what Lend gave, with the records the merge
	// appended, and hands the buffer to the file's writer when it is full.
	// It does nothing when d holds no loan.
	Return(d *Direct) error
}

// Direct is a file's buffer lent to the merge (DirectWriter). A run of n
// records whose last one comes before Until may be appended to Buf when
// n <= Rows, len(run) <= Bytes and the run fits Buf's capacity; Rows and
// Bytes then go down by n and len(run). Once len(Buf) >= Full the buffer
// goes back (Return) and a new loan is taken.
type Direct struct {
	Buf   []byte
	Until int64
	Rows  int64
	Bytes int64
	Full  int

	lent  bool
	rows0 int64 // Rows when lent
	len0  int   // len(Buf) when lent
}

// Delivering is implemented by sinks whose records leave the process as
// they are written (brokers, databases): they cannot be unpublished, so on
// an interrupt the engine closes them (flushing what is buffered and
// reporting what was delivered) instead of aborting.
type Delivering interface {
	Delivering() bool
}

// NoNUL is implemented by sinks whose text cannot hold a NUL character
// and must be UTF-8 (PostgreSQL's): the engine checks, for the emits of
// their stream only, that no string value (or nested key) holds a NUL
// character or a byte that is not UTF-8, at compile time for a constant and
// before the record is encoded at run time, so that other sinks pay
// nothing for it. NoNUL says what the sink writes to ("PostgreSQL").
type NoNUL interface {
	NoNUL() string
}

// Streaming is implemented by sinks that are read as they are written
// (standard output, often a pipe into another tool). A paced run
// (--speed, --rate) calls FlushNow whenever it is about to wait for the
// wall clock, so that each record reaches the reader when it is due, not
// when a buffer fills; an --interval boundary does too.
type Streaming interface {
	FlushNow() error
}

// Type describes a sink type for the registry and the docs.
type Type struct {
	Name string
	Doc  string
	// Attrs documents the type's own attributes ("name: meaning").
	Attrs []string
	New   func(d Decl) (Sink, hcl.Diagnostics)
}

// Registry holds the sink types.
type Registry struct {
	types map[string]*Type
}

// NewRegistry returns the built-in sink types.
func NewRegistry() *Registry {
	r := &Registry{types: map[string]*Type{}}
	for _, t := range []*Type{
		jsonlType(),
		csvType(),
		stdoutType(),
		kafkaType(),
		parquetType(),
		postgresType(),
	} {
		r.types[t.Name] = t
	}
	return r
}

// Lookup finds a sink type.
func (r *Registry) Lookup(name string) (*Type, bool) {
	t, ok := r.types[name]
	return t, ok
}

// Names lists the type names, sorted.
func (r *Registry) Names() []string {
	out := make([]string, 0, len(r.types))
	for n := range r.types {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// SourceError pins a sink's failure at run time to the part of its block
// it concerns (the table of a table that does not exist, the brokers of a
// broker that cannot be reached), so that the CLI can show the scenario's
// line as it shows a diagnostic's. Its text is the wrapped error's.
type SourceError struct {
	Subject hcl.Range
	Err     error
}

func (e *SourceError) Error() string { return e.Err.Error() }
func (e *SourceError) Unwrap() error { return e.Err }

// At pins err to r, unless err is nil, is pinned already, or r is unknown
// (a sink built without a source).
func At(r hcl.Range, err error) error {
	var se *SourceError
	if err == nil || r.Filename == "" || errors.As(err, &se) {
		return err
	}
	return &SourceError{Subject: r, Err: err}
}

func diag(r hcl.Range, summary, format string, a ...any) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: fmt.Sprintf(format, a...), Subject: r.Ptr()}
}

// gotOf says what an attribute's expression is, for the end of a message
// that says what it must be (", got the number 3"): its value, when it
// is a constant (a literal or a variable's value, var.t), by type and,
// for a number, a bool or a string, the value itself; a list or an object
// by its type only (it may hold a secret meant for another attribute).
func gotOf(e hcl.Expression) string {
	v, ds := e.Value(nil)
	switch {
	case ds.HasErrors() || !v.IsWhollyKnown():
		return ", got an expression whose value is not known before the run (a sink's settings are literals or variables, var.NAME)"
	case v.IsNull():
		return ", got null"
	}
	switch t := v.Type(); {
	case t == cty.Number:
		return ", got the number " + v.AsBigFloat().Text('g', -1)
	case t == cty.Bool:
		return fmt.Sprintf(", got the bool %t", v.True())
	case t == cty.String:
		return fmt.Sprintf(", got the string %q", v.AsString())
	case t.IsListType() || t.IsTupleType() || t.IsSetType():
		return ", got a list"
	case t.IsObjectType() || t.IsMapType():
		return ", got an object"
	}
	return ", got " + v.Type().FriendlyName()
}
