package hw

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/benchy-dev/benchy/internal/atomicfile"
)

// ErrNoSuchGPU is returned (wrapped) when a GPU index does not exist.
var ErrNoSuchGPU = errors.New("no such GPU")

// ClockSpec says what to lock GPU clocks to.
type ClockSpec struct {
	// Mode is "base" (the TDP base clock, which a GPU can hold under full
	// load without power capping: the reproducible choice), "max" (the
	// maximum SM clock; expect power capping under heavy load) or "mhz"
	// (MinMHz..MaxMHz).
	Mode   string `json:"mode"`
	MinMHz uint32 `json:"min_mhz,omitempty"`
	MaxMHz uint32 `json:"max_mhz,omitempty"`
}

// ParseClockSpec reads "base", "max", "1410" or "1200-1410" (MHz).
func ParseClockSpec(s string) (ClockSpec, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "", "base", "tdp":
		return ClockSpec{Mode: "base"}, nil
	case "max":
		return ClockSpec{Mode: "max"}, nil
	}
	lo, hi, isRange := strings.Cut(s, "-")
	a, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(lo), "mhz"), 10, 32)
	if err != nil || a == 0 {
		return ClockSpec{}, fmt.Errorf("clock spec %q: want base, max, MHz or MIN-MAX MHz", s)
	}
	b := a
	if isRange {
		b, err = strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(hi), "mhz"), 10, 32)
		if err != nil || b < a {
			return ClockSpec{}, fmt.Errorf("clock spec %q: want MIN-MAX with MIN <= MAX", s)
		}
	}
	return ClockSpec{Mode: "mhz", MinMHz: uint32(a), MaxMHz: uint32(b)}, nil
}

// String renders the spec as ParseClockSpec reads it.
func (c ClockSpec) String() string {
	switch c.Mode {
	case "mhz":
		if c.MinMHz == c.MaxMHz {
			return fmt.Sprintf("%d", c.MinMHz)
		}
		return fmt.Sprintf("%d-%d", c.MinMHz, c.MaxMHz)
	case "":
		return "base"
	}
	return c.Mode
}

// ClockLock records a clock lock benchy applied to one GPU, so that the
// inventory can report it and unlock-clocks can undo it (NVML cannot read
// back locked clocks).
type ClockLock struct {
	UUID  string    `json:"uuid"`
	Index int       `json:"index"`
	Spec  ClockSpec `json:"spec"`
	// MinMHz and MaxMHz are what was passed to NVML; 0 for "base", which
	// the driver resolves itself.
	MinMHz uint32    `json:"min_mhz,omitempty"`
	MaxMHz uint32    `json:"max_mhz,omitempty"`
	Since  time.Time `json:"since"`
	// PersistenceWasOff is true when benchy turned persistence mode on to
	// keep the lock, and must turn it off again on unlock.
	PersistenceWasOff bool `json:"persistence_was_off,omitempty"`
}

// clockState is the on-disk record of the locks benchy holds.
type clockState struct {
	Locks []ClockLock `json:"locks"`
}

// ClockStatePath is where benchy records the clock locks it holds:
// $BENCHY_STATE_DIR/gpu-clocks.json, else /run/benchy/gpu-clocks.json
// (a tmpfs, cleared at reboot just as the locks are).
func ClockStatePath() string {
	if d := os.Getenv("BENCHY_STATE_DIR"); d != "" {
		return filepath.Join(d, "gpu-clocks.json")
	}
	return "/run/benchy/gpu-clocks.json"
}

// readClockLocks returns the locks recorded in the state file (none when
// the file does not exist).
func readClockLocks() ([]ClockLock, error) {
	b, err := os.ReadFile(ClockStatePath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading clock locks: %w", err)
	}
	var st clockState
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("reading clock locks %s: %w", ClockStatePath(), err)
	}
	return st.Locks, nil
}

// writeClockLocks replaces the state file atomically, removing it when no
// lock remains.
func writeClockLocks(locks []ClockLock) error {
	p := ClockStatePath()
	if len(locks) == 0 {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("clearing clock locks: %w", err)
		}
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("recording clock locks: %w", err)
	}
	b, err := json.MarshalIndent(clockState{Locks: locks}, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(p, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("recording clock locks: %w", err)
	}
	return nil
}

// mergeLocks replaces the entries of the same GPUs (by UUID) in old with new.
func mergeLocks(old, add []ClockLock) []ClockLock {
	replaced := map[string]bool{}
	for _, l := range add {
		replaced[l.UUID] = true
	}
	var out []ClockLock
	for _, l := range old {
		if !replaced[l.UUID] {
			out = append(out, l)
		}
	}
	return append(out, add...)
}

// attachLocks sets GPU.LockedClocks from the state file.
func attachLocks(inv *Inventory) {
	locks, err := readClockLocks()
	if err != nil {
		inv.Problems = append(inv.Problems, err.Error())
		return
	}
	for i := range inv.GPUs {
		for j := range locks {
			if locks[j].UUID != "" && locks[j].UUID == inv.GPUs[i].UUID {
				l := locks[j]
				inv.GPUs[i].LockedClocks = &l
			}
		}
	}
}

// Describe renders a lock for people: "base clock (locked 2026-11-26 10:00 UTC)".
func (l ClockLock) Describe() string {
	what := l.Spec.String() + " MHz"
	switch l.Spec.Mode {
	case "base", "":
		what = "base (TDP) clock"
	case "max":
		what = fmt.Sprintf("max clock %d MHz", l.MaxMHz)
	}
	return fmt.Sprintf("%s, locked by benchy at %s", what, l.Since.UTC().Format("2006-01-02 15:04 UTC"))
}
