package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/benchy-dev/benchy/results"
)

func writeSuite(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.benchy.hcl")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const twoArmSuite = `
run {
  warmup     = 1
  min_blocks = 4
  max_blocks = 4
  iterations = 2
}

workload "w" {
  arm "a" {
    baseline = true
    exec { command = ["true"] }
  }
  arm "b" {
    exec { command = ["true"] }
  }
  arm "c" {
    exec { command = ["true"] }
  }
}
`

func benchy(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func blockOrders(t *testing.T, path string) [][]string {
	t.Helper()
	doc, err := results.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var o [][]string
	for _, b := range doc.Workloads[0].Blocks {
		o = append(o, b.Order)
	}
	return o
}

func TestRunSameSeedSameOrders(t *testing.T) {
	suite := writeSuite(t, twoArmSuite)
	d1, d2 := t.TempDir(), t.TempDir()
	for _, d := range []string{d1, d2} {
		if code, _, errs := benchy(t, "run", suite, "--out", d, "--seed", "7"); code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
	}
	o1, o2 := blockOrders(t, filepath.Join(d1, "s", "results.json")), blockOrders(t, filepath.Join(d2, "s", "results.json"))
	if len(o1) != 5 || !slices.EqualFunc(o1, o2, slices.Equal) {
		t.Fatalf("orders differ:\n%v\n%v", o1, o2)
	}
	if _, err := os.Stat(filepath.Join(d1, "s", "report.md")); err != nil {
		t.Fatal(err)
	}
}

func TestRunFailingArmExitsOne(t *testing.T) {
	suite := writeSuite(t, strings.Replace(twoArmSuite, `arm "c" {
    exec { command = ["true"] }`, `arm "c" {
    exec { command = ["false"] }`, 1))
	dir := t.TempDir()
	code, stdout, _ := benchy(t, "run", suite, "--out", dir, "--seed", "1")
	if code != exitFailure {
		t.Fatalf("exit %d, want 1", code)
	}
	doc, err := results.ReadFile(filepath.Join(dir, "s", "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	w := doc.Workloads[0]
	for _, a := range w.Arms {
		want := results.ArmOK
		if a.Name == "c" {
			want = results.ArmFailed
			if !strings.Contains(a.Reason, "exit status 1") {
				t.Errorf("reason %q", a.Reason)
			}
		}
		if a.Status != want {
			t.Errorf("arm %s: %s, want %s", a.Name, a.Status, want)
		}
	}
	if !strings.Contains(stdout, "c failed") {
		t.Errorf("report does not name the failure:\n%s", stdout)
	}
}

func TestRunBadSuiteExitsTwo(t *testing.T) {
	suite := writeSuite(t, "workload \"w\" {\n  arms \"a\" {}\n}\n")
	code, _, errs := benchy(t, "run", suite)
	if code != exitUsage || !strings.Contains(errs, ".benchy.hcl:2:") {
		t.Fatalf("exit %d, stderr %s", code, errs)
	}
}

// TestRunInterrupt runs the real binary and sends SIGINT mid-run.
func TestRunInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the benchy binary")
	}
	bin := buildBenchy(t)
	suite := writeSuite(t, strings.NewReplacer("max_blocks = 4", "max_blocks = 1000", `["true"]`, `["sleep", "0.01"]`).Replace(twoArmSuite))
	dir := t.TempDir()
	cmd := exec.Command(bin, "run", suite, "--out", dir, "--seed", "3")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitForJournalBlocks(t, filepath.Join(dir, "s", "journal.jsonl"), 3)
	_ = cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Fatalf("exit: %v, want 130\n%s", err, stderr.String())
	}
	doc, err := results.ReadFile(filepath.Join(dir, "s", "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Status != results.StatusInterrupted || len(doc.Workloads[0].Blocks) < 2 {
		t.Fatalf("status %q, %d blocks", doc.Status, len(doc.Workloads[0].Blocks))
	}
	journal, err := results.ReadFile(filepath.Join(dir, "s", "journal.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(journal.Workloads[0].Blocks) != len(doc.Workloads[0].Blocks) {
		t.Fatalf("journal %d blocks, results %d", len(journal.Workloads[0].Blocks), len(doc.Workloads[0].Blocks))
	}
}

// TestReportReadsJournalOfKilledRun kills benchy with SIGKILL and renders
// what its journal kept.
func TestReportReadsJournalOfKilledRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the benchy binary")
	}
	bin := buildBenchy(t)
	suite := writeSuite(t, strings.NewReplacer("max_blocks = 4", "max_blocks = 1000", `["true"]`, `["sleep", "0.01"]`).Replace(twoArmSuite))
	dir := t.TempDir()
	cmd := exec.Command(bin, "run", suite, "--out", dir, "--seed", "3")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitForJournalBlocks(t, filepath.Join(dir, "s", "journal.jsonl"), 3)
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if _, err := os.Stat(filepath.Join(dir, "s", "results.json")); err == nil {
		t.Fatal("a killed run wrote results.json")
	}
	code, out, errs := benchy(t, "report", dir)
	if code != 0 || !strings.Contains(out, "interrupted") || !strings.Contains(out, "measured block") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
}

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// buildBenchy builds the benchy binary once per test run.
func buildBenchy(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "benchy-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "benchy")
		if out, err := exec.Command("go", "build", "-o", builtBin, ".").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// waitForJournalBlocks polls a run's journal until it holds n blocks.
func waitForJournalBlocks(t *testing.T, journal string, n int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		b, _ := os.ReadFile(journal)
		if strings.Count(string(b), `"type":"block"`) >= n {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("journal %s never reached %d blocks", journal, n)
}

func TestRunEverythingSkippedExitsThree(t *testing.T) {
	suite := writeSuite(t, `
run {
  min_blocks = 2
  max_blocks = 2
}

workload "w" {
  requires {
    gpu = true
  }
  arm "a" {
    baseline = true
    exec { command = ["true"] }
  }
}
`)
	code, stdout, errs := benchy(t, "run", suite, "--out", t.TempDir())
	if code != exitEnvironment || !strings.Contains(errs, "no arm could run") || !strings.Contains(stdout, "no NVIDIA GPU detected") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, errs)
	}
}

// TestOverridesResolvedOnce: run and calibrate resolve the seed and the
// order once, the same way: --seed, else drawn; the seed the document
// records is the one every workload's run settings and the schedule used,
// and calibrate's repeats count up from it.
func TestOverridesResolvedOnce(t *testing.T) {
	suite := writeSuite(t, twoArmSuite) // no seed
	recorded := func(t *testing.T, path string) (int64, string) {
		t.Helper()
		doc, err := results.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(doc.Workloads[0].Run)
		if err != nil {
			t.Fatal(err)
		}
		var s struct {
			Seed    int64  `json:"seed"`
			SeedSet bool   `json:"seed_set"`
			Order   string `json:"order"`
		}
		if err := json.Unmarshal(b, &s); err != nil {
			t.Fatal(err)
		}
		if s.Seed != doc.Seed || !s.SeedSet || s.Order != doc.Order {
			t.Fatalf("the workload ran with seed %d (set %v), order %q; the document records %d, %q", s.Seed, s.SeedSet, s.Order, doc.Seed, doc.Order)
		}
		return doc.Seed, doc.Order
	}
	for _, seedFlag := range [][]string{nil, {"--seed", "21"}} {
		name := "drawn"
		if seedFlag != nil {
			name = "given"
		}
		t.Run("run/"+name, func(t *testing.T) {
			out := t.TempDir()
			code, _, errs := benchy(t, append([]string{"run", suite, "--out", out, "--order", "interleaved"}, seedFlag...)...)
			if code != exitOK {
				t.Fatalf("exit %d\n%s", code, errs)
			}
			seed, order := recorded(t, filepath.Join(out, "s", "results.json"))
			if order != "interleaved" || (seedFlag != nil && seed != 21) {
				t.Errorf("seed %d, order %q", seed, order)
			}
		})
		t.Run("calibrate/"+name, func(t *testing.T) {
			out := t.TempDir()
			code, _, errs := benchy(t, append([]string{"calibrate", suite, "--out", out, "--order", "interleaved", "--repeats", "2"}, seedFlag...)...)
			if code != exitOK && code != exitFailure { // an A/A false positive is exit 1
				t.Fatalf("exit %d\n%s", code, errs)
			}
			first, order := recorded(t, filepath.Join(out, "repeat-01", "results.json"))
			second, _ := recorded(t, filepath.Join(out, "repeat-02", "results.json"))
			if order != "interleaved" || second != first+1 || (seedFlag != nil && first != 21) {
				t.Errorf("seeds %d and %d, order %q", first, second, order)
			}
			if want := fmt.Sprintf("order interleaved, seeds %d...", first); !strings.Contains(errs, want) {
				t.Errorf("stderr lacks %q:\n%s", want, errs)
			}
		})
	}
}

// TestBlockFlags holds --min-blocks and --max-blocks of run and calibrate
// to the suite language's rules (twoArmSuite has min_blocks = max_blocks = 4).
func TestBlockFlags(t *testing.T) {
	suite := writeSuite(t, twoArmSuite)
	tests := []struct {
		name     string
		flags    []string
		code     int
		want     string // in stderr
		measured int    // blocks, for a run that goes ahead
	}{
		{"min below 2", []string{"--min-blocks", "1"}, exitUsage, "--min-blocks 1: min_blocks must be at least 2: the jackknife needs two blocks", 0},
		{"max below 2", []string{"--min-blocks", "1", "--max-blocks", "1"}, exitUsage, "min_blocks must be at least 2", 0},
		{"max alone below 2", []string{"--max-blocks", "1"}, exitUsage, "--max-blocks 1: max_blocks must be at least 2", 0},
		{"explicit zero", []string{"--min-blocks", "0"}, exitUsage, "--min-blocks 0: min_blocks must be at least 2", 0},
		{"negative", []string{"--max-blocks", "-3"}, exitUsage, "--max-blocks -3: max_blocks must be at least 2", 0},
		{"min above max", []string{"--min-blocks", "6", "--max-blocks", "5"}, exitUsage, "--min-blocks (6) is greater than --max-blocks (5)", 0},
		{"min above the suite's max", []string{"--min-blocks", "12"}, exitUsage, "for w in " + suite + ", --min-blocks (12) is greater than max_blocks (4), which comes from the suite; raise it with --max-blocks 12", 0},
		{"both raised", []string{"--min-blocks", "5", "--max-blocks", "5"}, exitOK, "", 5},
		{"min within the suite's max", []string{"--min-blocks", "3"}, exitOK, "", 4},
		{"max below the suite's min", []string{"--max-blocks", "2"}, exitOK, "benchy: --max-blocks 2 is below min_blocks of w (4); they run at most 2 measured blocks", 2},
	}
	for _, tc := range tests {
		for _, command := range []string{"run", "calibrate"} {
			t.Run(command+"/"+tc.name, func(t *testing.T) {
				out := t.TempDir()
				args := append([]string{command, suite, "--out", out, "--seed", "1"}, tc.flags...)
				if command == "calibrate" {
					args = append(args, "--repeats", "1")
				}
				code, _, errs := benchy(t, args...)
				ok := code == tc.code
				if command == "calibrate" && tc.code == exitOK {
					ok = code == exitOK || code == exitFailure // an A/A false positive is exit 1
				}
				if !ok || !strings.Contains(errs, tc.want) {
					t.Fatalf("exit %d, want %d and %q in stderr:\n%s", code, tc.code, tc.want, errs)
				}
				if tc.want == "" && strings.Contains(errs, "--max-blocks") {
					t.Errorf("a note where none is due:\n%s", errs)
				}
				if tc.code != exitOK {
					return
				}
				path := filepath.Join(out, "s", "results.json")
				if command == "calibrate" {
					path = filepath.Join(out, "repeat-01", "results.json")
				}
				doc, err := results.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for _, b := range doc.Workloads[0].Blocks {
					if b.Measured() {
						n++
					}
				}
				if n != tc.measured {
					t.Errorf("%d measured blocks, want %d", n, tc.measured)
				}
			})
		}
	}
}

// --order (run, calibrate, exec) takes the orders the suite language's
// order setting takes, which it overrides, and each command refuses
// another with exit 2 and the same message.
func TestOrderFlag(t *testing.T) {
	suite := writeSuite(t, strings.Replace(twoArmSuite, "warmup     = 1", `order = "bogus"`, 1))
	_, _, errs := benchy(t, "validate", suite)
	m := regexp.MustCompile(`order must be (.*), not "bogus"`).FindStringSubmatch(errs)
	if m == nil {
		t.Fatalf("benchy validate names no orders:\n%s", errs)
	}
	var suiteOrders []string
	for _, q := range regexp.MustCompile(`"([^"]+)"`).FindAllStringSubmatch(m[1], -1) {
		suiteOrders = append(suiteOrders, q[1])
	}
	var flagOrders []string
	for _, o := range runOrders {
		flagOrders = append(flagOrders, string(o))
	}
	if !slices.Equal(suiteOrders, flagOrders) {
		t.Errorf("--order takes %q, the suite language's order %q", flagOrders, suiteOrders)
	}

	missing := filepath.Join(t.TempDir(), "missing.benchy.hcl")
	want := checkOrder("bogus")
	if want == nil {
		t.Fatal(`checkOrder("bogus") passes`)
	}
	for _, args := range [][]string{{"run", missing}, {"calibrate", missing}, {"exec", "true"}} {
		if code, _, errs := benchy(t, append(args, "--order", "bogus")...); code != exitUsage || !strings.Contains(errs, want.Error()) {
			t.Errorf("%s --order bogus: exit %d, %q; want exit 2 and %q", args[0], code, errs, want)
		}
		if args[0] == "exec" {
			continue // a good order runs the command
		}
		for _, o := range flagOrders {
			if code, _, errs := benchy(t, append(args, "--order", o)...); code != exitUsage || strings.Contains(errs, "--order") {
				t.Errorf("%s --order %s: exit %d, %s; want it accepted, then the missing suite refused", args[0], o, code, errs)
			}
		}
	}
}

// TestRunReportsWhenResultsCannotBeWritten: when a suite's results.json
// cannot be written at the end (here a directory made in its place during
// the run), its report is printed all the same, stderr says that the
// journal holds every block and how to render it, the later suite still
// runs, and the exit status is 3.
func TestRunReportsWhenResultsCannotBeWritten(t *testing.T) {
	dir, out := t.TempDir(), filepath.Join(t.TempDir(), "run")
	suite := func(name, command string) string {
		path := filepath.Join(dir, name+".benchy.hcl")
		src := fmt.Sprintf(`run {
  min_blocks = 2
  max_blocks = 2
}

workload "w" {
  arm "a" {
    baseline = true
    exec {
      command = ["sh", "-c", %q]
    }
  }
}
`, command)
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	first := suite("first", "mkdir -p "+filepath.Join(out, "first", "results.json", "x"))
	second := suite("second", "true")
	code, stdout, errs := benchy(t, "run", first, second, "--out", out, "--color", "never")
	if code != exitEnvironment {
		t.Fatalf("exit %d, want 3\nstdout: %s\nstderr: %s", code, stdout, errs)
	}
	journal := filepath.Join(out, "first", "journal.jsonl")
	if !strings.Contains(errs, "results.json: is a directory") || !strings.Contains(errs, journal+" holds every finished block; benchy report "+journal) {
		t.Errorf("stderr does not say what happened and where the blocks are:\n%s", errs)
	}
	if n := strings.Count(stdout, "run complete"); n != 2 {
		t.Errorf("%d reports printed, want both suites':\n%s", n, stdout)
	}
	if _, err := results.ReadFile(filepath.Join(out, "second", "results.json")); err != nil {
		t.Errorf("the second suite did not run: %v", err)
	}
	if code, rep, errs := benchy(t, "report", journal); code != 0 || !strings.Contains(rep, "run complete") {
		t.Errorf("benchy report %s: exit %d: %s", journal, code, errs)
	}
}
