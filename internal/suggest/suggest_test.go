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
