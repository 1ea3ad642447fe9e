package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/scenhq/scen/engine/sinks"
)

// RunError is a run that failed or was stopped (interrupted, out of time):
// why, and what each sink kept. Such a run publishes no file; brokers and
// databases keep what they acknowledged, which Sinks reports.
type RunError struct {
	Cause error
	// Records counts the records handed to sinks before the run stopped.
	Records int64
	Sinks   []SinkOutcome
}

// SinkOutcome is what one sink kept of a run that did not succeed.
type SinkOutcome struct {
	Name, Type string
	// Written counts the records handed to the sink.
	Written int64
	// Delivering sinks (brokers, databases) keep Delivered records;
	// the others (files) keep nothing.
	Delivering bool
	Delivered  int64
	// Err is the sink's own error when it was closed, unless it is the
	// sink that failed the run (its error is the Cause).
	Err error
}

func (e *RunError) Error() string {
	var b strings.Builder
	b.WriteString(e.Cause.Error())
	var tl *TimeLimitError
	if errors.As(e.Cause, &tl) {
		fmt.Fprintf(&b, " after writing %d records", e.Records)
	}
	for _, s := range e.Sinks {
		if !s.Delivering {
			continue
		}
		fmt.Fprintf(&b, "; sink %q delivered %d of %d records", s.Name, s.Delivered, s.Written)
		if s.Written > s.Delivered {
			fmt.Fprintf(&b, " (%d undelivered)", s.Written-s.Delivered)
		}
		if s.Err != nil {
			fmt.Fprintf(&b, " (%v)", s.Err)
		}
	}
	return b.String()
}

func (e *RunError) Unwrap() error { return e.Cause }

func delivering(s sinks.Sink) bool {
	d, ok := s.(sinks.Delivering)
	return ok && d.Delivering()
}

// finish ends a run whose records have all been written (err == nil) or
// that stopped with err; failed is the index of the sink whose Write (or
// Flush at an interval boundary) failed, or -1.
//
// A run that succeeds closes brokers and databases first (their Close
// waits for acknowledgements and can still fail), then seals every file
// and only then publishes them: a failure at any step publishes nothing.
// A run that fails or stops discards files and closes brokers and
// databases, which flushes what they buffered and counts what they keep.
//
// When ctx has reached the run's time limit (by the time the sinks are
// closed), a sink that failed is reported as one of the sinks and the time
// limit as the cause: the sink was given up on because of it.
func (p *Plan) finish(ctx context.Context, err error, failed int, active []bool, counts []int64) (*RunResult, error) {
	sinks.EndingRun(true)
	results := make([]sinks.Result, len(p.Sinks))
	closed := make([]bool, len(p.Sinks))
	step := func(i int, f func() error) bool {
		if e := f(); e != nil {
			err, failed = p.Sinks[i].fail(e), i
			return false
		}
		return true
	}
	for i, s := range p.Sinks {
		if err != nil {
			break
		}
		if active[i] && delivering(s.Sink) {
			closed[i] = true
			step(i, func() (e error) { results[i], e = s.Sink.Close(); return })
		}
	}
	for i, s := range p.Sinks {
		if err != nil {
			break
		}
		if sl, ok := s.Sink.(sinks.Sealer); ok && active[i] && !closed[i] {
			step(i, sl.Seal)
		}
	}
	var published []int
	for i, s := range p.Sinks {
		if err != nil {
			break
		}
		if active[i] && !closed[i] {
			closed[i] = true
			if step(i, func() (e error) { results[i], e = s.Sink.Close(); return }) {
				published = append(published, i)
			}
		}
	}
	if err != nil {
		// A publish failed after other sinks had published: take their
		// files back, so a failed run leaves none.
		for _, j := range published {
			if u, ok := p.Sinks[j].Sink.(sinks.Unpublisher); ok {
				u.Unpublish()
			}
		}
	}
	if err == nil {
		res := &RunResult{}
		for i, s := range p.Sinks {
			if active[i] {
				res.Records += counts[i]
				sr := SinkResult{Name: s.Name, Type: s.Type, Result: results[i], Written: counts[i]}
				if t, ok := s.Sink.(sinks.Targeter); ok {
					sr.Target = t.Target()
				}
				res.Sinks = append(res.Sinks, sr)
			}
		}
		return res, nil
	}
	re := &RunError{Cause: err}
	var tl, limit *TimeLimitError
	sinkErr := error(nil)
	if errors.As(context.Cause(ctx), &limit) && failed >= 0 && !errors.As(err, &tl) && delivering(p.Sinks[failed].Sink) {
		re.Cause, sinkErr = limit, err
	}
	for i, s := range p.Sinks {
		if !active[i] {
			continue
		}
		o := SinkOutcome{Name: s.Name, Type: s.Type, Written: counts[i], Delivering: delivering(s.Sink)}
		switch {
		case o.Delivering && !closed[i]:
			r, cerr := s.Sink.Close()
			results[i] = r
			if cerr != nil && i != failed {
				o.Err = cerr
			}
		case !o.Delivering:
			s.Sink.Abort()
		}
		if i == failed && sinkErr != nil {
			o.Err = sinkErr
		}
		o.Delivered = results[i].Records
		re.Records += counts[i]
		re.Sinks = append(re.Sinks, o)
	}
	return nil, re
}

// Unpublish removes the files a successful run published, for a step
// after the run that failed (its manifest could not be written): a run
// that does not complete leaves no file. Brokers, databases and standard
// output keep what they delivered.
func (p *Plan) Unpublish() {
	for _, s := range p.Sinks {
		if u, ok := s.Sink.(sinks.Unpublisher); ok {
			u.Unpublish()
		}
	}
}

// TimeLimitError stops a run that reached RunOptions.TimeLimit.
type TimeLimitError struct {
	Limit time.Duration
}

func (e *TimeLimitError) Error() string {
	return fmt.Sprintf("the run reached its time limit of %s and was stopped", e.Limit)
}
