package reports

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/benchy-dev/benchy/metric"
	"github.com/benchy-dev/benchy/results"
	"github.com/benchy-dev/benchy/stats"
)

// Telemetry is the part of an arm run's GPU telemetry (written by the hw
// package's RunTelemetry) that reports show. The reports package reads the
// JSON rather than importing hw, so that a results document renders on any
// machine and an unknown field never breaks a report.
type Telemetry struct {
	Throttled bool `json:"throttled"`
	// Reasons are the clock event reasons seen during the run, by name.
	Reasons             []string `json:"-"`
	EnergyJ             float64  `json:"energy_j"`
	EnergyPerIterationJ float64  `json:"energy_per_iteration_j"`
	EnergyError         string   `json:"energy_error"`
	MaxTempC            float64  `json:"max_temp_c"`
	Errors              []string `json:"errors"`
	// SMClockMHz and PowerW average the samples taken before and after the
	// run over every GPU that reported them; 0 when none did.
	SMClockMHz, PowerW float64 `json:"-"`
}

type telemetrySample struct {
	SMClockMHz float64 `json:"sm_mhz"`
	PowerW     float64 `json:"power_w"`
	Error      string  `json:"error"`
}

// ParseTelemetry reads an ArmRun's telemetry; ok is false when there is none
// or it cannot be read.
func ParseTelemetry(raw json.RawMessage) (t Telemetry, ok bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return t, false
	}
	var aux struct {
		Telemetry
		RawReasons json.RawMessage   `json:"reasons"`
		Before     []telemetrySample `json:"before"`
		After      []telemetrySample `json:"after"`
		During     []telemetrySample `json:"during"`
	}
	if err := json.Unmarshal(raw, &aux); err != nil {
		return t, false
	}
	t = aux.Telemetry
	if len(aux.RawReasons) > 0 {
		var names []string
		var mask uint64
		if json.Unmarshal(aux.RawReasons, &names) == nil {
			t.Reasons = names
		} else if json.Unmarshal(aux.RawReasons, &mask) == nil && mask != 0 {
			t.Reasons = []string{fmt.Sprintf("mask 0x%x", mask)}
		}
	}
	var clk, pw float64
	var nclk, npw int
	for _, set := range [][]telemetrySample{aux.Before, aux.During, aux.After} {
		for _, s := range set {
			if s.Error != "" {
				continue
			}
			if s.SMClockMHz > 0 {
				clk += s.SMClockMHz
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
func (t Telemetry) Describe() string {
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
	t, ok := ParseTelemetry(r.Telemetry)
	if !ok || t.EnergyError != "" || !(t.EnergyPerIterationJ > 0) || math.IsInf(t.EnergyPerIterationJ, 0) {
		return 0, false
	}
	return t.EnergyPerIterationJ, true
}

// analyzeTelemetry fills the arm's telemetry counts and energy summary.
func analyzeTelemetry(w *results.Workload, aa *ArmAnalysis) {
	var energy []float64
	for _, b := range w.Blocks {
		if !b.Measured() {
			continue
		}
		r, ok := b.Run(aa.Name)
		if !ok {
			continue
		}
		t, ok := ParseTelemetry(r.Telemetry)
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
			aa.Energy.Verdict = VerdictBaseline
			continue
		}
		aa.Energy.Rel, aa.Energy.Verdict, aa.Energy.RelError = pairedRel(w, base, aa.Name, wa.Confidence, metric.Quantity, metric.Lower, energyValue)
	}
}
