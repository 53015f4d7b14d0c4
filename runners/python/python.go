// Package python is the runner of python {} blocks: a function of the
// user's own Python file, timed in-process by benchy's Python SDK
// (sdk/python/benchy_worker.py, embedded in the binary; docs/python.md).
//
// The block names a script and a factory in it. The SDK, started with the
// block's interpreter, imports the script, calls the factory once with the
// block's config plus "seed", and times the zero-argument callable it
// returns, iteration by iteration, in every block.
package python

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/benchy-dev/benchy/internal/regularfile"
	"github.com/benchy-dev/benchy/runners"
	pysdk "github.com/benchy-dev/benchy/sdk/python"
)

// DefaultInterpreter is the interpreter when the block names none, looked
// up in PATH.
const DefaultInterpreter = "python3"

// Sync presets (the SDK's SYNC_PRESETS).
const (
	SyncNone      = "none"
	SyncTorchCUDA = "torch-cuda"
	SyncCuPy      = "cupy"
)

// Timers (the SDK's TIMERS).
const (
	TimerPerfCounter = "perf-counter"
	TimerCUDAEvent   = "cuda-event"
)

var (
	syncs  = []string{SyncNone, SyncTorchCUDA, SyncCuPy}
	timers = []string{TimerPerfCounter, TimerCUDAEvent}
	ident  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// Config is the decoded python {} block. Its JSON form is what the SDK
// reads from the setup request.
type Config struct {
	// Script is the user's Python file, relative to the suite's directory.
	Script string `hcl:"script" json:"script"`
	// Function names the factory in Script: called once per worker with
	// the config dict, it returns the callable one iteration runs.
	Function string `hcl:"function" json:"function"`
	// Interpreter runs the SDK and the script (default python3 from PATH).
	Interpreter string `hcl:"interpreter,optional" json:"interpreter"`
	// Sync is called before every clock read: none (default), torch-cuda
	// or cupy.
	Sync string `hcl:"sync,optional" json:"sync"`
	// GC, when true, leaves Python's garbage collector enabled inside the
	// timed loop (default false: disabled, as timeit does).
	GC bool `hcl:"gc,optional" json:"gc"`
	// Timer is perf-counter (default) or cuda-event.
	Timer string `hcl:"timer,optional" json:"timer"`
	// Config is the block's config object as HCL wrote it.
	Config cty.Value `hcl:"config,optional" json:"-"`
	// UserConfig is Config as JSON: the dict the factory receives, without
	// "seed", which the SDK adds.
	UserConfig json.RawMessage `json:"config,omitempty"`

	ScriptRange hcl.Range `json:"-"`
	DefRange    hcl.Range `hcl:",def_range" json:"-"`
}

func decode(body hcl.Body, ctx *hcl.EvalContext) (any, hcl.Diagnostics) {
	var c Config
	chk, ok := runners.DecodeBlock(body, ctx, &c, &c.DefRange)
	if !ok {
		return nil, chk.Diags
	}
	c.ScriptRange = *chk.Range("script")
	if strings.TrimSpace(c.Script) == "" {
		chk.Error("script", "Empty script", `script names the Python file that holds the factory, relative to the suite, e.g. script = "bench.py".`)
	}
	if !ident.MatchString(c.Function) {
		chk.Error("function", "Invalid function",
			fmt.Sprintf("function must name a Python function (letters, digits and _, not starting with a digit), not %q.", c.Function))
	}
	if _, set := chk.Attributes()["interpreter"]; set && strings.TrimSpace(c.Interpreter) == "" {
		chk.Error("interpreter", "Invalid interpreter", `interpreter must name a Python interpreter, e.g. "/usr/bin/python3", or be left out for python3 from PATH.`)
	}
	if c.Interpreter == "" {
		c.Interpreter = DefaultInterpreter
	}
	if c.Sync == "" {
		c.Sync = SyncNone
	}
	if !slices.Contains(syncs, c.Sync) {
		chk.Error("sync", "Invalid sync", fmt.Sprintf(`sync must be "none", "torch-cuda" or "cupy", not %q.%s`, c.Sync, runners.Suggest(c.Sync, syncs)))
	}
	if c.Timer == "" {
		c.Timer = TimerPerfCounter
	}
	if !slices.Contains(timers, c.Timer) {
		chk.Error("timer", "Invalid timer", fmt.Sprintf(`timer must be "perf-counter" or "cuda-event", not %q.%s`, c.Timer, runners.Suggest(c.Timer, timers)))
	}
	if !c.Config.IsNull() {
		t := c.Config.Type()
		if !t.IsObjectType() && !t.IsMapType() {
			chk.Error("config", "Invalid config", fmt.Sprintf("config must be an object, e.g. config = { batch = 8 }, not a %s.", t.FriendlyName()))
		} else if b, err := ctyjson.Marshal(c.Config, t); err != nil {
			chk.Error("config", "Invalid config", fmt.Sprintf("config cannot be passed to Python as JSON: %v.", err))
		} else {
			c.UserConfig = b
		}
	}
	return &c, chk.Diags
}

// check is the validate-time check: the script must be a regular file.
func check(config any, dir string) hcl.Diagnostics {
	c, ok := config.(*Config)
	if !ok || c.Script == "" {
		return nil
	}
	path := c.Script
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	f, _, err := regularfile.Open(path)
	if err == nil {
		f.Close()
		return nil
	}
	detail := fmt.Sprintf("%s: %v.", path, err)
	var nr *regularfile.NotRegularError
	switch {
	case errors.Is(err, os.ErrNotExist):
		detail = fmt.Sprintf("%s: no such file.", path)
	case errors.As(err, &nr):
		detail = err.Error() + "."
	}
	if !filepath.IsAbs(c.Script) {
		detail += fmt.Sprintf(" script = %q is relative to the suite's directory, %s.", c.Script, dir)
	}
	return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Unusable script", Detail: detail, Subject: c.ScriptRange.Ptr()}}
}

// argv is the command line of the SDK for c: the interpreter, the SDK's
// materialised path, the script and the function, which reproduce the arm
// by hand in the suite's directory. skip is set, with err nil, when the
// interpreter cannot be found.
func argv(c Config) (cmd []string, skip string, err error) {
	if _, err := runners.LookPath(c.Interpreter); err != nil {
		return nil, fmt.Sprintf("python: the interpreter %s cannot be run (%v); install Python 3 or set interpreter in the python block",
			c.Interpreter, err), nil
	}
	sdk, err := pysdk.Path()
	if err != nil {
		return nil, "", fmt.Errorf("python: cannot write the Python SDK: %w", err)
	}
	return []string{c.Interpreter, sdk, c.Script, c.Function}, "", nil
}

// external runs the SDK as the arm's worker. It declines when the SDK
// cannot be started, so that `benchy worker python` answers setup with
// the reason (Runner.Setup): a skip for a missing interpreter.
func external(raw json.RawMessage) (cmd []string, env map[string]string, dir string, ok bool) {
	var c Config
	if json.Unmarshal(raw, &c) != nil {
		return nil, nil, "", false
	}
	cmd, skip, err := argv(c)
	if skip != "" || err != nil {
		return nil, nil, "", false
	}
	return cmd, nil, "", true
}

// Runner is what `benchy worker python` serves when the SDK cannot be
// started: its setup says why.
type Runner struct{}

// Setup reports why the SDK could not be started: a missing interpreter
// skips the arm; anything else fails it.
func (r *Runner) Setup(_ context.Context, s runners.Setup) (map[string]any, error) {
	var c Config
	if err := json.Unmarshal(s.Config, &c); err != nil {
		return nil, fmt.Errorf("python: bad config: %w", err)
	}
	_, skip, err := argv(c)
	switch {
	case skip != "":
		return nil, runners.Skip(skip)
	case err != nil:
		return nil, err
	}
	return nil, errors.New("python: the Python SDK is served by its interpreter, not by benchy worker")
}

// Run never runs: Setup always fails.
func (r *Runner) Run(context.Context, int, int) ([]int64, map[string]float64, error) {
	return nil, nil, errors.New("python: run before a successful setup")
}

// Close has nothing to release.
func (r *Runner) Close() error { return nil }

func init() {
	runners.Register(runners.Spec{
		Name:     "python",
		Decode:   decode,
		Check:    check,
		New:      func() runners.Runner { return &Runner{} },
		External: external,
	})
}
