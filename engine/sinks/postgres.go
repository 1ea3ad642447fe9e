package sinks

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/scenhq/scen/engine/rec"
	"github.com/scenhq/scen/stdlib"
	"github.com/zclconf/go-cty/cty"
)

// Timeouts of the postgres sink. Variables so that tests can shorten them.
var (
	// pgOpenTimeout bounds connecting and preparing the table in Open.
	pgOpenTimeout = 15 * time.Second
	// pgAbortWait bounds how long Abort waits for the writer goroutine.
	pgAbortWait = 5 * time.Second
)

const (
	pgDefaultBatchRows = 50000
	// pgChunkBytes is how much COPY data the merging goroutine collects
	// before handing it to the writer goroutine.
	pgChunkBytes = 256 << 10
	pgMaxIdent   = 63 // NAMEDATALEN-1: PostgreSQL silently truncates longer names
	pgStageTable = "scen_stage"
)

var pgConflictModes = []string{"error", "skip"}

// pgSpec is a decoded postgres sink block.
type pgSpec struct {
	table       pgx.Identifier // [schema,] table
	dsn         string         // literal connection string, "" to use the environment
	passwordEnv string
	createTable bool
	batchRows   int64
	skip        bool
	truncate    bool
	// Where failures at run time point: the table's (missing, lacking a
	// column, a row it refuses), the dsn's (cannot connect), password_env's.
	tableAt, dsnAt, passwordEnvAt, truncateAt, onConflictAt hcl.Range
}

func postgresType() *Type {
	return &Type{
		Name: "postgres",
		Doc: "Loads the stream into a PostgreSQL table with pgx, by COPY: one row per record, one column per " +
			"top-level field of the stream (the union of its emits' fields; NULL where an emit lacks the field or " +
			"its value is null). Records are sent in batches of batch_rows; each batch is one COPY in one " +
			"transaction, so a failure leaves every earlier batch committed, rolls back the failed one and " +
			"writes nothing after it; the error says how many rows were committed and how many were not. " +
			"Without truncate, a run that is interrupted or fails elsewhere still commits the open batch and reports the rows kept " +
			"(a second interrupt, or 5 s past --timeout, stops waiting for it: the batch is abandoned and rolled back by the server); " +
			"only a run that never started (another sink could not be opened) rolls it back. Columns are typed from the " +
			"fields' static types: int → bigint, float → double precision, bool → boolean, string → text, " +
			"time → timestamptz, duration → bigint (milliseconds; an existing interval column gets the same length as an interval), anything else (nested objects and lists, " +
			"json(...) fields, fields whose emits disagree on the type or are only ever null) → jsonb holding the " +
			"value's JSON text, with times in the scenario's zone. PostgreSQL text (and jsonb) cannot hold a NUL " +
			"character (\\u0000) and must be UTF-8: a constant field that holds a NUL character or bytes that are not UTF-8 " +
			"(a Latin-1 Parquet string column, say), at any depth or in a nested key, is a compile-time " +
			"error, and a value drawn at run time that holds one stops the run with an error at its field before the " +
			"record is sent (other sinks write such strings as they are, or, in JSON, with \\ufffd). Times are sent as RFC 3339 with the scenario " +
			"zone's offset, so timestamptz holds the exact instant; an existing timestamp (without time zone) " +
			"column gets the time of day in the scenario's zone, as PostgreSQL drops the offset. The connection string comes " +
			"from dsn, or else from the environment variable PGDSN or DATABASE_URL, or else from libpq's PGHOST, " +
			"PGUSER, … variables. A password never appears in the scenario: it comes from PGPASSWORD, ~/.pgpass, " +
			"the environment variable named by password_env, or a PGDSN/DATABASE_URL set in the environment, and " +
			"is never printed. Close reports the rows inserted (with on_conflict = \"skip\", rows that conflicted " +
			"are not counted); with --interval each interval boundary commits the open batch (with truncate = true it only sends it). " +
			"An existing table's column types are checked against the fields' when the run starts: one that cannot take a field's " +
			"values (boolean for an int, an integer type for a float, jsonb for a time) is an error at table before any row.",
		Attrs: []string{
			`table: the table to load (required): "events" or "schema.events". Each part is quoted as given, ` +
				"so the name is case-sensitive; at most 63 bytes per part",
			"dsn: libpq connection string (\"host=db port=5432 dbname=app user=loader\" or " +
				"\"postgres://loader@db:5432/app\"); must not contain a password. Default: $PGDSN, then $DATABASE_URL",
			"password_env: name of the environment variable that holds the password (default: libpq's PGPASSWORD " +
				"and ~/.pgpass)",
			"create_table: create the table if it does not exist, typed from the stream (default false)",
			fmt.Sprintf("batch_rows: rows per COPY and transaction (default %d)", pgDefaultBatchRows),
			`on_conflict: "error" (default: a unique violation fails the run) or "skip" (each batch is copied ` +
				"into a temporary table and inserted with ON CONFLICT DO NOTHING; the table needs a primary key, " +
				"unique index or exclusion constraint, which create_table does not make: without one the run stops before loading, as " +
				"nothing would be skipped)",
			"truncate: empty the table first (default false). The TRUNCATE and every batch then run in one transaction, " +
				"committed when the run has written everything: a run that fails or is interrupted (or a --interval boundary) commits nothing, " +
				"so the table keeps its old rows until the new ones replace them all at once. Refused with --shard i/N, where every shard " +
				"would empty what the others had loaded (empty the table once before the shards start)",
		},
		New: newPostgresSink,
	}
}

func newPostgresSink(d Decl) (Sink, hcl.Diagnostics) {
	content, diags := d.Body.Content(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "table", Required: true}, {Name: "dsn"}, {Name: "password_env"}, {Name: "create_table"},
		{Name: "batch_rows"}, {Name: "on_conflict"}, {Name: "truncate"}}})
	sp := pgSpec{batchRows: pgDefaultBatchRows}
	str := func(name string) (string, hcl.Range, bool) {
		a, ok := content.Attributes[name]
		if !ok {
			return "", hcl.Range{}, false
		}
		v, ds := a.Expr.Value(nil)
		if ds.HasErrors() || v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
			diags = append(diags, diag(a.Expr.Range(), "Invalid "+name, "%s must be a string%s.", name, gotOf(a.Expr)))
			return "", a.Expr.Range(), false
		}
		return v.AsString(), a.Expr.Range(), true
	}
	boolean := func(name string) bool {
		a, ok := content.Attributes[name]
		if !ok {
			return false
		}
		v, ds := a.Expr.Value(nil)
		if ds.HasErrors() || v.IsNull() || !v.IsKnown() || v.Type() != cty.Bool {
			diags = append(diags, diag(a.Expr.Range(), "Invalid "+name, "%s must be true or false%s.", name, gotOf(a.Expr)))
			return false
		}
		return v.True()
	}
	if t, r, ok := str("table"); ok {
		sp.tableAt = r
		ident, problem := pgParseTable(t)
		if problem != "" {
			diags = append(diags, diag(r, "Invalid table name", "%s", problem))
		} else {
			sp.table = ident
			if w := pgCaseWarning(ident); w != "" {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Table name is case-sensitive",
					Detail: w, Subject: r.Ptr()})
			}
		}
	}
	if dsn, r, ok := str("dsn"); ok {
		sp.dsnAt = r
		if problem := pgCheckDSN(dsn); problem != "" {
			diags = append(diags, diag(r, "Invalid dsn", "%s", problem))
		} else {
			sp.dsn = dsn
		}
	}
	if env, r, ok := str("password_env"); ok {
		sp.passwordEnvAt = r
		if !pgEnvName.MatchString(env) {
			diags = append(diags, diag(r, "Invalid password_env",
				"password_env is the name of an environment variable (letters, digits and _, not starting with a digit), "+
					"such as \"SCEN_PG_PASSWORD\"; the password itself never goes into the scenario."))
		} else {
			sp.passwordEnv = env
		}
	}
	sp.createTable = boolean("create_table")
	sp.truncate = boolean("truncate")
	if a, ok := content.Attributes["truncate"]; ok {
		sp.truncateAt = a.Expr.Range()
	}
	if a, ok := content.Attributes["batch_rows"]; ok {
		if n, ok := rcPositiveInt(a.Expr); ok {
			sp.batchRows = n
		} else {
			diags = append(diags, diag(a.Expr.Range(), "Invalid batch_rows", "batch_rows must be a positive whole number%s.", gotOf(a.Expr)))
		}
	}
	if m, r, ok := str("on_conflict"); ok {
		switch m {
		case "error":
		case "skip":
			sp.skip, sp.onConflictAt = true, r
		default:
			diags = append(diags, diag(r, "Invalid on_conflict", "on_conflict is one of %s, not %q.%s",
				rcQuoteList(pgConflictModes), m, rcSuggest(m, pgConflictModes)))
		}
	}
	if len(d.Stream.Columns) == 0 {
		diags = append(diags, diag(d.DeclRange, "Empty stream", "Stream %q has no fields, so there is no column to load.", d.Stream.Name))
	}
	for _, c := range d.Stream.Columns {
		if len(c.Name) > pgMaxIdent {
			diags = append(diags, diag(d.DeclRange, "Column name too long",
				"Field %q of stream %q is %d bytes long; PostgreSQL names hold at most %d bytes (longer ones are cut), so rename the field.",
				c.Name, d.Stream.Name, len(c.Name), pgMaxIdent))
		} else if strings.ContainsRune(c.Name, 0) {
			diags = append(diags, diag(d.DeclRange, "Invalid column name", "Field %q of stream %q contains a NUL character, which PostgreSQL names cannot hold.", c.Name, d.Stream.Name))
		} else if !utf8.ValidString(c.Name) {
			diags = append(diags, diag(d.DeclRange, "Invalid column name", "Field %q of stream %q is not valid UTF-8, which PostgreSQL names must be.", c.Name, d.Stream.Name))
		}
	}
	if diags.HasErrors() {
		return nil, diags
	}
	s := &postgresSink{spec: sp, stream: d.Stream, kinds: columnKinds(d.Stream)}
	s.qtable = sp.table.Sanitize()
	cols := make([]string, len(d.Stream.Columns))
	for i, c := range d.Stream.Columns {
		cols[i] = pgx.Identifier{c.Name}.Sanitize()
	}
	s.qcols = strings.Join(cols, ", ")
	if sp.skip {
		s.copySQL = fmt.Sprintf("COPY %s (%s) FROM STDIN", pgStageTable, s.qcols)
	} else {
		s.copySQL = fmt.Sprintf("COPY %s (%s) FROM STDIN", s.qtable, s.qcols)
	}
	return s, diags
}

var pgEnvName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// pgParseTable splits "table" or "schema.table" and checks each part.
func pgParseTable(t string) (pgx.Identifier, string) {
	const allowed = `table is "name" or "schema.name"; each part is 1 to 63 bytes of UTF-8 without control characters ` +
		`and is quoted as given (so it is case-sensitive and may hold spaces or dashes).`
	parts := strings.Split(t, ".")
	if len(parts) > 2 {
		return nil, fmt.Sprintf("%q has %d dot-separated parts; %s", t, len(parts), allowed)
	}
	for _, p := range parts {
		switch {
		case p == "":
			return nil, fmt.Sprintf("%q has an empty part; %s", t, allowed)
		case len(p) > pgMaxIdent:
			return nil, fmt.Sprintf("%q is %d bytes long, and PostgreSQL would cut it to %d; %s", p, len(p), pgMaxIdent, allowed)
		case !utf8.ValidString(p):
			return nil, fmt.Sprintf("%q is not valid UTF-8; %s", p, allowed)
		}
		for _, r := range p {
			if r < 0x20 || r == 0x7f {
				return nil, fmt.Sprintf("%q contains the control character %U; %s", p, r, allowed)
			}
		}
	}
	return pgx.Identifier(parts), ""
}

// pgCaseWarning warns when a quoted name differs from what PostgreSQL
// makes of the same name unquoted.
func pgCaseWarning(id pgx.Identifier) string {
	for _, p := range id {
		if strings.ToLower(p) != p {
			return fmt.Sprintf("scen quotes %s, so it names a table or schema with capital letters; a table created "+
				"with CREATE TABLE %s (unquoted) is called %s. Write the name in lower case unless the capitals are intended.",
				id.Sanitize(), strings.Join(id, "."), strings.ToLower(strings.Join(id, ".")))
		}
	}
	return ""
}

// pgCheckDSN rejects a connection string that holds a secret. It never
// quotes the string back: it may hold one.
func pgCheckDSN(dsn string) string {
	const where = "Passwords stay out of scenario files and of --var values (the run's manifest records those): set PGPASSWORD, use ~/.pgpass, name an environment " +
		"variable with password_env, or put the whole connection string in the environment (PGDSN or DATABASE_URL)."
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "dsn is not a valid connection URI. " + where
		}
		if _, set := u.User.Password(); set {
			return "dsn contains a password (user:password@). " + where
		}
		for k := range u.Query() {
			if k == "password" || k == "sslpassword" {
				return fmt.Sprintf("dsn contains a password (the %s parameter). %s", k, where)
			}
		}
		return ""
	}
	keys, ok := pgDSNKeys(dsn)
	if !ok {
		return `dsn is neither a connection URI ("postgres://user@host:5432/db") nor key=value pairs ("host=db dbname=app user=loader").`
	}
	for _, k := range keys {
		if k == "password" || k == "sslpassword" {
			return fmt.Sprintf("dsn contains a password (the %s key). %s", k, where)
		}
	}
	return ""
}

// pgDSNKeys returns the keys of a libpq key=value connection string.
func pgDSNKeys(s string) ([]string, bool) {
	var keys []string
	i := 0
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
			i++
		}
		if i == len(s) {
			return keys, true
		}
		k := i
		for i < len(s) && s[i] != '=' && s[i] != ' ' && s[i] != '\t' {
			i++
		}
		key := s[k:i]
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if key == "" || i == len(s) || s[i] != '=' {
			return nil, false
		}
		i++
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i < len(s) && s[i] == '\'' {
			i++
			for i < len(s) && s[i] != '\'' {
				if s[i] == '\\' {
					i++
				}
				i++
			}
			if i >= len(s) {
				return nil, false
			}
			i++
		} else {
			for i < len(s) && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r' {
				if s[i] == '\\' {
					i++
				}
				i++
			}
		}
		keys = append(keys, key)
	}
}

// postgresSink loads records into a table. The merging goroutine only
// appends COPY rows to a buffer; a writer goroutine streams the buffers
// into COPY, batch by batch, and commits.
type postgresSink struct {
	spec    pgSpec
	stream  *rec.Stream
	kinds   []stdlib.Kind
	qtable  string // quoted table name
	qcols   string // quoted column list
	copySQL string
	// interval marks the columns of the table (by stream column) whose
	// type is interval: a duration is written there as "N ms", where a
	// bare number would be read as seconds. Set by Open, before any
	// encoder is made.
	interval []bool

	// state of the merging goroutine, reset by Open
	run     *pgRun // nil when not open
	secrets []string
	cur     []byte
	curRows int64 // rows in cur
	batchN  int64 // rows in the open batch, sent or not
	handed  int64 // rows given to Write
	ends    int64 // batches closed (end messages sent)
	bytes   int64
	err     error
	closed  bool
	final   Result // after Close
	batches int64  // committed batches, after Close
}

// pgRun is one run's connection and writer goroutine. The goroutine owns
// the connection until it ends (done).
type pgRun struct {
	s      *postgresSink // configuration only
	conn   *pgx.Conn
	ctx    context.Context
	cancel context.CancelFunc
	in     chan pgMsg
	free   chan []byte
	failed chan error
	stop   chan struct{}
	done   chan struct{}

	committed atomic.Int64 // rows of the run in committed batches
	inserted  atomic.Int64 // rows inserted by committed batches
	batches   atomic.Int64 // committed batches
	werr      error        // the goroutine's error (read after failed or done)
	truncated bool         // the goroutine has committed TRUNCATE
	// With truncate = true the whole run is one transaction (inTx once
	// it has begun); the batches copied in it are counted here until
	// its COMMIT.
	inTx                          bool
	txRows, txInserted, txBatches int64

	stopOnce sync.Once // closes stop (Abort, or giving up)
	// ended is how the writer stopped first: 0 it has not, pgFailed it
	// failed on its own (a database error), pgGaveUp it was halted by
	// RunInfo.GiveUp while the run waited. Only the first counts: an
	// error the writer met before the caller gave up is the run's error.
	ended      atomic.Int32
	committing atomic.Bool // a COMMIT is under way
}

const (
	pgFailed int32 = 1 + iota
	pgGaveUp
)

// gaveUp reports whether giving up stopped the writer (and not an error
// of its own before that).
func (r *pgRun) gaveUp() bool { return r.ended.Load() == pgGaveUp }

// halt stops the writer: COPY reads no more, the statement in progress
// is interrupted (the connection is closed under it), and the open
// transaction rolls back.
func (r *pgRun) halt() {
	r.stopOnce.Do(func() { close(r.stop) })
	r.cancel()
}

// watchGiveUp halts the writer when the caller stops waiting (a second
// interrupt): a table locked by another session, or a database that has
// stopped answering, would otherwise hold Close, Flush or a Write whose
// batch cannot be handed over, with no way out.
func (r *pgRun) watchGiveUp(giveUp <-chan struct{}) {
	select {
	case <-giveUp:
		r.ended.CompareAndSwap(0, pgGaveUp)
		r.halt()
	case <-r.ctx.Done():
	}
}

// pgMsg is COPY data for the writer goroutine; end closes the batch, and
// ack, when set, receives the batch's outcome.
type pgMsg struct {
	data []byte
	rows int64
	end  bool
	ack  chan error
	// commit ends the run's one transaction (truncate = true).
	commit bool
}

func (s *postgresSink) where() string { return "table " + s.qtable }

// Target implements Targeter: the table as the scenario names it.
func (s *postgresSink) Target() string { return "table " + strings.Join(s.spec.table, ".") }

func (s *postgresSink) Describe() string {
	src := "the connection from PGDSN, DATABASE_URL or the PG* variables"
	if s.spec.dsn != "" {
		src = pgDescribeDSN(s.spec.dsn)
	}
	d := fmt.Sprintf("postgres %s on %s, COPY in batches of %d rows", s.where(), src, s.spec.batchRows)
	if s.spec.createTable {
		d += ", created if missing"
	}
	if s.spec.truncate {
		d += ", truncated first, all in one transaction"
	}
	if s.spec.skip {
		d += ", conflicting rows skipped"
	}
	return d
}

// pgDescribeDSN names the server and database of a literal connection
// string (which holds no password; the compiler checked).
func pgDescribeDSN(dsn string) string {
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		return "the dsn given"
	}
	return fmt.Sprintf("%s:%d/%s", cfg.Host, cfg.Port, cfg.Database)
}

func (s *postgresSink) NewEncoder(tf *stdlib.TimeFormatter) Encoder {
	return &pgEncoder{m: newColumnMapper(s.stream, tf), interval: s.interval}
}

// connString picks the connection string and says where it came from.
func (s *postgresSink) connString() (string, string) {
	if s.spec.dsn != "" {
		return s.spec.dsn, "dsn"
	}
	for _, env := range []string{"PGDSN", "DATABASE_URL"} {
		if v := os.Getenv(env); v != "" {
			return v, "$" + env
		}
	}
	return "", "the PG* environment variables"
}

func (s *postgresSink) Open(ri RunInfo) error {
	err := s.open(ri)
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err // the run's interrupt or time limit, not the sink's
	}
	return At(s.openAt(err), err)
}

// openAt is the part of the block an error of Open concerns.
func (s *postgresSink) openAt(err error) hcl.Range {
	var ce *pgConnectError
	var te *pgTruncateError
	var ke *pgNoKeyError
	switch {
	case errors.As(err, &te):
		return s.spec.truncateAt
	case errors.As(err, &ke):
		return s.spec.onConflictAt
	case errors.As(err, &ce):
		if _, from := s.connString(); from == "dsn" {
			return s.spec.dsnAt
		}
		return hcl.Range{} // the environment's connection string: the whole block
	case s.spec.passwordEnv != "" && os.Getenv(s.spec.passwordEnv) == "":
		return s.spec.passwordEnvAt
	}
	return s.spec.tableAt
}

// pgNoKeyError is on_conflict = "skip" on a table without a unique key:
// no row could ever conflict, so every duplicate would be loaded.
type pgNoKeyError struct{ err error }

func (e *pgNoKeyError) Error() string { return e.err.Error() }
func (e *pgNoKeyError) Unwrap() error { return e.err }

// pgTruncateError is truncate = true refused for a sharded run.
type pgTruncateError struct{ err error }

func (e *pgTruncateError) Error() string { return e.err.Error() }
func (e *pgTruncateError) Unwrap() error { return e.err }

// pgConnectError is an error of parsing the connection string or of
// connecting: one the dsn (or the environment) is to blame for.
type pgConnectError struct{ err error }

func (e *pgConnectError) Error() string { return e.err.Error() }
func (e *pgConnectError) Unwrap() error { return e.err }

func (s *postgresSink) open(ri RunInfo) error {
	if s.run != nil {
		return errors.New("postgres sink: already open")
	}
	if s.spec.truncate && ri.Shards > 1 {
		// Shards run at the same time: each would empty the table of
		// what the others had loaded.
		return &pgTruncateError{fmt.Errorf("postgres sink: truncate = true cannot be used with --shard %d/%d: every shard "+
			"would empty %s of the rows the others had loaded; empty it once before the shards start, and run them without truncate",
			ri.Shard, ri.Shards, s.where())}
	}
	s.closed, s.err, s.final, s.batches = false, nil, Result{}, 0
	s.handed, s.ends, s.bytes, s.batchN, s.curRows = 0, 0, 0, 0, 0
	s.secrets = nil
	if pw := os.Getenv("PGPASSWORD"); pw != "" {
		s.secrets = append(s.secrets, pw)
	}
	dsn, from := s.connString()
	s.secrets = append(s.secrets, pgDSNSecrets(dsn)...)
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		// pgx's message quotes the connection string, masking passwords
		// on a best-effort basis; this one leaves it out.
		msg := err.Error()
		if i := strings.LastIndex(msg, "`: "); strings.HasPrefix(msg, "cannot parse `") && i > 0 {
			msg = msg[i+3:]
		} else {
			msg = "invalid syntax"
		}
		return &pgConnectError{s.scrub(fmt.Errorf("postgres sink: the connection string from %s cannot be parsed: %s", from, msg))}
	}
	if cfg.Password != "" {
		s.secrets = append(s.secrets, cfg.Password)
	}
	if s.spec.passwordEnv != "" {
		pw := os.Getenv(s.spec.passwordEnv)
		if pw == "" {
			return fmt.Errorf("postgres sink: password_env names %s, which is not set or empty", s.spec.passwordEnv)
		}
		s.secrets = append(s.secrets, pw)
		cfg.Password = pw
	}
	r := &pgRun{s: s}
	r.ctx, r.cancel = context.WithCancel(context.Background())
	// Connecting gives up on the run's interrupt or time limit too.
	parent := ri.context()
	octx, ocancel := context.WithTimeout(parent, pgOpenTimeout)
	defer ocancel()
	conn, err := pgx.ConnectConfig(octx, cfg)
	if err != nil {
		r.cancel()
		if parent.Err() != nil {
			return context.Cause(parent)
		}
		if msg := pgUniqueLines(err.Error()); msg != err.Error() {
			return &pgConnectError{s.scrub(fmt.Errorf("postgres sink: cannot connect (connection from %s): %s", from, msg))}
		}
		return &pgConnectError{s.scrub(fmt.Errorf("postgres sink: cannot connect (connection from %s): %w", from, err))}
	}
	r.conn = conn
	if err := r.prepare(octx); err != nil {
		conn.Close(context.Background())
		r.cancel()
		if parent.Err() != nil {
			return context.Cause(parent)
		}
		return s.scrub(err)
	}
	r.in = make(chan pgMsg, 8)
	r.free = make(chan []byte, 10)
	r.failed = make(chan error, 1)
	r.stop = make(chan struct{})
	r.done = make(chan struct{})
	s.cur = make([]byte, 0, pgChunkBytes+pgChunkBytes/4)
	s.run = r
	go r.writer()
	if ri.GiveUp != nil {
		go r.watchGiveUp(ri.GiveUp)
	}
	return nil
}

// prepare creates the table if asked, checks that it has the stream's
// columns, and creates the staging table of on_conflict = "skip".
func (r *pgRun) prepare(ctx context.Context) error {
	s := r.s
	if s.spec.createTable {
		defs := make([]string, len(s.stream.Columns))
		for i, c := range s.stream.Columns {
			defs[i] = pgx.Identifier{c.Name}.Sanitize() + " " + pgTypeOf(s.kinds[i])
		}
		sql := fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s (\n  %s\n)", s.qtable, strings.Join(defs, ",\n  "))
		_, err := r.exec(ctx, sql)
		if pgCreatedMeanwhile(err) {
			// The other session has committed its table by now: IF NOT
			// EXISTS sees it. A type of that name that is not a table's
			// fails again, and is reported.
			_, err = r.exec(ctx, sql)
		}
		if err != nil {
			return fmt.Errorf("postgres sink: cannot create %s: %w", s.where(), err)
		}
	}
	// The column types come with the (empty) result.
	rows, err := r.conn.Query(ctx, fmt.Sprintf("SELECT %s FROM %s LIMIT 0", s.qcols, s.qtable), pgx.QueryExecModeSimpleProtocol)
	var fds []pgconn.FieldDescription
	if err == nil {
		fds = slices.Clone(rows.FieldDescriptions())
		rows.Close()
		err = rows.Err()
	}
	s.interval = nil
	if err == nil && len(fds) == len(s.stream.Columns) {
		for i, fd := range fds {
			if fd.DataTypeOID == pgtype.IntervalOID {
				if s.interval == nil {
					s.interval = make([]bool, len(s.stream.Columns))
				}
				s.interval[i] = true
			}
		}
	}
	if err == nil && len(fds) == len(s.stream.Columns) {
		for i, fd := range fds {
			if msg := pgTypeMismatch(s.stream.Columns[i].Type, s.kinds[i], fd.DataTypeOID); msg != "" {
				c := s.stream.Columns[i]
				return fmt.Errorf("postgres sink: column %s of %s is %s, which cannot hold field %q of stream %q (%s): %s",
					pgx.Identifier{c.Name}.Sanitize(), s.where(), pgOIDNames[fd.DataTypeOID], c.Name, s.stream.Name, c.Type, msg)
			}
		}
	}
	if err != nil {
		hint := ""
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "42P01" && !s.spec.createTable {
			hint = " (create it, or set create_table = true)"
		} else if errors.As(err, &pe) && pe.Code == "42703" {
			hint = " (the table lacks a column of the stream)"
		}
		return fmt.Errorf("postgres sink: %s cannot be loaded%s: %w", s.where(), hint, err)
	}
	if s.spec.skip {
		// ON CONFLICT DO NOTHING skips rows that violate a (valid)
		// unique index or an exclusion constraint; without one it skips
		// nothing.
		var keyed bool
		err := r.conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_index WHERE indrelid = $1::regclass AND indisunique AND indisvalid)"+
			" OR EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'x')", pgx.QueryExecModeSimpleProtocol,
			s.qtable).Scan(&keyed)
		if err != nil {
			return fmt.Errorf("postgres sink: cannot read the keys of %s: %w", s.where(), err)
		}
		if !keyed {
			made := ""
			if s.spec.createTable {
				made = " (create_table makes a table without one)"
			}
			return &pgNoKeyError{fmt.Errorf("postgres sink: on_conflict = \"skip\" skips rows that would break a unique key, "+
				"but %s has no primary key, unique index or exclusion constraint%s, so every duplicate would be loaded: add one "+
				"(ALTER TABLE %s ADD PRIMARY KEY (…)), or drop on_conflict", s.where(), made, s.qtable)}
		}
		sql := fmt.Sprintf("CREATE TEMP TABLE %s ON COMMIT DELETE ROWS AS SELECT %s FROM %s WITH NO DATA",
			pgStageTable, s.qcols, s.qtable)
		if _, err := r.exec(ctx, sql); err != nil {
			return fmt.Errorf("postgres sink: cannot create the staging table for on_conflict = \"skip\": %w", err)
		}
	}
	return nil
}

// pgOIDNames names the built-in scalar types whose input the sink knows:
// a column of another type (an enum, a domain's, an array) is not checked.
var pgOIDNames = map[uint32]string{
	pgtype.BoolOID: "boolean", pgtype.ByteaOID: "bytea", pgtype.NameOID: "name", pgtype.Int8OID: "bigint",
	pgtype.Int2OID: "smallint", pgtype.Int4OID: "integer", pgtype.TextOID: "text", pgtype.OIDOID: "oid",
	pgtype.JSONOID: "json", pgtype.Float4OID: "real", pgtype.Float8OID: "double precision", pgtype.BPCharOID: "character",
	pgtype.VarcharOID: "character varying", pgtype.DateOID: "date", pgtype.TimeOID: "time", pgtype.TimestampOID: "timestamp",
	pgtype.TimestamptzOID: "timestamptz", pgtype.IntervalOID: "interval", pgtype.TimetzOID: "timetz",
	pgtype.NumericOID: "numeric", pgtype.UUIDOID: "uuid", pgtype.JSONBOID: "jsonb", pgtype.InetOID: "inet",
	pgtype.CIDROID: "cidr", pgtype.MacaddrOID: "macaddr", pgtype.XMLOID: "xml",
}

// pgTypeMismatch says why a column of the built-in type oid cannot take
// the values of a field of type t (stored as kind k), or "" when it can
// (or when the sink cannot tell: a type it does not know, a field whose
// values are JSON text or only ever null). Text columns take everything.
func pgTypeMismatch(t, k stdlib.Kind, oid uint32) string {
	if _, known := pgOIDNames[oid]; !known || t == stdlib.Null || k == stdlib.Any {
		return ""
	}
	switch oid {
	case pgtype.TextOID, pgtype.VarcharOID, pgtype.BPCharOID, pgtype.NameOID, pgtype.ByteaOID:
		return ""
	}
	number := oid == pgtype.Int2OID || oid == pgtype.Int4OID || oid == pgtype.Int8OID || oid == pgtype.NumericOID ||
		oid == pgtype.Float4OID || oid == pgtype.Float8OID
	json := oid == pgtype.JSONOID || oid == pgtype.JSONBOID
	ok := false
	want := ""
	switch k {
	case stdlib.String:
		return "" // text parses into anything; a value that does not is the row's error
	case stdlib.Int:
		ok, want = number || json || oid == pgtype.OIDOID || oid == pgtype.IntervalOID, "bigint"
	case stdlib.Duration:
		ok, want = number || json || oid == pgtype.IntervalOID, "bigint (milliseconds) or interval"
	case stdlib.Float:
		if oid == pgtype.Int2OID || oid == pgtype.Int4OID || oid == pgtype.Int8OID {
			return "a float with a fraction does not fit an integer column: make the column double precision or numeric, or the field an int (int(x) drops the fraction, int(round(x)) rounds it)"
		}
		ok, want = number || json, "double precision"
	case stdlib.Bool:
		ok, want = oid == pgtype.BoolOID, "boolean"
	case stdlib.Time:
		ok, want = oid == pgtype.TimestamptzOID || oid == pgtype.TimestampOID || oid == pgtype.DateOID ||
			oid == pgtype.TimeOID || oid == pgtype.TimetzOID, "timestamptz"
	default:
		return ""
	}
	if ok {
		return ""
	}
	return fmt.Sprintf("COPY would fail at the first row; make the column %s (or text), or change the field", want)
}

// pgUniqueLines drops repeated lines from a message: pgx lists every
// attempt to connect, and with sslmode=prefer it tries each address twice
// (with TLS, then without), failing twice the same way.
func pgUniqueLines(msg string) string {
	lines := strings.Split(msg, "\n")
	seen := map[string]bool{}
	out := lines[:0]
	for _, l := range lines {
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// pgCreatedMeanwhile reports that CREATE TABLE IF NOT EXISTS may have lost
// a race with another session creating the same table (shards started
// together): PostgreSQL's check for the table and its creation are not
// atomic, and the loser fails on a catalog's unique index (23505), with
// duplicate_object for the table's row type (42710) or duplicate_table
// (42P07).
func pgCreatedMeanwhile(err error) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return false
	}
	return pe.Code == "42P07" || pe.Code == "42710" || pe.Code == "23505" && strings.HasPrefix(pe.ConstraintName, "pg_")
}

// pgTypeOf is the column type create_table uses for a storage kind.
func pgTypeOf(k stdlib.Kind) string {
	switch k {
	case stdlib.Int, stdlib.Duration:
		return "bigint"
	case stdlib.Float:
		return "double precision"
	case stdlib.Bool:
		return "boolean"
	case stdlib.String:
		return "text"
	case stdlib.Time:
		return "timestamptz"
	}
	return "jsonb"
}

// exec runs one statement with the simple protocol.
func (r *pgRun) exec(ctx context.Context, sql string) (pgconn.CommandTag, error) {
	res, err := r.conn.PgConn().Exec(ctx, sql).ReadAll()
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	if len(res) == 0 {
		return pgconn.CommandTag{}, nil
	}
	last := res[len(res)-1]
	return last.CommandTag, last.Err
}

var pgSecretPatterns = []*regexp.Regexp{
	regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://[^/?#@]*?:([^@/?#]*)@`), // user:password@
	regexp.MustCompile(`[?&](?:ssl)?password=([^&#]*)`),                    // ?password=
	regexp.MustCompile(`(?:ssl)?password\s*=\s*'((?:[^'\\]|\\.)*)'?`),      // password='…'
	regexp.MustCompile(`(?:ssl)?password\s*=\s*([^'\s]\S*)`),               // password=…
}

// pgDSNSecrets finds the passwords in a connection string, best effort
// (it may not parse), so that messages can be scrubbed of them.
func pgDSNSecrets(dsn string) []string {
	var out []string
	for _, re := range pgSecretPatterns {
		for _, m := range re.FindAllStringSubmatch(dsn, -1) {
			if m[1] == "" {
				continue
			}
			out = append(out, m[1])
			if u, err := url.PathUnescape(m[1]); err == nil && u != m[1] {
				out = append(out, u)
			}
		}
	}
	return out
}

// scrub removes every known password from err's message.
func (s *postgresSink) scrub(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	changed := false
	for _, sec := range s.secrets {
		for _, form := range []string{sec, url.QueryEscape(sec), url.PathEscape(sec)} {
			if form != "" && strings.Contains(msg, form) {
				msg = strings.ReplaceAll(msg, form, "********")
				changed = true
			}
		}
	}
	if !changed {
		return err
	}
	return errors.New(msg)
}

func (s *postgresSink) Write(ts int64, b []byte) error {
	if s.run == nil {
		return errors.New("postgres sink: not open")
	}
	if s.err != nil {
		return s.err
	}
	s.cur = append(s.cur, b...)
	s.curRows++
	s.batchN++
	s.handed++
	s.bytes += int64(len(b))
	if s.batchN >= s.spec.batchRows {
		return s.send(true, nil)
	}
	if len(s.cur) >= pgChunkBytes {
		return s.send(false, nil)
	}
	return nil
}

// send hands the buffered rows to the writer goroutine; end closes the batch.
func (s *postgresSink) send(end bool, ack chan error) error {
	if err := s.checkFailed(); err != nil {
		return err
	}
	r := s.run
	r.in <- pgMsg{data: s.cur, rows: s.curRows, end: end, ack: ack}
	select {
	case s.cur = <-r.free:
	default:
		s.cur = make([]byte, 0, pgChunkBytes+pgChunkBytes/4)
	}
	s.curRows = 0
	if end {
		s.batchN = 0
		s.ends++
	}
	return nil
}

// checkFailed returns the writer's error, once it has one.
func (s *postgresSink) checkFailed() error {
	if s.err != nil {
		return s.err
	}
	select {
	case err := <-s.run.failed:
		s.err = s.failure(err)
		return s.err
	default:
		return nil
	}
}

// failure describes the writer's error with what was and was not committed.
func (s *postgresSink) failure(cause error) error {
	c, b := s.run.committed.Load(), s.run.batches.Load()
	if s.spec.truncate && c == 0 {
		// One transaction for the run: it was rolled back (or abandoned,
		// and rolled back by the server).
		how := "rolled back"
		if s.run.gaveUp() {
			cause = errors.New("stopped waiting for the database to commit")
			how = "abandoned (the server rolls it back)"
			if s.run.committing.Load() {
				how = "abandoned; its COMMIT had been sent, so the server may have committed it all the same"
			}
		}
		return At(s.spec.tableAt, s.scrub(fmt.Errorf("postgres sink: %s: %w; with truncate = true the run loads in one transaction, which was %s: "+
			"none of the %d rows written so far were loaded and the table keeps its old rows", s.where(), cause, how, s.handed)))
	}
	if s.run.gaveUp() {
		maybe := ""
		if s.run.committing.Load() {
			maybe = "; its COMMIT had been sent, so the server may have committed it all the same"
		}
		return At(s.spec.tableAt, s.scrub(fmt.Errorf("postgres sink: %s: stopped waiting for the database to commit; "+
			"%d of the %d rows written so far were committed in %d %s and stay in the table, %d were not (the batch in flight was abandoned%s)",
			s.where(), c, s.handed, b, plural(b, "batch", "batches"), s.handed-c, maybe)))
	}
	return At(s.spec.tableAt, s.scrub(fmt.Errorf("postgres sink: %s: %w; %d of the %d rows written so far were committed in %d %s and stay "+
		"in the table, %d were not (the failed batch was rolled back, and nothing after it was sent)", s.where(), cause, c, s.handed, b, plural(b, "batch", "batches"), s.handed-c)))
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Flush commits the open batch and waits until everything written so far
// is committed (the engine calls it at --interval boundaries).
func (s *postgresSink) Flush() error {
	if s.run == nil {
		return errors.New("postgres sink: not open")
	}
	return s.sendAndWait()
}

// sendAndWait ends the open batch and waits until the writer has done
// everything sent so far.
func (s *postgresSink) sendAndWait() error {
	ack := make(chan error, 1)
	if err := s.send(true, ack); err != nil {
		return err
	}
	if err := <-ack; err != nil {
		s.err = s.failure(err)
		return s.err
	}
	return nil
}

func (s *postgresSink) Close() (Result, error) {
	r := s.run
	if r == nil {
		if s.closed {
			return s.final, nil
		}
		return Result{}, errors.New("postgres sink: not open")
	}
	err := s.checkFailed()
	// An empty run still truncates, if asked to.
	if err == nil && (s.batchN > 0 || (s.spec.truncate && s.ends == 0)) {
		err = s.send(true, nil)
	}
	if err == nil && s.spec.truncate {
		ack := make(chan error, 1)
		r.in <- pgMsg{commit: true, ack: ack}
		if werr := <-ack; werr != nil {
			err = s.failure(werr)
		}
	}
	close(r.in)
	<-r.done
	if err == nil && r.werr != nil {
		err = s.failure(r.werr)
	}
	s.run = nil
	s.final = Result{Records: r.inserted.Load(), Bytes: s.bytes}
	s.batches = r.batches.Load()
	// Every batch is committed or rolled back by now: closing the
	// connection cannot lose anything, so its error does not matter.
	r.conn.Close(context.Background())
	r.cancel()
	if err != nil {
		return s.final, err
	}
	s.closed = true
	return s.final, nil
}

// Seal implements Sealer for truncate = true, where the sink is not
// delivering (nothing is visible before the COMMIT of Close): it copies
// what is left, so that a failure shows before any sink publishes.
func (s *postgresSink) Seal() error {
	if !s.spec.truncate {
		return nil
	}
	if s.run == nil {
		return errors.New("postgres sink: not open")
	}
	if err := s.checkFailed(); err != nil {
		return err
	}
	if s.batchN == 0 && s.ends > 0 {
		return nil
	}
	return s.sendAndWait()
}

func (s *postgresSink) Abort() {
	r := s.run
	if r == nil {
		return
	}
	s.run = nil
	r.halt()
	close(r.in)
	go func() {
		<-r.done // the goroutine owns the connection until it ends
		r.conn.Close(context.Background())
	}()
	select {
	case <-r.done:
	case <-time.After(pgAbortWait):
	}
}

// writer is the goroutine that runs the batches.
func (r *pgRun) writer() {
	defer close(r.done)
	rd := &pgReader{in: r.in, stop: r.stop, free: r.free}
	for m := range r.in {
		if r.werr == nil && r.aborted() {
			r.werr = errPGAborted
		}
		if r.werr != nil {
			if m.ack != nil {
				m.ack <- r.werr
			}
			continue
		}
		if m.commit {
			err := r.commitTx()
			m.ack <- err
			if err != nil {
				r.ended.CompareAndSwap(0, pgFailed)
				r.werr = err
				r.failed <- err
			}
			continue
		}
		if err := r.batch(rd, m); err != nil {
			r.ended.CompareAndSwap(0, pgFailed)
			r.werr = err
			r.failed <- err
		}
	}
}

func (r *pgRun) aborted() bool {
	select {
	case <-r.stop:
		return true
	default:
		return false
	}
}

// batch runs one transaction: the first message and the rest of the
// batch, read from the channel by COPY.
func (r *pgRun) batch(rd *pgReader, first pgMsg) (err error) {
	s := r.s
	rd.reset(first)
	defer func() {
		if rd.end != nil && rd.end.ack != nil {
			rd.end.ack <- err
		}
	}()
	n := r.batches.Load() + 1
	fromRow := r.committed.Load() + 1
	// With truncate = true, the first batch begins the run's one
	// transaction and empties the table in it; the others join it.
	long := s.spec.truncate
	truncate := long && !r.inTx
	if long {
		n += r.txBatches
		fromRow += r.txRows
	}
	if first.end && first.rows == 0 && !truncate {
		return nil // a flush with nothing pending: everything before is done
	}
	ctx := r.ctx
	if !long || !r.inTx {
		if _, err := r.exec(ctx, "BEGIN"); err != nil {
			return fmt.Errorf("batch %d: BEGIN: %w", n, err)
		}
		r.inTx = long
	}
	rollback := func() {
		r.inTx = false
		if !r.conn.PgConn().IsClosed() {
			r.exec(context.Background(), "ROLLBACK")
		}
	}
	if truncate {
		if _, err := r.exec(ctx, "TRUNCATE "+s.qtable); err != nil {
			rollback()
			return fmt.Errorf("TRUNCATE: %w", err)
		}
	}
	inserted := int64(0)
	if first.rows > 0 || !first.end {
		_, err := r.conn.PgConn().CopyFrom(ctx, rd, s.copySQL)
		rd.detach()
		if err != nil {
			rollback()
			return fmt.Errorf("COPY of batch %d (from row %d) failed: %s", n, fromRow, pgDescribe(err, fromRow))
		}
		inserted = rd.rows
		if s.spec.skip {
			tag, err := r.exec(ctx, fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM %s ON CONFLICT DO NOTHING",
				s.qtable, s.qcols, s.qcols, pgStageTable))
			if err != nil {
				rollback()
				return fmt.Errorf("INSERT of batch %d (from row %d) failed: %s", n, fromRow, pgDescribe(err, 0))
			}
			inserted = tag.RowsAffected()
			if long {
				// ON COMMIT DELETE ROWS empties it only at the end.
				if _, err := r.exec(ctx, "TRUNCATE "+pgStageTable); err != nil {
					rollback()
					return fmt.Errorf("batch %d: emptying the staging table: %w", n, err)
				}
			}
		}
	}
	if r.aborted() {
		rollback()
		return errPGAborted
	}
	if long {
		r.txRows += rd.rows
		r.txInserted += inserted
		r.txBatches++
		return nil
	}
	r.committing.Store(true)
	if _, err := r.exec(ctx, "COMMIT"); err != nil {
		// Interrupted by giving up, the COMMIT may have reached the
		// server: failure says so.
		r.committing.Store(r.gaveUp())
		rollback()
		return fmt.Errorf("COMMIT of batch %d (from row %d) failed: %s", n, fromRow, pgDescribe(err, 0))
	}
	r.committing.Store(false)
	r.truncated = r.truncated || truncate
	r.inserted.Add(inserted)
	r.committed.Add(rd.rows)
	r.batches.Add(1)
	return nil
}

// commitTx commits the run's one transaction (truncate = true).
func (r *pgRun) commitTx() error {
	if !r.inTx {
		return nil
	}
	if r.aborted() {
		r.inTx = false
		r.exec(context.Background(), "ROLLBACK")
		return errPGAborted
	}
	r.committing.Store(true)
	if _, err := r.exec(r.ctx, "COMMIT"); err != nil {
		r.committing.Store(r.gaveUp())
		r.inTx = false
		if !r.conn.PgConn().IsClosed() {
			r.exec(context.Background(), "ROLLBACK")
		}
		return fmt.Errorf("COMMIT failed: %s", pgDescribe(err, 0))
	}
	r.committing.Store(false)
	r.inTx, r.truncated = false, true
	r.inserted.Add(r.txInserted)
	r.committed.Add(r.txRows)
	r.batches.Add(r.txBatches)
	r.txRows, r.txInserted, r.txBatches = 0, 0, 0
	return nil
}

var pgCopyLine = regexp.MustCompile(`COPY [^,]+, line (\d+)`)

// pgDescribe renders a PostgreSQL error with its detail and, for COPY,
// the run's row number (1-based) of the offending line.
func pgDescribe(err error, fromRow int64) string {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err.Error()
	}
	msg := pe.Error()
	if pe.Detail != "" {
		msg += "; " + pe.Detail
	}
	if m := pgCopyLine.FindStringSubmatch(pe.Where); m != nil && fromRow > 0 {
		line, _ := strconv.ParseInt(m[1], 10, 64)
		msg += fmt.Sprintf(" (at row %d of the run: %s)", fromRow+line-1, pe.Where)
	} else if pe.Where != "" {
		msg += " (" + pe.Where + ")"
	}
	return msg
}

// pgReader feeds one batch's messages to COPY.
type pgReader struct {
	in   <-chan pgMsg
	stop <-chan struct{}
	free chan<- []byte
	cur  []byte
	buf  []byte // the chunk cur is part of, recycled once read
	rows int64
	end  *pgMsg
	eof  bool
	// mu is held by Read, and quit ends a batch's reading: pgx's
	// CopyFrom reads in a goroutine of its own and, when the connection
	// fails mid-COPY, returns without waiting for it, so detach stops
	// that goroutine's Read and waits for it before the batch goes on
	// (a Read left running raced with the batch's own reads of the
	// reader and could take the next batch's messages).
	mu   sync.Mutex
	quit chan struct{}
}

func (r *pgReader) reset(first pgMsg) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.quit = make(chan struct{})
	r.rows, r.end, r.eof = first.rows, nil, first.end
	r.cur, r.buf = first.data, first.data
	if first.end {
		r.end = &first
	}
}

var errPGAborted = errors.New("the run was aborted")

// detach ends the batch's reading: a Read still running (pgx's, after a
// failed COPY) returns, and none touches the reader after detach returns.
func (r *pgReader) detach() {
	close(r.quit)
	r.mu.Lock()
	r.mu.Unlock() // a Read in progress has returned
}

func (r *pgReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	select {
	case <-r.quit:
		return 0, errPGAborted
	default:
	}
	for len(r.cur) == 0 {
		if r.buf != nil {
			select {
			case r.free <- r.buf[:0]:
			default:
			}
			r.buf = nil
		}
		if r.eof {
			return 0, io.EOF
		}
		select {
		case m, ok := <-r.in:
			if !ok {
				select {
				case <-r.stop: // Abort closes stop, then the channel
					return 0, errPGAborted
				default:
				}
				r.eof = true
				return 0, io.EOF
			}
			r.rows += m.rows
			r.cur, r.buf = m.data, m.data
			if m.end {
				r.end, r.eof = &m, true
			}
		case <-r.stop:
			return 0, errPGAborted
		case <-r.quit:
			return 0, errPGAborted
		}
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

// pgEncoder writes records as rows of COPY's text format: columns
// separated by tabs, \N for null, backslash escapes for backslash, tab,
// newline and carriage return; times as RFC 3339 with the scenario zone's
// offset, durations as milliseconds, nested values as JSON text.
type pgEncoder struct {
	m        *columnMapper
	scratch  []byte
	interval []bool // postgresSink.interval
}

// Encode implements Encoder.
func (e *pgEncoder) Encode(dst []byte, r *rec.Record) []byte {
	m := e.m
	for ci, n := range m.cols[r.Emit.ID] {
		if ci > 0 {
			dst = append(dst, '\t')
		}
		if isNull(n, r.Vals) {
			dst = append(dst, '\\', 'N')
			continue
		}
		if m.kinds[ci] == stdlib.Any || n.kind != rec.Leaf {
			e.scratch = m.appendJSONText(e.scratch[:0], n, r.Vals)
			dst = appendCopyText(dst, arenaStr(e.scratch))
			continue
		}
		v := r.Vals[n.slot]
		switch v.K {
		case stdlib.Bool:
			if v.I != 0 {
				dst = append(dst, 't')
			} else {
				dst = append(dst, 'f')
			}
		case stdlib.Int:
			dst = strconv.AppendInt(dst, v.I, 10)
		case stdlib.Duration:
			dst = strconv.AppendInt(dst, v.I, 10)
			if e.interval != nil && e.interval[ci] {
				dst = append(dst, " ms"...)
			}
		case stdlib.Float:
			dst = appendPGFloat(dst, v.Float())
		case stdlib.String:
			dst = appendCopyText(dst, v.S)
		case stdlib.Time:
			dst = m.json.tf.Append(dst, v.I)
		default:
			// Not a scalar in a scalar column: its JSON text, which
			// PostgreSQL rejects for the column's type, naming it.
			e.scratch = stdlib.AppendJSON(e.scratch[:0], v, m.json.tf)
			dst = appendCopyText(dst, arenaStr(e.scratch))
		}
	}
	return append(dst, '\n')
}

// appendPGFloat writes f as float8 input: shortest round-trip digits,
// NaN and ±Infinity spelled as PostgreSQL does.
func appendPGFloat(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	}
	return strconv.AppendFloat(dst, f, 'g', -1, 64)
}

// copyEscape[b] is the letter of b's backslash escape in COPY text, or 0.
var copyEscape = [256]byte{'\\': '\\', '\t': 't', '\n': 'n', '\r': 'r'}

// appendCopyText appends s escaped for COPY's text format.
func appendCopyText(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		if e := copyEscape[s[i]]; e != 0 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', e)
			start = i + 1
		}
	}
	return append(dst, s[start:]...)
}

// NoNUL implements NoNUL: PostgreSQL text (and jsonb, where JSON's
// \u0000 is refused) cannot hold a NUL character, and must be UTF-8
// (pgx sets client_encoding UTF8; JSON would replace the bytes with
// U+FFFD); COPY would fail on either
// when the batch is sent, after the rows before it.
func (s *postgresSink) NoNUL() string { return "PostgreSQL" }

// Delivering implements Delivering: records sent cannot be taken back,
// except with truncate = true, where the run is one transaction that a
// failed or interrupted run rolls back (Abort), like files it discards.
func (s *postgresSink) Delivering() bool { return !s.spec.truncate }
