package harness

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/benchy-dev/benchy/internal/proctree"
	"github.com/benchy-dev/benchy/metric"
	"github.com/benchy-dev/benchy/results"
	"github.com/benchy-dev/benchy/runners"
	"github.com/benchy-dev/benchy/suites"
)

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

// workloadRun is one workload instance during its run: the plan's
// workload, its record in the document, its arms, its run settings and,
// once its arms are set up, its block schedule and start time.
type workloadRun struct {
	r     *run
	pw    *suites.Workload
	rec   *results.Workload
	arms  []*armState
	s     suites.RunSettings
	sch   schedule
	start time.Time
}

// newWorkload records pw in the document and the journal, with its arms.
func (r *run) newWorkload(pw *suites.Workload) *workloadRun {
	w := &workloadRun{r: r, pw: pw, s: pw.Run}
	rw := &results.Workload{
		Name: pw.Name, Description: pw.Description, Metric: pw.Metric, Better: metric.Direction(pw.Better),
		Status: results.StatusRunning, Published: pw.Published,
	}
	recorded := w.s // what the instance runs with, as the results record it
	rw.Run = &recorded
	w.rec = rw
	r.doc.Workloads = append(r.doc.Workloads, rw)
	w.arms = make([]*armState, 0, len(pw.Arms))
	for _, a := range pw.Arms {
		st := &armState{plan: a, rec: &results.Arm{Name: a.Name, Baseline: a.Baseline, Runner: a.Runner, Config: a.Config, Status: results.ArmOK}}
		if r.journal != nil {
			st.changed = func() { r.note(r.journal.Arm(rw.Name, st.rec)) }
		}
		rw.Arms = append(rw.Arms, st.rec)
		w.arms = append(w.arms, st)
	}
	if r.journal != nil {
		r.note(r.journal.Workload(rw))
	}
	return w
}

// runWorkload runs one workload instance from its setup command to its
// cleanup; what happened is in its record.
func (r *run) runWorkload(ctx context.Context, pw *suites.Workload) {
	w := r.newWorkload(pw)
	r.logf("== %s: %d arm(s)", pw.Name, len(w.arms))
	defer w.close(ctx)
	if !w.setUp(ctx) {
		return
	}
	w.start = time.Now()
	names := activeNames(w.arms)
	if len(names) == 0 {
		w.end(results.StatusFailed, "no arm could run")
		return
	}
	// The instance's own seed: the run's, unless its workload's run block
	// gave one (suites.Plan.Resolve).
	w.sch = schedule{order: w.s.Order, arms: names, seed: w.s.Seed, name: pw.Name}
	if w.s.Order == suites.OrderSequential {
		w.sequential(ctx)
	} else {
		w.interleaved(ctx)
	}
	if w.rec.Status == results.StatusRunning {
		w.rec.Status = results.StatusComplete
	}
	if n := len(activeNames(w.arms)); n == 0 && w.rec.Status == results.StatusComplete {
		w.end(results.StatusFailed, "every arm failed")
	}
}

// end sets the workload's status and the reason it stopped.
func (w *workloadRun) end(status, reason string) {
	w.rec.Status, w.rec.StopReason = status, reason
}

// setUp runs the workload's setup command, then starts and calibrates its
// arms. It reports false, with the workload's status set, when the
// workload cannot go on to its blocks.
func (w *workloadRun) setUp(ctx context.Context) bool {
	r, pw := w.r, w.pw
	if len(pw.Setup) > 0 {
		if err := r.command(ctx, pw.Setup, "setup"); err != nil {
			if ctx.Err() != nil {
				w.end(results.StatusInterrupted, "stopped during the setup command")
				return false
			}
			w.end(results.StatusFailed, fmt.Sprintf("setup command failed: %v", err))
			for _, a := range w.arms {
				a.fail(fmt.Sprintf("workload setup failed: %v", err))
			}
			return false
		}
	}
	for _, a := range w.arms {
		if ctx.Err() != nil {
			break
		}
		r.startArm(ctx, a)
	}
	if ctx.Err() == nil {
		r.calibrate(ctx, w.arms, w.s, metric.KindOf(pw.Metric) == metric.Time)
	}
	if ctx.Err() != nil { // a hard stop while arms were being set up
		w.end(results.StatusInterrupted, "stopped while the arms were being set up")
		return false
	}
	return true
}

// close ends the workload's workers, runs its cleanup command (briefly
// after a stop), sweeps what its processes left running and journals the
// arms' and the workload's final records.
func (w *workloadRun) close(ctx context.Context) {
	r, pw := w.r, w.pw
	closeFailed := false
	for _, a := range w.arms {
		if a.w != nil && !r.closeArm(a) {
			closeFailed = true
		}
	}
	if closeFailed && w.rec.Status == results.StatusComplete && len(activeNames(w.arms)) == 0 {
		w.end(results.StatusFailed, "every arm failed")
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
		for _, a := range w.arms {
			r.note(r.journal.Arm(w.rec.Name, a.rec))
		}
		r.note(r.journal.End(w.rec.Name, w.rec.Status, w.rec.StopReason))
	}
}

// closeArm closes a's worker at the end of its work and records its stderr.
// A close that fails (an error in the answer, no answer, no exit within
// workerCloseGrace, an exit status other than 0) fails an arm still ok,
// which keeps its finished blocks. It reports false when it failed the arm.
func (r *run) closeArm(a *armState) bool {
	err := a.w.close(workerCloseGrace)
	a.rec.Stderr = a.w.stderrTail() // before the status change is journaled
	failed := err != nil && a.rec.Status == results.ArmOK
	if failed {
		reason := a.w.failure("close: " + err.Error())
		a.fail(reason)
		r.logf("   %s failed: %s", a.plan.Name, reason)
	}
	a.w = nil
	return !failed
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
func (r *run) startArm(ctx context.Context, a *armState) {
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
	_ = w.close(2 * time.Second) // the arm fails or skips for what setup said
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
// or (pyperf style) enough that one arm's turn lasts at least MinBlockTime,
// timed by the samples when timeMetric (the workload's metric is a time)
// and by the calls' wall time otherwise.
func (r *run) calibrate(ctx context.Context, arms []*armState, s suites.RunSettings, timeMetric bool) {
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
			start := time.Now()
			resp, err := r.call(ctx, a, runners.Request{Op: runners.OpRun, Iterations: n})
			if err != nil {
				if ctx.Err() != nil { // a hard stop: not the arm's failure
					return
				}
				a.fail("calibration: " + err.Error())
				break
			}
			// A time metric's samples are the iterations' own times; any
			// other metric (a score, ops/s) says nothing of how long the
			// iterations took, so the call's wall time counts instead.
			total := time.Since(start).Nanoseconds()
			if timeMetric {
				total = sum(resp.NS)
			}
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
		_ = a.w.close(time.Second) // the arm fails for err
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
	// The output goes to an unlinked file, not a pipe: a server that the
	// command starts in the background keeps its stdout open, and Wait
	// would wait for the pipe to close (WaitDelay, then an error) instead of
	// returning when the command itself exits.
	out, err := os.CreateTemp("", "benchy-"+what+"-*.log")
	if err != nil {
		return fmt.Errorf("%s %v: %w", what, argv, err)
	}
	os.Remove(out.Name())
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	err = cmd.Start()
	if err == nil {
		started(cmd.Process.Pid)
		err = cmd.Wait()
		ended(cmd.Process.Pid)
	}
	if err != nil {
		return fmt.Errorf("%s %v: %w: %s", what, argv, err, clip(readHead(out, 2000), 2000))
	}
	return nil
}

// readHead returns what f holds from its start, n bytes and one more at
// most (so that clip marks a cut).
func readHead(f *os.File, n int) string {
	b := make([]byte, n+1)
	k, _ := f.ReadAt(b, 0)
	return string(b[:k])
}

func (r *run) requires(req suites.Requires) (bool, string) {
	if r.opt.Requires != nil {
		return r.opt.Requires(req)
	}
	return false, "skipped: no NVIDIA GPU detected (no hardware check configured)"
}
