package engine

import "testing"

// TestSIUnits: plan's estimates stay readable for huge counts (review 29
// #10: count = 1e12 printed "≈2016000.00 G records, ≈247452595.00 GB").
func TestSIUnits(t *testing.T) {
	for _, tc := range []struct {
		x            float64
		count, bytes string
	}{
		{0, "0", "0 B"},
		{999, "999", "999 B"},
		{1500, "1500", "2 kB"},
		{12_345, "12.3 k", "12 kB"},
		{2.5e6, "2.50 M", "2 MB"},
		{7.25e9, "7.25 G", "7.25 GB"},
		{999.99e9, "999.99 G", "999.99 GB"},
		{1e12, "1.00 T", "1.00 TB"},
		{2.016e15, "2.02 P", "2.02 PB"},
		{2.4745259500e17, "247.45 P", "247.45 PB"},
		{3e18, "3.00 E", "3.00 EB"},
		{4.5e24, "4.50e+24", "4.50e+24 B"},
		// Just under a unit: the rounded figure moves one unit up.
		{9_999.6, "10.0 k", "10 kB"},
		{999_960, "1.00 M", "1 MB"},
		{999_600, "999.6 k", "1 MB"},
		{999.996e9, "1.00 T", "1.00 TB"},
		{999.996e15, "1.00 E", "1.00 EB"},
	} {
		if got := siCount(tc.x); got != tc.count {
			t.Errorf("siCount(%g) = %q, want %q", tc.x, got, tc.count)
		}
		if got := siBytes(tc.x); got != tc.bytes {
			t.Errorf("siBytes(%g) = %q, want %q", tc.x, got, tc.bytes)
		}
	}
}
