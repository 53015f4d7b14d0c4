// Package results is benchy's on-disk contract: one versioned JSON document
// that holds everything a run produced (the suite source, resolved variables,
// seed, environment, every block's order, every raw sample), from which every
// report can be recomputed. Of benchy's packages it imports only metric.
package results

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/benchy-dev/benchy/metric"
)

// Schema is the version tag of the results document.
const Schema = "benchy/results/v1"

// Run statuses.
const (
	StatusRunning         = "running"
	StatusComplete        = "complete"
	StatusInterrupted     = "interrupted"
	StatusBudgetExhausted = "budget_exhausted"
	StatusFailed          = "failed"
)

// Arm statuses.
const (
	ArmOK      = "ok"
	ArmFailed  = "failed"
	ArmSkipped = "skipped"
)

// Document is one benchy run.
type Document struct {
	Schema string `json:"schema"`
	// Benchy is the version of benchy that wrote the document.
	Benchy    string     `json:"benchy"`
	Suite     Suite      `json:"suite"`
	Variables []Variable `json:"variables,omitempty"`
	Seed      int64      `json:"seed"`
	Order     string     `json:"order"`
	Started   time.Time  `json:"started"`
	Finished  time.Time  `json:"finished,omitzero"`
	Status    string     `json:"status"`
	// StopReason says, in words, why the run ended.
	StopReason  string      `json:"stop_reason,omitempty"`
	Environment Environment `json:"environment"`
	Workloads   []*Workload `json:"workloads"`
}

// RunID names the run d records, the same for every copy of it: its
// start time (UTC, to the second) and 8 hex digits of a digest of what
// tells two runs apart (start time to the nanosecond, host, suite path and
// digest, seed), as "20261202T143000Z-1a2b3c4d". Two documents with one
// RunID are one run, whose samples must be counted once.
func (d *Document) RunID() string {
	sum := sha256.Sum256([]byte(strings.Join([]string{
		d.Started.UTC().Format(time.RFC3339Nano), d.Environment.Host, d.Suite.Path, d.Suite.SHA256, fmt.Sprint(d.Seed),
	}, "\x00")))
	return d.Started.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(sum[:4])
}

// Suite identifies the suite that was run.
type Suite struct {
	Path   string `json:"path"`
	Source string `json:"source"`
	SHA256 string `json:"sha256"`
}

// Name is the suite's short name, the one its plan and reports show: a
// built-in suite's path ("builtin:NAME") as it is, else the file name
// without .benchy.hcl, .benchy.json, .hcl or .json (a name that is only
// the extension stays whole).
func (s Suite) Name() string {
	if strings.HasPrefix(s.Path, "builtin:") {
		return s.Path
	}
	name := filepath.Base(filepath.ToSlash(s.Path))
	for _, ext := range []string{".benchy.hcl", ".benchy.json", ".hcl", ".json"} {
		if n, ok := strings.CutSuffix(name, ext); ok && n != "" {
			return n
		}
	}
	return name
}

// Variable is a resolved input variable; sensitive values are redacted
// before they reach a Document.
type Variable struct {
	Name      string          `json:"name"`
	Value     json.RawMessage `json:"value"`
	Sensitive bool            `json:"sensitive,omitempty"`
	Source    string          `json:"source,omitempty"`
}

// Environment fingerprints the machine a run happened on.
type Environment struct {
	Host      string `json:"host"`
	OS        string `json:"os"`
	Arch      string `json:"arch"`
	Kernel    string `json:"kernel,omitempty"`
	CPUModel  string `json:"cpu_model,omitempty"`
	CPUCount  int    `json:"cpu_count"`
	GoVersion string `json:"go_version"`
	// GPUs is a one-line description per detected GPU; empty without one.
	GPUs []string `json:"gpus,omitempty"`
	// Setup is what of the setup can change results by itself, recorded
	// when the run started; nil in documents from before it was (read it
	// with SetupOf, which derives it for those).
	Setup *Setup `json:"setup,omitempty"`
	// Hardware is the full inventory written by the hw package, if any: an
	// archive for people and for deriving a missing Setup.
	Hardware json.RawMessage `json:"hardware,omitempty"`
	// Overhead records measured harness overheads, e.g. the wall time of
	// spawning a no-op process, in nanoseconds.
	Overhead map[string]float64 `json:"overhead_ns,omitempty"`
}

// Fingerprint returns a 12-hex-digit digest of the stable identity of the
// machine: host, OS, architecture, kernel, CPU model and count, GPUs and Go
// version. Runs with one fingerprint ran on the same machine as far as the
// document can tell (the site's machines, a comparison's warning).
func (e Environment) Fingerprint() string {
	id := strings.Join(append([]string{
		e.Host, e.OS, e.Arch, e.Kernel, e.CPUModel, fmt.Sprint(e.CPUCount), e.GoVersion,
	}, e.GPUs...), "\x00")
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:6])
}

// Workload is one workload instance's results.
type Workload struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Metric      string `json:"metric"`
	// Better is the direction in which the metric is better.
	Better metric.Direction `json:"better"`
	// Run holds the run settings the workload instance ran with.
	Run        *RunSettings `json:"run,omitempty"`
	Status     string       `json:"status"`
	StopReason string       `json:"stop_reason,omitempty"`
	// Published is the published result the workload reproduces, as the
	// suite cited it; nil when it cites none.
	Published *Published `json:"published,omitempty"`
	Arms      []*Arm     `json:"arms"`
	Blocks    []*Block   `json:"blocks"`
}

// Order names how arms are ordered within and across blocks.
type Order string

// The run orders a suite may ask for.
const (
	OrderInterleavedRandom Order = "interleaved-random"
	OrderInterleaved       Order = "interleaved"
	OrderSequential        Order = "sequential"
)

// RunSettings are the merged `run {}` settings of a workload instance: the
// plan's (suites.RunSettings is this type) and, as resolved for the run,
// the record of what the instance ran with.
type RunSettings struct {
	// Warmup is the number of warm-up blocks, run and kept but marked.
	Warmup int `json:"warmup"`
	// MinBlocks and MaxBlocks bound the number of measured blocks.
	MinBlocks int `json:"min_blocks"`
	MaxBlocks int `json:"max_blocks"`
	// TargetCIHalfWidth is a fraction (0.02 = 2%); 0 disables precision stopping.
	TargetCIHalfWidth float64 `json:"target_ci_half_width"`
	Confidence        float64 `json:"confidence"`
	// Seed is the schedule seed; SeedSet is false when the suite gave none
	// and the harness must draw one (and record it).
	Seed    int64 `json:"seed"`
	SeedSet bool  `json:"seed_set"`
	// TimeBudget caps the whole workload instance; 0 means no cap.
	TimeBudget time.Duration `json:"time_budget"`
	// Cooldown is idle time between blocks.
	Cooldown time.Duration `json:"cooldown"`
	Order    Order         `json:"order"`
	// Iterations is the number of timed iterations per arm per block;
	// 0 means calibrate so that one arm's block lasts at least MinBlockTime.
	Iterations   int           `json:"iterations"`
	MinBlockTime time.Duration `json:"min_block_time"`
	// WarmupIterations are untimed iterations at the start of every arm's
	// turn in every block, to re-warm caches after an arm switch.
	WarmupIterations int `json:"warmup_iterations"`
	// GPUSettle, when positive, waits up to this long before every block
	// for the GPUs to cool to GPUSettleTemp °C (default 50).
	GPUSettle     time.Duration `json:"gpu_settle,omitempty"`
	GPUSettleTemp float64       `json:"gpu_settle_temp,omitempty"`
	// LockGPUClocks locks the GPU clocks for the run and restores them
	// after, even on Ctrl-C: "base", "max", "MHz" or "MIN-MAX"; empty: no lock.
	LockGPUClocks string `json:"lock_gpu_clocks,omitempty"`
}

// DefaultConfidence is the confidence level of a workload that records
// none.
const DefaultConfidence = 0.95

// Confidence is the workload's confidence level: the recorded one when it
// lies in (0, 1), else DefaultConfidence.
func (w *Workload) Confidence() float64 {
	if w.Run != nil && w.Run.Confidence > 0 && w.Run.Confidence < 1 {
		return w.Run.Confidence
	}
	return DefaultConfidence
}

// Arm returns the workload's arm named name, or nil.
func (w *Workload) Arm(name string) *Arm {
	for _, a := range w.Arms {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// Sequential reports whether the workload ran its arms in sequential order.
func (w *Workload) Sequential() bool { return w.Run != nil && w.Run.Order == OrderSequential }

// Published cites a published result that a workload instance reproduces,
// so that reports can show it beside what was measured. Every field is
// text as the suite gave it (after matrix expansion); benchy never parses
// the figures. The plan's published block (suites.Published) is this type.
type Published struct {
	// Source names the publication: authors, title, year and the setting
	// the figures were measured in (hardware, runtime).
	Source string `json:"source"`
	// Claim is the published result in words; empty when only Arms are given.
	Claim string `json:"claim,omitempty"`
	// URL is an http(s) address of the publication; empty when not given.
	URL string `json:"url,omitempty"`
	// Arms maps an arm instance name to the figure published for it, such
	// as "275.3 ms, 98.1 MB".
	Arms map[string]string `json:"arms,omitempty"`
}

// Arm is one arm instance and what became of it.
type Arm struct {
	Name     string          `json:"name"`
	Baseline bool            `json:"baseline"`
	Runner   string          `json:"runner"`
	Config   json.RawMessage `json:"config,omitempty"`
	Info     map[string]any  `json:"info,omitempty"`
	Status   string          `json:"status"`
	Reason   string          `json:"reason,omitempty"`
	// Stderr is the tail of the worker's standard error.
	Stderr string `json:"stderr,omitempty"`
}

// Block is one round in which every runnable arm ran once.
type Block struct {
	Index  int       `json:"index"`
	Warmup bool      `json:"warmup"`
	Order  []string  `json:"order"`
	Start  time.Time `json:"start"`
	// Incomplete marks a block cut short by an interrupt; analyses drop it.
	Incomplete bool `json:"incomplete,omitempty"`
	// Settle records the wait for the GPUs to cool before the block.
	Settle *Settle `json:"settle,omitempty"`
	// Load is the host's load and CPU frequency at the block's end.
	Load *LoadSample `json:"load,omitempty"`
	Runs []*ArmRun   `json:"runs"`
}

// ArmRun is one arm's turn in one block.
type ArmRun struct {
	Arm string `json:"arm"`
	// NS holds one duration per timed iteration, in nanoseconds.
	NS      []int64            `json:"ns,omitempty"`
	Metrics map[string]float64 `json:"metrics,omitempty"`
	Error   string             `json:"error,omitempty"`
	// Telemetry holds device samples taken around the run.
	Telemetry *Telemetry `json:"telemetry,omitempty"`
}

// Run returns the arm's run in the block, if it ran.
func (b *Block) Run(arm string) (*ArmRun, bool) {
	for _, r := range b.Runs {
		if r.Arm == arm {
			return r, true
		}
	}
	return nil, false
}

// Value is an arm's value in a block, the unit of analysis: the mean of its
// timed iterations (nanoseconds per iteration for time metrics). It is
// false when the arm did not run or failed in this block.
func (b *Block) Value(arm string) (float64, bool) {
	r, ok := b.Run(arm)
	if !ok || r.Error != "" || len(r.NS) == 0 {
		return 0, false
	}
	var t float64
	for _, v := range r.NS {
		t += float64(v)
	}
	return t / float64(len(r.NS)), true
}

// Measured reports whether the block counts in analyses: neither a
// warm-up block nor one cut short by an interrupt.
func (b *Block) Measured() bool { return !b.Warmup && !b.Incomplete }
