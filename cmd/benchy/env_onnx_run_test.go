package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchy-dev/benchy/runners/onnx"
)

// TestONNXRuntimeFoundFromAnywhere runs the real binary, installed outside
// the checkout, on a suite outside the checkout, from a third directory:
// the library benchy finds from its working directory or in the user cache
// reaches the workers, which run in the suite's folder (#15.1). Without a
// library the reason is printed in full once.
func TestONNXRuntimeFoundFromAnywhere(t *testing.T) {
	needBinary(t)
	lib, err := onnx.LibraryPath()
	if err != nil {
		t.Skipf("skipped: %v", err)
	}
	lib, _ = filepath.Abs(lib)
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/yalue/onnxruntime_go").Output()
	if err != nil {
		t.Skip("skipped: cannot locate the onnxruntime_go module's test models (go list -m failed)")
	}
	model := filepath.Join(strings.TrimSpace(string(out)), "test_data", "example_big_fanout.onnx")
	suite := writeSuite(t, `
run {
  min_blocks = 2
  max_blocks = 2
  iterations = 2
}
workload "w" {
  arm "a" {
    baseline = true
    onnx { model = "`+model+`" }
  }
  arm "b" {
    onnx {
      model   = "`+model+`"
      threads = 1
    }
  }
  arm "c" {
    onnx {
      model   = "`+model+`"
      threads = 2
    }
  }
}
`)
	// installAt puts the library where benchy's install script would,
	// under the cache root root.
	installAt := func(root string) {
		d := filepath.Join(root, "onnxruntime", onnx.Version, "lib")
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(lib, filepath.Join(d, "libonnxruntime.so.1")); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		// setup prepares the working directory and the user cache.
		setup func(wd, userCache string)
		code  int
	}{
		{"project cache above the working directory", func(wd, _ string) { installAt(filepath.Join(wd, ".cache")) }, exitOK},
		{"user cache", func(_, userCache string) { installAt(filepath.Join(userCache, "benchy")) }, exitOK},
		{"nowhere", func(string, string) {}, exitEnvironment},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wd, userCache := t.TempDir(), t.TempDir()
			tc.setup(wd, userCache)
			cmd := exec.Command(buildBenchy(t), "run", suite, "--out", t.TempDir(), "--color", "never")
			cmd.Dir = wd
			cmd.Env = append(envWithout(os.Environ(), onnx.LibraryEnv, "BENCHY_CACHE", "XDG_CACHE_HOME", "LD_LIBRARY_PATH", "HOME"),
				"XDG_CACHE_HOME="+userCache, "HOME="+t.TempDir())
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			all := stdout.String() + stderr.String()
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", code, tc.code, all)
			}
			if tc.code == exitOK {
				if strings.Count(stderr.String(), ": ready (onnx)") != 3 {
					t.Fatalf("not every arm set up:\n%s", all)
				}
				return
			}
			if n := strings.Count(all, "install-onnxruntime.sh"); n != 1 {
				t.Errorf("the install hint appears %d times, want once:\n%s", n, all)
			}
			if strings.Contains(all, "skipped: skipped") {
				t.Errorf("the status is said twice:\n%s", all)
			}
			if !strings.Contains(all, "c: skipped: ONNX Runtime "+onnx.Version+" not found") {
				t.Errorf("no short reason per arm:\n%s", all)
			}
		})
	}
}

// envWithout is env less the variables named.
func envWithout(env []string, names ...string) []string {
	var out []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		keep := true
		for _, n := range names {
			keep = keep && name != n
		}
		if keep {
			out = append(out, kv)
		}
	}
	return out
}
