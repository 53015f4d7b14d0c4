package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// binResult is what one run of the real binary did.
type binResult struct {
	code           int
	stdout, stderr string
}

// runBin runs the built benchy binary in dir with stdin, and fails the test
// if it does not end within 60 s (a hang is the bug several of these tests
// guard against).
func runBin(t *testing.T, dir string, stdin io.Reader, args ...string) binResult {
	t.Helper()
	bin := buildBenchy(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Stdin = stdin
	cmd.WaitDelay = 5 * time.Second
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("benchy %s did not end within 60 s; stderr:\n%.2000s", strings.Join(args, " "), errb.String())
	}
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(errb.String(), "fatal error:") || strings.Contains(errb.String(), "goroutine ") {
		t.Fatalf("benchy %s crashed:\n%.3000s", strings.Join(args, " "), errb.String())
	}
	return binResult{code, out.String(), errb.String()}
}

func (r binResult) want(t *testing.T, code int, stderr string) {
	t.Helper()
	if r.code != code || !strings.Contains(r.stderr, stderr) {
		t.Fatalf("exit %d, want %d with %q in stderr:\n%.3000s", r.code, code, stderr, r.stderr)
	}
}

const loadSuite = `workload "w" {
  description = path.suite
  arm "a" {
    baseline = true
    exec {
      command = ["true"]
    }
  }
}
`

// TestCLIRefusesFIFOsAndDevices: a FIFO or a device as a suite or a
// --var-file ends at once with exit 2, in every command that loads suites
// (#14.3, #14.7).
func TestCLIRefusesFIFOsAndDevices(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the benchy binary")
	}
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.benchy.hcl")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	suite := filepath.Join(dir, "s.benchy.hcl")
	if err := os.WriteFile(suite, []byte(loadSuite), 0o644); err != nil {
		t.Fatal(err)
	}
	runBin(t, dir, nil, "validate", fifo).want(t, exitUsage, "is a named pipe (FIFO), not a regular file")
	runBin(t, dir, nil, "plan", suite, "--var-file", fifo).want(t, exitUsage, "is a named pipe (FIFO), not a regular file")
	runBin(t, dir, nil, "run", suite, "--var-file", fifo, "--out", t.TempDir()).want(t, exitUsage, "is a named pipe (FIFO), not a regular file")
	runBin(t, dir, nil, "fmt", fifo).want(t, exitUsage, "is a named pipe (FIFO), not a regular file")
	runBin(t, dir, nil, "validate", "/dev/zero").want(t, exitUsage, "/dev/zero is a character device, not a regular file")
	runBin(t, dir, nil, "run", suite, "--var-file", "/dev/zero", "--out", t.TempDir()).want(t, exitUsage, "is a character device")
}

// TestCLIRefusesFIFOInputs: a FIFO given where benchy reads a results,
// fleet or model file, or checks a --save-suite file, ends at once with
// exit 2 (these read with os.ReadFile and blocked until killed); the site
// skips one with its reason.
func TestCLIRefusesFIFOInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the benchy binary")
	}
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	const refused = "pipe.json is a named pipe (FIFO), not a regular file"
	for _, args := range [][]string{
		{"compare", fifo},
		{"compare", fifo, fifo},
		{"report", fifo},
		{"merge", fifo},
		{"models", "info", fifo},
		{"exec", "true", "--save-suite", fifo},
	} {
		runBin(t, dir, nil, args...).want(t, exitUsage, refused)
	}
	runBin(t, dir, nil, "site", dir, "-o", filepath.Join(t.TempDir(), "site")).want(t, 0, "skipped "+fifo+": "+fifo+" is a named pipe")
}

// TestCLIReadsSuitesFromStdin: "-" and /dev/stdin read the suite from
// standard input, resolve its paths against the working directory, and stop
// at the size limit when standard input is endless (#15.2, #14.7).
func TestCLIReadsSuitesFromStdin(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the benchy binary")
	}
	dir := t.TempDir()
	wd, err := filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, arg := range []string{"-", "/dev/stdin"} {
		r := runBin(t, wd, strings.NewReader(loadSuite), "plan", "--format", "json", arg)
		r.want(t, 0, "")
		var p struct {
			Name      string `json:"name"`
			Dir       string `json:"dir"`
			Workloads []struct {
				Description string `json:"description"`
			} `json:"workloads"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
			t.Fatalf("%s: %v\n%s", arg, err, r.stdout)
		}
		if p.Dir != wd || len(p.Workloads) != 1 || p.Workloads[0].Description != wd || p.Name != "stdin" {
			t.Errorf("%s: name %q, dir %q, workloads %+v; want stdin and %s", arg, p.Name, p.Dir, p.Workloads, wd)
		}
	}
	zero, err := os.Open("/dev/zero")
	if err != nil {
		t.Skip(err)
	}
	defer zero.Close()
	runBin(t, dir, zero, "validate", "-").want(t, exitUsage, "standard input has more than 1048576 bytes")
}

// TestCLIHostileSuites: suites that hung or crashed benchy end with a
// diagnostic and exit 2 (#14.2, #14.5, #14.12).
func TestCLIHostileSuites(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the benchy binary")
	}
	dir := t.TempDir()
	write := func(name, src string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	cr := write("cr.benchy.hcl", "\r"+strings.Repeat("A", 70000))
	for _, cmd := range []string{"validate", "plan", "fmt"} {
		runBin(t, dir, nil, cmd, cr).want(t, exitUsage, "Argument or block definition required")
	}
	runBin(t, dir, nil, "run", cr, "--out", t.TempDir()).want(t, exitUsage, "Argument or block definition required")

	deep := write("deep.benchy.hcl", "locals {\n  x = "+strings.Repeat("(", 100000)+"1"+strings.Repeat(")", 100000)+"\n}\n")
	runBin(t, dir, nil, "validate", deep).want(t, exitUsage, "Nesting too deep")
	deepJSON := write("deep.json", `{"x": `+strings.Repeat("[", 200000)+strings.Repeat("]", 200000)+"}")
	withVar := write("var.benchy.hcl", "variable \"x\" {\n  type = any\n}\n"+loadSuite)
	runBin(t, dir, nil, "validate", withVar, "--var-file", deepJSON).want(t, exitUsage, "Nesting too deep")

	for name, src := range map[string]string{"empty.benchy.hcl": "", "comment.benchy.hcl": "# nothing\n"} {
		path := write(name, src)
		runBin(t, dir, nil, "validate", path).want(t, exitUsage, "No workload")
		runBin(t, dir, nil, "run", path, "--out", t.TempDir()).want(t, exitUsage, "No workload")
	}
}

// TestCLIValidateChecksModels: validate reports a model file that is
// missing or not a model, with its source range; plan does not read it
// (#15.10).
func TestCLIValidateChecksModels(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the benchy binary")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "text.onnx"), []byte("not a model"), 0o644); err != nil {
		t.Fatal(err)
	}
	for model, want := range map[string]string{
		"missing.onnx": "missing.onnx: no such file",
		"text.onnx":    "not an ONNX model",
	} {
		suite := filepath.Join(dir, "s.benchy.hcl")
		src := "workload \"w\" {\n  arm \"a\" {\n    baseline = true\n    onnx {\n      model = \"" + model + "\"\n    }\n  }\n}\n"
		if err := os.WriteFile(suite, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		r := runBin(t, dir, nil, "validate", suite)
		r.want(t, exitUsage, "Error: Unusable model file")
		if !strings.Contains(r.stderr, "s.benchy.hcl:5:15") || !strings.Contains(r.stderr, want) {
			t.Errorf("%s: no source range or reason:\n%s", model, r.stderr)
		}
		runBin(t, dir, nil, "plan", suite).want(t, 0, "")
	}
}
