//go:build !cgo

package hw

import (
	"context"
	"errors"
	"os/exec"
	"testing"
)

func TestDetectWithoutCgo(t *testing.T) {
	t.Setenv("BENCHY_STATE_DIR", t.TempDir())
	if _, err := exec.LookPath("nvidia-smi"); err == nil {
		t.Skip("nvidia-smi is installed; the fallback would find GPUs")
	}
	inv := Detect(context.Background())
	if inv.GPUReason != "no NVIDIA GPU detected (NVML: benchy was built without cgo)" || inv.GPUs == nil || inv.Toolchain.CGO {
		t.Errorf("reason %q, gpus %v, cgo %v", inv.GPUReason, inv.GPUs, inv.Toolchain.CGO)
	}
	if _, err := OpenTelemetry(); !errors.Is(err, ErrNoGPU) {
		t.Errorf("OpenTelemetry: %v", err)
	}
	if _, err := LockClocks(ClockSpec{Mode: "base"}); !errors.Is(err, ErrNoGPU) {
		t.Errorf("LockClocks: %v", err)
	}
	if _, err := UnlockClocks(); !errors.Is(err, ErrNoGPU) {
		t.Errorf("UnlockClocks: %v", err)
	}
}
