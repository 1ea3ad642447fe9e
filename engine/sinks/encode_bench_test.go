package sinks

import (
	"fmt"
	"testing"
	"time"

	"github.com/scenhq/scen/engine/rec"
	"github.com/scenhq/scen/stdlib"
)

// BenchmarkJSONEncodeClickstream encodes clickstream's event: five plain
// strings and a timestamp, into a buffer the size of a worker's chunk.
func BenchmarkJSONEncodeClickstream(b *testing.B) {
	for _, bufSize := range []int{64 << 10, 1 << 20} {
		b.Run(fmt.Sprintf("buf=%dKiB", bufSize>>10), func(b *testing.B) { benchClickstream(b, bufSize) })
	}
}

func benchClickstream(b *testing.B, bufSize int) {
	names := []string{"user_id", "session_id", "event_id", "timestamp", "url", "event_type"}
	fields := make([]*rec.Field, len(names))
	for i, n := range names {
		fields[i] = &rec.Field{Name: n, Kind: rec.Leaf, Slot: i}
	}
	s := &rec.Stream{Name: "events", Emits: []*rec.Emit{{ID: 0, Fields: fields}}}
	e := NewJSONEncoder(s, stdlib.NewTimeFormatter(time.UTC))
	vals := []stdlib.Value{
		stdlib.PlainStr("UID-10223"),
		stdlib.PlainStr("s-7857c569-d2a9-41a2-b88d-974c92e23217"),
		stdlib.PlainStr("e-ba7080b3a4c3eef6bdc3bc6fbd9d2e74"),
		stdlib.TimeV(1648080051000),
		stdlib.PlainStr("/product"),
		stdlib.PlainStr("page_view"),
	}
	benchEncode(b, e, &rec.Record{Emit: s.Emits[0], Vals: vals}, 3, bufSize)
}

// benchEncode encodes r over and over into a buffer of bufSize bytes
// (emptied when nearly full), a second later each time: the value in slot
// ts is the record's timestamp.
func benchEncode(b *testing.B, e Encoder, r *rec.Record, ts, bufSize int) {
	buf := make([]byte, 0, bufSize)
	b.ReportAllocs()
	for b.Loop() {
		if len(buf) > bufSize-4096 {
			buf = buf[:0]
		}
		r.Time++
		r.Vals[ts].I += 1000
		buf = e.Encode(buf, r)
	}
}

// BenchmarkHandEncodeFloor appends the same record by hand, without the
// program: what encoding costs without interpretation.
func BenchmarkHandEncodeFloor(b *testing.B) {
	tf := stdlib.NewTimeFormatter(time.UTC)
	vals := []string{"UID-10223", "s-7857c569-d2a9-41a2-b88d-974c92e23217", "e-ba7080b3a4c3eef6bdc3bc6fbd9d2e74", "", "/product", "page_view"}
	keys := []string{`{"user_id":"`, `","session_id":"`, `","event_id":"`, `","timestamp":"`, `","url":"`, `","event_type":"`}
	buf := make([]byte, 0, 64<<10)
	ts := int64(1648080051000)
	for b.Loop() {
		if len(buf) > 60<<10 {
			buf = buf[:0]
		}
		ts += 1000
		for i, k := range keys {
			buf = append(buf, k...)
			if i == 3 {
				buf = tf.Append(buf, ts)
			} else {
				buf = append(buf, vals[i]...)
			}
		}
		buf = append(buf, "\"}\n"...)
	}
}

// BenchmarkCSVEncodeBank encodes one of bank's offline transactions: a
// UUID, a timestamp, short ids and names, three floats, nulls and
// constants.
func BenchmarkCSVEncodeBank(b *testing.B) {
	names := []string{"transaction_id", "timestamp", "client_id", "merchant_id", "device_id", "category", "channel",
		"amount", "city", "lat", "lon", "ip", "is_fraud", "fraud_type"}
	fields := make([]*rec.Field, len(names))
	cols := make([]rec.Column, len(names))
	for i, n := range names {
		fields[i] = &rec.Field{Name: n, Kind: rec.Leaf, Slot: i}
		cols[i] = rec.Column{Name: n}
	}
	channel, fraud := stdlib.PlainStr("offline"), stdlib.BoolV(false)
	fields[6].Const, fields[12].Const = &channel, &fraud
	s := &rec.Stream{Name: "transactions", Columns: cols, Emits: []*rec.Emit{{ID: 0, Fields: fields}}}
	e := NewCSVEncoder(s, stdlib.NewTimeFormatter(time.UTC))
	vals := []stdlib.Value{
		stdlib.PlainStr("4f0c7d2e-8a51-4c8e-9d3b-2b7e6f1a9c04"), stdlib.TimeV(1735689600000),
		stdlib.PlainStr("C0001234"), stdlib.PlainStr("M0100042"), stdlib.NullV(),
		stdlib.PlainStr("grocery"), channel, stdlib.FloatV(1234.56), stdlib.PlainStr("Moscow"),
		stdlib.FloatV(55.75123), stdlib.FloatV(37.61234), stdlib.NullV(), fraud, stdlib.NullV(),
	}
	r := &rec.Record{Emit: s.Emits[0], Vals: vals}
	buf := make([]byte, 0, 1<<20)
	b.ReportAllocs()
	for b.Loop() {
		if len(buf) > 1<<20-4096 {
			buf = buf[:0]
		}
		vals[1].I += 7000
		buf = e.Encode(buf, r)
	}
}

// BenchmarkJSONEncodeRecipe encodes recipe's view_recipe_list event: six
// plain strings and a timestamp, a json(...) context with a nested object
// and two members left out as null, and json(...) properties with a null
// member and a list of ten ids.
func BenchmarkJSONEncodeRecipe(b *testing.B) {
	leaf := func(name string, slot int) *rec.Field { return &rec.Field{Name: name, Kind: rec.Leaf, Slot: slot} }
	obj := func(name string, kind rec.FieldKind, c ...*rec.Field) *rec.Field {
		return &rec.Field{Name: name, Kind: kind, Children: c}
	}
	name := stdlib.PlainStr("view_recipe_list")
	fields := []*rec.Field{
		{Name: "event_name", Kind: rec.Leaf, Slot: 0, Const: &name},
		leaf("event_id", 1), leaf("user_id", 2), leaf("anonymous_id", 3), leaf("session_id", 4), leaf("timestamp", 5),
		obj("context", rec.JSON, obj("", rec.Object,
			obj("page", rec.Object, leaf("name", 6), leaf("url", 7)),
			leaf("user_segment", 8), leaf("activity_level", 9), leaf("cooking_style", 10),
			leaf("ab_test_group", 11), leaf("ab_test_scenario", 12))),
		obj("event_properties", rec.JSON, obj("", rec.Object,
			leaf("list_type", 13), leaf("dish_type", 14), leaf("displayed_recipe_ids", 15))),
	}
	s := &rec.Stream{Name: "events", Emits: []*rec.Emit{{ID: 0, Fields: fields}}}
	e := NewJSONEncoder(s, stdlib.NewTimeFormatter(time.UTC))
	ids := make([]stdlib.Value, 10)
	for i := range ids {
		ids[i] = stdlib.PlainStr(fmt.Sprintf("R%05d", 1000+i*733))
	}
	vals := []stdlib.Value{
		name,
		stdlib.PlainStr("f0b0cc0b-da36-4172-a176-7930fd4bc213"),
		stdlib.PlainStr("user_811"),
		stdlib.PlainStr("anon_06a1ab518749"),
		stdlib.PlainStr("session_da54b364-ba7b-4963-9874-46dab76c2ecf"),
		stdlib.TimeV(1748703738547),
		stdlib.PlainStr("recipe_list"),
		stdlib.PlainStr("https://reciping.co.kr/recipes"),
		stdlib.PlainStr("FEMALE_20S"),
		stdlib.PlainStr("PASSIVE_BROWSER"),
		stdlib.PlainStr("COMFORT_FOOD"),
		{}, {},
		stdlib.PlainStr("recommended"),
		{},
		stdlib.ListV(ids),
	}
	benchEncode(b, e, &rec.Record{Emit: s.Emits[0], Vals: vals}, 5, 1<<20)
}
