package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseConfig(t *testing.T) {
	in := "# name\tscenario\tworkers\textra args\n" +
		"\n" +
		"baseline\t@baseline\t1\t--var users=20000\n" +
		"clickstream\tscenarios/clickstream.hcl\t2\t--var users=20000  --seed 7\n" +
		"plain\tscenarios/x.hcl\t4\n"
	got, err := parseConfig(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []row{
		{Name: "baseline", Scenario: "@baseline", Workers: 1, Args: []string{"--var", "users=20000"}, Line: 3},
		{Name: "clickstream", Scenario: "scenarios/clickstream.hcl", Workers: 2, Args: []string{"--var", "users=20000", "--seed", "7"}, Line: 4},
		{Name: "plain", Scenario: "scenarios/x.hcl", Workers: 4, Line: 5},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseConfig =\n%+v\nwant\n%+v", got, want)
	}
	if !got[0].isBaseline() || got[1].isBaseline() {
		t.Errorf("isBaseline wrong: %v %v", got[0].isBaseline(), got[1].isBaseline())
	}

	for _, bad := range []string{
		"a\tb\n",             // too few columns
		"a\tb\tzero\n",       // workers not a number
		"a\tb\t0\n",          // workers < 1
		"a\tb\t1\na\tc\t1\n", // duplicate name
	} {
		if _, err := parseConfig(strings.NewReader(bad)); err == nil {
			t.Errorf("parseConfig(%q): want error", bad)
		}
	}
}

func TestBaselineCommand(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"--var", "users=500"}, []string{"bl", "-users", "500", "-out", "d/events.jsonl"}},
		{[]string{"--var=users=7", "--var", "x=1"}, []string{"bl", "-users", "7", "-out", "d/events.jsonl"}},
		{nil, []string{"bl", "-out", "d/events.jsonl"}},
	}
	for _, tt := range tests {
		got, err := command(row{Name: "baseline", Scenario: "@baseline", Workers: 1, Args: tt.args}, "scen", "bl", "d")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("command(%q) = %q, want %q", tt.args, got, tt.want)
		}
	}
	if _, err := command(row{Name: "baseline", Args: []string{"--var", "users=lots"}}, "scen", "bl", "d"); err == nil {
		t.Error("want error for non-numeric users")
	}
	got, _ := command(row{Name: "cs", Scenario: "s.hcl", Workers: 3, Args: []string{"--var", "users=1"}}, "scen", "bl", "d")
	want := []string{"scen", "run", "s.hcl", "--out", "d", "--workers", "3", "--quiet", "--var", "users=1"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("scen command = %q, want %q", got, want)
	}
}
