package main

import (
	"os"
	"regexp"
	"testing"
)

// TestVersionKeepsMajor: the version a build from a commit records keeps
// scen's major version, so --from-manifest between two such builds does
// not warn that "output is identical only within one major version"
// (make build used to set the version to the bare git hash, b04369a,
// whose "major" differs from every other commit's).
func TestVersionKeepsMajor(t *testing.T) {
	for _, tc := range []struct{ base, commit, want, major string }{
		{"0.1.0-dev", "", "0.1.0-dev", "0"},
		{"0.1.0-dev", "b04369a", "0.1.0-dev+b04369a", "0"},
		{"0.1.0-dev", "b04369a-dirty", "0.1.0-dev+b04369a-dirty", "0"},
		{"1.2.0", "v1.2.0", "1.2.0+v1.2.0", "1"},
	} {
		got := withCommit(tc.base, tc.commit)
		if got != tc.want || major(got) != tc.major {
			t.Errorf("withCommit(%q, %q) = %q (major %q), want %q (major %q)", tc.base, tc.commit, got, major(got), tc.want, tc.major)
		}
	}
	// make build must set the commit, not replace the version.
	mk, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	if regexp.MustCompile(`-X main\.version=`).Match(mk) || !regexp.MustCompile(`-X main\.commit=`).Match(mk) {
		t.Errorf("Makefile: LDFLAGS should set main.commit (build metadata), not main.version")
	}
}
