// Package runners defines what a runner is: the worker protocol spoken over a
// worker's stdin and stdout, the Runner interface that built-in runners
// implement, and the registry through which each runner contributes the
// schema of its suite block (exec {}, gaussrank {}, onnx {}).
//
// Adding a runner is a local change: a package under runners/ calls Register
// from an init function, and cmd/benchy imports it for its side effect.
package runners

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/hashicorp/hcl/v2"
)

// Runner does the measured work of one arm inside a worker process.
// The worker calls Setup once, Run once per block, and Close at the end.
type Runner interface {
	// Setup prepares the runner from its JSON config (the decoded runner
	// block) and returns facts worth recording, such as the provider actually
	// used or the model size. An error wrapped with Skip marks the arm
	// skipped instead of failed.
	Setup(ctx context.Context, cfg Setup) (info map[string]any, err error)
	// Run executes warmup untimed iterations, then iterations timed ones,
	// and returns one duration in nanoseconds per timed iteration plus any
	// runner-defined metrics for the block.
	Run(ctx context.Context, warmup, iterations int) (ns []int64, metrics map[string]float64, err error)
	// Close releases everything Setup acquired.
	Close() error
}

// Setup is what a worker receives with the setup operation.
type Setup struct {
	// Config is the runner block's decoded configuration.
	Config json.RawMessage `json:"config"`
	// Seed is the run's recorded seed, for synthetic inputs.
	Seed int64 `json:"seed"`
	// SuiteDir is the directory of the suite file; relative paths in the
	// config are resolved against it.
	SuiteDir string `json:"suite_dir,omitempty"`
}

// Spec registers one runner kind.
type Spec struct {
	// Name is the runner's block type in a suite, e.g. "exec".
	Name string
	// Decode decodes the runner block's body in the arm's evaluation context
	// and returns a JSON-serialisable configuration. Diagnostics must carry
	// source ranges.
	Decode func(body hcl.Body, ctx *hcl.EvalContext) (config any, diags hcl.Diagnostics)
	// New returns a fresh runner; it is called inside `benchy worker`.
	// Nil when every configuration is launched as an external program.
	New func() Runner
	// Check, when non-nil, checks a decoded configuration (what Decode
	// returned) against the files it names, without running anything: that
	// they exist, are regular files and parse far enough to be what they
	// should be. dir is the suite's directory, which relative paths resolve
	// against. benchy validate calls it; diagnostics must carry source
	// ranges.
	Check func(config any, dir string) hcl.Diagnostics
	// External, when non-nil, reports whether a decoded configuration is an
	// external program that speaks the worker protocol itself, and if so its
	// argv, extra environment and working directory. Otherwise the arm is
	// served by `benchy worker NAME`.
	External func(config json.RawMessage) (argv []string, env map[string]string, dir string, ok bool)
	// TimesProcesses, when non-nil, reports whether a decoded
	// configuration times whole processes, their start and exit included
	// (exec's measure = "wall"): a run of such an arm records what
	// starting and reaping a no-op process costs on the machine, beside
	// the results and never subtracted from them.
	TimesProcesses func(config json.RawMessage) bool
	// Instances, when non-nil, lists the instances one decoded
	// configuration stands for, such as one per Go benchmark that a
	// regexp matches. It may build and run programs, so it is not called
	// by suites.Load but by suites.Expand before a run. suiteDir is the
	// suite's directory and workdir the one the arm's worker runs in.
	Instances func(ctx context.Context, config json.RawMessage, suiteDir, workdir string) ([]Instance, error)
}

// ErrNoInstances is wrapped by a Spec's Instances function when the
// configuration stands for no instance at all, such as a benchmark
// regexp that matches no benchmark: a usage error, not a failed arm.
var ErrNoInstances = errors.New("no instances")

// Instance is one of the instances a runner configuration stands for.
type Instance struct {
	// Key identifies the instance across the arms of a workload: the
	// instances of different arms with the same key are compared.
	Key string
	// Axes name the instance as matrix axes do, in order; each is a
	// name and a value.
	Axes [][2]string
	// Config is the configuration that runs only this instance.
	Config json.RawMessage
}

var (
	mu    sync.RWMutex
	specs = map[string]Spec{}
)

// Register adds a runner kind. It panics on a duplicate or empty name, which
// is a programming error.
func Register(s Spec) {
	mu.Lock()
	defer mu.Unlock()
	if s.Name == "" || s.Decode == nil {
		panic("runners: Register needs a name and a Decode function")
	}
	if s.Name == "check" { // `benchy worker check` is the conformance checker
		panic(`runners: a runner may not be named "check"`)
	}
	if _, dup := specs[s.Name]; dup {
		panic(fmt.Sprintf("runners: runner %q registered twice", s.Name))
	}
	specs[s.Name] = s
}

// Lookup returns the runner kind registered under name.
func Lookup(name string) (Spec, bool) {
	mu.RLock()
	defer mu.RUnlock()
	s, ok := specs[name]
	return s, ok
}

// Names lists the registered runner kinds in sorted order.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	names := make([]string, 0, len(specs))
	for n := range specs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
