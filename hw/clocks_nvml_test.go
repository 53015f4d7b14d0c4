//go:build cgo

package hw

import (
	"errors"
	"strings"
	"testing"

	"github.com/NVIDIA/go-nvml/pkg/nvml"

	"github.com/benchy-dev/benchy/hw/hwtest"
)

func TestLockAndUnlockClocks(t *testing.T) {
	isolate(t)
	m := hwtest.DGXH100()
	m.GPUs[1].Set(func(s *hwtest.State) { s.Persistence = false })
	held, err := LockClocksWith(m, ClockSpec{Mode: "base"}, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		s := m.GPUs[i].State()
		if s.LockedMin != 0xffffff01 || s.LockedMax != 0xffffff01 || !s.Persistence {
			t.Errorf("GPU %d after lock: min %#x max %#x persistence %v", i, s.LockedMin, s.LockedMax, s.Persistence)
		}
	}
	if s := m.GPUs[2].State(); s.LockedMin != 0 {
		t.Error("GPU 2 was locked though not asked for")
	}
	inv := DetectWith(m)
	if l := inv.GPUs[1].LockedClocks; l == nil || l.Spec.Mode != "base" || !l.PersistenceWasOff {
		t.Errorf("inventory lock for GPU 1 = %+v", l)
	}
	if inv.GPUs[2].LockedClocks != nil {
		t.Error("GPU 2 reported locked")
	}
	if d := inv.GPUs[1].LockedClocks.Describe(); !strings.HasPrefix(d, "base (TDP) clock, locked by benchy at ") {
		t.Errorf("lock on GPU 1 described as %q", d)
	}
	// Restore (what a run does at the end, or on Ctrl-C) undoes everything.
	if err := held.Restore(); err != nil {
		t.Fatal(err)
	}
	if err := held.Restore(); err != nil {
		t.Fatalf("second Restore: %v", err)
	}
	if s := m.GPUs[1].State(); s.LockedMin != 0 || s.Persistence {
		t.Errorf("GPU 1 after restore: %+v", s)
	}
	if s := m.GPUs[0].State(); s.LockedMin != 0 || !s.Persistence {
		t.Errorf("GPU 0 after restore: locked %d persistence %v (it was on before)", s.LockedMin, s.Persistence)
	}
	if locks, err := readClockLocks(); err != nil || len(locks) != 0 {
		t.Errorf("locks left after restore: %v, %v", locks, err)
	}
}

func TestLockMaxThenUnlockCommand(t *testing.T) {
	isolate(t)
	m := hwtest.DGXA100()
	if _, err := LockClocksWith(m, ClockSpec{Mode: "max"}); err != nil {
		t.Fatal(err)
	}
	if s := m.GPUs[7].State(); s.LockedMin != 1410 || s.LockedMax != 1410 {
		t.Errorf("A100 max lock = %d-%d", s.LockedMin, s.LockedMax)
	}
	locks, _ := readClockLocks()
	if len(locks) != 8 || locks[7].MaxMHz != 1410 {
		t.Fatalf("recorded locks = %+v", locks)
	}
	done, err := unlockClocksWith(m, 7)
	if err != nil || len(done) != 1 || done[0] != "GPU 7: clocks unlocked" {
		t.Errorf("unlock GPU 7 = %q, %v", done, err)
	}
	locks, _ = readClockLocks()
	if len(locks) != 7 {
		t.Errorf("%d locks left, want 7", len(locks))
	}
	if _, err := unlockClocksWith(m); err != nil {
		t.Fatal(err)
	}
	if locks, _ := readClockLocks(); len(locks) != 0 {
		t.Errorf("locks left: %v", locks)
	}
}

func TestLockNeedsRoot(t *testing.T) {
	isolate(t)
	m := hwtest.DGXH100()
	m.GPUs[0].Set(func(s *hwtest.State) { s.Persistence = false })
	m.GPUs[3].Fail("SetGpuLockedClocks", nvml.ERROR_NO_PERMISSION)
	_, err := LockClocksWith(m, ClockSpec{Mode: "mhz", MinMHz: 1500, MaxMHz: 1500})
	if err == nil || !strings.Contains(err.Error(), "GPU 3: NVML lock clocks to 1500: no permission: changing GPU clocks needs root (try sudo)") {
		t.Fatalf("error = %v", err)
	}
	// GPUs 0-2 were locked before GPU 3 failed; the partial lock is undone.
	for i := 0; i < 3; i++ {
		if s := m.GPUs[i].State(); s.LockedMin != 0 {
			t.Errorf("GPU %d still locked after a failed lock", i)
		}
	}
	if s := m.GPUs[0].State(); s.Persistence {
		t.Error("GPU 0 persistence not restored after a failed lock")
	}
	if locks, _ := readClockLocks(); len(locks) != 0 {
		t.Errorf("failed lock recorded: %v", locks)
	}
}

func TestLockErrors(t *testing.T) {
	isolate(t)
	m := hwtest.DGXH100()
	inits, shutdowns := 0, 0
	initf, shutf := m.InitFunc, m.ShutdownFunc
	m.InitFunc = func() nvml.Return { inits++; return initf() }
	m.ShutdownFunc = func() nvml.Return { shutdowns++; return shutf() }
	if _, err := LockClocksWith(m, ClockSpec{Mode: "base"}, 8); !errors.Is(err, ErrNoSuchGPU) || err.Error() != "no such GPU: GPU 8 does not exist (this machine has 8)" {
		t.Errorf("bad index: %v", err)
	}
	if _, err := unlockClocksWith(m, 9); !errors.Is(err, ErrNoSuchGPU) {
		t.Errorf("unlock, bad index: %v", err)
	}
	if inits != 2 || shutdowns != 2 {
		t.Errorf("after two refused indices NVML was initialised %d times and shut down %d times; want 2 and 2", inits, shutdowns)
	}
	m.FailInit(nvml.ERROR_LIBRARY_NOT_FOUND)
	if _, err := LockClocksWith(m, ClockSpec{Mode: "base"}); !errors.Is(err, ErrNoGPU) || err.Error() != "no NVIDIA GPU detected (NVML: library not found)" {
		t.Errorf("no driver: %v", err)
	}
	if _, err := unlockClocksWith(m); !errors.Is(err, ErrNoGPU) {
		t.Errorf("unlock without driver: %v", err)
	}
	var nothing *Locked
	if nothing.Restore() != nil || nothing.Locks() != nil {
		t.Error("nil Locked is not inert")
	}
}
