package fleet

import (
	"github.com/benchy-dev/benchy/metric"
	"github.com/benchy-dev/benchy/results"
	"github.com/benchy-dev/benchy/stats"
)

// Schema is the version tag of the fleet document.
const Schema = "benchy/fleet/v1"

// Kinds of metric.
const (
	// KindContinuous is a positive measurement (a time, a size, a rate).
	KindContinuous = "continuous"
	// KindPassFail is a binary outcome: every iteration records 1 or 0.
	KindPassFail = "pass/fail"
)

// Methods of the estimates, as the document spells them.
const (
	MethodBlocks      = "logratio, delete-one-block jackknife"
	MethodHosts       = "logratio, delete-a-group jackknife by host"
	MethodMHBlocks    = "Mantel-Haenszel risk ratio, delete-one-block jackknife"
	MethodMHHosts     = "Mantel-Haenszel risk ratio stratified by host, delete-a-group jackknife by host"
	defaultConfidence = results.DefaultConfidence
)

// Input is one results document to merge.
type Input struct {
	// Label is the host stratum; empty means the document's
	// environment.host.
	Label string
	// Path is where the document came from (shown, never opened here).
	Path string
	// Doc is the results document.
	Doc *results.Document
}

// Options tune Merge.
type Options struct {
	// Force merges documents of different suites and pools hosts whose
	// fingerprints differ; the document records every overridden problem.
	Force bool
	// Confidence is the two-sided confidence level in (0, 1); 0 means the
	// level the runs used when they agree, else 0.95.
	Confidence float64
	// IgnoreVars names variables whose values may differ between hosts
	// without blocking pooling (paths to interpreters, build outputs).
	IgnoreVars []string
}

// Document is the merged view of several hosts' results.
type Document struct {
	Schema string `json:"schema"`
	// Benchy is the version of benchy that merged the runs.
	Benchy string `json:"benchy,omitempty"`
	// Suite is the suite's path and sha256 (of the first run, when forced
	// over different suites).
	Suite      SuiteRef `json:"suite"`
	Confidence float64  `json:"confidence"`
	Hosts      []*Host  `json:"hosts"`
	// Pooling says whether estimates were pooled over the hosts, and why
	// not.
	Pooling Pooling `json:"pooling"`
	// Warnings are differences that neither block merging nor pooling.
	Warnings  []string    `json:"warnings,omitempty"`
	Instances []*Instance `json:"instances"`
	// Runs are the merged documents themselves, so that every number can be
	// recomputed.
	Runs []*Run `json:"runs"`
}

// SuiteRef identifies a suite.
type SuiteRef struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// Host is one stratum: a machine and the runs made on it.
type Host struct {
	Name string `json:"name"`
	// Device is what the benchmarks ran on: the GPU model(s), or the CPU
	// model on a host without GPUs.
	Device    string   `json:"device"`
	GPUModels []string `json:"gpu_models,omitempty"`
	CPUModel  string   `json:"cpu_model,omitempty"`
	Platform  string   `json:"platform"`
	// Runs indexes Document.Runs.
	Runs []int `json:"runs"`
}

// Pooling records the compatibility decision.
type Pooling struct {
	// Allowed reports whether pooled estimates were computed.
	Allowed bool `json:"allowed"`
	// Forced reports that Options.Force overrode Problems.
	Forced bool `json:"forced,omitempty"`
	// Problems are the fingerprint differences found, in words.
	Problems []string `json:"problems,omitempty"`
}

// Run is one merged results document.
type Run struct {
	Host     string            `json:"host"`
	Path     string            `json:"path,omitempty"`
	Document *results.Document `json:"document"`
}

// Instance is one workload instance across the hosts.
type Instance struct {
	Name   string           `json:"name"`
	Metric string           `json:"metric"`
	Better metric.Direction `json:"better"`
	Kind   string           `json:"kind"`
	// Baseline is the baseline arm's name ("" when the hosts disagree or
	// have none).
	Baseline string `json:"baseline"`
	// Arms lists every arm name in first-seen order.
	Arms []string `json:"arms"`
	// Rows holds one row per host that ran the instance, in host order.
	Rows []*Row `json:"rows"`
	// Pooled holds, per non-baseline arm, the estimate pooled over hosts.
	Pooled []*Pooled `json:"pooled,omitempty"`
	// Notes say, in words, what could not be done and why.
	Notes []string `json:"notes,omitempty"`
}

// Direction is the way the instance's values are better: higher for a
// pass/fail rate, else the suite's direction.
func (in *Instance) Direction() metric.Direction {
	if in.Kind == KindPassFail {
		return metric.Higher
	}
	return in.Better
}

// Verdict words an estimate of the instance as the single-run reports do
// (metric.Judge); "" for none.
func (in *Instance) Verdict(e *Estimate) metric.Verdict {
	if e == nil {
		return ""
	}
	return metric.Judge(e.Significant, e.Estimate, metric.KindOf(in.Metric), in.Direction())
}

// Row is one host's results for one instance.
type Row struct {
	Host   string  `json:"host"`
	Device string  `json:"device"`
	Cells  []*Cell `json:"cells"`
}

// Cell is one arm on one host.
type Cell struct {
	Arm      string `json:"arm"`
	Baseline bool   `json:"baseline,omitempty"`
	Status   string `json:"status"`
	Reason   string `json:"reason,omitempty"`
	// Blocks counts the measured blocks in which the arm has a value.
	Blocks int `json:"blocks"`
	// Samples counts timed iterations (trials, for pass/fail metrics).
	Samples int `json:"samples"`
	// Median is the median of the samples (continuous metrics), or the
	// success rate (pass/fail metrics); 0 without samples.
	Median float64 `json:"median"`
	// Successes counts passes (pass/fail metrics only).
	Successes int `json:"successes,omitempty"`
	// Rel is the relative difference from this host's baseline; nil for the
	// baseline or when it cannot be computed (RelError says why).
	Rel      *Estimate `json:"rel,omitempty"`
	RelError string    `json:"rel_error,omitempty"`
}

// Pooled is one arm's relative difference from the baseline pooled over
// every host.
type Pooled struct {
	Arm string `json:"arm"`
	// Hosts and Blocks count what went into the estimate.
	Hosts  int       `json:"hosts"`
	Blocks int       `json:"blocks"`
	Rel    *Estimate `json:"rel,omitempty"`
	Error  string    `json:"error,omitempty"`
	// MH holds the Mantel-Haenszel measures over host strata (pass/fail
	// metrics only).
	MH *stats.MHResult `json:"mh,omitempty"`
}

// Estimate is a relative difference with its confidence interval.
type Estimate struct {
	// Estimate is θ̂, e.g. 0.05 for +5%; CILo and CIHi bound its CI.
	Estimate float64 `json:"estimate"`
	CILo     float64 `json:"ci_lo"`
	CIHi     float64 `json:"ci_hi"`
	// SE is the jackknife standard error on the log scale.
	SE float64 `json:"se"`
	// DF is the t distribution's degrees of freedom, Units − 1.
	DF    int `json:"df"`
	Units int `json:"units"`
	// Significant reports whether the CI excludes 0 strictly.
	Significant bool   `json:"significant"`
	Method      string `json:"method"`
}

func fromStats(e stats.Estimate, method string) *Estimate {
	return &Estimate{
		Estimate: e.Estimate, CILo: e.CILo, CIHi: e.CIHi, SE: e.SE,
		DF: e.DF, Units: e.Units, Significant: e.Significant, Method: method,
	}
}
