package engine_test

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenhq/scen/engine"
	"github.com/xitongsys/parquet-go-source/local"
	"github.com/xitongsys/parquet-go/writer"
)

type nanRow struct {
	ID int64   `parquet:"name=id, type=INT64"`
	X  float64 `parquet:"name=x, type=DOUBLE"`
}

// nanParquet writes a dataset whose column x holds NaN in every row:
// a Parquet DOUBLE cell is the one way a NaN reaches a scenario (CSV
// reads "NaN" as text, JSON has no NaN, arithmetic and the math
// functions that would give one are faults or, as round, give a
// number).
func nanParquet(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "nan.parquet")
	fw, err := local.NewLocalFileWriter(p)
	if err != nil {
		t.Fatal(err)
	}
	pw, err := writer.NewParquetWriter(fw, new(nanRow), 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := int64(1); i <= 2; i++ {
		if err := pw.Write(nanRow{ID: i, X: math.NaN()}); err != nil {
			t.Fatal(err)
		}
	}
	if err := pw.WriteStop(); err != nil {
		t.Fatal(err)
	}
	fw.Close()
	return p
}

// TestNaNComparisons: NaN is unordered, as in Go and IEEE 754: <, <=, >
// and >= with a NaN operand are false, == false and != true, whether the
// comparison is folded while compiling or run per record. NaN <= 1 was
// true (NaN compared as equal to everything). min and max give NaN when
// an argument is NaN, wherever it is; contains never finds NaN.
func TestNaNComparisons(t *testing.T) {
	pq := nanParquet(t)
	head := fmt.Sprintf("%sdataset \"d\" { path = %q }\n", varsHead, pq)
	for _, tc := range []struct{ expr, want string }{
		{"NAN <= 1", "false"},
		{"NAN < 1", "false"},
		{"NAN >= 1", "false"},
		{"NAN > 1", "false"},
		{"1 <= NAN", "false"},
		{"1 >= NAN", "false"},
		{"1.5 < NAN", "false"},
		{"9007199254740993 > NAN", "false"},
		{"NAN <= NAN", "false"},
		{"NAN >= NAN", "false"},
		{"NAN == NAN", "false"},
		{"NAN != NAN", "true"},
		{"NAN == 1", "false"},
		{"NAN != 1.0", "true"},
		{"!(NAN < 1) && !(NAN >= 1)", "true"},
		{"min(NAN, 1)", "NaN"},
		{"min(1, NAN)", "NaN"},
		{"max(2, NAN, 3)", "NaN"},
		{"max(2, 3)", "3"},
		{"contains([1, NAN], NAN)", "false"},
		{"contains([1, NAN], 1)", "true"},
	} {
		for _, mode := range []string{"constant", "run time"} {
			t.Run(mode+"/"+tc.expr, func(t *testing.T) {
				// dataset.d.x[0] is a constant (the comparison folds
				// while compiling); choice draws at run time.
				nan := "dataset.d.x[0]"
				if mode == "run time" {
					nan = "choice(dataset.d.x)"
				}
				expr := strings.ReplaceAll(tc.expr, "NAN", nan)
				src := head + `entity "u" {
  count = 2
}
flow "f" {
  actor   = entity.u
  session { count = 1 }
  initial = "e"
  state "e" {
    emit "events" {
      v = string(` + expr + `)
    }
    next = { end = 1 }
  }
}
sink "out" {
  type   = "jsonl"
  stream = "events"
  path   = "e.jsonl"
}
`
				out := runTo(t, writeScenario(t, src), 1, nil, engine.RunOptions{Workers: 1})
				recs := jsonLines(t, filepath.Join(out, "e.jsonl"))
				if len(recs) == 0 {
					t.Fatal("no records")
				}
				for _, r := range recs {
					if got := fmt.Sprint(r["v"]); got != tc.want {
						t.Fatalf("%s = %s, want %s", tc.expr, got, tc.want)
					}
				}
			})
		}
	}
}

// TestNoNaNFromMath: round with many digits either way, and distance_km
// with a latitude beyond ±90 (now an error), gave NaN (10^400 is +Inf, and
// x*Inf/Inf NaN; a square root of a rounding error below 0); round(1e300, 10) gave
// +Inf. A NaN in a variable then panicked while the sinks' bodies were
// decoded (cty has no NaN).
func TestNoNaNFromMath(t *testing.T) {
	for _, tc := range []struct{ expr, want string }{
		{"round(1.5, 400)", "1.5"},
		{"round(-1.25, 308)", "-1.25"},
		{"round(1.5, -400)", "0"},
		{"round(123456, -320)", "0"},
		{"round(1e300, 10)", "1e+300"},
		{"round(0.0, 400)", "0"},
		{"round(3.14159, 2)", "3.14"},
		{"round(1250, -2)", "1300"},
		{"round(distance_km(90, 0, -90, 180))", "20015"},
		{"round(distance_km(-90, 10, 90, -170))", "20015"},
		{"round(distance_km(0, 0, 0, 180))", "20015"},
	} {
		t.Run(tc.expr, func(t *testing.T) {
			path := writeScenario(t, varsHead+"variable \"x\" { default = "+tc.expr+" }\nentity \"u\" {\n  count = 1\n}\n")
			plan, diags := compileDiags(t, path, engine.Options{})
			if errs := errorsIn(diags); len(errs) > 0 {
				t.Fatal(errs.Error())
			}
			if got := plan.Vars[0].Value.String(); got != tc.want {
				t.Errorf("%s = %s, want %s", tc.expr, got, tc.want)
			}
		})
	}
}
