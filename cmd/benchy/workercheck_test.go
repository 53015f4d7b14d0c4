package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// quick keeps the checker's runs short in the tests; its 2 s timeout is
// what the hanging workers' violations name.
var quick = []string{"--blocks", "2", "--iterations", "5", "--round-trips", "3", "--timeout", "2s"}

func check(t *testing.T, argv ...string) binResult {
	t.Helper()
	return checkWithin(t, "2s", argv...)
}

// checkWithin checks a worker with quick's counts and the given timeout
// on every call: a worker that answers gets a generous one, so that a
// loaded machine's slow start is not mistaken for a hang.
func checkWithin(t *testing.T, timeout string, argv ...string) binResult {
	t.Helper()
	flags := append(append([]string{"worker", "check"}, quick[:len(quick)-1]...), timeout, "--")
	return runBin(t, t.TempDir(), nil, append(flags, argv...)...)
}

// TestWorkerCheckConforming: the Go SDK example and a correct sh worker
// conform, with the measured costs printed; a worker from before the
// protocol field conforms with a warning.
func TestWorkerCheckConforming(t *testing.T) {
	sortbench := buildGoProgram(t, "../../examples/gosdk")
	for _, argv := range [][]string{{sortbench, "slices", "n=100"}, {sortbench, "sort"}, {fakeWorker(t), "ok"}, {fakeWorker(t), "old"}} {
		r := checkWithin(t, "40s", argv...)
		if r.code != 0 || !strings.Contains(r.stdout, "conforms to worker protocol 1") ||
			!strings.Contains(r.stdout, "ok       asked for protocol 2, the worker answered 1") ||
			!regexp.MustCompile(`round trip of a run request: [0-9.]+[µm]?s beyond its iteration`).MatchString(r.stdout) ||
			!strings.Contains(r.stdout, "untimed time per iteration: ") {
			t.Errorf("%v: exit %d\n%s%s", argv, r.code, r.stdout, r.stderr)
		}
		if old := argv[len(argv)-1] == "old"; old != strings.Contains(r.stdout, `warning  the setup response has no "protocol" field`) {
			t.Errorf("%v: the missing-field warning is wrong:\n%s", argv, r.stdout)
		}
	}
}

// TestWorkerCheckViolations: each broken worker exits 1 with its violation
// and the fix.
func TestWorkerCheckViolations(t *testing.T) {
	broken := buildGoProgram(t, "../../worker/testdata/broken")
	sh := fakeWorker(t)
	cases := []struct {
		argv      []string
		violation string
		fix       string
	}{
		{[]string{sh, "garbage"}, `block 1: the worker printed "loading weights from /models/resnet50.bin" on stdout, not a JSON response`, "send logs and progress to stderr"},
		{[]string{sh, "silent"}, "setup: no response: timed out after 2s", "flush stdout after it"},
		{[]string{sh, "hang"}, "block 1: no response: timed out after 2s", "flush stdout after it"},
		{[]string{sh, "exit"}, "block 1: worker closed its output: exit status 137; stderr ends: fake: killed by the OOM killer (simulated)", "instead of exiting"},
		{[]string{sh, "setup-raises"}, "setup: setup failed: ModuleNotFoundError: No module named torch; stderr ends: Traceback", "fix what the error says"},
		{[]string{sh, "run-raises"}, "block 2: run failed: ZeroDivisionError: division by zero", "a run that fails ends the arm"},
		{[]string{sh, "newer"}, "setup: worker speaks protocol 2; this benchy speaks 1 — upgrade benchy", `answer setup with "protocol": N`},
		{[]string{sh, "not-a-version"}, `setup: response {"ok":true,"protocol":"1"}: /protocol: must be an integer, not the string "1"`, `answer setup with "protocol": 1`},
		{[]string{sh, "negative"}, "block 1: response", "/ns/1: must be at least 0, not -5"},
		{[]string{sh, "float"}, "/ns/0: must be an integer, not the number 1000.5", "nanoseconds from a monotonic clock"},
		{[]string{sh, "short"}, "block 1: worker returned 4 duration(s) for 5 iteration(s)", "exactly one duration per timed iteration"},
		{[]string{sh, "ignore-unknown"}, "unknown op: worker closed its output: exit status 4", "a newer benchy may send ops"},
		{[]string{sh, "chatty"}, `close: the worker printed "{\"ok\":true,\"bye\":1}" after answering close`, "print nothing on stdout after the close response"},
		{[]string{broken, "run-panic"}, "run failed: run-panic: panic: index out of range in the timed call", "fix what the error says"},
		{[]string{broken, "exits"}, "exit status 3; stderr ends: broken: exiting in the middle of a block", "instead of exiting"},
		{[]string{broken, "sortt"}, `setup failed: no function "sortt" in this program (it serves`, "fix what the error says"},
		{[]string{filepath.Join(t.TempDir(), "missing")}, "start: start ", "the program must exist and be executable"},
	}
	for _, c := range cases {
		r := check(t, c.argv...)
		if r.code != 1 || !strings.Contains(r.stdout, c.violation) || !strings.Contains(r.stdout, c.fix) || !strings.Contains(r.stdout, "violation(s) of the worker protocol") {
			t.Errorf("%v: exit %d, want 1 with %q and %q:\n%s%s", c.argv[1:], r.code, c.violation, c.fix, r.stdout, r.stderr)
		}
	}
}

func TestWorkerCheckSkipAndUsage(t *testing.T) {
	r := check(t, fakeWorker(t), "skip")
	r.want(t, 3, "")
	if !strings.Contains(r.stdout, "skipped  the worker skipped at setup: skipped: no accelerator here") {
		t.Errorf("skip:\n%s", r.stdout)
	}
	for _, args := range [][]string{
		{"worker", "check"},
		{"worker", "check", "prog"},
		{"worker", "check", "--blocks", "0", "--", "prog"},
		{"worker", "check", "--config", "[1]", "--", "prog"},
	} {
		if r := runBin(t, t.TempDir(), nil, args...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s", args, r.code, r.stderr)
		}
	}
}

// TestWorkerCheckDocExample: the minimal Python worker in docs/protocol.md
// conforms.
func TestWorkerCheckDocExample(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed; the documented worker is Python")
	}
	doc, err := os.ReadFile("../../docs/protocol.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "## A minimal worker")
	_, code, ok2 := strings.Cut(rest, "```python\n")
	code, _, ok3 := strings.Cut(code, "```")
	if !ok || !ok2 || !ok3 {
		t.Fatal("docs/protocol.md has no python block under \"A minimal worker\"")
	}
	script := filepath.Join(t.TempDir(), "worker.py")
	if err := os.WriteFile(script, []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	// A pyenv shim alone can take seconds to start python under load.
	r := runBin(t, t.TempDir(), nil, "worker", "check", "--blocks", "2", "--iterations", "5", "--round-trips", "3", "--timeout", "40s", "--", py, script)
	if r.code != 0 || !strings.Contains(r.stdout, "conforms to worker protocol 1") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestWorkerCheckNode: the Node worker for ONNX Runtime conforms, where
// node and onnxruntime-node are installed.
func TestWorkerCheckNode(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	script, _ := filepath.Abs("../../examples/onnx/ort-node-worker.js")
	model := filepath.Join(t.TempDir(), "frill.onnx")
	r := checkWithin(t, "40s", node, script, "--model", model, "--threads", "1")
	if r.code == 3 {
		t.Skipf("the Node worker skipped, and answered that correctly: %s", lastLines(r.stdout, 3))
	}
	if code, out, errs := runBenchy(t, "models", "export", "frill", "-o", model); code != 0 {
		t.Fatalf("export: exit %d, %q %q", code, out, errs)
	}
	r = runBin(t, t.TempDir(), nil, "worker", "check", "--blocks", "2", "--iterations", "3", "--round-trips", "3", "--timeout", "60s", "--", node, script, "--model", model, "--threads", "1")
	if r.code != 0 || !strings.Contains(r.stdout, "conforms to worker protocol 1") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
