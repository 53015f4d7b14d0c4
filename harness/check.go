package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/benchy-dev/benchy/internal/jsonschema"
	"github.com/benchy-dev/benchy/runners"
	"github.com/benchy-dev/benchy/stats"
)

// CheckOptions says which worker CheckWorker checks, and how hard.
type CheckOptions struct {
	// Argv is the worker's command; Dir its working directory ("" for the
	// current one); Env its environment (nil for benchy's own).
	Argv []string
	Dir  string
	Env  []string
	// Config is setup's config; nil sends what an exec { measure =
	// "protocol" } arm with this command sends.
	Config json.RawMessage
	// Seed is setup's seed.
	Seed int64
	// Blocks runs of Iterations timed iterations, each after Warmup.
	Blocks, Iterations, Warmup int
	// RoundTrips is how many one-iteration runs measure the round trip.
	RoundTrips int
	// Timeout bounds every call, setup included.
	Timeout time.Duration
}

// DefaultCheckOptions are the checker's defaults for argv.
func DefaultCheckOptions(argv []string) CheckOptions {
	return CheckOptions{Argv: argv, Seed: 1, Blocks: 3, Iterations: 100, Warmup: 2, RoundTrips: 50, Timeout: 60 * time.Second}
}

// CheckViolation is one way a worker breaks the contract, with its fix.
type CheckViolation struct {
	Step, Problem, Fix string
}

// CheckReport is what CheckWorker found.
type CheckReport struct {
	// Passed lists the steps that conformed, in order.
	Passed []string
	// Violations break the contract; Warnings are allowed but worth fixing.
	Violations []CheckViolation
	Warnings   []string
	// Skipped is the worker's skip reason: its prerequisite is missing
	// here, and nothing after setup was checked.
	Skipped string
	// Protocol is the version the worker answered (0 before a setup).
	Protocol int
	// RoundTrip is the median time a one-iteration run request took
	// beyond its iteration, over RoundTrips requests (0: not measured).
	RoundTrip time.Duration
	// PerIteration is the untimed time per iteration in nanoseconds: how
	// much more than Σns a run of Iterations takes than a run of one,
	// per extra iteration (loop, clock reads, encoding ns).
	PerIteration float64
	// IterationMedian is the median of every timed iteration.
	IterationMedian time.Duration
	// Stderr is the end of the worker's stderr.
	Stderr string
}

// checker holds one check in progress.
type checker struct {
	o      CheckOptions
	rep    *CheckReport
	schema *jsonschema.Schema
	w      *worker
}

// CheckWorker runs o.Argv as benchy would run it as an arm and checks every
// line it prints against the worker protocol (docs/protocol.md): setup with
// version negotiation, an unknown op, o.Blocks runs, one-iteration runs for
// the round trip, close and the exit; then it asks a second process for a
// newer version than benchy speaks, which it must answer with one it
// speaks. It never panics on what the worker does; a ctx that ends stops
// it with what it found so far.
func CheckWorker(ctx context.Context, o CheckOptions) *CheckReport {
	c := &checker{o: o, rep: &CheckReport{}}
	s, err := runners.ProtocolSchema()
	if err != nil {
		c.violate("schema", err.Error(), "this is a bug in benchy: report it")
		return c.rep
	}
	c.schema = s
	if o.Config == nil {
		o.Config, _ = json.Marshal(map[string]any{"command": o.Argv, "measure": "protocol"})
		c.o.Config = o.Config
	}
	c.session(ctx)
	if len(c.rep.Violations) == 0 && c.rep.Skipped == "" && ctx.Err() == nil {
		c.newerVersion(ctx)
	}
	return c.rep
}

func (c *checker) violate(step, problem, fix string) {
	c.rep.Violations = append(c.rep.Violations, CheckViolation{Step: step, Problem: problem, Fix: fix})
}

func (c *checker) pass(format string, args ...any) {
	c.rep.Passed = append(c.rep.Passed, fmt.Sprintf(format, args...))
}

func (c *checker) start() bool {
	w, err := startWorker(workerSpec{argv: c.o.Argv, env: c.o.Env, dir: c.o.Dir})
	if err != nil {
		c.violate("start", err.Error(), "check the command: the program must exist and be executable")
		return false
	}
	c.w = w
	return true
}

// exchange sends req and validates the answer against the schema's def;
// it returns the decoded response and whether the session can go on.
func (c *checker) exchange(ctx context.Context, step string, req any, def string) (runners.Response, time.Duration, bool) {
	var resp runners.Response
	t0 := time.Now()
	line, err := c.w.callLine(ctx, req, c.o.Timeout)
	wall := time.Since(t0)
	if err != nil {
		c.rep.Stderr = c.w.stderrTail()
		switch {
		case ctx.Err() != nil:
			c.violate(step, err.Error(), "the check was interrupted; run it again")
		case strings.Contains(err.Error(), "timed out"):
			c.violate(step, "no response: "+err.Error(), "answer every request with one line and flush stdout after it (Python: print(..., flush=True); C: fflush(stdout)); a slow setup needs a longer --timeout")
		default:
			c.violate(step, c.w.failure(err.Error()), "keep running until close, answer a failure with {\"ok\":false,\"error\":\"...\"} instead of exiting, and read the stderr above for the cause")
		}
		return resp, wall, false
	}
	v, err := jsonschema.Decode(line)
	if err != nil {
		c.violate(step, fmt.Sprintf("the worker printed %q on stdout, not a JSON response (%v)", clip(string(line), 200), err),
			"print only protocol lines on stdout, one JSON object per line; send logs and progress to stderr")
		return resp, wall, false
	}
	for _, e := range c.schema.Validate(def, v) {
		c.violate(step, fmt.Sprintf("response %s: %s", clip(string(line), 120), e), fixFor(e))
	}
	if json.Unmarshal(line, &resp) != nil {
		return resp, wall, false // reported above by the schema
	}
	return resp, wall, true
}

// fixFor says how to fix one schema violation.
func fixFor(v jsonschema.Violation) string {
	switch {
	case strings.HasPrefix(v.Path, "/protocol"):
		return `answer setup with "protocol": 1 (an integer: the version the worker speaks, at most the one asked for)`
	case strings.HasPrefix(v.Path, "/ns"):
		return "report ns as an array of integers >= 0, one per timed iteration: nanoseconds from a monotonic clock (time.perf_counter_ns, process.hrtime.bigint, CLOCK_MONOTONIC)"
	case strings.HasPrefix(v.Path, "/metrics"):
		return `report metrics as an object of numbers, e.g. "metrics": {"items_per_s": 1.5e6}`
	case strings.Contains(v.Message, "is not a field here"):
		return `a response holds only the protocol's fields: put facts in "info" (setup) and numbers in "metrics" (run)`
	case strings.Contains(v.Message, `"error"`) || strings.HasPrefix(v.Path, "/error"):
		return `a failure says what went wrong: {"ok": false, "error": "a sentence"}`
	case strings.HasPrefix(v.Path, "/ok") || strings.Contains(v.Message, `"ok"`):
		return `every response starts with "ok": true or "ok": false`
	}
	return "see docs/protocol.md, Responses"
}

// session is the main exchange: setup, unknown op, blocks, round trips,
// close and exit.
func (c *checker) session(ctx context.Context) {
	if !c.start() {
		return
	}
	defer func() {
		c.w.kill()
		if c.rep.Stderr == "" {
			c.rep.Stderr = c.w.stderrTail()
		}
	}()
	setup := runners.Request{Op: runners.OpSetup, Protocol: runners.ProtocolVersion, Config: c.o.Config, Seed: c.o.Seed, SuiteDir: c.o.Dir}
	resp, _, ok := c.exchange(ctx, "setup", setup, "setupResponse")
	if !ok {
		return
	}
	switch {
	case !resp.OK && resp.Skip:
		c.rep.Skipped = resp.Error
		return
	case !resp.OK:
		c.violate("setup", c.w.failure("setup failed: "+resp.Error), "fix what the error says; the checker needs a setup that succeeds to check the rest")
		return
	}
	n, err := resp.Version(setup.Protocol)
	if err != nil {
		c.violate("setup", err.Error(), fmt.Sprintf(`answer setup with "protocol": N, the version the worker speaks, at most %d`, setup.Protocol))
		return
	}
	c.rep.Protocol = n
	if len(resp.Protocol) == 0 {
		c.rep.Warnings = append(c.rep.Warnings, `the setup response has no "protocol" field, which benchy reads as 1; add "protocol": 1`)
	}
	c.pass("setup answered protocol %d", n)

	resp, _, ok = c.exchange(ctx, "unknown op", map[string]any{"op": "benchy-check-unknown-op"}, "failure")
	if !ok {
		c.violate("unknown op", "the worker did not answer an op it does not know", `answer an unknown op with {"ok": false, "error": "unknown op ..."} and keep serving: a newer benchy may send ops this worker does not know`)
		return
	}
	if resp.OK {
		c.violate("unknown op", `the worker answered "ok": true to an op that does not exist`, `answer an unknown op with {"ok": false, "error": "unknown op ..."}`)
	} else {
		c.pass("an unknown op was answered with ok=false")
	}

	var all []int64
	for b := 0; b < c.o.Blocks; b++ {
		req := runners.Request{Op: runners.OpRun, Warmup: c.o.Warmup, Iterations: c.o.Iterations}
		ns, _, ok := c.run(ctx, fmt.Sprintf("block %d", b+1), req)
		if !ok {
			return
		}
		all = append(all, ns...)
	}
	c.pass("%d block(s) of %d iteration(s) after %d warm-up: one duration >= 0 per iteration", c.o.Blocks, c.o.Iterations, c.o.Warmup)
	// The untimed time of a run is its wall time less Σns. One-iteration
	// runs give the round trip; runs of Iterations without warm-up,
	// interleaved with them, give what each further iteration adds.
	var over1, overN []float64
	for i := 0; i < c.o.RoundTrips; i++ {
		ns, wall, ok := c.run(ctx, fmt.Sprintf("round trip %d", i+1), runners.Request{Op: runners.OpRun, Iterations: 1})
		if !ok {
			return
		}
		over1 = append(over1, float64(wall)-float64(ns[0]))
		if i < longRuns && c.o.Iterations > 1 {
			ns, wall, ok := c.run(ctx, fmt.Sprintf("overhead run %d", i+1), runners.Request{Op: runners.OpRun, Iterations: c.o.Iterations})
			if !ok {
				return
			}
			overN = append(overN, float64(wall)-float64(sum(ns)))
		}
	}
	if len(over1) > 0 {
		c.rep.RoundTrip = time.Duration(median(over1))
		if len(overN) > 0 {
			c.rep.PerIteration = max(0, (median(overN)-median(over1))/float64(c.o.Iterations-1))
		}
	}
	if len(all) > 0 {
		f := make([]float64, len(all))
		for i, v := range all {
			f[i] = float64(v)
		}
		c.rep.IterationMedian = time.Duration(median(f))
	}

	if _, _, ok := c.exchange(ctx, "close", runners.Request{Op: runners.OpClose}, "closeResponse"); !ok {
		return
	}
	_ = c.w.stdin.Close()
	select {
	case <-c.w.done:
	case <-time.After(workerCloseGrace):
		c.violate("close", fmt.Sprintf("the worker did not exit within %v of answering close", workerCloseGrace), "exit after answering close (and at the end of stdin)")
		return
	}
	c.rep.Stderr = c.w.stderrTail()
	for l := range c.w.lines {
		if l.err == nil {
			c.violate("close", fmt.Sprintf("the worker printed %q after answering close", clip(string(l.line), 200)), "print nothing on stdout after the close response")
		}
	}
	if c.w.werr != nil {
		c.violate("close", fmt.Sprintf("the worker exited with %v after close", c.w.werr), "exit with status 0 after a close")
		return
	}
	c.pass("close answered, and the worker exited with status 0")
}

// run sends one run request and checks the response beyond the schema:
// an ok answer with the right number of durations, none negative.
func (c *checker) run(ctx context.Context, step string, req runners.Request) ([]int64, time.Duration, bool) {
	before := len(c.rep.Violations)
	resp, wall, ok := c.exchange(ctx, step, req, "runResponse")
	if !ok || len(c.rep.Violations) > before {
		return nil, 0, false
	}
	if !resp.OK {
		c.violate(step, c.w.failure("run failed: "+resp.Error), "fix what the error says: a run that fails ends the arm")
		return nil, 0, false
	}
	if err := resp.CheckRun(req); err != nil {
		c.violate(step, err.Error(), "return exactly one duration per timed iteration (warm-up excluded), in nanoseconds from a monotonic clock")
		return nil, 0, false
	}
	return resp.NS, wall, true
}

// newerVersion starts the worker again and asks for a version above
// benchy's own: the answer must be a version no higher than asked.
func (c *checker) newerVersion(ctx context.Context) {
	if !c.start() {
		return
	}
	defer c.w.close(workerCloseGrace)
	asked := runners.ProtocolVersion + 1
	setup := runners.Request{Op: runners.OpSetup, Protocol: asked, Config: c.o.Config, Seed: c.o.Seed, SuiteDir: c.o.Dir}
	step := fmt.Sprintf("setup asking for protocol %d", asked)
	resp, _, ok := c.exchange(ctx, step, setup, "setupResponse")
	if !ok {
		return
	}
	if !resp.OK {
		c.violate(step, c.w.failure("setup failed: "+resp.Error), fmt.Sprintf("a worker asked for a newer version than it speaks answers with its own: \"protocol\": %d", runners.ProtocolVersion))
		return
	}
	n, err := resp.Version(asked)
	if err != nil {
		c.violate(step, err.Error(), "answer the version the worker speaks, at most the one asked for")
		return
	}
	c.pass("asked for protocol %d, the worker answered %d", asked, n)
}

// longRuns is how many runs of Iterations measure the untimed time per
// iteration.
const longRuns = 10

// workerCloseGrace is how long a worker may take to answer close and exit.
const workerCloseGrace = 5 * time.Second

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return stats.Quantile(s, 0.5)
}
