//go:build cgo

package hw

import (
	"errors"
	"strings"
	"testing"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/dgxa100"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/dgxh100"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/dgxh200"

	"github.com/benchy-dev/benchy/hw/hwtest"
)

// isolate points the clock-lock state file at a fresh directory.
func isolate(t *testing.T) {
	t.Helper()
	t.Setenv("BENCHY_STATE_DIR", t.TempDir())
}

func TestDetectWithMockMachines(t *testing.T) {
	isolate(t)
	tests := []struct {
		name    string
		lib     nvml.Interface
		gpu     string
		arch    string
		cc      string
		memGiB  uint64
		summary string
	}{
		{"dgxa100", dgxa100.New(), "Mock NVIDIA A100-SXM4-40GB", "Ampere", "8.0", 40, "Mock NVIDIA A100-SXM4-40GB (sm_80, 40 GiB, driver 550.54.15)"},
		{"dgxh100", dgxh100.New(), "NVIDIA H100 80GB HBM3", "Hopper", "9.0", 80, "NVIDIA H100 80GB HBM3 (sm_90, 80 GiB, driver 550.54.15)"},
		{"dgxh200", dgxh200.New(), "NVIDIA H200 141GB HBM3e", "Hopper", "9.0", 141, "NVIDIA H200 141GB HBM3e (sm_90, 141 GiB, driver 550.54.15)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// The stock mocks answer identity calls only; everything else
			// must become a recorded reason, never a panic.
			inv := DetectWith(tc.lib)
			if !inv.NVML.Available || inv.GPUReason != "" {
				t.Fatalf("NVML = %+v, reason %q", inv.NVML, inv.GPUReason)
			}
			if inv.NVML.DriverVersion != "550.54.15" || inv.NVML.CUDADriverVersion != "12.4" || inv.NVML.Version != "12.550.54.15" {
				t.Errorf("versions = %+v", inv.NVML)
			}
			if len(inv.GPUs) != 8 {
				t.Fatalf("%d GPUs, want 8", len(inv.GPUs))
			}
			g := inv.GPUs[3]
			if g.Index != 3 || g.Name != tc.gpu || g.Architecture != tc.arch || g.ComputeCapability != tc.cc ||
				g.MemoryTotalBytes != tc.memGiB<<30 || !strings.HasPrefix(g.UUID, "GPU-") {
				t.Errorf("GPU 3 = %+v", g)
			}
			if g.Unavailable["persistence"] != "not implemented by this NVML" || g.Persistence != nil {
				t.Errorf("persistence on a bare mock: %v, unavailable %q", g.Persistence, g.Unavailable["persistence"])
			}
			if s := inv.GPUSummaries(); len(s) != 8 || s[0] != tc.summary {
				t.Errorf("GPUSummaries()[0] = %q, want %q", s, tc.summary)
			}
		})
	}
}

func TestDetectWithLiveMachine(t *testing.T) {
	isolate(t)
	m := hwtest.DGXH100()
	m.GPUs[2].Set(func(s *hwtest.State) {
		s.Persistence = false
		s.ECC = false
		s.PowerLimitMW = 500000
		s.Processes = []nvml.ProcessInfo{{Pid: 4242, UsedGpuMemory: 3 << 30}}
	})
	inv := DetectWith(m)
	g := inv.GPUs[2]
	if g.PCIBusID != "00000000:38:00.0" || g.VBIOS != "96.00.74.00.0D" || g.SlowdownTempC != 87 {
		t.Errorf("identity = %q %q %d", g.PCIBusID, g.VBIOS, g.SlowdownTempC)
	}
	if g.Persistence == nil || *g.Persistence || g.ECC == nil || *g.ECC || g.ECCPending == nil || !*g.ECCPending {
		t.Errorf("modes = persistence %v, ecc %v, pending %v", g.Persistence, g.ECC, g.ECCPending)
	}
	if g.PowerLimitW != 500 || g.PowerLimitDefaultW != 700 || g.MaxClocks == nil || g.MaxClocks.SMMHz != 1980 {
		t.Errorf("power/clocks = %v %v %+v", g.PowerLimitW, g.PowerLimitDefaultW, g.MaxClocks)
	}
	if len(g.Processes) != 1 || g.Processes[0].PID != 4242 || g.Processes[0].UsedMemoryBytes != 3<<30 {
		t.Errorf("processes = %+v", g.Processes)
	}
	if g.NUMANode == nil || *g.NUMANode != 0 || g.PCIeGen != 5 || g.PCIeWidth != 16 {
		t.Errorf("numa/pcie = %v %d %d", g.NUMANode, g.PCIeGen, g.PCIeWidth)
	}
	if len(inv.GPUs[0].Unavailable) != 0 {
		t.Errorf("GPU 0 unavailable = %v, want none", inv.GPUs[0].Unavailable)
	}
}

func TestDetectWithoutDriver(t *testing.T) {
	isolate(t)
	tests := []struct {
		ret  nvml.Return
		want string
	}{
		{nvml.ERROR_LIBRARY_NOT_FOUND, "no NVIDIA GPU detected (NVML: library not found)"},
		{nvml.ERROR_DRIVER_NOT_LOADED, "no NVIDIA GPU detected (NVML: NVIDIA driver not loaded)"},
		{nvml.ERROR_LIB_RM_VERSION_MISMATCH, "no NVIDIA GPU detected (NVML: driver/library version mismatch (reload the driver or reboot))"},
	}
	for _, tc := range tests {
		m := hwtest.DGXA100()
		m.FailInit(tc.ret)
		inv := DetectWith(m)
		if inv.GPUReason != tc.want || len(inv.GPUs) != 0 || inv.NVML.Available {
			t.Errorf("Init %v: reason %q, %d GPUs, available %v", tc.ret, inv.GPUReason, len(inv.GPUs), inv.NVML.Available)
		}
		if ok, reason := inv.CheckRequires(true, 0, ""); ok || reason != "skipped: "+tc.want {
			t.Errorf("CheckRequires = %v, %q", ok, reason)
		}
	}
}

func TestDetectOnThisMachine(t *testing.T) {
	isolate(t)
	inv := DetectWith(nvml.New())
	if len(inv.GPUs) > 0 {
		t.Skipf("this machine has %d GPUs", len(inv.GPUs))
	}
	if !strings.HasPrefix(inv.GPUReason, "no NVIDIA GPU detected (NVML: ") {
		t.Errorf("GPUReason = %q", inv.GPUReason)
	}
	if inv.GPUs == nil {
		t.Error("GPUs is nil; want an empty list so the JSON says []")
	}
}

func TestDetectGPUThatCannotBeOpened(t *testing.T) {
	isolate(t)
	m := hwtest.DGXH100()
	all := m.DeviceGetHandleByIndexFunc
	m.DeviceGetHandleByIndexFunc = func(i int) (nvml.Device, nvml.Return) {
		if i == 5 {
			return nil, nvml.ERROR_GPU_IS_LOST
		}
		return all(i)
	}
	inv := DetectWith(m)
	if len(inv.GPUs) != 7 || len(inv.Problems) != 1 || inv.Problems[0] != "GPU 5: GPU is lost (fell off the bus)" {
		t.Errorf("%d GPUs, problems %q", len(inv.GPUs), inv.Problems)
	}
}

func TestNewTelemetryWithoutGPU(t *testing.T) {
	m := hwtest.DGXH100()
	m.FailInit(nvml.ERROR_LIBRARY_NOT_FOUND)
	tel, err := NewTelemetry(m)
	if tel != nil || !errors.Is(err, ErrNoGPU) || err.Error() != "no NVIDIA GPU detected (NVML: library not found)" {
		t.Errorf("NewTelemetry = %v, %v", tel, err)
	}
	if _, err := OpenTelemetry(); err == nil {
		t.Log("this machine has a GPU")
	} else if !errors.Is(err, ErrNoGPU) {
		t.Errorf("OpenTelemetry error %v does not wrap ErrNoGPU", err)
	}
}
