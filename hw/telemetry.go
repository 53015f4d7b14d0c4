package hw

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/benchy-dev/benchy/results"
)

// sampler reads one GPU; implemented over NVML (or a fake in tests).
type sampler interface {
	sample() results.GPUSample
}

// Telemetry samples every GPU of a machine. It is safe for concurrent use.
// A nil *Telemetry samples nothing.
type Telemetry struct {
	mu       sync.Mutex
	devs     []sampler
	shutdown func() error
	closed   bool
}

// Sample reads every GPU once. A GPU that cannot be read yields a sample
// with Error set; Sample never fails as a whole. It returns nil for a nil or
// closed Telemetry.
func (t *Telemetry) Sample() []results.GPUSample {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil
	}
	out := make([]results.GPUSample, len(t.devs))
	for i, d := range t.devs {
		out[i] = d.sample()
	}
	return out
}

// Len returns the number of GPUs sampled.
func (t *Telemetry) Len() int {
	if t == nil {
		return 0
	}
	return len(t.devs)
}

// Close releases NVML. Sampling after Close returns nil.
func (t *Telemetry) Close() error {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil
	}
	t.closed = true
	if t.shutdown != nil {
		return t.shutdown()
	}
	return nil
}

// Recording is a background sampler started by Telemetry.Record.
type Recording struct {
	stop    chan struct{}
	done    chan struct{}
	mu      sync.Mutex
	samples []results.GPUSample
}

// Record samples every interval in a goroutine until Stop. Use a low rate
// (a second or more): the goroutine shares the CPU with the measured arm.
// A nil Telemetry or a non-positive interval records nothing.
func (t *Telemetry) Record(interval time.Duration) *Recording {
	r := &Recording{stop: make(chan struct{}), done: make(chan struct{})}
	if t == nil || interval <= 0 {
		close(r.done)
		return r
	}
	go func() {
		defer close(r.done)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-r.stop:
				return
			case <-tick.C:
				s := t.Sample()
				r.mu.Lock()
				r.samples = append(r.samples, s...)
				r.mu.Unlock()
			}
		}
	}()
	return r
}

// Stop ends the recording and returns what it sampled, in time order.
// Stop may be called more than once.
func (r *Recording) Stop() []results.GPUSample {
	select {
	case <-r.stop:
	default:
		close(r.stop)
	}
	<-r.done
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]results.GPUSample(nil), r.samples...)
}

// byIndex maps samples by GPU index, keeping the first of each.
func byIndex(samples []results.GPUSample) map[int]results.GPUSample {
	m := make(map[int]results.GPUSample, len(samples))
	for _, s := range samples {
		if _, ok := m[s.Index]; !ok {
			m[s.Index] = s
		}
	}
	return m
}

// EnergyDelta returns the energy, in joules, that the GPUs drew between two
// samplings, summed over the GPUs present in both. It fails when a GPU lacks
// an energy reading, when the GPU sets differ, or when a counter went
// backwards (the driver was reloaded in between).
func EnergyDelta(before, after []results.GPUSample) (float64, error) {
	if len(before) == 0 || len(after) == 0 {
		return 0, errors.New("energy: no GPU samples")
	}
	b, a := byIndex(before), byIndex(after)
	if len(a) != len(b) {
		return 0, fmt.Errorf("energy: %d GPUs before, %d after", len(b), len(a))
	}
	idx := make([]int, 0, len(b))
	for i := range b {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	var mj uint64
	for _, i := range idx {
		s0 := b[i]
		s1, ok := a[i]
		if !ok {
			return 0, fmt.Errorf("energy: GPU %d missing after the run", i)
		}
		if !s0.Has("energy_mj") || !s1.Has("energy_mj") {
			return 0, fmt.Errorf("energy: GPU %d has no energy counter reading%s", i, sampleErr(s0, s1))
		}
		if s1.EnergyMJ < s0.EnergyMJ {
			return 0, fmt.Errorf("energy: GPU %d counter went backwards (%d -> %d mJ); was the driver reloaded?", i, s0.EnergyMJ, s1.EnergyMJ)
		}
		mj += s1.EnergyMJ - s0.EnergyMJ
	}
	return float64(mj) / 1000, nil
}

func sampleErr(ss ...results.GPUSample) string {
	for _, s := range ss {
		if s.Error != "" {
			return " (" + s.Error + ")"
		}
	}
	return ""
}

// ThrottleBetween returns the throttling reasons (results.ThrottleMask
// only) that affected the GPUs between two samplings: those active at
// either instant, plus power or thermal capping implied by growth of the
// violation counters.
// Samples taken in between (a Recording) may be passed in during.
func ThrottleBetween(before, after []results.GPUSample, during ...results.GPUSample) results.ThrottleReason {
	var r results.ThrottleReason
	for _, set := range [][]results.GPUSample{before, after, during} {
		for _, s := range set {
			if s.Error == "" {
				r |= s.Reasons
			}
		}
	}
	b := byIndex(before)
	for _, s1 := range after {
		s0, ok := b[s1.Index]
		if !ok || s0.Error != "" || s1.Error != "" {
			continue
		}
		if s0.Has("power_violation_ns") && s1.Has("power_violation_ns") && s1.PowerViolationNS > s0.PowerViolationNS {
			r |= results.ReasonSWPowerCap
		}
		if s0.Has("thermal_violation_ns") && s1.Has("thermal_violation_ns") && s1.ThermalViolationNS > s0.ThermalViolationNS {
			r |= results.ReasonSWThermal
		}
	}
	return r & results.ThrottleMask
}

// NewRunTelemetry summarises the samples taken around a run of iterations
// iterations: every iteration the samplings bracket (warm-up iterations
// included, if they ran inside it).
func NewRunTelemetry(before, after, during []results.GPUSample, iterations int) results.Telemetry {
	rt := results.Telemetry{Before: before, After: after, During: during}
	rt.Reasons = ThrottleBetween(before, after, during...)
	rt.Throttled = rt.Reasons != 0
	if len(before) > 0 || len(after) > 0 {
		j, err := EnergyDelta(before, after)
		if err != nil {
			rt.EnergyError = err.Error()
		} else {
			rt.EnergyJ = j
			if iterations > 0 {
				rt.EnergyPerIterationJ = j / float64(iterations)
			}
		}
	}
	seen := map[string]bool{}
	for _, set := range [][]results.GPUSample{before, during, after} {
		for _, s := range set {
			if s.Error != "" {
				e := fmt.Sprintf("GPU %d: %s", s.Index, s.Error)
				if !seen[e] {
					seen[e] = true
					rt.Errors = append(rt.Errors, e)
				}
				continue
			}
			if s.Has("temp_c") && s.TempC > rt.MaxTempC {
				rt.MaxTempC = s.TempC
			}
		}
	}
	return rt
}
