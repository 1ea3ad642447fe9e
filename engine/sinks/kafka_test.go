package sinks

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/scenhq/scen/engine/rec"
	"github.com/scenhq/scen/stdlib"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// kafkaStream has a keyed emit and one without the key field.
func kafkaStream() *rec.Stream {
	s := &rec.Stream{Name: "events"}
	e0 := &rec.Emit{ID: 0, Stream: s, Leaves: 5, Fields: []*rec.Field{
		{Name: "user_id", Kind: rec.Leaf, Slot: 0, Type: stdlib.String},
		{Name: "event_name", Kind: rec.Leaf, Slot: 1, Type: stdlib.String},
		{Name: "n", Kind: rec.Leaf, Slot: 2, Type: stdlib.Int},
		{Name: "at", Kind: rec.Leaf, Slot: 3, Type: stdlib.Time},
		{Name: "ctx", Kind: rec.Object, Children: []*rec.Field{{Name: "page", Kind: rec.Leaf, Slot: 4, Type: stdlib.String}}},
	}}
	e1 := &rec.Emit{ID: 1, Stream: s, Leaves: 2, Fields: []*rec.Field{
		{Name: "event_name", Kind: rec.Leaf, Slot: 0, Type: stdlib.String},
		{Name: "n", Kind: rec.Leaf, Slot: 1, Type: stdlib.Int},
	}}
	s.Emits = []*rec.Emit{e0, e1}
	s.Columns = []rec.Column{{Name: "user_id", Type: stdlib.String}, {Name: "event_name", Type: stdlib.String},
		{Name: "n", Type: stdlib.Int}, {Name: "at", Type: stdlib.Time}, {Name: "ctx"}}
	return s
}

var kafkaBase = time.Date(2025, 8, 15, 0, 0, 0, 0, time.UTC).UnixMilli()

// kafkaRecord returns the i-th test record: every tenth lacks the key
// field, and every tenth (offset by five) has a null key.
func kafkaRecord(s *rec.Stream, i int) *rec.Record {
	ts := kafkaBase + int64(i/3)*37 // some records share a timestamp
	if i%10 == 9 {
		return &rec.Record{Emit: s.Emits[1], Time: ts, Vals: []stdlib.Value{stdlib.StrV("heartbeat"), stdlib.IntV(int64(i))}}
	}
	user := stdlib.StrV(fmt.Sprintf("user_%d", i%97))
	if i%10 == 5 {
		user = stdlib.NullV()
	}
	return &rec.Record{Emit: s.Emits[0], Time: ts, Vals: []stdlib.Value{user, stdlib.StrV("view_page"),
		stdlib.IntV(int64(i)), stdlib.TimeV(ts), stdlib.StrV("main \"ü\"")}}
}

func parseBody(t testing.TB, src string) hcl.Body {
	t.Helper()
	f, diags := hclsyntax.ParseConfig([]byte(src), "sink.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return f.Body
}

func newKafkaSink(t testing.TB, src string) *kafkaSink {
	t.Helper()
	s, diags := kafkaType().New(Decl{Name: "events", Type: "kafka", Stream: kafkaStream(), Body: parseBody(t, src)})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return s.(*kafkaSink)
}

func TestKafkaDecode(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
		// want is the expected Describe() when there are no errors, or
		// the substrings of the one error diagnostic.
		want       string
		summary    string
		line       int // of the diagnostic's subject
		isWarning  bool
		checkSpecs func(t *testing.T, s kafkaSpec)
	}{
		{name: "defaults", src: `
brokers = ["localhost:9092", "kafka-2:9092"]
topic   = "events"
key     = "user_id"
`, want: `kafka topic "events" on 2 broker(s), key user_id, snappy, acks=all, idempotent`,
			checkSpecs: func(t *testing.T, s kafkaSpec) {
				if s.linger != 5*time.Millisecond || s.batchBytes != 1<<20 || !s.idempotent || s.partitions != -1 {
					t.Errorf("defaults: %+v", s)
				}
			}},
		{name: "everything", src: `
brokers      = ["localhost:9092"]
topic        = "clicks.v1"
headers      = { source = "scen", "content-type" = "application/json" }
compression  = "zstd"
linger       = "20ms"
batch_bytes  = 500000
acks         = "leader"
idempotent   = false
create_topic = true
partitions   = 6
replication  = 1
`, want: `kafka topic "clicks.v1" on 1 broker(s), zstd, acks=leader, headers content-type="application/json", source="scen", created if missing`,
			checkSpecs: func(t *testing.T, s kafkaSpec) {
				if s.linger != 20*time.Millisecond || s.batchBytes != 500000 || s.partitions != 6 || s.replication != 1 {
					t.Errorf("spec: %+v", s)
				}
				if len(s.headers) != 2 || s.headers[0].Key != "content-type" || string(s.headers[1].Value) != "scen" {
					t.Errorf("headers: %+v", s.headers)
				}
			}},
		{name: "weaker acks turn idempotence off", src: `
brokers = ["localhost:9092"]
topic   = "events"
acks    = "none"
`, want: `kafka topic "events" on 1 broker(s), snappy, acks=none`},
		{name: "bad compression", src: `
brokers     = ["localhost:9092"]
topic       = "events"
compression = "snapy"
`, summary: "Invalid compression", line: 4, want: `not "snapy". Did you mean "snappy"?`},
		{name: "idempotent with acks leader", src: `
brokers    = ["localhost:9092"]
topic      = "events"
acks       = "leader"
idempotent = true
`, summary: `Idempotence needs acks = "all"`, line: 5, want: `with acks = "leader" set idempotent = false`},
		{name: "unknown key field", src: `
brokers = ["localhost:9092"]
topic   = "events"
key     = "user_di"
`, summary: "Unknown key field", line: 4, want: `no top-level field "user_di"; the key is one of "user_id", "event_name", "n", "at", "ctx". Did you mean "user_id"?`},
		{name: "bad broker", src: `
brokers = ["localhost"]
topic   = "events"
`, summary: "Invalid brokers", line: 2, want: `"localhost" is not a broker address`},
		{name: "brokers not a list", src: `
brokers = "localhost:9092"
topic   = "events"
`, summary: "Invalid brokers", line: 2, want: `a list of "host:port" strings`},
		{name: "empty brokers", src: `
brokers = []
topic   = "events"
`, summary: "Invalid brokers", line: 2, want: "at least one broker"},
		{name: "missing topic", src: `
brokers = ["localhost:9092"]
`, summary: "Missing required argument", line: 1, want: `"topic" is required`},
		{name: "bad topic", src: `
brokers = ["localhost:9092"]
topic   = "my events"
`, summary: "Invalid topic", line: 3, want: "only letters, digits"},
		{name: "bad linger", src: `
brokers = ["localhost:9092"]
topic   = "events"
linger  = "soon"
`, summary: "Invalid linger", line: 4, want: `not "soon"`},
		{name: "bad acks", src: `
brokers = ["localhost:9092"]
topic   = "events"
acks    = 1
`, summary: "Invalid acks", line: 4, want: `one of "all", "leader", "none"`},
		{name: "bad batch_bytes", src: `
brokers     = ["localhost:9092"]
topic       = "events"
batch_bytes = 0
`, summary: "Invalid batch_bytes", line: 4, want: "from 512 to"},
		{name: "fractional batch_bytes", src: `
brokers     = ["localhost:9092"]
topic       = "events"
batch_bytes = 1024.5
`, summary: "Invalid batch_bytes", line: 4, want: "a whole number of bytes"},
		{name: "tiny batch_bytes", src: `
brokers     = ["localhost:9092"]
topic       = "events"
batch_bytes = 100
`, summary: "Invalid batch_bytes", line: 4, want: "at least 512"},
		{name: "headers not strings", src: `
brokers = ["localhost:9092"]
topic   = "events"
headers = { n = [1] }
`, summary: "Invalid headers", line: 4, want: "a map of strings"},
		{name: "partitions without create_topic", src: `
brokers    = ["localhost:9092"]
topic      = "events"
partitions = 3
`, summary: "Ignored partitions", line: 4, isWarning: true, want: "set create_topic = true"},
		{name: "unknown attribute", src: `
brokers = ["localhost:9092"]
topic   = "events"
lingr   = "5ms"
`, summary: "Unsupported argument", line: 4, want: `"lingr" is not expected`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, diags := kafkaType().New(Decl{Name: "events", Type: "kafka", Stream: kafkaStream(), Body: parseBody(t, tc.src)})
			if tc.summary == "" {
				if len(diags) > 0 {
					t.Fatal(diags)
				}
				if got := s.Describe(); got != tc.want {
					t.Errorf("Describe() = %q, want %q", got, tc.want)
				}
				if tc.checkSpecs != nil {
					tc.checkSpecs(t, s.(*kafkaSink).spec)
				}
				return
			}
			if len(diags) != 1 {
				t.Fatalf("want one diagnostic, got %d: %v", len(diags), diags)
			}
			d := diags[0]
			if d.Summary != tc.summary || !strings.Contains(d.Detail, tc.want) {
				t.Errorf("got %q: %q\nwant %q: …%s…", d.Summary, d.Detail, tc.summary, tc.want)
			}
			if (d.Severity == hcl.DiagWarning) != tc.isWarning {
				t.Errorf("severity %v", d.Severity)
			}
			if d.Subject == nil || d.Subject.Start.Line != tc.line {
				t.Errorf("subject %v, want line %d", d.Subject, tc.line)
			}
		})
	}
}

func TestKafkaEncoderFraming(t *testing.T) {
	st := kafkaStream()
	tf := stdlib.NewTimeFormatter(time.UTC)
	plain := NewJSONEncoder(st, tf)
	for _, tc := range []struct {
		name, key string
		rec       *rec.Record
		wantKey   string
		noKey     bool
	}{
		{"string key", "user_id", kafkaRecord(st, 1), "user_1", false},
		{"int key as JSON", "n", kafkaRecord(st, 42), "42", false},
		{"time key without quotes", "at", kafkaRecord(st, 3), "2025-08-15T00:00:00.037+00:00", false},
		{"object key as JSON", "ctx", kafkaRecord(st, 3), `{"page":"main \"ü\""}`, false},
		{"null key", "user_id", kafkaRecord(st, 5), "", true},
		{"emit without the field", "user_id", kafkaRecord(st, 9), "", true},
		{"no key configured", "", kafkaRecord(st, 1), "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			enc := newKafkaEncoder(st, tc.key, tf)
			prefix := []byte("previous record")
			got := enc.Encode(append([]byte(nil), prefix...), tc.rec)
			if !bytes.HasPrefix(got, prefix) {
				t.Fatal("Encode must append to dst")
			}
			got = got[len(prefix):]
			n := binary.LittleEndian.Uint32(got)
			body := got[4:]
			var key []byte
			if n == kafkaNoKey {
				if !tc.noKey {
					t.Fatalf("no key, want %q", tc.wantKey)
				}
			} else {
				if tc.noKey {
					t.Fatalf("key %q, want none", body[:n])
				}
				key, body = body[:n], body[n:]
			}
			if string(key) != tc.wantKey {
				t.Errorf("key %q, want %q", key, tc.wantKey)
			}
			want := bytes.TrimSuffix(plain.Encode(nil, tc.rec), []byte("\n"))
			if !bytes.Equal(body, want) {
				t.Errorf("value %s, want %s", body, want)
			}
		})
	}
}

// produce encodes records from..to through the sink, as the engine does,
// and stops at the first Write error.
func produce(t testing.TB, s Sink, st *rec.Stream, from, to int) error {
	t.Helper()
	return produceRecords(s, time.UTC, from, to, func(i int) *rec.Record { return kafkaRecord(st, i) })
}

// consumeAll reads every record of topic, waiting up to a few seconds for
// want records (and a little longer for any extra).
func consumeAll(t *testing.T, addrs []string, topic string, want int) []*kgo.Record {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addrs...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxWait(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var out []*kgo.Record
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		fs := cl.PollFetches(ctx)
		cancel()
		for _, e := range fs.Errors() {
			if !errors.Is(e.Err, context.DeadlineExceeded) {
				t.Fatalf("consume: %v", e.Err)
			}
		}
		n := len(out)
		out = append(out, fs.Records()...)
		if len(out) >= want && len(out) == n { // nothing more after reaching want
			break
		}
	}
	return out
}

func TestKafkaSinkRoundTrip(t *testing.T) {
	const total = 10000
	for _, tc := range []struct {
		name  string
		attrs string
		seed  bool // seed the topic with 3 partitions, else the sink creates it
		parts int
	}{
		{name: "snappy acks all idempotent", seed: true, parts: 3, attrs: `
key     = "user_id"
headers = { source = "scen", run = "test" }`},
		{name: "zstd acks leader created topic", parts: 4, attrs: `
key          = "user_id"
compression  = "zstd"
acks         = "leader"
create_topic = true
partitions   = 4
replication  = 1`},
		{name: "gzip no key", seed: true, parts: 3, attrs: `
compression = "gzip"
headers     = { source = "scen" }`},
		{name: "lz4 small batches", seed: true, parts: 3, attrs: `
key         = "user_id"
compression = "lz4"
batch_bytes = 16384
linger      = "0s"`},
		{name: "uncompressed acks none", seed: true, parts: 3, attrs: `
key         = "user_id"
compression = "none"
acks        = "none"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := []kfake.Opt{kfake.NumBrokers(1)}
			if tc.seed {
				opts = append(opts, kfake.SeedTopics(int32(tc.parts), "events"))
			}
			c, err := kfake.NewCluster(opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			addrs := c.ListenAddrs()
			s := newKafkaSink(t, fmt.Sprintf("brokers = [%q]\ntopic = \"events\"\n%s\n", addrs[0], tc.attrs))
			if err := s.Open(RunInfo{Shards: 1}); err != nil {
				t.Fatal(err)
			}
			st := s.stream
			if err := produce(t, s, st, 0, total); err != nil {
				t.Fatal(err)
			}
			res, err := s.Close()
			if err != nil {
				t.Fatal(err)
			}
			if res.Records != total {
				t.Errorf("Result.Records = %d, want %d", res.Records, total)
			}

			// What the consumer reads is exactly what was written.
			plain := NewJSONEncoder(st, stdlib.NewTimeFormatter(time.UTC))
			type want struct {
				key []byte
				ts  int64
			}
			wants := map[string]want{}
			var valueBytes int64
			for i := 0; i < total; i++ {
				r := kafkaRecord(st, i)
				v := bytes.TrimSuffix(plain.Encode(nil, r), []byte("\n"))
				valueBytes += int64(len(v))
				w := want{ts: r.Time}
				if s.spec.key != "" && r.Emit.ID == 0 && r.Vals[0].K == stdlib.String {
					w.key = []byte(r.Vals[0].S)
				}
				wants[string(v)] = w
			}
			if res.Bytes != valueBytes {
				t.Errorf("Result.Bytes = %d, want %d", res.Bytes, valueBytes)
			}
			got := consumeAll(t, addrs, "events", total)
			if len(got) != total {
				t.Fatalf("consumed %d records, want %d", len(got), total)
			}
			lastTS := map[int32]int64{}
			parts := map[int32]bool{}
			for _, r := range got {
				w, ok := wants[string(r.Value)]
				if !ok {
					t.Fatalf("unexpected or duplicate value %s", r.Value)
				}
				delete(wants, string(r.Value))
				if !bytes.Equal(r.Key, w.key) || (w.key == nil) != (r.Key == nil) {
					t.Errorf("key %q, want %q (value %s)", r.Key, w.key, r.Value)
				}
				if r.Timestamp.UnixMilli() != w.ts {
					t.Errorf("timestamp %d, want %d", r.Timestamp.UnixMilli(), w.ts)
				}
				if r.Timestamp.UnixMilli() < lastTS[r.Partition] {
					t.Errorf("partition %d goes back in time", r.Partition)
				}
				lastTS[r.Partition] = r.Timestamp.UnixMilli()
				parts[r.Partition] = true
				if len(r.Headers) != len(s.spec.headers) {
					t.Fatalf("headers %v, want %v", r.Headers, s.spec.headers)
				}
				for i, h := range r.Headers {
					if h.Key != s.spec.headers[i].Key || !bytes.Equal(h.Value, s.spec.headers[i].Value) {
						t.Errorf("header %q=%q, want %q=%q", h.Key, h.Value, s.spec.headers[i].Key, s.spec.headers[i].Value)
					}
				}
			}
			if len(parts) != tc.parts {
				t.Errorf("records landed in %d partitions, want %d", len(parts), tc.parts)
			}
		})
	}
}

// TestKafkaSameKeySamePartition: a key always maps to one partition, so a
// consumer sees each key's events in time order.
func TestKafkaSameKeySamePartition(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(8, "events"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s := newKafkaSink(t, fmt.Sprintf("brokers = [%q]\ntopic = \"events\"\nkey = \"user_id\"\n", c.ListenAddrs()[0]))
	if err := s.Open(RunInfo{Shards: 1}); err != nil {
		t.Fatal(err)
	}
	if err := produce(t, s, s.stream, 0, 3000); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Close(); err != nil {
		t.Fatal(err)
	}
	where := map[string]int32{}
	for _, r := range consumeAll(t, c.ListenAddrs(), "events", 3000) {
		if r.Key == nil {
			continue
		}
		if p, ok := where[string(r.Key)]; ok && p != r.Partition {
			t.Fatalf("key %s in partitions %d and %d", r.Key, p, r.Partition)
		}
		where[string(r.Key)] = r.Partition
	}
	if len(where) != 97 {
		t.Errorf("%d keys", len(where))
	}
}

func TestKafkaOpenFailures(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "events"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	live := c.ListenAddrs()[0]
	for _, tc := range []struct {
		name  string
		src   string
		wants []string
	}{
		{"unreachable broker", `brokers = ["127.0.0.1:1"]
topic = "events"`, []string{"cannot reach broker(s) 127.0.0.1:1", "127.0.0.1:1"}},
		{"missing topic", fmt.Sprintf(`brokers = [%q]
topic = "evnets"`, live), []string{live, `topic "evnets" does not exist; create it or set create_topic = true`}},
		{"bad partitions for creation", fmt.Sprintf(`brokers = [%q]
topic = "fresh"
create_topic = true
replication = 3`, live), []string{`cannot create topic "fresh"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newKafkaSink(t, tc.src)
			start := time.Now()
			err := s.Open(RunInfo{Shards: 1})
			if err == nil {
				s.Abort()
				t.Fatal("Open succeeded")
			}
			if d := time.Since(start); d > kafkaOpenTimeout+time.Second {
				t.Errorf("Open took %s", d)
			}
			for _, w := range tc.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			s.Abort() // harmless after a failed Open
		})
	}
}

// TestKafkaClusterDiesMidRun: the broker goes away after some records were
// acknowledged. The run must fail with delivered and undelivered counts, and
// the delivered count must be exactly what a consumer can read once the
// broker is back (kfake persists its log in a data directory).
func TestKafkaClusterDiesMidRun(t *testing.T) {
	for _, tc := range []struct {
		name, attrs string
		total       int
		writeFails  bool // more records than the client buffers: Write must fail
	}{
		{"acks all idempotent", "", 10000, false},
		{"acks leader", `acks = "leader"`, 10000, false},
		{"Write fails once the buffer is full", "", 70000, true}, // franz-go buffers 50 000
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func(d time.Duration) { kafkaDeliveryTimeout = d }(kafkaDeliveryTimeout)
			kafkaDeliveryTimeout = 2 * time.Second
			dir := t.TempDir()
			c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(2, "events"), kfake.DataDir(dir))
			if err != nil {
				t.Fatal(err)
			}
			s := newKafkaSink(t, fmt.Sprintf("brokers = [%q]\ntopic = \"events\"\nkey = \"user_id\"\n%s\n", c.ListenAddrs()[0], tc.attrs))
			if err := s.Open(RunInfo{Shards: 1}); err != nil {
				t.Fatal(err)
			}
			const before = 4000
			total := tc.total
			if err := produce(t, s, s.stream, 0, before); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			err = s.client.Flush(ctx)
			cancel()
			if err != nil || s.delivered.Load() != before {
				t.Fatalf("flush: %v, %d delivered", err, s.delivered.Load())
			}
			c.Close()

			// The engine stops at the first Write error and aborts; Close
			// must still account for everything when called instead.
			werr := produce(t, s, s.stream, before, total)
			if (werr != nil) != tc.writeFails {
				t.Errorf("Write error %v, want one: %v", werr, tc.writeFails)
			}
			if werr != nil {
				t.Logf("Write: %v", werr)
				// Of the records handed to Write, the refused one included
				// (as the run's "delivered X of N records" counts them).
				want := fmt.Sprintf("failed after %d of %d records were delivered: ", before, s.produced.Load()+1)
				if !strings.Contains(werr.Error(), want) {
					t.Errorf("Write error without counts: %v", werr)
				}
			}
			produced := s.produced.Load()
			start := time.Now()
			res, err := s.Close()
			t.Logf("Close after %s: %v", time.Since(start).Round(time.Millisecond), err)
			if err == nil {
				t.Fatal("Close succeeded after the cluster died")
			}
			if res.Records != s.delivered.Load() || res.Records != before {
				t.Errorf("Result.Records = %d, delivered callbacks %d, want %d", res.Records, s.delivered.Load(), before)
			}
			want := fmt.Sprintf("kafka sink: %d of %d records delivered to topic \"events\", %d failed: ", res.Records, produced, produced-res.Records)
			if !strings.HasPrefix(err.Error(), want) {
				t.Errorf("Close error %q, want prefix %q", err, want)
			}
			if res.Records+s.failed.Load() != produced {
				t.Errorf("%d delivered + %d failed != %d produced", res.Records, s.failed.Load(), produced)
			}

			c2, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.DataDir(dir))
			if err != nil {
				t.Fatal(err)
			}
			defer c2.Close()
			if got := consumeAll(t, c2.ListenAddrs(), "events", int(res.Records)); int64(len(got)) != res.Records {
				t.Errorf("restarted cluster holds %d records, the sink reported %d delivered", len(got), res.Records)
			}
		})
	}
}

// TestKafkaRecordTooLarge: a record the client refuses is counted as
// failed and fails the run; the others are delivered.
func TestKafkaRecordTooLarge(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "events"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s := newKafkaSink(t, fmt.Sprintf("brokers = [%q]\ntopic = \"events\"\nbatch_bytes = 512\n", c.ListenAddrs()[0]))
	if err := s.Open(RunInfo{Shards: 1}); err != nil {
		t.Fatal(err)
	}
	enc := s.NewEncoder(stdlib.NewTimeFormatter(time.UTC))
	var werr error
	for i := 0; i < 20 && werr == nil; i++ {
		r := kafkaRecord(s.stream, i)
		if i == 3 {
			r.Vals[4] = stdlib.StrV(strings.Repeat("x", 2000))
		}
		werr = s.Write(r.Time, enc.Encode(nil, r))
	}
	res, err := s.Close()
	t.Logf("Write: %v\nClose: %v", werr, err)
	if err == nil || !strings.Contains(err.Error(), "1 failed: ") || !strings.Contains(err.Error(), "MESSAGE_TOO_LARGE") {
		t.Fatalf("Close error %v", err)
	}
	if res.Records != s.produced.Load()-1 {
		t.Errorf("%d delivered of %d", res.Records, s.produced.Load())
	}
}

const (
	kafkaUser     = "alice"
	kafkaPassword = "s3cr3t-Horse-Battery"
	wrongPassword = "wr0ng-Staple-Guess"
)

// TestKafkaSecretsNeverLeak: the SASL password appears in no error and no
// description, whatever fails.
func TestKafkaSecretsNeverLeak(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "events"),
		kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-256", kafkaUser, kafkaPassword))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	live := c.ListenAddrs()[0]
	noSecret := func(t *testing.T, what, text string) {
		t.Helper()
		for _, p := range []string{kafkaPassword, wrongPassword} {
			if strings.Contains(text, p) {
				t.Errorf("%s contains the password: %s", what, text)
			}
		}
	}
	for _, tc := range []struct {
		name, broker, mech, pass string
		openErr                  string
	}{
		{"wrong password", live, "SCRAM-SHA-256", wrongPassword, "cannot reach"},
		{"wrong mechanism", live, "PLAIN", kafkaPassword, "cannot reach"},
		{"unreachable", "127.0.0.1:1", "SCRAM-SHA-512", kafkaPassword, "127.0.0.1:1"},
		{"unknown mechanism", live, "GSSAPI", kafkaPassword, `KAFKA_SASL_MECHANISM="GSSAPI" is not supported`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("KAFKA_SASL_MECHANISM", tc.mech)
			t.Setenv("KAFKA_USERNAME", kafkaUser)
			t.Setenv("KAFKA_PASSWORD", tc.pass)
			s := newKafkaSink(t, fmt.Sprintf("brokers = [%q]\ntopic = \"events\"\n", tc.broker))
			err := s.Open(RunInfo{Shards: 1})
			if err == nil {
				s.Abort()
				t.Fatal("Open succeeded")
			}
			t.Log(err)
			if !strings.Contains(err.Error(), tc.openErr) {
				t.Errorf("error %q does not contain %q", err, tc.openErr)
			}
			noSecret(t, "Open error", err.Error())
			noSecret(t, "Describe()", s.Describe())
		})
	}

	t.Run("authenticated run that fails", func(t *testing.T) {
		defer func(d time.Duration) { kafkaDeliveryTimeout = d }(kafkaDeliveryTimeout)
		kafkaDeliveryTimeout = time.Second
		t.Setenv("KAFKA_SASL_MECHANISM", "SCRAM-SHA-256")
		t.Setenv("KAFKA_USERNAME", kafkaUser)
		t.Setenv("KAFKA_PASSWORD", kafkaPassword)
		c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "events"),
			kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-256", kafkaUser, kafkaPassword))
		if err != nil {
			t.Fatal(err)
		}
		s := newKafkaSink(t, fmt.Sprintf("brokers = [%q]\ntopic = \"events\"\nkey = \"user_id\"\n", c.ListenAddrs()[0]))
		if err := s.Open(RunInfo{Shards: 1}); err != nil {
			c.Close()
			t.Fatal(err)
		}
		d := s.Describe()
		if !strings.Contains(d, `SASL/SCRAM-SHA-256 as "alice"`) {
			t.Errorf("Describe() = %q", d)
		}
		noSecret(t, "Describe()", d)
		if err := produce(t, s, s.stream, 0, 100); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		s.client.Flush(ctx)
		cancel()
		c.Close()
		werr := produce(t, s, s.stream, 100, 200)
		_, cerr := s.Close()
		if cerr == nil {
			t.Fatal("Close succeeded")
		}
		noSecret(t, "Close error", cerr.Error())
		if werr != nil {
			noSecret(t, "Write error", werr.Error())
		}
	})

	t.Run("an error quoting the password is scrubbed", func(t *testing.T) {
		s := &kafkaSink{spec: kafkaSpec{topic: "events"}, password: kafkaPassword}
		leak := fmt.Errorf("broker said: bad password %q", kafkaPassword)
		s.firstErr.Store(&leak)
		err := s.Write(0, []byte{0xff, 0xff, 0xff, 0xff, '{', '}'})
		if err == nil {
			t.Fatal("Write succeeded")
		}
		noSecret(t, "Write error", err.Error())
		if !strings.Contains(err.Error(), "bad password") {
			t.Errorf("scrubbing lost the message: %v", err)
		}
	})
}

// TestKafkaTLS: KAFKA_TLS=1 verifies the broker's certificate against the
// system roots (a self-signed one fails); KAFKA_TLS_INSECURE=1 skips it.
func TestKafkaTLS(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kfake"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "events"),
		kfake.TLS(&tls.Config{Certificates: []tls.Certificate{cert}}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	src := fmt.Sprintf("brokers = [%q]\ntopic = \"events\"\n", c.ListenAddrs()[0])
	t.Setenv("KAFKA_TLS", "1")

	t.Run("verified", func(t *testing.T) {
		s := newKafkaSink(t, src)
		err := s.Open(RunInfo{Shards: 1})
		if err == nil {
			s.Abort()
			t.Fatal("Open trusted a self-signed certificate")
		}
		if !strings.Contains(err.Error(), "certificate") {
			t.Errorf("error does not mention the certificate: %v", err)
		}
	})
	t.Run("insecure", func(t *testing.T) {
		t.Setenv("KAFKA_TLS_INSECURE", "1")
		s := newKafkaSink(t, src)
		if err := s.Open(RunInfo{Shards: 1}); err != nil {
			t.Fatal(err)
		}
		if d := s.Describe(); !strings.HasSuffix(d, ", TLS without verification") {
			t.Errorf("Describe() = %q", d)
		}
		if err := produce(t, s, s.stream, 0, 500); err != nil {
			t.Fatal(err)
		}
		if res, err := s.Close(); err != nil || res.Records != 500 {
			t.Fatalf("%d records, %v", res.Records, err)
		}
	})
}

func TestKafkaAbortIsQuick(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "events"))
	if err != nil {
		t.Fatal(err)
	}
	s := newKafkaSink(t, fmt.Sprintf("brokers = [%q]\ntopic = \"events\"\n", c.ListenAddrs()[0]))
	if err := s.Open(RunInfo{Shards: 1}); err != nil {
		t.Fatal(err)
	}
	c.Close()
	if err := produce(t, s, s.stream, 0, 1000); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	s.Abort()
	if d := time.Since(start); d > kafkaAbortWait+time.Second {
		t.Errorf("Abort took %s", d)
	}
	s.Abort()
}

// TestKafkaGiveUp: with the broker gone, Close waits for the delivery
// timeout, unless RunInfo.GiveUp is closed (a second interrupt): then it
// returns at once, counting the unacknowledged records as failed. With
// the broker up, GiveUp after every acknowledgement changes nothing.
func TestKafkaGiveUp(t *testing.T) {
	for _, tc := range []struct {
		name        string
		brokerGone  bool
		wantErr     string
		wantRecords int64
	}{
		{"broker gone", true, "stopped waiting for broker(s) ", 0},
		{"broker up", false, "", 1000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "events"))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			s := newKafkaSink(t, fmt.Sprintf("brokers = [%q]\ntopic = \"events\"\ndelivery_timeout = \"1h\"\n", c.ListenAddrs()[0]))
			giveUp := make(chan struct{})
			if err := s.Open(RunInfo{Shards: 1, GiveUp: giveUp}); err != nil {
				t.Fatal(err)
			}
			if tc.brokerGone {
				c.Close()
			}
			if err := produce(t, s, s.stream, 0, 1000); err != nil {
				t.Fatal(err)
			}
			if !tc.brokerGone {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				s.client.Flush(ctx)
				cancel()
			}
			time.AfterFunc(200*time.Millisecond, func() { close(giveUp) })
			start := time.Now()
			res, err := s.Close()
			if d := time.Since(start); d > 200*time.Millisecond+kafkaAbortWait+2*time.Second {
				t.Errorf("Close took %s after giving up", d)
			}
			if res.Records != tc.wantRecords {
				t.Errorf("delivered %d, want %d", res.Records, tc.wantRecords)
			}
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("Close: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("Close error %v, want one with %q", err, tc.wantErr)
			case tc.wantErr != "" && !strings.Contains(err.Error(), "0 of 1000 records delivered to topic \"events\", 1000 failed"):
				t.Errorf("Close error %v lacks the counts", err)
			}
		})
	}
}

// TestKafkaFlush: at an --interval boundary the engine calls Flush, which
// sends what lingers and returns once every record so far is acknowledged
// (docs/streaming.md promised it; the sink had no Flush, so an interval's
// records went out whenever linger said). A broker gone fails it after
// delivery_timeout, with the counts.
func TestKafkaFlush(t *testing.T) {
	for _, tc := range []struct {
		name       string
		brokerGone bool
		wantErr    string
	}{
		{"records lingering for a minute are delivered", false, ""},
		{"broker gone", true, "kafka sink: flushing topic \"events\" at an interval boundary failed after 0 of 500 records were delivered: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "events"))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			s := newKafkaSink(t, fmt.Sprintf("brokers = [%q]\ntopic = \"events\"\nlinger = \"1m\"\ndelivery_timeout = \"1s\"\n", c.ListenAddrs()[0]))
			if err := s.Open(RunInfo{Shards: 1}); err != nil {
				t.Fatal(err)
			}
			defer s.Abort()
			if tc.brokerGone {
				c.Close()
			}
			if err := produce(t, s, s.stream, 0, 500); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			err = s.Flush()
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("Flush took %v", d)
			}
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("Flush: %v", err)
			case tc.wantErr == "" && s.delivered.Load() != 500:
				t.Fatalf("%d of 500 delivered after Flush", s.delivered.Load())
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("Flush error %v, want one with %q", err, tc.wantErr)
			}
			if tc.wantErr == "" {
				if got := consumeAll(t, c.ListenAddrs(), "events", 500); len(got) != 500 {
					t.Errorf("the topic holds %d records", len(got))
				}
			}
		})
	}
}

// BenchmarkKafkaSink produces 200 000 pre-encoded records per iteration
// through the sink to kfake and waits for every acknowledgement.
func BenchmarkKafkaSink(b *testing.B) {
	const n = 200000
	for _, bc := range []struct {
		name  string
		opts  []kfake.Opt
		attrs string
	}{
		{"snappy", nil, ""},
		{"snappy-blackhole", []kfake.Opt{kfake.BlackholeProduce()}, ""},
		{"zstd-blackhole", []kfake.Opt{kfake.BlackholeProduce()}, `compression = "zstd"`},
		{"none-blackhole", []kfake.Opt{kfake.BlackholeProduce()}, `compression = "none"`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c, err := kfake.NewCluster(append([]kfake.Opt{kfake.NumBrokers(1), kfake.SeedTopics(6, "events")}, bc.opts...)...)
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			s := newKafkaSink(b, fmt.Sprintf("brokers = [%q]\ntopic = \"events\"\nkey = \"user_id\"\n%s\n", c.ListenAddrs()[0], bc.attrs))
			enc := s.NewEncoder(stdlib.NewTimeFormatter(time.UTC))
			var frames []byte
			ends := make([]int, n)
			ts := make([]int64, n)
			for i := 0; i < n; i++ {
				r := kafkaRecord(s.stream, i)
				frames = enc.Encode(frames, r)
				ends[i], ts[i] = len(frames), r.Time
			}
			b.SetBytes(int64(len(frames))) // per iteration of n records
			var total int64
			var elapsed time.Duration
			for b.Loop() {
				start := time.Now()
				if err := s.Open(RunInfo{Shards: 1}); err != nil {
					b.Fatal(err)
				}
				from := 0
				for i, end := range ends {
					if err := s.Write(ts[i], frames[from:end]); err != nil {
						b.Fatal(err)
					}
					from = end
				}
				res, err := s.Close()
				if err != nil {
					b.Fatal(err)
				}
				total += res.Records
				elapsed += time.Since(start)
			}
			b.ReportMetric(float64(total)/elapsed.Seconds(), "records/s")
		})
	}
}
