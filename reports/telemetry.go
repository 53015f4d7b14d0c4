package reports

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/benchy-dev/benchy/metric"
	"github.com/benchy-dev/benchy/results"
	"github.com/benchy-dev/benchy/stats"
)

// telemetry is what the reports show of an arm run's GPU telemetry
// (results.Telemetry, which the hw package fills).
type telemetry struct {
	Throttled bool
	// Reasons are the clock event reasons seen during the run, by name.
	Reasons             []string
	EnergyJ             float64
	EnergyPerIterationJ float64
	EnergyError         string
	MaxTempC            float64
	Errors              []string
	// SMClockMHz and PowerW average the samples taken before, during and
	// after the run over every GPU that reported them; 0 when none did.
	SMClockMHz, PowerW float64
}

// telemetryOf is what the reports show of an ArmRun's telemetry; ok is
// false when it has none.
func telemetryOf(rt *results.Telemetry) (t telemetry, ok bool) {
	if rt == nil {
		return t, false
	}
	t = telemetry{Throttled: rt.Throttled, Reasons: rt.Reasons.Names(), EnergyJ: rt.EnergyJ,
		EnergyPerIterationJ: rt.EnergyPerIterationJ, EnergyError: rt.EnergyError, MaxTempC: float64(rt.MaxTempC), Errors: rt.Errors}
	var clk, pw float64
	var nclk, npw int
	for _, set := range [][]results.GPUSample{rt.Before, rt.During, rt.After} {
		for _, s := range set {
			if s.Error != "" {
				continue
			}
			if s.SMClockMHz > 0 {
				clk += float64(s.SMClockMHz)
				nclk++
			}
			if s.PowerW > 0 {
				pw += s.PowerW
				npw++
			}
		}
	}
	if nclk > 0 {
		t.SMClockMHz = clk / float64(nclk)
	}
	if npw > 0 {
		t.PowerW = pw / float64(npw)
	}
	return t, true
}

// Describe is a short human description of the telemetry for tooltips.
func (t telemetry) Describe() string {
	var parts []string
	if t.SMClockMHz > 0 {
		parts = append(parts, fmt.Sprintf("SM %.0f MHz", t.SMClockMHz))
	}
	if t.PowerW > 0 {
		parts = append(parts, fmt.Sprintf("%.0f W", t.PowerW))
	}
	if t.MaxTempC > 0 {
		parts = append(parts, fmt.Sprintf("max %.0f °C", t.MaxTempC))
	}
	if t.EnergyPerIterationJ > 0 {
		parts = append(parts, formatEnergy(t.EnergyPerIterationJ)+"/iteration")
	}
	if t.Throttled {
		r := "throttled"
		if len(t.Reasons) > 0 {
			r += ": " + strings.Join(t.Reasons, ", ")
		}
		parts = append(parts, r)
	}
	return strings.Join(parts, " · ")
}

// energyValue is an arm's energy per iteration in a block, in joules.
func energyValue(b *results.Block, arm string) (float64, bool) {
	r, ok := b.Run(arm)
	if !ok || r.Error != "" {
		return 0, false
	}
	rt := r.Telemetry
	if rt == nil || rt.EnergyError != "" || !(rt.EnergyPerIterationJ > 0) || math.IsInf(rt.EnergyPerIterationJ, 0) {
		return 0, false
	}
	return rt.EnergyPerIterationJ, true
}

// analyzeTelemetry fills the arm's telemetry counts and energy summary.
func analyzeTelemetry(w *results.Workload, aa *ArmAnalysis) {
	var energy []float64
	for b, r := range measuredRuns(w, aa.Name) {
		t, ok := telemetryOf(r.Telemetry)
		if !ok {
			continue
		}
		aa.TelemetryBlocks++
		if t.Throttled {
			aa.ThrottledBlocks++
			for _, reason := range t.Reasons {
				if !slices.Contains(aa.ThrottleReasons, reason) {
					aa.ThrottleReasons = append(aa.ThrottleReasons, reason)
				}
			}
		}
		aa.MaxTempC = math.Max(aa.MaxTempC, t.MaxTempC)
		if v, ok := energyValue(b, aa.Name); ok {
			energy = append(energy, v)
		}
	}
	if len(energy) > 0 {
		aa.Energy = &MetricAnalysis{Unit: "J", Blocks: len(energy), Summary: stats.Summarize(energy)}
	}
}

// compareEnergy compares every arm's energy per iteration with the
// baseline's, paired by block like the main metric.
func compareEnergy(w *results.Workload, base string, wa *WorkloadAnalysis) {
	for _, aa := range wa.Arms {
		if aa.Energy == nil {
			continue
		}
		if aa.Baseline {
			aa.Energy.Verdict = metric.Baseline
			continue
		}
		if why := failedComparison(w.Arm(base), w.Arm(aa.Name)); why != "" {
			aa.Energy.Verdict, aa.Energy.RelError = metric.NotCompared, why
			continue
		}
		aa.Energy.Rel, aa.Energy.Verdict, aa.Energy.RelError = pairedRel(w, base, aa.Name, wa.Confidence, metric.Quantity, metric.Lower, energyValue)
	}
}
