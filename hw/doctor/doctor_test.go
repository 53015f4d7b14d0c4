package doctor

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchy-dev/benchy/hw"
	"github.com/benchy-dev/benchy/results"
)

// hostInventory is the inventory hw detects on one of its fake hosts
// (hw/testdata/hosts), as its golden file records it.
func hostInventory(t *testing.T, host string) *hw.Inventory {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "golden", "host-"+host+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var inv hw.Inventory
	if err := json.Unmarshal(b, &inv); err != nil {
		t.Fatal(err)
	}
	return &inv
}

func find(checks []Check, id string) Check {
	for _, c := range checks {
		if c.ID == id {
			return c
		}
	}
	return Check{ID: id, Verdict: "absent"}
}

func ptr[T any](v T) *T { return &v }

func TestDoctorHosts(t *testing.T) {
	tests := []struct {
		host string
		want map[string]Verdict
	}{
		{"xeon-2s", map[string]Verdict{
			"cpu.governor": Warn, "cpu.boost": Warn, "cpu.smt": Info, "cpu.isolated": OK,
			"sys.load": OK, "sys.swap": Warn, "sys.virtual": "absent", "gpu": Skip}},
		{"epyc-vm", map[string]Verdict{
			"cpu.governor": Skip, "cpu.boost": Skip, "cpu.smt": OK, "cpu.isolated": Info,
			"sys.load": Warn, "sys.swap": OK, "sys.virtual": Info, "sys.cpu_quota": Warn}},
		{"grace-tuned", map[string]Verdict{
			"cpu.governor": OK, "cpu.boost": OK, "cpu.smt": OK, "sys.load": OK, "sys.cpu_quota": "absent"}},
	}
	for _, tc := range tests {
		t.Run(tc.host, func(t *testing.T) {
			inv := hostInventory(t, tc.host)
			inv.GPUReason = "no NVIDIA GPU detected (NVML: library not found)"
			checks := Examine(inv, nil)
			for id, want := range tc.want {
				if c := find(checks, id); c.Verdict != want {
					t.Errorf("%s = %s (%s), want %s", id, c.Verdict, c.Detail, want)
				}
			}
			for _, c := range checks {
				if (c.Verdict == Warn || c.Verdict == Bad) && c.Fix == "" {
					t.Errorf("%s is %s without a fix", c.ID, c.Verdict)
				}
			}
		})
	}
}

func TestDoctorXeonDetails(t *testing.T) {
	checks := Examine(hostInventory(t, "xeon-2s"), nil)
	gov := find(checks, "cpu.governor")
	if gov.Detail != "governors in use: performance on 6 CPUs, powersave on 2 CPUs; other than performance, CPU clocks follow the load" {
		t.Errorf("governor detail = %q", gov.Detail)
	}
	if boost := find(checks, "cpu.boost"); !strings.Contains(boost.Fix, "intel_pstate/no_turbo") {
		t.Errorf("intel boost fix = %q", boost.Fix)
	}
	if g := find(checks, "gpu"); g.Detail != "no NVIDIA GPU detected; GPU checks skipped" {
		t.Errorf("gpu detail = %q", g.Detail)
	}
}

func TestDoctorGPUs(t *testing.T) {
	base := func() hw.GPU {
		return hw.GPU{Index: 0, Name: "NVIDIA H100 80GB HBM3", Persistence: ptr(true), ECC: ptr(true), MIG: ptr(false),
			PowerLimitW: 700, PowerLimitDefaultW: 700, SlowdownTempC: 87,
			AppClocks: &hw.Clocks{SMMHz: 1980, MemMHz: 2619}, DefaultAppClocks: &hw.Clocks{SMMHz: 1980, MemMHz: 2619},
			LockedClocks: &hw.ClockLock{Spec: hw.ClockSpec{Mode: "base"}}}
	}
	idle := results.GPUSample{Index: 0, TempC: 33, PowerW: 70, SMClockMHz: 345, Reasons: results.ReasonGPUIdle}
	tests := []struct {
		name   string
		gpu    func(*hw.GPU)
		now    []results.GPUSample
		id     string
		want   Verdict
		detail string
	}{
		{"persistence on", func(*hw.GPU) {}, nil, "gpu0.persistence", OK, "on"},
		{"persistence off", func(g *hw.GPU) { g.Persistence = ptr(false) }, nil, "gpu0.persistence", Warn, ""},
		{"persistence unknown", func(g *hw.GPU) {
			g.Persistence = nil
			g.Unavailable = map[string]string{"persistence": "not supported"}
		},
			nil, "gpu0.persistence", Skip, "unknown: not supported"},
		{"clocks locked", func(*hw.GPU) {}, nil, "gpu0.clocks", OK, ""},
		{"clocks not locked", func(g *hw.GPU) { g.LockedClocks = nil }, nil, "gpu0.clocks", Warn, ""},
		{"another process", func(g *hw.GPU) { g.Processes = []hw.GPUProcess{{PID: 77, Name: "python3", UsedMemoryBytes: 2 << 30}} },
			nil, "gpu0.processes", Bad, "busy: pid 77 python3 (2 GiB)"},
		{"busy without a visible process", func(*hw.GPU) {}, []results.GPUSample{{Index: 0, GPUUtil: 88}}, "gpu0.processes", Bad,
			"no process listed, yet 88% utilized right now (a process in another container?)"},
		{"idle", func(*hw.GPU) {}, []results.GPUSample{idle}, "gpu0.processes", OK, "none"},
		{"ECC off", func(g *hw.GPU) { g.ECC = ptr(false) }, nil, "gpu0.ecc", Info, ""},
		{"ECC changes at reboot", func(g *hw.GPU) { g.ECCPending = ptr(false) }, nil, "gpu0.ecc_pending", Warn, "ECC will be off after the next reboot"},
		{"MIG", func(g *hw.GPU) { g.MIG = ptr(true); g.MIGDevices = make([]hw.MIGInstance, 3) }, nil, "gpu0.mig", Info, ""},
		{"power limit lowered", func(g *hw.GPU) { g.PowerLimitW = 450 }, nil, "gpu0.power_limit", Warn,
			"450 W, below the default 700 W: the GPU will power-cap sooner"},
		{"app clocks changed", func(g *hw.GPU) { g.AppClocks = &hw.Clocks{SMMHz: 1410, MemMHz: 2619} }, nil, "gpu0.app_clocks", Info, ""},
		{"no throttling", func(*hw.GPU) {}, []results.GPUSample{idle}, "gpu0.throttle", OK, "none (33°C, 70 W, SM 345 MHz)"},
		{"thermal throttling", func(*hw.GPU) {}, []results.GPUSample{{Index: 0, TempC: 89, Reasons: results.ReasonSWThermal | results.ReasonGPUIdle}},
			"gpu0.throttle", Warn, "active: sw_thermal_slowdown (89°C, 0 W, SM 0 MHz)"},
		{"near slowdown", func(*hw.GPU) {}, []results.GPUSample{{Index: 0, TempC: 80}}, "gpu0.throttle", Warn,
			"not yet, but 80°C is within 10°C of the 87°C slowdown threshold"},
		{"GPU unreadable", func(*hw.GPU) {}, []results.GPUSample{{Index: 0, Error: "GPU is lost (fell off the bus)"}}, "gpu0.throttle", Bad,
			"cannot read the GPU: GPU is lost (fell off the bus)"},
		{"no live sample", func(*hw.GPU) {}, nil, "gpu0.throttle", Skip, "no live telemetry"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := base()
			tc.gpu(&g)
			inv := &hw.Inventory{GPUs: []hw.GPU{g}, CPU: hw.CPU{Threads: 8}}
			c := find(Examine(inv, tc.now), tc.id)
			if c.Verdict != tc.want || (tc.detail != "" && c.Detail != tc.detail) {
				t.Errorf("%s = %s %q, want %s %q", tc.id, c.Verdict, c.Detail, tc.want, tc.detail)
			}
			if (c.Verdict == Warn || c.Verdict == Bad) && c.Fix == "" {
				t.Errorf("%s is %s without a fix", c.ID, c.Verdict)
			}
		})
	}
}

func TestWorst(t *testing.T) {
	if Worst(nil) != OK || Worst([]Check{{Verdict: Skip}, {Verdict: Info}}) != Info ||
		Worst([]Check{{Verdict: Warn}, {Verdict: Bad}, {Verdict: OK}}) != Bad {
		t.Error("Worst ranks verdicts wrongly")
	}
}

// SMT and boost states read as words, not as the kernel's tokens or a dash
// (#15.15).
func TestDoctorSMTAndBoostWords(t *testing.T) {
	checks := Examine(hostInventory(t, "epyc-vm"), nil)
	if c := find(checks, "cpu.smt"); c.Detail != "not supported by this CPU/kernel" {
		t.Errorf("smt detail = %q", c.Detail)
	}
	if c := find(checks, "cpu.boost"); c.Detail != "unknown (no cpufreq boost control)" {
		t.Errorf("boost detail = %q", c.Detail)
	}
}
