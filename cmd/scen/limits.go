package main

import (
	"time"

	"github.com/scenhq/scen/engine"
	"github.com/spf13/cobra"
)

// runLimits are scen run's safety limits: a wall-clock time limit, and
// the memory check that refuses a run estimated to need more memory than
// the machine has available (unless forced).
type runLimits struct {
	timeout time.Duration
	force   bool
}

func (l *runLimits) addFlags(cmd *cobra.Command) {
	cmd.Flags().DurationVar(&l.timeout, "timeout", 0, "stop the run after this long, e.g. 10m or 2h: it exits 1, publishes no file "+
		"and says what brokers and databases received (0 = no limit)")
	cmd.Flags().BoolVar(&l.force, "force", false, "run even when the estimated peak memory (see scen plan) exceeds the memory available")
}

// apply sets the time limit and checks memory, before anything is opened.
func (l *runLimits) apply(plan *engine.Plan, ro *engine.RunOptions) error {
	if l.timeout < 0 {
		return usageErr("--timeout must not be negative")
	}
	ro.TimeLimit = l.timeout
	if l.force {
		return nil
	}
	if err := plan.CheckMemory(*ro); err != nil {
		return &exitError{code: 1, msg: err.Error()}
	}
	return nil
}
