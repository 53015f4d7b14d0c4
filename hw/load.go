package hw

import (
	"fmt"
	"math"
	"path"
	"runtime"
	"strconv"
	"strings"

	"github.com/benchy-dev/benchy/results"
)

// SampleLoad reads the load average and the CPU frequencies now.
func SampleLoad() results.LoadSample { return sampleLoad(defaultHostFS()) }

func sampleLoad(fsys hostFS) results.LoadSample {
	var s results.LoadSample
	if l, err := readTrim(fsys, "proc/loadavg"); err == nil {
		if f := strings.Fields(l); len(f) > 0 {
			s.Load1, _ = strconv.ParseFloat(f[0], 64)
		}
	}
	online, _ := readTrim(fsys, cpuSys+"/online")
	cpus := parseCPUList(online)
	s.CPUs = len(cpus)
	if s.CPUs == 0 {
		s.CPUs = runtime.NumCPU()
	}
	var sum float64
	n := 0
	for _, c := range cpus {
		if mhz := khzToMHz(readTrimOr(fsys, path.Join(cpuSys, "cpu"+strconv.Itoa(c), "cpufreq", "scaling_cur_freq"))); mhz > 0 {
			sum += mhz
			n++
		}
	}
	if n > 0 {
		s.MHz = sum / float64(n)
	}
	return s
}

// The load rule (docs/hardware.md, "Load during a run"):
//
//   - a block is loaded when, at its end, the 1-minute load average exceeds
//     the number of online CPUs: more tasks wanted a CPU than there were, so
//     an arm waited for one;
//   - the load changed a lot when the 1-minute load average of the measured
//     blocks spans more than half the CPUs, and at least LoadChangeMin;
//   - the CPU frequency changed when the blocks' mean current frequency
//     spans more than FreqChangeFraction of the highest.
const (
	// LoadChangeMin is the least span of the 1-minute load average over a
	// run's blocks that counts as a change; benchy's own arm alone moves it
	// by about 1 as the run starts.
	LoadChangeMin = 1.5
	// FreqChangeFraction is the span of the mean CPU frequency, as a
	// fraction of the highest, that counts as a change.
	FreqChangeFraction = 0.10
)

// LoadAssessment is what a run's per-block load samples say.
type LoadAssessment struct {
	// Blocks is the number of samples assessed; Loaded the number of
	// loaded ones.
	Blocks, Loaded int
	// CPUs is the highest CPU count seen; MinLoad and MaxLoad bound the
	// 1-minute load averages.
	CPUs             int
	MinLoad, MaxLoad float64
	// MinMHz and MaxMHz bound the mean CPU frequencies (0 when none was
	// readable).
	MinMHz, MaxMHz float64
}

// AssessLoad applies the load rule to samples (one per measured block).
func AssessLoad(samples []results.LoadSample) LoadAssessment {
	a := LoadAssessment{Blocks: len(samples), MinLoad: math.Inf(1), MinMHz: math.Inf(1)}
	for _, s := range samples {
		if s.Loaded() {
			a.Loaded++
		}
		a.CPUs = max(a.CPUs, s.CPUs)
		a.MinLoad, a.MaxLoad = math.Min(a.MinLoad, s.Load1), math.Max(a.MaxLoad, s.Load1)
		if s.MHz > 0 {
			a.MinMHz, a.MaxMHz = math.Min(a.MinMHz, s.MHz), math.Max(a.MaxMHz, s.MHz)
		}
	}
	if a.Blocks == 0 {
		a.MinLoad = 0
	}
	if a.MaxMHz == 0 {
		a.MinMHz = 0
	}
	return a
}

// LoadChanged reports whether the load average moved a lot during the run.
func (a LoadAssessment) LoadChanged() bool {
	return a.Blocks > 1 && a.MaxLoad-a.MinLoad > max(LoadChangeMin, float64(a.CPUs)/2)
}

// FreqChanged reports whether the mean CPU frequency moved by more than
// FreqChangeFraction during the run.
func (a LoadAssessment) FreqChanged() bool {
	return a.MaxMHz > 0 && (a.MaxMHz-a.MinMHz) > FreqChangeFraction*a.MaxMHz
}

// Warnings says, one line each, what the rule found; none when the host was
// quiet (or nothing was sampled).
func (a LoadAssessment) Warnings() []string {
	var w []string
	if a.Loaded > 0 {
		w = append(w, fmt.Sprintf("host load high in %d of %d measured block(s): 1-minute load average up to %.2f on %d CPUs, so arms waited for a CPU and their timings may be inflated (rerun on a quiet machine; see `benchy doctor`)",
			a.Loaded, a.Blocks, a.MaxLoad, a.CPUs))
	}
	if a.LoadChanged() {
		w = append(w, fmt.Sprintf("host load changed during the run: 1-minute load average from %.2f to %.2f on %d CPUs, so the blocks did not run under the same conditions",
			a.MinLoad, a.MaxLoad, a.CPUs))
	}
	if a.FreqChanged() {
		w = append(w, fmt.Sprintf("CPU frequency changed during the run: mean %.0f to %.0f MHz over the blocks (%.0f%%)",
			a.MinMHz, a.MaxMHz, 100*(a.MaxMHz-a.MinMHz)/a.MaxMHz))
	}
	return w
}
