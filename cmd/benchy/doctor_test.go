package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/NVIDIA/go-nvml/pkg/nvml"

	"github.com/benchy-dev/benchy/hw"
	"github.com/benchy-dev/benchy/hw/doctor"
	"github.com/benchy-dev/benchy/hw/hwtest"
	"github.com/benchy-dev/benchy/internal/golden"
	"github.com/benchy-dev/benchy/results"
)

func TestDoctorTextMockMachine(t *testing.T) {
	t.Setenv("BENCHY_STATE_DIR", t.TempDir())
	m := hwtest.DGXH100()
	m.Devices = m.Devices[:2]
	if _, err := hw.LockClocksWith(m, hw.ClockSpec{Mode: "base"}, 0); err != nil {
		t.Fatal(err)
	}
	m.GPUs[1].Set(func(s *hwtest.State) {
		s.Persistence = false
		s.TempC = 84
		s.Reasons = uint64(results.ReasonSWPowerCap)
		// A pid above Linux's PID_MAX_LIMIT (2^22): never a real process
		// whose name /proc would give.
		s.Processes = []nvml.ProcessInfo{{Pid: 4194305, UsedGpuMemory: 5 << 30}}
	})
	inv := hw.DetectWith(m)
	fixedHost(inv)
	inv.GPUs[0].LockedClocks.Since = inv.Collected
	tel, err := hw.NewTelemetry(m)
	if err != nil {
		t.Fatal(err)
	}
	defer tel.Close()
	checks := doctor.Examine(inv, tel.Sample())
	var out bytes.Buffer
	writeDoctorText(&out, doctorReport{Worst: doctor.Worst(checks), Checks: checks})
	golden.Check(t, filepath.Join("testdata", "hw", "doctor-dgxh100.txt"), out.Bytes())
}

// TestDoctorCommand runs `benchy doctor` on this machine; the checks depend
// on the machine, so only their shape and the exit codes are pinned.
func TestDoctorCommand(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"doctor", "--format", "json"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("benchy doctor exit %d, stderr %s", code, stderr.String())
	}
	var rep doctorReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("doctor JSON: %v\n%s", err, stdout.String())
	}
	ids := map[string]bool{}
	for _, c := range rep.Checks {
		ids[c.ID] = true
		if c.Name == "" || c.Detail == "" {
			t.Errorf("check %+v lacks a name or detail", c)
		}
	}
	for _, id := range []string{"cpu.governor", "cpu.boost", "cpu.smt", "sys.swap"} {
		if !ids[id] {
			t.Errorf("doctor lacks %s", id)
		}
	}
	if !ids["gpu"] && !ids["gpu0.persistence"] {
		t.Error("doctor says nothing about GPUs")
	}
	if rep.Worst != doctor.Worst(rep.Checks) {
		t.Errorf("worst = %s, checks say %s", rep.Worst, doctor.Worst(rep.Checks))
	}
	stdout.Reset()
	wantStrict := exitOK
	if rep.Worst == doctor.Warn || rep.Worst == doctor.Bad {
		wantStrict = exitFailure
	}
	if code := run([]string{"doctor", "--strict"}, &stdout, &stderr); code != wantStrict {
		t.Errorf("doctor --strict exit %d with worst %s, want %d", code, rep.Worst, wantStrict)
	}
	if !strings.Contains(stdout.String(), "CPU frequency governor") {
		t.Errorf("doctor text:\n%s", stdout.String())
	}
}

func TestDoctorBadFormat(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"doctor", "--format", "md"}, &stdout, &stderr); code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
}
