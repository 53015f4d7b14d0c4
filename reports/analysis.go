// Package reports turns a results document into what people read: an
// analysis (per-arm summaries and relative differences with jackknife CIs,
// computed by the stats package) and its renderings.
package reports

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/benchy-dev/benchy/results"
	"github.com/benchy-dev/benchy/stats"
)

// Verdicts of an arm against its baseline.
const (
	VerdictBaseline      = "baseline"
	VerdictFaster        = "faster"
	VerdictSlower        = "slower"
	VerdictBetter        = "better"
	VerdictWorse         = "worse"
	VerdictNoDifference  = "no significant difference"
	VerdictNotCompared   = "not compared"
	defaultConfidence    = 0.95
	minComparableBlocks  = 2
	nanosecondsPerSecond = 1e9
)

// Analysis is a results document with its statistics computed.
type Analysis struct {
	Doc       *results.Document
	Workloads []*WorkloadAnalysis
}

// WorkloadAnalysis holds one workload instance's numbers.
type WorkloadAnalysis struct {
	Name       string
	Metric     string
	Better     string
	Status     string
	StopReason string
	Confidence float64
	// Blocks counts every block; Measured the complete non-warm-up ones.
	Blocks, Measured int
	Arms             []*ArmAnalysis
}

// ArmAnalysis holds one arm's summary and its comparison with the baseline.
type ArmAnalysis struct {
	Name     string
	Baseline bool
	Runner   string
	Status   string
	Reason   string
	// Summary is over every timed iteration of the measured blocks.
	Summary stats.Summary
	// BlockValues are the per-block values (mean per iteration) in block order.
	BlockValues []float64
	// Rel is the relative difference from the baseline; nil for the
	// baseline itself or when it cannot be computed (RelError says why).
	Rel      *stats.Estimate
	RelError string
	Verdict  string
}

// Analyze computes the analysis of doc.
func Analyze(doc *results.Document) *Analysis {
	a := &Analysis{Doc: doc}
	for _, w := range doc.Workloads {
		a.Workloads = append(a.Workloads, analyzeWorkload(w))
	}
	return a
}

func confidenceOf(w *results.Workload) float64 {
	var s struct {
		Confidence float64 `json:"confidence"`
	}
	if len(w.Run) > 0 && json.Unmarshal(w.Run, &s) == nil && s.Confidence > 0 && s.Confidence < 1 {
		return s.Confidence
	}
	return defaultConfidence
}

func analyzeWorkload(w *results.Workload) *WorkloadAnalysis {
	wa := &WorkloadAnalysis{
		Name: w.Name, Metric: w.Metric, Better: w.Better, Status: w.Status,
		StopReason: w.StopReason, Confidence: confidenceOf(w), Blocks: len(w.Blocks),
	}
	for _, b := range w.Blocks {
		if b.Measured() {
			wa.Measured++
		}
	}
	var base *results.Arm
	for _, arm := range w.Arms {
		if arm.Baseline {
			base = arm
		}
	}
	for _, arm := range w.Arms {
		aa := &ArmAnalysis{Name: arm.Name, Baseline: arm.Baseline, Runner: arm.Runner, Status: arm.Status, Reason: arm.Reason}
		var samples []float64
		for _, b := range w.Blocks {
			if !b.Measured() {
				continue
			}
			if v, ok := b.Value(arm.Name); ok {
				aa.BlockValues = append(aa.BlockValues, v)
			}
			for _, r := range b.Runs {
				if r.Arm == arm.Name && r.Error == "" {
					for _, ns := range r.NS {
						samples = append(samples, float64(ns))
					}
				}
			}
		}
		if len(samples) > 0 {
			aa.Summary = stats.Summarize(samples)
		}
		switch {
		case arm.Baseline:
			aa.Verdict = VerdictBaseline
		case base == nil:
			aa.Verdict, aa.RelError = VerdictNotCompared, "the workload has no baseline arm"
		default:
			compare(w, base.Name, aa, wa)
		}
		wa.Arms = append(wa.Arms, aa)
	}
	return wa
}

// compare pairs the arm with the baseline over the measured blocks where
// both have values (complete-case) and computes the jackknife CI.
func compare(w *results.Workload, base string, aa *ArmAnalysis, wa *WorkloadAnalysis) {
	var m [][]float64
	for _, b := range w.Blocks {
		if !b.Measured() {
			continue
		}
		y0, ok0 := b.Value(base)
		yk, okk := b.Value(aa.Name)
		if ok0 && okk {
			m = append(m, []float64{y0, yk})
		}
	}
	if len(m) < minComparableBlocks {
		aa.Verdict = VerdictNotCompared
		aa.RelError = fmt.Sprintf("%d block(s) where both the arm and the baseline ran; at least %d are needed", len(m), minComparableBlocks)
		return
	}
	est, err := stats.RelativeDifference(m, 0, stats.Options{Confidence: wa.Confidence})
	if err != nil {
		aa.Verdict, aa.RelError = VerdictNotCompared, err.Error()
		return
	}
	if len(est) != 1 {
		aa.Verdict, aa.RelError = VerdictNotCompared, "no estimate"
		return
	}
	e := est[0]
	aa.Rel = &e
	aa.Verdict = verdict(e, wa.Better, IsTimeMetric(wa.Metric))
}

func verdict(e stats.Estimate, better string, timeMetric bool) string {
	if !e.Significant {
		return VerdictNoDifference
	}
	up := e.Estimate > 0
	if better == "higher" {
		if up {
			return VerdictBetter
		}
		return VerdictWorse
	}
	switch {
	case timeMetric && up:
		return VerdictSlower
	case timeMetric:
		return VerdictFaster
	case up:
		return VerdictWorse
	default:
		return VerdictBetter
	}
}

// IsTimeMetric reports whether a workload's metric is a duration, so that
// values (recorded in nanoseconds) print as durations.
func IsTimeMetric(metric string) bool {
	unit, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(metric)), "/")
	switch unit {
	case "", "ns", "us", "µs", "ms", "s", "sec", "seconds", "time":
		return true
	}
	return false
}

// FormatValue prints a value recorded in nanoseconds (time metrics) or in
// the metric's own unit.
func FormatValue(v float64, metric string) string {
	if math.IsNaN(v) {
		return "—"
	}
	if !IsTimeMetric(metric) {
		return fmt.Sprintf("%.4g %s", v, metric)
	}
	av := math.Abs(v)
	switch {
	case av >= nanosecondsPerSecond:
		return fmt.Sprintf("%.3g s", v/1e9)
	case av >= 1e6:
		return fmt.Sprintf("%.3g ms", v/1e6)
	case av >= 1e3:
		return fmt.Sprintf("%.3g µs", v/1e3)
	default:
		return fmt.Sprintf("%.3g ns", v)
	}
}

// FormatRel prints a relative difference with its CI, e.g. "+3.1% [+1.2%, +5.0%]".
func FormatRel(e *stats.Estimate) string {
	if e == nil {
		return "—"
	}
	return fmt.Sprintf("%+.1f%% [%+.1f%%, %+.1f%%]", 100*e.Estimate, 100*e.CILo, 100*e.CIHi)
}

// Headline is a one-line summary of a workload instance's verdicts.
func (wa *WorkloadAnalysis) Headline() string {
	var parts []string
	for _, a := range wa.Arms {
		if a.Baseline || a.Rel == nil {
			continue
		}
		if a.Verdict == VerdictNoDifference {
			parts = append(parts, fmt.Sprintf("%s: no significant difference", a.Name))
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %s by %.1f%%", a.Name, a.Verdict, 100*math.Abs(a.Rel.Estimate)))
	}
	if len(parts) == 0 {
		return "no comparison"
	}
	return strings.Join(parts, "; ")
}
