// Package suggest finds the name a misspelt one most likely meant, for
// diagnostics ("Did you mean "segment"?").
package suggest

import (
	"fmt"

	"github.com/agext/levenshtein"
)

// Closest returns the option closest to given by edit distance when it is
// close enough to be a likely typo (at most 2 edits, or 3 for a name
// longer than six characters), else "". Of options equally close, the
// one that shares the longest prefix with given wins ("dat" is "date"
// cut short rather than "day" mistyped), then the earlier option.
func Closest(given string, options []string) string {
	best, bestD, bestP := "", 1<<30, 0
	for _, o := range options {
		d := levenshtein.Distance(given, o, nil)
		if d > bestD {
			continue
		}
		if p := commonPrefix(given, o); d < bestD || p > bestP {
			best, bestD, bestP = o, d, p
		}
	}
	if best != "" && (bestD <= 2 || (bestD <= 3 && len(given) > 6)) {
		return best
	}
	return ""
}

// DidYouMean is ` Did you mean "x"?` for Closest's x, or "".
func DidYouMean(given string, options []string) string {
	if s := Closest(given, options); s != "" {
		return fmt.Sprintf(" Did you mean %q?", s)
	}
	return ""
}

// commonPrefix is the length in bytes of the longest common prefix of a
// and b.
func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}
