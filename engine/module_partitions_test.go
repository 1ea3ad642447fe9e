package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/scenhq/scen/dsl"
)

// TestModulePartitionFields: the memory estimate of a sink partitioned
// by {{field:NAME}} and the warning about a field with many values read
// a module flow's expressions with the module's names qualified (user is
// entity web.user, dataset.places is web.places), as for a flow of the
// scenario's own. Read as written, user.tier named no entity: the
// estimate said "how many not known in advance (not counted)", and an id
// made from the index of 5000 users got no warning.
func TestModulePartitionFields(t *testing.T) {
	const lib = `dataset "places" { path = "places.csv" }
entity "user" {
  count = 5000
  attributes {
    home = sample_weighted(dataset.places, "share")
    tier = weighted({ free = 9, paid = 1 })
    id   = "C${format("%06d", index)}"
    land = user.home.country
  }
}
flow "f" {
  actor   = entity.user
  session { count = 1 }
  initial = "e"
  state "e" {
    emit "events" {
      k = FIELD
    }
    next = { end = 1 }
  }
}
`
	const main = `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
module "web" { source = "./lib.hcl" }
sink "out" {
  type   = "jsonl"
  stream = "events"
  path   = "k={{field:k}}/e.jsonl"
}
`
	const per = 256<<10 + 32<<10 + 8<<10 // openFileBytes of an uncompressed file
	warn := func(why string) string {
		return `warning s.hcl:9:12 Partitioning by a field with many values: Sink "out" partitions its path by {{field:k}}, and ` + why +
			`: one partition file per value, each held open until the run ends, so the run may stop with "too many open files" and use far more memory than ` +
			"`scen plan` counts. Partition by a field with few values (a country, a plan, a status); to split by time, use {{year}}, {{month}}, {{day}} or {{hour}} in the path."
	}
	for _, tc := range []struct {
		name, field string
		files       int64  // open files counted; 0: not known in advance
		warning     string // "" for none
	}{
		{name: "an attribute by the entity's name", field: "user.tier", files: 2},
		{name: "an attribute of the actor", field: "actor.tier", files: 2},
		{name: "a column of a drawn row", field: "user.home.country", files: 3},
		{name: "an attribute that is a column", field: "user.land", files: 3},
		{name: "a choice of a module dataset's column", field: "choice(dataset.places.country)", files: 3},
		{name: "a conditional of attributes", field: `user.tier == "paid" ? user.home.country : "none"`, files: 4},
		{name: "an id from the index", field: "user.id", files: 5000, warning: warn("k takes up to 5000 values")},
		{name: "a fake value", field: "city()"},
		{name: "a uuid", field: "uuid()", warning: warn("k draws uuid() for each record (uuid() at lib.hcl:17:11)")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, text := range map[string]string{
				"places.csv": "country,share\nKR,1\nUS,2\nJP,3\n",
				"lib.hcl":    strings.Replace(lib, "FIELD", tc.field, 1),
				"s.hcl":      main,
			} {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			sc, diags := dsl.Load(filepath.Join(dir, "s.hcl"))
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			p, diags := Compile(sc, Options{})
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			var got []string
			for _, d := range diags {
				sev := "error"
				if d.Severity == hcl.DiagWarning {
					sev = "warning"
				}
				got = append(got, fmt.Sprintf("%s %s:%d:%d %s: %s", sev, filepath.Base(d.Subject.Filename), d.Subject.Start.Line, d.Subject.Start.Column, d.Summary, d.Detail))
			}
			if g := strings.ReplaceAll(strings.Join(got, "\n"), dir+string(filepath.Separator), ""); g != tc.warning {
				t.Errorf("diagnostics:\n got %s\nwant %s", g, tc.warning)
			}
			want := `sink "out": 296 KiB per open {{field:k}} partition file, how many not known in advance (not counted)`
			if tc.files > 0 {
				want = fmt.Sprintf(`sink "out": up to %d open {{field:k}} partition files × 296 KiB`, tc.files)
			}
			var part *MemoryPart
			m := p.EstimateMemory(RunOptions{Workers: 2})
			for i, pt := range m.Parts {
				if strings.Contains(pt.What, "partition file") {
					part = &m.Parts[i]
				}
			}
			if part == nil {
				t.Fatalf("no partition part in %+v", m.Parts)
			}
			if part.What != want || part.Bytes != max(tc.files-1, 0)*per {
				t.Errorf("part %q, %d bytes\nwant %q, %d bytes", part.What, part.Bytes, want, max(tc.files-1, 0)*per)
			}
		})
	}
}
