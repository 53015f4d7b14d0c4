package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/benchy-dev/benchy/harness"
	"github.com/benchy-dev/benchy/internal/proctree"
	"github.com/benchy-dev/benchy/results"
)

// These tests drive the real binary and check, by scanning /proc, that
// no process an arm started survives benchy. Each marks its processes
// with a unique `sleep` duration.

// marker is a sleep duration no other process uses: "1000.<pid><n>".
func marker(n int) string { return fmt.Sprintf("1000.%d%d", os.Getpid(), n) }

// running lists the live (not zombie) processes whose command line holds s.
func running(s string) []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		var pid int
		if _, err := fmt.Sscan(e.Name(), &pid); err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !strings.Contains(strings.ReplaceAll(string(cmdline), "\x00", " "), s) {
			continue
		}
		stat, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:])); len(f) > 0 && f[0] != "Z" {
			pids = append(pids, pid)
		}
	}
	return pids
}

// waitRunning waits until a process with s in its command line runs.
func waitRunning(t *testing.T, s string) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if len(running(s)) > 0 {
			return
		}
	}
	t.Fatalf("no process %q appeared", s)
}

// checkGone fails for every marked process still running a few seconds
// after benchy ended, and kills it.
func checkGone(t *testing.T, markers ...string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for _, m := range markers {
		for len(running(m)) > 0 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		for _, pid := range running(m) {
			t.Errorf("process %d (sleep %s) outlived benchy", pid, m)
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// startBenchy starts the binary in its own process group; its stdout is
// cmd.Stdout, a *bytes.Buffer.
func startBenchy(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(buildBenchy(t), args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &stderr
}

// exitWithin waits for benchy's exit code, at most limit; a benchy still
// running then is killed with all it started, and the test fails.
func exitWithin(t *testing.T, cmd *exec.Cmd, stderr *bytes.Buffer, limit time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(limit):
		proctree.KillDescendants(cmd.Process.Pid)
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		t.Fatalf("benchy still ran after %v:\n%s", limit, stderr.String())
		return -1
	}
}

// protocolWorker writes a protocol worker script: it starts a setsid'd
// daemon that holds its stderr, answers setup, and on run does onRun
// before answering.
func protocolWorker(t *testing.T, daemon, onRun string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "worker.sh")
	script := `#!/bin/sh
setsid sleep ` + daemon + ` </dev/null >/dev/null &
while read -r line; do
  case "$line" in
    *'"op":"setup"'*) echo '{"ok":true}' ;;
    *'"op":"run"'*) ` + onRun + `; echo '{"ok":true,"ns":[1000,1000]}' ;;
    *'"op":"close"'*) echo '{"ok":true}'; exit 0 ;;
  esac
done
`
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestDaemonsDoNotHangOrOutliveTheRun: a protocol worker whose setsid'd
// daemon holds its stderr open (#14.1), and a wall arm whose every run
// leaves a setsid'd daemon (#14.13): the run ends, writes results.json,
// and leaves no daemon running.
func TestDaemonsDoNotHangOrOutliveTheRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the benchy binary")
	}
	held, left := marker(1), marker(2)
	suite := writeSuite(t, `
run {
  warmup     = 0
  min_blocks = 2
  max_blocks = 2
  iterations = 2
}

workload "w" {
  arm "protocol" {
    baseline = true
    exec {
      command = ["`+protocolWorker(t, held, "true")+`"]
      measure = "protocol"
    }
  }
  arm "wall" {
    exec { command = ["sh", "-c", "setsid sleep `+left+` </dev/null >/dev/null 2>&1 &"] }
  }
}
`)
	dir := t.TempDir()
	cmd, stderr := startBenchy(t, "run", suite, "--out", dir, "--seed", "1")
	if code := exitWithin(t, cmd, stderr, 90*time.Second); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if _, err := results.ReadFile(filepath.Join(dir, "s", "results.json")); err != nil {
		t.Errorf("no results: %v", err)
	}
	checkGone(t, held, left)
}

// TestFirstInterruptKillsAHungArm: one SIGINT while an arm hangs (the
// default per-arm timeout is ten minutes) ends the run within the grace
// period, records the block as incomplete rather than the arm as failed,
// and kills the hung command (#14.4).
func TestFirstInterruptKillsAHungArm(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the benchy binary")
	}
	hang := marker(3)
	suite := writeSuite(t, `
run {
  warmup     = 0
  min_blocks = 3
  max_blocks = 3
  iterations = 1
  order      = "interleaved"
}

workload "w" {
  arm "a" {
    baseline = true
    exec { command = ["true"] }
  }
  arm "hang" {
    exec { command = ["sh", "-c", "[ -e `+"${path}"+` ] && exec sleep `+hang+`; touch `+"${path}"+`"] }
  }
}
`)
	flag := filepath.Join(t.TempDir(), "second-run")
	suite = rewrite(t, suite, "${path}", flag)
	dir := t.TempDir()
	cmd, stderr := startBenchy(t, "run", suite, "--out", dir, "--seed", "1")
	waitRunning(t, hang)
	start := time.Now()
	_ = cmd.Process.Signal(syscall.SIGINT)
	if code := exitWithin(t, cmd, stderr, harness.StopGrace+60*time.Second); code != exitInterrupted {
		t.Fatalf("exit %d, want %d\n%s", code, exitInterrupted, stderr)
	}
	t.Logf("ended %v after the interrupt", time.Since(start).Round(time.Millisecond))
	doc, err := results.ReadFile(filepath.Join(dir, "s", "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	w := doc.Workloads[0]
	for _, a := range w.Arms {
		if a.Status != results.ArmOK {
			t.Errorf("arm %s: %s %q; the interrupt is not its failure", a.Name, a.Status, a.Reason)
		}
	}
	if last := w.Blocks[len(w.Blocks)-1]; !last.Incomplete {
		t.Errorf("the interrupted block is complete: %+v", last)
	}
	if !strings.Contains(stderr.String(), harness.StopGrace.String()) {
		t.Errorf("the first interrupt does not say how long it waits:\n%s", stderr)
	}
	checkGone(t, hang)
}

func rewrite(t *testing.T, path, old, new string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(string(b), old, new)), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestKilledBenchyLeavesNothing: after SIGKILL of benchy, neither a hung
// protocol worker nor a hung wall command (nor the daemon it started)
// survives it (#14.13).
func TestKilledBenchyLeavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the benchy binary")
	}
	for _, tc := range []struct {
		name, arm string
		markers   []string
	}{
		{"hung protocol worker", `exec {
      command = ["` + protocolWorker(t, marker(4), "exec sleep "+marker(5)) + `"]
      measure = "protocol"
    }`, []string{marker(5)}},
		{"hung wall command and its daemon", `exec { command = ["sh", "-c", "setsid sleep ` + marker(6) + ` </dev/null >/dev/null 2>&1 & sleep ` + marker(7) + `"] }`, []string{marker(6), marker(7)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			suite := writeSuite(t, `
run {
  warmup     = 0
  min_blocks = 2
  max_blocks = 2
  iterations = 1
}

workload "w" {
  arm "hung" {
    baseline = true
    `+tc.arm+`
  }
}
`)
			cmd, stderr := startBenchy(t, "run", suite, "--out", t.TempDir())
			// Every marked process must be running before the kill: a
			// daemon still on its way (forked, not yet setsid and exec'd)
			// is another case than a daemon that runs.
			for _, m := range tc.markers {
				waitRunning(t, m)
			}
			_ = cmd.Process.Kill()
			exitWithin(t, cmd, stderr, 10*time.Second)
			checkGone(t, tc.markers...)
		})
	}
	// The protocol worker's own daemon (setsid, out of benchy's reach
	// once benchy is gone) is not covered: docs/lifetime.md says so.
	for _, pid := range running(marker(4)) {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}

// TestSignalWhileLoadingEndsAtOnce: SIGTERM (as `timeout` sends) while
// the suite is still being read ends benchy at once with exit 130, even
// though the read never returns (#14.2). The suite is a pipe on stdin
// that nobody writes to or closes. The signal goes once benchy is seen
// blocked reading it, which it is only after installing its handler.
func TestSignalWhileLoadingEndsAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the benchy binary")
	}
	if _, err := os.Stat("/proc/self/task"); err != nil {
		t.Skip("needs /proc to see benchy block in the read")
	}
	cmd := exec.Command(buildBenchy(t), "run", "/dev/stdin", "--out", t.TempDir())
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pw.Close()
	cmd.Stdin = pr
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pr.Close()
	waitReadingPipe(t, cmd.Process.Pid)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := exitWithin(t, cmd, &stderr, 20*time.Second); code != exitInterrupted {
		t.Fatalf("exit %d, want %d\n%s", code, exitInterrupted, stderr.String())
	}
	if !strings.Contains(stderr.String(), "interrupted while loading") {
		t.Errorf("stderr does not say what was interrupted:\n%s", stderr.String())
	}
}

// waitReadingPipe waits, for at most a minute, until a thread of process
// pid sleeps in the kernel's pipe read (its wchan names it: anon_pipe_read,
// pipe_read or, on older kernels, pipe_wait).
func waitReadingPipe(t *testing.T, pid int) {
	t.Helper()
	tasks := fmt.Sprintf("/proc/%d/task", pid)
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		ids, _ := os.ReadDir(tasks)
		for _, id := range ids {
			if b, err := os.ReadFile(filepath.Join(tasks, id.Name(), "wchan")); err == nil && strings.Contains(string(b), "pipe") {
				return
			}
		}
	}
	t.Fatalf("benchy (pid %d) was not seen reading its stdin pipe within a minute (%s/*/wchan)", pid, tasks)
}

// TestInterruptibleLoad: the first signal ends a load that never returns;
// a load that returns is handed through.
func TestInterruptibleLoad(t *testing.T) {
	in := &interrupts{stop: make(chan struct{})}
	if v, err := interruptible(in, func() (int, error) { return 7, nil }); v != 7 || err != nil {
		t.Fatalf("got %d, %v", v, err)
	}
	close(in.stop)
	block := make(chan struct{})
	defer close(block)
	_, err := interruptible(in, func() (int, error) { <-block; return 0, nil })
	if exitCodeOf(err) != exitInterrupted {
		t.Fatalf("err %v, want exit %d", err, exitInterrupted)
	}
}

// TestInterruptedRunCountsAndNames: a run stopped by two Ctrl-Cs while
// its first arm hangs in the first block (warmup = 0), and a run killed
// with SIGKILL, say what happened: the cut block is incomplete (not a
// warm-up), no arm without a measured sample is "ok", the progress line
// says "interrupted" (not "failed"), and no reason is empty or repeats
// the status (#14.16, #15.13).
func TestInterruptedRunCountsAndNames(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the benchy binary")
	}
	hang := marker(8)
	suite := writeSuite(t, `
run {
  warmup     = 0
  min_blocks = 2
  max_blocks = 2
  iterations = 1
  order      = "interleaved"
}

workload "w" {
  arm "forever" {
    exec { command = ["sleep", "`+hang+`"] }
  }
  arm "base" {
    baseline = true
    exec { command = ["true"] }
  }
}
`)
	dir := t.TempDir()
	cmd, stderr := startBenchy(t, "run", suite, "--out", dir, "--color", "never")
	waitRunning(t, hang)
	_ = cmd.Process.Signal(syscall.SIGINT)
	time.Sleep(200 * time.Millisecond)
	_ = cmd.Process.Signal(syscall.SIGINT)
	if code := exitWithin(t, cmd, stderr, 60*time.Second); code != exitInterrupted {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	out := cmd.Stdout.(*bytes.Buffer).String()
	for _, want := range []string{"0 measured block(s), 0 warm-up, 1 incomplete", "not measured"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	for _, bad := range []string{" ok ", "interrupted: interrupted", "1 warm-up"} {
		if strings.Contains(out, bad) {
			t.Errorf("report has %q:\n%s", bad, out)
		}
	}
	if !strings.Contains(stderr.String(), "forever interrupted") || strings.Contains(stderr.String(), "forever failed") {
		t.Errorf("progress does not say the arm was interrupted:\n%s", stderr)
	}
	checkGone(t, hang)

	// Killed: the journal's report names why the workload ended.
	dir = t.TempDir()
	cmd, stderr = startBenchy(t, "run", suite, "--out", dir)
	waitRunning(t, hang)
	_ = cmd.Process.Kill()
	exitWithin(t, cmd, stderr, 10*time.Second)
	checkGone(t, hang)
	code, report, errs := benchy(t, "report", filepath.Join(dir, "s", "journal.jsonl"))
	if code != 0 || !strings.Contains(report, "interrupted: the run was killed") {
		t.Errorf("exit %d, report of the killed run:\n%s%s", code, report, errs)
	}
}
