package stdlib

import (
	"fmt"
	"math"
	"strconv"
	"testing"

	"github.com/scenhq/scen/internal/guardtest"
)

// atEnd is a slice of len n and capacity n+room whose capacity ends where
// page does (nothing may be written past it).
func atEnd(page []byte, n, room int) []byte {
	for i := range page {
		page[i] = 'x'
	}
	return page[len(page)-n-room:][: n : n+room]
}

// TestUnsafeAppendsStayInBounds: AppendFloat, AppendHex and AppendUUIDBits
// write whole words; with dst's capacity ending at an unmapped page they
// must neither write past it nor produce other bytes than the plain
// appends, for every room left in dst.
func TestUnsafeAppendsStayInBounds(t *testing.T) {
	page := guardtest.Page(t)
	floats := []float64{0.5, -0.000001, 1e-7, 2251799813.685247, -1099511627775.25, 123456789.123456, 7, -9.5, 1e21, math.NaN(), 0, math.Copysign(0, -1)}
	r := NewRand(11)
	for i := 0; i < 2000; i++ {
		d := int(r.Uint64n(9))
		f := float64(int64(r.Uint64n(1<<50))-1<<49) / math.Pow10(d)
		floats = append(floats, f)
	}
	for _, f := range floats {
		want := "ab" + strconv.FormatFloat(f, 'f', -1, 64)
		if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
			want = "ab" + strconv.FormatFloat(f, 'e', -1, 64)
		} else if math.IsNaN(f) {
			want = "abnull"
		}
		for room := 0; room <= 40; room++ {
			dst := atEnd(page, 2, room)
			copy(dst, "ab")
			if got := string(AppendFloat(dst, f)); got != want {
				t.Fatalf("AppendFloat(%v) with room %d = %s, want %s", f, room, got, want)
			}
		}
	}
	for n := 0; n <= 70; n++ {
		// The reference: 16 digits per word drawn, the last word cut.
		want := "ab"
		ref := NewRand(uint64(n))
		for k := n; k > 0; k -= 16 {
			want += fmt.Sprintf("%016x", ref.Uint64())[:min(k, 16)]
		}
		for room := 0; room <= n+2; room++ {
			dst := atEnd(page, 2, room)
			copy(dst, "ab")
			r := NewRand(uint64(n))
			if got := string(AppendHex(dst, &r, n)); got != want {
				t.Fatalf("AppendHex(%d) with room %d = %s, want %s", n, room, got, want)
			}
		}
	}
	x, y := uint64(0x0123456789abcdef), uint64(0xfedcba9876543210)
	want := "ab" + "01234567-89ab-4def-bedc-ba9876543210"
	for room := 0; room <= 40; room++ {
		dst := atEnd(page, 2, room)
		copy(dst, "ab")
		if got := string(AppendUUIDBits(dst, x, y)); got != want {
			t.Fatalf("AppendUUIDBits with room %d = %s, want %s", room, got, want)
		}
	}
}
