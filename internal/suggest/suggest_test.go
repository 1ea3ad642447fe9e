package suggest

import "testing"

func TestClosest(t *testing.T) {
	opts := []string{"segment", "country", "signup_time", "id"}
	for _, c := range []struct{ given, want string }{
		{"segmnet", "segment"},       // two edits
		{"contry", "country"},        // one
		{"signuptme", "signup_time"}, // two, long name
		{"sgnup_tm", "signup_time"},  // three, long name
		{"xyz", ""},                  // nothing close
		{"idd", "id"},                // one
		{"segment", "segment"},       // exact
		{"abcd", ""},                 // three edits, short name
	} {
		if got := Closest(c.given, opts); got != c.want {
			t.Errorf("Closest(%q) = %q, want %q", c.given, got, c.want)
		}
	}
	// Of options equally close, the longest shared prefix wins, then the
	// earlier option.
	placeholders := []string{"year", "month", "day", "date", "hour", "minute"}
	for _, c := range []struct{ given, want string }{
		{"dat", "date"}, // "date" cut short, not "day" mistyped (one edit each)
		{"dy", "day"},   // one edit from "day", two from "date"
		{"daye", "day"}, // one edit each; "day" is the longer prefix
		{"mnth", "month"},
		{"da", "day"}, // one edit from "day", two from "date"
		{"hours", "hour"},
	} {
		if got := Closest(c.given, placeholders); got != c.want {
			t.Errorf("Closest(%q) = %q, want %q", c.given, got, c.want)
		}
	}
	if got := Closest("x", nil); got != "" {
		t.Errorf("no options: %q", got)
	}
	if got, want := DidYouMean("contry", opts), ` Did you mean "country"?`; got != want {
		t.Errorf("DidYouMean = %q, want %q", got, want)
	}
	if got := DidYouMean("xyz", opts); got != "" {
		t.Errorf("DidYouMean with nothing close = %q", got)
	}
}
