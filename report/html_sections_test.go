package report

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

// TestHTMLSections: each kind of check gets one section, in the order the
// kinds first appear, even when the checks come back to a kind after
// another (recipe's constant fields, then the fields check, then the
// categorical shares); a skipped check's p cell says it has none.
func TestHTMLSections(t *testing.T) {
	r := &Report{Scenario: "s", Stream: "events", Alpha: 0.001, Checks: []Check{
		{Kind: Categorical, Name: "constant", Pass: true, P: math.NaN(), Test: "exact"},
		{Kind: Fields, Name: "fields", Pass: true, P: math.NaN(), Test: "exact"},
		{Kind: Categorical, Name: "shares", Pass: true, P: 0.5, Test: "chi-square GOF"},
		{Kind: ActorShare, Name: "skipped", Pass: true, P: math.NaN(), Test: "none", Detail: "not tested: why"},
	}}
	var b bytes.Buffer
	if err := r.WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, tc := range []struct {
		heading string
		want    int
	}{
		{"<h2>Categorical</h2>", 1},
		{"<h2>Fields</h2>", 1},
		{"<h2>Actor share</h2>", 1},
	} {
		if got := strings.Count(page, tc.heading); got != tc.want {
			t.Errorf("%s appears %d times, want %d", tc.heading, got, tc.want)
		}
	}
	// Sections in first-appearance order, the two categorical cards together.
	order := []string{"<h2>Categorical</h2>", `id="c0"`, `id="c2"`, "<h2>Fields</h2>", `id="c1"`, "<h2>Actor share</h2>", `id="c3"`}
	at := 0
	for _, s := range order {
		i := strings.Index(page[at:], s)
		if i < 0 {
			t.Fatalf("%s not found after offset %d (want order %v)", s, at, order)
		}
		at += i
	}
	rows := map[string]string{"constant": "<td>exact</td>", "shares": "<td>0.5</td>", "skipped": "<td>—</td>"}
	for name, cell := range rows {
		i := strings.Index(page, ">"+name+"</a>")
		if i < 0 {
			t.Fatalf("no table row for %s", name)
		}
		row := page[i : i+strings.Index(page[i:], "</tr>")]
		if !strings.HasSuffix(row, cell) {
			t.Errorf("row %s ends %q, want its p cell %s", name, row, cell)
		}
	}
}
