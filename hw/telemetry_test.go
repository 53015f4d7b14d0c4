//go:build cgo

package hw

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/dgxh100"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/server"

	"github.com/benchy-dev/benchy/hw/hwtest"
	"github.com/benchy-dev/benchy/results"
)

func newTelemetry(t *testing.T, m *hwtest.Machine) *Telemetry {
	t.Helper()
	tel, err := NewTelemetry(m)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tel.Close() })
	return tel
}

func TestSampleReadsEveryField(t *testing.T) {
	m := hwtest.DGXH100()
	m.GPUs[1].Set(func(s *hwtest.State) {
		s.SMClockMHz, s.MemClockMHz, s.TempC, s.PowerMW = 1755, 2619, 61, 412345
		s.GPUUtil, s.MemUtil, s.MemUsedBytes, s.PState = 97, 40, 12<<30, nvml.PSTATE_0
		s.Reasons = uint64(results.ReasonSWPowerCap)
		s.EnergyMJ, s.PowerViolationNS, s.ThermalViolationNS = 123456789, 5e9, 7
	})
	tel := newTelemetry(t, m)
	if tel.Len() != 8 {
		t.Fatalf("Len = %d", tel.Len())
	}
	got := tel.Sample()
	if len(got) != 8 {
		t.Fatalf("%d samples", len(got))
	}
	s := got[1]
	s.At = time.Time{}
	want := results.GPUSample{Index: 1, SMClockMHz: 1755, MemClockMHz: 2619, TempC: 61, PowerW: 412.345,
		GPUUtil: 97, MemUtil: 40, MemUsedBytes: 12 << 30, Reasons: results.ReasonSWPowerCap,
		EnergyMJ: 123456789, PowerViolationNS: 5e9, ThermalViolationNS: 7,
		Missing: []string{"fan_pct"}} // SXM boards have no fan
	if !reflect.DeepEqual(s, want) {
		t.Errorf("sample:\n got %+v\nwant %+v", s, want)
	}
	if got[0].At.IsZero() || got[0].Index != 0 {
		t.Errorf("sample 0 = %+v", got[0])
	}
}

func TestSampleOnStockMockMissesButNeverPanics(t *testing.T) {
	tel, err := NewTelemetry(dgxh100.New())
	if err != nil {
		t.Fatal(err)
	}
	s := tel.Sample()[0]
	if s.Error != "" || !s.Has("mem_used_bytes") || s.Has("temp_c") || s.Has("energy_mj") {
		t.Errorf("stock mock sample = %+v", s)
	}
}

func TestEnergyPerIteration(t *testing.T) {
	m := hwtest.DGXH100()
	tel := newTelemetry(t, m)
	before := tel.Sample()
	// GPU 0 runs 2 s at 500 W (1000 J); GPU 1 idles 2 s at 70 W (140 J).
	m.GPUs[0].Run(2*time.Second, 500000, 1980)
	m.GPUs[1].Run(2*time.Second, 70000, 345)
	after := tel.Sample()
	j, err := EnergyDelta(before, after)
	if err != nil || j != 1140 {
		t.Errorf("EnergyDelta = %v, %v; want 1140 J", j, err)
	}
	rt := NewRunTelemetry(before[:1], after[:1], nil, 400)
	if rt.EnergyJ != 1000 || rt.EnergyPerIterationJ != 2.5 || rt.EnergyError != "" {
		t.Errorf("results.Telemetry(GPU 0) = %+v; want 1000 J, 2.5 J per iteration", rt)
	}
	rt = NewRunTelemetry(before[:2], after[:2], nil, 100)
	if rt.EnergyJ != 1140 || rt.EnergyPerIterationJ != 11.4 || rt.EnergyError != "" || rt.Throttled {
		t.Errorf("results.Telemetry = %+v", rt)
	}
	if rt := NewRunTelemetry(before, after, nil, 0); rt.EnergyPerIterationJ != 0 || rt.EnergyJ == 0 {
		t.Errorf("results.Telemetry of 0 iterations = %+v; want the energy, no per-iteration figure", rt)
	}
}

func TestEnergyErrors(t *testing.T) {
	m := hwtest.DGXH100()
	tel := newTelemetry(t, m)
	before := tel.Sample()
	tests := []struct {
		name  string
		after func() []results.GPUSample
		want  string
	}{
		{"no samples", func() []results.GPUSample { return nil }, "energy: no GPU samples"},
		{"GPU set changed", func() []results.GPUSample { return tel.Sample()[:7] }, "energy: 8 GPUs before, 7 after"},
		{"counter unsupported mid-run", func() []results.GPUSample {
			m.GPUs[4].Fail("GetTotalEnergyConsumption", nvml.ERROR_NOT_SUPPORTED)
			defer m.GPUs[4].Fail("GetTotalEnergyConsumption", nvml.SUCCESS)
			return tel.Sample()
		}, "energy: GPU 4 has no energy counter reading"},
		{"driver reloaded", func() []results.GPUSample {
			s := tel.Sample()
			s[2].EnergyMJ = 5
			return s
		}, "energy: GPU 2 counter went backwards"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := EnergyDelta(before, tc.after())
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("EnergyDelta error = %v, want prefix %q", err, tc.want)
			}
		})
	}
}

func TestThrottleFlags(t *testing.T) {
	tests := []struct {
		name   string
		during func(*hwtest.GPU)
		want   results.ThrottleReason
	}{
		{"idle is not throttling", func(*hwtest.GPU) {}, 0},
		{"power cap at the end", func(g *hwtest.GPU) {
			g.Set(func(s *hwtest.State) { s.Reasons = uint64(results.ReasonSWPowerCap | results.ReasonAppClocksSetting) })
		}, results.ReasonSWPowerCap},
		{"thermal, then recovered: only the counter tells", func(g *hwtest.GPU) {
			g.Set(func(s *hwtest.State) { s.ThermalViolationNS += 3e6 })
		}, results.ReasonSWThermal},
		{"power violation counter", func(g *hwtest.GPU) {
			g.Set(func(s *hwtest.State) { s.PowerViolationNS += 1 })
		}, results.ReasonSWPowerCap},
		{"hardware slowdown", func(g *hwtest.GPU) {
			g.Set(func(s *hwtest.State) { s.Reasons = uint64(results.ReasonHWSlowdown | results.ReasonHWThermal) })
		}, results.ReasonHWSlowdown | results.ReasonHWThermal},
		{"display clocks are not throttling", func(g *hwtest.GPU) {
			g.Set(func(s *hwtest.State) { s.Reasons = uint64(results.ReasonDisplayClocks) })
		}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := hwtest.DGXH100()
			tel := newTelemetry(t, m)
			before := tel.Sample()
			tc.during(m.GPUs[6])
			after := tel.Sample()
			got := ThrottleBetween(before, after)
			if got != tc.want {
				t.Errorf("ThrottleBetween = %v, want %v", got, tc.want)
			}
			rt := NewRunTelemetry(before, after, nil, 10)
			if rt.Throttled != (tc.want != 0) || rt.Reasons != tc.want {
				t.Errorf("results.Telemetry throttled=%v reasons=%v", rt.Throttled, rt.Reasons)
			}
		})
	}
}

func TestThrottleSeenOnlyByBackgroundRecording(t *testing.T) {
	m := hwtest.DGXH100()
	tel := newTelemetry(t, m)
	before := tel.Sample()
	during := []results.GPUSample{{Index: 0, Reasons: results.ReasonHWPowerBrake}}
	after := tel.Sample()
	if got := ThrottleBetween(before, after, during...); got != results.ReasonHWPowerBrake {
		t.Errorf("ThrottleBetween with during = %v", got)
	}
}

func TestFaultNVMLErrorMidRun(t *testing.T) {
	m := hwtest.DGXH100()
	tel := newTelemetry(t, m)
	before := tel.Sample()
	m.GPUs[0].Fail("GetPowerUsage", nvml.ERROR_UNKNOWN)
	m.GPUs[0].Fail("GetCurrentClocksEventReasons", nvml.ERROR_NO_PERMISSION)
	after := tel.Sample()
	s := after[0]
	if s.Error != "" || s.Has("power_w") || s.Has("reasons") || !s.Has("temp_c") || !s.Has("energy_mj") {
		t.Errorf("sample after partial failure = %+v", s)
	}
	if _, err := EnergyDelta(before, after); err != nil {
		t.Errorf("energy should survive a power-reading failure: %v", err)
	}
	m.GPUs[0].Fail("GetPowerUsage", nvml.SUCCESS)
	if s := tel.Sample()[0]; !s.Has("power_w") {
		t.Errorf("power still missing after the fault cleared: %+v", s)
	}
}

func TestFaultLegacyThrottleCall(t *testing.T) {
	m := hwtest.DGXH100()
	m.GPUs[0].Fail("GetCurrentClocksEventReasons", nvml.ERROR_FUNCTION_NOT_FOUND)
	m.GPUs[0].Set(func(s *hwtest.State) { s.Reasons = uint64(results.ReasonSWThermal) })
	tel := newTelemetry(t, m)
	if s := tel.Sample()[0]; s.Reasons != results.ReasonSWThermal || !s.Has("reasons") {
		t.Errorf("older driver fallback: %+v", s)
	}
}

func TestFaultGPUDisappears(t *testing.T) {
	m := hwtest.DGXH100()
	tel := newTelemetry(t, m)
	before := tel.Sample()
	m.GPUs[3].Lose()
	after := tel.Sample()
	if len(after) != 8 {
		t.Fatalf("%d samples", len(after))
	}
	s := after[3]
	if s.Error != "GPU is lost (fell off the bus)" || s.Missing != nil || s.Has("temp_c") {
		t.Errorf("lost GPU sample = %+v", s)
	}
	if after[2].Error != "" || after[4].Error != "" {
		t.Error("neighbours of the lost GPU failed too")
	}
	rt := NewRunTelemetry(before, after, nil, 10)
	if rt.EnergyError == "" || len(rt.Errors) != 1 || rt.Errors[0] != "GPU 3: GPU is lost (fell off the bus)" {
		t.Errorf("results.Telemetry = %+v", rt)
	}
	inv := DetectWith(m)
	if len(inv.GPUs) != 8 || inv.GPUs[3].Unavailable["name"] != "GPU is lost (fell off the bus)" {
		t.Errorf("inventory of a lost GPU = %+v", inv.GPUs[3])
	}
}

func TestRecording(t *testing.T) {
	m := hwtest.DGXH100()
	tel := newTelemetry(t, m)
	rec := tel.Record(time.Millisecond)
	deadline := time.Now().Add(5 * time.Second)
	for {
		rec.mu.Lock()
		n := len(rec.samples)
		rec.mu.Unlock()
		if n >= 16 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	got := rec.Stop()
	if len(got) < 16 || len(got)%8 != 0 {
		t.Errorf("recorded %d samples; want whole samplings of 8 GPUs, at least 2", len(got))
	}
	if again := rec.Stop(); len(again) != len(got) {
		t.Errorf("second Stop returned %d samples, first %d", len(again), len(got))
	}
	var nilTel *Telemetry
	if s := nilTel.Record(time.Millisecond).Stop(); s != nil {
		t.Errorf("nil telemetry recorded %v", s)
	}
}

func TestTelemetryClose(t *testing.T) {
	m := hwtest.DGXH100()
	shut := 0
	orig := m.ShutdownFunc
	m.ShutdownFunc = func() nvml.Return { shut++; return orig() }
	tel := newTelemetry(t, m)
	if err := tel.Close(); err != nil {
		t.Fatal(err)
	}
	if err := tel.Close(); err != nil || shut != 1 {
		t.Errorf("second Close: %v, shutdowns %d", err, shut)
	}
	if s := tel.Sample(); s != nil {
		t.Errorf("Sample after Close = %v", s)
	}
	var nilTel *Telemetry
	if nilTel.Sample() != nil || nilTel.Len() != 0 || nilTel.Close() != nil {
		t.Error("nil Telemetry is not inert")
	}
}

func TestSampleJSONRoundTrip(t *testing.T) {
	m := hwtest.DGXH100()
	m.GPUs[0].Set(func(s *hwtest.State) { s.Reasons = uint64(results.ReasonSWPowerCap|results.ReasonGPUIdle) | 1<<40 })
	tel := newTelemetry(t, m)
	in := NewRunTelemetry(tel.Sample(), tel.Sample(), nil, 3)
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"reasons":["gpu_idle","sw_power_cap","bit_40"]`) {
		t.Errorf("reasons not written as names: %s", b[:min(len(b), 400)])
	}
	var out results.Telemetry
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in.Before[0].Reasons, out.Before[0].Reasons) || out.Before[0].EnergyMJ != in.Before[0].EnergyMJ ||
		!out.Before[0].At.Equal(in.Before[0].At) || out.Reasons != in.Reasons {
		t.Errorf("round trip changed the samples")
	}
	var r results.ThrottleReason
	if err := json.Unmarshal([]byte(`["no_such_reason"]`), &r); err == nil {
		t.Error("unknown reason accepted")
	}
	if err := json.Unmarshal([]byte(`12`), &r); err != nil || r != results.ReasonSWPowerCap|results.ReasonHWSlowdown {
		t.Errorf("numeric reasons = %v, %v", r, err)
	}
}

func TestThrottleReasonNames(t *testing.T) {
	if got := (results.ReasonSWThermal | results.ReasonHWPowerBrake).String(); got != "sw_thermal_slowdown+hw_power_brake_slowdown" {
		t.Errorf("String = %q", got)
	}
	if results.ThrottleReason(0).String() != "none" || results.ReasonGPUIdle.Throttling() || !results.ReasonSyncBoost.Throttling() {
		t.Error("idle/sync boost classification wrong")
	}
	if !slices.Equal(results.ThrottleReason(nvml.ClocksEventReasonAll).Names()[:2], []string{"gpu_idle", "applications_clocks_setting"}) {
		t.Error("names out of bit order")
	}
	// The constants are NVML's.
	pairs := map[results.ThrottleReason]uint64{
		results.ReasonSWPowerCap: nvml.ClocksEventReasonSwPowerCap, results.ReasonHWSlowdown: nvml.ClocksThrottleReasonHwSlowdown,
		results.ReasonSyncBoost: nvml.ClocksEventReasonSyncBoost, results.ReasonSWThermal: nvml.ClocksEventReasonSwThermalSlowdown,
		results.ReasonHWThermal: nvml.ClocksThrottleReasonHwThermalSlowdown, results.ReasonHWPowerBrake: nvml.ClocksThrottleReasonHwPowerBrakeSlowdown,
		results.ReasonBoardLimit: nvml.ClocksEventReasonBoardLimit, results.ReasonReliability: nvml.ClocksEventReasonReliability,
	}
	for r, v := range pairs {
		if uint64(r) != v {
			t.Errorf("%v = %#x, NVML says %#x", r, uint64(r), v)
		}
	}
}

// BenchmarkSample measures one Sample() of a whole 8-GPU mock machine: the
// cost of benchy's own sampling code, without real NVML latency.
func BenchmarkSample(b *testing.B) {
	for _, n := range []int{1, 8} {
		b.Run(map[int]string{1: "gpus=1", 8: "gpus=8"}[n], func(b *testing.B) {
			m := hwtest.DGXH100()
			m.Devices = m.Devices[:n]
			tel, err := NewTelemetry(m)
			if err != nil {
				b.Fatal(err)
			}
			defer tel.Close()
			b.ReportAllocs()
			for b.Loop() {
				tel.Sample()
			}
		})
	}
}

// TestOldDriverSymbols checks that entry points an old driver lacks are
// never called (with lazy binding that would abort the process): the mock
// panics if they are.
func TestOldDriverSymbols(t *testing.T) {
	isolate(t)
	m := hwtest.DGXH100()
	m.LookupSymbolFunc = func(sym string) error {
		switch sym {
		case symEventReasons, symNumaNode, symArchitecture, symMigMode:
			return errors.New("undefined symbol " + sym)
		}
		return nil
	}
	// Count calls rather than panic: call() would turn a panic into "not
	// implemented" and hide the mistake.
	var called atomic.Int32
	for _, d := range m.Devices {
		dev := d.(*server.Device)
		dev.GetCurrentClocksEventReasonsFunc = func() (uint64, nvml.Return) { called.Add(1); return 0, nvml.SUCCESS }
		dev.GetNumaNodeIdFunc = func() (int, nvml.Return) { called.Add(1); return 0, nvml.SUCCESS }
		dev.GetArchitectureFunc = func() (nvml.DeviceArchitecture, nvml.Return) { called.Add(1); return 0, nvml.SUCCESS }
		dev.GetMigModeFunc = func() (int, int, nvml.Return) { called.Add(1); return 0, 0, nvml.SUCCESS }
	}
	m.GPUs[0].Set(func(s *hwtest.State) { s.Reasons = uint64(results.ReasonHWSlowdown) })
	tel := newTelemetry(t, m)
	if s := tel.Sample()[0]; s.Reasons != results.ReasonHWSlowdown || !s.Has("reasons") {
		t.Errorf("old driver sample = %+v", s)
	}
	inv := DetectWith(m)
	g := inv.GPUs[0]
	if g.Architecture != "" || g.Unavailable["architecture"] != "not implemented by this NVML" || g.NUMANode != nil || g.MIG != nil {
		t.Errorf("old driver inventory = %+v", g)
	}
	if n := called.Load(); n != 0 {
		t.Errorf("%d calls to entry points the driver lacks", n)
	}
}
