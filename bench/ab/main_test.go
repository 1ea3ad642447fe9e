package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSummarize(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name     string
		in       []time.Duration
		med, min time.Duration
	}{
		{"one", []time.Duration{5 * ms}, 5 * ms, 5 * ms},
		{"odd, unsorted", []time.Duration{9 * ms, 1 * ms, 4 * ms}, 4 * ms, 1 * ms},
		{"even: mean of the middle two", []time.Duration{8 * ms, 2 * ms, 4 * ms, 6 * ms}, 5 * ms, 2 * ms},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]time.Duration(nil), tt.in...)
			got := summarize(in)
			if got.med != tt.med || got.min != tt.min {
				t.Fatalf("summarize(%v) = %+v, want med %v min %v", tt.in, got, tt.med, tt.min)
			}
			for i := range in {
				if in[i] != tt.in[i] {
					t.Fatal("summarize reordered its argument")
				}
			}
		})
	}
}

func TestReport(t *testing.T) {
	ms := time.Millisecond
	samples := [][]sample{
		{{wall: 100 * ms, user: 150 * ms, sys: 50 * ms}, {wall: 120 * ms, user: 170 * ms, sys: 30 * ms}},
		{{wall: 90 * ms, user: 140 * ms, sys: 40 * ms}, {wall: 88 * ms, user: 130 * ms, sys: 30 * ms}},
	}
	got := report([]string{"old", "new"}, samples)
	for _, want := range []string{
		"A           110        100        160        150        200        200  old\n",
		"B            89         88        135        130        170        160  new\n",
		"B against A (medians): wall -19.1 %, cpu -15.0 % (2 runs each",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
}

func TestUsage(t *testing.T) {
	tests := [][]string{
		nil,
		{"-a", "x"},
		{"-a", "x", "-b", "y"},
		{"-a", "x", "-b", "y", "-runs", "0", "--", "s.hcl"},
	}
	for _, args := range tests {
		var out, errb strings.Builder
		if code := realMain(args, &out, &errb); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
		if !strings.Contains(errb.String(), "usage") {
			t.Errorf("%q: no usage line in %q", args, errb.String())
		}
	}
}

// TestAlternates runs two stand-in binaries that log their name and
// arguments: each runs -runs times, in the order A B, B A, A B, and gets
// the scen run arguments with a fresh --out directory.
func TestAlternates(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "log")
	mk := func(name string) string {
		p := filepath.Join(dir, name)
		script := "#!/bin/sh\necho " + name + " \"$@\" >> " + log + "\n"
		if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a, b := mk("A"), mk("B")
	var out, errb strings.Builder
	if code := realMain([]string{"-a", a, "-b", b, "-runs", "3", "--", "s.hcl", "--workers", "1"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	var order []string
	outs := map[string]bool{}
	for _, l := range lines {
		f := strings.Fields(l)
		order = append(order, f[0])
		if len(f) != 9 || f[1] != "run" || f[2] != "s.hcl" || f[3] != "--workers" || f[5] != "--out" || f[7] != "--quiet" || f[8] != "--no-manifest" {
			t.Fatalf("arguments %q", l)
		}
		outs[f[6]] = true
	}
	if got := strings.Join(order, " "); got != "A B B A A B" {
		t.Errorf("order %s, want A B B A A B", got)
	}
	if len(outs) != 6 {
		t.Errorf("%d distinct output directories for 6 runs", len(outs))
	}
	if !strings.Contains(out.String(), "(3 runs each") {
		t.Errorf("report:\n%s", out.String())
	}
}

// TestKeep: with -keep, every earlier run's output directory still exists
// when a run starts, and all are gone when ab ends; without it, each is
// gone before the next run.
func TestKeep(t *testing.T) {
	for _, keep := range []bool{false, true} {
		t.Run(fmt.Sprint("keep=", keep), func(t *testing.T) {
			dir := t.TempDir()
			log, missing := filepath.Join(dir, "log"), filepath.Join(dir, "missing")
			// $4 is the --out directory: run s.hcl --out DIR ...
			script := "#!/bin/sh\n" +
				"[ -f " + log + " ] && for d in $(cat " + log + "); do [ -e \"$d/marker\" ] || echo \"$d\" >> " + missing + "; done\n" +
				"echo x > \"$4/marker\"\necho \"$4\" >> " + log + "\n"
			bin := filepath.Join(dir, "bin")
			if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
				t.Fatal(err)
			}
			args := []string{"-a", bin, "-b", bin, "-runs", "2", "--", "s.hcl"}
			if keep {
				args = append([]string{"-keep"}, args...)
			}
			var out, errb strings.Builder
			if code := realMain(args, &out, &errb); code != 0 {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			_, err := os.Stat(missing)
			if gone := err == nil; gone == keep {
				t.Errorf("earlier outputs gone during the runs: %v, want %v", gone, !keep)
			}
			data, err := os.ReadFile(log)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range strings.Fields(string(data)) {
				if _, err := os.Stat(d); err == nil {
					t.Errorf("%s left behind", d)
				}
			}
		})
	}
}

// TestManifestFlag: --no-manifest is passed unless -manifest is given.
func TestManifestFlag(t *testing.T) {
	for _, manifest := range []bool{false, true} {
		t.Run(fmt.Sprint("manifest=", manifest), func(t *testing.T) {
			dir := t.TempDir()
			log := filepath.Join(dir, "log")
			bin := filepath.Join(dir, "bin")
			if err := os.WriteFile(bin, []byte("#!/bin/sh\necho \"$@\" >> "+log+"\n"), 0o755); err != nil {
				t.Fatal(err)
			}
			args := []string{"-a", bin, "-b", bin, "-runs", "1", "--", "s.hcl"}
			if manifest {
				args = append([]string{"-manifest"}, args...)
			}
			var out, errb strings.Builder
			if code := realMain(args, &out, &errb); code != 0 {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			data, err := os.ReadFile(log)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
				if got := strings.HasSuffix(l, " --quiet --no-manifest"); got == manifest || !strings.Contains(l, " --quiet") {
					t.Errorf("arguments %q with -manifest=%v", l, manifest)
				}
			}
		})
	}
}
