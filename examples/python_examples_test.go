// Package examples holds no code: its tests run the example suites that
// need an interpreter (examples/python, examples/pytorch) with the real
// benchy binary, built once, in a package of their own so that their
// minutes do not count against cmd/benchy's test time.
package examples

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchy-dev/benchy/internal/syspython"
	"github.com/benchy-dev/benchy/results"
)

// systemPython is the interpreter the Python tests use (syspython.Path).
const systemPython = syspython.Path

var benchyBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "benchy-examples-")
	if err != nil {
		panic(err)
	}
	benchyBin = filepath.Join(dir, "benchy")
	if out, err := exec.Command("go", "build", "-o", benchyBin, "../cmd/benchy").CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		os.RemoveAll(dir)
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func needPython(t *testing.T, modules ...string) { t.Helper(); syspython.Need(t, modules...) }

// benchy runs the binary and returns its exit code and stderr.
func benchy(t *testing.T, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(benchyBin, args...)
	var errb strings.Builder
	cmd.Stderr = &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), errb.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, errb.String()
}

func armsByName(t *testing.T, path string) (*results.Document, map[string]*results.Arm) {
	t.Helper()
	doc, err := results.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]*results.Arm{}
	for _, a := range doc.Workloads[0].Arms {
		m[a.Name] = a
	}
	return doc, m
}

// copyExample copies an example's files to a fresh folder, so that what
// its run writes (an exported model) stays out of the tree.
func copyExample(t *testing.T, name string, files ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(name, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestPythonExampleSort runs examples/python/sort.benchy.hcl, NumPy's sort
// against its stable argsort and Python's sorted(), with Debian's
// interpreter: every arm runs and records its samples (#17.6).
func TestPythonExampleSort(t *testing.T) {
	needPython(t, "numpy")
	out := t.TempDir()
	code, errs := benchy(t, "run", filepath.Join("python", "sort.benchy.hcl"),
		"--var", "python="+systemPython, "--var", "n=20000", "--min-blocks", "2", "--max-blocks", "2", "--out", out, "--seed", "3")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, errs)
	}
	doc, _ := armsByName(t, filepath.Join(out, "sort", "results.json"))
	for _, a := range doc.Workloads[0].Arms {
		if a.Status != results.ArmOK || a.Info["numpy"] == nil || a.Info["gc"] != "disabled in the timed loop" {
			t.Errorf("%s: %s (%s), info %v", a.Name, a.Status, a.Reason, a.Info)
		}
	}
	n := map[string]int{}
	for _, b := range doc.Workloads[0].Blocks {
		for _, r := range b.Runs {
			n[r.Arm] += len(r.NS)
		}
	}
	for _, arm := range []string{"np_sort", "np_argsort_stable", "sorted"} {
		if n[arm] == 0 {
			t.Errorf("%s recorded no samples (%v)", arm, n)
		}
	}
}

// TestPyTorchExample runs examples/pytorch/convnet.benchy.hcl in a copy of
// its folder: the workload's setup exports the net with torch.onnx.export,
// and eager, traced and the ONNX Runtime arm run in one interleaved run.
// Without PyTorch the torch arms are skipped with the reason (#17.6).
func TestPyTorchExample(t *testing.T) {
	needPython(t)
	dir := copyExample(t, "pytorch", "convnet.py", "convnet.benchy.hcl")
	out := t.TempDir()
	code, errs := benchy(t, "run", filepath.Join(dir, "convnet.benchy.hcl"), "--var", "python="+systemPython,
		"--min-blocks", "2", "--max-blocks", "2", "--out", out, "--seed", "5")
	_, arms := armsByName(t, filepath.Join(out, "convnet", "results.json"))
	hasTorch := exec.Command(systemPython, "-c", "import torch").Run() == nil
	if !hasTorch {
		for _, name := range []string{"eager", "traced"} {
			if a := arms[name]; a.Status != results.ArmSkipped || !strings.Contains(a.Reason, "No module named 'torch'") {
				t.Errorf("%s without torch: %s (%s), want skipped naming torch", name, a.Status, a.Reason)
			}
		}
		t.Skipf("skipped the rest: %s cannot import torch (scripts/setup.sh installs python3-torch)", systemPython)
	}
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, errs)
	}
	for _, name := range []string{"eager", "traced", "onnxruntime"} {
		a := arms[name]
		if name == "onnxruntime" && a.Status == results.ArmSkipped {
			t.Logf("onnxruntime skipped: %s", a.Reason)
			continue
		}
		if a.Status != results.ArmOK {
			t.Errorf("%s: %s (%s)\nstderr: %s", name, a.Status, a.Reason, a.Stderr)
		}
	}
	if arms["eager"].Info["torch"] == nil || arms["eager"].Info["torch_threads"] != float64(1) {
		t.Errorf("eager's info lacks torch's version or its thread count: %v", arms["eager"].Info)
	}
}
