package harness

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/benchy-dev/benchy/internal/proctree"
	"github.com/benchy-dev/benchy/results"
	"github.com/benchy-dev/benchy/suites"
)

// TestSequentialJournalsEveryTurn: with the sequential order a kill keeps
// every finished turn, since each block is journaled after each arm's turn.
func TestSequentialJournalsEveryTurn(t *testing.T) {
	dir := t.TempDir()
	run := quickRun(6)
	run.Order = suites.OrderSequential
	stop := make(chan struct{})
	plan := testPlan(run, execArm("a", true, []string{"sleep", "0.01"}, "wall"), execArm("b", false, []string{"sleep", "0.01"}, "wall"))
	// Stop while the first arm is still going: three of its seven turns
	// are in the journal, none of the second arm's.
	go func() { waitForBlocks(t, filepath.Join(dir, "journal.jsonl"), 3); close(stop) }()
	doc := runPlan(t, plan, Options{Stop: stop, OutDir: dir})
	replayed, err := results.ReadFile(filepath.Join(dir, "journal.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for name, d := range map[string]*results.Document{"results": doc, "journal": replayed} {
		w := d.Workloads[0]
		if w.Status != results.StatusInterrupted || len(w.Blocks) < 3 {
			t.Fatalf("%s: status %q with %d blocks", name, w.Status, len(w.Blocks))
		}
		for _, b := range w.Blocks {
			if !b.Incomplete || len(b.Runs) != 1 || b.Runs[0].Arm != "a" {
				t.Errorf("%s: block %d: incomplete %v, runs %+v; only a ran", name, b.Index, b.Incomplete, b.Runs)
			}
		}
	}
	// Run to the end, the journal's last record of each block is complete.
	dir = t.TempDir()
	doc = runPlan(t, plan, Options{OutDir: dir})
	replayed, err = results.ReadFile(filepath.Join(dir, "journal.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(replayed.Workloads[0].Blocks) != 7 || len(doc.Workloads[0].Blocks) != 7 {
		t.Fatalf("%d blocks replayed, %d in results, want 7", len(replayed.Workloads[0].Blocks), len(doc.Workloads[0].Blocks))
	}
	for i, b := range replayed.Workloads[0].Blocks {
		if b.Incomplete || len(b.Runs) != 2 || b.Index != i {
			t.Errorf("replayed block %d: incomplete %v, %d runs", b.Index, b.Incomplete, len(b.Runs))
		}
	}
}

func TestSequentialHonoursTimeBudget(t *testing.T) {
	run := quickRun(1000)
	run.Order = suites.OrderSequential
	run.TimeBudget = 200 * time.Millisecond
	doc := runPlan(t, testPlan(run, execArm("a", true, []string{"sleep", "0.02"}, "wall"), execArm("b", false, []string{"true"}, "wall")), Options{})
	w := doc.Workloads[0]
	if w.Status != results.StatusBudgetExhausted || !strings.Contains(w.StopReason, "time budget") || len(w.Blocks) >= 1001 {
		t.Fatalf("status %q (%s) after %d blocks", w.Status, w.StopReason, len(w.Blocks))
	}
}

// TestSecretsNeverRecorded: a sensitive variable's value that reached an
// argv, an environment, stderr and a failure reason appears in neither
// results.json, the journal nor the returned document.
func TestSecretsNeverRecorded(t *testing.T) {
	const secret = "hunter2-s3cr3t"
	dir := t.TempDir()
	ok := execArm("a", true, []string{"sh", "-c", "true", secret}, "wall")
	ok.Env = map[string]string{"TOKEN": secret}
	bad := execArm("b", false, []string{"sh", "-c", "echo login " + secret + " refused >&2; exit 3"}, "wall")
	plan := testPlan(quickRun(2), ok, bad)
	plan.Source = []byte(`variable "token" { default = "` + secret + `" }`)
	plan.Variables = []suites.Variable{{Name: "token", Sensitive: true, Value: json.RawMessage(strconv.Quote(secret))}}
	var progress strings.Builder
	doc := runPlan(t, plan, Options{OutDir: dir, Progress: &progress})
	if a := doc.Workloads[0].Arms[1]; a.Status != results.ArmFailed || !strings.Contains(a.Reason, "login (sensitive) refused") {
		t.Fatalf("failing arm: %q %q", a.Status, a.Reason)
	}
	mem, _ := json.Marshal(doc)
	for name, b := range map[string][]byte{"progress": []byte(progress.String()), "returned document": mem, "results.json": read(t, dir, "results.json"), "journal": read(t, dir, "journal.jsonl")} {
		if strings.Contains(string(b), secret) {
			t.Errorf("%s holds the secret", name)
		}
		if !strings.Contains(string(b), "(sensitive)") {
			t.Errorf("%s shows no redaction", name)
		}
	}
}

func read(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestJournalHasOverheadAndArmFailures: a replayed journal (a killed run)
// carries the spawn overhead and an arm's failure as soon as it happened.
func TestJournalHasOverheadAndArmFailures(t *testing.T) {
	dir := t.TempDir()
	base := fakeArm("a", "ok")
	base.Baseline = true
	opt := Options{OutDir: dir, SpawnOverhead: func(context.Context) (time.Duration, error) { return time.Millisecond, nil }}
	runPlan(t, testPlan(quickRun(5), base, fakeArm("crash", "crash"), execArm("w", false, []string{"true"}, "wall")), opt)
	lines := strings.Split(strings.TrimSpace(string(read(t, dir, "journal.jsonl"))), "\n")
	// Cut the journal where a kill would have: after the last block.
	last := 0
	for i, l := range lines {
		if strings.Contains(l, `"type":"block"`) {
			last = i
		}
	}
	cut := filepath.Join(dir, "killed.jsonl")
	if err := os.WriteFile(cut, []byte(strings.Join(lines[:last+1], "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	doc, err := results.ReadFile(cut)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Environment.Overhead["spawn_noop_median"] != 1e6 {
		t.Errorf("replayed overhead %v", doc.Environment.Overhead)
	}
	for _, a := range doc.Workloads[0].Arms {
		if a.Name == "crash" && a.Status != results.ArmFailed {
			t.Errorf("replayed crash arm: status %q", a.Status)
		}
	}
}

// TestStaleDocumentsRemoved: a new run in an old output directory removes
// the previous run's documents at its start, so that a killed run never
// leaves them beside its journal.
func TestStaleDocumentsRemoved(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"results.json", "report.md", "report.html"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("previous run"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r, err := newRun(context.Background(), testPlan(quickRun(2), execArm("a", true, []string{"true"}, "wall")), Options{OutDir: dir, Executable: os.Args[0]})
	if err != nil {
		t.Fatal(err)
	}
	r.closeJournal()
	for _, f := range []string{"results.json", "report.md", "report.html"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("%s of the previous run is still there", f)
		}
	}
}

// TestHardStopIsNotAnArmFailure: cancelling the context (a second Ctrl-C)
// in the middle of a run leaves the arm ok, the block incomplete, the run
// interrupted, and still runs the workload's cleanup.
func TestHardStopIsNotAnArmFailure(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "cleaned")
	plan := testPlan(quickRun(3), execArm("a", true, []string{"true"}, "wall"), execArm("slow", false, []string{"sleep", "5"}, "wall"))
	plan.Workloads[0].Cleanup = []string{"touch", marker}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { waitForArmRunning(t, "sleep 5"); cancel() }()
	doc, err := Run(ctx, plan, Options{OutDir: dir, Executable: os.Args[0]})
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Workloads) != 1 {
		t.Fatalf("%d workloads recorded, want 1 (status %q)", len(doc.Workloads), doc.Status)
	}
	w := doc.Workloads[0]
	if doc.Status != results.StatusInterrupted || w.Status != results.StatusInterrupted {
		t.Fatalf("status %q/%q", doc.Status, w.Status)
	}
	for _, a := range w.Arms {
		if a.Status != results.ArmOK {
			t.Errorf("arm %s: %q %q; a hard stop is not its failure", a.Name, a.Status, a.Reason)
		}
	}
	if b := w.Blocks[len(w.Blocks)-1]; !b.Incomplete {
		t.Errorf("the interrupted block is recorded as complete: %+v", b)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("cleanup did not run after the hard stop: %v", err)
	}
}

// waitForArmRunning waits until a process of this test's own (one whose
// parent chain reaches this process) runs with a command line that contains
// cmdline. Processes of other tests running at the same time on the machine,
// which may run the same command, do not count.
func waitForArmRunning(t *testing.T, cmdline string) {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			pid, err := strconv.Atoi(e.Name())
			if err != nil {
				continue
			}
			b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
			if err == nil && strings.Contains(strings.ReplaceAll(string(b), "\x00", " "), cmdline) && descendsFromUs(pid) {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("no process %q appeared", cmdline)
}

// descendsFromUs reports whether pid's chain of parents reaches this process.
func descendsFromUs(pid int) bool {
	self := os.Getpid()
	for i := 0; i < 64 && pid > 1; i++ {
		if pid == self {
			return true
		}
		stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
		if err != nil {
			return false
		}
		// The command name is in parentheses and may hold spaces: the
		// fields after its last ')' are state, then ppid.
		s := string(stat)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(fields) < 2 {
			return false
		}
		if pid, err = strconv.Atoi(fields[1]); err != nil {
			return false
		}
	}
	return false
}

// TestCommandsRunInTheirOwnProcessGroup: setup/prepare/cleanup commands
// are out of benchy's process group, so that a Ctrl-C at the terminal
// reaches benchy (which decides) and not them.
func TestCommandsRunInTheirOwnProcessGroup(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "pgid")
	plan := testPlan(quickRun(2), execArm("a", true, []string{"true"}, "wall"))
	plan.Workloads[0].Prepare = []string{"sh", "-c", "ps -o pgid= -p $$ > " + out}
	runPlan(t, plan, Options{})
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	pgid, err := strconv.Atoi(strings.TrimSpace(string(got)))
	if err != nil {
		t.Fatalf("pgid %q: %v", got, err)
	}
	if own := syscall.Getpgrp(); pgid == own {
		t.Errorf("prepare ran in benchy's process group %d", own)
	}
}

func TestShortDuration(t *testing.T) {
	for in, want := range map[time.Duration]string{
		14466826 * time.Nanosecond:   "14.47ms",
		1234567 * time.Nanosecond:    "1.235ms",
		123456 * time.Nanosecond:     "123.456µs",
		107 * time.Nanosecond:        "107ns",
		2345678901 * time.Nanosecond: "2.346s",
		12345678901:                  "12.35s",
	} {
		if got := shortDuration(in).String(); got != want {
			t.Errorf("shortDuration(%v) = %s, want %s", in, got, want)
		}
	}
}

// TestHardStopDuringCalibration: a second Ctrl-C while iterations are
// being calibrated interrupts the run; it fails no arm.
func TestHardStopDuringCalibration(t *testing.T) {
	run := quickRun(3)
	run.Iterations = 0
	run.MinBlockTime = time.Minute
	// The first arm calibrates first: its first iteration is the 7 s sleep.
	plan := testPlan(run, execArm("slow", true, []string{"sleep", "7"}, "wall"), execArm("b", false, []string{"true"}, "wall"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { waitForArmRunning(t, "sleep 7"); cancel() }()
	doc, err := Run(ctx, plan, Options{Executable: os.Args[0]})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Status != results.StatusInterrupted {
		t.Errorf("run status %q (%s), want interrupted", doc.Status, doc.StopReason)
	}
	for _, a := range doc.Workloads[0].Arms {
		if a.Status == results.ArmFailed {
			t.Errorf("arm %s failed: %s", a.Name, a.Reason)
		}
	}
}

// TestHardStopDuringArmSetup: a second Ctrl-C while a worker is still in
// setup ends the run (no arm failed, no crash in the calibration that would
// follow), and the arms after it are not started.
func TestHardStopDuringArmSetup(t *testing.T) {
	run := quickRun(3)
	run.Iterations = 0
	run.MinBlockTime = 10 * time.Millisecond
	slow := fakeArm("slow", "slow-setup")
	slow.Baseline = true
	slow.Timeout = time.Minute
	plan := testPlan(run, slow, fakeArm("later", "ok"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { waitForArmRunning(t, "fake slow-setup"); time.Sleep(100 * time.Millisecond); cancel() }()
	doc, err := Run(ctx, plan, Options{Executable: os.Args[0]})
	if err != nil {
		t.Fatal(err)
	}
	w := doc.Workloads[0]
	if doc.Status != results.StatusInterrupted || w.Status != results.StatusInterrupted {
		t.Fatalf("status %q/%q (%s)", doc.Status, w.Status, w.StopReason)
	}
	for _, a := range w.Arms {
		if a.Status == results.ArmFailed {
			t.Errorf("arm %s failed: %s", a.Name, a.Reason)
		}
		if a.Name == "later" && a.Info != nil {
			t.Errorf("the arm after the stop was started: %v", a.Info)
		}
	}
}

// TestBlocksHookCountsMeasuredBlocks: the progress hook hears of every
// block with the number of measured blocks so far, and replaces the
// progress lines for blocks.
func TestBlocksHookCountsMeasuredBlocks(t *testing.T) {
	var got []BlockProgress
	var lines strings.Builder
	runPlan(t, testPlan(quickRun(3), execArm("a", true, []string{"true"}, "wall"), execArm("b", false, []string{"true"}, "wall")),
		Options{Progress: &lines, Blocks: func(ev BlockProgress) { got = append(got, ev) }})
	if len(got) != 4 {
		t.Fatalf("%d events, want 4 (1 warm-up + 3)", len(got))
	}
	for i, ev := range got {
		if ev.Index != i || ev.Warmup != (i == 0) || ev.Measured != i || ev.MaxBlocks != 3 || ev.Workload != "w" || !strings.Contains(ev.Line, "a ") {
			t.Errorf("event %d: %+v", i, ev)
		}
	}
	if strings.Contains(lines.String(), "block ") {
		t.Errorf("block lines printed beside the hook:\n%s", lines.String())
	}
}

// TestSecretsCutOrDerivedNeverRecorded: a sensitive value cut by the
// stderr tail limit (printed, then 4,080 more bytes, and the arm fails,
// #14.8), a GITHUB_TOKEN an arm prints with its environment, and a secret
// inside a worker's info key and metric name (#14.9) reach neither the
// progress lines, results.json nor the journal, not even in part.
func TestSecretsCutOrDerivedNeverRecorded(t *testing.T) {
	const secret = "S3cretValue-ABCDE-QRZ" // 21 characters
	const token = "ghp_abcdefghijklmnopqrstuvwxyz0123"
	dir := t.TempDir()
	cut := execArm("cut", false, []string{"sh", "-c", `printf '%s' "$1" >&2; head -c 4080 /dev/zero | tr '\0' . >&2; exit 3`, "sh", secret}, "wall")
	dump := execArm("dump", false, []string{"sh", "-c", "env >&2; exit 1"}, "wall")
	dump.Env = map[string]string{"GITHUB_TOKEN": token}
	named := fakeArm("named", "named=key-"+secret)
	named.Baseline = true
	plan := testPlan(quickRun(2), named, cut, dump)
	plan.Variables = []suites.Variable{{Name: "token", Sensitive: true, Value: json.RawMessage(strconv.Quote(secret))}}
	var progress strings.Builder
	doc := runPlan(t, plan, Options{OutDir: dir, Progress: &progress})
	w := doc.Workloads[0]
	if a := armByName(t, w, "cut"); a.Status != results.ArmFailed || !strings.Contains(a.Reason, "exit status 3") {
		t.Fatalf("cut arm: %q %q", a.Status, a.Reason)
	}
	if a := armByName(t, w, "dump"); !strings.Contains(a.Reason, "GITHUB_TOKEN=(redacted)") {
		t.Errorf("dump arm's reason does not show the redacted variable: %q", a.Reason)
	}
	mem, _ := json.Marshal(doc)
	for name, b := range map[string][]byte{"progress": []byte(progress.String()), "returned document": mem, "results.json": read(t, dir, "results.json"), "journal": read(t, dir, "journal.jsonl")} {
		for i := 0; i+5 <= len(secret); i++ {
			if frag := secret[i : i+5]; strings.Contains(string(b), frag) {
				t.Errorf("%s holds %q, a part of the secret", name, frag)
				break
			}
		}
		if strings.Contains(string(b), token[4:]) {
			t.Errorf("%s holds the GITHUB_TOKEN", name)
		}
	}
}

// TestSetupMayStartAServer: a setup command that starts a server in the
// background and exits is done when it exits, although the server keeps
// the setup's stdout open (with a pipe, Wait had waited for it and failed
// with "WaitDelay expired before I/O complete"), and the server lives until
// the workload ends, then is swept.
func TestSetupMayStartAServer(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "server.pid")
	plan := testPlan(quickRun(2), execArm("a", true, []string{"true"}, "wall"))
	plan.Workloads[0].Setup = []string{"sh", "-c", "sleep 300 & echo $! > " + pidFile + "; echo started"}
	// The arm's turn checks that the server is up.
	plan.Workloads[0].Prepare = []string{"sh", "-c", `kill -0 "$(cat ` + pidFile + `)"`}
	doc := runPlan(t, plan, Options{})
	w := doc.Workloads[0]
	if w.Status != results.StatusComplete || w.Arms[0].Status != results.ArmOK {
		t.Fatalf("workload %s (%s), arm %s %s", w.Status, w.StopReason, w.Arms[0].Status, w.Arms[0].Reason)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	if !proctree.IsSubreaper() {
		syscall.Kill(pid, syscall.SIGKILL)
		t.Skip("no child subreaper on this platform: nothing sweeps the server")
	}
	deadline := time.Now().Add(10 * time.Second)
	for alive(pid) {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("the setup's server (pid %d) outlived the run", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// alive reports whether pid is a running process (not gone, not a zombie).
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}

// TestUnwritableResultsIsASaveError: when only results.json cannot be
// written (here an arm made a directory of its name), Run returns the
// finished run's redacted document beside a *SaveError naming the file,
// and the journal keeps every block.
func TestUnwritableResultsIsASaveError(t *testing.T) {
	const secret = "hunter2-s3cr3t"
	dir := t.TempDir()
	a := execArm("a", true, []string{"sh", "-c", `mkdir -p "$0/results.json/x"`, dir}, "wall")
	b := execArm("b", false, []string{"sh", "-c", "echo login " + secret + " refused >&2; exit 3"}, "wall")
	plan := testPlan(quickRun(2), a, b)
	plan.Variables = []suites.Variable{{Name: "token", Sensitive: true, Value: json.RawMessage(strconv.Quote(secret))}}
	doc, err := Run(context.Background(), plan, Options{OutDir: dir, Executable: os.Args[0]})
	var save *SaveError
	if !errors.As(err, &save) {
		t.Fatalf("Run: %v (%T), want a *SaveError", err, err)
	}
	if want := filepath.Join(dir, "results.json"); save.Path != want || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("SaveError %q for %q, want %q and the cause", err, save.Path, want)
	}
	if doc == nil || doc.Status == results.StatusRunning || len(doc.Workloads[0].Blocks) == 0 {
		t.Fatalf("the finished run's document was not returned: %+v", doc)
	}
	if mem, _ := json.Marshal(doc); strings.Contains(string(mem), secret) || !strings.Contains(string(mem), "login (sensitive) refused") {
		t.Error("the document returned beside the SaveError is not the redacted one")
	}
	if blocks := strings.Count(string(read(t, dir, "journal.jsonl")), `"block"`); blocks < 2 {
		t.Errorf("the journal holds %d blocks", blocks)
	}
}
