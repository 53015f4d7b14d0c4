package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchy-dev/benchy/suites"
)

// driftMetricScript prints a "cost" that grows by 50 µs per call, with a
// small deterministic wobble, counting calls in a state file: the drift of
// examples' drift.sh without sleeping, so that the test depends on no clock.
const driftMetricScript = `#!/bin/sh
set -eu
n=0
[ -s "$1" ] && read -r n <"$1"
echo $((n + 1)) >"$1"
echo "cost_us: $((1000 + 50 * n + (n * 37) % 11))"
`

const driftMetricSuite = `
run {
  warmup            = 1
  min_blocks        = 8
  max_blocks        = 8
  iterations        = 1
  warmup_iterations = 0
}

workload "drift" {
  setup = ["sh", "-c", "echo 0 > state"]
  arm "a" {
    baseline = true
    exec {
      command = ["sh", "cost.sh", "state"]
      measure = "stdout-metric"
      pattern = "cost_us: ([0-9]+)"
      scale   = 1000
    }
  }
  arm "b" {
    exec {
      command = ["sh", "cost.sh", "state"]
      measure = "stdout-metric"
      pattern = "cost_us: ([0-9]+)"
      scale   = 1000
    }
  }
}
`

func writeDriftSuite(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "cost.sh"), []byte(driftMetricScript), 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "drift.benchy.hcl")
	if err := os.WriteFile(path, []byte(driftMetricSuite), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

type calibrationJSON struct {
	Order string `json:"order"`
	Arms  int    `json:"arms"`
	Total struct {
		Comparisons    int  `json:"comparisons"`
		FalsePositives int  `json:"false_positives"`
		Flagged        bool `json:"flagged"`
	} `json:"total"`
	Repeats []struct {
		Seed int64  `json:"seed"`
		Dir  string `json:"dir"`
	} `json:"repeats"`
}

// TestCalibrateSequentialLies: with a cost that grows call after call,
// sequential order makes identical arms "differ" in every repeat, while
// interleaved blocks do not.
func TestCalibrateSequentialLies(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a suite six times")
	}
	suite := writeDriftSuite(t)
	out := t.TempDir()
	code, stdout, errs := benchy(t, "calibrate", suite, "--order", "sequential", "--repeats", "3", "--seed", "11", "--out", out, "--format", "json")
	if code != exitFailure {
		t.Fatalf("sequential: exit %d, want 1\n%s\n%s", code, stdout, errs)
	}
	var v calibrationJSON
	if err := json.Unmarshal([]byte(stdout), &v); err != nil {
		t.Fatal(err)
	}
	if v.Order != "sequential" || v.Total.Comparisons != 3 || v.Total.FalsePositives != 3 || !v.Total.Flagged {
		t.Errorf("sequential: %+v", v)
	}
	if len(v.Repeats) != 3 || v.Repeats[2].Seed != 13 {
		t.Errorf("repeats %+v", v.Repeats)
	}
	for _, r := range v.Repeats {
		if _, err := os.Stat(filepath.Join(r.Dir, "results.json")); err != nil {
			t.Error(err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "calibration.json")); err != nil {
		t.Error(err)
	}

	code, stdout, errs = benchy(t, "calibrate", suite, "--repeats", "3", "--seed", "11", "--out", t.TempDir())
	if code != exitOK {
		t.Fatalf("interleaved: exit %d\n%s\n%s", code, stdout, errs)
	}
	for _, want := range []string{"order interleaved-random · 2 identical arms · 3 repeats", "calibrated", "Between identical arms"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("interleaved report lacks %q:\n%s", want, stdout)
		}
	}
}

func TestAAPlan(t *testing.T) {
	p := &suites.Plan{Name: "s", Workloads: []*suites.Workload{
		{Name: "w/size=1", Arms: []*suites.Arm{
			{Name: "cpu/precision=fp32", Axes: []suites.Axis{{Name: "precision", Value: "fp32"}}, Baseline: true, Runner: "exec"},
			{Name: "gpu", Runner: "exec"},
		}},
		{Name: "nobase", Arms: []*suites.Arm{{Name: "x"}}},
	}}
	aa, left := aaPlan(p, 3)
	if len(left) != 1 || left[0] != "nobase" || len(aa.Workloads) != 1 {
		t.Fatalf("left %v, %d workloads", left, len(aa.Workloads))
	}
	arms := aa.Workloads[0].Arms
	if len(arms) != 3 {
		t.Fatalf("%d arms", len(arms))
	}
	for i, a := range arms {
		want := "cpu/precision=fp32/copy=" + string(rune('1'+i))
		if a.Name != want || a.Baseline != (i == 0) || a.Runner != "exec" || len(a.Axes) != 2 || a.Axes[1].Name != "copy" {
			t.Errorf("arm %d: %+v", i, a)
		}
	}
	// The original plan is untouched.
	if len(p.Workloads[0].Arms) != 2 || p.Workloads[0].Arms[0].Name != "cpu/precision=fp32" || len(p.Workloads[0].Arms[0].Axes) != 1 {
		t.Error("aaPlan changed its input")
	}
}

func TestCalibrateUsageErrors(t *testing.T) {
	suite := writeDriftSuite(t)
	for _, args := range [][]string{
		{"calibrate"},
		{"calibrate", suite, "--arms", "1"},
		{"calibrate", suite, "--repeats", "0"},
		{"calibrate", suite, "--order", "random"},
		{"calibrate", suite, "--format", "html"},
		{"calibrate", suite, "--min-blocks", "9", "--max-blocks", "3"},
	} {
		if code, _, errs := benchy(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errs)
		}
	}
}

// TestDriftExampleIsValid checks the shipped drift suite without running
// it (it sleeps for seconds on purpose).
func TestDriftExampleIsValid(t *testing.T) {
	code, out, errs := benchy(t, "plan", filepath.Join("..", "..", "examples", "drift", "drift.benchy.hcl"))
	if code != 0 || !strings.Contains(out, "drift") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
}

// TestCalibrateKeepsEarlierCalibration: a second calibration never
// destroys the first. Without --out each gets a fresh
// benchy-out/calibrate-SUITE/<time>/ (and latest points at the newest);
// with --out an earlier calibration there is refused (exit 2) unless
// --force, which replaces benchy's files and keeps the user's.
func TestCalibrateKeepsEarlierCalibration(t *testing.T) {
	needBinary(t)
	suite := writeDriftSuite(t)
	work := t.TempDir()
	args := []string{"calibrate", suite, "--repeats", "1", "--seed", "3", "--min-blocks", "2", "--max-blocks", "2"}
	for i := 0; i < 2; i++ {
		if code, out, errs := benchyIn(t, work, nil, args...); code != exitOK && code != exitFailure {
			t.Fatalf("calibration %d: exit %d\n%s\n%s", i+1, code, out, errs)
		}
	}
	base := filepath.Join(work, "benchy-out", "calibrate-drift")
	ents, err := os.ReadDir(base)
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range ents {
		if e.IsDir() {
			dirs = append(dirs, e.Name())
			for _, f := range []string{"calibration.json", filepath.Join("repeat-01", "results.json")} {
				if _, err := os.Stat(filepath.Join(base, e.Name(), f)); err != nil {
					t.Error(err)
				}
			}
		}
	}
	if len(dirs) != 2 {
		t.Fatalf("two calibrations left %v in %s, want two run directories", dirs, base)
	}
	if latest, err := os.Readlink(filepath.Join(base, "latest")); err != nil || latest != dirs[1] {
		t.Errorf("latest -> %q (%v), want %q", latest, err, dirs[1])
	}

	out := filepath.Join(t.TempDir(), "cal")
	withOut := append(args, "--out", out)
	if code, stdout, errs := benchyIn(t, work, nil, withOut...); code != exitOK && code != exitFailure {
		t.Fatalf("--out: exit %d\n%s\n%s", code, stdout, errs)
	}
	first := readString(t, filepath.Join(out, "calibration.json"))
	if err := os.WriteFile(filepath.Join(out, "mine.txt"), []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := benchyIn(t, work, nil, withOut...)
	if code != exitUsage || !strings.Contains(errs, "already holds a benchy run") {
		t.Fatalf("second --out: exit %d, want 2 with a refusal\n%s", code, errs)
	}
	if readString(t, filepath.Join(out, "calibration.json")) != first {
		t.Error("the refused calibration changed the first one's calibration.json")
	}
	if code, stdout, errs := benchyIn(t, work, nil, append(withOut, "--force", "--seed", "9")...); code != exitOK && code != exitFailure {
		t.Fatalf("--force: exit %d\n%s\n%s", code, stdout, errs)
	}
	if readString(t, filepath.Join(out, "mine.txt")) != "keep" {
		t.Error("--force removed the user's own file")
	}
	if !strings.Contains(readString(t, filepath.Join(out, "calibration.json")), `"seed": 9`) {
		t.Error("--force did not replace calibration.json")
	}
}
