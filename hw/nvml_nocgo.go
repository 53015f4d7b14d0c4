//go:build !cgo

package hw

import (
	"context"
	"fmt"
)

// nocgoReason explains why NVML is missing in a build without cgo.
const nocgoReason = "NVML: benchy was built without cgo"

// detectGPUs, without cgo, can only ask nvidia-smi.
func detectGPUs(ctx context.Context, inv *Inventory) {
	inv.NVML = NVML{Reason: nocgoReason}
	inv.noGPU(nocgoReason)
	trySMI(ctx, inv)
	attachLocks(inv)
}

// openTelemetry needs NVML, which a build without cgo lacks.
func openTelemetry() (*Telemetry, error) {
	return nil, fmt.Errorf("%w (%s; per-block telemetry needs NVML)", ErrNoGPU, nocgoReason)
}

// lockClocks needs NVML, which a build without cgo lacks.
func lockClocks(ClockSpec, []int) (*Locked, error) {
	return nil, fmt.Errorf("%w (%s)", ErrNoGPU, nocgoReason)
}

// unlockClocks needs NVML, which a build without cgo lacks.
func unlockClocks([]int) ([]string, error) {
	return nil, fmt.Errorf("%w (%s)", ErrNoGPU, nocgoReason)
}
