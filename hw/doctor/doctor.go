// Package doctor lists what threatens the reproducibility of benchmarks on
// a machine, from its inventory (hw.Detect) and a live telemetry sample, with
// a fix for each problem: the checks behind `benchy doctor`.
package doctor

import (
	"fmt"
	"sort"
	"strings"

	"github.com/benchy-dev/benchy/hw"
	"github.com/benchy-dev/benchy/results"
)

// Verdict grades one reproducibility check.
type Verdict string

// The verdicts, from good to bad; Skip means the check could not be made.
const (
	OK   Verdict = "ok"
	Info Verdict = "info"
	Warn Verdict = "warn"
	Bad  Verdict = "bad"
	Skip Verdict = "skip"
)

// Check is one line of `benchy doctor`: what was checked, the verdict, what
// was found, and how to fix it.
type Check struct {
	// ID is a stable identifier, e.g. "cpu.governor" or "gpu0.persistence".
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	Verdict Verdict `json:"verdict"`
	Detail  string  `json:"detail"`
	Fix     string  `json:"fix,omitempty"`
}

// Examine lists what threatens the reproducibility of benchmarks on the
// machine described by inv, with a fix for each problem. now is a live
// telemetry sample (nil without one); it adds the checks that need the
// present state (throttling, temperature, utilization).
func Examine(inv *hw.Inventory, now []results.GPUSample) []Check {
	var cs []Check
	add := func(c Check) { cs = append(cs, c) }
	doctorCPU(inv, add)
	doctorSystem(inv, add)
	doctorGPUs(inv, now, add)
	return cs
}

// Worst returns the worst verdict among checks (OK when there are none).
func Worst(checks []Check) Verdict {
	rank := map[Verdict]int{OK: 0, Skip: 0, Info: 1, Warn: 2, Bad: 3}
	w := OK
	for _, c := range checks {
		if rank[c.Verdict] > rank[w] {
			w = c.Verdict
		}
	}
	return w
}

func doctorCPU(inv *hw.Inventory, add func(Check)) {
	c := inv.CPU
	// Frequency governor.
	gov := Check{ID: "cpu.governor", Name: "CPU frequency governor"}
	switch {
	case len(c.Governors) == 0:
		gov.Verdict = Skip
		gov.Detail = "no cpufreq in sysfs: " + orText(c.Unavailable["governors"], "frequency is managed elsewhere")
		if inv.Host.Virtualization != "" {
			gov.Detail += "; in a VM the host decides CPU frequency"
		}
	case len(c.Governors) == 1 && c.Governors["performance"] > 0:
		gov.Verdict = OK
		gov.Detail = fmt.Sprintf("performance on all %d CPUs", c.Governors["performance"])
	default:
		gov.Verdict = Warn
		gov.Detail = "governors in use: " + countsText(c.Governors) + "; other than performance, CPU clocks follow the load"
		gov.Fix = "sudo cpupower frequency-set -g performance   (or: echo performance | sudo tee /sys/devices/system/cpu/cpu*/cpufreq/scaling_governor)"
	}
	add(gov)
	// Turbo / boost.
	boost := Check{ID: "cpu.boost", Name: "CPU turbo/boost"}
	switch c.Boost {
	case "on":
		boost.Verdict = Warn
		boost.Detail = "on: CPU clocks vary with temperature, power and how many cores are busy"
		if c.ScalingDriver == "intel_pstate" || c.ScalingDriver == "intel_cpufreq" {
			boost.Fix = "echo 1 | sudo tee /sys/devices/system/cpu/intel_pstate/no_turbo"
		} else {
			boost.Fix = "echo 0 | sudo tee /sys/devices/system/cpu/cpufreq/boost"
		}
	case "off":
		boost.Verdict = OK
		boost.Detail = "off"
	default:
		boost.Verdict = Skip
		boost.Detail = c.BoostText()
	}
	add(boost)
	// SMT.
	smt := Check{ID: "cpu.smt", Name: "simultaneous multithreading"}
	switch c.SMT {
	case "on":
		smt.Verdict = Info
		smt.Detail = "on: hyperthread siblings share a core's execution units, so a CPU arm's neighbour changes its speed"
		smt.Fix = "echo off | sudo tee /sys/devices/system/cpu/smt/control   (or pin arms to distinct physical cores)"
	case "off", "forceoff", "notsupported", "notimplemented":
		smt.Verdict = OK
		smt.Detail = c.SMTText()
	default:
		smt.Verdict = Skip
		smt.Detail = c.SMTText()
	}
	add(smt)
	// Isolated CPUs.
	iso := Check{ID: "cpu.isolated", Name: "isolated CPUs"}
	if c.Isolated != "" {
		iso.Verdict = OK
		iso.Detail = "isolcpus=" + c.Isolated
		if c.NohzFull != "" {
			iso.Detail += ", nohz_full=" + c.NohzFull
		}
		iso.Detail += "; pin benchy to them with taskset -c " + c.Isolated
	} else {
		iso.Verdict = Info
		iso.Detail = "none: the scheduler and interrupts share every CPU with the benchmark"
		iso.Fix = "for the quietest CPU timings, boot with isolcpus=N-M nohz_full=N-M rcu_nocbs=N-M and run under taskset -c N-M"
	}
	add(iso)
}

func doctorSystem(inv *hw.Inventory, add func(Check)) {
	h, m := inv.Host, inv.Memory
	load := Check{ID: "sys.load", Name: "system load"}
	threads := max(inv.CPU.Threads, 1)
	if h.LoadAvg1 > 0.5*float64(threads) && h.LoadAvg1 >= 1 {
		load.Verdict = Warn
		load.Detail = fmt.Sprintf("1-minute load average %.2f on %d CPUs: something else is running", h.LoadAvg1, threads)
		load.Fix = "stop other work (top, htop) before benchmarking"
	} else {
		load.Verdict = OK
		load.Detail = fmt.Sprintf("1-minute load average %.2f on %d CPUs", h.LoadAvg1, threads)
	}
	add(load)
	swap := Check{ID: "sys.swap", Name: "swap"}
	switch {
	case m.SwapUsedBytes > 0:
		swap.Verdict = Warn
		swap.Detail = hw.FormatBytes(m.SwapUsedBytes) + " of swap in use: paging adds latency spikes"
		swap.Fix = "free memory, then sudo swapoff -a && sudo swapon -a to bring pages back"
	case m.SwapTotalBytes > 0:
		swap.Verdict = OK
		swap.Detail = "swap configured (" + hw.FormatBytes(m.SwapTotalBytes) + "), none in use"
	default:
		swap.Verdict = OK
		swap.Detail = "no swap"
	}
	add(swap)
	if h.Virtualization != "" || h.Container != "" {
		v := Check{ID: "sys.virtual", Name: "virtualization", Verdict: Info}
		var parts []string
		if h.Virtualization != "" {
			parts = append(parts, "virtual machine: "+h.Virtualization)
		}
		if h.Container != "" {
			parts = append(parts, "container: "+h.Container)
		}
		v.Detail = strings.Join(parts, "; ") + "; neighbours and the host can steal time, so compare results only within one machine"
		add(v)
	}
	if h.CgroupCPULimit > 0 {
		add(Check{ID: "sys.cpu_quota", Name: "cgroup CPU quota", Verdict: Warn,
			Detail: fmt.Sprintf("limited to %.2f CPUs: the CFS quota throttles bursts, which shows as latency spikes", h.CgroupCPULimit),
			Fix:    "run without a CPU limit (docker --cpus unset) or use cpuset pinning instead of a quota"})
	}
}

func doctorGPUs(inv *hw.Inventory, now []results.GPUSample, add func(Check)) {
	if len(inv.GPUs) == 0 {
		add(Check{ID: "gpu", Name: "NVIDIA GPU", Verdict: Skip,
			Detail: orText(inv.GPUReason, "no NVIDIA GPU detected") + "; GPU checks skipped"})
		return
	}
	if inv.NVML.Source == "nvidia-smi" {
		add(Check{ID: "gpu.nvml", Name: "NVML", Verdict: Warn,
			Detail: "GPUs found by nvidia-smi but NVML is unusable (" + inv.NVML.Reason + "): no per-block telemetry",
			Fix:    "run benchy where libnvidia-ml.so.1 loads (a cgo build, with the driver's libraries visible)"})
	}
	for _, g := range inv.GPUs {
		p := fmt.Sprintf("gpu%d.", g.Index)
		label := fmt.Sprintf("GPU %d ", g.Index)
		live := sampleOf(now, g.Index)
		add(boolCheck(p+"persistence", label+"persistence mode", g.Persistence, g.Unavailable["persistence"],
			"on", Warn, "off: the driver tears down and re-initialises the GPU between processes, adding start-up latency and resetting clocks",
			"sudo nvidia-smi -i "+fmt.Sprint(g.Index)+" -pm 1   (or enable nvidia-persistenced)"))
		add(lockCheck(p, label, g))
		add(busyCheck(p, label, g, live))
		add(boolCheck(p+"ecc", label+"ECC", g.ECC, g.Unavailable["ecc"],
			"on", Info, "off: memory behaves differently from ECC-on GPUs, so results do not compare with theirs",
			"sudo nvidia-smi -i "+fmt.Sprint(g.Index)+" -e 1 and reboot"))
		if g.ECC != nil && g.ECCPending != nil && *g.ECCPending != *g.ECC {
			add(Check{ID: p + "ecc_pending", Name: label + "ECC pending change", Verdict: Warn,
				Detail: fmt.Sprintf("ECC will be %s after the next reboot", onOff(*g.ECCPending)),
				Fix:    "reboot before benchmarking, or results will change afterwards"})
		}
		if g.MIG != nil && *g.MIG {
			add(Check{ID: p + "mig", Name: label + "MIG", Verdict: Info,
				Detail: fmt.Sprintf("MIG mode on with %d instances: an arm sees one slice, and neighbours share memory bandwidth", len(g.MIGDevices))})
		}
		if g.PowerLimitW > 0 && g.PowerLimitDefaultW > 0 && g.PowerLimitW < g.PowerLimitDefaultW-0.5 {
			add(Check{ID: p + "power_limit", Name: label + "power limit", Verdict: Warn,
				Detail: fmt.Sprintf("%.0f W, below the default %.0f W: the GPU will power-cap sooner", g.PowerLimitW, g.PowerLimitDefaultW),
				Fix:    fmt.Sprintf("sudo nvidia-smi -i %d -pl %.0f", g.Index, g.PowerLimitDefaultW)})
		}
		if g.AppClocks != nil && g.DefaultAppClocks != nil && *g.AppClocks != *g.DefaultAppClocks {
			add(Check{ID: p + "app_clocks", Name: label + "application clocks", Verdict: Info,
				Detail: fmt.Sprintf("set to %d/%d MHz (SM/memory), default %d/%d MHz", g.AppClocks.SMMHz, g.AppClocks.MemMHz, g.DefaultAppClocks.SMMHz, g.DefaultAppClocks.MemMHz),
				Fix:    fmt.Sprintf("sudo nvidia-smi -i %d -rac to restore the defaults", g.Index)})
		}
		add(liveCheck(p, label, g, live))
	}
}

func boolCheck(id, name string, v *bool, why, goodWord string, badVerdict Verdict, badDetail, fix string) Check {
	c := Check{ID: id, Name: name}
	switch {
	case v == nil:
		c.Verdict = Skip
		c.Detail = "unknown: " + orText(why, "not reported")
	case *v:
		c.Verdict = OK
		c.Detail = goodWord
	default:
		c.Verdict = badVerdict
		c.Detail = badDetail
		c.Fix = fix
	}
	return c
}

func lockCheck(p, label string, g hw.GPU) Check {
	c := Check{ID: p + "clocks", Name: label + "clocks"}
	if g.LockedClocks != nil {
		c.Verdict = OK
		c.Detail = g.LockedClocks.Describe()
		return c
	}
	c.Verdict = Warn
	c.Detail = "not locked by benchy: SM clocks float with boost, temperature and power (NVML cannot see locks set by other tools)"
	c.Fix = fmt.Sprintf("sudo benchy gpu lock-clocks --gpu %d   (base clock; undo with benchy gpu unlock-clocks)", g.Index)
	return c
}

// busyCheck looks for other work on the GPU: processes NVML lists, or
// utilization in its live sample s (nil when there is none).
func busyCheck(p, label string, g hw.GPU, s *results.GPUSample) Check {
	c := Check{ID: p + "processes", Name: label + "other processes"}
	if len(g.Processes) > 0 {
		var ps []string
		for _, pr := range g.Processes {
			s := fmt.Sprintf("pid %d", pr.PID)
			if pr.Name != "" {
				s += " " + pr.Name
			}
			if pr.UsedMemoryBytes > 0 {
				s += " (" + hw.FormatBytes(pr.UsedMemoryBytes) + ")"
			}
			ps = append(ps, s)
		}
		c.Verdict = Bad
		c.Detail = "busy: " + strings.Join(ps, ", ")
		c.Fix = fmt.Sprintf("stop them, or give benchy another GPU (CUDA_VISIBLE_DEVICES), or run on a dedicated runner")
		return c
	}
	if s != nil && s.Error == "" && s.Has("util_pct") && s.GPUUtil > 5 {
		c.Verdict = Bad
		c.Detail = fmt.Sprintf("no process listed, yet %d%% utilized right now (a process in another container?)", s.GPUUtil)
		c.Fix = "find and stop the other workload (nvidia-smi on the host)"
		return c
	}
	if why, ok := g.Unavailable["processes"]; ok {
		c.Verdict = Skip
		c.Detail = "unknown: " + why
		return c
	}
	c.Verdict = OK
	c.Detail = "none"
	return c
}

// liveCheck reads throttling and temperature from the GPU's live sample s
// (nil when there is none).
func liveCheck(p, label string, g hw.GPU, s *results.GPUSample) Check {
	c := Check{ID: p + "throttle", Name: label + "throttling now"}
	switch {
	case s == nil:
		c.Verdict = Skip
		c.Detail = "no live telemetry"
		return c
	case s.Error != "":
		c.Verdict = Bad
		c.Detail = "cannot read the GPU: " + s.Error
		c.Fix = "check dmesg for Xid errors; the GPU may need a reset (sudo nvidia-smi -r -i " + fmt.Sprint(g.Index) + ")"
		return c
	case !s.Has("reasons"):
		c.Verdict = Skip
		c.Detail = "clock event reasons not reported"
		return c
	}
	r := s.Reasons & results.ThrottleMask
	if r == 0 {
		c.Verdict = OK
		c.Detail = fmt.Sprintf("none (%d°C, %.0f W, SM %d MHz)", s.TempC, s.PowerW, s.SMClockMHz)
		if g.SlowdownTempC > 0 && s.Has("temp_c") && s.TempC+10 >= g.SlowdownTempC {
			c.Verdict = Warn
			c.Detail = fmt.Sprintf("not yet, but %d°C is within 10°C of the %d°C slowdown threshold", s.TempC, g.SlowdownTempC)
			c.Fix = `let it cool, and use run { gpu_settle = "60s", gpu_settle_temp = 50 } in the suite`
		}
		return c
	}
	c.Verdict = Warn
	c.Detail = "active: " + r.String() + fmt.Sprintf(" (%d°C, %.0f W, SM %d MHz)", s.TempC, s.PowerW, s.SMClockMHz)
	switch {
	case r&(results.ReasonSWThermal|results.ReasonHWThermal) != 0:
		c.Fix = `improve cooling or wait: run { gpu_settle = "60s", gpu_settle_temp = 50 } waits before each block`
	case r&(results.ReasonSWPowerCap|results.ReasonHWPowerBrake) != 0:
		c.Fix = "lock clocks to the base clock (sudo benchy gpu lock-clocks), which the GPU can hold within its power limit"
	default:
		c.Fix = "check cooling, power supply and sync boost settings (nvidia-smi -q -d PERFORMANCE)"
	}
	return c
}

// sampleOf returns the first of samples taken of the GPU with the given
// index, or nil.
func sampleOf(samples []results.GPUSample, index int) *results.GPUSample {
	for i := range samples {
		if samples[i].Index == index {
			return &samples[i]
		}
	}
	return nil
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func orText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func countsText(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s on %d CPUs", k, m[k]))
	}
	return strings.Join(parts, ", ")
}
