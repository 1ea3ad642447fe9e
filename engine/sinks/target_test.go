package sinks

import "testing"

// TestSinkTarget: a broker's or a database's sink names its topic or
// table for the run's summary; file sinks name files instead.
func TestSinkTarget(t *testing.T) {
	for _, c := range []struct {
		name string
		sink func(t *testing.T) Sink
		want string // "": not a Targeter
	}{
		{"kafka", func(t *testing.T) Sink {
			s, diags := kafkaType().New(Decl{Name: "bus", Type: "kafka", Stream: kafkaStream(),
				Body: parseBody(t, "brokers = [\"localhost:9092\"]\ntopic = \"events\"\n")})
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			return s
		}, "topic events"},
		{"postgres", func(t *testing.T) Sink { return newPGSink(t, pgStream(), `table = "events"`) }, "table events"},
		{"postgres with a schema", func(t *testing.T) Sink { return newPGSink(t, pgStream(), `table = "analytics.events"`) },
			"table analytics.events"},
		{"file", func(t *testing.T) Sink { return &fileSink{} }, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			tg, ok := c.sink(t).(Targeter)
			switch {
			case c.want == "" && ok:
				t.Errorf("a file sink is a Targeter: %q", tg.Target())
			case c.want != "" && !ok:
				t.Error("not a Targeter")
			case ok && tg.Target() != c.want:
				t.Errorf("Target() = %q, want %q", tg.Target(), c.want)
			}
		})
	}
}
