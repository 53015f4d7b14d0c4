// Package reports owns benchy's output formats: it turns what a command
// computed into what people read. A run's results become an analysis
// (per-arm summaries and relative differences with jackknife CIs, computed
// by the stats package), rendered as a terminal table, GitHub-flavoured
// Markdown, a self-contained HTML page with SVG plots, or exports (JSON, Go
// benchmark format, tidy CSV, Bencher Metric Format, hyperfine's shapes).
// It also builds the comparison of two runs (Compare, ComparePaired) and
// the summary of A/A calibrations (Calibration), and renders those, fleet
// merges and CSV analyses: one Format type and one Render for all. The
// HTML page's plots are drawn with package reports/chart, which the
// history site shares; metric kinds, directions and verdict words are
// package metric's.
package reports

import (
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"

	"github.com/benchy-dev/benchy/metric"
	"github.com/benchy-dev/benchy/results"
	"github.com/benchy-dev/benchy/stats"
)

const (
	defaultConfidence    = results.DefaultConfidence
	minComparableBlocks  = 2
	nanosecondsPerSecond = 1e9
)

// Analysis is a results document with its statistics computed.
type Analysis struct {
	Doc       *results.Document
	Workloads []*WorkloadAnalysis
	// Fingerprint is a short digest of the stable parts of the environment
	// (host, OS, kernel, CPU, GPUs, Go version): two runs with the same
	// fingerprint ran on the same machine setup.
	Fingerprint string
}

// WorkloadAnalysis holds one workload instance's numbers.
type WorkloadAnalysis struct {
	Name   string
	Metric string
	// Kind is the metric's kind (metric.KindOf), Better its direction.
	Kind       metric.Kind
	Better     metric.Direction
	Status     string
	StopReason string
	Confidence float64
	// Blocks counts every block; Measured the complete non-warm-up ones,
	// Incomplete those an interrupt cut short (warm-up or not), Warmup the
	// complete warm-up ones.
	Blocks, Measured, Incomplete, Warmup int
	Arms                                 []*ArmAnalysis
	// Published is the published result the suite cites for this
	// workload instance; nil when it cites none.
	Published *results.Published
	// Source is the workload as recorded, for the plots that show blocks.
	Source *results.Workload
}

// ArmAnalysis holds one arm's summary and its comparison with the baseline.
type ArmAnalysis struct {
	Name     string
	Baseline bool
	Runner   string
	Status   string
	Reason   string
	// Summary is over every timed iteration of the measured blocks: it
	// describes the samples (median, p90, p99), and is not what the
	// comparison uses.
	Summary stats.Summary
	// BlockValues are the per-block values (mean per iteration) in block order.
	BlockValues []float64
	// Geomean is the geometric mean of BlockValues: the statistic that Rel
	// compares. Rel.Estimate is the geometric mean of the per-block ratios
	// over the blocks both arms ran, which equals Geomean divided by the
	// baseline's Geomean, minus one, when both ran in the same blocks.
	// NaN when the arm has no block value.
	Geomean float64
	// Rel is the relative difference from the baseline; nil for the
	// baseline itself or when it cannot be computed (RelError says why).
	Rel      *stats.Estimate
	RelError string
	Verdict  metric.Verdict
	// FailedBlocks counts measured blocks in which the arm's run failed.
	FailedBlocks int
	// Energy is the GPU energy per iteration, when telemetry recorded it.
	Energy *MetricAnalysis
	// TelemetryBlocks counts measured blocks with GPU telemetry, and
	// ThrottledBlocks those in which a GPU was throttled; ThrottleReasons
	// are the distinct reasons seen, MaxTempC the hottest sample.
	TelemetryBlocks, ThrottledBlocks int
	ThrottleReasons                  []string
	MaxTempC                         float64
	// Published is the figure the suite's published block gives for this
	// arm, as written ("275.3 ms, 98.1 MB"); empty when it gives none.
	Published string
	// ModelBytes is the size of the model the arm ran, from its worker's
	// setup information (model_bytes, which the onnx runner records); 0
	// when unknown.
	ModelBytes int64
}

// MetricAnalysis is a secondary per-block metric of an arm (such as energy
// per iteration) with its own comparison against the baseline.
type MetricAnalysis struct {
	// Unit names the values' unit, e.g. "J".
	Unit string
	// Blocks counts the measured blocks with a value.
	Blocks int
	// Summary is over the per-block values.
	Summary stats.Summary
	// Rel is the relative difference from the baseline over the blocks
	// where both have a value; nil for the baseline or when undefined
	// (RelError says why).
	Rel      *stats.Estimate
	RelError string
	Verdict  metric.Verdict
}

// Analyze computes the analysis of doc.
func Analyze(doc *results.Document) *Analysis {
	a := &Analysis{Doc: doc, Fingerprint: doc.Environment.Fingerprint()}
	for _, w := range doc.Workloads {
		a.Workloads = append(a.Workloads, analyzeWorkload(w))
	}
	return a
}

func analyzeWorkload(w *results.Workload) *WorkloadAnalysis {
	wa := &WorkloadAnalysis{
		Name: w.Name, Metric: w.Metric, Kind: metric.KindOf(w.Metric), Better: w.Better, Status: w.Status,
		StopReason: w.StopReason, Confidence: w.Confidence(), Blocks: len(w.Blocks), Published: w.Published, Source: w,
	}
	for _, b := range w.Blocks {
		switch {
		case b.Incomplete:
			wa.Incomplete++
		case b.Warmup:
			wa.Warmup++
		default:
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
		aa := &ArmAnalysis{Name: arm.Name, Baseline: arm.Baseline, Runner: arm.Runner, Status: arm.Status, Reason: arm.Reason,
			ModelBytes: modelBytes(arm.Info)}
		if w.Published != nil {
			aa.Published = w.Published.Arms[arm.Name]
		}
		aa.BlockValues = w.Values(arm.Name)
		// The summary is over every timed iteration the arm finished,
		// also in a block that an interrupt cut short (where the other
		// arms did not run, so nothing is compared): in an interrupted
		// sequential run every block is such a block.
		var samples []float64
		for _, b := range w.Blocks {
			r, ok := b.Run(arm.Name)
			if !ok || b.Warmup {
				continue
			}
			if r.Error != "" {
				if b.Measured() {
					aa.FailedBlocks++
				}
				continue
			}
			for _, ns := range r.NS {
				samples = append(samples, float64(ns))
			}
		}
		if len(samples) > 0 {
			aa.Summary = stats.Summarize(samples)
		}
		aa.Geomean = geomean(aa.BlockValues)
		analyzeTelemetry(w, aa)
		switch {
		case arm.Baseline:
			aa.Verdict = metric.Baseline
		case base == nil:
			aa.Verdict, aa.RelError = metric.NotCompared, "the workload has no baseline arm"
		case failedComparison(base, arm) != "":
			aa.Verdict, aa.RelError = metric.NotCompared, failedComparison(base, arm)
		default:
			aa.Rel, aa.Verdict, aa.RelError = pairedRel(w, base.Name, aa.Name, wa.Confidence, wa.Kind, wa.Better, (*results.Block).Value)
		}
		wa.Arms = append(wa.Arms, aa)
	}
	if base != nil {
		compareEnergy(w, base.Name, wa)
	}
	return wa
}

// BlockCounts says how many blocks the workload ran, in words: "3
// measured block(s), 1 warm-up", and ", 1 incomplete" when an interrupt
// cut one short.
func (wa *WorkloadAnalysis) BlockCounts() string {
	s := fmt.Sprintf("%d measured block(s), %d warm-up", wa.Measured, wa.Warmup)
	if wa.Incomplete > 0 {
		s += fmt.Sprintf(", %d incomplete", wa.Incomplete)
	}
	return s
}

// failedComparison says why arm is not compared with the baseline base
// when one of them failed, in the run or partway through it: the blocks
// it finished are kept and summarised, but a program that crashed gets no
// verdict, from these reports or from a gate. "" when neither failed.
func failedComparison(base, arm *results.Arm) string {
	switch {
	case arm != nil && arm.Status == results.ArmFailed:
		return "failed: " + strings.TrimPrefix(arm.Reason, "failed: ")
	case base != nil && base.Status == results.ArmFailed:
		return "the baseline failed: " + strings.TrimPrefix(base.Reason, "failed: ")
	}
	return ""
}

// failed reports whether the arm failed, in the run or partway through it:
// its verdict cell says so, whatever blocks it finished.
func (a *ArmAnalysis) failed() bool { return a.Status == results.ArmFailed }

// noDataVerdict is the verdict cell of an arm without measured samples:
// its status when it failed or was skipped, else metric.NotMeasured.
func (a *ArmAnalysis) noDataVerdict() string {
	if a.Status == "" || a.Status == results.ArmOK {
		return string(metric.NotMeasured)
	}
	return a.Status
}

// pairedRel pairs arm with the baseline over the measured blocks where both
// have a value (complete-case) and computes the jackknife CI.
func pairedRel(w *results.Workload, base, arm string, conf float64, kind metric.Kind, better metric.Direction,
	value func(*results.Block, string) (float64, bool)) (*stats.Estimate, metric.Verdict, string) {
	m := results.PairedBy(w.Blocks, value, base, arm)
	if len(m) < minComparableBlocks {
		return nil, metric.NotCompared, fmt.Sprintf("%d block(s) where both the arm and the baseline ran; at least %d are needed", len(m), minComparableBlocks)
	}
	est, err := stats.RelativeDifference(m, 0, stats.Options{Confidence: conf})
	if err != nil {
		return nil, metric.NotCompared, err.Error()
	}
	if len(est) != 1 {
		return nil, metric.NotCompared, "no estimate"
	}
	e := est[0]
	if why := unresolved(kind, e, m); why != "" {
		return nil, metric.NotCompared, why
	}
	return &e, metric.Judge(e.Significant, e.Estimate, kind, better), ""
}

// resolutionLimit is the per-iteration time, in nanoseconds, under which
// whole-nanosecond samples may repeat exactly from block to block.
const resolutionLimit = 100

// unresolved says why a time comparison whose interval has no width is not
// a comparison, or "": when every block gave the same ratio and some block
// value of m (paired per-iteration times) is under resolutionLimit, the
// samples could not resolve the arms (whole nanoseconds of a Go benchmark
// of a nanosecond or so per op), and an interval of zero width would claim
// certainty. Other metrics may be exact: a score is.
func unresolved(kind metric.Kind, e stats.Estimate, m [][]float64) string {
	if kind != metric.Time || e.CILo != e.CIHi {
		return ""
	}
	least := math.Inf(1)
	for _, row := range m {
		least = min(least, slices.Min(row))
	}
	if least >= resolutionLimit {
		return ""
	}
	return fmt.Sprintf("every block gave the same ratio, so the interval has no width: at %s per iteration the time samples (whole nanoseconds) cannot resolve the arms; give each iteration more work",
		FormatValue(least, "ns"))
}

// Headline is a one-line summary of a workload instance's verdicts.
func (wa *WorkloadAnalysis) Headline() string {
	var parts []string
	for _, a := range wa.Arms {
		if a.Baseline || a.Rel == nil {
			continue
		}
		if a.Verdict == metric.NoDifference {
			parts = append(parts, fmt.Sprintf("%s: no significant difference", a.Name))
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %s by %s", a.Name, a.Verdict, byHowMuch(a.Rel.Estimate)))
	}
	if len(parts) == 0 {
		return "no comparison"
	}
	return strings.Join(parts, "; ")
}

// Baseline returns the workload's baseline arm, or nil.
func (wa *WorkloadAnalysis) Baseline() *ArmAnalysis {
	for _, a := range wa.Arms {
		if a.Baseline {
			return a
		}
	}
	return nil
}

// HasEnergy reports whether any arm of the workload has energy readings.
func (wa *WorkloadAnalysis) HasEnergy() bool {
	return wa.anyArm(func(a *ArmAnalysis) bool { return a.Energy != nil })
}

// HasTelemetry reports whether any arm of the workload has GPU telemetry.
func (wa *WorkloadAnalysis) HasTelemetry() bool {
	return wa.anyArm(func(a *ArmAnalysis) bool { return a.TelemetryBlocks > 0 })
}

// anyArm reports whether some arm of the workload instance satisfies ok.
func (wa *WorkloadAnalysis) anyArm(ok func(*ArmAnalysis) bool) bool {
	for _, a := range wa.Arms {
		if ok(a) {
			return true
		}
	}
	return false
}

// Counts tallies the verdicts of every compared arm in the analysis. The
// words are those of an exploratory comparison (faster, slower; better,
// worse for other metrics): "regressed" and "improved" are the gate's
// words, which only benchy compare uses.
type Counts struct {
	Compared, Faster, Slower, Better, Worse, NoDifference int
	// NotCompared counts non-baseline arms without an estimate; Failed and
	// Skipped count arms by status.
	NotCompared, Failed, Skipped int
}

// Counts returns the verdict tally over all workload instances.
func (a *Analysis) Counts() Counts {
	var c Counts
	for _, wa := range a.Workloads {
		for _, arm := range wa.Arms {
			switch arm.Status {
			case results.ArmFailed:
				c.Failed++
			case results.ArmSkipped:
				c.Skipped++
			}
			if arm.Baseline {
				continue
			}
			if arm.Rel == nil {
				c.NotCompared++
				continue
			}
			c.Compared++
			switch arm.Verdict {
			case metric.Faster:
				c.Faster++
			case metric.Slower:
				c.Slower++
			case metric.Better:
				c.Better++
			case metric.Worse:
				c.Worse++
			default:
				c.NoDifference++
			}
		}
	}
	return c
}

// Headline is a one-line verdict for the whole run: the single comparison
// in words when there is one, else the tally of verdicts.
func (a *Analysis) Headline() string {
	var only *ArmAnalysis
	var onlyW *WorkloadAnalysis
	n := 0
	for _, wa := range a.Workloads {
		for _, arm := range wa.Arms {
			if !arm.Baseline {
				n++
				only, onlyW = arm, wa
			}
		}
	}
	c := a.Counts()
	var extra []string
	if c.Failed > 0 {
		extra = append(extra, plural(c.Failed, "arm failed", "arms failed"))
	}
	if c.Skipped > 0 {
		extra = append(extra, plural(c.Skipped, "arm skipped", "arms skipped"))
	}
	tail := ""
	if len(extra) > 0 {
		tail = " (" + strings.Join(extra, ", ") + ")"
	}
	if n == 1 && only.Rel != nil {
		base := "the baseline"
		if b := onlyW.Baseline(); b != nil {
			base = b.Name
		}
		if only.Verdict == metric.NoDifference {
			return fmt.Sprintf("%s vs %s: no significant difference, %s (%g%% CI %s to %s)%s", only.Name, base,
				FormatPercent(only.Rel.Estimate), 100*onlyW.Confidence, FormatPercent(only.Rel.CILo), FormatPercent(only.Rel.CIHi), tail)
		}
		return fmt.Sprintf("%s is %s than %s by %s (%g%% CI %s to %s)%s", only.Name, comparative(only.Verdict), base,
			byHowMuch(only.Rel.Estimate), 100*onlyW.Confidence, FormatPercent(only.Rel.CILo), FormatPercent(only.Rel.CIHi), tail)
	}
	if c.Compared == 0 {
		return "no arm could be compared with its baseline" + tail
	}
	var tally []string
	for _, v := range []struct {
		n    int
		word metric.Verdict
	}{{c.Faster, metric.Faster}, {c.Slower, metric.Slower}, {c.Better, metric.Better}, {c.Worse, metric.Worse},
		{c.NoDifference, metric.NoDifference}, {c.NotCompared, metric.NotCompared}} {
		if v.n > 0 {
			tally = append(tally, fmt.Sprintf("%d %s", v.n, v.word))
		}
	}
	return fmt.Sprintf("%s in %s: %s", plural(c.Compared, "comparison", "comparisons"),
		plural(len(a.Workloads), "workload instance", "workload instances"), strings.Join(tally, ", ")) + tail
}

// Status is the run's status with the arms that did not run: "complete",
// or "complete; 1 of 3 arms failed, 1 skipped", so that a run whose arms
// failed never reads as a plain success.
func (a *Analysis) Status() string {
	c := a.Counts()
	if c.Failed == 0 && c.Skipped == 0 {
		return a.Doc.Status
	}
	total := 0
	for _, wa := range a.Workloads {
		total += len(wa.Arms)
	}
	var parts []string
	if c.Failed > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d arms failed", c.Failed, total))
	}
	if c.Skipped > 0 {
		s := fmt.Sprintf("%d skipped", c.Skipped)
		if c.Failed == 0 {
			s = fmt.Sprintf("%d of %d arms skipped", c.Skipped, total)
		}
		parts = append(parts, s)
	}
	return a.Doc.Status + "; " + strings.Join(parts, ", ")
}

// FailedArms names the arms that failed, "workload · arm", in report order.
func (a *Analysis) FailedArms() []string {
	var out []string
	for _, wa := range a.Workloads {
		for _, arm := range wa.Arms {
			if arm.Status == results.ArmFailed {
				out = append(out, wa.Name+" · "+arm.Name)
			}
		}
	}
	return out
}

// failedList is FailedArms in one line, the first few by name.
func (a *Analysis) failedList() string {
	const show = 4
	f := a.FailedArms()
	if len(f) <= show {
		return strings.Join(f, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(f[:show], ", "), len(f)-show)
}

// byHowMuch words the size of a relative difference after "by": "8.2%",
// or from +1000% on the ratio, "30.9×".
func byHowMuch(rel float64) string {
	if largeRel(rel) {
		return formatRatio(1 + rel)
	}
	return fmt.Sprintf("%.1f%%", 100*math.Abs(rel))
}

func comparative(v metric.Verdict) string {
	switch v {
	case metric.Faster, metric.Slower, metric.Better, metric.Worse:
		return string(v)
	}
	return "different"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// measuredRuns yields, in block order, each measured block in which the
// arm ran, with its run.
func measuredRuns(w *results.Workload, arm string) iter.Seq2[*results.Block, *results.ArmRun] {
	return func(yield func(*results.Block, *results.ArmRun) bool) {
		for _, b := range w.Blocks {
			if !b.Measured() {
				continue
			}
			if r, ok := b.Run(arm); ok && !yield(b, r) {
				return
			}
		}
	}
}

// MachineLine describes a run's machine in one line: host, platform, CPU
// and GPUs.
func (a *Analysis) MachineLine() string { return machineLine(a.Doc.Environment) }

// machineLine describes the machine in one line: host, platform, CPU, GPUs.
func machineLine(env results.Environment) string {
	parts := []string{env.Host, env.OS + "/" + env.Arch}
	if env.CPUModel != "" {
		parts = append(parts, fmt.Sprintf("%s × %d", env.CPUModel, env.CPUCount))
	}
	switch len(env.GPUs) {
	case 0:
		parts = append(parts, "no GPU")
	case 1:
		parts = append(parts, env.GPUs[0])
	default:
		parts = append(parts, fmt.Sprintf("%d GPUs (%s, ...)", len(env.GPUs), env.GPUs[0]))
	}
	return strings.Join(parts, " · ")
}
