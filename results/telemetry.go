package results

import (
	"encoding/json"
	"fmt"
	"math/bits"
	"strings"
	"time"
)

// This file is the schema of the device telemetry a results document
// holds: the hw package samples the GPUs into these types, and the reports
// read them, so that both share one definition.

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

// Telemetry is what the harness records around one arm's run in one
// block (hw.NewRunTelemetry fills it): the samplings before and after it
// (and any taken during it), the throttling verdict and the energy drawn.
type Telemetry struct {
	Before []GPUSample `json:"before"`
	After  []GPUSample `json:"after"`
	During []GPUSample `json:"during,omitempty"`
	// Throttled is true when any GPU was throttled (hw.ThrottleBetween).
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

// Settle is the outcome of the wait for the GPUs to cool before a block
// (hw.WaitSettled).
type Settle struct {
	// Settled is true when every GPU was at or below the target temperature.
	Settled bool `json:"settled"`
	// Waited is how long the wait took.
	Waited time.Duration `json:"waited_ns"`
	// MaxTempC is the hottest GPU at the end of the wait.
	MaxTempC uint32 `json:"max_temp_c"`
	// Reason says, when not settled, why not (timeout, no reading).
	Reason string `json:"reason,omitempty"`
}

// LoadSample is the host's load and CPU frequency at one moment; benchy
// records one at the end of every block (Block.Load, hw.SampleLoad).
type LoadSample struct {
	// Load1 is the 1-minute load average (/proc/loadavg): runnable and
	// uninterruptible tasks, benchy's own included, averaged over about a
	// minute.
	Load1 float64 `json:"load_1m"`
	// CPUs is the number of online CPUs the load is compared with.
	CPUs int `json:"cpus"`
	// MHz is the mean current frequency of the online CPUs (cpufreq
	// scaling_cur_freq); 0 when the kernel does not expose it, as in most
	// VMs and containers.
	MHz float64 `json:"cpu_mhz,omitempty"`
}

// Loaded reports whether the sample's 1-minute load average exceeds the
// number of CPUs.
func (s LoadSample) Loaded() bool { return s.CPUs > 0 && s.Load1 > float64(s.CPUs) }

// LoadSample is the block's recorded host load; ok is false when the
// block has none (or one without a CPU count).
func (b *Block) LoadSample() (s LoadSample, ok bool) {
	if b.Load == nil || b.Load.CPUs == 0 {
		return LoadSample{}, false
	}
	return *b.Load, true
}
