package engine_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

// splitScenario writes the top-level blocks of a scenario file, in order,
// into n files of a new directory (contiguous runs of blocks, the files
// named so that they load in that order), with the file's data directory
// beside them, and returns the directory.
func splitScenario(t *testing.T, path string, n int) string {
	t.Helper()
	src := readFile(t, path)
	f, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	dir := t.TempDir()
	parts := make([][]byte, n)
	blocks := f.Body.(*hclsyntax.Body).Blocks
	for i, b := range blocks {
		r := b.Range()
		p := i * n / len(blocks)
		parts[p] = append(append(parts[p], src[r.Start.Byte:r.End.Byte]...), "\n\n"...)
	}
	for i, p := range parts {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("part%d.hcl", i)), p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data := filepath.Join(filepath.Dir(path), "data")
	if err := os.CopyFS(filepath.Join(dir, "data"), os.DirFS(data)); err != nil {
		t.Fatal(err)
	}
	return dir
}

// runOutputs runs a file or directory scenario and returns its output
// files by relative path.
func runOutputs(t *testing.T, path string, vars map[string]string) map[string][]byte {
	t.Helper()
	sc, diags := dsl.Load(path)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	seed := uint64(11)
	plan, diags := engine.Compile(sc, engine.Options{Seed: &seed, Vars: vars})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	out := t.TempDir()
	if _, err := plan.Run(context.Background(), engine.RunOptions{OutDir: out, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(out, p)
			files[rel] = readFile(t, p)
		}
		return nil
	})
	return files
}

// TestDirectoryEqualsFile: a scenario split over the files of a directory
// generates the same bytes as the single file.
func TestDirectoryEqualsFile(t *testing.T) {
	for _, tc := range []struct {
		file string
		vars map[string]string
	}{
		{"../scenarios/recipe.hcl", map[string]string{"users": "40"}},
		{"../scenarios/bank.hcl", map[string]string{"clients": "300"}},
	} {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			want := runOutputs(t, tc.file, tc.vars)
			got := runOutputs(t, splitScenario(t, tc.file, 3), tc.vars)
			if len(want) == 0 || len(got) != len(want) {
				t.Fatalf("%d output files from the directory, %d from the file", len(got), len(want))
			}
			for name, w := range want {
				if len(w) == 0 {
					t.Fatalf("%s is empty", name)
				}
				if !bytes.Equal(got[name], w) {
					t.Errorf("%s differs between the directory and the file", name)
				}
			}
		})
	}
}

// TestDatasetDeclarationOrder: a filtered dataset may be declared before
// its source (as files of a directory may load); a cycle is an error.
func TestDatasetDeclarationOrder(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "c.csv"), []byte("name,channel\na,online\nb,shop\nc,online\n"), 0o644)
	head := "scenario \"s\" {\n  start = \"2025-01-01\"\n  end   = \"2025-01-02\"\n}\n"
	for _, tc := range []struct {
		name, src, err string
	}{
		{"filter first", `dataset "online" {
  from  = dataset.all
  where = row.channel == "online"
}
dataset "all" {
  path = "c.csv"
}`, ""},
		{"cycle", `dataset "a" {
  from  = dataset.b
  where = true
}
dataset "b" {
  from  = dataset.a
  where = true
}`, "Unknown dataset"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "s.hcl")
			os.WriteFile(path, []byte(head+tc.src+"\n"), 0o644)
			sc, diags := dsl.Load(path)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			plan, diags := engine.Compile(sc, engine.Options{})
			if tc.err == "" {
				if diags.HasErrors() {
					t.Fatal(diags)
				}
				for _, d := range plan.Datasets {
					if d.Name == "online" && d.Rows() != 2 {
						t.Fatalf("online has %d rows, want 2", d.Rows())
					}
				}
				return
			}
			if !diags.HasErrors() || diags[0].Summary != tc.err {
				t.Fatalf("want %q, got %v", tc.err, diags)
			}
		})
	}
}
