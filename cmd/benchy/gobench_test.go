package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchy-dev/benchy/hw"
	"github.com/benchy-dev/benchy/results"
)

// tinyRepo copies the gobench runner's test module into a fresh git
// repository (one commit on main) and returns its directory and a
// function that rewrites one of its files in the working tree.
func tinyRepo(t *testing.T) (dir string, edit func(file, old, new string)) {
	t.Helper()
	for _, tool := range []string{"go", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	dir = t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("..", "..", "runners", "gobench", "testdata", "tiny"))); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}, {"commit", "-q", "-m", "base"}} {
		cmd := exec.Command("git", append([]string{"-c", "user.name=benchy", "-c", "user.email=benchy@example.invalid", "-c", "init.defaultBranch=main"}, args...)...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	edit = func(file, old, new string) {
		t.Helper()
		path := filepath.Join(dir, file)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), old) {
			t.Fatalf("%s has no %q", file, old)
		}
		if err := os.WriteFile(path, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	return dir, edit
}

// TestGobench runs the one-liner on a repository whose working tree makes
// BenchmarkSum sleep a millisecond per call: both revisions are built and
// measured, the table names the benchmark, and --threshold turns the
// regression into exit 1. The results record each arm's build.
func TestGobench(t *testing.T) {
	_, edit := tinyRepo(t)
	edit("tiny.go", "package tiny\n", "package tiny\n\nimport \"time\"\n")
	edit("tiny.go", "s := 0\n", "s := 0\n\ttime.Sleep(time.Millisecond)\n")
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := benchy(t, "gobench", "--bench", "^BenchmarkSum$", "--benchtime", "3x", "--blocks", "4", "--threshold", "5%", "--out", out, "--color", "never", ".")
	if code != exitFailure {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitFailure, stdout, stderr)
	}
	for _, want := range []string{"root/bench=Sum", "regressed"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "(HEAD), head = ") || !strings.Contains(stderr, "-dirty (working tree)") {
		t.Errorf("stderr does not say what is compared:\n%s", stderr)
	}
	doc, err := results.ReadFile(filepath.Join(out, "gobench", "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Workloads) != 1 || len(doc.Workloads[0].Arms) != 2 {
		t.Fatalf("workloads %+v", doc.Workloads)
	}
	// The load warnings of the unprinted report are on stderr.
	var samples []results.LoadSample
	for _, b := range doc.Workloads[0].Blocks {
		if s, ok := b.LoadSample(); ok && b.Measured() {
			samples = append(samples, s)
		}
	}
	if hw.AssessLoad(samples).Loaded > 0 && !strings.Contains(stderr, "benchy: warning: host load high") {
		t.Errorf("stderr lacks the load warning of a loaded run:\n%s", stderr)
	}
	for _, a := range doc.Workloads[0].Arms {
		if a.Status != results.ArmOK || a.Info["package"] != "example.com/tiny" || a.Info["build_ms"] == nil || a.Info["benchmark"] != "BenchmarkSum" {
			t.Errorf("arm %s: %s %v", a.Name, a.Status, a.Info)
		}
	}
	if base := doc.Workloads[0].Arms[0]; base.Name != "base" || !base.Baseline {
		t.Errorf("first arm %s (baseline %v)", base.Name, base.Baseline)
	}
	// Without --threshold the same comparison is reported, exit 0.
	code, stdout, stderr = benchy(t, "gobench", "--bench", "^BenchmarkSum$", "--benchtime", "3x", "--blocks", "2", "--color", "never", ".")
	if code != exitOK || !strings.Contains(stdout, "root/bench=Sum") || !strings.Contains(stdout, "pass: ") {
		t.Errorf("without --threshold: exit %d\n%s\n%s", code, stdout, stderr)
	}
}

// TestGobenchBadInput: a REF that is no commit, a regexp matching no
// benchmark, a working tree that does not compile, a clean tree with
// nothing to compare and a package pattern each exit with a message
// naming what is wrong.
func TestGobenchBadInput(t *testing.T) {
	_, edit := tinyRepo(t)
	for _, tc := range []struct {
		args  []string
		code  int
		wants []string
	}{
		{[]string{"."}, exitUsage, []string{"nothing to compare", "HEAD is the merge base with main", "--base REF"}},
		{[]string{"--base", "nosuchref", "."}, exitUsage, []string{`--base: "nosuchref" is not a commit`}},
		{[]string{"--base", "HEAD", "--bench", "NoSuch", "."}, exitUsage, []string{`bench "NoSuch" matches no benchmark in example.com/tiny`, "BenchmarkSum"}},
		{[]string{"--base", "HEAD", "./..."}, exitUsage, []string{"./...: give each package on its own"}},
		{[]string{"--base", "HEAD", "--threshold", "x", "."}, exitUsage, []string{"--threshold"}},
	} {
		code, stdout, stderr := benchy(t, append([]string{"gobench", "--blocks", "2"}, tc.args...)...)
		if code != tc.code {
			t.Errorf("%v: exit %d, want %d\n%s%s", tc.args, code, tc.code, stdout, stderr)
		}
		for _, w := range tc.wants {
			if !strings.Contains(stderr, w) {
				t.Errorf("%v: stderr lacks %q:\n%s", tc.args, w, stderr)
			}
		}
	}
	edit("tiny.go", "return s\n", "return s + missing\n")
	code, stdout, stderr := benchy(t, "gobench", "--blocks", "2", "--bench", "Sum", ".")
	if code != exitFailure || !strings.Contains(stderr, "arm head") || !strings.Contains(stderr, "package . in ") || !strings.Contains(stderr, "does not build") || !strings.Contains(stderr, "undefined: missing") {
		t.Errorf("head does not compile: exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestGobenchFailingBenchmarks runs the bad/ package's benchmarks through
// a suite: b.Fatal, a panic and a benchmark that outlives the arm's
// timeout each fail their own instance, with the benchmark named, and
// BenchmarkOK is measured.
func TestGobenchFailingBenchmarks(t *testing.T) {
	dir, _ := tinyRepo(t)
	suite := filepath.Join(dir, "bad.benchy.hcl")
	if err := os.WriteFile(suite, []byte(`
run {
  iterations        = 1
  warmup_iterations = 0
  warmup            = 0
  min_blocks        = 2
  max_blocks        = 2
}
workload "bad" {
  arm "only" {
    baseline = true
    timeout  = "20s"
    gobench {
      package   = "./bad"
      benchtime = "2x"
    }
  }
}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := benchy(t, "run", suite, "--out", out)
	if code != exitFailure {
		t.Fatalf("exit %d, want %d\n%s%s", code, exitFailure, stdout, stderr)
	}
	doc, err := results.ReadFile(filepath.Join(out, "bad", "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"bad/bench=OK":    "",
		"bad/bench=Fatal": "BenchmarkFatal in example.com/tiny/bad failed",
		"bad/bench=Panic": "BenchmarkPanic in example.com/tiny/bad ", // failed, or (now and then) printed no result
		"bad/bench=Slow":  "timed out after 20s",
	}
	if len(doc.Workloads) != len(want) {
		t.Fatalf("%d workloads, want %d", len(doc.Workloads), len(want))
	}
	for _, w := range doc.Workloads {
		a := w.Arms[0]
		reason, ok := want[w.Name]
		switch {
		case !ok:
			t.Errorf("unexpected workload %s", w.Name)
		case reason == "" && a.Status != results.ArmOK:
			t.Errorf("%s: %s %s", w.Name, a.Status, a.Reason)
		case reason != "" && (a.Status != results.ArmFailed || !strings.Contains(a.Reason, reason)):
			t.Errorf("%s: %s %q, want failed with %q", w.Name, a.Status, a.Reason, reason)
		}
	}
}
