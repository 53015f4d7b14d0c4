//go:build !cgo

package hw

import (
	"context"
	"errors"
	"fmt"
)

// nocgoReason explains why NVML is missing in a build without cgo.
const nocgoReason = "NVML: benchy was built without cgo"

// ErrNoGPU is returned (wrapped, with the reason) when there is no GPU to
// sample or lock.
var ErrNoGPU = errors.New("no NVIDIA GPU detected")

// detectGPUs, without cgo, can only ask nvidia-smi.
func detectGPUs(ctx context.Context, inv *Inventory) {
	inv.NVML = NVML{Reason: nocgoReason}
	inv.noGPU(nocgoReason)
	trySMI(ctx, inv)
	attachLocks(inv)
}

// OpenTelemetry needs NVML, which a build without cgo lacks.
func OpenTelemetry() (*Telemetry, error) {
	return nil, fmt.Errorf("%w (%s; per-block telemetry needs NVML)", ErrNoGPU, nocgoReason)
}

// Locked is a clock lock held for the duration of a run.
type Locked struct{}

// Locks returns what was locked: nothing without cgo.
func (l *Locked) Locks() []ClockLock { return nil }

// Restore does nothing without cgo.
func (l *Locked) Restore() error { return nil }

// LockClocks needs NVML, which a build without cgo lacks.
func LockClocks(ClockSpec, ...int) (*Locked, error) {
	return nil, fmt.Errorf("%w (%s)", ErrNoGPU, nocgoReason)
}

// UnlockClocks needs NVML, which a build without cgo lacks.
func UnlockClocks(...int) ([]string, error) {
	return nil, fmt.Errorf("%w (%s)", ErrNoGPU, nocgoReason)
}
