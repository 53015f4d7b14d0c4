package onnx

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/benchy-dev/benchy/runners"
)

// needORT skips the test when ONNX Runtime is not installed, saying how to
// install it.
func needORT(t testing.TB) Library {
	t.Helper()
	lib, err := Init()
	if IsNotFound(err) {
		t.Skipf("skipped: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

const debianData = "/usr/share/libonnx-testdata/data"

// debianModel returns a model from Debian's libonnx-testdata package, or
// skips the test when the package is not installed.
func debianModel(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(debianData, rel, "model.onnx")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("skipped: %s not found; install Debian's libonnx-testdata package (apt-get install libonnx-testdata)", p)
	}
	return p
}

var (
	ortGoDirOnce sync.Once
	ortGoDir     string
)

// ortGoTestData returns the onnxruntime_go module's test_data folder.
func ortGoTestData(t testing.TB) string {
	t.Helper()
	ortGoDirOnce.Do(func() {
		out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/yalue/onnxruntime_go").Output()
		if err == nil {
			ortGoDir = filepath.Join(strings.TrimSpace(string(out)), "test_data")
		}
	})
	if ortGoDir == "" {
		t.Skip("skipped: cannot locate the onnxruntime_go module (go list -m failed)")
	}
	return ortGoDir
}

// setup runs Setup on a fresh runner with cfg (JSON-encoded) and returns
// the runner, its info and the error.
func setup(t testing.TB, cfg Config, suiteDir string) (*Runner, map[string]any, error) {
	t.Helper()
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r := &Runner{}
	t.Cleanup(func() { r.Close() })
	info, err := r.Setup(context.Background(), runners.Setup{Config: b, Seed: 42, SuiteDir: suiteDir})
	return r, info, err
}

func TestRunnerConv2d(t *testing.T) {
	needORT(t)
	m := debianModel(t, "pytorch-converted/test_Conv2d")
	r, info, err := setup(t, Config{Model: filepath.Base(filepath.Dir(m)) + "/model.onnx", Threads: 1}, filepath.Dir(filepath.Dir(m)))
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.MarshalIndent(info, "", "  ")
	t.Logf("%s", js)
	ns, _, err := r.Run(context.Background(), 2, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != 5 {
		t.Fatalf("got %d samples", len(ns))
	}
	for _, d := range ns {
		if d <= 0 {
			t.Fatalf("non-positive sample %d", d)
		}
	}
	if got := info["providers_used"].([]string); len(got) != 1 || got[0] != "CPUExecutionProvider" {
		t.Fatalf("providers_used = %v", got)
	}
}
