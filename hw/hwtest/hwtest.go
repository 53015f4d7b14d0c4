//go:build cgo

// Package hwtest brings go-nvml's mock DGX machines to life for tests: each
// GPU gets clocks, temperature, power, an energy counter, throttle reasons,
// processes and clock locks that a test sets and advances, plus injectable
// faults (an NVML call that starts failing, a GPU that falls off the bus).
// The machines implement nvml.Interface, so they plug into hw.DetectWith,
// hw.NewTelemetry and hw.LockClocksWith.
//
// The stock mocks (dgxa100, dgxh100, dgxh200) answer only identity calls
// (name, UUID, memory, architecture, MIG); calling anything else panics.
// hwtest fills in the rest with plausible values for the model.
package hwtest

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/dgxa100"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/dgxh100"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/dgxh200"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/server"
)

// State is one simulated GPU's live state. Power is in milliwatts, energy
// in millijoules, clocks in MHz, as NVML reports them.
type State struct {
	SMClockMHz, MemClockMHz uint32
	TempC                   uint32
	PowerMW                 uint32
	GPUUtil, MemUtil        uint32
	MemUsedBytes            uint64
	PState                  nvml.Pstates
	// Reasons is the clock event reason bitmask (nvmlClocksEventReason*).
	Reasons            uint64
	EnergyMJ           uint64
	PowerViolationNS   uint64
	ThermalViolationNS uint64
	Persistence        bool
	ECC, ECCPending    bool
	PowerLimitMW       uint32
	DefaultPowerMW     uint32
	// LockedMin and LockedMax are the SetGpuLockedClocks arguments; 0 when
	// unlocked.
	LockedMin, LockedMax uint32
	Processes            []nvml.ProcessInfo
}

// Spec holds the fixed properties of a simulated model.
type Spec struct {
	MaxSMMHz, MaxMemMHz   uint32
	BaseSMMHz             uint32
	IdlePowerMW, TDPMW    uint32
	SlowdownTempC, IdleTC uint32
	VBIOS                 string
}

// specs by model family (a substring of the name); unknown models get
// H100-like values.
var specs = map[string]Spec{
	"A100": {MaxSMMHz: 1410, MaxMemMHz: 1215, BaseSMMHz: 1095, IdlePowerMW: 55000, TDPMW: 400000, SlowdownTempC: 88, IdleTC: 30, VBIOS: "92.00.45.00.05"},
	"H100": {MaxSMMHz: 1980, MaxMemMHz: 2619, BaseSMMHz: 1590, IdlePowerMW: 70000, TDPMW: 700000, SlowdownTempC: 87, IdleTC: 32, VBIOS: "96.00.74.00.0D"},
	"H200": {MaxSMMHz: 1980, MaxMemMHz: 3201, BaseSMMHz: 1590, IdlePowerMW: 75000, TDPMW: 700000, SlowdownTempC: 87, IdleTC: 31, VBIOS: "96.00.A5.00.01"},
}

func specFor(name string) Spec {
	for family, s := range specs {
		if strings.Contains(name, family) {
			return s
		}
	}
	return specs["H100"]
}

// Machine is a mock DGX whose GPUs have live state.
type Machine struct {
	*server.Server
	GPUs []*GPU

	mu       sync.Mutex
	initFail nvml.Return
}

// GPU is one simulated GPU.
type GPU struct {
	Spec Spec
	dev  *server.Device

	mu       sync.Mutex
	state    State
	faults   map[string]nvml.Return
	lost     bool
	coolStep uint32
	coolTo   uint32
}

// DGXA100 returns an 8×A100 machine.
func DGXA100() *Machine { return New(dgxa100.New()) }

// DGXH100 returns an 8×H100 machine.
func DGXH100() *Machine { return New(dgxh100.New()) }

// DGXH200 returns an 8×H200 machine.
func DGXH200() *Machine { return New(dgxh200.New()) }

// New brings every device of s to life. Fans report NOT_SUPPORTED, as on
// SXM boards; the GPUs start idle, cool, persistence on, ECC on, unlocked.
func New(s *server.Server) *Machine {
	m := &Machine{Server: s, initFail: nvml.SUCCESS}
	for i, d := range s.Devices {
		dev := d.(*server.Device)
		spec := specFor(dev.Config.Name)
		g := &GPU{Spec: spec, dev: dev, faults: map[string]nvml.Return{"GetFanSpeed": nvml.ERROR_NOT_SUPPORTED}}
		g.state = State{
			SMClockMHz: 345, MemClockMHz: spec.MaxMemMHz, TempC: spec.IdleTC,
			PowerMW: spec.IdlePowerMW, PState: nvml.PSTATE_0,
			Reasons: uint64(nvml.ClocksEventReasonGpuIdle), EnergyMJ: 1_000_000_000 + uint64(i)*7919,
			Persistence: true, ECC: true, ECCPending: true,
			PowerLimitMW: spec.TDPMW, DefaultPowerMW: spec.TDPMW,
		}
		g.install(i)
		m.GPUs = append(m.GPUs, g)
	}
	init := s.InitFunc
	s.InitFunc = func() nvml.Return {
		m.mu.Lock()
		r := m.initFail
		m.mu.Unlock()
		if r != nvml.SUCCESS {
			return r
		}
		return init()
	}
	return m
}

// FailInit makes Init return r (SUCCESS clears it), as a machine without a
// driver would.
func (m *Machine) FailInit(r nvml.Return) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.initFail = r
}

// Set changes the GPU's state.
func (g *GPU) Set(f func(*State)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	f(&g.state)
}

// State returns a copy of the GPU's state.
func (g *GPU) State() State {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.state
}

// Fail makes the named nvml.Device method (e.g. "GetPowerUsage") return r
// from now on; r == nvml.SUCCESS heals it.
func (g *GPU) Fail(method string, r nvml.Return) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if r == nvml.SUCCESS {
		delete(g.faults, method)
		return
	}
	g.faults[method] = r
}

// Lose makes the GPU fall off the bus: every call returns ERROR_GPU_IS_LOST.
func (g *GPU) Lose() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.lost = true
}

// Run simulates d of work at the given power (milliwatts) and SM clock:
// the energy counter advances by power×d and the GPU is busy.
func (g *GPU) Run(d time.Duration, powerMW, smMHz uint32) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.state.PowerMW = powerMW
	g.state.SMClockMHz = smMHz
	g.state.GPUUtil = 100
	g.state.Reasons &^= uint64(nvml.ClocksEventReasonGpuIdle)
	g.state.EnergyMJ += uint64(powerMW) * uint64(d.Milliseconds()) / 1000
}

// Cool makes every temperature reading drop by step °C until it reaches to.
func (g *GPU) Cool(step, to uint32) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.coolStep, g.coolTo = step, to
}

// check returns the fault for method, if any; the caller holds g.mu.
func (g *GPU) check(method string) nvml.Return {
	if g.lost {
		return nvml.ERROR_GPU_IS_LOST
	}
	if r, ok := g.faults[method]; ok {
		return r
	}
	return nvml.SUCCESS
}

// get wraps a state read with the fault check.
func get[T any](g *GPU, method string, f func(*State) T) (T, nvml.Return) {
	g.mu.Lock()
	defer g.mu.Unlock()
	var zero T
	if r := g.check(method); r != nvml.SUCCESS {
		return zero, r
	}
	return f(&g.state), nvml.SUCCESS
}

func clock(ct nvml.ClockType, sm, mem uint32) (uint32, nvml.Return) {
	switch ct {
	case nvml.CLOCK_SM, nvml.CLOCK_GRAPHICS:
		return sm, nvml.SUCCESS
	case nvml.CLOCK_MEM:
		return mem, nvml.SUCCESS
	}
	return 0, nvml.ERROR_INVALID_ARGUMENT
}

func enable(b bool) nvml.EnableState {
	if b {
		return nvml.FEATURE_ENABLED
	}
	return nvml.FEATURE_DISABLED
}

// install sets the device's function fields.
func (g *GPU) install(index int) {
	wrapIdentity(g)
	g.installBus(index)
	g.installClocks()
	g.installPower()
	g.installLoad()
	g.installModes()
}

// installBus sets the PCI, NUMA and VBIOS calls.
func (g *GPU) installBus(index int) {
	d := g.dev
	d.GetPciInfoFunc = func() (nvml.PciInfo, nvml.Return) {
		return get(g, "GetPciInfo", func(*State) nvml.PciInfo {
			var p nvml.PciInfo
			id := fmt.Sprintf("00000000:%02X:00.0", 0x18+index*0x10)
			for i := 0; i < len(id) && i < len(p.BusId)-1; i++ {
				p.BusId[i] = int8(id[i])
			}
			p.PciDeviceId = g.dev.Config.PciDeviceId
			return p
		})
	}
	d.GetVbiosVersionFunc = func() (string, nvml.Return) {
		return get(g, "GetVbiosVersion", func(*State) string { return g.Spec.VBIOS })
	}
	d.GetNumaNodeIdFunc = func() (int, nvml.Return) {
		return get(g, "GetNumaNodeId", func(*State) int { return index / 4 })
	}
	d.GetCurrPcieLinkGenerationFunc = func() (int, nvml.Return) {
		return get(g, "GetCurrPcieLinkGeneration", func(*State) int { return 5 })
	}
	d.GetCurrPcieLinkWidthFunc = func() (int, nvml.Return) {
		return get(g, "GetCurrPcieLinkWidth", func(*State) int { return 16 })
	}
}

// installClocks sets the temperature and clock calls: reading, locking
// and resetting the locked clocks.
func (g *GPU) installClocks() {
	d := g.dev
	d.GetTemperatureFunc = func(nvml.TemperatureSensors) (uint32, nvml.Return) {
		return get(g, "GetTemperature", func(s *State) uint32 {
			t := s.TempC
			if g.coolStep > 0 && s.TempC > g.coolTo {
				s.TempC = max(g.coolTo, s.TempC-min(s.TempC, g.coolStep))
			}
			return t
		})
	}
	d.GetTemperatureThresholdFunc = func(th nvml.TemperatureThresholds) (uint32, nvml.Return) {
		return get(g, "GetTemperatureThreshold", func(*State) uint32 {
			if th == nvml.TEMPERATURE_THRESHOLD_SHUTDOWN {
				return g.Spec.SlowdownTempC + 5
			}
			return g.Spec.SlowdownTempC
		})
	}
	d.GetClockInfoFunc = func(ct nvml.ClockType) (uint32, nvml.Return) {
		s, r := get(g, "GetClockInfo", func(s *State) State { return *s })
		if r != nvml.SUCCESS {
			return 0, r
		}
		return clock(ct, s.SMClockMHz, s.MemClockMHz)
	}
	d.GetMaxClockInfoFunc = func(ct nvml.ClockType) (uint32, nvml.Return) {
		if _, r := get(g, "GetMaxClockInfo", func(*State) int { return 0 }); r != nvml.SUCCESS {
			return 0, r
		}
		return clock(ct, g.Spec.MaxSMMHz, g.Spec.MaxMemMHz)
	}
	d.GetApplicationsClockFunc = func(ct nvml.ClockType) (uint32, nvml.Return) {
		if _, r := get(g, "GetApplicationsClock", func(*State) int { return 0 }); r != nvml.SUCCESS {
			return 0, r
		}
		return clock(ct, g.Spec.MaxSMMHz, g.Spec.MaxMemMHz)
	}
	d.GetDefaultApplicationsClockFunc = func(ct nvml.ClockType) (uint32, nvml.Return) {
		if _, r := get(g, "GetDefaultApplicationsClock", func(*State) int { return 0 }); r != nvml.SUCCESS {
			return 0, r
		}
		return clock(ct, g.Spec.MaxSMMHz, g.Spec.MaxMemMHz)
	}
	d.SetGpuLockedClocksFunc = func(lo, hi uint32) nvml.Return {
		_, r := get(g, "SetGpuLockedClocks", func(s *State) int {
			s.LockedMin, s.LockedMax = lo, hi
			return 0
		})
		return r
	}
	d.ResetGpuLockedClocksFunc = func() nvml.Return {
		_, r := get(g, "ResetGpuLockedClocks", func(s *State) int {
			s.LockedMin, s.LockedMax = 0, 0
			return 0
		})
		return r
	}
}

// installPower sets the power, energy, power limit and violation calls.
func (g *GPU) installPower() {
	d := g.dev
	d.GetPowerUsageFunc = func() (uint32, nvml.Return) {
		return get(g, "GetPowerUsage", func(s *State) uint32 { return s.PowerMW })
	}
	d.GetTotalEnergyConsumptionFunc = func() (uint64, nvml.Return) {
		return get(g, "GetTotalEnergyConsumption", func(s *State) uint64 { return s.EnergyMJ })
	}
	d.GetPowerManagementLimitFunc = func() (uint32, nvml.Return) {
		return get(g, "GetPowerManagementLimit", func(s *State) uint32 { return s.PowerLimitMW })
	}
	d.GetPowerManagementDefaultLimitFunc = func() (uint32, nvml.Return) {
		return get(g, "GetPowerManagementDefaultLimit", func(s *State) uint32 { return s.DefaultPowerMW })
	}
	d.GetEnforcedPowerLimitFunc = func() (uint32, nvml.Return) {
		return get(g, "GetEnforcedPowerLimit", func(s *State) uint32 { return s.PowerLimitMW })
	}
	d.GetViolationStatusFunc = func(p nvml.PerfPolicyType) (nvml.ViolationTime, nvml.Return) {
		return get(g, "GetViolationStatus", func(s *State) nvml.ViolationTime {
			v := nvml.ViolationTime{ReferenceTime: uint64(time.Now().UnixMicro())}
			switch p {
			case nvml.PERF_POLICY_POWER:
				v.ViolationTime = s.PowerViolationNS
			case nvml.PERF_POLICY_THERMAL:
				v.ViolationTime = s.ThermalViolationNS
			}
			return v
		})
	}
}

// installLoad sets the fan, utilization, memory, performance state, clock
// event reason and process calls.
func (g *GPU) installLoad() {
	d := g.dev
	d.GetFanSpeedFunc = func() (uint32, nvml.Return) {
		return get(g, "GetFanSpeed", func(*State) uint32 { return 30 })
	}
	d.GetUtilizationRatesFunc = func() (nvml.Utilization, nvml.Return) {
		return get(g, "GetUtilizationRates", func(s *State) nvml.Utilization {
			return nvml.Utilization{Gpu: s.GPUUtil, Memory: s.MemUtil}
		})
	}
	mem := d.GetMemoryInfoFunc
	d.GetMemoryInfoFunc = func() (nvml.Memory, nvml.Return) {
		m, r := mem()
		if r != nvml.SUCCESS {
			return m, r
		}
		return get(g, "GetMemoryInfo", func(s *State) nvml.Memory {
			m.Used = s.MemUsedBytes
			m.Free = m.Total - min(m.Total, s.MemUsedBytes)
			return m
		})
	}
	d.GetPerformanceStateFunc = func() (nvml.Pstates, nvml.Return) {
		return get(g, "GetPerformanceState", func(s *State) nvml.Pstates { return s.PState })
	}
	d.GetCurrentClocksEventReasonsFunc = func() (uint64, nvml.Return) {
		return get(g, "GetCurrentClocksEventReasons", func(s *State) uint64 { return s.Reasons })
	}
	d.GetCurrentClocksThrottleReasonsFunc = func() (uint64, nvml.Return) {
		return get(g, "GetCurrentClocksThrottleReasons", func(s *State) uint64 { return s.Reasons })
	}
	procs := func(method string) func() ([]nvml.ProcessInfo, nvml.Return) {
		return func() ([]nvml.ProcessInfo, nvml.Return) {
			return get(g, method, func(s *State) []nvml.ProcessInfo {
				return append([]nvml.ProcessInfo(nil), s.Processes...)
			})
		}
	}
	d.GetComputeRunningProcessesFunc = procs("GetComputeRunningProcesses")
	d.GetGraphicsRunningProcessesFunc = func() ([]nvml.ProcessInfo, nvml.Return) {
		return get(g, "GetGraphicsRunningProcesses", func(*State) []nvml.ProcessInfo { return nil })
	}
}

// installModes sets the persistence and ECC mode calls.
func (g *GPU) installModes() {
	d := g.dev
	d.GetPersistenceModeFunc = func() (nvml.EnableState, nvml.Return) {
		return get(g, "GetPersistenceMode", func(s *State) nvml.EnableState { return enable(s.Persistence) })
	}
	d.SetPersistenceModeFunc = func(e nvml.EnableState) nvml.Return {
		_, r := get(g, "SetPersistenceMode", func(s *State) int { s.Persistence = e == nvml.FEATURE_ENABLED; return 0 })
		return r
	}
	d.GetEccModeFunc = func() (nvml.EnableState, nvml.EnableState, nvml.Return) {
		s, r := get(g, "GetEccMode", func(s *State) State { return *s })
		return enable(s.ECC), enable(s.ECCPending), r
	}
}

// wrapIdentity makes the stock identity calls honour faults and Lose.
func wrapIdentity(g *GPU) {
	d := g.dev
	name, uuid, arch, cc, mig := d.GetNameFunc, d.GetUUIDFunc, d.GetArchitectureFunc, d.GetCudaComputeCapabilityFunc, d.GetMigModeFunc
	d.GetNameFunc = func() (string, nvml.Return) {
		if r := g.fault("GetName"); r != nvml.SUCCESS {
			return "", r
		}
		return name()
	}
	d.GetUUIDFunc = func() (string, nvml.Return) {
		if r := g.fault("GetUUID"); r != nvml.SUCCESS {
			return "", r
		}
		return uuid()
	}
	d.GetArchitectureFunc = func() (nvml.DeviceArchitecture, nvml.Return) {
		if r := g.fault("GetArchitecture"); r != nvml.SUCCESS {
			return 0, r
		}
		return arch()
	}
	d.GetCudaComputeCapabilityFunc = func() (int, int, nvml.Return) {
		if r := g.fault("GetCudaComputeCapability"); r != nvml.SUCCESS {
			return 0, 0, r
		}
		return cc()
	}
	d.GetMigModeFunc = func() (int, int, nvml.Return) {
		if r := g.fault("GetMigMode"); r != nvml.SUCCESS {
			return 0, 0, r
		}
		return mig()
	}
}

func (g *GPU) fault(method string) nvml.Return {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.check(method)
}
