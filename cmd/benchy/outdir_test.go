package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// benchyIn runs the benchy binary in dir with extra environment
// variables and returns its exit code and output.
func benchyIn(t *testing.T, dir string, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(buildBenchy(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return code, out.String(), errb.String()
}

func needBinary(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the benchy binary")
	}
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestRunDirLocked: a second run into a directory a run is using fails at
// once with exit 3 naming the first (#14.10).
func TestRunDirLocked(t *testing.T) {
	needBinary(t)
	suite := writeSuite(t, strings.NewReplacer("max_blocks = 4", "max_blocks = 1000", `["true"]`, `["sleep", "0.01"]`).Replace(twoArmSuite))
	dir := t.TempDir()
	first := exec.Command(buildBenchy(t), "run", suite, "--out", dir, "--seed", "3")
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = first.Process.Signal(syscall.SIGINT)
		_ = first.Wait()
	}()
	waitForJournalBlocks(t, filepath.Join(dir, "s", "journal.jsonl"), 1)
	for _, force := range []bool{false, true} {
		args := []string{"run", suite, "--out", dir, "--seed", "4"}
		if force {
			args = append(args, "--force")
		}
		code, _, errs := benchyIn(t, t.TempDir(), nil, args...)
		want := fmt.Sprintf("is in use by another benchy run (pid %d on ", first.Process.Pid)
		if code != exitEnvironment || !strings.Contains(errs, want) || !strings.Contains(errs, "started 20") {
			t.Fatalf("force %v: exit %d, want 3 and %q:\n%s", force, code, want, errs)
		}
	}
	_ = first.Process.Signal(syscall.SIGINT)
	_ = first.Wait()
	doc := readString(t, filepath.Join(dir, "s", "results.json"))
	if !strings.Contains(doc, `"seed": 3`) || strings.Contains(doc, `"seed": 4`) {
		t.Fatal("results.json is not the first run's alone")
	}
	// Once the first run has ended its lock is free again; its results are
	// then what stands in the way.
	if code, _, errs := benchyIn(t, t.TempDir(), nil, "run", suite, "--out", dir); code != exitUsage || !strings.Contains(errs, "already holds a benchy run") {
		t.Fatalf("after the first run: exit %d:\n%s", code, errs)
	}
}

// TestOutKeepsEarlierRun: an --out that holds a run is refused (exit 2)
// and loses nothing; --force replaces benchy's files and only those
// (#14.11, #15.3).
func TestOutKeepsEarlierRun(t *testing.T) {
	needBinary(t)
	suite := writeSuite(t, twoArmSuite)
	wd, dir := t.TempDir(), t.TempDir()
	if code, _, errs := benchyIn(t, wd, nil, "run", suite, "--out", dir, "--seed", "1"); code != 0 {
		t.Fatalf("first run: exit %d:\n%s", code, errs)
	}
	notes := filepath.Join(dir, "s", "notes.txt")
	if err := os.WriteFile(notes, []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := map[string]string{}
	for _, f := range runFiles {
		before[f] = readString(t, filepath.Join(dir, "s", f))
	}
	code, _, errs := benchyIn(t, wd, nil, "run", suite, "--out", dir, "--seed", "2")
	if code != exitUsage || !strings.Contains(errs, "already holds a benchy run (s/journal.jsonl, s/results.json)") || !strings.Contains(errs, "--force") {
		t.Fatalf("second run: exit %d, want 2 naming the run:\n%s", code, errs)
	}
	for _, f := range runFiles {
		if got := readString(t, filepath.Join(dir, "s", f)); got != before[f] {
			t.Errorf("the refused run changed %s", f)
		}
	}
	code, _, errs = benchyIn(t, wd, nil, "run", suite, "--out", dir, "--seed", "2", "--force")
	if code != 0 || !strings.Contains(errs, "--force: removed the earlier run's s/results.json") {
		t.Fatalf("--force: exit %d:\n%s", code, errs)
	}
	if !strings.Contains(readString(t, filepath.Join(dir, "s", "results.json")), `"seed": 2`) {
		t.Error("--force did not write the new run's results")
	}
	if readString(t, notes) != "mine\n" {
		t.Error("--force touched the user's own file")
	}
}

// TestOutRefusesTargets: /, the home directory, a file and a busy working
// directory are refused with exit 2, before anything is written.
func TestOutRefusesTargets(t *testing.T) {
	needBinary(t)
	suite := writeSuite(t, twoArmSuite)
	home, wd := t.TempDir(), t.TempDir()
	file := filepath.Join(wd, "file.txt")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"HOME=" + home}
	for _, tc := range []struct{ out, want string }{
		{"/", "--out / is the root directory"},
		{"/tmp/..", "is the root directory"},
		{home, "is your home directory"},
		{file, "exists and is not a directory"},
		{".", "--out . is the working directory, which holds other files"},
		{wd, "is the working directory"},
	} {
		code, _, errs := benchyIn(t, wd, env, "run", suite, "--out", tc.out, "--force")
		if code != exitUsage || !strings.Contains(errs, tc.want) {
			t.Errorf("--out %s: exit %d, want 2 and %q:\n%s", tc.out, code, tc.want, errs)
		}
	}
	for _, d := range []string{home, wd} {
		if ents, _ := os.ReadDir(d); len(ents) > 1 || len(ents) == 1 && ents[0].Name() != "file.txt" {
			t.Errorf("something was written into %s: %v", d, ents)
		}
	}
	// An empty working directory is fine.
	empty := t.TempDir()
	if code, _, errs := benchyIn(t, empty, env, "run", suite, "--out", "."); code != 0 {
		t.Fatalf("--out . in an empty directory: exit %d:\n%s", code, errs)
	}
}

// TestOutNeverFollowsLinks: a journal.jsonl planted as a symbolic link is
// not written through, with or without --force; nor is a suite directory
// that is a link (#14.11).
func TestOutNeverFollowsLinks(t *testing.T) {
	needBinary(t)
	suite := writeSuite(t, twoArmSuite)
	wd, dir := t.TempDir(), t.TempDir()
	victim := filepath.Join(t.TempDir(), "victim.txt")
	if err := os.WriteFile(victim, []byte("keep me\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "s"), 0o755); err != nil {
		t.Fatal(err)
	}
	journal := filepath.Join(dir, "s", "journal.jsonl")
	if err := os.Symlink(victim, journal); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := benchyIn(t, wd, nil, "run", suite, "--out", dir); code != exitUsage || !strings.Contains(errs, "s/journal.jsonl") {
		t.Fatalf("without --force: exit %d:\n%s", code, errs)
	}
	if code, _, errs := benchyIn(t, wd, nil, "run", suite, "--out", dir, "--force"); code != 0 {
		t.Fatalf("--force: exit %d:\n%s", code, errs)
	}
	if got := readString(t, victim); got != "keep me\n" {
		t.Fatalf("the planted link's target was written: %q", got)
	}
	if st, err := os.Lstat(journal); err != nil || !st.Mode().IsRegular() {
		t.Fatalf("journal.jsonl is not a file of its own: %v %v", st, err)
	}

	// A suite directory that is a link to elsewhere.
	elsewhere, dir2 := t.TempDir(), t.TempDir()
	if err := os.Symlink(elsewhere, filepath.Join(dir2, "s")); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := benchyIn(t, wd, nil, "run", suite, "--out", dir2, "--force"); code != exitUsage || !strings.Contains(errs, "is in the way") {
		t.Fatalf("suite directory link: exit %d:\n%s", code, errs)
	}
	if ents, _ := os.ReadDir(elsewhere); len(ents) != 0 {
		t.Fatalf("benchy wrote through the link: %v", ents)
	}
}

// TestDefaultRunDirs: without --out every run gets its own directory,
// benchy-out/latest points at the newest, and benchy report without an
// argument renders it (#14.11, #15.3).
func TestDefaultRunDirs(t *testing.T) {
	needBinary(t)
	suite := writeSuite(t, twoArmSuite)
	wd := t.TempDir()
	for _, seed := range []string{"1", "2"} {
		if code, _, errs := benchyIn(t, wd, nil, "run", suite, "--seed", seed); code != 0 {
			t.Fatalf("run: exit %d:\n%s", code, errs)
		}
	}
	base := filepath.Join(wd, "benchy-out")
	ents, err := os.ReadDir(base)
	if err != nil {
		t.Fatal(err)
	}
	var runs []string
	for _, e := range ents {
		if e.IsDir() {
			runs = append(runs, e.Name())
		}
	}
	if len(runs) != 2 {
		t.Fatalf("want two run directories, got %v", ents)
	}
	seedOf := func(run string) string {
		doc := readString(t, filepath.Join(base, run, "s", "results.json"))
		for _, s := range []string{"1", "2"} {
			if strings.Contains(doc, `"seed": `+s+",") {
				return s
			}
		}
		return "?"
	}
	slices.SortFunc(runs, func(a, b string) int { return strings.Compare(seedOf(a), seedOf(b)) })
	if seedOf(runs[0]) != "1" || seedOf(runs[1]) != "2" {
		t.Fatalf("the runs do not hold seeds 1 and 2: %v", runs)
	}
	if target, err := os.Readlink(filepath.Join(base, "latest")); err != nil || target != runs[1] {
		t.Fatalf("latest -> %q (%v), want %s", target, err, runs[1])
	}
	code, out, errs := benchyIn(t, wd, nil, "report", "--color", "never")
	if code != 0 || !strings.Contains(out, "seed 2 ") {
		t.Fatalf("report of the latest run: exit %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = benchyIn(t, wd, nil, "report", filepath.Join("benchy-out", runs[0]), "--format", "json")
	if code != 0 || !strings.Contains(out, `"schema"`) {
		t.Fatalf("report of a run directory: exit %d\n%s\n%s", code, out, errs)
	}
	if code, _, errs := benchyIn(t, t.TempDir(), nil, "report"); code != exitUsage || !strings.Contains(errs, "benchy-out/latest") {
		t.Fatalf("report without a run: exit %d:\n%s", code, errs)
	}
}

// TestOneLayout: one suite or several, each gets RUNDIR/SUITE/; benchy
// report renders a run of several suites in text, and asks which one for
// formats that hold one document.
func TestOneLayout(t *testing.T) {
	suite := writeSuite(t, twoArmSuite)
	other := filepath.Join(t.TempDir(), "other.benchy.hcl")
	if err := os.WriteFile(other, []byte(twoArmSuite), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if code, _, errs := benchy(t, "run", suite, other, suite, "--out", dir); code != 0 {
		t.Fatalf("run: exit %d:\n%s", code, errs)
	}
	for _, s := range []string{"s", "other", "s-2"} {
		for _, f := range runFiles {
			if _, err := os.Lstat(filepath.Join(dir, s, f)); err != nil {
				t.Error(err)
			}
		}
	}
	code, out, errs := benchy(t, "report", dir, "--color", "never")
	if code != 0 || strings.Count(out, "w (time per iteration") != 3 {
		t.Fatalf("report: exit %d\n%s\n%s", code, out, errs)
	}
	code, _, errs = benchy(t, "report", dir, "--format", "html")
	if code != exitUsage || !strings.Contains(errs, "holds 3 suites") || !strings.Contains(errs, filepath.Join(dir, "other", "results.json")) {
		t.Fatalf("report --format html of three suites: exit %d:\n%s", code, errs)
	}
	code, out, errs = benchy(t, "report", filepath.Join(dir, "other"), "--format", "html")
	if code != 0 || !strings.Contains(out, "<html") {
		t.Fatalf("report of a suite directory: exit %d:\n%s", code, errs)
	}
	if code, _, errs := benchy(t, "merge", dir); code != exitUsage || !strings.Contains(errs, "holds 3 suites") {
		t.Fatalf("merge of a run of three suites: exit %d:\n%s", code, errs)
	}
}

// TestRunHelpNamesEveryFile: run --help names every file a run leaves,
// report.html included, and where they go (#15.15).
func TestRunHelpNamesEveryFile(t *testing.T) {
	code, out, errs := benchy(t, "run", "--help")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range append(slices.Clone(runFiles), "RUNDIR/SUITE/", "benchy-out/latest", "--force") {
		if !strings.Contains(out, want) {
			t.Errorf("run --help does not mention %s:\n%s", want, out)
		}
	}
}

// TestOutCheckedBeforeBuild: an --out that will be refused is refused
// before --arm-from-git spends a build on it.
func TestOutCheckedBeforeBuild(t *testing.T) {
	repo, _ := gitRepo(t)
	t.Chdir(repo)
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "s"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "s", "results.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(t.TempDir(), "built")
	suite := writeSuite(t, twoArmSuite)
	code, _, errs := benchy(t, "run", suite, "--out", dir, "--arm-from-git", "main", "--git-build", "touch "+marker+"; "+copyBuild)
	if code != exitUsage || !strings.Contains(errs, "already holds a benchy run") {
		t.Fatalf("exit %d:\n%s", code, errs)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("the build ran before the refusal")
	}
}
