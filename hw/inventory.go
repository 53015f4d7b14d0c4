package hw

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"time"
)

// Schema tags the JSON form of an Inventory.
const Schema = "benchy/hw/v1"

// Inventory is the fingerprint of one machine at one moment. It is
// JSON-serialisable and safe to publish: environment variables come from an
// allowlist and anything that looks like a secret is redacted.
type Inventory struct {
	Schema    string    `json:"schema"`
	Collected time.Time `json:"collected"`
	// Benchy is the version of benchy that collected the inventory; the
	// caller fills it in (hw does not know it).
	Benchy    string    `json:"benchy,omitempty"`
	Host      Host      `json:"host"`
	CPU       CPU       `json:"cpu"`
	Memory    Memory    `json:"memory"`
	Toolchain Toolchain `json:"toolchain"`
	// NVML describes the NVIDIA management library, or why it is missing.
	NVML NVML `json:"nvml"`
	// GPUs lists every NVIDIA GPU NVML (or nvidia-smi) reported.
	GPUs []GPU `json:"gpus"`
	// GPUReason says why GPUs is empty; empty when GPUs were found.
	GPUReason string `json:"gpu_reason,omitempty"`
	// Env holds the allowlisted environment variables that change results.
	Env []EnvVar `json:"env,omitempty"`
	// Extra holds facts other packages add (e.g. "onnxruntime").
	Extra map[string]any `json:"extra,omitempty"`
	// Problems lists what could not be read, in words; none is fatal.
	Problems []string `json:"problems,omitempty"`
}

// Host is the operating system and the box around it.
type Host struct {
	Hostname string `json:"hostname,omitempty"`
	OS       string `json:"os"`
	Arch     string `json:"arch"`
	// Distro is PRETTY_NAME from /etc/os-release.
	Distro string `json:"distro,omitempty"`
	Kernel string `json:"kernel,omitempty"`
	// Virtualization names the hypervisor or cloud when one is evident
	// ("KVM", "Amazon EC2", ...); empty on bare metal or when unknown.
	Virtualization string `json:"virtualization,omitempty"`
	// Container names the container runtime when one is evident
	// ("docker", "podman", "kubernetes", ...).
	Container string `json:"container,omitempty"`
	// CgroupCPULimit is the cgroup v2 CPU quota in CPUs (cpu.max), 0 if none.
	CgroupCPULimit float64 `json:"cgroup_cpu_limit,omitempty"`
	// ASLR is kernel.randomize_va_space (0 off, 2 full).
	ASLR string `json:"aslr,omitempty"`
	// LoadAvg1 is the one-minute load average when collected.
	LoadAvg1 float64 `json:"load_avg_1m"`
	// Uptime of the machine.
	UptimeSeconds float64 `json:"uptime_s,omitempty"`
}

// CPU describes the processors and their frequency policy.
type CPU struct {
	Model  string `json:"model,omitempty"`
	Vendor string `json:"vendor,omitempty"`
	// Sockets, Cores (physical) and Threads (logical CPUs online).
	Sockets int `json:"sockets,omitempty"`
	Cores   int `json:"cores,omitempty"`
	Threads int `json:"threads"`
	// Allowed is the CPU list this process may run on (Cpus_allowed_list).
	Allowed string `json:"allowed,omitempty"`
	// Governors maps each cpufreq scaling governor in use to the number of
	// CPUs using it; empty when the kernel exposes no cpufreq.
	Governors map[string]int `json:"governors,omitempty"`
	// ScalingDriver is the cpufreq driver (intel_pstate, amd-pstate-epp, acpi-cpufreq...).
	ScalingDriver string `json:"scaling_driver,omitempty"`
	// MinMHz and MaxMHz are the hardware frequency limits of CPU 0.
	MinMHz float64 `json:"min_mhz,omitempty"`
	MaxMHz float64 `json:"max_mhz,omitempty"`
	// Boost is "on", "off" or "" when unknown (turbo / core performance boost).
	Boost string `json:"boost,omitempty"`
	// SMT is the kernel's smt/control value: on, off, forceoff, notsupported.
	SMT string `json:"smt,omitempty"`
	// Isolated and NohzFull are the CPU lists from isolcpus= and nohz_full=.
	Isolated string `json:"isolated,omitempty"`
	NohzFull string `json:"nohz_full,omitempty"`
	// NUMANodes is the number of online NUMA nodes.
	NUMANodes int `json:"numa_nodes,omitempty"`
	// Unavailable maps a field name to why it could not be read.
	Unavailable map[string]string `json:"unavailable,omitempty"`
}

// Memory is system memory as /proc/meminfo reports it.
type Memory struct {
	TotalBytes     uint64 `json:"total_bytes"`
	AvailableBytes uint64 `json:"available_bytes"`
	SwapTotalBytes uint64 `json:"swap_total_bytes"`
	SwapUsedBytes  uint64 `json:"swap_used_bytes"`
	// TransparentHugePages is the active THP mode (always, madvise, never).
	TransparentHugePages string `json:"transparent_hugepages,omitempty"`
}

// Toolchain is the Go build of the running binary.
type Toolchain struct {
	GoVersion  string `json:"go_version"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	CGO        bool   `json:"cgo"`
	Module     string `json:"module,omitempty"`
	Version    string `json:"version,omitempty"`
	// Revision, RevisionTime and Modified come from the VCS stamp.
	Revision     string `json:"revision,omitempty"`
	RevisionTime string `json:"revision_time,omitempty"`
	Modified     bool   `json:"modified,omitempty"`
}

// NVML describes the NVIDIA management library.
type NVML struct {
	Available bool `json:"available"`
	// Reason says why NVML is not available.
	Reason string `json:"reason,omitempty"`
	// Source is "nvml" or "nvidia-smi" (the fallback).
	Source            string `json:"source,omitempty"`
	DriverVersion     string `json:"driver_version,omitempty"`
	CUDADriverVersion string `json:"cuda_driver_version,omitempty"`
	Version           string `json:"nvml_version,omitempty"`
}

// Clocks is a pair of clock frequencies in MHz.
type Clocks struct {
	SMMHz  uint32 `json:"sm_mhz"`
	MemMHz uint32 `json:"mem_mhz"`
}

// GPU is one NVIDIA GPU.
type GPU struct {
	Index    int    `json:"index"`
	Name     string `json:"name"`
	UUID     string `json:"uuid,omitempty"`
	PCIBusID string `json:"pci_bus_id,omitempty"`
	// Architecture is e.g. "Hopper"; ComputeCapability e.g. "9.0".
	Architecture      string `json:"architecture,omitempty"`
	ComputeCapability string `json:"compute_capability,omitempty"`
	MemoryTotalBytes  uint64 `json:"memory_total_bytes"`
	VBIOS             string `json:"vbios,omitempty"`
	// Persistence, ECC and MIG are nil when unknown (see Unavailable).
	Persistence *bool `json:"persistence,omitempty"`
	ECC         *bool `json:"ecc,omitempty"`
	// ECCPending is the ECC mode after the next reboot when it differs.
	ECCPending *bool         `json:"ecc_pending,omitempty"`
	MIG        *bool         `json:"mig,omitempty"`
	MIGDevices []MIGInstance `json:"mig_devices,omitempty"`
	// Power limits in watts.
	PowerLimitW         float64 `json:"power_limit_w,omitempty"`
	PowerLimitDefaultW  float64 `json:"power_limit_default_w,omitempty"`
	PowerLimitEnforcedW float64 `json:"power_limit_enforced_w,omitempty"`
	// AppClocks, DefaultAppClocks and MaxClocks as NVML reports them.
	AppClocks        *Clocks `json:"app_clocks,omitempty"`
	DefaultAppClocks *Clocks `json:"default_app_clocks,omitempty"`
	MaxClocks        *Clocks `json:"max_clocks,omitempty"`
	// LockedClocks is the lock benchy itself applied (NVML cannot report
	// locks made by other tools); nil when benchy holds no lock.
	LockedClocks *ClockLock `json:"locked_clocks,omitempty"`
	// SlowdownTempC is the temperature at which the GPU starts to slow down.
	SlowdownTempC uint32 `json:"slowdown_temp_c,omitempty"`
	NUMANode      *int   `json:"numa_node,omitempty"`
	PCIeGen       int    `json:"pcie_gen,omitempty"`
	PCIeWidth     int    `json:"pcie_width,omitempty"`
	// Processes are the compute processes running on the GPU when detected.
	Processes []GPUProcess `json:"processes,omitempty"`
	// Unavailable maps a field name to why NVML could not read it.
	Unavailable map[string]string `json:"unavailable,omitempty"`
}

// MIGInstance is one MIG device of a GPU in MIG mode.
type MIGInstance struct {
	Index            int    `json:"index"`
	UUID             string `json:"uuid,omitempty"`
	MemoryTotalBytes uint64 `json:"memory_total_bytes,omitempty"`
}

// GPUProcess is a process using a GPU.
type GPUProcess struct {
	PID             uint32 `json:"pid"`
	Name            string `json:"name,omitempty"`
	UsedMemoryBytes uint64 `json:"used_memory_bytes,omitempty"`
}

// Detect collects the inventory of this machine. It never fails: whatever
// could not be read is recorded, with the reason, in the inventory. The
// context bounds the nvidia-smi fallback.
func Detect(ctx context.Context) *Inventory {
	inv := detectHost(ctx, defaultHostFS(), os.Getenv, os.Environ())
	detectGPUs(ctx, inv)
	return inv
}

// detectHost fills everything but the GPUs, reading the file system through
// fsys and the environment through env and environ.
func detectHost(_ context.Context, fsys hostFS, getenv func(string) string, environ []string) *Inventory {
	inv := &Inventory{
		Schema:    Schema,
		Collected: time.Now().UTC(),
		GPUs:      []GPU{},
	}
	inv.Host = readHost(fsys, getenv, &inv.Problems)
	inv.CPU = readCPU(fsys)
	inv.Memory = readMemory(fsys, &inv.Problems)
	inv.Toolchain = readToolchain()
	inv.Env = allowedEnv(environ)
	return inv
}

// noGPU records that there is no usable GPU and why.
func (inv *Inventory) noGPU(reason string) {
	inv.GPUs = []GPU{}
	inv.GPUReason = "no NVIDIA GPU detected (" + reason + ")"
}

// summary returns the one-line summary of a GPU, e.g.
// "NVIDIA H100 80GB HBM3 (sm_90, 80 GiB, driver 550.54.15)".
func (g GPU) summary(driver string) string {
	s := g.Name
	var parts []string
	if cc := smName(g.ComputeCapability); cc != "" {
		parts = append(parts, cc)
	}
	if g.MemoryTotalBytes > 0 {
		parts = append(parts, FormatBytes(g.MemoryTotalBytes))
	}
	if driver != "" {
		parts = append(parts, "driver "+driver)
	}
	if g.MIG != nil && *g.MIG {
		parts = append(parts, fmt.Sprintf("MIG, %d instances", len(g.MIGDevices)))
	}
	if len(parts) > 0 {
		s += " (" + joinComma(parts) + ")"
	}
	return s
}

// GPUSummaries returns one line per GPU, e.g.
// "NVIDIA H100 80GB HBM3 (sm_90, 80 GiB, driver 550.54.15)"; none without a GPU.
func (inv *Inventory) GPUSummaries() []string {
	if inv == nil {
		return nil
	}
	out := make([]string, 0, len(inv.GPUs))
	for _, g := range inv.GPUs {
		out = append(out, g.summary(inv.NVML.DriverVersion))
	}
	return out
}

// smName turns "9.0" into "sm_90".
func smName(cc string) string {
	c, err := parseCapability(cc)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("sm_%d%d", c.major, c.minor)
}

func joinComma(parts []string) string {
	s := ""
	for i, p := range parts {
		if i > 0 {
			s += ", "
		}
		s += p
	}
	return s
}

// FormatBytes renders a byte count in binary units: "80 GiB", "1.5 MiB".
func FormatBytes(b uint64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB"}
	v := float64(b)
	i := 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	if v == float64(uint64(v)) {
		return fmt.Sprintf("%d %s", uint64(v), units[i])
	}
	return fmt.Sprintf("%.1f %s", v, units[i])
}

// runtimeCGO is set by a cgo-only file; it says whether this build has cgo.
var runtimeCGO = false

func readToolchain() Toolchain {
	t := Toolchain{
		GoVersion:  runtime.Version(),
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		CGO:        runtimeCGO,
	}
	fillBuildInfo(&t)
	return t
}
