package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/benchy-dev/benchy/results"
	"github.com/benchy-dev/benchy/suites"
)

// gitRepo makes a repository whose prog.sh prints "base" at the first
// commit, then edits the working tree so that it prints "head".
func gitRepo(t *testing.T) (dir, baseSHA string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir = t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=benchy", "-c", "user.email=benchy@example.invalid", "-c", "init.defaultBranch=main"}, args...)...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	write := func(word string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, "prog.sh"), []byte("#!/bin/sh\necho "+word+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git("init", "-q")
	write("base")
	git("add", "prog.sh")
	git("commit", "-q", "-m", "base")
	baseSHA = git("rev-parse", "HEAD")
	write("head")
	return dir, baseSHA
}

const copyBuild = `cp prog.sh "$BENCHY_BUILD_OUT" && chmod +x "$BENCHY_BUILD_OUT" && echo "built $BENCHY_BUILD_REV"`

func runProg(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command(path).Output()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return strings.TrimSpace(string(out))
}

func TestGitArmsBuildsBaseAndHead(t *testing.T) {
	repo, base := gitRepo(t)
	var progress bytes.Buffer
	g, err := gitArmFlags{ref: "main", build: copyBuild}.prepare(context.Background(), nil, repo, &progress)
	if err != nil {
		t.Fatalf("%v\n%s", err, progress.String())
	}
	if g.BaseRev != base || !strings.HasSuffix(g.HeadRev, "-dirty") {
		t.Errorf("revisions = %q, %q; want %q and a dirty head", g.BaseRev, g.HeadRev, base)
	}
	basePath := strings.TrimPrefix(g.Vars[0], "base=")
	headPath := strings.TrimPrefix(g.Vars[1], "head=")
	if runProg(t, basePath) != "base" || runProg(t, headPath) != "head" {
		t.Errorf("base prints %q, head prints %q", runProg(t, basePath), runProg(t, headPath))
	}
	if !strings.Contains(filepath.Base(basePath), base[:12]) || !strings.Contains(progress.String(), "built "+base) {
		t.Errorf("base build %s, progress %q", basePath, progress.String())
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(basePath); !os.IsNotExist(err) {
		t.Errorf("Close left %s: %v", basePath, err)
	}
	if list, _ := gitOutput(context.Background(), repo, "worktree", "list"); strings.Contains(list, "base-src") {
		t.Errorf("Close left the worktree: %s", list)
	}
}

// TestGitArmsRun runs a suite whose two arms are the two builds, as
// `benchy run SUITE --arm-from-git main --git-build CMD` does.
func TestGitArmsRun(t *testing.T) {
	repo, base := gitRepo(t)
	suite := writeSuite(t, `
variable "base" { type = string }
variable "head" { type = string }
run {
  warmup     = 0
  min_blocks = 3
  max_blocks = 3
  iterations = 2
}
workload "prog" {
  arm "base" {
    baseline = true
    exec { command = [var.base] }
  }
  arm "head" {
    exec { command = [var.head] }
  }
}
`)
	t.Chdir(repo)
	var progress bytes.Buffer
	vars, done, err := gitArmFlags{ref: "main", build: copyBuild}.apply(context.Background(), nil, nil, &progress)
	if err != nil {
		t.Fatalf("%v\n%s", err, progress.String())
	}
	defer done()
	plans, err := loadPlans([]string{suite}, vars, nil, &progress)
	if err != nil {
		t.Fatalf("%v\n%s", err, progress.String())
	}
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	in := watchInterrupts(context.Background(), &stderr)
	defer in.release()
	if err := runPlans(in, plans, runFlags{out: out, format: "text"}, suites.Overrides{}, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	doc, err := results.ReadFile(filepath.Join(out, "s", "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	w := doc.Workloads[0]
	if len(w.Arms) != 2 || w.Arms[0].Status != results.ArmOK || w.Arms[1].Status != results.ArmOK {
		t.Fatalf("arms = %+v", w.Arms)
	}
	paired := 0
	for _, b := range w.Blocks {
		_, ok0 := b.Value("base")
		_, ok1 := b.Value("head")
		if b.Measured() && ok0 && ok1 {
			paired++
		}
	}
	if paired != 3 {
		t.Errorf("%d paired blocks, want 3", paired)
	}
	var recorded string
	for _, v := range doc.Variables {
		if v.Name == "base" {
			recorded = string(v.Value)
		}
	}
	if !strings.Contains(recorded, "base-"+base[:12]) {
		t.Errorf("var.base recorded as %s; want the base revision in it", recorded)
	}
	done()
	if list, _ := gitOutput(context.Background(), repo, "worktree", "list"); strings.Contains(list, "base-src") {
		t.Errorf("done left the worktree: %s", list)
	}
}

func TestGitArmsErrors(t *testing.T) {
	repo, _ := gitRepo(t)
	notRepo := t.TempDir()
	tests := []struct {
		name string
		f    gitArmFlags
		dir  string
		vars []string
		code int
		want string
	}{
		{"off", gitArmFlags{}, repo, nil, 0, ""},
		{"build without ref", gitArmFlags{build: "true"}, repo, nil, exitUsage, "--git-build needs --arm-from-git"},
		{"ref without build", gitArmFlags{ref: "main"}, repo, nil, exitUsage, "--arm-from-git needs --git-build"},
		{"not a repository", gitArmFlags{ref: "main", build: "true"}, notRepo, nil, exitUsage, "is not in a git repository"},
		{"unknown ref", gitArmFlags{ref: "no-such-branch", build: "true"}, repo, nil, exitUsage, `"no-such-branch" is not a commit`},
		{"build fails", gitArmFlags{ref: "main", build: "exit 3"}, repo, nil, exitEnvironment, "--git-build failed for base"},
		{"build writes nothing", gitArmFlags{ref: "main", build: "true"}, repo, nil, exitEnvironment, "did not write a program to $BENCHY_BUILD_OUT"},
		{"not executable", gitArmFlags{ref: "main", build: `cp prog.sh "$BENCHY_BUILD_OUT"`}, repo, nil, exitEnvironment, "is not executable"},
		{"var conflict", gitArmFlags{ref: "main", build: copyBuild}, repo, []string{"head=/bin/true"}, exitUsage, "--arm-from-git sets var.head itself"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(tc.dir)
			var progress bytes.Buffer
			vars, done, err := tc.f.apply(context.Background(), nil, tc.vars, &progress)
			defer done()
			if tc.code == 0 {
				if err != nil || len(vars) != len(tc.vars) {
					t.Fatalf("err %v, vars %v", err, vars)
				}
				return
			}
			if code := exitCodeOf(err); code != tc.code || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v (exit %d); want exit %d and %q", err, code, tc.code, tc.want)
			}
			if list, _ := gitOutput(context.Background(), repo, "worktree", "list"); strings.Contains(list, "base-src") {
				t.Errorf("a failed build left the worktree: %s", list)
			}
		})
	}
}

// TestGitArmsInterrupt sends SIGINT to the real binary while --git-build
// runs: benchy must stop the build (its whole process group), remove the
// temporary worktree and folder, and exit 130.
func TestGitArmsInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the benchy binary")
	}
	bin := buildBenchy(t)
	repo, _ := gitRepo(t)
	suite := writeSuite(t, `
variable "base" { type = string }
variable "head" { type = string }
workload "prog" {
  arm "base" {
    baseline = true
    exec { command = [var.base] }
  }
  arm "head" { exec { command = [var.head] } }
}
`)
	tmp := t.TempDir()
	mark := filepath.Join(t.TempDir(), "build.pid")
	// The background sleep ignores SIGINT (a non-interactive shell's
	// background jobs do), so only the group SIGKILL ends it.
	build := `sleep 30 & echo $! > "$MARK.tmp" && mv "$MARK.tmp" "$MARK"; wait; ` + copyBuild
	cmd := exec.Command(bin, "run", suite, "--out", t.TempDir(), "--arm-from-git", "main", "--git-build", build)
	cmd.Dir = repo
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "MARK="+mark)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var pid int
	deadline := time.Now().Add(60 * time.Second)
	for pid == 0 {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("the build never started\n%s", stderr.String())
		}
		if b, err := os.ReadFile(mark); err == nil {
			pid, _ = strconv.Atoi(strings.TrimSpace(string(b)))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if list, _ := gitOutput(context.Background(), repo, "worktree", "list"); !strings.Contains(list, "base-src") {
		t.Fatalf("no base worktree while building:\n%s", list)
	}
	_ = cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Fatalf("exit: %v, want 130\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "interrupted: the base/head builds and the temporary worktree are removed") {
		t.Errorf("stderr does not say what happened:\n%s", stderr.String())
	}
	list, err := gitOutput(context.Background(), repo, "worktree", "list", "--porcelain")
	if err != nil || strings.Count(list, "worktree ") != 1 {
		t.Errorf("worktrees after Ctrl-C (want only the main one): %v\n%s", err, list)
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "benchy-git-*")); len(left) > 0 {
		t.Errorf("Ctrl-C left %v", left)
	}
	for deadline := time.Now().Add(10 * time.Second); processAlive(pid); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("the build's child %d outlived benchy", pid)
		}
	}
}

// processAlive reports whether pid runs (a zombie does not count).
func processAlive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	_, after, _ := strings.Cut(string(b), ") ")
	return !strings.HasPrefix(after, "Z") && !strings.HasPrefix(after, "X")
}
