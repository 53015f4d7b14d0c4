//go:build cgo

package hw

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/NVIDIA/go-nvml/pkg/nvml"

	"github.com/benchy-dev/benchy/results"
)

func init() { runtimeCGO = true }

// errNotImplemented stands for a call the NVML implementation lacks (a
// mock machine without that function, or an old driver).
const errNotImplemented = nvml.ERROR_FUNCTION_NOT_FOUND

// call runs one NVML getter, turning a panic (a mock without that function)
// into ERROR_FUNCTION_NOT_FOUND so that one gap never sinks the inventory.
func call[T any](f func() (T, nvml.Return)) (v T, ret nvml.Return) {
	defer func() {
		if recover() != nil {
			ret = errNotImplemented
		}
	}()
	return f()
}

// call2 is call for getters that return two values.
func call2[A, B any](f func() (A, B, nvml.Return)) (a A, b B, ret nvml.Return) {
	defer func() {
		if recover() != nil {
			ret = errNotImplemented
		}
	}()
	return f()
}

// call0 is call for functions that return only a status.
func call0(f func() nvml.Return) (ret nvml.Return) {
	defer func() {
		if recover() != nil {
			ret = errNotImplemented
		}
	}()
	return f()
}

// symbolChecker returns a test for whether the loaded NVML exports a symbol.
// go-nvml calls entry points directly, and the library is opened with lazy
// binding, so calling one an older driver lacks would abort the process;
// benchy checks the few it uses that are recent. Where the check itself is
// unavailable (a mock without extensions), every symbol counts as present.
func symbolChecker(lib nvml.Interface) func(string) bool {
	ext, ret := call(func() (nvml.ExtendedInterface, nvml.Return) { return lib.Extensions(), nvml.SUCCESS })
	if ret != nvml.SUCCESS || ext == nil {
		return func(string) bool { return true }
	}
	return func(sym string) (ok bool) {
		defer func() {
			if recover() != nil {
				ok = true
			}
		}()
		return ext.LookupSymbol(sym) == nil
	}
}

// Recent NVML entry points, checked before use.
const (
	symEventReasons = "nvmlDeviceGetCurrentClocksEventReasons" // R535
	symNumaNode     = "nvmlDeviceGetNumaNodeId"                // R535
	symArchitecture = "nvmlDeviceGetArchitecture"              // R450
	symMigMode      = "nvmlDeviceGetMigMode"                   // R450
)

// nvmlWords says what an NVML status means, in words.
func nvmlWords(r nvml.Return) string {
	switch r {
	case nvml.SUCCESS:
		return "success"
	case nvml.ERROR_LIBRARY_NOT_FOUND:
		return "library not found"
	case nvml.ERROR_DRIVER_NOT_LOADED:
		return "NVIDIA driver not loaded"
	case nvml.ERROR_NO_PERMISSION:
		return "no permission"
	case nvml.ERROR_NOT_SUPPORTED:
		return "not supported"
	case nvml.ERROR_FUNCTION_NOT_FOUND:
		return "not implemented by this NVML"
	case nvml.ERROR_GPU_IS_LOST:
		return "GPU is lost (fell off the bus)"
	case nvml.ERROR_LIB_RM_VERSION_MISMATCH:
		return "driver/library version mismatch (reload the driver or reboot)"
	case nvml.ERROR_UNINITIALIZED:
		return "NVML not initialized"
	case nvml.ERROR_RESET_REQUIRED:
		return "GPU reset required"
	case nvml.ERROR_INSUFFICIENT_POWER:
		return "insufficient power"
	case nvml.ERROR_TIMEOUT:
		return "timeout"
	case nvml.ERROR_INVALID_ARGUMENT:
		return "invalid argument"
	case nvml.ERROR_NOT_FOUND:
		return "not found"
	case nvml.ERROR_IN_USE:
		return "in use"
	case nvml.ERROR_NO_DATA:
		return "no data"
	case nvml.ERROR_UNKNOWN:
		return "unknown error"
	}
	return strings.ToLower(strings.TrimPrefix(r.Error(), "ERROR_"))
}

// nvmlError wraps a status as an error with context.
type nvmlError struct {
	op  string
	ret nvml.Return
}

func (e *nvmlError) Error() string { return "NVML " + e.op + ": " + nvmlWords(e.ret) }

// deviceGone reports whether a status means the GPU (or NVML) is unusable
// as a whole, rather than one value being unsupported.
func deviceGone(r nvml.Return) bool {
	switch r {
	case nvml.ERROR_GPU_IS_LOST, nvml.ERROR_UNINITIALIZED, nvml.ERROR_DRIVER_NOT_LOADED,
		nvml.ERROR_RESET_REQUIRED, nvml.ERROR_LIB_RM_VERSION_MISMATCH:
		return true
	}
	return false
}

// detectGPUs fills the GPU part of inv from the system NVML, falling back to
// nvidia-smi when NVML cannot be used.
func detectGPUs(ctx context.Context, inv *Inventory) {
	fillNVML(nvml.New(), inv)
	if !inv.NVML.Available {
		trySMI(ctx, inv)
	}
	attachLocks(inv)
}

// DetectWith collects the inventory with GPU facts from lib (the system
// NVML, or one of go-nvml's mock machines). Like Detect it never fails.
func DetectWith(lib nvml.Interface) *Inventory {
	inv := detectHost(context.Background(), defaultHostFS(), os.Getenv, os.Environ())
	fillNVML(lib, inv)
	attachLocks(inv)
	return inv
}

// fillNVML initialises lib, reads every device and shuts lib down.
func fillNVML(lib nvml.Interface, inv *Inventory) {
	inv.NVML = NVML{Source: "nvml"}
	if ret := call0(lib.Init); ret != nvml.SUCCESS {
		inv.NVML.Reason = "NVML: " + nvmlWords(ret)
		inv.noGPU(inv.NVML.Reason)
		return
	}
	defer call0(lib.Shutdown)
	inv.NVML.Available = true
	if v, ret := call(lib.SystemGetDriverVersion); ret == nvml.SUCCESS {
		inv.NVML.DriverVersion = v
	}
	if v, ret := call(lib.SystemGetNVMLVersion); ret == nvml.SUCCESS {
		inv.NVML.Version = v
	}
	if v, ret := call(lib.SystemGetCudaDriverVersion); ret == nvml.SUCCESS && v > 0 {
		inv.NVML.CUDADriverVersion = fmt.Sprintf("%d.%d", v/1000, (v%1000)/10)
	}
	n, ret := call(lib.DeviceGetCount)
	if ret != nvml.SUCCESS {
		inv.noGPU("NVML device count: " + nvmlWords(ret))
		return
	}
	if n == 0 {
		inv.noGPU("NVML found no devices")
		return
	}
	has := symbolChecker(lib)
	for i := 0; i < n; i++ {
		dev, ret := call(func() (nvml.Device, nvml.Return) { return lib.DeviceGetHandleByIndex(i) })
		if ret != nvml.SUCCESS {
			inv.Problems = append(inv.Problems, fmt.Sprintf("GPU %d: %s", i, nvmlWords(ret)))
			continue
		}
		inv.GPUs = append(inv.GPUs, readGPU(dev, i, has))
	}
	if len(inv.GPUs) == 0 {
		inv.noGPU(fmt.Sprintf("NVML found %d devices but none could be read", n))
	}
}

// gpuReader reads the fields of one GPU, noting why each missing one is.
type gpuReader struct {
	g *GPU
}

func (r gpuReader) miss(field string, ret nvml.Return) {
	r.g.Unavailable = orInit(r.g.Unavailable)
	r.g.Unavailable[field] = nvmlWords(ret)
}

// readField reads one field with get and stores it with set, or notes why
// it is missing.
func readField[T any](r gpuReader, field string, get func() (T, nvml.Return), set func(T)) {
	if v, ret := call(get); ret == nvml.SUCCESS {
		set(v)
	} else {
		r.miss(field, ret)
	}
}

func orInit(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

var archNames = map[nvml.DeviceArchitecture]string{
	nvml.DEVICE_ARCH_KEPLER:    "Kepler",
	nvml.DEVICE_ARCH_MAXWELL:   "Maxwell",
	nvml.DEVICE_ARCH_PASCAL:    "Pascal",
	nvml.DEVICE_ARCH_VOLTA:     "Volta",
	nvml.DEVICE_ARCH_TURING:    "Turing",
	nvml.DEVICE_ARCH_AMPERE:    "Ampere",
	nvml.DEVICE_ARCH_ADA:       "Ada Lovelace",
	nvml.DEVICE_ARCH_HOPPER:    "Hopper",
	nvml.DEVICE_ARCH_BLACKWELL: "Blackwell",
	nvml.DEVICE_ARCH_RUBIN:     "Rubin",
}

func cString(b []int8) string {
	out := make([]byte, 0, len(b))
	for _, c := range b {
		if c == 0 {
			break
		}
		out = append(out, byte(c))
	}
	return string(out)
}

func enabled(s nvml.EnableState) *bool {
	b := s == nvml.FEATURE_ENABLED
	return &b
}

// readGPU reads the static facts of one device.
func readGPU(dev nvml.Device, index int, has func(string) bool) GPU {
	g := GPU{Index: index}
	r := gpuReader{&g}
	readField(r, "name", dev.GetName, func(v string) { g.Name = v })
	readField(r, "uuid", dev.GetUUID, func(v string) { g.UUID = v })
	if v, ret := call(dev.GetPciInfo); ret != nvml.SUCCESS {
		r.miss("pci_bus_id", ret)
	} else if g.PCIBusID = cString(v.BusId[:]); g.PCIBusID == "" {
		r.g.Unavailable = orInit(r.g.Unavailable)
		r.g.Unavailable["pci_bus_id"] = "NVML returned an empty bus id"
	}
	if !has(symArchitecture) {
		r.miss("architecture", errNotImplemented)
	} else if v, ret := call(dev.GetArchitecture); ret == nvml.SUCCESS {
		if name, ok := archNames[v]; ok {
			g.Architecture = name
		} else {
			g.Architecture = fmt.Sprintf("unknown (%d)", v)
		}
	} else {
		r.miss("architecture", ret)
	}
	if maj, mn, ret := call2(dev.GetCudaComputeCapability); ret == nvml.SUCCESS {
		g.ComputeCapability = fmt.Sprintf("%d.%d", maj, mn)
	} else {
		r.miss("compute_capability", ret)
	}
	readField(r, "memory_total_bytes", dev.GetMemoryInfo, func(v nvml.Memory) { g.MemoryTotalBytes = v.Total })
	readField(r, "vbios", dev.GetVbiosVersion, func(v string) { g.VBIOS = v })
	readField(r, "persistence", dev.GetPersistenceMode, func(v nvml.EnableState) { g.Persistence = enabled(v) })
	if cur, pend, ret := call2(dev.GetEccMode); ret == nvml.SUCCESS {
		g.ECC = enabled(cur)
		if pend != cur {
			g.ECCPending = enabled(pend)
		}
	} else {
		r.miss("ecc", ret)
	}
	if has(symMigMode) {
		readMIG(dev, r)
	} else {
		r.miss("mig", errNotImplemented)
	}
	readField(r, "power_limit_w", dev.GetPowerManagementLimit, func(v uint32) { g.PowerLimitW = float64(v) / 1000 })
	readField(r, "power_limit_default_w", dev.GetPowerManagementDefaultLimit, func(v uint32) { g.PowerLimitDefaultW = float64(v) / 1000 })
	readField(r, "power_limit_enforced_w", dev.GetEnforcedPowerLimit, func(v uint32) { g.PowerLimitEnforcedW = float64(v) / 1000 })
	g.AppClocks = readClocks(r, "app_clocks", dev.GetApplicationsClock)
	g.DefaultAppClocks = readClocks(r, "default_app_clocks", dev.GetDefaultApplicationsClock)
	g.MaxClocks = readClocks(r, "max_clocks", dev.GetMaxClockInfo)
	if v, ret := call(func() (uint32, nvml.Return) {
		return dev.GetTemperatureThreshold(nvml.TEMPERATURE_THRESHOLD_SLOWDOWN)
	}); ret == nvml.SUCCESS {
		g.SlowdownTempC = v
	} else {
		r.miss("slowdown_temp_c", ret)
	}
	if has(symNumaNode) {
		if v, ret := call(dev.GetNumaNodeId); ret == nvml.SUCCESS && v >= 0 {
			g.NUMANode = &v
		}
	}
	if v, ret := call(dev.GetCurrPcieLinkGeneration); ret == nvml.SUCCESS {
		g.PCIeGen = v
	}
	if v, ret := call(dev.GetCurrPcieLinkWidth); ret == nvml.SUCCESS {
		g.PCIeWidth = v
	}
	g.Processes = readProcesses(dev, r)
	return g
}

func readClocks(r gpuReader, field string, get func(nvml.ClockType) (uint32, nvml.Return)) *Clocks {
	sm, ret := call(func() (uint32, nvml.Return) { return get(nvml.CLOCK_SM) })
	if ret != nvml.SUCCESS {
		r.miss(field, ret)
		return nil
	}
	mem, ret := call(func() (uint32, nvml.Return) { return get(nvml.CLOCK_MEM) })
	if ret != nvml.SUCCESS {
		r.miss(field, ret)
		return nil
	}
	return &Clocks{SMMHz: sm, MemMHz: mem}
}

func readMIG(dev nvml.Device, r gpuReader) {
	cur, _, ret := call2(dev.GetMigMode)
	if ret != nvml.SUCCESS {
		r.miss("mig", ret)
		return
	}
	on := cur == nvml.DEVICE_MIG_ENABLE
	r.g.MIG = &on
	if !on {
		return
	}
	n, ret := call(dev.GetMaxMigDeviceCount)
	if ret != nvml.SUCCESS {
		r.miss("mig_devices", ret)
		return
	}
	for i := 0; i < n; i++ {
		m, ret := call(func() (nvml.Device, nvml.Return) { return dev.GetMigDeviceHandleByIndex(i) })
		if ret != nvml.SUCCESS {
			continue // an empty slot
		}
		inst := MIGInstance{Index: i}
		if v, ret := call(m.GetUUID); ret == nvml.SUCCESS {
			inst.UUID = v
		}
		if v, ret := call(m.GetMemoryInfo); ret == nvml.SUCCESS {
			inst.MemoryTotalBytes = v.Total
		}
		r.g.MIGDevices = append(r.g.MIGDevices, inst)
	}
}

// readProcesses lists compute and graphics processes on the GPU.
func readProcesses(dev nvml.Device, r gpuReader) []GPUProcess {
	seen := map[uint32]bool{}
	var out []GPUProcess
	var firstErr nvml.Return = nvml.SUCCESS
	for _, get := range []func() ([]nvml.ProcessInfo, nvml.Return){dev.GetComputeRunningProcesses, dev.GetGraphicsRunningProcesses} {
		ps, ret := call(get)
		if ret != nvml.SUCCESS {
			if firstErr == nvml.SUCCESS {
				firstErr = ret
			}
			continue
		}
		for _, p := range ps {
			if seen[p.Pid] {
				continue
			}
			seen[p.Pid] = true
			out = append(out, GPUProcess{PID: p.Pid, Name: processName(p.Pid), UsedMemoryBytes: p.UsedGpuMemory})
		}
	}
	if firstErr != nvml.SUCCESS && out == nil {
		r.miss("processes", firstErr)
	}
	return out
}

// processName reads /proc/PID/comm; "" when not visible (another PID namespace).
func processName(pid uint32) string {
	b, err := os.ReadFile("/proc/" + strconv.FormatUint(uint64(pid), 10) + "/comm")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// nvmlSampler reads the live state of one device.
type nvmlSampler struct {
	index int
	dev   nvml.Device
	// legacyReasons is set when NVML predates GetCurrentClocksEventReasons
	// (R535); the older GetCurrentClocksThrottleReasons returns the same mask.
	legacyReasons bool
}

var _ sampler = (*nvmlSampler)(nil)

func (d *nvmlSampler) sample() results.GPUSample {
	s := results.GPUSample{Index: d.index, At: time.Now()}
	// read records a value or, when the GPU is gone, stops the sample.
	gone := false
	read := func(field string, ret nvml.Return) bool {
		if gone {
			return false
		}
		if ret == nvml.SUCCESS {
			return true
		}
		if deviceGone(ret) {
			gone = true
			s.Error = nvmlWords(ret)
			s.Missing = nil
			return false
		}
		s.Missing = append(s.Missing, field)
		return false
	}
	if v, ret := call(func() (uint32, nvml.Return) { return d.dev.GetTemperature(nvml.TEMPERATURE_GPU) }); read("temp_c", ret) {
		s.TempC = v
	}
	if v, ret := call(func() (uint32, nvml.Return) { return d.dev.GetClockInfo(nvml.CLOCK_SM) }); read("sm_mhz", ret) {
		s.SMClockMHz = v
	}
	if v, ret := call(func() (uint32, nvml.Return) { return d.dev.GetClockInfo(nvml.CLOCK_MEM) }); read("mem_mhz", ret) {
		s.MemClockMHz = v
	}
	if v, ret := call(d.dev.GetPowerUsage); read("power_w", ret) {
		s.PowerW = float64(v) / 1000
	}
	if v, ret := call(d.dev.GetTotalEnergyConsumption); read("energy_mj", ret) {
		s.EnergyMJ = v
	}
	if v, ret := call(d.dev.GetFanSpeed); read("fan_pct", ret) {
		s.FanPercent = v
	}
	if v, ret := call(d.dev.GetUtilizationRates); read("util_pct", ret) {
		s.GPUUtil, s.MemUtil = v.Gpu, v.Memory
	} else if !gone {
		s.Missing = append(s.Missing, "mem_util_pct")
	}
	if v, ret := call(d.dev.GetMemoryInfo); read("mem_used_bytes", ret) {
		s.MemUsedBytes = v.Used
	}
	if v, ret := call(d.dev.GetPerformanceState); read("pstate", ret) {
		s.PState = int(v)
	}
	get := d.dev.GetCurrentClocksEventReasons
	if d.legacyReasons {
		get = d.dev.GetCurrentClocksThrottleReasons
	}
	v, ret := call(get)
	if ret == errNotImplemented && !d.legacyReasons {
		d.legacyReasons = true
		v, ret = call(d.dev.GetCurrentClocksThrottleReasons)
	}
	if read("reasons", ret) {
		s.Reasons = results.ThrottleReason(v)
	}
	if v, ret := call(func() (nvml.ViolationTime, nvml.Return) { return d.dev.GetViolationStatus(nvml.PERF_POLICY_POWER) }); read("power_violation_ns", ret) {
		s.PowerViolationNS = v.ViolationTime
	}
	if v, ret := call(func() (nvml.ViolationTime, nvml.Return) { return d.dev.GetViolationStatus(nvml.PERF_POLICY_THERMAL) }); read("thermal_violation_ns", ret) {
		s.ThermalViolationNS = v.ViolationTime
	}
	return s
}

// clockLimitTDP is NVML_CLOCK_LIMIT_ID_TDP (0xffffff01) as
// nvmlDeviceSetGpuLockedClocks takes it: "lock to the base (TDP) clock".
// go-nvml declares the enum as a signed -255.
const clockLimitTDP = uint32(int64(nvml.CLOCK_LIMIT_ID_TDP) & 0xffffffff)

// NewTelemetry initialises lib and prepares to sample every GPU it lists.
// It fails, wrapping ErrNoGPU with the reason, when NVML cannot start or
// finds no GPU. Close releases lib.
func NewTelemetry(lib nvml.Interface) (*Telemetry, error) {
	if ret := call0(lib.Init); ret != nvml.SUCCESS {
		return nil, fmt.Errorf("%w (NVML: %s)", ErrNoGPU, nvmlWords(ret))
	}
	n, ret := call(lib.DeviceGetCount)
	if ret != nvml.SUCCESS || n == 0 {
		call0(lib.Shutdown)
		if ret != nvml.SUCCESS {
			return nil, fmt.Errorf("%w (NVML device count: %s)", ErrNoGPU, nvmlWords(ret))
		}
		return nil, fmt.Errorf("%w (NVML found no devices)", ErrNoGPU)
	}
	t := &Telemetry{shutdown: func() error {
		if ret := call0(lib.Shutdown); ret != nvml.SUCCESS {
			return &nvmlError{"shutdown", ret}
		}
		return nil
	}}
	legacy := !symbolChecker(lib)(symEventReasons)
	for i := 0; i < n; i++ {
		dev, ret := call(func() (nvml.Device, nvml.Return) { return lib.DeviceGetHandleByIndex(i) })
		if ret != nvml.SUCCESS {
			t.devs = append(t.devs, brokenSampler{index: i, err: nvmlWords(ret)})
			continue
		}
		t.devs = append(t.devs, &nvmlSampler{index: i, dev: dev, legacyReasons: legacy})
	}
	return t, nil
}

func openTelemetry() (*Telemetry, error) { return NewTelemetry(nvml.New()) }

// brokenSampler stands for a GPU whose handle could not be obtained.
type brokenSampler struct {
	index int
	err   string
}

func (b brokenSampler) sample() results.GPUSample {
	return results.GPUSample{Index: b.index, At: time.Now(), Error: b.err}
}

func lockClocks(spec ClockSpec, indices []int) (*Locked, error) {
	return LockClocksWith(nvml.New(), spec, indices...)
}

func unlockClocks(indices []int) ([]string, error) {
	return unlockClocksWith(nvml.New(), indices...)
}

// openDevices initialises NVML and picks the GPUs by index (all of them
// for none), for a clock lock or unlock; the caller shuts NVML down after
// a nil error. A failed Init is ErrNoGPU with NVML's words.
func openDevices(lib nvml.Interface, indices []int) (map[int]nvml.Device, error) {
	if ret := call0(lib.Init); ret != nvml.SUCCESS {
		return nil, fmt.Errorf("%w (NVML: %s)", ErrNoGPU, nvmlWords(ret))
	}
	devs, err := pickDevices(lib, indices)
	if err != nil {
		call0(lib.Shutdown)
		return nil, err
	}
	return devs, nil
}

// pickDevices resolves indices (all when none) to handles.
func pickDevices(lib nvml.Interface, indices []int) (map[int]nvml.Device, error) {
	n, ret := call(lib.DeviceGetCount)
	if ret != nvml.SUCCESS {
		return nil, &nvmlError{"device count", ret}
	}
	if n == 0 {
		return nil, fmt.Errorf("%w (NVML found no devices)", ErrNoGPU)
	}
	if len(indices) == 0 {
		for i := 0; i < n; i++ {
			indices = append(indices, i)
		}
	}
	out := map[int]nvml.Device{}
	for _, i := range indices {
		if i < 0 || i >= n {
			return nil, fmt.Errorf("%w: GPU %d does not exist (this machine has %d)", ErrNoSuchGPU, i, n)
		}
		dev, ret := call(func() (nvml.Device, nvml.Return) { return lib.DeviceGetHandleByIndex(i) })
		if ret != nvml.SUCCESS {
			return nil, fmt.Errorf("GPU %d: %w", i, &nvmlError{"device handle", ret})
		}
		out[i] = dev
	}
	return out, nil
}

// permissionHint adds the fix to a permission error.
func permissionHint(err error) error {
	var ne *nvmlError
	if errors.As(err, &ne) && ne.ret == nvml.ERROR_NO_PERMISSION {
		return fmt.Errorf("%w: changing GPU clocks needs root (try sudo)", err)
	}
	return err
}

// LockClocksWith is LockClocks over lib (a mock machine in tests).
func LockClocksWith(lib nvml.Interface, spec ClockSpec, indices ...int) (*Locked, error) {
	devs, err := openDevices(lib, indices)
	if err != nil {
		return nil, err
	}
	defer call0(lib.Shutdown)
	held := &Locked{undo: func(locks []ClockLock) error {
		if ret := call0(lib.Init); ret != nvml.SUCCESS {
			return fmt.Errorf("restoring GPU clocks: %w", &nvmlError{"init", ret})
		}
		defer call0(lib.Shutdown)
		_, err := undoLocks(lib, locks)
		return err
	}}
	fail := func(err error) (*Locked, error) {
		if _, uerr := undoLocks(lib, held.locks); uerr != nil {
			err = fmt.Errorf("%w (and undoing the partial lock failed: %v)", err, uerr)
		}
		return nil, permissionHint(err)
	}
	for _, i := range sortedKeys(devs) {
		dev := devs[i]
		lock := ClockLock{Index: i, Spec: spec, Since: time.Now().UTC()}
		if v, ret := call(dev.GetUUID); ret == nvml.SUCCESS {
			lock.UUID = v
		} else {
			return fail(fmt.Errorf("GPU %d: %w", i, &nvmlError{"uuid", ret}))
		}
		switch spec.Mode {
		case "base", "":
			lock.MinMHz, lock.MaxMHz = clockLimitTDP, clockLimitTDP
		case "max":
			v, ret := call(func() (uint32, nvml.Return) { return dev.GetMaxClockInfo(nvml.CLOCK_SM) })
			if ret != nvml.SUCCESS {
				return fail(fmt.Errorf("GPU %d: %w", i, &nvmlError{"max SM clock", ret}))
			}
			lock.MinMHz, lock.MaxMHz = v, v
		case "mhz":
			lock.MinMHz, lock.MaxMHz = spec.MinMHz, spec.MaxMHz
		default:
			return fail(fmt.Errorf("unknown clock mode %q", spec.Mode))
		}
		if pm, ret := call(dev.GetPersistenceMode); ret == nvml.SUCCESS && pm != nvml.FEATURE_ENABLED {
			if ret := call0(func() nvml.Return { return dev.SetPersistenceMode(nvml.FEATURE_ENABLED) }); ret != nvml.SUCCESS {
				return fail(fmt.Errorf("GPU %d: %w", i, &nvmlError{"enable persistence mode", ret}))
			}
			lock.PersistenceWasOff = true
		}
		if ret := call0(func() nvml.Return { return dev.SetGpuLockedClocks(lock.MinMHz, lock.MaxMHz) }); ret != nvml.SUCCESS {
			if lock.PersistenceWasOff {
				call0(func() nvml.Return { return dev.SetPersistenceMode(nvml.FEATURE_DISABLED) })
			}
			return fail(fmt.Errorf("GPU %d: %w", i, &nvmlError{"lock clocks to " + spec.String(), ret}))
		}
		if spec.Mode == "base" || spec.Mode == "" {
			lock.MinMHz, lock.MaxMHz = 0, 0 // the driver resolves TDP itself
		}
		held.locks = append(held.locks, lock)
	}
	old, err := readClockLocks()
	if err != nil {
		old = nil // an unreadable record is replaced
	}
	if err := writeClockLocks(mergeLocks(old, held.locks)); err != nil {
		return fail(err)
	}
	return held, nil
}

// unlockClocksWith is UnlockClocks over lib. It returns a line per GPU
// saying what it did. GPUs benchy did not lock are reset too (a lock made
// with nvidia-smi is undone the same way).
func unlockClocksWith(lib nvml.Interface, indices ...int) ([]string, error) {
	devs, err := openDevices(lib, indices)
	if err != nil {
		return nil, err
	}
	defer call0(lib.Shutdown)
	recorded, rerr := readClockLocks()
	var todo []ClockLock
	for _, i := range sortedKeys(devs) {
		uuid, _ := call(devs[i].GetUUID)
		l := ClockLock{Index: i, UUID: uuid}
		for _, r := range recorded {
			if r.UUID != "" && r.UUID == uuid {
				l = r
				l.Index = i
			}
		}
		todo = append(todo, l)
	}
	done, err := undoLocks(lib, todo)
	return done, errors.Join(rerr, err)
}

// undoLocks resets the clocks of each lock's GPU, turns persistence mode
// off again where benchy turned it on, and removes the locks from the state
// file. lib must be initialised.
func undoLocks(lib nvml.Interface, locks []ClockLock) ([]string, error) {
	var done []string
	var errs []error
	undone := map[string]bool{}
	for _, l := range locks {
		dev, ret := call(func() (nvml.Device, nvml.Return) { return lib.DeviceGetHandleByUUID(l.UUID) })
		if ret != nvml.SUCCESS {
			dev, ret = call(func() (nvml.Device, nvml.Return) { return lib.DeviceGetHandleByIndex(l.Index) })
		}
		if ret != nvml.SUCCESS {
			errs = append(errs, fmt.Errorf("GPU %d: %w", l.Index, &nvmlError{"device handle", ret}))
			continue
		}
		if ret := call0(dev.ResetGpuLockedClocks); ret != nvml.SUCCESS {
			errs = append(errs, permissionHint(fmt.Errorf("GPU %d: %w", l.Index, &nvmlError{"reset locked clocks", ret})))
			continue
		}
		msg := fmt.Sprintf("GPU %d: clocks unlocked", l.Index)
		if l.PersistenceWasOff {
			if ret := call0(func() nvml.Return { return dev.SetPersistenceMode(nvml.FEATURE_DISABLED) }); ret != nvml.SUCCESS {
				errs = append(errs, permissionHint(fmt.Errorf("GPU %d: %w", l.Index, &nvmlError{"restore persistence mode", ret})))
			} else {
				msg += ", persistence mode off again"
			}
		}
		undone[l.UUID] = true
		done = append(done, msg)
	}
	recorded, err := readClockLocks()
	if err != nil {
		return done, errors.Join(append(errs, err)...)
	}
	var keep []ClockLock
	for _, r := range recorded {
		if !undone[r.UUID] {
			keep = append(keep, r)
		}
	}
	if len(keep) != len(recorded) {
		if err := writeClockLocks(keep); err != nil {
			errs = append(errs, err)
		}
	}
	return done, errors.Join(errs...)
}

func sortedKeys(m map[int]nvml.Device) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
