package report

import (
	"testing"
)

// TestSingleOutcomeDetail: a check whose declaration allows one outcome
// (a state with a single possible next state) is an exact test that
// every observation took it; its detail gives n and that outcome, as the
// chi-square checks give n, not only "a single possible outcome".
func TestSingleOutcomeDetail(t *testing.T) {
	b := &builder{opts: Options{Alpha: 0.001}}
	for _, tc := range []struct {
		name   string
		labels []string
		probs  []float64
		counts []int64
		other  int64
		pass   bool
		test   string
		detail string
	}{
		{"one next state", []string{"end"}, []float64{1}, []int64{449}, 0, true, "exact",
			"n=449, all end, the only possible outcome"},
		{"others declared with probability 0", []string{"a", "b", "end"}, []float64{0, 1, 0}, []int64{0, 12, 0}, 0, true, "exact",
			"n=12, all b, the only possible outcome"},
		{"no observation", []string{"end"}, []float64{1}, []int64{0}, 0, true, "exact",
			"n=0, the only possible outcome end"},
		{"one took a probability-0 outcome", []string{"a", "end"}, []float64{0, 1}, []int64{1, 5}, 0, false, "exact",
			"1 records took a, declared with probability 0"},
		{"an undeclared value", []string{"end"}, []float64{1}, []int64{5}, 2, false, "exact",
			"2 of 7 values were never declared"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := b.gof(Transitions, "f: s → next", tc.labels, tc.probs, tc.counts, tc.other)
			if c.Pass != tc.pass || c.Test != tc.test || c.Detail != tc.detail {
				t.Errorf("got pass=%v test=%s %q\nwant pass=%v test=%s %q", c.Pass, c.Test, c.Detail, tc.pass, tc.test, tc.detail)
			}
			if want := tc.counts[0]; len(tc.counts) == 1 && c.N != want+tc.other {
				t.Errorf("n %d, want %d", c.N, want+tc.other)
			}
		})
	}
}
