package main

import (
	"bytes"
	"fmt"
	"io"

	"github.com/scenhq/scen/engine"
	"github.com/scenhq/scen/report"
	"github.com/spf13/cobra"
)

func reportCmd(stdout, stderr io.Writer) *cobra.Command {
	c := &common{stdout: stdout, stderr: stderr}
	var stream, htmlPath string
	var alpha float64
	cmd := &cobra.Command{
		Use:   "report SCENARIO OUTPUT...",
		Short: "Compare a run's output with what the scenario declares (exit 1 if a check fails)",
		Long: `report reads the records a run wrote for one stream (JSON lines, CSV or
Parquet files, or directories holding them) and tests them against the
scenario: categorical shares of weighted({…}) fields and attributes, session
starts against the arrival profile (hour of day, weekday), flow transition
probabilities, experiment assignment, sample ratio and parameter-driven rates,
and constraint gaps. Pass the run's --seed and --var values.

It prints PASS or FAIL per check, writes one self-contained HTML page, and
exits 1 when any check fails.`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !(alpha > 0 && alpha < 1) { // NaN too
				return usageErr("--alpha %v: expected a significance level between 0 and 1, such as %v", alpha, report.DefaultAlpha)
			}
			plan, err := c.load(args[0])
			if err != nil {
				return err
			}
			files, err := report.ExpandPaths(args[1:], stream)
			if err != nil {
				return &exitError{code: 1, msg: err.Error()}
			}
			in, err := report.ReadInput(files)
			if err != nil {
				return &exitError{code: 1, msg: err.Error()}
			}
			rep, err := report.Build(plan.Introspect(), in, report.Options{Stream: stream, Alpha: alpha,
				Actors: func(x, param string) ([]engine.ExperimentActor, error) {
					return plan.ExperimentActors(x, param, 0)
				}})
			if err != nil {
				return &exitError{code: 1, msg: err.Error()}
			}
			rep.WriteText(stdout)
			if htmlPath != "" {
				// Written whole or not at all: a failed write leaves no
				// half page (and an earlier report in place).
				var page bytes.Buffer
				werr := rep.WriteHTML(&page)
				if werr == nil {
					werr = engine.WriteFileAtomic(htmlPath, page.Bytes(), 0o644)
				}
				if werr != nil {
					return &exitError{code: 1, msg: fmt.Sprintf("%s: %v", htmlPath, werr)}
				}
				fmt.Fprintf(stdout, "report: %s\n", htmlPath)
			}
			if n := rep.Failed(); n > 0 {
				return &exitError{code: 1, msg: fmt.Sprintf("%d of %d checks failed", n, len(rep.Checks))}
			}
			return nil
		},
	}
	c.addFlags(cmd)
	cmd.Flags().StringVar(&stream, "stream", "", "stream the files hold (default: the stream whose fields match the files' columns)")
	cmd.Flags().StringVar(&htmlPath, "html", "report.html", `write the HTML report here ("" for none)`)
	cmd.Flags().Float64Var(&alpha, "alpha", report.DefaultAlpha, "significance level of each test")
	return cmd
}
