package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/benchy-dev/benchy/results"
)

var (
	goProgMu sync.Mutex
	goProgs  = map[string]string{}
)

// buildGoProgram builds the Go program in pkg (relative to this package)
// once per test run and returns its path.
func buildGoProgram(t *testing.T, pkg string) string {
	t.Helper()
	goProgMu.Lock()
	defer goProgMu.Unlock()
	if p, ok := goProgs[pkg]; ok {
		return p
	}
	dir, err := os.MkdirTemp("", "benchy-prog-")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, filepath.Base(pkg))
	if out, err := exec.Command("go", "build", "-o", p, pkg).CombinedOutput(); err != nil {
		t.Fatalf("build %s: %v\n%s", pkg, err, out)
	}
	goProgs[pkg] = p
	return p
}

func fakeWorker(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs("testdata/workers/fake.sh")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRunGoSDKExample runs the Go SDK example's own suite with the real
// binary: both functions are measured, interleaved, with their metrics.
func TestRunGoSDKExample(t *testing.T) {
	prog := buildGoProgram(t, "../../examples/gosdk")
	out := t.TempDir()
	suite, _ := filepath.Abs("../../examples/gosdk/sort.benchy.hcl")
	r := runBin(t, t.TempDir(), nil, "run", suite, "--var", "worker="+prog, "--var", "n=2000", "--min-blocks", "3", "--max-blocks", "3", "--out", out)
	r.want(t, 0, "")
	doc, err := results.ReadFile(filepath.Join(out, "sort", "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	w := doc.Workloads[0]
	for _, a := range w.Arms {
		if a.Status != results.ArmOK || a.Info["function"] == nil || a.Info["n"] != float64(2000) {
			t.Errorf("arm %s: %s %q, info %v", a.Name, a.Status, a.Reason, a.Info)
		}
	}
	for _, b := range w.Blocks {
		if len(b.Runs) != 2 {
			t.Fatalf("block %d ran %d arms", b.Index, len(b.Runs))
		}
		for _, run := range b.Runs {
			if len(run.NS) == 0 || run.Metrics["items_per_s"] <= 0 {
				t.Errorf("block %d arm %s: %d samples, metrics %v", b.Index, run.Arm, len(run.NS), run.Metrics)
			}
		}
	}
}

// TestRunBrokenWorkersFailAlone: workers (Go SDK programs and protocol
// workers in sh) that fail setup, fail or panic in the timed call or in
// their metrics, fail or panic in close, hang, print to stdout, exit in
// the middle of a block or answer a wrong version each fail their own arm with a reason naming the cause and
// the end of their stderr; the other arms run to the end and the run
// exits 1.
func TestRunBrokenWorkersFailAlone(t *testing.T) {
	broken := buildGoProgram(t, "../../worker/testdata/broken")
	sh := fakeWorker(t)
	arms := []struct {
		name    string
		command []string
		status  string
		reason  string // in the reason, "" for an arm that runs
	}{
		{"base", []string{sh, "ok"}, results.ArmOK, ""},
		{"old-worker", []string{sh, "old"}, results.ArmOK, ""},
		{"go-ok", []string{broken, "ok"}, results.ArmOK, ""},
		{"go-prints", []string{broken, "prints"}, results.ArmOK, ""},
		{"go-skip", []string{broken, "skip"}, results.ArmSkipped, "skipped: no accelerator here"},
		{"go-setup-error", []string{broken, "setup-error"}, results.ArmFailed, "setup: model.bin: no such file; stderr ends: broken: opening model.bin"},
		{"go-setup-panic", []string{broken, "setup-panic"}, results.ArmFailed, "setup: setup-panic: setup: panic: assignment to entry in nil map; stderr ends: "},
		{"go-unknown", []string{broken, "sortt"}, results.ArmFailed, `setup: no function "sortt" in this program`},
		{"go-run-error", []string{broken, "run-error"}, results.ArmFailed, "the timed call failed; stderr ends: broken: iteration 6"},
		{"go-run-panic", []string{broken, "run-panic"}, results.ArmFailed, "run-panic: panic: index out of range in the timed call; stderr ends: "},
		{"go-exits", []string{broken, "exits"}, results.ArmFailed, "worker closed its output: exit status 3; stderr ends: broken: exiting in the middle of a block"},
		{"go-hangs", []string{broken, "hangs"}, results.ArmFailed, "timed out after 2s"},
		{"go-metrics-inf", []string{broken, "metrics-inf"}, results.ArmFailed, "metric 'infm' is inf, not a finite number"},
		{"go-metrics-panic", []string{broken, "metrics-panic"}, results.ArmFailed, "metrics-panic: metrics: panic: no counters in this block; stderr ends: "},
		{"go-close-error", []string{broken, "close-error"}, results.ArmFailed, "close: could not release the device; stderr ends: broken: releasing the device"},
		{"go-close-panic", []string{broken, "close-panic"}, results.ArmFailed, "close: close-panic: panic: double free in close; stderr ends: "},
		{"sh-garbage", []string{sh, "garbage"}, results.ArmFailed, `worker printed "loading weights from /models/resnet50.bin" on stdout, not a JSON response`},
		{"sh-silent", []string{sh, "silent"}, results.ArmFailed, "setup: timed out after 2s"},
		{"sh-exit", []string{sh, "exit"}, results.ArmFailed, "exit status 137; stderr ends: fake: killed by the OOM killer (simulated)"},
		{"sh-setup-raises", []string{sh, "setup-raises"}, results.ArmFailed, "setup: ModuleNotFoundError: No module named torch; stderr ends: Traceback (most recent call last): | ModuleNotFoundError: No module named torch"},
		{"sh-run-raises", []string{sh, "run-raises"}, results.ArmFailed, "ZeroDivisionError: division by zero; stderr ends: Traceback (most recent call last): | ZeroDivisionError: division by zero"},
		{"sh-newer", []string{sh, "newer"}, results.ArmFailed, "setup: worker speaks protocol 2; this benchy speaks 1 — upgrade benchy"},
		{"sh-not-a-version", []string{sh, "not-a-version"}, results.ArmFailed, `setup: worker answered protocol "1", which is not a version`},
		{"sh-negative", []string{sh, "negative"}, results.ArmFailed, "negative duration, ns[1] = -5"},
		{"sh-short", []string{sh, "short"}, results.ArmFailed, "worker returned 2 duration(s) for 3 iteration(s)"},
	}
	var b strings.Builder
	b.WriteString("run {\n  warmup = 1\n  min_blocks = 3\n  max_blocks = 3\n  iterations = 3\n}\nworkload \"w\" {\n")
	for i, a := range arms {
		q := make([]string, len(a.command))
		for j, c := range a.command {
			q[j] = fmt.Sprintf("%q", c)
		}
		fmt.Fprintf(&b, "  arm %q {\n    baseline = %v\n    timeout = \"2s\"\n    exec {\n      command = [%s]\n      measure = \"protocol\"\n    }\n  }\n", a.name, i == 0, strings.Join(q, ", "))
	}
	b.WriteString("}\n")
	suite := writeSuite(t, b.String())
	out := t.TempDir()
	r := runBin(t, t.TempDir(), nil, "run", suite, "--out", out)
	r.want(t, 1, "")
	doc, err := results.ReadFile(filepath.Join(out, "s", "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	w := doc.Workloads[0]
	for i, want := range arms {
		a := w.Arms[i]
		if a.Name != want.name || a.Status != want.status || !strings.Contains(a.Reason, want.reason) {
			t.Errorf("arm %s: %s %q\n  want %s with %q", a.Name, a.Status, a.Reason, want.status, want.reason)
		}
		if want.status == results.ArmOK {
			n := 0
			for _, blk := range w.Blocks {
				if _, ok := blk.Value(a.Name); ok && blk.Measured() {
					n++
				}
			}
			if n != 3 {
				t.Errorf("arm %s ran %d measured blocks, want 3", a.Name, n)
			}
		}
	}
	if !strings.Contains(r.stdout, "go-exits failed: worker closed its output: exit status 3; stderr ends: broken: exiting in the middle of a block") {
		t.Errorf("the report does not show the failure with its stderr:\n%s", r.stdout)
	}
}
