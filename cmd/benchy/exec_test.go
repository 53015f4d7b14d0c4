package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/google/shlex"

	"github.com/benchy-dev/benchy/internal/golden"
	"github.com/benchy-dev/benchy/results"
)

// TestExecPrintSuite checks the suite a one-liner becomes: argv split with
// shell rules, parameters as arm matrices, the reference as baseline, a
// shell as argv, and the run settings the flags give.
func TestExecPrintSuite(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"quotes", []string{`sort -n "my file.txt"`, `grep -c 'a b' it\'s.txt`, `./bin/tool --x=1`}},
		{"scan", []string{"-P", "threads", "1", "3", "-n", "xz", "xz -T{threads} -kf big.tar", "gzip -kf big.tar"}},
		{"decimal-scan", []string{"-P", "delay", "0.3", "0.7", "-D", "0.2", "sleep {delay}"}},
		{"list", []string{"-L", "compiler", "gcc,clang", "-L", "opt", "O1,O2", "{compiler} -{opt} main.c", "tcc main.c"}},
		{"reference", []string{"--reference", "sleep 0.01", "sleep 0.02", "sleep 0.03"}},
		{"reference-among", []string{"--reference", "sleep 0.02", "sleep 0.01", "sleep 0.02"}},
		{"shell", []string{"-S", "bash --norc", "--setup", "make", "echo ${HOME} | wc -c", "true"}},
		{"settings", []string{"--blocks", "12", "--target-ci", "3%", "--seed", "7", "--order", "interleaved", "-w", "3", "--timeout", "20s", "-p", "sync", "true", "false"}},
		{"max-only", []string{"--max-blocks", "4", "true", "false"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := benchy(t, append([]string{"exec", "--print-suite"}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			golden.Check(t, filepath.Join("testdata", "exec", tc.name+".benchy.hcl"), []byte(out))
			// The printed suite is canonical and loads.
			path := filepath.Join(t.TempDir(), "s.benchy.hcl")
			if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
				t.Fatal(err)
			}
			if code, _, errs := benchy(t, "fmt", "--check", path); code != 0 {
				t.Errorf("printed suite is not canonical: %s", errs)
			}
			if code, _, errs := benchy(t, "validate", path); code != 0 {
				t.Errorf("printed suite does not validate: %s", errs)
			}
		})
	}
}

// TestExecBadInput: every mistake exits 2 with one line naming it.
func TestExecBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{}, "no command given"},
		{[]string{"true", ""}, "command 2 is empty"},
		{[]string{"   "}, "command 1 is empty"},
		{[]string{`echo "unterminated`}, "unbalanced quote"},
		{[]string{`echo 'it`}, "unbalanced quote"},
		{[]string{`echo a\`}, "ends in a backslash"},
		{[]string{"-P", "n", "5", "1", "sleep {n}"}, "MIN (5) is greater than MAX (1)"},
		{[]string{"-P", "n", "1", "5", "-D", "x", "sleep {n}"}, `step (-D) "x" is not a number`},
		{[]string{"-P", "n", "1", "5", "-D", "0", "sleep {n}"}, "step must be greater than 0"},
		{[]string{"-P", "n", "a", "5", "sleep {n}"}, `MIN "a" is not a number`},
		{[]string{"-P", "n", "0.1", "0.5", "sleep {n}"}, "decimal bounds need a step"},
		{[]string{"-P", "n", "1", "sleep {n}"}, `MAX "sleep {n}" is not a number`},
		{[]string{"-D", "2", "sleep 1"}, "no -P is given"},
		{[]string{"-L", "n", "1,,2", "sleep {n}"}, "an empty value"},
		{[]string{"sleep {n}"}, "{n} names no parameter"},
		{[]string{"-P", "n", "1", "2", "sleep 1"}, "no command uses {n}"},
		{[]string{"-P", "n", "1", "2", "-L", "n", "3,4", "sleep {n}"}, "defined twice"},
		{[]string{"--frobnicate", "true"}, "unknown flag: --frobnicate"},
		{[]string{"-Z", "true"}, "unknown shorthand flag"},
		{[]string{"--runs", "10", "true"}, "use --blocks N"},
		{[]string{"-m", "10", "true"}, "use --min-blocks N"},
		{[]string{"-M", "10", "true"}, "use --max-blocks N"},
		{[]string{"-i", "true"}, "-S sh 'CMD || true'"},
		{[]string{"--show-output", "true"}, "output is discarded"},
		{[]string{"--input", "data.txt", "cat"}, "CMD < data.txt"},
		{[]string{"--output", "pipe", "true"}, "--output pipe"},
		{[]string{"--style", "basic", "true"}, "--color never"},
		{[]string{"--export-orgmode", "x.org", "true"}, "use --export-markdown"},
		{[]string{"-p", "a", "-p", "b", "true", "false"}, "--prepare given 2 times"},
		{[]string{"--setup", "make {n}", "-L", "n", "1,2", "true {n}"}, "{n} cannot be used here"},
		{[]string{"-n", "a", "-n", "b", "true"}, "2 --command-name values for 1 commands"},
		{[]string{"--blocks", "1", "true"}, "jackknife needs two blocks"},
		{[]string{"--blocks", "4", "--max-blocks", "5", "true"}, "--blocks N sets both"},
		{[]string{"--min-blocks", "9", "--max-blocks", "5", "true"}, "--min-blocks (9) is greater than --max-blocks (5)"},
		{[]string{"--target-ci", "5", "true"}, "below 100%"},
		{[]string{"--target-ci", "x", "true"}, "not a number"},
		{[]string{"--time-unit", "hour", "true"}, "--time-unit must be one of"},
		{[]string{"--order", "random", "true"}, "--order must be"},
		{[]string{"--format", "xml", "true"}, "--format must be one of"},
		{[]string{"-N", "-S", "bash", "true"}, "give one of them"},
		{[]string{"--timeout", "soon", "true"}, "Invalid duration"},
		{[]string{"-L", "p", "a/b,c", "cat {p}"}, "a/b"},
		{[]string{"--save-suite", "y.json", "true"}, "--save-suite y.json: benchy exec writes the suite in HCL, and a suite file whose name ends in .json is read as JSON, so benchy run y.json would refuse it; give a name such as y.benchy.hcl"},
		{[]string{"--print-suite", "--save-suite", "y.benchy.json", "true"}, "give a name such as y.benchy.hcl"},
		{[]string{"--save-suite", "-", "true"}, "benchy run - reads a suite from standard input"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out := t.TempDir()
			code, stdout, errs := benchy(t, append([]string{"exec", "--out", out}, tc.args...)...)
			if code != exitUsage {
				t.Fatalf("exit %d, want 2\nstdout: %s\nstderr: %s", code, stdout, errs)
			}
			if !strings.Contains(errs, tc.want) {
				t.Errorf("stderr %q does not name the problem (%q)", errs, tc.want)
			}
			if n := strings.Count(strings.TrimRight(errs, "\n"), "\n"); n > 1 {
				t.Errorf("stderr has %d lines, want at most 2:\n%s", n+1, errs)
			}
			if runs, _ := findRuns(out); len(runs) > 0 {
				t.Errorf("bad input still ran: %v", runs)
			}
		})
	}
}

// execRun runs a one-liner into a fresh directory and returns its results.
func execRun(t *testing.T, wantCode int, args ...string) (*results.Document, string) {
	t.Helper()
	dir := t.TempDir()
	code, _, errs := benchy(t, append([]string{"exec", "--out", dir, "--blocks", "2", "--color", "never"}, args...)...)
	if code != wantCode {
		t.Fatalf("exit %d, want %d: %s", code, wantCode, errs)
	}
	doc, err := results.ReadFile(filepath.Join(dir, "exec", "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	return doc, dir
}

func armCommand(t *testing.T, a *results.Arm) []string {
	t.Helper()
	var c struct {
		Command []string `json:"command"`
	}
	if err := json.Unmarshal(a.Config, &c); err != nil {
		t.Fatal(err)
	}
	return c.Command
}

// TestExecMissingCommandFailsItsArm: a command that is not found fails its
// arm alone; the other arms run, and benchy exits 1.
func TestExecMissingCommandFailsItsArm(t *testing.T) {
	doc, _ := execRun(t, exitFailure, "true", "benchy-no-such-command-xyz --flag", "true -x")
	status := map[string]string{}
	for _, a := range doc.Workloads[0].Arms {
		status[a.Name] = a.Status
	}
	if status["true"] != results.ArmOK || status["true_-x"] != results.ArmOK || status["benchy-no-such-command-xyz_--flag"] != results.ArmFailed {
		t.Errorf("arm statuses %v", status)
	}
	for _, b := range doc.Workloads[0].Blocks {
		if r, ok := b.Run("true_-x"); b.Measured() && (!ok || len(r.NS) == 0) {
			t.Errorf("block %d: the other arm did not run", b.Index)
		}
	}
}

// TestExecParametersAndShell: a scan and a list expand into arm instances
// with the values in their argv; the first values are the baseline; a
// shell command is run as SHELL -c TEXT and recorded so.
func TestExecParametersAndShell(t *testing.T) {
	doc, _ := execRun(t, exitOK, "-P", "n", "1", "2", "-L", "w", "a,b", "true {n} x{w}", "-S", "sh", "true")
	w := doc.Workloads[0]
	var names []string
	argv := map[string][]string{}
	for _, a := range w.Arms {
		names = append(names, a.Name)
		argv[a.Name] = armCommand(t, a)
		if a.Baseline != (a.Name == "true_x/n=1/w=a") {
			t.Errorf("%s: baseline = %v", a.Name, a.Baseline)
		}
	}
	want := []string{"true_x/n=1/w=a", "true_x/n=1/w=b", "true_x/n=2/w=a", "true_x/n=2/w=b", "true"}
	if !slices.Equal(names, want) {
		t.Fatalf("arms %v, want %v", names, want)
	}
	if got := argv["true_x/n=2/w=b"]; !slices.Equal(got, []string{"sh", "-c", "true 2 xb"}) {
		t.Errorf("argv %q", got)
	}
	if got := argv["true"]; !slices.Equal(got, []string{"sh", "-c", "true"}) {
		t.Errorf("argv %q", got)
	}
	if doc.Environment.Overhead["spawn_noop_median"] <= 0 {
		t.Errorf("spawn overhead not recorded: %v", doc.Environment.Overhead)
	}
}

// TestExecSaveSuiteRoundTrip: the saved suite, run by benchy run with the
// same seed, gives the same plan and the same schedule.
func TestExecSaveSuiteRoundTrip(t *testing.T) {
	suite := filepath.Join(t.TempDir(), "cmp.benchy.hcl")
	d1, d2 := t.TempDir(), t.TempDir()
	code, _, errs := benchy(t, "exec", "--out", d1, "--blocks", "3", "--seed", "11", "--save-suite", suite, "-L", "x", "1,2", "true {x}", "true")
	if code != 0 {
		t.Fatalf("exec: exit %d: %s", code, errs)
	}
	if code, _, errs := benchy(t, "run", suite, "--seed", "11", "--out", d2); code != 0 {
		t.Fatalf("run: exit %d: %s", code, errs)
	}
	r1, err := results.ReadFile(filepath.Join(d1, "cmp", "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	r2, err := results.ReadFile(filepath.Join(d2, "cmp", "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if r1.Suite.SHA256 != r2.Suite.SHA256 || r1.Seed != r2.Seed || r1.Seed != 11 {
		t.Errorf("suite %s vs %s, seed %d vs %d", r1.Suite.SHA256, r2.Suite.SHA256, r1.Seed, r2.Seed)
	}
	w1, w2 := r1.Workloads[0], r2.Workloads[0]
	if w1.Name != w2.Name || len(w1.Arms) != len(w2.Arms) || !reflect.DeepEqual(w1.Run, w2.Run) {
		t.Fatalf("plans differ: %+v %+v", w1.Run, w2.Run)
	}
	for i := range w1.Arms {
		if w1.Arms[i].Name != w2.Arms[i].Name || string(w1.Arms[i].Config) != string(w2.Arms[i].Config) || w1.Arms[i].Baseline != w2.Arms[i].Baseline {
			t.Errorf("arm %d: %s %s vs %s %s", i, w1.Arms[i].Name, w1.Arms[i].Config, w2.Arms[i].Name, w2.Arms[i].Config)
		}
	}
	o1, o2 := blockOrders(t, filepath.Join(d1, "cmp", "results.json")), blockOrders(t, filepath.Join(d2, "cmp", "results.json"))
	if len(o1) != 4 || !slices.EqualFunc(o1, o2, slices.Equal) {
		t.Errorf("schedules differ:\n%v\n%v", o1, o2)
	}
	// Saving again replaces benchy exec's own file; a hand-written one is
	// refused.
	code, out, errs := benchy(t, "exec", "--print-suite", "--save-suite", suite, "true")
	if b, _ := os.ReadFile(suite); code != 0 || string(b) != out {
		t.Errorf("saving over exec's own suite: exit %d: %s\n%s", code, errs, b)
	}
	mine := filepath.Join(t.TempDir(), "mine.benchy.hcl")
	if err := os.WriteFile(mine, []byte("# mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs = benchy(t, "exec", "--out", t.TempDir(), "--save-suite", mine, "true")
	if b, _ := os.ReadFile(mine); code != exitUsage || !strings.Contains(errs, "not written by benchy exec") || string(b) != "# mine\n" {
		t.Errorf("exit %d, %q; file now %q", code, errs, b)
	}
}

// TestExecReportRendersTheLastOneLiner: without --out, results go to a
// fresh benchy-out/<time>/exec/, and benchy report with no argument
// renders them.
func TestExecReportRendersTheLastOneLiner(t *testing.T) {
	t.Chdir(t.TempDir())
	if code, _, errs := benchy(t, "exec", "--blocks", "2", "--color", "never", "true", "true -n"); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join("benchy-out", "latest", "exec", "results.json")); err != nil {
		t.Fatal(err)
	}
	code, out, errs := benchy(t, "report", "--color", "never")
	if code != 0 || !strings.Contains(out, "true_-n") {
		t.Errorf("benchy report: exit %d\n%s\n%s", code, out, errs)
	}
}

// TestExecExports reads the exports the way a hyperfine script would.
func TestExecExports(t *testing.T) {
	dir := t.TempDir()
	j, c, m := filepath.Join(dir, "h.json"), filepath.Join(dir, "h.csv"), filepath.Join(dir, "h.md")
	doc, _ := execRun(t, exitOK, "-L", "n", "1,2", "true {n}", "true", "-n", "plain", "--export-json", j, "--export-csv", c, "--export-markdown", m, "-u", "microsecond")

	var hj struct {
		Results []struct {
			Command    string            `json:"command"`
			Mean       float64           `json:"mean"`
			Stddev     *float64          `json:"stddev"`
			Median     float64           `json:"median"`
			User       float64           `json:"user"`
			System     float64           `json:"system"`
			Min        float64           `json:"min"`
			Max        float64           `json:"max"`
			Times      []float64         `json:"times"`
			ExitCodes  []int             `json:"exit_codes"`
			Parameters map[string]string `json:"parameters"`
			Relative   *struct {
				Estimate, CILo, CIHi float64
			} `json:"relative_difference"`
			Blocks int `json:"blocks"`
		} `json:"results"`
		Benchy struct {
			Seed int64 `json:"seed"`
		} `json:"benchy"`
	}
	b, err := os.ReadFile(j)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &hj); err != nil {
		t.Fatal(err)
	}
	if len(hj.Results) != 3 || hj.Benchy.Seed != doc.Seed {
		t.Fatalf("%d results, seed %d: %s", len(hj.Results), hj.Benchy.Seed, b)
	}
	wantCmd := []string{"plain", "plain", "true"}
	for i, r := range hj.Results {
		if r.Command != wantCmd[i] {
			t.Errorf("result %d: command %q, want %q", i, r.Command, wantCmd[i])
		}
		if len(r.Times) == 0 || len(r.ExitCodes) != len(r.Times) || r.Blocks != 2 {
			t.Errorf("result %d: %d times, %d exit codes, %d blocks", i, len(r.Times), len(r.ExitCodes), r.Blocks)
		}
		if !(r.Min <= r.Median && r.Median <= r.Max && r.Mean > 0 && r.Mean < 1 && r.Stddev != nil) {
			t.Errorf("result %d: min %g median %g max %g mean %g", i, r.Min, r.Median, r.Max, r.Mean)
		}
		if (i == 0) != (r.Relative == nil) {
			t.Errorf("result %d: relative %v", i, r.Relative)
		}
	}
	if hj.Results[1].Parameters["n"] != "2" || hj.Results[2].Parameters != nil {
		t.Errorf("parameters %v, %v", hj.Results[1].Parameters, hj.Results[2].Parameters)
	}
	// Every timed run of the measured blocks, in seconds.
	var runs int
	for _, blk := range doc.Workloads[0].Blocks {
		if r, ok := blk.Run(doc.Workloads[0].Arms[0].Name); ok && blk.Measured() {
			runs += len(r.NS)
		}
	}
	if len(hj.Results[0].Times) != runs {
		t.Errorf("%d times, %d timed runs", len(hj.Results[0].Times), runs)
	}

	f, err := os.Open(c)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recs[0][:9], []string{"command", "mean", "stddev", "median", "user", "system", "min", "max", "parameter_n"}) || len(recs) != 4 {
		t.Errorf("CSV header %v, %d rows", recs[0], len(recs))
	}
	if recs[2][0] != "plain" || recs[2][8] != "2" {
		t.Errorf("CSV row %v", recs[2])
	}

	md, err := os.ReadFile(m)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(md), "| Command | Mean [µs] | Min [µs] | Max [µs] | Relative |") || !strings.Contains(string(md), "| `true` |") {
		t.Errorf("Markdown:\n%s", md)
	}
}

// TestExecHelp: three examples, and what to use instead of hyperfine's
// run counts.
func TestExecHelp(t *testing.T) {
	code, out, errs := benchy(t, "exec", "--help")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	_, ex, _ := strings.Cut(out, "Examples:")
	ex, _, _ = strings.Cut(ex, "\n\n")
	if n := strings.Count(ex, "benchy exec "); n != 3 {
		t.Errorf("%d examples:\n%s", n, ex)
	}
	for _, want := range []string{"--runs", "--blocks N", "--ignore-failure", "--reference", "--export-json", "--save-suite"} {
		if !strings.Contains(out, want) {
			t.Errorf("help does not mention %s", want)
		}
	}
}

// TestExecInterrupt runs the real binary and sends SIGINT mid-run: exit
// 130, the finished blocks kept, and the exports written from them.
func TestExecInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the benchy binary")
	}
	bin := buildBenchy(t)
	dir, export := t.TempDir(), filepath.Join(t.TempDir(), "h.json")
	cmd := exec.Command(bin, "exec", "--out", dir, "--blocks", "1000", "--export-json", export, "sleep 0.01", "sleep 0.01")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitForJournalBlocks(t, filepath.Join(dir, "exec", "journal.jsonl"), 3)
	_ = cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Fatalf("exit: %v, want 130\n%s", err, stderr.String())
	}
	doc, err := results.ReadFile(filepath.Join(dir, "exec", "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Status != results.StatusInterrupted || len(doc.Workloads[0].Blocks) < 2 {
		t.Fatalf("status %q, %d blocks", doc.Status, len(doc.Workloads[0].Blocks))
	}
	var hj struct {
		Results []struct {
			Times []float64 `json:"times"`
		} `json:"results"`
	}
	b, err := os.ReadFile(export)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &hj); err != nil || len(hj.Results) != 2 || len(hj.Results[0].Times) == 0 {
		t.Errorf("export after an interrupt: %v\n%s", err, b)
	}
}

// TestExecInvalidSuiteIsNotWritten: flags that give a suite benchy run
// refuses are refused by --print-suite and --save-suite too (exit 2, the
// message a run gives), and nothing is printed or saved.
func TestExecInvalidSuiteIsNotWritten(t *testing.T) {
	var a, b []string
	for i := 1; i <= 100; i++ {
		a = append(a, strconv.Itoa(i))
	}
	for i := 1; i <= 200; i++ {
		b = append(b, strconv.Itoa(i))
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"negative timeout", []string{"--timeout", "-1s", "true"}, "must be positive"},
		{"zero timeout", []string{"--timeout", "0s", "true"}, "must be positive"},
		{"20000 instances", []string{"-L", "a", strings.Join(a, ","), "-L", "b", strings.Join(b, ","), "true {a} {b}"}, "Matrix too large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			saved := filepath.Join(dir, "s.benchy.hcl")
			for _, mode := range [][]string{{"--print-suite"}, {"--save-suite", saved}, {"--out", filepath.Join(dir, "run")}} {
				code, out, errs := benchy(t, append(append([]string{"exec"}, mode...), tc.args...)...)
				if code != exitUsage || out != "" || !strings.Contains(errs, tc.want) || !strings.Contains(errs, "the commands and flags give an invalid suite") {
					t.Errorf("%v: exit %d, stdout %d bytes, stderr %q; want 2, nothing and %q", mode, code, len(out), errs, tc.want)
				}
			}
			if _, err := os.Stat(saved); err == nil {
				t.Errorf("the invalid suite was saved")
			}
		})
	}
}

// TestExecRedactsCredentialsInCommands: a credential in a command (by the
// rules that redact what an arm prints) is run as given but recorded as a
// sensitive variable's (sensitive), or (redacted) in the exports and arm
// names: in results.json, the journal, the reports and the export.
func TestExecRedactsCredentialsInCommands(t *testing.T) {
	dir := t.TempDir()
	got, export := filepath.Join(dir, "got.txt"), filepath.Join(dir, "x.json")
	creds := []string{"ghp_abcdefghijklmnopqrstuvwxyz0123456789", "http://user:pw1234@example.com/", "--password=hunter22"}
	_, run := execRun(t, 0, "--export-json", export, "-S", "sh", "echo "+strings.Join(creds, " ")+" > "+got, "true --password=hunter22")
	b, err := os.ReadFile(got)
	if err != nil || strings.TrimSpace(string(b)) != strings.Join(creds, " ") {
		t.Fatalf("the command did not run with the real values: %q, %v", b, err)
	}
	files := []string{export}
	for _, name := range runFiles {
		files = append(files, filepath.Join(run, "exec", name))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, leak := range []string{"ghp_abc", "pw1234", "hunter22"} {
			if strings.Contains(string(b), leak) {
				t.Errorf("%s records %q", filepath.Base(f), leak)
			}
		}
	}
}

// TestExecShellSyntax: a command run without a shell that holds shell
// syntax outside quotes (an operator, a redirection, an expansion) is
// refused with exit 2, naming the command and the word and saying how to
// run it through a shell; quoted or escaped, the same characters are
// literal arguments, and with -S the shell gets the command as it is.
func TestExecShellSyntax(t *testing.T) {
	for _, tc := range []struct {
		args []string
		word string // "" when accepted
	}{
		{[]string{"sleep 0.1", "true && sleep 0.2"}, "&&"},
		{[]string{"true || false"}, "||"},
		{[]string{"seq 10 | wc -l"}, "|"},
		{[]string{"sleep 1 &"}, "&"},
		{[]string{"true ; true"}, ";"},
		{[]string{"case x in x) ;; esac"}, "x)"},
		{[]string{"echo hi > /dev/null"}, ">"},
		{[]string{"echo hi >> log"}, ">>"},
		{[]string{"wc -l < nums.txt"}, "<"},
		{[]string{"cat << EOF"}, "<<"},
		{[]string{"ls 2> /dev/null"}, "2>"},
		{[]string{"ls x 2>&1"}, "2>&1"},
		{[]string{"ls &> log"}, "&>"},
		{[]string{"ls |& wc"}, "|&"},
		{[]string{"echo hi >/dev/null"}, ">/dev/null"},
		{[]string{"make clean; make"}, "clean;"},
		{[]string{"true&&sleep 1"}, "true&&sleep"},
		{[]string{"(cd src && make)"}, "(cd"},
		{[]string{"echo $HOME"}, "$HOME"},
		{[]string{"echo ${HOME}"}, "${HOME}"},
		{[]string{"echo --prefix=$HOME/x"}, "--prefix=$HOME/x"},
		{[]string{`echo "$HOME"`}, "$HOME"},
		{[]string{"echo $1 $?"}, "$1"},
		{[]string{"echo $(date)"}, "$(date)"},
		{[]string{"echo `date`"}, "`date`"},
		{[]string{"--setup", "sync; true", "true"}, "sync;"},
		{[]string{"--prepare", "echo 3 > /proc/sys/vm/drop_caches", "true"}, ">"},
		{[]string{"--reference", "true | true", "true"}, "|"},
		// Literal arguments.
		{[]string{`echo '$HOME' "|" '&&' \; \> \$HOME "\$HOME" 'a|b' "x>y"`}, ""},
		{[]string{`grep -c 'a$' log`, `sed s/a$/b/ log`, `echo $ 5$ cost:$`}, ""},
		{[]string{`awk '{ print $1 }' log`, "echo a # | comment"}, ""},
		{[]string{"-L", "n", "1,2", "sleep 0.0{n}", "echo {n}"}, ""},
		{[]string{"-S", "sh", "true && sleep 0.2", "echo $HOME > /dev/null", "echo `date` $(date) | wc"}, ""},
		{[]string{"--shell=sh", "--setup", "sync; true", "seq 3 | wc -l"}, ""},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stdout, errs := benchy(t, append([]string{"exec", "--print-suite"}, tc.args...)...)
			if tc.word == "" {
				if code != 0 {
					t.Fatalf("exit %d, want 0: %s", code, errs)
				}
				return
			}
			if code != exitUsage || stdout != "" {
				t.Fatalf("exit %d, want 2\nstdout: %s\nstderr: %s", code, stdout, errs)
			}
			if !strings.Contains(errs, strconv.Quote(tc.word)+" is a shell") || !strings.Contains(errs, "-S sh") || !strings.Contains(errs, "single quotes") {
				t.Errorf("stderr %q does not name %q and -S sh", errs, tc.word)
			}
			if n := strings.Count(strings.TrimRight(errs, "\n"), "\n"); n > 0 {
				t.Errorf("stderr has %d lines, want 1:\n%s", n+1, errs)
			}
		})
	}
}

// TestSplitQuotedMatchesShlex: the quote-keeping splitter behind
// shellSyntax gives the words shlex.Split gives, and refuses what it
// refuses.
func TestSplitQuotedMatchesShlex(t *testing.T) {
	for _, text := range []string{
		"", "  ", "a", "a b\tc\nd", `a "b c" 'd e' f\ g`, `"a\"b" 'a\b' "a\\b"`, `a""b ''`,
		`x#y # comment ' unclosed` + "\nnext", "#only", `"unclosed`, `'unclosed`, `trailing\`, `"esc\`,
		`it\'s "x'y" 'x"y'`, "caf\u00e9 \u00fcber", `a\ `,
	} {
		want, werr := shlex.Split(text)
		got, ok := splitQuoted(text)
		if ok != (werr == nil) {
			t.Errorf("%q: ok %v, shlex error %v", text, ok, werr)
			continue
		}
		if !ok {
			continue
		}
		var words []string
		for _, w := range got {
			words = append(words, string(w.runes))
			if len(w.how) != len(w.runes) {
				t.Errorf("%q: %d runes, %d ways", text, len(w.runes), len(w.how))
			}
		}
		if !slices.Equal(words, want) {
			t.Errorf("%q: %q, shlex %q", text, words, want)
		}
	}
}

// TestExecSaveSuiteNames: a --save-suite name that benchy reads as HCL is
// saved and loads again; one it would read as JSON is refused (see
// TestExecBadInput) rather than saved as a file benchy run cannot load.
func TestExecSaveSuiteNames(t *testing.T) {
	for _, name := range []string{"y.benchy.hcl", "y.hcl", "y.JSON", "y.json.hcl", "y"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), name)
			if code, _, errs := benchy(t, "exec", "--print-suite", "--save-suite", path, "true"); code != 0 {
				t.Fatalf("exec: exit %d: %s", code, errs)
			}
			if code, _, errs := benchy(t, "validate", path); code != 0 {
				t.Errorf("the saved suite does not load: exit %d: %s", code, errs)
			}
		})
	}
}

// TestExecExportToStdout: an export named "-" goes to standard output, as
// benchy report -o - does, and makes no file named "-".
func TestExecExportToStdout(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	code, stdout, errs := benchy(t, "exec", "true", "--blocks", "2", "-o", filepath.Join(dir, "out"), "--export-csv", "-", "--color", "never")
	if code != 0 || !strings.Contains(stdout, "\ncommand,mean,stddev,median,") {
		t.Fatalf("exit %d; stdout lacks the CSV:\n%s\nstderr: %s", code, stdout, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "-")); err == nil {
		t.Error(`a file named "-" was written`)
	}
}
