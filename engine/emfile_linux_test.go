package engine_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

// emfileSrc partitions a sink by a field with one value per actor, for
// 400 actors: more files than the child's limit of 64 descriptors.
const emfileSrc = `scenario "s" {
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "user" {
  count = 400
  attributes { id = "u${index}" }
}
flow "f" {
  actor   = entity.user
  session { count = 1 }
  initial = "e"
  state "e" {
    emit "events" {
      id = user.id
    }
    next = { end = 1 }
  }
}
sink "out" {
  type   = "TYPE"
  stream = "events"
  path   = "x/id={{field:id}}/e.TYPE"
}
`

// TestTooManyOpenPartitionFiles: a run that runs out of file descriptors
// opening partition files fails with a hint: how many of the sink's
// partition files were open, to raise ulimit -n or partition by a field
// with fewer values. The run happens in a child process whose limit on
// open files is 64.
func TestTooManyOpenPartitionFiles(t *testing.T) {
	if typ := os.Getenv("SCEN_EMFILE_CHILD"); typ != "" {
		emfileChild(t, typ)
		return
	}
	for _, typ := range []string{"jsonl", "parquet"} {
		t.Run(typ, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestTooManyOpenPartitionFiles$", "-test.count=1", "-test.v")
			cmd.Env = append(os.Environ(), "SCEN_EMFILE_CHILD="+typ)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
			for _, want := range []string{"too many open files: ", " partition files of this sink were open, one per value of {{field:id}}; raise the limit on open files (ulimit -n) or partition by a field with fewer values"} {
				if !strings.Contains(string(out), want) {
					t.Errorf("want %q in\n%s", want, out)
				}
			}
		})
	}
}

func emfileChild(t *testing.T, typ string) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	lim.Cur = 64
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Skip("cannot lower the limit on open files:", err)
	}
	sc, diags := dsl.ParseSource("s.hcl", []byte(strings.ReplaceAll(emfileSrc, "TYPE", typ)))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	plan, diags := engine.Compile(sc, engine.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	_, err := plan.Run(context.Background(), engine.RunOptions{OutDir: t.TempDir(), Workers: 1})
	if err == nil {
		t.Fatal("the run succeeded with 400 partition files and 64 descriptors")
	}
	t.Log("run error: " + err.Error())
}
