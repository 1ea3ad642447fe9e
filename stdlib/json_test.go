package stdlib

import (
	"encoding/json"
	"testing"
)

// TestAppendJSONString: the output is valid JSON that decodes to the input
// (invalid UTF-8 becomes U+FFFD, as encoding/json does), for strings that
// put every kind of special byte at every offset of the 8-byte scan.
func TestAppendJSONString(t *testing.T) {
	specials := []string{"\"", "\\", "\n", "\x00", "\x1f", "é", "\u2028", "\xff", "~", " "}
	for _, sp := range specials {
		for pre := 0; pre < 17; pre++ {
			in := ""
			for k := 0; k < pre; k++ {
				in += "a"
			}
			in += sp + "tail-01234567"
			out := AppendJSONString(nil, in)
			var got string
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("%q → %s: %v", in, out, err)
			}
			want, _ := json.Marshal(in)
			var std string
			json.Unmarshal(want, &std)
			if got != std {
				t.Fatalf("%q → %q, want %q", in, got, std)
			}
		}
	}
	if SafePrefix("abcdefghijklmnop") != 16 || SafePrefix("abcdefg\"ijk") != 7 {
		t.Fatal("safePrefix")
	}
}
