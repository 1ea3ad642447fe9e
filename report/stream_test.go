package report

import (
	"testing"

	"github.com/scenhq/scen/engine"
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
