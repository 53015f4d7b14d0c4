package reports

import (
	"fmt"
	"math"
	"strconv"

	"github.com/benchy-dev/benchy/metric"
	"github.com/benchy-dev/benchy/stats"
)

// FormatValue prints a value recorded in nanoseconds (time metrics) or in
// the metric's own unit.
func FormatValue(v float64, m string) string {
	if math.IsNaN(v) {
		return "—"
	}
	if metric.KindOf(m) != metric.Time {
		return fmt.Sprintf("%.4g %s", v, m)
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

// formatEnergy prints an energy in joules with an SI prefix, e.g. "1.25 mJ".
func formatEnergy(j float64) string {
	if math.IsNaN(j) {
		return "—"
	}
	aj := math.Abs(j)
	switch {
	case aj == 0:
		return "0 J"
	case aj >= 1e3:
		return fmt.Sprintf("%.3g kJ", j/1e3)
	case aj >= 1:
		return fmt.Sprintf("%.3g J", j)
	case aj >= 1e-3:
		return fmt.Sprintf("%.3g mJ", j*1e3)
	default:
		return fmt.Sprintf("%.3g µJ", j*1e6)
	}
}

// FormatRel prints a relative difference with its CI, e.g. "+3.1% [+1.2%,
// +5.0%]"; when the estimate or the CI's upper end is +1000% or more, the
// three are ratios to the baseline instead: "30.9× [28.1×, 34.0×]".
func FormatRel(e *stats.Estimate) string {
	if e == nil {
		return "—"
	}
	est, lo, hi := formatCI(e.Estimate, e.CILo, e.CIHi)
	return fmt.Sprintf("%s [%s, %s]", est, lo, hi)
}

// formatCI prints an estimate and its CI bounds alike: all three as
// percentages, or all three as ratios when the estimate or the upper bound
// is +1000% or more.
func formatCI(est, lo, hi float64) (string, string, string) {
	if largeRel(est) || largeRel(hi) {
		return formatRatio(1 + est), formatRatio(1 + lo), formatRatio(1 + hi)
	}
	return FormatPercent(est), FormatPercent(lo), FormatPercent(hi)
}

// largeRel reports whether a relative difference reads better as a ratio:
// +1000% or more.
func largeRel(f float64) bool { return f >= 10 }

// FormatPercent prints a fraction as a signed percentage with one decimal
// ("+3.1%"), or, from +1000% on, as the ratio to the baseline ("30.9×"):
// never in e-notation.
func FormatPercent(f float64) string {
	if largeRel(f) {
		return formatRatio(1 + f)
	}
	return fmt.Sprintf("%+.1f%%", 100*f)
}

// formatRatio prints a ratio with three significant digits and "×"
// ("2.53×", "30.9×", "1520×"), never in e-notation.
func formatRatio(r float64) string {
	switch {
	case math.IsNaN(r) || math.IsInf(r, 0):
		return "—"
	case r >= 999.5:
		return strconv.FormatFloat(r, 'f', 0, 64) + "×"
	case r < 0.001:
		return "<0.001×"
	}
	return strconv.FormatFloat(r, 'g', 3, 64) + "×"
}

// armSpeedFactor says how many times faster or slower an arm is than its
// baseline ("7.52×"), for a significant difference in a time metric of a
// factor of 2 or more; else "". The relative difference stays the
// estimand; the factor only reads better when it is large.
func armSpeedFactor(wa *WorkloadAnalysis, arm *ArmAnalysis) string {
	if arm.Rel == nil || !arm.Rel.Significant || metric.KindOf(wa.Metric) != metric.Time {
		return ""
	}
	return speedFactor(arm.Rel.Estimate)
}

func speedFactor(rel float64) string {
	r := 1 + rel
	switch {
	case r <= 0:
		return ""
	case r <= 0.5:
		return formatRatio(1 / r)
	case r >= 2:
		return formatRatio(r)
	}
	return ""
}

// verdictWithFactor is the verdict followed by the speed factor, when
// there is one: "faster (7.52×)".
func verdictWithFactor(wa *WorkloadAnalysis, arm *ArmAnalysis, verdict string) string {
	if f := armSpeedFactor(wa, arm); f != "" {
		return verdict + " (" + f + ")"
	}
	return verdict
}
