package sinks

import (
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/scenhq/scen/internal/suggest"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/scenhq/scen/engine/rec"
	"github.com/scenhq/scen/stdlib"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
	"github.com/zclconf/go-cty/cty"
)

// Timeouts of the kafka sink. Variables so that tests can shorten them.
var (
	// kafkaOpenTimeout bounds connecting, checking (or creating) the topic
	// in Open, so that a wrong broker address fails the run quickly.
	kafkaOpenTimeout = 10 * time.Second
	// kafkaDeliveryTimeout bounds how long records may wait without the
	// cluster acknowledging (or failing) any of them. franz-go's own
	// RecordDeliveryTimeout cannot do this: it counts from the record's
	// Timestamp, which here is the simulated event time, usually long past.
	kafkaDeliveryTimeout = 30 * time.Second
	// kafkaAbortWait bounds how long Abort waits for the client to close.
	kafkaAbortWait = 3 * time.Second
)

// kafkaNoKey marks a record without key in the encoder's framing.
const kafkaNoKey = 0xFFFFFFFF

// kafkaSpec is a decoded kafka sink block.
type kafkaSpec struct {
	brokers     []string
	topic       string
	key         string // top-level field name, "" for no key
	headers     []kgo.RecordHeader
	compression string
	linger      time.Duration
	batchBytes  int
	acks        string
	idempotent  bool
	createTopic bool
	partitions  int
	replication int
	// openTimeout bounds Open; deliveryTimeout is how long records may
	// wait with none acknowledged before the run fails.
	openTimeout     time.Duration
	deliveryTimeout time.Duration
	// Where failures at run time point: the brokers' (unreachable, gone
	// mid-run), the topic's (missing, cannot be created).
	brokersAt, topicAt hcl.Range
}

var (
	kafkaCompressions = []string{"none", "gzip", "snappy", "lz4", "zstd"}
	kafkaAcks         = []string{"all", "leader", "none"}
	kafkaMechanisms   = []string{"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"}
)

func kafkaType() *Type {
	return &Type{
		Name: "kafka",
		Doc: "Produces one Kafka record per event with franz-go: the value is the record as a JSON object, the " +
			"timestamp is the event time, the key is an optional top-level field. Records arrive in time order " +
			"per partition. A topic's retention counts from the record timestamps, so records of a scenario " +
			"window far in the past may be deleted at once: raise the topic's retention.ms, or set its " +
			"message.timestamp.type to LogAppendTime. With --interval, each interval boundary sends what lingers " +
			"and waits until every record so far is acknowledged. Close waits for every record to be acknowledged and fails the run, with delivered " +
			"and failed counts, if any was not. TLS and SASL are read from the environment when the run starts: " +
			"KAFKA_TLS=1 (system roots; KAFKA_TLS_INSECURE=1 skips verification), KAFKA_SASL_MECHANISM " +
			"(PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512), KAFKA_USERNAME and KAFKA_PASSWORD.",
		Attrs: []string{
			`brokers: list of seed brokers as "host:port" (required)`,
			"topic: topic to produce to (required)",
			"key: name of a top-level field whose value is the record key (default: no key); strings are used as is, " +
				"times in the scenario's zone, other values as JSON text; a record without the field, or with null, has no key",
			"headers: map of constant string headers added to every record",
			`compression: "none", "gzip", "snappy" (default), "lz4" or "zstd"`,
			`linger: how long a partition's batch waits for more records, e.g. "5ms" (default)`,
			"batch_bytes: maximum bytes of a record batch, 512 to 104857600 (default 1048576); a larger record fails the run",
			`acks: "all" (default), "leader" or "none" (with "none" nothing confirms a record: it counts as delivered once sent, so the delivered counts include records a failing broker lost)`,
			`idempotent: idempotent producer (default true with acks = "all", which it requires)`,
			"create_topic: create the topic if it does not exist (default false)",
			"partitions: partitions of a created topic (default: the broker's default)",
			"replication: replication factor of a created topic (default: the broker's default)",
			`connect_timeout: how long the run may take to reach the brokers and check the topic before it fails, "1s" to "10m" (default "10s")`,
			`delivery_timeout: how long records may wait with none acknowledged (a broker gone mid-run) before the run fails, ` +
				`reporting what was delivered, "1s" to "1h" (default "30s")`,
		},
		New: func(d Decl) (Sink, hcl.Diagnostics) {
			spec, diags := decodeKafka(d)
			return &kafkaSink{spec: spec, stream: d.Stream}, diags
		},
	}
}

func decodeKafka(d Decl) (kafkaSpec, hcl.Diagnostics) {
	schema := &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "brokers", Required: true}, {Name: "topic", Required: true}, {Name: "key"}, {Name: "headers"},
		{Name: "compression"}, {Name: "linger"}, {Name: "batch_bytes"}, {Name: "acks"}, {Name: "idempotent"},
		{Name: "create_topic"}, {Name: "partitions"}, {Name: "replication"},
		{Name: "connect_timeout"}, {Name: "delivery_timeout"},
	}}
	content, diags := d.Body.Content(schema)
	s := kafkaSpec{compression: "snappy", linger: 5 * time.Millisecond, batchBytes: 1 << 20, acks: "all",
		idempotent: true, partitions: -1, replication: -1, openTimeout: kafkaOpenTimeout, deliveryTimeout: kafkaDeliveryTimeout}
	attrs := content.Attributes

	// value returns an attribute's literal value, or false (with a
	// diagnostic) when it is not a known constant of type want.
	value := func(name string, want cty.Type, what string) (cty.Value, hcl.Range, bool) {
		a, ok := attrs[name]
		if !ok {
			return cty.NilVal, hcl.Range{}, false
		}
		r := a.Expr.Range()
		v, ds := a.Expr.Value(nil)
		if !ds.HasErrors() && v.IsWhollyKnown() && !v.IsNull() {
			if cv, err := convertLiteral(v, want); err == nil {
				return cv, r, true
			}
		}
		diags = append(diags, diag(r, "Invalid "+name, "%s must be %s%s.", name, what, gotOf(a.Expr)))
		return cty.NilVal, r, false
	}
	oneOf := func(name string, options []string, dst *string) {
		v, r, ok := value(name, cty.String, "one of "+quoteList(options))
		if !ok {
			return
		}
		got := v.AsString()
		for _, o := range options {
			if got == o {
				*dst = got
				return
			}
		}
		diags = append(diags, diag(r, "Invalid "+name, "%s must be one of %s, not %q.%s",
			name, quoteList(options), got, suggest.DidYouMean(got, options)))
	}
	positive := func(name string, max int, what string, dst *int) hcl.Range {
		v, r, ok := value(name, cty.Number, what)
		if !ok {
			return r
		}
		bf := v.AsBigFloat()
		n, acc := bf.Int64()
		if !bf.IsInt() || acc != 0 || n < 1 || n > int64(max) {
			diags = append(diags, diag(r, "Invalid "+name, "%s must be %s, got %s.", name, what, bf.Text('g', -1)))
			return r
		}
		*dst = int(n)
		return r
	}

	if v, r, ok := value("brokers", cty.List(cty.String), `a list of "host:port" strings, such as ["localhost:9092"]`); ok {
		s.brokersAt = r
		for _, e := range v.AsValueSlice() {
			b := e.AsString()
			host, port, err := net.SplitHostPort(b)
			if p, perr := strconv.Atoi(port); err != nil || host == "" || perr != nil || p < 1 || p > 65535 {
				diags = append(diags, diag(r, "Invalid brokers", "%q is not a broker address; give \"host:port\", such as \"localhost:9092\".", b))
				continue
			}
			s.brokers = append(s.brokers, b)
		}
		if v.LengthInt() == 0 {
			diags = append(diags, diag(r, "Invalid brokers", `brokers must name at least one broker, such as ["localhost:9092"].`))
		}
	}
	if v, r, ok := value("topic", cty.String, "a topic name"); ok {
		s.topicAt = r
		s.topic = v.AsString()
		if msg := checkTopicName(s.topic); msg != "" {
			diags = append(diags, diag(r, "Invalid topic", "%s", msg))
		}
	}
	if v, r, ok := value("key", cty.String, "the name of a top-level field of the stream"); ok {
		s.key = v.AsString()
		var names []string
		found := false
		if d.Stream != nil {
			for _, c := range d.Stream.Columns {
				names = append(names, c.Name)
				found = found || c.Name == s.key
			}
		}
		if !found {
			stream := ""
			if d.Stream != nil {
				stream = d.Stream.Name
			}
			diags = append(diags, diag(r, "Unknown key field", "The stream %q has no top-level field %q; the key is one of %s.%s",
				stream, s.key, quoteList(names), suggest.DidYouMean(s.key, names)))
		}
	}
	if v, _, ok := value("headers", cty.Map(cty.String), `a map of strings, such as { source = "scen" }`); ok {
		for it := v.ElementIterator(); it.Next(); { // sorted by name
			k, e := it.Element()
			s.headers = append(s.headers, kgo.RecordHeader{Key: k.AsString(), Value: []byte(e.AsString())})
		}
	}
	oneOf("compression", kafkaCompressions, &s.compression)
	if v, r, ok := value("linger", cty.String, `a duration such as "5ms" or "0s"`); ok {
		l, err := time.ParseDuration(v.AsString())
		if err != nil || l < 0 || l > time.Minute {
			diags = append(diags, diag(r, "Invalid linger", `linger must be a duration from "0s" to "1m", such as "5ms", not %q.`, v.AsString()))
		} else {
			s.linger = l
		}
	}
	for _, t := range []struct {
		name     string
		min, max time.Duration
		dst      *time.Duration
	}{
		{"connect_timeout", time.Second, 10 * time.Minute, &s.openTimeout},
		{"delivery_timeout", time.Second, time.Hour, &s.deliveryTimeout},
	} {
		if v, r, ok := value(t.name, cty.String, `a duration such as "10s"`); ok {
			d, err := time.ParseDuration(v.AsString())
			if err != nil || d < t.min || d > t.max {
				diags = append(diags, diag(r, "Invalid "+t.name, `%s must be a duration from %q to %q, such as "10s", not %q.`,
					t.name, t.min.String(), t.max.String(), v.AsString()))
			} else {
				*t.dst = d
			}
		}
	}
	if r := positive("batch_bytes", 100<<20, "a whole number of bytes from 512 to 104857600 (the broker's message.max.bytes also applies)", &s.batchBytes); s.batchBytes < 512 {
		diags = append(diags, diag(r, "Invalid batch_bytes", "batch_bytes must be at least 512."))
		s.batchBytes = 512
	}
	oneOf("acks", kafkaAcks, &s.acks)
	idem, idemR, idemSet := value("idempotent", cty.Bool, "true or false")
	if idemSet {
		s.idempotent = idem.True()
	}
	if s.acks != "all" {
		// Kafka's idempotent producer needs acknowledgements from all
		// in-sync replicas; without an explicit request, weaker acks
		// simply turn it off.
		if idemSet && s.idempotent {
			diags = append(diags, diag(idemR, "Idempotence needs acks = \"all\"",
				`An idempotent producer needs acknowledgements from all in-sync replicas; with acks = %q set idempotent = false, or use acks = "all".`, s.acks))
		}
		s.idempotent = false
	}
	if v, _, ok := value("create_topic", cty.Bool, "true or false"); ok {
		s.createTopic = v.True()
	}
	for _, p := range []struct {
		name string
		max  int
		what string
		dst  *int
	}{
		{"partitions", 1 << 20, "a whole number of partitions from 1 to 1048576", &s.partitions},
		{"replication", 32767, "a whole number of replicas from 1 to 32767", &s.replication},
	} {
		r := positive(p.name, p.max, p.what, p.dst)
		if _, set := attrs[p.name]; set && !s.createTopic {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Ignored " + p.name,
				Detail:  p.name + " only applies to a topic the sink creates; set create_topic = true or remove it.",
				Subject: r.Ptr()})
		}
	}
	return s, diags
}

// convertLiteral converts a literal to want, accepting tuples for lists and
// objects for maps as HCL writes them.
func convertLiteral(v cty.Value, want cty.Type) (cty.Value, error) {
	switch {
	case want.IsListType():
		if !v.Type().IsTupleType() && !v.Type().IsListType() {
			return cty.NilVal, errors.New("not a list")
		}
		var out []cty.Value
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			if e.IsNull() || e.Type() != want.ElementType() {
				return cty.NilVal, errors.New("bad element")
			}
			out = append(out, e)
		}
		if len(out) == 0 {
			return cty.ListValEmpty(want.ElementType()), nil
		}
		return cty.ListVal(out), nil
	case want.IsMapType():
		if !v.Type().IsObjectType() && !v.Type().IsMapType() {
			return cty.NilVal, errors.New("not a map")
		}
		out := map[string]cty.Value{}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			if e.IsNull() || e.Type() != want.ElementType() {
				return cty.NilVal, errors.New("bad element")
			}
			out[k.AsString()] = e
		}
		if len(out) == 0 {
			return cty.MapValEmpty(want.ElementType()), nil
		}
		return cty.MapVal(out), nil
	}
	if v.Type() != want {
		return cty.NilVal, errors.New("wrong type")
	}
	return v, nil
}

// checkTopicName applies Kafka's rules for topic names.
func checkTopicName(t string) string {
	if t == "" || t == "." || t == ".." {
		return fmt.Sprintf("%q is not a valid topic name.", t)
	}
	if len(t) > 249 {
		return "a topic name has at most 249 characters."
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return fmt.Sprintf("%q contains %q; a topic name uses only letters, digits, '.', '_' and '-'.", t, c)
		}
	}
	return ""
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// kafkaEncoder frames each record as a 4-byte little-endian key length
// (0xFFFFFFFF: no key), the key bytes and the JSON value (no newline), so
// that Write can split key from value without parsing.
type kafkaEncoder struct {
	json *JSONEncoder
	keys []*jsonNode // by emit ID: the key field's node, nil when absent
}

func newKafkaEncoder(s *rec.Stream, key string, tf *stdlib.TimeFormatter) *kafkaEncoder {
	e := &kafkaEncoder{json: NewJSONEncoder(s, tf), keys: make([]*jsonNode, len(s.Emits))}
	if key == "" {
		return e
	}
	for _, em := range s.Emits {
		for fi, f := range em.Fields {
			if f.Name == key {
				e.keys[em.ID] = e.json.layouts[em.ID][fi]
				break
			}
		}
	}
	return e
}

// Encode implements Encoder.
func (e *kafkaEncoder) Encode(dst []byte, r *rec.Record) []byte {
	at := len(dst)
	dst = append(dst, 0, 0, 0, 0)
	keyLen := uint32(kafkaNoKey)
	if n := e.keys[r.Emit.ID]; n != nil {
		start := len(dst)
		var ok bool
		dst, ok = e.appendKey(dst, n, r.Vals)
		if ok {
			keyLen = uint32(len(dst) - start)
		}
	}
	binary.LittleEndian.PutUint32(dst[at:], keyLen)
	dst = e.json.Encode(dst, r)
	return dst[:len(dst)-1] // drop the newline
}

// appendKey writes the text form of a key: strings as they are, times in
// the scenario's time zone, durations like "1m30s", everything else as JSON
// text. A null value means no key.
func (e *kafkaEncoder) appendKey(dst []byte, n *jsonNode, vals []stdlib.Value) ([]byte, bool) {
	if n.kind != rec.Leaf {
		return e.json.appendNode(dst, n, vals), true
	}
	v := vals[n.slot]
	switch v.K {
	case stdlib.Null:
		return dst, false
	case stdlib.String:
		return append(dst, v.S...), true
	case stdlib.Time:
		return e.json.tf.Append(dst, v.I), true
	case stdlib.Duration:
		return append(dst, v.String()...), true
	}
	return stdlib.AppendJSON(dst, v, e.json.tf), true
}

// kafkaSink produces to one topic. Write runs in the engine's merging
// goroutine; delivery callbacks run on franz-go's goroutines, hence the
// atomics.
type kafkaSink struct {
	spec   kafkaSpec
	stream *rec.Stream

	client   *kgo.Client
	security string // set by Open: "TLS, SASL/PLAIN as "user"", without secrets
	password string // only to scrub it from errors
	promise  func(*kgo.Record, error)
	ctx      context.Context // every record's; canceled when delivery stalls
	cancel   context.CancelFunc
	watching sync.WaitGroup

	produced  atomic.Int64 // records handed to the client
	delivered atomic.Int64
	failed    atomic.Int64
	bytes     atomic.Int64 // delivered value bytes
	errMu     sync.Mutex
	firstErr  atomic.Pointer[error]

	// Records and their bytes are carved out of slabs, so a record costs
	// no allocation of its own; a slab is collected once the client is
	// done with every record on it.
	recs []kgo.Record
	data []byte
}

// Target implements Targeter.
func (s *kafkaSink) Target() string { return "topic " + s.spec.topic }

func (s *kafkaSink) Describe() string {
	sp := s.spec
	var b strings.Builder
	fmt.Fprintf(&b, "kafka topic %q on %d broker(s)", sp.topic, len(sp.brokers))
	if sp.key != "" {
		fmt.Fprintf(&b, ", key %s", sp.key)
	}
	fmt.Fprintf(&b, ", %s, acks=%s", sp.compression, sp.acks)
	if sp.idempotent {
		b.WriteString(", idempotent")
	}
	if len(sp.headers) > 0 {
		// By name, with their values: they are part of every record, and
		// scen diff compares this text.
		b.WriteString(", headers")
		for i, h := range sp.headers {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, " %s=%q", h.Key, h.Value)
		}
	}
	if sp.createTopic {
		b.WriteString(", created if missing")
	}
	if s.security != "" {
		b.WriteString(", " + s.security)
	}
	return b.String()
}

func (s *kafkaSink) NewEncoder(tf *stdlib.TimeFormatter) Encoder {
	return newKafkaEncoder(s.stream, s.spec.key, tf)
}

// securityOpts reads TLS and SASL settings from the environment.
func (s *kafkaSink) securityOpts() ([]kgo.Opt, error) {
	var opts []kgo.Opt
	var desc []string
	if os.Getenv("KAFKA_TLS") == "1" {
		cfg := &tls.Config{MinVersion: tls.VersionTLS12}
		if os.Getenv("KAFKA_TLS_INSECURE") == "1" {
			cfg.InsecureSkipVerify = true
			desc = append(desc, "TLS without verification")
		} else {
			desc = append(desc, "TLS")
		}
		opts = append(opts, kgo.DialTLSConfig(cfg))
	}
	mech := os.Getenv("KAFKA_SASL_MECHANISM")
	user, pass := os.Getenv("KAFKA_USERNAME"), os.Getenv("KAFKA_PASSWORD")
	s.password = pass
	if mech == "" {
		if user != "" || pass != "" {
			return nil, errors.New("KAFKA_USERNAME or KAFKA_PASSWORD is set but KAFKA_SASL_MECHANISM is not; set it to " +
				strings.Join(kafkaMechanisms, ", "))
		}
	} else {
		if user == "" || pass == "" {
			return nil, fmt.Errorf("KAFKA_SASL_MECHANISM=%s needs KAFKA_USERNAME and KAFKA_PASSWORD", mech)
		}
		var m sasl.Mechanism
		switch strings.ToUpper(mech) {
		case "PLAIN":
			m = plain.Auth{User: user, Pass: pass}.AsMechanism()
		case "SCRAM-SHA-256":
			m = scram.Auth{User: user, Pass: pass}.AsSha256Mechanism()
		case "SCRAM-SHA-512":
			m = scram.Auth{User: user, Pass: pass}.AsSha512Mechanism()
		default:
			return nil, fmt.Errorf("KAFKA_SASL_MECHANISM=%q is not supported; use one of %s", mech, strings.Join(kafkaMechanisms, ", "))
		}
		opts = append(opts, kgo.SASL(m))
		desc = append(desc, fmt.Sprintf("SASL/%s as %q", strings.ToUpper(mech), user))
	}
	s.security = strings.Join(desc, ", ")
	return opts, nil
}

// scrub removes the password from an error's text, whatever produced it.
func (s *kafkaSink) scrub(err error) error {
	if err == nil || s.password == "" || !strings.Contains(err.Error(), s.password) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), s.password, "********"))
}

func (s *kafkaSink) Open(ri RunInfo) error {
	sp := s.spec
	sec, err := s.securityOpts()
	if err != nil {
		return fmt.Errorf("kafka sink: %w", err)
	}
	s.produced.Store(0)
	s.delivered.Store(0)
	s.failed.Store(0)
	s.bytes.Store(0)
	s.firstErr.Store(nil)
	s.promise = func(r *kgo.Record, err error) {
		if err == nil {
			s.delivered.Add(1)
			s.bytes.Add(int64(len(r.Value)))
			return
		}
		s.failed.Add(1)
		s.setErr(err)
	}

	opts := []kgo.Opt{
		kgo.SeedBrokers(sp.brokers...),
		kgo.DefaultProduceTopic(sp.topic),
		kgo.ProducerBatchCompression(kafkaCodec(sp.compression)),
		kgo.ProducerLinger(sp.linger),
		kgo.ProducerBatchMaxBytes(int32(sp.batchBytes)),
		kgo.RequiredAcks(kafkaAcksOpt(sp.acks)),
		kgo.DialTimeout(sp.openTimeout / 2),
		// Back-pressure: Produce blocks once this much is unacknowledged
		// (franz-go also caps the count at 50 000 records).
		kgo.MaxBufferedBytes(max(64<<20, 4*sp.batchBytes)),
		kgo.ClientID("scen"),
	}
	if !sp.idempotent {
		opts = append(opts, kgo.DisableIdempotentWrite())
	}
	opts = append(opts, sec...)
	where := fmt.Sprintf("broker(s) %s", strings.Join(sp.brokers, ", "))
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return s.scrub(fmt.Errorf("kafka sink: %s: %w", where, err))
	}
	parent := ri.context()
	began := time.Now()
	ctx, cancel := context.WithTimeout(parent, sp.openTimeout)
	defer cancel()
	// franz-go's Ping waits for a broker's answer past its context (a
	// broker that accepts and never answers holds it for its request
	// timeout): the wait is given up here instead, and the client closed
	// when Ping returns.
	if err, abandoned := untilDone(ctx, func() error { return cl.Ping(ctx) }, cl.Close); err != nil {
		if !abandoned {
			cl.Close()
		}
		if parent.Err() != nil {
			return context.Cause(parent) // interrupted, or the run's time limit
		}
		hint := ""
		var dialErr *net.OpError
		if s.security != "" && !errors.As(err, &dialErr) {
			// A broker that rejects the handshake often just hangs up.
			hint = fmt.Sprintf(" (connecting with %s; check KAFKA_TLS, KAFKA_SASL_MECHANISM, KAFKA_USERNAME and KAFKA_PASSWORD)", s.security)
		}
		how := fmt.Sprintf("gave up after %s; connect_timeout = %s", waited(time.Since(began)), sp.openTimeout)
		if refusedAtOnce(err, time.Since(began), sp.openTimeout) {
			// "gave up after 1ms" next to "connect_timeout = 2s" read
			// like a bug (review 29 #13c): a refused connection is not
			// retried, so the run does not wait out the timeout.
			how = "connection refused; not retried"
		}
		return At(sp.brokersAt, s.scrub(fmt.Errorf("kafka sink: cannot reach %s (%s)%s: %w", where, how, hint, err)))
	}
	if err := s.checkTopic(ctx, cl); err != nil {
		cl.Close()
		if parent.Err() != nil {
			return context.Cause(parent)
		}
		return At(sp.topicAt, s.scrub(fmt.Errorf("kafka sink: %s: %w", where, err)))
	}
	s.client = cl
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.watching.Add(1)
	go s.watch(where, ri.GiveUp)
	return nil
}

// setErr remembers the first error.
func (s *kafkaSink) setErr(err error) {
	s.errMu.Lock()
	if s.firstErr.Load() == nil {
		s.firstErr.Store(&err)
	}
	s.errMu.Unlock()
}

// watch fails the run when records are outstanding and the cluster has
// neither acknowledged nor failed any of them for the delivery timeout:
// canceling the records' context fails them, unblocks a Produce waiting for
// buffer space and ends Close's Flush.
//
// When giveUp is closed (the run was interrupted twice) it fails them at
// once: the user has stopped waiting for the delivery timeout.
func (s *kafkaSink) watch(where string, giveUp <-chan struct{}) {
	defer s.watching.Done()
	timeout := s.spec.deliveryTimeout
	tick := time.NewTicker(max(timeout/20, 10*time.Millisecond))
	defer tick.Stop()
	last, since := int64(-1), time.Now()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-giveUp:
			if s.delivered.Load()+s.failed.Load() < s.produced.Load() {
				s.setErr(fmt.Errorf("stopped waiting for %s to acknowledge the records", where))
			}
			s.cancel()
			return
		case now := <-tick.C:
			done := s.delivered.Load() + s.failed.Load()
			if done != last || done >= s.produced.Load() {
				last, since = done, now
				continue
			}
			if now.Sub(since) >= timeout {
				s.setErr(fmt.Errorf("no record was acknowledged by %s for %s (delivery_timeout)", where, timeout))
				s.cancel()
				return
			}
		}
	}
}

// settle waits a little for the callbacks of every produced record.
func (s *kafkaSink) settle(wait time.Duration) {
	for end := time.Now().Add(wait); time.Now().Before(end); time.Sleep(time.Millisecond) {
		if s.delivered.Load()+s.failed.Load() >= s.produced.Load() {
			return
		}
	}
}

// stop ends the watchdog and fails records still waiting.
func (s *kafkaSink) stop() {
	s.cancel()
	s.watching.Wait()
}

// checkTopic makes sure the topic exists (creating it when asked to), so
// that a typo fails the run at once instead of after the delivery timeout.
func (s *kafkaSink) checkTopic(ctx context.Context, cl *kgo.Client) error {
	sp := s.spec
	adm := kadm.NewClient(cl)
	if sp.createTopic {
		_, err := adm.CreateTopic(ctx, int32(sp.partitions), int16(sp.replication), nil, sp.topic)
		if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
			return fmt.Errorf("cannot create topic %q: %w", sp.topic, err)
		}
	}
	// A freshly created topic may take a moment to show up in metadata.
	for {
		td, err := adm.ListTopics(ctx, sp.topic)
		if err != nil {
			return fmt.Errorf("cannot read the metadata of topic %q: %w", sp.topic, err)
		}
		t, ok := td[sp.topic]
		switch {
		case ok && t.Err == nil:
			return nil
		case ok && !errors.Is(t.Err, kerr.UnknownTopicOrPartition):
			return fmt.Errorf("topic %q: %w", sp.topic, t.Err)
		case !sp.createTopic:
			return fmt.Errorf("topic %q does not exist; create it or set create_topic = true", sp.topic)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("topic %q was created but does not appear in the metadata: %w", sp.topic, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func kafkaCodec(name string) kgo.CompressionCodec {
	switch name {
	case "gzip":
		return kgo.GzipCompression()
	case "snappy":
		return kgo.SnappyCompression()
	case "lz4":
		return kgo.Lz4Compression()
	case "zstd":
		return kgo.ZstdCompression()
	}
	return kgo.NoCompression()
}

func kafkaAcksOpt(name string) kgo.Acks {
	switch name {
	case "leader":
		return kgo.LeaderAck()
	case "none":
		return kgo.NoAck()
	}
	return kgo.AllISRAcks()
}

func (s *kafkaSink) err() error {
	if p := s.firstErr.Load(); p != nil {
		return s.scrub(*p)
	}
	return nil
}

const kafkaSlab = 256 << 10

func (s *kafkaSink) Write(ts int64, b []byte) error {
	if err := s.err(); err != nil {
		// Of the records handed to the sink, this one included, as the
		// run's count of what each sink delivered has it.
		return At(s.failedAt(err), fmt.Errorf("kafka sink: producing to topic %q failed after %d of %d records were delivered: %w",
			s.spec.topic, s.delivered.Load(), s.produced.Load()+1, err))
	}
	if len(b) < 4 {
		return fmt.Errorf("kafka sink: malformed record frame of %d bytes", len(b))
	}
	keyLen := binary.LittleEndian.Uint32(b)
	body := b[4:]
	if keyLen != kafkaNoKey && int64(keyLen) > int64(len(body)) {
		return fmt.Errorf("kafka sink: malformed record frame (key of %d bytes in %d)", keyLen, len(body))
	}
	if len(s.recs) == 0 {
		s.recs = make([]kgo.Record, 1024)
	}
	r := &s.recs[0]
	s.recs = s.recs[1:]
	var buf []byte
	if len(body) > kafkaSlab/8 {
		buf = append([]byte(nil), body...)
	} else {
		if cap(s.data)-len(s.data) < len(body) {
			s.data = make([]byte, 0, kafkaSlab)
		}
		n := len(s.data)
		s.data = append(s.data, body...)
		buf = s.data[n:len(s.data):len(s.data)]
	}
	if keyLen != kafkaNoKey {
		r.Key, r.Value = buf[:keyLen:keyLen], buf[keyLen:]
	} else {
		r.Value = buf
	}
	r.Timestamp = time.UnixMilli(ts)
	r.Headers = s.spec.headers // shared; the client only reads them
	s.produced.Add(1)
	s.client.Produce(s.ctx, r, s.promise)
	return nil
}

// Flush implements the engine's Flusher: at an --interval boundary it
// sends what is lingering and waits until every record written so far is
// acknowledged, so that an interval is delivered before the next one
// begins (docs/streaming.md). A cluster that stalls fails it after
// delivery_timeout, as it fails Close.
func (s *kafkaSink) Flush() error {
	if s.client == nil {
		return errors.New("kafka sink: not open")
	}
	flushErr := s.client.Flush(s.ctx)
	err := s.err()
	if err == nil && flushErr != nil {
		err = flushErr
	}
	if err == nil && s.delivered.Load() < s.produced.Load() {
		s.settle(kafkaAbortWait) // the last callbacks run just after Flush returns
		if s.delivered.Load() < s.produced.Load() {
			err = s.err()
			if err == nil {
				err = fmt.Errorf("%d records were not acknowledged", s.produced.Load()-s.delivered.Load())
			}
		}
	}
	if err != nil {
		return At(s.failedAt(err), fmt.Errorf("kafka sink: flushing topic %q at an interval boundary failed after %d of %d records were delivered: %w",
			s.spec.topic, s.delivered.Load(), s.produced.Load(), err))
	}
	return nil
}

func (s *kafkaSink) Close() (Result, error) {
	if s.client == nil {
		return Result{}, errors.New("kafka sink: not open")
	}
	// Flush returns once everything is acknowledged or failed, or when
	// the watchdog gives up on a stalled cluster.
	flushErr := s.client.Flush(s.ctx)
	s.stop()
	// Close fails whatever is still buffered; the callbacks run soon after
	// on franz-go's goroutines, and then the counts are final.
	s.client.Close()
	s.settle(kafkaAbortWait)
	s.client = nil
	s.recs, s.data = nil, nil
	produced := s.produced.Load()
	res := Result{Records: s.delivered.Load(), Bytes: s.bytes.Load()}
	if res.Records == produced {
		return res, nil
	}
	err := s.err()
	if err == nil {
		err = flushErr
	}
	if err == nil {
		err = errors.New("unknown error")
	}
	return res, At(s.failedAt(err), fmt.Errorf("kafka sink: %d of %d records delivered to topic %q, %d failed: %w",
		res.Records, produced, s.spec.topic, produced-res.Records, err))
}

// failedAt is where a delivery failure points: the brokers, unless a
// record was too large (then the whole block: the record, batch_bytes and
// the broker's limit are all involved).
func (s *kafkaSink) failedAt(err error) hcl.Range {
	if errors.Is(err, kerr.MessageTooLarge) {
		return hcl.Range{}
	}
	return s.spec.brokersAt
}

func (s *kafkaSink) Abort() {
	cl := s.client
	if cl == nil {
		return
	}
	s.client = nil
	s.recs, s.data = nil, nil
	s.stop()
	done := make(chan struct{})
	go func() {
		cl.Close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(kafkaAbortWait):
	}
}

// Delivering implements Delivering: records sent cannot be taken back.
func (s *kafkaSink) Delivering() bool { return true }

// untilDone runs f and returns its error, or ctx's as soon as ctx is done:
// then f is abandoned (it goes on in the background, and cleanup runs when
// it returns).
func untilDone(ctx context.Context, f func() error, cleanup func()) (err error, abandoned bool) {
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err, false
	case <-ctx.Done():
		go func() {
			<-done
			cleanup()
		}()
		return ctx.Err(), true
	}
}

// refusedAtOnce reports whether Ping's error is a refused connection
// that came before any dial could have timed out (with several brokers,
// one that hangs makes the wait the timeout's, and the elapsed time says
// more).
func refusedAtOnce(err error, took, timeout time.Duration) bool {
	return errors.Is(err, syscall.ECONNREFUSED) && took < timeout/2
}

// waited is d as a message says it: milliseconds under a second, tenths of
// a second above.
func waited(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(100 * time.Millisecond)
}
