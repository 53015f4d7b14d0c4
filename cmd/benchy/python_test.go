package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchy-dev/benchy/internal/syspython"
	"github.com/benchy-dev/benchy/results"
)

// systemPython is the interpreter the Python tests use (syspython.Path).
const systemPython = syspython.Path

// needPython skips a test without systemPython, or without the modules
// given importing in it, with the reason.
func needPython(t *testing.T, modules ...string) { t.Helper(); syspython.Need(t, modules...) }

// armsByName reads a results document's arms of its first workload.
func armsByName(t *testing.T, path string) map[string]*results.Arm {
	t.Helper()
	doc, err := results.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]*results.Arm{}
	for _, a := range doc.Workloads[0].Arms {
		m[a.Name] = a
	}
	return m
}

// TestPythonBadInput: each kind of bad user code fails (or skips) its own
// arm, with a reason that names the cause, and the run goes on and exits 1
// (#17.3, #17.4).
func TestPythonBadInput(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	for _, f := range []string{"arms.py", "missing_module.py"} {
		b, err := os.ReadFile(filepath.Join("testdata", "python", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	arm := func(name, script, function, extra string) string {
		return `
  arm "` + name + `" {
    baseline = ` + map[bool]string{true: "true", false: "false"}[name == "ok"] + `
    timeout  = "5s"
    python {
      script      = "` + script + `"
      function    = "` + function + `"
      interpreter = var.python
      config      = { n = 100, batch = 8 }` + extra + `
    }
  }`
	}
	suite := `
variable "python" {
  type    = string
  default = "` + systemPython + `"
}

run {
  warmup     = 1
  min_blocks = 3
  max_blocks = 3
  iterations = 2
}

workload "bad" {` +
		arm("ok", "arms.py", "ok", "") +
		arm("raise_setup", "arms.py", "raise_setup", "") +
		arm("raise_call", "arms.py", "raise_call", "") +
		arm("hang", "arms.py", "hang", "") +
		arm("prints", "arms.py", "prints", "") +
		arm("exits", "arms.py", "exits", "") +
		arm("sys_exit", "arms.py", "sys_exit", "") +
		arm("not_callable", "arms.py", "not_callable", "") +
		arm("typo", "arms.py", "raise_stup", "") +
		arm("missing_module", "missing_module.py", "f", "") +
		arm("missing_interpreter", "arms.py", "ok", "\n      interpreter = \"/nonexistent/python3\"") + `
}
`
	// interpreter twice is an HCL error: the last arm names its own.
	suite = strings.Replace(suite, "interpreter = var.python\n      config      = { n = 100, batch = 8 }\n      interpreter = \"/nonexistent/python3\"",
		"interpreter = \"/nonexistent/python3\"\n      config      = { n = 100, batch = 8 }", 1)
	path := filepath.Join(dir, "bad.benchy.hcl")
	if err := os.WriteFile(path, []byte(suite), 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	code, _, errs := benchy(t, "run", path, "--out", out, "--force", "--seed", "1")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (failed arms):\n%s", code, errs)
	}
	arms := armsByName(t, filepath.Join(out, "bad", "results.json"))
	cases := []struct {
		arm, status string
		reason      []string // substrings of the reason
		stderr      []string // substrings of the stderr tail
	}{
		{"ok", results.ArmOK, nil, nil},
		{"raise_setup", results.ArmFailed,
			[]string{"setup: raise_setup(config) raised ValueError: no such batch size: 8", "Traceback", `arms.py", line 15, in raise_setup`},
			[]string{"ValueError: no such batch size: 8"}},
		{"raise_call", results.ArmFailed,
			[]string{"the callable that raise_call(config) returned raised RuntimeError: the kernel broke", `arms.py", line 20, in call`},
			[]string{"RuntimeError: the kernel broke"}},
		{"hang", results.ArmFailed, []string{"timed out after 5s"}, []string{"hang: going to sleep"}},
		// The SDK moves user output off the protocol stream: the arm runs.
		{"prints", results.ArmOK, nil, []string{"setup chatter on stdout", "call chatter on stdout", "raw bytes on fd 1"}},
		{"exits", results.ArmFailed, []string{"worker closed its output", "exit status 3"}, []string{"exits: leaving in the middle of a block"}},
		{"sys_exit", results.ArmFailed, []string{"the callable that sys_exit(config) returned called sys.exit(4)"}, nil},
		{"not_callable", results.ArmFailed, []string{"not_callable(config) returned int, not the zero-argument callable to time"}, nil},
		{"typo", results.ArmFailed, []string{"arms.py has no function 'raise_stup'. Did you mean 'raise_setup'?", "its functions: exits, hang, not_callable, ok, prints, raise_call, raise_setup, sys_exit"}, nil},
		{"missing_module", results.ArmSkipped, []string{"missing_module.py cannot be imported: ModuleNotFoundError: No module named 'benchy_no_such_module'", systemPython}, nil},
		{"missing_interpreter", results.ArmSkipped, []string{"the interpreter /nonexistent/python3 cannot be run"}, nil},
	}
	for _, tc := range cases {
		a := arms[tc.arm]
		if a == nil {
			t.Errorf("%s: no such arm in the results", tc.arm)
			continue
		}
		if a.Status != tc.status {
			t.Errorf("%s: status %s (%s), want %s\nstderr: %s", tc.arm, a.Status, a.Reason, tc.status, a.Stderr)
		}
		for _, s := range tc.reason {
			if !strings.Contains(a.Reason, s) {
				t.Errorf("%s: reason %q lacks %q", tc.arm, a.Reason, s)
			}
		}
		for _, s := range tc.stderr {
			if !strings.Contains(a.Stderr, s) {
				t.Errorf("%s: stderr %q lacks %q", tc.arm, a.Stderr, s)
			}
		}
	}
}

// TestPythonValidateScript: benchy validate checks that a python {}
// block's script is a regular file, with the attribute's range (#17.4).
func TestPythonValidateScript(t *testing.T) {
	suite := func(script string) string {
		return `workload "w" {
  arm "a" {
    baseline = true
    python {
      script   = "` + script + `"
      function = "f"
    }
  }
}
`
	}
	path := writeSuite(t, suite("bench.py"))
	dir := filepath.Dir(path)
	code, _, errs := benchy(t, "validate", path)
	if code != exitUsage || !strings.Contains(errs, "Error: Unusable script") ||
		!strings.Contains(errs, "s.benchy.hcl:5:18") || !strings.Contains(errs, "bench.py: no such file.") ||
		!strings.Contains(errs, `script = "bench.py" is relative to the suite's directory`) {
		t.Fatalf("missing script: exit %d:\n%s", code, errs)
	}
	if err := os.Mkdir(filepath.Join(dir, "pkg"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(suite("pkg")), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := benchy(t, "validate", path); code != exitUsage || !strings.Contains(errs, "is a directory, not a regular file") {
		t.Fatalf("a directory: exit %d:\n%s", code, errs)
	}
	if err := os.WriteFile(filepath.Join(dir, "bench.py"), []byte("def f(config):\n    return lambda: None\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(suite("bench.py")), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := benchy(t, "validate", path); code != 0 {
		t.Fatalf("a script that exists: exit %d:\n%s%s", code, out, errs)
	}
}

// TestWorkerCheckPythonSDK: the Python SDK conforms to the worker protocol
// by benchy worker check, serving a factory of the tests' script (#17.2,
// #17.3).
func TestWorkerCheckPythonSDK(t *testing.T) {
	needPython(t)
	script, err := filepath.Abs(filepath.Join("testdata", "python", "arms.py"))
	if err != nil {
		t.Fatal(err)
	}
	sdk, err := filepath.Abs(filepath.Join("..", "..", "sdk", "python", "benchy_worker.py"))
	if err != nil {
		t.Fatal(err)
	}
	r := runBin(t, t.TempDir(), nil, "worker", "check", "--blocks", "2", "--iterations", "5", "--round-trips", "3", "--timeout", "40s",
		"--config", `{"config":{"n":100}}`, "--", systemPython, sdk, script, "ok")
	if r.code != 0 || !strings.Contains(r.stdout, "conforms to worker protocol 1") ||
		!strings.Contains(r.stdout, "asked for protocol 2, the worker answered 1") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
