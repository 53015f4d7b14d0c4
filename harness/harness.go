// Package harness executes a suites.Plan: for each workload instance it
// starts one worker process per arm and runs blocks in which every arm runs
// once, in an order drawn from the recorded seed. It journals every finished
// block, applies the stopping rule, and survives crashing, hanging and
// misbehaving arms: a failure belongs to its arm, never to the run.
package harness

import (
	"bytes"
	"cmp"
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/benchy-dev/benchy/hw"
	"github.com/benchy-dev/benchy/internal/proctree"
	"github.com/benchy-dev/benchy/results"
	"github.com/benchy-dev/benchy/runners"
	"github.com/benchy-dev/benchy/stats"
	"github.com/benchy-dev/benchy/suites"
)

// DefaultCallTimeout bounds one worker call when the arm sets no timeout.
const DefaultCallTimeout = 10 * time.Minute

// DefaultSettleTemp is the GPU temperature, in °C, that gpu_settle waits for
// when the suite gives no gpu_settle_temp.
const DefaultSettleTemp = 50

// maxCalibratedIterations caps the calibrated iteration count.
const maxCalibratedIterations = 10_000_000

// Options configure a run. The zero value runs the plan as written.
type Options struct {
	// OutDir receives journal.jsonl and results.json; empty keeps nothing on disk.
	OutDir string
	// Seed overrides the plan's seed when non-nil.
	Seed *int64
	// MinBlocks, MaxBlocks and Order override the plan when non-zero.
	MinBlocks, MaxBlocks int
	Order                suites.Order
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
	Settle func(ctx context.Context, maxWait time.Duration, tempC float64) json.RawMessage
	// HostLoad, when set, samples the host's load at the end of every block
	// (or sequential turn); what it returns is recorded with the block.
	HostLoad func() json.RawMessage
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
	// Sample returns a JSON-serialisable snapshot.
	Sample() any
	// Summarize turns the snapshots before and after a run of n iterations
	// into what is recorded (clocks, energy per iteration, throttling).
	Summarize(before, after any, iterations int) json.RawMessage
}

// Run executes plan and returns its results document. The document is also
// journaled and written to OutDir as the run goes. The error is non-nil
// only when the run could not be recorded at all; arm failures and
// interruptions are in the document's statuses.
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
	err = r.finish() // replaces r.doc with its redacted copy
	return r.doc, err
}

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
	seed := plan.Run.Seed
	switch {
	case opt.Seed != nil:
		seed = *opt.Seed
	case !plan.Run.SeedSet:
		seed = drawSeed()
	}
	order := plan.Run.Order
	if opt.Order != "" {
		order = opt.Order
	}
	envf := opt.Environment
	if envf == nil {
		envf = func() results.Environment { return EnvironmentOf(hw.Detect(context.Background())) }
	}
	doc := &results.Document{
		Schema:      results.Schema,
		Benchy:      opt.Version,
		Suite:       results.Suite{Path: plan.Path, Source: plan.RedactedSource(), SHA256: plan.SHA256},
		Seed:        seed,
		Order:       string(order),
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

func drawSeed() int64 {
	var b [8]byte
	if _, err := crand.Read(b[:]); err != nil {
		return time.Now().UnixNano()
	}
	return int64(binary.LittleEndian.Uint64(b[:]) >> 1)
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

func (r *run) finish() error {
	r.doc.Finished = time.Now().UTC()
	r.doc.Status, r.doc.StopReason = overallStatus(r.doc, r.stopped.Load())
	if r.journal != nil {
		r.note(r.journal.End("", r.doc.Status, r.doc.StopReason))
	}
	doc, err := redactDocument(r.plan, r.doc)
	if err != nil {
		return err
	}
	r.doc = doc
	if r.opt.OutDir == "" {
		return nil
	}
	return results.WriteFile(filepath.Join(r.opt.OutDir, "results.json"), r.doc)
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

// armState is one arm instance during a workload's run.
type armState struct {
	plan       *suites.Arm
	rec        *results.Arm
	changed    func() // journals rec after a status change
	w          *worker
	spec       workerSpec
	setupReq   runners.Request
	iterations int
	active     bool
}

func (r *run) runWorkload(ctx context.Context, pw *suites.Workload) {
	settings := r.settings(pw)
	rw := &results.Workload{
		Name: pw.Name, Description: pw.Description, Metric: pw.Metric, Better: pw.Better,
		Status: results.StatusRunning, Published: (*results.Published)(pw.Published),
	}
	if b, err := json.Marshal(settings); err == nil {
		rw.Run = b
	}
	r.doc.Workloads = append(r.doc.Workloads, rw)
	arms := make([]*armState, 0, len(pw.Arms))
	for _, a := range pw.Arms {
		st := &armState{plan: a, rec: &results.Arm{Name: a.Name, Baseline: a.Baseline, Runner: a.Runner, Config: a.Config, Status: results.ArmOK}}
		if r.journal != nil {
			st.changed = func() { r.note(r.journal.Arm(rw.Name, st.rec)) }
		}
		rw.Arms = append(rw.Arms, st.rec)
		arms = append(arms, st)
	}
	if r.journal != nil {
		r.note(r.journal.Workload(rw))
	}
	r.logf("== %s: %d arm(s)", pw.Name, len(arms))
	defer func() {
		for _, a := range arms {
			if a.w != nil {
				a.w.close(5 * time.Second)
				a.rec.Stderr = a.w.stderrTail()
			}
		}
		if len(pw.Cleanup) > 0 {
			cctx := ctx
			if ctx.Err() != nil || r.stopped.Load() { // a stop: still clean up, briefly
				var cancel context.CancelFunc
				cctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), cleanupAfterStop)
				defer cancel()
			}
			if err := r.command(cctx, pw.Cleanup, "cleanup"); err != nil {
				r.logf("   cleanup failed: %v", err)
			}
		}
		r.sweep(pw.Name)
		if r.journal != nil {
			for _, a := range arms {
				r.note(r.journal.Arm(rw.Name, a.rec))
			}
			r.note(r.journal.End(rw.Name, rw.Status, rw.StopReason))
		}
	}()

	if len(pw.Setup) > 0 {
		if err := r.command(ctx, pw.Setup, "setup"); err != nil {
			if ctx.Err() != nil {
				rw.Status, rw.StopReason = results.StatusInterrupted, "stopped during the setup command"
				return
			}
			rw.Status, rw.StopReason = results.StatusFailed, fmt.Sprintf("setup command failed: %v", err)
			for _, a := range arms {
				a.fail(fmt.Sprintf("workload setup failed: %v", err))
			}
			return
		}
	}
	for _, a := range arms {
		if ctx.Err() != nil {
			break
		}
		r.startArm(ctx, pw, a, settings)
	}
	if ctx.Err() == nil {
		r.calibrate(ctx, pw, arms, settings)
	}
	if ctx.Err() != nil { // a hard stop while arms were being set up
		rw.Status, rw.StopReason = results.StatusInterrupted, "stopped while the arms were being set up"
		return
	}

	start := time.Now()
	names := activeNames(arms)
	if len(names) == 0 {
		rw.Status, rw.StopReason = results.StatusFailed, "no arm could run"
		return
	}
	sch := schedule{order: settings.Order, arms: names, seed: r.doc.Seed, name: pw.Name}
	if settings.Order == suites.OrderSequential {
		r.runSequential(ctx, pw, rw, arms, settings, sch, start)
	} else {
		r.runInterleaved(ctx, pw, rw, arms, settings, sch, start)
	}
	if rw.Status == results.StatusRunning {
		rw.Status = results.StatusComplete
	}
	if n := len(activeNames(arms)); n == 0 && rw.Status == results.StatusComplete {
		rw.Status, rw.StopReason = results.StatusFailed, "every arm failed"
	}
}

// settings applies the command-line overrides to a workload's run settings.
func (r *run) settings(pw *suites.Workload) suites.RunSettings {
	s := pw.Run
	if r.opt.MinBlocks > 0 {
		s.MinBlocks = r.opt.MinBlocks
	}
	if r.opt.MaxBlocks > 0 {
		s.MaxBlocks = r.opt.MaxBlocks
	}
	if s.MinBlocks > s.MaxBlocks {
		s.MinBlocks = s.MaxBlocks
	}
	if r.opt.Order != "" {
		s.Order = r.opt.Order
	}
	s.Seed, s.SeedSet = r.doc.Seed, true
	return s
}

func (a *armState) fail(reason string) {
	a.active = false
	a.rec.Status, a.rec.Reason = results.ArmFailed, reason
	if a.changed != nil {
		a.changed()
	}
}

func (a *armState) skip(reason string) {
	a.active = false
	a.rec.Status, a.rec.Reason = results.ArmSkipped, reason
	if a.changed != nil {
		a.changed()
	}
}

func (a *armState) callTimeout(setup bool) time.Duration {
	if a.plan.Timeout > 0 {
		return a.plan.Timeout
	}
	if setup {
		return DefaultCallTimeout
	}
	return DefaultCallTimeout
}

func activeNames(arms []*armState) []string {
	var names []string
	for _, a := range arms {
		if a.active {
			names = append(names, a.plan.Name)
		}
	}
	return names
}

// startArm checks requirements, starts the arm's worker and sets it up.
func (r *run) startArm(ctx context.Context, pw *suites.Workload, a *armState, s suites.RunSettings) {
	if req := a.plan.Requires; req.GPU || req.MinGPUMemory > 0 || req.ComputeCapability != "" {
		ok, reason := r.requires(req)
		if !ok {
			a.skip(reason)
			r.logf("   %s: %s", a.plan.Name, reason)
			return
		}
	}
	spec, ok := runners.Lookup(a.plan.Runner)
	if !ok {
		a.fail(fmt.Sprintf("unknown runner %q", a.plan.Runner))
		return
	}
	env := runners.MergeEnv(os.Environ(), a.plan.Env)
	ws := workerSpec{argv: []string{r.exe, "worker", a.plan.Runner}, env: env, dir: r.plan.Dir, builtin: true}
	if spec.External != nil {
		if argv, extra, dir, ext := spec.External(a.plan.Config); ext {
			ws.argv, ws.builtin = argv, false
			ws.env = runners.MergeEnv(env, extra)
			if dir != "" {
				ws.dir = resolve(r.plan.Dir, dir)
			}
		}
	}
	if a.plan.Workdir != "" {
		ws.dir = resolve(r.plan.Dir, a.plan.Workdir)
	}
	a.spec = ws
	a.setupReq = runners.Request{Op: runners.OpSetup, Protocol: runners.ProtocolVersion, Config: a.plan.Config, Seed: r.doc.Seed, SuiteDir: r.plan.Dir}
	a.active = true
	if !r.spawn(ctx, a) {
		return // a hard stop; the run ends
	}
	if a.active {
		r.logf("   %s: ready (%s)", a.plan.Name, a.plan.Runner)
	} else {
		r.logf("   %s: %s: %s", a.plan.Name, a.rec.Status, a.rec.Reason)
	}
}

// spawn starts a worker for a and runs setup; failures end the arm. It
// reports false, leaving the arm as it was, when a hard stop cut it short.
func (r *run) spawn(ctx context.Context, a *armState) bool {
	w, err := startWorker(a.spec)
	if err != nil {
		a.fail(err.Error())
		return true
	}
	a.w = w
	resp, err := w.call(ctx, a.setupReq, a.callTimeout(true))
	if err == nil && resp.OK {
		if _, err = resp.Version(a.setupReq.Protocol); err == nil {
			if a.rec.Info == nil {
				a.rec.Info = resp.Info
			}
			return true
		}
	}
	w.close(2 * time.Second)
	a.w = nil
	if err != nil && ctx.Err() != nil {
		return false
	}
	a.rec.Stderr = w.stderrTail() // before the status change is journaled
	switch {
	case err != nil:
		a.fail(w.failure("setup: " + err.Error()))
	case resp.Skip:
		a.skip(resp.Error)
	default:
		a.fail(w.failure("setup: " + resp.Error))
	}
	return true
}

func resolve(base, p string) string {
	if filepath.IsAbs(p) || base == "" {
		return p
	}
	return filepath.Join(base, p)
}

// calibrate picks each active arm's iterations per block: the fixed count,
// or (pyperf style) enough that one arm's turn lasts at least MinBlockTime.
func (r *run) calibrate(ctx context.Context, pw *suites.Workload, arms []*armState, s suites.RunSettings) {
	for _, a := range arms {
		if !a.active {
			continue
		}
		if s.Iterations > 0 {
			a.iterations = s.Iterations
			continue
		}
		n := 1
		for {
			resp, err := r.call(ctx, a, runners.Request{Op: runners.OpRun, Iterations: n})
			if err != nil {
				if ctx.Err() != nil { // a hard stop: not the arm's failure
					return
				}
				a.fail("calibration: " + err.Error())
				break
			}
			total := sum(resp.NS)
			if time.Duration(total) >= s.MinBlockTime || n >= maxCalibratedIterations {
				a.iterations = n
				break
			}
			per := max(total/int64(n), 1)
			next := int(min(int64(float64(s.MinBlockTime)/float64(per)*1.2)+1, maxCalibratedIterations))
			n = max(next, 2*n)
			n = min(n, maxCalibratedIterations)
		}
		if a.active {
			if a.rec.Info == nil {
				a.rec.Info = map[string]any{}
			}
			a.rec.Info["iterations_per_block"] = a.iterations
			r.logf("   %s: %d iteration(s) per block", a.plan.Name, a.iterations)
		}
	}
}

// call sends a request to a's worker; a broken worker fails the arm.
func (r *run) call(ctx context.Context, a *armState, req runners.Request) (runners.Response, error) {
	resp, err := a.w.call(ctx, req, a.callTimeout(false))
	switch {
	case err != nil:
	case !resp.OK:
		err = errors.New(resp.Error)
	case req.Op == runners.OpRun:
		err = resp.CheckRun(req)
	}
	if err != nil {
		a.w.close(time.Second)
		a.rec.Stderr = a.w.stderrTail()
		err = errors.New(a.w.failure(err.Error()))
		a.w = nil
	}
	return resp, err
}

func sum(ns []int64) int64 {
	var t int64
	for _, v := range ns {
		t += v
	}
	return t
}

// runInterrupted is the error of an arm's run cut short by a hard stop
// (second Ctrl-C); its block is recorded as incomplete.
const runInterrupted = "interrupted: benchy was stopped during this run"

// turn runs one arm once inside a block and returns what it recorded.
func (r *run) turn(ctx context.Context, pw *suites.Workload, a *armState, s suites.RunSettings) *results.ArmRun {
	ar := &results.ArmRun{Arm: a.plan.Name}
	if a.w == nil && a.active { // fresh process per block, or first use
		if !r.spawn(ctx, a) {
			ar.Error = runInterrupted
			return ar
		}
		if !a.active {
			ar.Error = a.rec.Reason
			return ar
		}
	}
	if len(pw.Prepare) > 0 {
		if err := r.command(ctx, pw.Prepare, "prepare"); err != nil {
			if ctx.Err() != nil {
				ar.Error = runInterrupted
				return ar
			}
			ar.Error = "prepare: " + err.Error()
			a.fail(ar.Error)
			return ar
		}
	}
	var before any
	if r.opt.Telemetry != nil {
		before = r.opt.Telemetry.Sample()
	}
	resp, err := r.call(ctx, a, runners.Request{Op: runners.OpRun, Warmup: s.WarmupIterations, Iterations: a.iterations})
	if r.opt.Telemetry != nil {
		// The bracket covers the warm-up iterations too.
		ar.Telemetry = r.opt.Telemetry.Summarize(before, r.opt.Telemetry.Sample(), s.WarmupIterations+a.iterations)
	}
	if err != nil {
		if ctx.Err() != nil { // a hard stop killed the worker: not the arm's failure
			ar.Error = runInterrupted
			return ar
		}
		ar.Error = err.Error()
		a.fail(err.Error())
		r.logf("   %s failed: %v", a.plan.Name, err)
		return ar
	}
	ar.NS, ar.Metrics = resp.NS, resp.Metrics
	if len(pw.Conclude) > 0 {
		if err := r.command(ctx, pw.Conclude, "conclude"); err != nil {
			r.logf("   %s: conclude failed: %v", a.plan.Name, err)
		}
	}
	if a.plan.FreshProcess && a.w != nil {
		a.w.close(5 * time.Second)
		a.rec.Stderr = a.w.stderrTail()
		a.w = nil
	}
	return ar
}

func (r *run) runInterleaved(ctx context.Context, pw *suites.Workload, rw *results.Workload, arms []*armState, s suites.RunSettings, sch schedule, start time.Time) {
	byName := map[string]*armState{}
	for _, a := range arms {
		byName[a.plan.Name] = a
	}
	measured := 0
	for b := 0; ; b++ {
		warm := b < s.Warmup
		if !warm && measured >= s.MaxBlocks {
			rw.StopReason = fmt.Sprintf("reached max_blocks = %d", s.MaxBlocks)
			return
		}
		if s.TimeBudget > 0 && time.Since(start) >= s.TimeBudget {
			rw.Status = results.StatusBudgetExhausted
			rw.StopReason = fmt.Sprintf("time budget %v spent after %d measured block(s)", s.TimeBudget, measured)
			return
		}
		if b > 0 && s.Cooldown > 0 {
			if !sleepCtx(ctx, s.Cooldown) {
				rw.Status, rw.StopReason = results.StatusInterrupted, fmt.Sprintf("stopped after %d measured block(s), in the cooldown", measured)
				return
			}
		}
		block := &results.Block{Index: b, Warmup: warm, Order: sch.blockOrder(b)}
		if s.GPUSettle > 0 && r.opt.Settle != nil {
			block.Settle = r.opt.Settle(ctx, s.GPUSettle, cmp.Or(s.GPUSettleTemp, DefaultSettleTemp))
		}
		block.Start = time.Now().UTC()
		r.blocks.Store(true)
		interrupted := false
		for _, name := range block.Order {
			if ctx.Err() != nil || r.softStopped() {
				interrupted = true
				break
			}
			a := byName[name]
			if !a.active {
				continue
			}
			run := r.turn(ctx, pw, a, s)
			block.Runs = append(block.Runs, run)
			if run.Error == runInterrupted {
				interrupted = true
				break
			}
		}
		if interrupted {
			if len(block.Runs) > 0 {
				block.Incomplete = true
				r.appendBlock(rw, block, s, measured)
			}
			rw.Status, rw.StopReason = results.StatusInterrupted, fmt.Sprintf("stopped after %d measured block(s); the block in progress is kept as incomplete", measured)
			return
		}
		if !warm {
			measured++
		}
		block.Load = r.hostLoad()
		r.appendBlock(rw, block, s, measured)
		if len(activeNames(arms)) == 0 {
			rw.StopReason = "every arm failed"
			return
		}
		if ctx.Err() != nil || r.softStopped() {
			rw.Status, rw.StopReason = results.StatusInterrupted, fmt.Sprintf("stopped after %d measured block(s)", measured)
			return
		}
		if !warm && measured >= s.MinBlocks && s.TargetCIHalfWidth > 0 {
			matrix, cols, base := blockMatrix(rw, arms)
			if base >= 0 && len(matrix) > 0 {
				d, _ := stats.EvaluateStop(matrix, base, stats.StopRule{
					MinBlocks: s.MinBlocks, MaxBlocks: s.MaxBlocks,
					TargetHalfWidth: s.TargetCIHalfWidth, Confidence: s.Confidence,
				})
				if d.Stop {
					rw.StopReason = d.Reason
					if d.WorstArm >= 0 && d.WorstArm < len(cols) {
						rw.StopReason = strings.Replace(d.Reason, fmt.Sprintf("(arm %d)", d.WorstArm), "("+cols[d.WorstArm]+")", 1)
					}
					return
				}
			}
		}
	}
}

// runSequential runs every block of one arm before the next arm: only for
// A/A studies and teaching, since drift then looks like a difference. A
// block is journaled after every arm's turn in it (incomplete until every
// arm has had its turn), so that a kill keeps every finished turn; the
// time budget, cooldown and GPU settling apply per turn.
func (r *run) runSequential(ctx context.Context, pw *suites.Workload, rw *results.Workload, arms []*armState, s suites.RunSettings, sch schedule, start time.Time) {
	total := s.Warmup + s.MaxBlocks
	blocks := make([]*results.Block, total)
	for b := range blocks {
		blocks[b] = &results.Block{Index: b, Warmup: b < s.Warmup, Order: sch.blockOrder(b), Incomplete: true}
	}
	// covered[b] counts the arms done with block b: they ran in it, or
	// failed before it and will not run again.
	covered := make([]int, total)
	runnable := len(activeNames(arms))
	turns := 0
	stop := func(status, reason string) { rw.Status, rw.StopReason = status, reason }
outer:
	for _, a := range arms {
		if !a.active {
			continue
		}
		b := 0
		for ; b < total; b++ {
			switch {
			case ctx.Err() != nil || r.softStopped():
				stop(results.StatusInterrupted, fmt.Sprintf("stopped after %d turn(s)", turns))
				break outer
			case s.TimeBudget > 0 && time.Since(start) >= s.TimeBudget:
				stop(results.StatusBudgetExhausted, fmt.Sprintf("time budget %v spent after %d turn(s)", s.TimeBudget, turns))
				break outer
			case turns > 0 && s.Cooldown > 0 && !sleepCtx(ctx, s.Cooldown):
				stop(results.StatusInterrupted, fmt.Sprintf("stopped after %d turn(s)", turns))
				break outer
			}
			blk := blocks[b]
			if s.GPUSettle > 0 && r.opt.Settle != nil {
				blk.Settle = r.opt.Settle(ctx, s.GPUSettle, cmp.Or(s.GPUSettleTemp, DefaultSettleTemp))
			}
			if blk.Start.IsZero() {
				blk.Start = time.Now().UTC()
			}
			r.blocks.Store(true)
			run := r.turn(ctx, pw, a, s)
			blk.Runs = append(blk.Runs, run)
			turns++
			if run.Error == runInterrupted {
				r.journalBlock(rw, blk)
				stop(results.StatusInterrupted, fmt.Sprintf("stopped after %d turn(s)", turns))
				break outer
			}
			covered[b]++
			blk.Incomplete = covered[b] < runnable
			blk.Load = r.hostLoad()
			r.journalBlock(rw, blk)
			r.blockDone(rw, blk, s, max(b+1-s.Warmup, 0))
			if !a.active {
				b++
				break
			}
		}
		// A failed arm is done with the blocks it will never run.
		for ; b < total; b++ {
			covered[b]++
			if blk := blocks[b]; len(blk.Runs) > 0 && blk.Incomplete && covered[b] >= runnable {
				blk.Incomplete = false
				r.journalBlock(rw, blk)
			}
		}
	}
	for _, blk := range blocks {
		if len(blk.Runs) > 0 {
			rw.Blocks = append(rw.Blocks, blk)
		}
	}
	if rw.StopReason == "" {
		rw.StopReason = fmt.Sprintf("sequential order runs exactly max_blocks = %d", s.MaxBlocks)
	}
}

// journalBlock journals a block's current state without adding it to the
// workload: a later record of the same block supersedes it.
func (r *run) journalBlock(rw *results.Workload, b *results.Block) {
	if r.journal != nil {
		r.note(r.journal.Block(rw.Name, b))
	}
}

// appendBlock records a finished block; measured counts the workload's
// measured blocks, this one included.
func (r *run) appendBlock(rw *results.Workload, b *results.Block, s suites.RunSettings, measured int) {
	rw.Blocks = append(rw.Blocks, b)
	r.journalBlock(rw, b)
	r.blockDone(rw, b, s, measured)
}

// blockDone reports a finished block (or turn): to Options.Blocks when
// set, else as a progress line.
func (r *run) blockDone(rw *results.Workload, b *results.Block, s suites.RunSettings, measured int) {
	line := r.plan.Redact(blockLine(b))
	if r.opt.Blocks != nil {
		r.opt.Blocks(BlockProgress{Workload: r.plan.Redact(rw.Name), Index: b.Index, Warmup: b.Warmup,
			Measured: measured, MinBlocks: s.MinBlocks, MaxBlocks: s.MaxBlocks, Line: line})
		return
	}
	r.logf("   block %d%s: %s", b.Index, map[bool]string{true: " (warm-up)", false: ""}[b.Warmup], line)
}

// shortDuration keeps about four significant digits of d for a progress
// line: 14.47ms rather than 14.466826ms; sub-millisecond values are kept.
func shortDuration(d time.Duration) time.Duration {
	switch {
	case d >= 10*time.Second:
		return d.Round(10 * time.Millisecond)
	case d >= time.Second:
		return d.Round(time.Millisecond)
	case d >= 10*time.Millisecond:
		return d.Round(10 * time.Microsecond)
	case d >= time.Millisecond:
		return d.Round(time.Microsecond)
	}
	return d
}

func blockLine(b *results.Block) string {
	s := ""
	for i, run := range b.Runs {
		if i > 0 {
			s += "  "
		}
		switch run.Error {
		case "":
		case runInterrupted:
			s += run.Arm + " interrupted"
			continue
		default:
			s += run.Arm + " failed"
			continue
		}
		s += fmt.Sprintf("%s %v", run.Arm, shortDuration(time.Duration(sum(run.NS)/int64(len(run.NS)))))
	}
	return s
}

// blockMatrix builds the block × arm matrix of per-iteration means over the
// complete measured blocks of the arms still active, with the column names
// and the baseline's column.
func blockMatrix(rw *results.Workload, arms []*armState) ([][]float64, []string, int) {
	var cols []string
	base := -1
	for _, a := range arms {
		if a.active {
			if a.plan.Baseline {
				base = len(cols)
			}
			cols = append(cols, a.plan.Name)
		}
	}
	if base < 0 || len(cols) < 2 {
		return nil, nil, -1
	}
	var m [][]float64
	for _, b := range rw.Blocks {
		if !b.Measured() {
			continue
		}
		row := make([]float64, len(cols))
		complete := true
		for i, c := range cols {
			v, ok := b.Value(c)
			if !ok {
				complete = false
				break
			}
			row[i] = v
		}
		if complete {
			m = append(m, row)
		}
	}
	return m, cols, base
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// cleanupAfterStop bounds a workload's cleanup command after a hard stop.
const cleanupAfterStop = 30 * time.Second

// command runs a setup/cleanup/prepare/conclude argv, untimed, in the suite
// directory, with a ten-minute limit.
func (r *run) command(ctx context.Context, argv []string, what string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = r.plan.Dir
	// Its own process group, as the workers have: a Ctrl-C at the terminal
	// reaches benchy, which decides, and not the command directly.
	// It dies with benchy (SIGKILL); what it leaves running is swept at
	// the workload's end.
	cmd.SysProcAttr = proctree.Attr(syscall.SIGKILL)
	cmd.Cancel = func() error {
		proctree.KillDescendants(cmd.Process.Pid)
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	cmd.WaitDelay = 5 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Start()
	if err == nil {
		started(cmd.Process.Pid)
		err = cmd.Wait()
		ended(cmd.Process.Pid)
	}
	if err != nil {
		return fmt.Errorf("%s %v: %w: %s", what, argv, err, clip(out.String(), 2000))
	}
	return nil
}

func (r *run) requires(req suites.Requires) (bool, string) {
	if r.opt.Requires != nil {
		return r.opt.Requires(req)
	}
	return false, "skipped: no NVIDIA GPU detected (no hardware check configured)"
}

func needsSpawnOverhead(p *suites.Plan) bool {
	for _, w := range p.Workloads {
		for _, a := range w.Arms {
			if a.Runner != "exec" {
				continue
			}
			var c struct {
				Measure string `json:"measure"`
			}
			if json.Unmarshal(a.Config, &c) == nil && (c.Measure == "" || c.Measure == "wall") {
				return true
			}
		}
	}
	return false
}
