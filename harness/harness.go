// Package harness executes a suites.Plan: for each workload instance it
// starts one worker process per arm and runs blocks in which every arm runs
// once, in an order drawn from the recorded seed. It journals every finished
// block, applies the stopping rule, and survives crashing, hanging and
// misbehaving arms: a failure belongs to its arm, never to the run.
package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/benchy-dev/benchy/hw"
	"github.com/benchy-dev/benchy/results"
	"github.com/benchy-dev/benchy/runners"
	"github.com/benchy-dev/benchy/suites"
)

// DefaultCallTimeout bounds one worker call when the arm sets no timeout.
const DefaultCallTimeout = 10 * time.Minute

// DefaultSettleTemp is the GPU temperature, in °C, that gpu_settle waits for
// when the suite gives no gpu_settle_temp.
const DefaultSettleTemp = 50

// maxCalibratedIterations caps the calibrated iteration count.
const maxCalibratedIterations = 10_000_000

// Options configure a run. The zero value runs the plan as written; the
// command line's overrides of its settings are applied before, once, by
// suites.Plan.Resolve.
type Options struct {
	// OutDir receives journal.jsonl and results.json; empty keeps nothing on disk.
	OutDir string
	// Progress receives progress lines (stderr); nil is silent.
	Progress io.Writer
	// Blocks, when set, is told of every finished block (in the sequential
	// order, of every arm's turn) instead of Progress getting a line for
	// it: a terminal draws a progress bar from it.
	Blocks func(BlockProgress)
	// Requires decides whether the machine meets a requirement; nil means
	// "no GPU here" for any requirement that asks for one.
	Requires func(suites.Requires) (ok bool, reason string)
	// Environment fingerprints the machine; nil uses EnvironmentOf(hw.Detect).
	Environment func() results.Environment
	// Telemetry, when set, is sampled around every arm's run.
	Telemetry Telemetry
	// Settle, when set, waits up to maxWait for the GPUs to cool to tempC
	// before each block of a workload whose run settings ask for it, and
	// returns what is recorded with the block.
	Settle func(ctx context.Context, maxWait time.Duration, tempC float64) *results.Settle
	// HostLoad, when set, samples the host's load at the end of every block
	// (or sequential turn); what it returns is recorded with the block.
	HostLoad func() *results.LoadSample
	// SpawnOverhead, when set, measures what starting and reaping a no-op
	// process costs; it is recorded (never subtracted) for plans with
	// whole-process (`measure = "wall"`) arms.
	SpawnOverhead func(ctx context.Context) (time.Duration, error)
	// Executable is the benchy binary that serves built-in runners;
	// empty uses os.Executable.
	Executable string
	// Stop, when closed, ends the run after the arm in progress (first
	// Ctrl-C). Cancelling ctx ends it at once (second Ctrl-C).
	Stop <-chan struct{}
	// Version is benchy's version, recorded in the document.
	Version string
}

// BlockProgress is a finished block (or sequential turn) for a progress
// display.
type BlockProgress struct {
	// Workload is the workload instance's name.
	Workload string
	// Index is the block's index; Warmup marks a warm-up block.
	Index  int
	Warmup bool
	// Measured counts the workload's measured blocks so far; the stopping
	// rule may end it anywhere from MinBlocks to MaxBlocks.
	Measured, MinBlocks, MaxBlocks int
	// Line summarises the block: each arm's mean time per iteration.
	Line string
}

// Telemetry samples device state around a run; the hw package provides one.
type Telemetry interface {
	// Sample reads every GPU once.
	Sample() []results.GPUSample
	// Summarize turns the samples before and after a run of n iterations
	// into what is recorded (clocks, energy per iteration, throttling), or
	// nil for nothing to record.
	Summarize(before, after []results.GPUSample, iterations int) *results.Telemetry
}

// Run executes plan and returns its results document. The plan is the
// resolved one (suites.Plan.Resolve); one that is not resolved runs as
// written, with a seed drawn and recorded if the suite gives none. The
// document is also journaled and written to OutDir as the run goes. Arm
// failures and interruptions are in the document's statuses, not in the
// error. The error is a *SaveError, beside the finished run's document,
// when only OutDir's results.json could not be written (the journal holds
// every block); any other error comes with a nil document: the run could
// not start, or its sensitive values could not be redacted, so nothing of
// it may be shown.
func Run(ctx context.Context, plan *suites.Plan, opt Options) (*results.Document, error) {
	r, err := newRun(ctx, plan, opt)
	if err != nil {
		return nil, err
	}
	defer r.closeJournal()
	hard, cancel := r.graceAfterStop(ctx)
	defer cancel()
	r.execute(hard)
	if hard.Err() != nil { // a hard stop
		r.stopped.Store(true)
	}
	return r.finish()
}

// SaveError is Run's error when a run finished but its results.json could
// not be written. The document returned beside it is the finished run's,
// redacted, fit to report.
type SaveError struct {
	Path string // the results.json that could not be written
	Err  error
}

func (e *SaveError) Error() string { return e.Err.Error() }

func (e *SaveError) Unwrap() error { return e.Err }

type run struct {
	plan    *suites.Plan
	opt     Options
	doc     *results.Document
	journal *results.Journal
	exe     string
	stopped atomic.Bool // soft stop requested
	// blocks is set when the first block (or sequential turn) starts:
	// from then on a soft stop lets the arm in progress finish.
	blocks atomic.Bool
}

func newRun(ctx context.Context, plan *suites.Plan, opt Options) (*run, error) {
	// Without overrides, resolving only draws the seed of a plan that was
	// not resolved; a resolved plan stays as it is.
	plan, _ = plan.Resolve(suites.Overrides{})
	envf := opt.Environment
	if envf == nil {
		envf = func() results.Environment { return EnvironmentOf(hw.Detect(context.Background())) }
	}
	doc := &results.Document{
		Schema:      results.Schema,
		Benchy:      opt.Version,
		Suite:       results.Suite{Path: plan.Path, Source: plan.RedactedSource(), SHA256: plan.SHA256},
		Seed:        plan.Run.Seed,
		Order:       string(plan.Run.Order),
		Started:     time.Now().UTC(),
		Status:      results.StatusRunning,
		Environment: envf(),
	}
	for _, v := range plan.Variables {
		doc.Variables = append(doc.Variables, results.Variable{Name: v.Name, Value: v.Display(), Sensitive: v.Sensitive, Source: v.Source})
	}
	r := &run{plan: plan, opt: opt, doc: doc, exe: opt.Executable}
	// Measured before the journal's header is written, so that a replayed
	// journal carries it too.
	if opt.SpawnOverhead != nil && needsSpawnOverhead(plan) {
		if d, err := opt.SpawnOverhead(ctx); err == nil {
			doc.Environment.Overhead = map[string]float64{"spawn_noop_median": float64(d.Nanoseconds())}
			r.logf("benchy: a no-op process takes %v to spawn and reap here (recorded; not subtracted)", d.Round(time.Microsecond))
		}
	}
	if r.exe == "" {
		exe, err := selfExecutable()
		if err != nil {
			return nil, err
		}
		r.exe = exe
	}
	if opt.OutDir != "" {
		if err := os.MkdirAll(opt.OutDir, 0o755); err != nil {
			return nil, fmt.Errorf("create output directory: %w", err)
		}
		// A previous run's documents would sit beside this run's journal
		// if this run were killed: remove them now.
		for _, stale := range []string{"results.json", "report.md", "report.html"} {
			if err := os.Remove(filepath.Join(opt.OutDir, stale)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("remove the previous run's %s: %w", stale, err)
			}
		}
		j, err := results.CreateJournal(filepath.Join(opt.OutDir, "journal.jsonl"), doc, plan.RedactJSON)
		if err != nil {
			return nil, err
		}
		r.journal = j
	}
	return r, nil
}

// logf writes a progress line, with sensitive values redacted.
func (r *run) logf(format string, args ...any) {
	if r.opt.Progress != nil {
		fmt.Fprintln(r.opt.Progress, r.plan.RedactOutput(fmt.Sprintf(format, args...)))
	}
}

// journalError is reported once; a run whose journal fails still finishes.
func (r *run) note(err error) {
	if err != nil {
		r.logf("benchy: %v", err)
	}
}

func (r *run) softStopped() bool {
	if r.stopped.Load() {
		return true
	}
	if r.opt.Stop == nil {
		return false
	}
	select {
	case <-r.opt.Stop:
		r.stopped.Store(true)
		return true
	default:
		return false
	}
}

func (r *run) execute(ctx context.Context) {
	for _, w := range r.plan.Workloads {
		if ctx.Err() != nil || r.softStopped() {
			break
		}
		r.runWorkload(ctx, w)
	}
}

// finish records the run's end and returns its redacted document, written
// to OutDir's results.json (see Run for the errors).
func (r *run) finish() (*results.Document, error) {
	r.doc.Finished = time.Now().UTC()
	r.doc.Status, r.doc.StopReason = overallStatus(r.doc, r.stopped.Load())
	if r.journal != nil {
		r.note(r.journal.End("", r.doc.Status, r.doc.StopReason))
	}
	doc, err := redactDocument(r.plan, r.doc)
	if err != nil {
		return nil, err
	}
	if r.opt.OutDir == "" {
		return doc, nil
	}
	path := filepath.Join(r.opt.OutDir, "results.json")
	if err := results.WriteFile(path, doc); err != nil {
		return doc, &SaveError{Path: path, Err: err}
	}
	return doc, nil
}

// redactDocument replaces the sensitive variables' values wherever they
// reached the document (argv, environment, stderr, reasons, worker info
// and metric names) with (sensitive), and what looks like a credential in
// what the arms printed and said, by way of its JSON (suites.RedactJSON);
// the document that reports render is the redacted one.
func redactDocument(plan *suites.Plan, doc *results.Document) (*results.Document, error) {
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("cannot redact the sensitive values, so nothing is recorded: %w", err)
	}
	red := plan.RedactJSON(b)
	if bytes.Equal(red, b) { // nothing to redact: the document as it is
		return doc, nil
	}
	var out results.Document
	if err := json.Unmarshal(red, &out); err != nil {
		return nil, fmt.Errorf("cannot redact the sensitive values, so nothing is recorded: %w", err)
	}
	return &out, nil
}

func (r *run) closeJournal() {
	if r.journal != nil {
		_ = r.journal.Close()
	}
}

func overallStatus(doc *results.Document, interrupted bool) (string, string) {
	budget, failed, total := 0, 0, len(doc.Workloads)
	for _, w := range doc.Workloads {
		switch w.Status {
		case results.StatusInterrupted:
			interrupted = true
		case results.StatusBudgetExhausted:
			budget++
		case results.StatusFailed:
			failed++
		}
	}
	switch {
	case interrupted:
		return results.StatusInterrupted, "stopped by a signal; every finished block is kept"
	case total > 0 && failed == total:
		return results.StatusFailed, "every workload failed"
	case budget > 0:
		return results.StatusBudgetExhausted, fmt.Sprintf("the time budget ran out in %d workload(s)", budget)
	default:
		return results.StatusComplete, fmt.Sprintf("%d workload(s) finished", total)
	}
}

// needsSpawnOverhead reports whether an arm of p times whole processes, as
// its runner declares (runners.Spec.TimesProcesses).
func needsSpawnOverhead(p *suites.Plan) bool {
	for _, w := range p.Workloads {
		for _, a := range w.Arms {
			if spec, ok := runners.Lookup(a.Runner); ok && spec.TimesProcesses != nil && spec.TimesProcesses(a.Config) {
				return true
			}
		}
	}
	return false
}
