package hw

import (
	"os"
	"testing"
)

func TestParseClockSpec(t *testing.T) {
	tests := []struct {
		in   string
		want ClockSpec
		str  string
	}{
		{"", ClockSpec{Mode: "base"}, "base"},
		{"base", ClockSpec{Mode: "base"}, "base"},
		{"TDP", ClockSpec{Mode: "base"}, "base"},
		{"max", ClockSpec{Mode: "max"}, "max"},
		{"1410", ClockSpec{Mode: "mhz", MinMHz: 1410, MaxMHz: 1410}, "1410"},
		{"1410MHz", ClockSpec{Mode: "mhz", MinMHz: 1410, MaxMHz: 1410}, "1410"},
		{"1200-1410", ClockSpec{Mode: "mhz", MinMHz: 1200, MaxMHz: 1410}, "1200-1410"},
	}
	for _, tc := range tests {
		got, err := ParseClockSpec(tc.in)
		if err != nil || got != tc.want || got.String() != tc.str {
			t.Errorf("ParseClockSpec(%q) = %+v (%q), %v; want %+v (%q)", tc.in, got, got.String(), err, tc.want, tc.str)
		}
	}
	for _, bad := range []string{"fast", "0", "1410-1200", "-5", "1e3", "99999999999"} {
		if _, err := ParseClockSpec(bad); err == nil {
			t.Errorf("ParseClockSpec(%q) accepted", bad)
		}
	}
}

func TestClockStateFile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("BENCHY_STATE_DIR", dir)
	if got, err := readClockLocks(); err != nil || got != nil {
		t.Fatalf("no state file: %v, %v", got, err)
	}
	a := ClockLock{UUID: "GPU-a", Index: 0, Spec: ClockSpec{Mode: "base"}}
	b := ClockLock{UUID: "GPU-b", Index: 1, Spec: ClockSpec{Mode: "max"}, MinMHz: 1980, MaxMHz: 1980}
	if err := writeClockLocks([]ClockLock{a, b}); err != nil {
		t.Fatal(err)
	}
	b2 := b
	b2.Spec = ClockSpec{Mode: "mhz", MinMHz: 1500, MaxMHz: 1500}
	if err := writeClockLocks(mergeLocks([]ClockLock{a, b}, []ClockLock{b2})); err != nil {
		t.Fatal(err)
	}
	got, err := readClockLocks()
	if err != nil || len(got) != 2 || got[0].UUID != "GPU-a" || got[1].Spec.MinMHz != 1500 {
		t.Fatalf("after merge: %+v, %v", got, err)
	}
	if err := writeClockLocks(nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(ClockStatePath()); !os.IsNotExist(err) {
		t.Errorf("state file left behind: %v", err)
	}
	if err := os.WriteFile(ClockStatePath(), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readClockLocks(); err == nil {
		t.Error("corrupt state file accepted")
	}
}
