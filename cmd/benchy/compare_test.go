package main

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/benchy-dev/benchy/harness"
	"github.com/benchy-dev/benchy/hw"
	"github.com/benchy-dev/benchy/results"
)

// writeDoc writes a results document whose workload "w" has the given arms
// with per-block values (one iteration per block; the first arm is the
// baseline), after a warm-up block.
func writeDoc(t *testing.T, arms []string, values [][]float64) string {
	t.Helper()
	return writeDocWith(t, arms, values, func(*results.Document) {})
}

// writeDocWith is writeDoc with edit applied to the document first.
func writeDocWith(t *testing.T, arms []string, values [][]float64, edit func(*results.Document)) string {
	t.Helper()
	w := &results.Workload{Name: "w", Metric: "ns", Better: "lower", Status: results.StatusComplete}
	for i, a := range arms {
		w.Arms = append(w.Arms, &results.Arm{Name: a, Baseline: i == 0, Runner: "exec", Status: results.ArmOK})
	}
	w.Blocks = append(w.Blocks, &results.Block{Index: 0, Warmup: true, Order: arms})
	for b := range values[0] {
		blk := &results.Block{Index: b + 1, Order: arms}
		for k, a := range arms {
			blk.Runs = append(blk.Runs, &results.ArmRun{Arm: a, NS: []int64{int64(values[k][b])}})
		}
		w.Blocks = append(w.Blocks, blk)
	}
	doc := &results.Document{Schema: results.Schema, Seed: 1, Order: "interleaved-random", Status: results.StatusComplete,
		Environment: results.Environment{Host: "h", OS: "linux", Arch: "amd64", CPUCount: 2}, Workloads: []*results.Workload{w}}
	edit(doc)
	path := filepath.Join(t.TempDir(), "results.json")
	if err := results.WriteFile(path, doc); err != nil {
		t.Fatal(err)
	}
	return path
}

func times(xs []float64, f float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = x * f
	}
	return out
}

var noisy = []float64{1000, 1010, 990, 1005, 995, 1002, 998, 1001}

func TestCompareExitCodes(t *testing.T) {
	base := writeDoc(t, []string{"a", "b"}, [][]float64{noisy, noisy})
	slower := writeDoc(t, []string{"a", "b"}, [][]float64{noisy, times(noisy, 1.10)})
	slightly := writeDoc(t, []string{"a", "b"}, [][]float64{noisy, times(noisy, 1.01)})
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unpaired regression", []string{base, slower}, exitFailure, "FAIL: 1 regressed"},
		{"unpaired regression within a 20% threshold", []string{base, slower, "--threshold", "20%"}, exitOK, "pass: 2 equivalent"},
		{"as a fraction", []string{base, slower, "--threshold", "0.2"}, exitOK, "pass: 2 equivalent"},
		{"no change", []string{base, base}, exitOK, "pass: 2 equivalent"},
		{"small change below threshold", []string{base, slightly, "--threshold", "5%"}, exitOK, "pass"},
		{"paired regression in one file", []string{slower}, exitFailure, "FAIL: 1 regressed (threshold ±2.0%, paired)"},
		{"paired, nothing changed", []string{base}, exitOK, "paired"},
		{"json", []string{base, slower, "--format", "json"}, exitFailure, `"schema": "benchy/compare/v1"`},
		{"markdown", []string{base, slower, "--format", "markdown"}, exitFailure, "❌ **FAIL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := benchy(t, append([]string{"compare"}, tc.args...)...)
			if code != tc.code || !strings.Contains(out, tc.want) {
				t.Errorf("exit %d (want %d)\nstdout:\n%s\nstderr:\n%s\nwant %q", code, tc.code, out, errs, tc.want)
			}
			if code == exitFailure && !strings.Contains(errs, "FAIL") {
				t.Errorf("a failing gate says nothing on stderr: %q", errs)
			}
		})
	}
}

func TestCompareStrict(t *testing.T) {
	base := writeDoc(t, []string{"a", "b", "c"}, [][]float64{noisy, noisy, noisy})
	head := writeDoc(t, []string{"a", "b"}, [][]float64{noisy, noisy})
	if code, out, _ := benchy(t, "compare", base, head); code != exitOK || !strings.Contains(out, "the arm is missing in HEAD") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	if code, out, _ := benchy(t, "compare", base, head, "--strict"); code != exitFailure {
		t.Errorf("--strict with a missing arm: exit %d:\n%s", code, out)
	}
}

// TestCompareStrictDifferentSetups compares runs whose environments come
// from real hardware inventories: different GPUs, drivers, ONNX Runtime or
// benchy versions are noted, and --strict refuses them (exit 1).
func TestCompareStrictDifferentSetups(t *testing.T) {
	setup := func(gpu, driver, ort, benchy string) func(*results.Document) {
		return func(doc *results.Document) {
			inv := &hw.Inventory{Schema: hw.Schema, Benchy: benchy, Host: hw.Host{Hostname: "h", OS: "linux", Arch: "amd64"},
				NVML:  hw.NVML{Available: true, DriverVersion: driver},
				GPUs:  []hw.GPU{{Name: gpu, ComputeCapability: "9.0", MemoryTotalBytes: 80 << 30}},
				Extra: map[string]any{"onnxruntime": map[string]any{"available": true, "version": ort}}}
			doc.Environment = harness.EnvironmentOf(inv)
			doc.Benchy = benchy
			doc.Workloads[0].Arms[1].Runner = "onnx"
		}
	}
	vals := [][]float64{noisy, noisy}
	base := writeDocWith(t, []string{"a", "b"}, vals, setup("NVIDIA H100 80GB HBM3", "550.54.15", "1.24.1", "v0.1.0"))
	same := writeDocWith(t, []string{"a", "b"}, vals, setup("NVIDIA H100 80GB HBM3", "550.54.15", "1.24.1", "v0.1.0"))
	tests := []struct {
		name string
		head string
		want string // a note
	}{
		{"GPU", writeDocWith(t, []string{"a", "b"}, vals, setup("NVIDIA A100-SXM4-80GB", "550.54.15", "1.24.1", "v0.1.0")), "GPU: NVIDIA H100 80GB HBM3 vs NVIDIA A100-SXM4-80GB"},
		{"driver", writeDocWith(t, []string{"a", "b"}, vals, setup("NVIDIA H100 80GB HBM3", "560.35.03", "1.24.1", "v0.1.0")), "driver: 550.54.15 vs 560.35.03"},
		{"ONNX Runtime", writeDocWith(t, []string{"a", "b"}, vals, setup("NVIDIA H100 80GB HBM3", "550.54.15", "1.22.0", "v0.1.0")), "ONNX Runtime: 1.24.1 vs 1.22.0"},
		{"benchy", writeDocWith(t, []string{"a", "b"}, vals, setup("NVIDIA H100 80GB HBM3", "550.54.15", "1.24.1", "v0.2.0")), "benchy: v0.1.0 vs v0.2.0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if code, out, errs := benchy(t, "compare", base, tc.head); code != exitOK || !strings.Contains(out, "setup differs — "+tc.want) {
				t.Errorf("without --strict: exit %d, want 0 and the note %q\n%s%s", code, tc.want, out, errs)
			}
			code, out, errs := benchy(t, "compare", base, tc.head, "--strict")
			if code != exitFailure || !strings.Contains(errs, "FAIL: --strict refuses runs from different setups ("+tc.name+")") {
				t.Errorf("--strict: exit %d, want 1 and the reason on stderr\n%s%s", code, out, errs)
			}
		})
	}
	if code, out, errs := benchy(t, "compare", base, same, "--strict"); code != exitOK || strings.Contains(out, "setup differs") {
		t.Errorf("the same setup under --strict: exit %d\n%s%s", code, out, errs)
	}
}

func TestCompareJSONRows(t *testing.T) {
	base := writeDoc(t, []string{"a", "b"}, [][]float64{noisy, noisy})
	head := writeDoc(t, []string{"a", "b"}, [][]float64{times(noisy, 0.5), noisy})
	_, out, _ := benchy(t, "compare", base, head, "--format", "json")
	var v struct {
		Method string `json:"method"`
		Base   string `json:"base"`
		Rows   []struct {
			Arm     string  `json:"arm"`
			Change  float64 `json:"change"`
			Verdict string  `json:"verdict"`
		} `json:"rows"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if v.Method != "unpaired" || v.Base != base || len(v.Rows) != 2 || v.Rows[0].Verdict != "improved" || v.Rows[0].Change > -0.49 {
		t.Errorf("%+v", v)
	}
}

// TestCompareCorrection: by default the gate's intervals are Bonferroni-
// corrected over the compared rows, and wider than --correction none's.
func TestCompareCorrection(t *testing.T) {
	base := writeDoc(t, []string{"a", "b", "c"}, [][]float64{noisy, noisy, noisy})
	head := writeDoc(t, []string{"a", "b", "c"}, [][]float64{times(noisy, 1.01), noisy, noisy})
	type doc struct {
		Correction  string `json:"correction"`
		Comparisons int    `json:"comparisons"`
		Rows        []struct {
			CILo       float64 `json:"ci_lo"`
			CIHi       float64 `json:"ci_hi"`
			Confidence float64 `json:"confidence"`
		} `json:"rows"`
	}
	read := func(args ...string) doc {
		code, out, errs := benchy(t, append([]string{"compare", base, head, "--format", "json"}, args...)...)
		if code != exitOK && code != exitFailure {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var d doc
		if err := json.Unmarshal([]byte(out), &d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	corrected, plain := read(), read("--correction", "none")
	if corrected.Correction != "bonferroni" || corrected.Comparisons != 3 || plain.Correction != "none" {
		t.Fatalf("corrected %+v, plain %+v", corrected, plain)
	}
	for i := range corrected.Rows {
		c, p := corrected.Rows[i], plain.Rows[i]
		if math.Abs(c.Confidence-(1-0.05/3)) > 1e-12 || p.Confidence != 0.95 || !(c.CILo < p.CILo && c.CIHi > p.CIHi) {
			t.Errorf("row %d: corrected %+v is not wider than plain %+v", i, c, p)
		}
	}
}

func TestCompareUsageErrors(t *testing.T) {
	base := writeDoc(t, []string{"a", "b"}, [][]float64{noisy, noisy})
	for _, args := range [][]string{
		{"compare"},
		{"compare", base, base, base},
		{"compare", base, "--threshold", "5"},
		{"compare", base, "--threshold", "-1%"},
		{"compare", base, "--threshold", "fast"},
		{"compare", base, "--confidence", "95"},
		{"compare", base, "--format", "html"},
		{"compare", base, "--correction", "holm"},
		{"compare", filepath.Join(t.TempDir(), "none.json")},
	} {
		if code, _, errs := benchy(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errs)
		}
	}
	if _, _, errs := benchy(t, "compare", base, "--threshold", "5"); !strings.Contains(errs, "ambiguous: write 5% or 0.05") {
		t.Errorf("unhelpful message: %s", errs)
	}
}

func TestParseThreshold(t *testing.T) {
	for in, want := range map[string]float64{"2%": 0.02, "0.02": 0.02, " 5 % ": 0.05, "0": 0, "0%": 0, "99.5%": 0.995} {
		got, err := parseThreshold(in)
		if err != nil || got < want-1e-12 || got > want+1e-12 {
			t.Errorf("parseThreshold(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "%", "1", "100%", "-0.1", "2x"} {
		if _, err := parseThreshold(in); err == nil {
			t.Errorf("parseThreshold(%q) accepted", in)
		}
	}
}

// TestReportMaxBytes drives the binary: markdown under any positive cap
// fits it and exits 0 (caps from 150 to 299 used to panic and exit 2); a
// cap of 0 or less is a usage error.
func TestReportMaxBytes(t *testing.T) {
	bin := buildBenchy(t)
	doc := filepath.Join(reportsTestdata, "gpu.json")
	for _, n := range []int{1, 100, 150, 200, 299, 300, 1000, 65536} {
		out, err := exec.Command(bin, "report", doc, "--format", "markdown", "--max-bytes", strconv.Itoa(n)).Output()
		if err != nil {
			t.Fatalf("--max-bytes %d: %v", n, err)
		}
		if len(out) > n {
			t.Errorf("--max-bytes %d: %d bytes", n, len(out))
		}
	}
	for _, n := range []string{"0", "-5"} {
		cmd := exec.Command(bin, "report", doc, "--format", "markdown", "--max-bytes", n)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != exitUsage || !strings.Contains(stderr.String(), "--max-bytes must be a positive number") {
			t.Errorf("--max-bytes %s: %v, stderr %q; want exit %d and a message", n, err, stderr.String(), exitUsage)
		}
	}
}

// TestBenchstatComparesWithBaseline feeds the benchfmt export to the real
// benchstat: its first column, which every other is compared with, is the
// suite's baseline, even when the baseline is declared second and another
// arm ran first in every block.
func TestBenchstatComparesWithBaseline(t *testing.T) {
	benchstat := findBenchstat(t)
	doc := writeDocWith(t, []string{"head", "base"}, [][]float64{{80, 81, 79, 80, 82, 78}, {100, 101, 99, 100, 102, 98}}, func(d *results.Document) {
		w := d.Workloads[0]
		w.Arms[0].Baseline, w.Arms[1].Baseline = false, true
	})
	code, bench, errs := benchy(t, "report", doc, "--format", "benchfmt")
	if code != 0 {
		t.Fatalf("report: exit %d: %s", code, errs)
	}
	file := filepath.Join(t.TempDir(), "bench.txt")
	if err := os.WriteFile(file, []byte(bench), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(benchstat, "-col", "/arm", file).CombinedOutput()
	if err != nil {
		t.Fatalf("benchstat: %v\n%s", err, out)
	}
	// The header row names the columns in order, base then head, and
	// head's change is "vs base".
	header := regexp.MustCompile(`(?m)^\s*│\s*base\s*│\s*head\s*│\s*$`)
	if !header.Match(out) || !strings.Contains(string(out), "vs base") {
		t.Errorf("benchstat does not compare with the baseline:\n%s\ninput:\n%s", out, bench)
	}
	// head is 20% faster than base.
	if !strings.Contains(string(out), "-20.00%") {
		t.Errorf("benchstat's change is not head vs base (-20.00%%):\n%s", out)
	}
}

// TestCompareDifferentSuites: two runs of different suites (other suite
// names, or no workload instance in common) are refused with exit 2 unless
// --force, which compares them and notes it in every format; the same
// suite run from another directory is the same suite.
func TestCompareDifferentSuites(t *testing.T) {
	suite := func(path, workload string) func(*results.Document) {
		return func(d *results.Document) {
			d.Suite.Path = path
			d.Workloads[0].Name = workload
		}
	}
	values := [][]float64{noisy, noisy}
	sortA := writeDocWith(t, []string{"a", "b"}, values, suite("suites/sort.benchy.hcl", "w"))
	sortB := writeDocWith(t, []string{"a", "b"}, values, suite("/ci/checkout/suites/sort.benchy.hcl", "w"))
	other := writeDocWith(t, []string{"a", "b"}, values, suite("suites/hash.benchy.hcl", "w"))
	builtin := writeDocWith(t, []string{"a", "b"}, values, suite("builtin:quickstart", "w"))
	renamed := writeDocWith(t, []string{"a", "b"}, values, suite("suites/sort.benchy.hcl", "v"))
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"same suite, other directory", []string{sortA, sortB}, exitOK, "pass: 2 equivalent"},
		{"other suite file", []string{sortA, other}, exitUsage, "BASE ran suite sort (suites/sort.benchy.hcl), HEAD ran suite hash (suites/hash.benchy.hcl) (--force compares them anyway)"},
		{"a built-in suite", []string{builtin, sortA}, exitUsage, "BASE ran suite builtin:quickstart"},
		{"no instance in common", []string{sortA, renamed}, exitUsage, "BASE and HEAD have no workload instance in common"},
		{"--force, text", []string{sortA, other, "--force"}, exitOK, "note: different suites: BASE ran suite sort"},
		{"--force, markdown", []string{sortA, other, "--force", "--format", "markdown"}, exitOK, "- different suites: BASE ran suite sort"},
		{"--force, json", []string{sortA, other, "--force", "--format", "json"}, exitOK, `"different_suites": "BASE ran suite sort`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := benchy(t, append([]string{"compare"}, tc.args...)...)
			if code != tc.code || !strings.Contains(out+errs, tc.want) {
				t.Errorf("exit %d (want %d)\nstdout:\n%s\nstderr:\n%s\nwant %q", code, tc.code, out, errs, tc.want)
			}
		})
	}
}

// TestCompareNotesIncompleteRuns: a run that did not complete, on either
// side or as the one file of a paired comparison, is noted in every format.
func TestCompareNotesIncompleteRuns(t *testing.T) {
	values := [][]float64{noisy, noisy}
	complete := writeDoc(t, []string{"a", "b"}, values)
	interrupted := writeDocWith(t, []string{"a", "b"}, values, func(d *results.Document) {
		d.Status, d.StopReason = results.StatusInterrupted, "interrupted: Ctrl-C after 8 blocks"
	})
	killed := writeDocWith(t, []string{"a", "b"}, values, func(d *results.Document) { d.Status = results.StatusRunning })
	budget := writeDocWith(t, []string{"a", "b"}, values, func(d *results.Document) { d.Status = results.StatusBudgetExhausted })
	const headNote = "HEAD is incomplete: interrupted — Ctrl-C after 8 blocks; its instances may hold fewer blocks than planned"
	tests := []struct {
		name      string
		args      []string
		want      string
		forbidden string
	}{
		{"HEAD interrupted, text", []string{complete, interrupted}, "note: " + headNote, ""},
		{"HEAD interrupted, markdown", []string{complete, interrupted, "--format", "markdown"}, "- " + headNote, ""},
		{"HEAD interrupted, json", []string{complete, interrupted, "--format", "json"}, `"` + headNote + `"`, ""},
		{"BASE killed", []string{killed, complete}, "BASE is incomplete: not finished", "HEAD is incomplete"},
		{"paired, interrupted", []string{interrupted}, "the run is incomplete: interrupted", ""},
		{"out of block budget is complete", []string{complete, budget}, "pass", "incomplete"},
		{"both complete", []string{complete, complete}, "pass", "incomplete"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := benchy(t, append([]string{"compare"}, tc.args...)...)
			if code != exitOK || !strings.Contains(out, tc.want) || (tc.forbidden != "" && strings.Contains(out, tc.forbidden)) {
				t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s\nwant %q, not %q", code, out, errs, tc.want, tc.forbidden)
			}
		})
	}
}

// TestReportFitsColumns: benchy report's text fits COLUMNS (80 when it is
// unset and stdout is not a terminal), and so does benchy compare's.
func TestReportFitsColumns(t *testing.T) {
	arms := []string{"onnx/precision=fp32", "onnx/precision=fp16", "onnx/precision=int8", "tensorrt/precision=int8", "python/numpy-reference"}
	doc := writeDoc(t, arms, [][]float64{noisy, times(noisy, 0.5), times(noisy, 0.1), times(noisy, 0.03), times(noisy, 30.9)})
	for _, tc := range []struct {
		columns string
		width   int
		p99     bool
	}{{"", 80, true}, {"abc", 80, true}, {"120", 120, false}, {"200", 200, true}} { // at 80 the table is stacked, which shows every column
		t.Setenv("COLUMNS", tc.columns)
		for _, args := range [][]string{{"report", doc}, {"compare", doc}} {
			code, out, errs := benchy(t, args...)
			if code != exitOK && code != exitFailure {
				t.Fatalf("%v: exit %d: %s", args, code, errs)
			}
			for _, line := range strings.Split(out, "\n") {
				if strings.HasPrefix(line, "│") || strings.HasPrefix(line, "┌") || strings.HasPrefix(line, "  ") {
					if n := utf8.RuneCountInString(line); n > tc.width {
						t.Errorf("%v, COLUMNS=%q: a line of %d columns, want at most %d: %q", args, tc.columns, n, tc.width, line)
					}
				}
			}
			if shown := regexp.MustCompile(`│\s+p99\s+│|· p99 `).MatchString(out); args[0] == "report" && shown != tc.p99 {
				t.Errorf("%v, COLUMNS=%q: p99 shown %v, want %v:\n%s", args, tc.columns, !tc.p99, tc.p99, out)
			}
			if strings.Contains(out, "e+0") {
				t.Errorf("%v: e-notation in\n%s", args, out)
			}
		}
	}
}
