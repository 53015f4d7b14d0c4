// Package exec is the runner for any program: it times whole processes
// (measure = "wall", hyperfine style), runs a program that speaks the worker
// protocol itself (measure = "protocol"), or takes one number per run from a
// program's output (measure = "stdout-metric"). Commands are argv lists and
// never pass through a shell unless the suite writes ["sh", "-c", ...].
package exec

import (
	"fmt"
	"regexp"

	"github.com/hashicorp/hcl/v2"

	"github.com/benchy-dev/benchy/runners"
)

// Measure modes of the exec runner.
const (
	MeasureWall         = "wall"
	MeasureProtocol     = "protocol"
	MeasureStdoutMetric = "stdout-metric"
)

// Config is the decoded `exec {}` block.
type Config struct {
	// Command is the argv to run; Command[0] is looked up in PATH.
	Command []string `hcl:"command" json:"command"`
	// Measure is wall (default), protocol or stdout-metric.
	Measure string `hcl:"measure,optional" json:"measure"`
	// Env adds variables to the command's environment.
	Env map[string]string `hcl:"env,optional" json:"env,omitempty"`
	// Workdir is the command's working directory, relative to the suite.
	Workdir string `hcl:"workdir,optional" json:"workdir,omitempty"`
	// Pattern, for stdout-metric, is a regular expression whose first
	// capture group is the number to record for each run.
	Pattern string `hcl:"pattern,optional" json:"pattern,omitempty"`
	// Scale multiplies a stdout-metric value to get nanoseconds when the
	// workload's metric is a time (default 1).
	Scale float64 `hcl:"scale,optional" json:"scale,omitempty"`

	DefRange hcl.Range `hcl:",def_range" json:"-"`
}

func decode(body hcl.Body, ctx *hcl.EvalContext) (any, hcl.Diagnostics) {
	var c Config
	chk, ok := runners.DecodeBlock(body, ctx, &c, &c.DefRange)
	if !ok {
		return nil, chk.Diags
	}
	if c.Measure == "" {
		c.Measure = MeasureWall
	}
	if c.Scale == 0 {
		c.Scale = 1
	}
	if len(c.Command) == 0 || c.Command[0] == "" {
		chk.Error("command", "Empty command", `The exec command is an argv list and needs at least the program, e.g. command = ["sleep", "0.01"].`)
	}
	switch c.Measure {
	case MeasureWall, MeasureProtocol:
		if c.Pattern != "" {
			chk.Error("pattern", "Pattern without stdout-metric", fmt.Sprintf(`The pattern is only used with measure = "stdout-metric"; this arm measures %q.`, c.Measure))
		}
	case MeasureStdoutMetric:
		if c.Pattern == "" {
			chk.Error("", "Missing pattern", `measure = "stdout-metric" needs a pattern whose first capture group is the number, e.g. pattern = "latency: ([0-9.]+) ms".`)
		} else if re, err := regexp.Compile(c.Pattern); err != nil {
			chk.Error("pattern", "Invalid pattern", fmt.Sprintf("The pattern is not a valid regular expression: %v.", err))
		} else if re.NumSubexp() < 1 {
			chk.Error("pattern", "Pattern without a capture group", "The pattern needs one capture group around the number, e.g. \"([0-9.]+) ms\".")
		}
	default:
		chk.Error("measure", "Invalid measure", fmt.Sprintf(`measure must be "wall", "protocol" or "stdout-metric", not %q.`, c.Measure))
	}
	return &c, chk.Diags
}

func init() {
	runners.Register(runners.Spec{
		Name:     "exec",
		Decode:   decode,
		New:      func() runners.Runner { return &Runner{} },
		External: external,
		// Whole-process timing includes the spawn; the run records its cost.
		TimesProcesses: timesProcesses,
	})
}
