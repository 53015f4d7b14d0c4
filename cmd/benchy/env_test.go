package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/NVIDIA/go-nvml/pkg/nvml"

	"github.com/benchy-dev/benchy/hw"
	"github.com/benchy-dev/benchy/hw/hwtest"
	"github.com/benchy-dev/benchy/internal/golden"
	"github.com/benchy-dev/benchy/internal/secrets"
)

// fixedHost replaces everything that comes from the machine running the
// test with fixed values, so that only the GPU part is under test.
func fixedHost(inv *hw.Inventory) {
	inv.Collected = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	inv.Benchy = "v0.1.0-test"
	inv.Host = hw.Host{Hostname: "dgx01", OS: "linux", Arch: "amd64", Distro: "Ubuntu 22.04.4 LTS", Kernel: "5.15.0-105-generic",
		LoadAvg1: 0.12, UptimeSeconds: 90061, ASLR: "2"}
	inv.CPU = hw.CPU{Model: "AMD EPYC 7742 64-Core Processor", Vendor: "AuthenticAMD", Sockets: 2, Cores: 128, Threads: 256,
		Allowed: "0-255", Governors: map[string]int{"performance": 256}, ScalingDriver: "acpi-cpufreq",
		MinMHz: 1500, MaxMHz: 2250, Boost: "on", SMT: "on", NUMANodes: 8}
	inv.Memory = hw.Memory{TotalBytes: 2 << 40, AvailableBytes: 1900 << 30, TransparentHugePages: "madvise"}
	inv.Toolchain = hw.Toolchain{GoVersion: "go1.26.8", GOMAXPROCS: 256, CGO: true, Revision: "0123456789abcdef0123"}
	inv.Env = []hw.EnvVar{{Name: "CUDA_VISIBLE_DEVICES", Value: "0,1"}, {Name: "HF_TOKEN", Value: secrets.Redacted, Redacted: true}}
	inv.Problems = nil
	for i := range inv.GPUs {
		inv.GPUs[i].UUID = fmt.Sprintf("GPU-00000000-0000-4000-8000-%012d", i)
	}
}

func TestEnvTextMockMachine(t *testing.T) {
	t.Setenv("BENCHY_STATE_DIR", t.TempDir())
	m := hwtest.DGXH100()
	m.Devices = m.Devices[:2]
	m.GPUs[1].Set(func(s *hwtest.State) {
		s.Persistence = false
		s.ECCPending = false
		s.PowerLimitMW = 600000
		// A pid above Linux's PID_MAX_LIMIT (2^22): never a real process
		// whose name /proc would give.
		s.Processes = []nvml.ProcessInfo{{Pid: 4194305, UsedGpuMemory: 5 << 30}}
	})
	m.GPUs[1].Fail("GetVbiosVersion", nvml.ERROR_NOT_SUPPORTED)
	inv := hw.DetectWith(m)
	fixedHost(inv)
	var out bytes.Buffer
	writeEnvText(&out, inv)
	golden.Check(t, filepath.Join("testdata", "hw", "env-dgxh100.txt"), out.Bytes())
}

func TestEnvTextWithoutGPU(t *testing.T) {
	t.Setenv("BENCHY_STATE_DIR", t.TempDir())
	m := hwtest.DGXH100()
	m.FailInit(nvml.ERROR_LIBRARY_NOT_FOUND)
	inv := hw.DetectWith(m)
	fixedHost(inv)
	inv.Extra = map[string]any{"onnxruntime": map[string]any{"version": "1.24.1", "providers": []string{"CPUExecutionProvider"}}}
	var out bytes.Buffer
	writeEnvText(&out, inv)
	golden.Check(t, filepath.Join("testdata", "hw", "env-nogpu.txt"), out.Bytes())
}

// TestEnvCommand runs `benchy env` on this machine. Without a GPU it must
// succeed and say why there is none.
func TestEnvCommand(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"env"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("benchy env exit %d, stderr %s", code, stderr.String())
	}
	inv := hw.Detect(t.Context())
	text := stdout.String()
	if len(inv.GPUs) == 0 {
		if !strings.Contains(text, "gpu        no NVIDIA GPU detected (") {
			t.Errorf("benchy env without a GPU does not say so:\n%s", text)
		}
	} else if !strings.Contains(text, inv.GPUs[0].Name) {
		t.Errorf("benchy env does not name GPU 0 (%s):\n%s", inv.GPUs[0].Name, text)
	}
	for _, want := range []string{"benchy     ", "host       ", "cpu        ", "memory     "} {
		if !strings.Contains(text, want) {
			t.Errorf("benchy env lacks %q", want)
		}
	}
}

func TestEnvJSONWithExtras(t *testing.T) {
	old := envExtras
	t.Cleanup(func() { envExtras = old })
	envExtras = append(envExtras, func() (string, any) {
		return "onnxruntime", map[string]any{"version": "1.24.1", "providers": []string{"CPUExecutionProvider"}}
	}, func() (string, any) { return "", "ignored" })
	var stdout, stderr bytes.Buffer
	if code := run([]string{"env", "--format", "json"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, stderr.String())
	}
	var inv hw.Inventory
	if err := json.Unmarshal(stdout.Bytes(), &inv); err != nil {
		t.Fatalf("benchy env --format json is not an inventory: %v\n%s", err, stdout.String())
	}
	if inv.Schema != hw.Schema || inv.Benchy != buildVersion() || inv.GPUs == nil {
		t.Errorf("schema %q, benchy %q, gpus %v", inv.Schema, inv.Benchy, inv.GPUs)
	}
	if len(inv.GPUs) == 0 && !strings.HasPrefix(inv.GPUReason, "no NVIDIA GPU detected (") {
		t.Errorf("gpu_reason = %q", inv.GPUReason)
	}
	ort, ok := inv.Extra["onnxruntime"].(map[string]any)
	if !ok || ort["version"] != "1.24.1" || len(inv.Extra) != 1 {
		t.Errorf("extra = %#v", inv.Extra)
	}
}

func TestEnvBadFormat(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"env", "--format", "yaml"}, &stdout, &stderr); code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	if !strings.Contains(stderr.String(), `--format must be text or json, not "yaml"`) || stdout.Len() != 0 {
		t.Errorf("stdout %q stderr %q", stdout.String(), stderr.String())
	}
}

// On a VM without cpufreq boost control and a CPU without SMT, env says so
// in words instead of "boost -" and "SMT notsupported" (#15.15).
func TestEnvTextSMTAndBoostWords(t *testing.T) {
	t.Setenv("BENCHY_STATE_DIR", t.TempDir())
	m := hwtest.DGXH100()
	m.FailInit(nvml.ERROR_LIBRARY_NOT_FOUND)
	inv := hw.DetectWith(m)
	fixedHost(inv)
	inv.CPU.Boost, inv.CPU.SMT = "", "notsupported"
	var out bytes.Buffer
	writeEnvText(&out, inv)
	text := out.String()
	for _, want := range []string{"boost: unknown (no cpufreq boost control)", "SMT: not supported by this CPU/kernel"} {
		if !strings.Contains(text, want) {
			t.Errorf("env text lacks %q:\n%s", want, text)
		}
	}
	for _, bad := range []string{"boost -", "SMT notsupported"} {
		if strings.Contains(text, bad) {
			t.Errorf("env text has %q:\n%s", bad, text)
		}
	}
}
