package engine_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/scenhq/scen/dsl"
	"github.com/scenhq/scen/engine"
)

// manyPartitions writes one CSV file per customer: 300 open at once.
const manyPartitions = `
scenario "shop" {
  seed  = 1
  start = "2025-01-01"
  end   = "2025-01-02"
}
entity "customer" {
  count = 300
  attributes { id = "C${format("%06d", index)}" }
}
flow "order" {
  actor = entity.customer
  session { arrivals = arrivals(4) }
  initial = "a"
  state "a" {
    emit "orders" {
      customer_id = customer.id
      ts          = event.time
    }
  }
}
sink "orders" {
  type   = "csv"
  stream = "orders"
  path   = "shop/orders/customer={{field:customer_id}}/orders-{{part}}.csv"
}
`

// TestFailedRunTooManyOpenFiles: a field-partitioned sink that runs out
// of file descriptors (RLIMIT_NOFILE lowered in a child process) fails
// the run, and the run removes every directory it made, the partition
// directory of the file it could not open included.
func TestFailedRunTooManyOpenFiles(t *testing.T) {
	if out := os.Getenv("SCEN_TEST_NOFILE_OUT"); out != "" {
		var lim syscall.Rlimit
		if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
			t.Fatal(err)
		}
		lim.Cur = 64
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
			t.Fatal(err)
		}
		sc, diags := dsl.ParseSource("shop.hcl", []byte(manyPartitions))
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		plan, diags := engine.Compile(sc, engine.Options{})
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		_, err := plan.Run(context.Background(), engine.RunOptions{OutDir: out, Workers: 2})
		fmt.Printf("run error: %v\n", err)
		return
	}
	out := filepath.Join(t.TempDir(), "op")
	cmd := exec.Command(os.Args[0], "-test.run=^TestFailedRunTooManyOpenFiles$", "-test.v")
	cmd.Env = append(os.Environ(), "SCEN_TEST_NOFILE_OUT="+out)
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, b)
	}
	if !strings.Contains(string(b), "run error: ") || !strings.Contains(string(b), "too many open files") {
		t.Fatalf("want the run to fail with too many open files:\n%s", b)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		var left []string
		filepath.Walk(out, func(p string, _ os.FileInfo, _ error) error {
			left = append(left, p)
			return nil
		})
		if len(left) > 6 {
			left = append(left[:6], "…")
		}
		t.Errorf("the failed run left %q", left)
	}
}
