package hw

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"
	"sort"
	"strings"
	"sync"
	"time"
)

// ThrottleReason is a bitmask of NVML clock event ("throttle") reasons. The
// bit values are NVML's (nvmlClocksEventReason*), so a mask read from NVML
// converts directly.
type ThrottleReason uint64

// The clock event reasons NVML reports.
const (
	ReasonGPUIdle          ThrottleReason = 0x1
	ReasonAppClocksSetting ThrottleReason = 0x2
	ReasonSWPowerCap       ThrottleReason = 0x4
	ReasonHWSlowdown       ThrottleReason = 0x8
	ReasonSyncBoost        ThrottleReason = 0x10
	ReasonSWThermal        ThrottleReason = 0x20
	ReasonHWThermal        ThrottleReason = 0x40
	ReasonHWPowerBrake     ThrottleReason = 0x80
	ReasonDisplayClocks    ThrottleReason = 0x100
	ReasonBoardLimit       ThrottleReason = 0x200
	ReasonReliability      ThrottleReason = 0x400
)

// ThrottleMask holds the reasons that mean the GPU ran slower than it
// otherwise would have: power and thermal caps, hardware slowdowns, sync
// boost and board or reliability limits. Idle, application-clock and
// display-clock reasons are not throttling.
const ThrottleMask = ReasonSWPowerCap | ReasonHWSlowdown | ReasonSyncBoost |
	ReasonSWThermal | ReasonHWThermal | ReasonHWPowerBrake | ReasonBoardLimit | ReasonReliability

var reasonNames = []struct {
	bit  ThrottleReason
	name string
}{
	{ReasonGPUIdle, "gpu_idle"},
	{ReasonAppClocksSetting, "applications_clocks_setting"},
	{ReasonSWPowerCap, "sw_power_cap"},
	{ReasonHWSlowdown, "hw_slowdown"},
	{ReasonSyncBoost, "sync_boost"},
	{ReasonSWThermal, "sw_thermal_slowdown"},
	{ReasonHWThermal, "hw_thermal_slowdown"},
	{ReasonHWPowerBrake, "hw_power_brake_slowdown"},
	{ReasonDisplayClocks, "display_clock_setting"},
	{ReasonBoardLimit, "board_limit"},
	{ReasonReliability, "reliability"},
}

// Names returns the reason names set in r, in bit order; unknown bits are
// named "bit_N".
func (r ThrottleReason) Names() []string {
	var out []string
	rest := r
	for _, n := range reasonNames {
		if r&n.bit != 0 {
			out = append(out, n.name)
			rest &^= n.bit
		}
	}
	for rest != 0 {
		b := bits.TrailingZeros64(uint64(rest))
		out = append(out, fmt.Sprintf("bit_%d", b))
		rest &^= 1 << b
	}
	return out
}

// Throttling reports whether r holds any reason in ThrottleMask.
func (r ThrottleReason) Throttling() bool { return r&ThrottleMask != 0 }

// String joins the reason names with "+", or "none".
func (r ThrottleReason) String() string {
	if r == 0 {
		return "none"
	}
	return strings.Join(r.Names(), "+")
}

// MarshalJSON writes the reasons as a list of names.
func (r ThrottleReason) MarshalJSON() ([]byte, error) {
	names := r.Names()
	if names == nil {
		names = []string{}
	}
	return json.Marshal(names)
}

// UnmarshalJSON reads a list of names (or a number).
func (r *ThrottleReason) UnmarshalJSON(b []byte) error {
	var n uint64
	if err := json.Unmarshal(b, &n); err == nil {
		*r = ThrottleReason(n)
		return nil
	}
	var names []string
	if err := json.Unmarshal(b, &names); err != nil {
		return fmt.Errorf("throttle reasons: %w", err)
	}
	var out ThrottleReason
	for _, name := range names {
		found := false
		for _, rn := range reasonNames {
			if rn.name == name {
				out |= rn.bit
				found = true
			}
		}
		var bit uint
		if !found {
			if _, err := fmt.Sscanf(name, "bit_%d", &bit); err != nil || bit > 63 {
				return fmt.Errorf("throttle reasons: unknown reason %q", name)
			}
			out |= 1 << bit
		}
	}
	*r = out
	return nil
}

// GPUSample is one GPU's state at one instant. A field named in Missing could
// not be read and holds zero; Error is set when the GPU could not be read at
// all (for instance it fell off the bus).
type GPUSample struct {
	Index int       `json:"gpu"`
	At    time.Time `json:"t"`
	// Clocks in MHz.
	SMClockMHz  uint32  `json:"sm_mhz"`
	MemClockMHz uint32  `json:"mem_mhz"`
	TempC       uint32  `json:"temp_c"`
	PowerW      float64 `json:"power_w"`
	FanPercent  uint32  `json:"fan_pct"`
	// Utilization in percent over NVML's last sample period.
	GPUUtil      uint32 `json:"util_pct"`
	MemUtil      uint32 `json:"mem_util_pct"`
	MemUsedBytes uint64 `json:"mem_used_bytes"`
	PState       int    `json:"pstate"`
	// Reasons are the clock event reasons active at the instant.
	Reasons ThrottleReason `json:"reasons"`
	// EnergyMJ is the total energy counter, in millijoules since the driver
	// was loaded.
	EnergyMJ uint64 `json:"energy_mj"`
	// PowerViolationNS and ThermalViolationNS are NVML's cumulative times
	// during which clocks were held down by power or thermal policy; their
	// growth between two samples reveals throttling that the instantaneous
	// reasons missed.
	PowerViolationNS   uint64   `json:"power_violation_ns"`
	ThermalViolationNS uint64   `json:"thermal_violation_ns"`
	Missing            []string `json:"missing,omitempty"`
	Error              string   `json:"error,omitempty"`
}

// Has reports whether field (a JSON name such as "energy_mj") was read.
func (s GPUSample) Has(field string) bool {
	if s.Error != "" {
		return false
	}
	for _, m := range s.Missing {
		if m == field {
			return false
		}
	}
	return true
}

// sampler reads one GPU; implemented over NVML (or a fake in tests).
type sampler interface {
	sample() GPUSample
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
func (t *Telemetry) Sample() []GPUSample {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil
	}
	out := make([]GPUSample, len(t.devs))
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
	samples []GPUSample
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
func (r *Recording) Stop() []GPUSample {
	select {
	case <-r.stop:
	default:
		close(r.stop)
	}
	<-r.done
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]GPUSample(nil), r.samples...)
}

// byIndex maps samples by GPU index, keeping the first of each.
func byIndex(samples []GPUSample) map[int]GPUSample {
	m := make(map[int]GPUSample, len(samples))
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
func EnergyDelta(before, after []GPUSample) (float64, error) {
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

func sampleErr(ss ...GPUSample) string {
	for _, s := range ss {
		if s.Error != "" {
			return " (" + s.Error + ")"
		}
	}
	return ""
}

// ThrottleBetween returns the throttling reasons (ThrottleMask only) that
// affected the GPUs between two samplings: those active at either instant,
// plus power or thermal capping implied by growth of the violation counters.
// Samples taken in between (a Recording) may be passed in during.
func ThrottleBetween(before, after []GPUSample, during ...GPUSample) ThrottleReason {
	var r ThrottleReason
	for _, set := range [][]GPUSample{before, after, during} {
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
			r |= ReasonSWPowerCap
		}
		if s0.Has("thermal_violation_ns") && s1.Has("thermal_violation_ns") && s1.ThermalViolationNS > s0.ThermalViolationNS {
			r |= ReasonSWThermal
		}
	}
	return r & ThrottleMask
}

// RunTelemetry is what the harness records around one arm's run in one
// block: the samplings before and after it (and any taken during it), the
// throttling verdict and the energy drawn.
type RunTelemetry struct {
	Before []GPUSample `json:"before"`
	After  []GPUSample `json:"after"`
	During []GPUSample `json:"during,omitempty"`
	// Throttled is true when any GPU was throttled (ThrottleBetween).
	Throttled bool           `json:"throttled"`
	Reasons   ThrottleReason `json:"reasons"`
	// EnergyJ and EnergyPerIterationJ are set when every GPU reported its
	// energy counter; EnergyError says why not otherwise.
	EnergyJ             float64 `json:"energy_j,omitempty"`
	EnergyPerIterationJ float64 `json:"energy_per_iteration_j,omitempty"`
	EnergyError         string  `json:"energy_error,omitempty"`
	// MaxTempC is the highest temperature seen in any sample.
	MaxTempC uint32 `json:"max_temp_c"`
	// Errors lists GPUs that could not be read, e.g. "GPU 3: GPU is lost".
	Errors []string `json:"errors,omitempty"`
}

// NewRunTelemetry summarises the samples taken around a run of iterations
// iterations: every iteration the samplings bracket (warm-up iterations
// included, if they ran inside it).
func NewRunTelemetry(before, after, during []GPUSample, iterations int) RunTelemetry {
	rt := RunTelemetry{Before: before, After: after, During: during}
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
	for _, set := range [][]GPUSample{before, during, after} {
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
