package main

import (
	"strings"
	"testing"
)

// TestWhereFields: --where names the stream's fields; a name that is not
// one of them is an error with a suggestion, not a filter matching nothing.
func TestWhereFields(t *testing.T) {
	fields := []string{"event_name", "rank", "user_id"}
	for _, tc := range []struct {
		src, err string
		rec      string
		match    bool
		runErr   bool // the record makes the condition fail (not a missing field)
	}{
		{`event_name == "ad_click"`, "", `{"event_name":"ad_click"}`, true, false},
		{`event_name == "ad_click" && rank <= 3`, "", `{"event_name":"ad_click"}`, false, false}, // rank left out (null)
		{`let r = rank; r > 1`, "", `{"rank":2}`, true, false},
		{`event_nam == "ad_click"`, `no field "event_nam"`, "", false, false},
		{`event_nam == "ad_click"`, `Did you mean "event_name"?`, "", false, false},
		{`rank > 1 && usr_id == "u"`, `no field "usr_id"`, "", false, false},
		{`rank >`, "--where:", "", false, false},
		{`event_name > 3`, "", `{"event_name":"x"}`, false, true}, // a type error is the condition's
	} {
		t.Run(tc.src, func(t *testing.T) {
			keep, err := whereFilter(tc.src, fields)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := keep([]byte(tc.rec))
			if tc.runErr {
				if err == nil {
					t.Fatal("no error")
				}
				return
			}
			if err != nil || got != tc.match {
				t.Fatalf("match %v (%v), want %v", got, err, tc.match)
			}
		})
	}
}
