package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/benchy-dev/benchy/hw"
)

// TestGPUCommandsWithoutGPU checks that lock-clocks and unlock-clocks fail
// clearly, with the environment exit code, where there is no GPU. It never
// runs where a GPU is present, so it cannot change a real GPU's clocks.
func TestGPUCommandsWithoutGPU(t *testing.T) {
	if inv := hw.Detect(t.Context()); len(inv.GPUs) > 0 {
		t.Skip("this machine has a GPU; not touching its clocks")
	}
	t.Setenv("BENCHY_STATE_DIR", t.TempDir())
	tests := []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"gpu", "lock-clocks"}, exitEnvironment, "benchy: gpu lock-clocks: no NVIDIA GPU detected (NVML: "},
		{[]string{"gpu", "lock-clocks", "--gpu", "0", "--clocks", "1410"}, exitEnvironment, "benchy: gpu lock-clocks: no NVIDIA GPU detected (NVML: "},
		{[]string{"gpu", "unlock-clocks"}, exitEnvironment, "benchy: gpu unlock-clocks: no NVIDIA GPU detected (NVML: "},
		{[]string{"gpu", "lock-clocks", "--clocks", "fast"}, exitUsage, `benchy: clock spec "fast": want base, max, MHz or MIN-MAX MHz`},
		{[]string{"gpu", "lock-clocks", "--gpu", "x"}, exitUsage, "benchy: invalid argument"},
	}
	for _, tc := range tests {
		var stdout, stderr bytes.Buffer
		code := run(tc.args, &stdout, &stderr)
		if code != tc.code || !strings.HasPrefix(stderr.String(), tc.err) {
			t.Errorf("benchy %s: exit %d, stderr %q; want %d, %q", strings.Join(tc.args, " "), code, stderr.String(), tc.code, tc.err)
		}
	}
}

func TestGPUErrorCodes(t *testing.T) {
	if code := exitCodeOf(gpuError("lock-clocks", hw.ErrNoSuchGPU)); code != exitUsage {
		t.Errorf("no such GPU → exit %d", code)
	}
	if code := exitCodeOf(gpuError("lock-clocks", hw.ErrNoGPU)); code != exitEnvironment {
		t.Errorf("no GPU → exit %d", code)
	}
}

func exitCodeOf(err error) int {
	if ee, ok := err.(*exitError); ok {
		return ee.code
	}
	return -1
}
