package hw

import "errors"

// This file declares, once for builds with and without cgo, what benchy
// does to this machine's GPUs through the system NVML; nvml.go implements
// it over go-nvml, nvml_nocgo.go refuses it.

// ErrNoGPU is returned (wrapped, with the reason) when there is no GPU to
// sample or lock.
var ErrNoGPU = errors.New("no NVIDIA GPU detected")

// OpenTelemetry prepares to sample every GPU of this machine through the
// system NVML (NewTelemetry over it). It fails, wrapping ErrNoGPU with the
// reason, when NVML cannot start or finds no GPU, and always in a build
// without cgo.
func OpenTelemetry() (*Telemetry, error) { return openTelemetry() }

// LockClocks locks the SM clocks of the GPUs with the given indices (all
// GPUs when none) to spec through the system NVML, turns persistence mode on
// so the lock survives between processes, and records the lock in
// ClockStatePath. It needs root (and cgo). Undo it with the returned
// Locked's Restore or with UnlockClocks.
func LockClocks(spec ClockSpec, indices ...int) (*Locked, error) { return lockClocks(spec, indices) }

// UnlockClocks resets the locked clocks of the given GPUs (all when none)
// through the system NVML, restores persistence mode where benchy changed it
// and forgets the recorded locks. It needs root (and cgo).
func UnlockClocks(indices ...int) ([]string, error) { return unlockClocks(indices) }

// Locked is a clock lock held for the duration of a run.
type Locked struct {
	locks []ClockLock
	// undo resets the locked GPUs and forgets them in the state file.
	undo func([]ClockLock) error
}

// Locks returns what was locked.
func (l *Locked) Locks() []ClockLock {
	if l == nil {
		return nil
	}
	return append([]ClockLock(nil), l.locks...)
}

// Restore undoes the lock: it resets the clocks and persistence mode of the
// locked GPUs and forgets them in the state file. Safe on nil and to call
// twice.
func (l *Locked) Restore() error {
	if l == nil || len(l.locks) == 0 {
		return nil
	}
	locks := l.locks
	l.locks = nil
	return l.undo(locks)
}
