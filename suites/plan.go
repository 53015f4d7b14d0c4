package suites

import (
	"encoding/json"
	"time"

	"github.com/benchy-dev/benchy/results"
)

// Plan is a fully evaluated suite: every matrix expanded, every expression
// evaluated, every default merged. Nothing downstream of Load sees HCL.
// A Plan is immutable once returned.
type Plan struct {
	// Name is the suite's short name: a built-in suite's name, or the file's
	// base name without .benchy.hcl.
	Name string `json:"name"`
	// Path is the suite file as given (a path, or "builtin:NAME").
	Path string `json:"path"`
	// Dir is the directory relative paths in the suite resolve against.
	Dir string `json:"dir"`
	// Source is the suite file's bytes; SHA256 their hex digest.
	Source []byte `json:"-"`
	SHA256 string `json:"sha256"`
	// Variables are the resolved input variables in declaration order.
	Variables []Variable `json:"variables"`
	// Run holds the suite-level run settings with defaults applied.
	Run RunSettings `json:"run"`
	// Workloads are the workload instances in declaration and matrix order.
	Workloads []*Workload `json:"workloads"`
	// Warnings are non-fatal findings (an exclude that matched nothing, ...).
	Warnings []string `json:"warnings,omitempty"`
}

// Variable is one resolved input variable. Sensitive values are kept in
// Value for execution but must be shown through Display.
type Variable struct {
	Name      string          `json:"name"`
	Value     json.RawMessage `json:"value"`
	Sensitive bool            `json:"sensitive,omitempty"`
	// Description is the variable's description, if the suite gave one.
	Description string `json:"description,omitempty"`
	// Source says where the value came from: default, env, var-file, cli.
	Source string `json:"source"`
}

// Redacted is shown instead of a sensitive value, as JSON.
const Redacted = `"` + redactedText + `"`

// Display returns the value as JSON, or a redaction marker when sensitive.
func (v Variable) Display() json.RawMessage {
	if v.Sensitive {
		return json.RawMessage(Redacted)
	}
	return v.Value
}

// Order names how arms are ordered within and across blocks
// (results.Order: the plan's settings are what the results record).
type Order = results.Order

// The run orders a suite may ask for.
const (
	OrderInterleavedRandom = results.OrderInterleavedRandom
	OrderInterleaved       = results.OrderInterleaved
	OrderSequential        = results.OrderSequential
)

// RunSettings are the merged `run {}` settings for a workload instance:
// results.RunSettings, the type the results document records them in.
type RunSettings = results.RunSettings

// DefaultRun is applied under the suite's run block.
var DefaultRun = RunSettings{
	Warmup:            1,
	MinBlocks:         10,
	MaxBlocks:         30,
	TargetCIHalfWidth: 0.02,
	Confidence:        0.95,
	Order:             OrderInterleavedRandom,
	MinBlockTime:      100 * time.Millisecond,
	WarmupIterations:  1,
}

// Axis is one matrix coordinate of an instance.
type Axis struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Requires is what a workload or arm needs from the machine.
type Requires struct {
	GPU bool `json:"gpu,omitempty"`
	// MinGPUMemory in bytes; 0 when unset.
	MinGPUMemory uint64 `json:"min_gpu_memory,omitempty"`
	// ComputeCapability is a constraint such as ">= 7.5"; empty when unset.
	ComputeCapability string `json:"compute_capability,omitempty"`
}

// Location is a position in a suite file.
type Location struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

// Workload is one workload instance (one point of the workload matrix).
type Workload struct {
	// Name is the instance name, e.g. "bodyposenet/resolution=224x320".
	Name string `json:"name"`
	// Label is the block label, e.g. "bodyposenet".
	Label       string   `json:"label"`
	Axes        []Axis   `json:"axes,omitempty"`
	Description string   `json:"description,omitempty"`
	Metric      string   `json:"metric"`
	Better      string   `json:"better"` // "lower" or "higher"
	Setup       []string `json:"setup,omitempty"`
	Cleanup     []string `json:"cleanup,omitempty"`
	Prepare     []string `json:"prepare,omitempty"`
	Conclude    []string `json:"conclude,omitempty"`
	Requires    Requires `json:"requires"`
	// Run is the suite run block merged with the workload's override.
	Run RunSettings `json:"run"`
	// Published is the published result the workload reproduces, from its
	// published {} block; nil without one.
	Published *Published `json:"published,omitempty"`
	Arms      []*Arm     `json:"arms"`
	At        Location   `json:"at"`
}

// Published cites a published result that a workload instance reproduces:
// results.Published, the type the results document records it in.
type Published = results.Published

// Arm is one arm instance of a workload instance.
type Arm struct {
	// Name is the arm instance name, e.g. "onnx/precision=fp16".
	Name     string `json:"name"`
	Label    string `json:"label"`
	Axes     []Axis `json:"axes,omitempty"`
	Baseline bool   `json:"baseline"`
	// Runner is the runner block type ("exec", "gaussrank", "onnx") and
	// Config its decoded configuration as JSON.
	Runner  string            `json:"runner"`
	Config  json.RawMessage   `json:"config"`
	Env     map[string]string `json:"env,omitempty"`
	Workdir string            `json:"workdir,omitempty"`
	// Timeout bounds one block of this arm (setup included on first use);
	// 0 means the harness default.
	Timeout time.Duration `json:"timeout"`
	// FreshProcess starts a new worker for every block.
	FreshProcess bool `json:"fresh_process,omitempty"`
	// Requires merges the workload's and the arm's requirements.
	Requires Requires `json:"requires"`
	At       Location `json:"at"`
}

// Arm returns the workload instance's arm instance with the given name, or
// nil.
func (w *Workload) Arm(name string) *Arm {
	for _, a := range w.Arms {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// Baseline returns the workload instance's baseline arm.
func (w *Workload) Baseline() *Arm {
	for _, a := range w.Arms {
		if a.Baseline {
			return a
		}
	}
	return nil
}
