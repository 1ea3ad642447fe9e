package engine_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/scenhq/scen/engine"
)

// TestManifestRecordsAreKept: the manifest's top-level records is the sum
// of its sinks' records, those each sink kept: a postgres sink with
// on_conflict = "skip" loaded again keeps none (sinks[0].records 0), and
// the top level used to count the records handed to it all the same.
func TestManifestRecordsAreKept(t *testing.T) {
	for _, tc := range []struct {
		name string
		kept func(written int64) int64
	}{
		{"every record kept", func(w int64) int64 { return w }},
		{"some skipped", func(w int64) int64 { return w / 3 }},
		{"all skipped", func(int64) int64 { return 0 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := writeTiny(t, dir)
			plan := compileFile(t, path, nil, nil)
			out := filepath.Join(dir, "out")
			ro := engine.RunOptions{OutDir: out, Workers: 2, RunID: "r1"}
			res, err := plan.Run(context.Background(), ro)
			if err != nil {
				t.Fatal(err)
			}
			// As a database that skipped conflicting rows reports it.
			res.Sinks[0].Records = tc.kept(res.Sinks[0].Written)
			m, err := plan.NewManifest(out, engine.ManifestRun{ScenarioPath: path, Options: ro, Result: res,
				Started: time.Now(), Finished: time.Now()})
			if err != nil {
				t.Fatal(err)
			}
			var sum int64
			for _, s := range m.Sinks {
				sum += s.Records
			}
			if m.Records != sum {
				t.Errorf("records %d, the sinks' records add up to %d", m.Records, sum)
			}
		})
	}
}
