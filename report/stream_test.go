package report

import (
	"strings"
	"testing"

	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/engine/data"
)

// TestMatchStream: without --stream, the report checks the stream whose
// fields match the files' columns.
func TestMatchStream(t *testing.T) {
	streams := []engine.StreamSpec{
		{Name: "clients", Fields: []string{"client_id", "name", "city", "lat", "lon"}},
		{Name: "devices", Fields: []string{"device_id", "client_id", "type", "os", "ip"}},
		{Name: "transactions", Fields: []string{"transaction_id", "timestamp", "client_id", "merchant_id", "device_id", "amount", "city", "lat", "lon", "ip"}},
	}
	for _, tc := range []struct {
		cols []string
		want string
	}{
		{[]string{"transaction_id", "timestamp", "client_id", "merchant_id", "device_id", "amount", "city", "lat", "lon", "ip"}, "transactions"},
		{[]string{"device_id", "client_id", "type", "os", "ip"}, "devices"},
		{[]string{"client_id", "name", "city", "lat", "lon"}, "clients"},
		{[]string{"client_id", "city"}, "clients"},
		{nil, "clients"},
		{[]string{"foo", "bar"}, ""}, // no stream's: none, not the first
	} {
		got := matchStream(streams, tc.cols)
		if tc.want == "" {
			if got != nil {
				t.Errorf("columns %v: got %s, want none", tc.cols, got.Name)
			}
			continue
		}
		if got == nil || got.Name != tc.want {
			t.Errorf("columns %v: got %v, want %s", tc.cols, got, tc.want)
		}
	}
}

// TestOneStream: files named one by one are matched each on its own
// columns; files of two streams are refused (read as one, the second
// stream's records failed the first's checks), files of one stream, or
// with no records, are not.
func TestOneStream(t *testing.T) {
	streams := []engine.StreamSpec{
		{Name: "readings", Fields: []string{"sensor_id", "site_id", "ts", "status", "value"}},
		{Name: "alerts", Fields: []string{"sensor_id", "at", "severity"}},
	}
	readings := []string{"sensor_id", "site_id", "ts", "status", "value"}
	alerts := []string{"sensor_id", "at", "severity"}
	for _, tc := range []struct {
		name string
		cols [][]string
		want string // part of the error; "" for none
	}{
		{"one file", [][]string{readings}, ""},
		{"two files of one stream", [][]string{readings, readings}, ""},
		{"an empty file beside them", [][]string{readings, nil, readings}, ""},
		{"two streams", [][]string{readings, alerts},
			"r0.jsonl of stream readings, r1.jsonl of stream alerts"},
		{"the second stream after an empty file", [][]string{alerts, nil, readings},
			"r0.jsonl of stream alerts, r2.jsonl of stream readings"},
		{"a file of no stream", [][]string{readings, {"foo"}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := &Input{}
			for k, c := range tc.cols {
				in.Files = append(in.Files, "r"+string(rune('0'+k))+".jsonl")
				in.tables = append(in.tables, &data.Table{Columns: c})
			}
			err := oneStream(streams, in)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("got %v, want no error", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("got %v, want an error with %q", err, tc.want)
			}
		})
	}
}
