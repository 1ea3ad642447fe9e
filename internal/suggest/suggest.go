// Package suggest finds the name a misspelt one most likely meant, for
// diagnostics ("Did you mean "segment"?").
package suggest

import (
	"fmt"

	"github.com/agext/levenshtein"
)

// Closest returns the option closest to given by edit distance when it is
// close enough to be a likely typo (at most 2 edits, or 3 for a name
// longer than six characters), else "". Ties go to the earlier option.
func Closest(given string, options []string) string {
	best, bestD := "", 1<<30
	for _, o := range options {
		if d := levenshtein.Distance(given, o, nil); d < bestD {
			best, bestD = o, d
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
