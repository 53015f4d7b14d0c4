package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/benchy-dev/benchy/hw"
	"github.com/benchy-dev/benchy/metric"
	"github.com/benchy-dev/benchy/reports"
	"github.com/benchy-dev/benchy/results"
)

// reportsTestdata is a hand-made results document with GPU telemetry.
var reportsTestdata = filepath.Join("..", "..", "reports", "testdata")

const fastSuite = `
run {
  warmup     = 1
  min_blocks = 6
  max_blocks = 6
  iterations = 3
}

workload "w" {
  arm "base" {
    baseline = true
    exec { command = ["true"] }
  }
  arm "head" {
    exec { command = ["true"] }
  }
}
`

func TestRunWritesHTMLReport(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := benchy(t, "run", writeSuite(t, fastSuite), "--out", dir, "--seed", "5"); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, f := range []string{"report.md", "report.html", "results.json"} {
		b, err := os.ReadFile(filepath.Join(dir, "s", f))
		if err != nil {
			t.Fatal(err)
		}
		if f == "report.html" && (!strings.Contains(string(b), `class="plot forest"`) || !strings.Contains(string(b), `class="plot timeline"`)) {
			t.Errorf("report.html has no plots")
		}
	}
	// No temporary files are left behind.
	entries, _ := os.ReadDir(filepath.Join(dir, "s"))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("leftover %s", e.Name())
		}
	}
}

func TestReportFormats(t *testing.T) {
	doc := filepath.Join(reportsTestdata, "gpu.json")
	tests := []struct {
		format string
		check  func(t *testing.T, out string)
	}{
		{"text", func(t *testing.T, out string) {
			if !strings.Contains(out, "energy/iter") || strings.Contains(out, "\x1b[") {
				t.Errorf("text:\n%s", out)
			}
		}},
		{"markdown", func(t *testing.T, out string) {
			if !strings.HasPrefix(out, "## benchy: builtin:bodyposenet") || !strings.Contains(out, "<details>") {
				t.Errorf("markdown:\n%.400s", out)
			}
		}},
		{"html", func(t *testing.T, out string) {
			if !strings.HasPrefix(out, "<!DOCTYPE html>") || !strings.Contains(out, `class="plot forest"`) {
				t.Errorf("html:\n%.400s", out)
			}
		}},
		{"json", func(t *testing.T, out string) {
			var v map[string]any
			if err := json.Unmarshal([]byte(out), &v); err != nil || v["schema"] != "benchy/analysis/v1" {
				t.Errorf("json: %v %v", err, v["schema"])
			}
		}},
		{"benchfmt", func(t *testing.T, out string) {
			if !regexp.MustCompile(`(?m)^BenchmarkBodyposenet/resolution=224x320/arm=onnx/precision=fp16\t5\t\S+ ns/op\t\S+ J/op$`).MatchString(out) {
				t.Errorf("benchfmt:\n%.600s", out)
			}
		}},
		{"csv", func(t *testing.T, out string) {
			rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil || len(rows) < 100 || rows[0][0] != "workload" {
				t.Errorf("csv: %v, %d rows", err, len(rows))
			}
		}},
		{"bencher", func(t *testing.T, out string) {
			var v map[string]map[string]map[string]float64
			if err := json.Unmarshal([]byte(out), &v); err != nil || v["bodyposenet/resolution=224x320/arm=onnx/precision=fp16"]["latency"]["value"] == 0 {
				t.Errorf("bencher: %v\n%.300s", err, out)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.format, func(t *testing.T) {
			code, out, errs := benchy(t, "report", doc, "--format", tc.format)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			tc.check(t, out)
			// -o writes the same bytes to a file.
			file := filepath.Join(t.TempDir(), "out")
			if code, _, errs := benchy(t, "report", doc, "--format", tc.format, "-o", file); code != 0 {
				t.Fatalf("-o: exit %d: %s", code, errs)
			}
			b, err := os.ReadFile(file)
			if err != nil || string(b) != out {
				t.Errorf("-o wrote %d bytes (%v), stdout had %d", len(b), err, len(out))
			}
		})
	}
}

func TestReportUsageErrors(t *testing.T) {
	doc := filepath.Join(reportsTestdata, "gpu.json")
	for _, args := range [][]string{
		{"report", doc, "--format", "pdf"},
		{"report", doc, "--color", "sometimes"},
		{"report", filepath.Join(t.TempDir(), "missing.json")},
	} {
		if code, _, errs := benchy(t, args...); code != exitUsage || errs == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
}

func TestReportColor(t *testing.T) {
	doc := filepath.Join(reportsTestdata, "gpu.json")
	_, out, _ := benchy(t, "report", doc, "--color", "always")
	if !strings.Contains(out, "\x1b[32mfaster\x1b[0m") {
		t.Error("--color always gave no colour")
	}
	// auto: stdout is a buffer, not a terminal.
	if _, out, _ := benchy(t, "report", doc); strings.Contains(out, "\x1b[") {
		t.Error("colour on a non-terminal")
	}
	t.Setenv("NO_COLOR", "1")
	if _, out, _ := benchy(t, "report", doc, "--color", "auto"); strings.Contains(out, "\x1b[") {
		t.Error("colour despite NO_COLOR")
	}
}

// findBenchstat returns the benchstat binary, or skips the test.
func findBenchstat(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("BENCHSTAT"); p != "" {
		return p
	}
	if p, err := exec.LookPath("benchstat"); err == nil {
		return p
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		for _, dir := range filepath.SplitList(strings.TrimSpace(string(out))) {
			p := filepath.Join(dir, "bin", "benchstat")
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	t.Skip("skipped: benchstat not found (go install golang.org/x/perf/cmd/benchstat@latest, or set BENCHSTAT)")
	return ""
}

// TestBenchstatReadsBenchfmt feeds the benchfmt export of a real run to the
// real benchstat and checks that -col /arm pivots on the arms.
func TestBenchstatReadsBenchfmt(t *testing.T) {
	benchstat := findBenchstat(t)
	dir := t.TempDir()
	suite := strings.Replace(fastSuite, `workload "w" {`, `workload "w" {
  matrix { size = ["1", "2"] }`, 1)
	if code, _, errs := benchy(t, "run", writeSuite(t, suite), "--out", dir, "--seed", "9"); code != 0 {
		t.Fatalf("run: exit %d: %s", code, errs)
	}
	code, bench, errs := benchy(t, "report", filepath.Join(dir, "s", "results.json"), "--format", "benchfmt")
	if code != 0 {
		t.Fatalf("report: exit %d: %s", code, errs)
	}
	file := filepath.Join(dir, "bench.txt")
	if err := os.WriteFile(file, []byte(bench), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(benchstat, "-col", "/arm", file).CombinedOutput()
	if err != nil {
		t.Fatalf("benchstat: %v\n%s", err, out)
	}
	s := string(out)
	for _, want := range []string{"base", "head", "vs base", "W/size=1", "W/size=2", "sec/op", "benchy-seed: 9"} {
		if !strings.Contains(s, want) {
			t.Errorf("benchstat output lacks %q:\n%s\ninput:\n%s", want, s, bench)
		}
	}
	// Six measured blocks per arm give benchstat six samples ("n=6").
	if !strings.Contains(s, "n=6") && !regexp.MustCompile(`±\s*\d+%`).MatchString(s) {
		t.Errorf("benchstat saw no samples:\n%s", s)
	}
	// And pivoting on the workload's axis works too.
	out, err = exec.Command(benchstat, "-col", "/size", "-row", ".name /arm", file).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "vs base") {
		t.Errorf("benchstat -col /size: %v\n%s", err, out)
	}
}

// TestTelemetryContract renders telemetry written by the hw package itself
// (hw.NewRunTelemetry), so that the reports' reading of it cannot drift from
// what the harness records.
func TestTelemetryContract(t *testing.T) {
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	sample := func(energyMJ uint64, reasons results.ThrottleReason) []results.GPUSample {
		return []results.GPUSample{{Index: 0, At: at, SMClockMHz: 1980, MemClockMHz: 2619, TempC: 64, PowerW: 400, EnergyMJ: energyMJ, Reasons: reasons}}
	}
	w := &results.Workload{Name: "w", Metric: "ns", Better: "lower", Status: results.StatusComplete,
		Arms: []*results.Arm{{Name: "a", Baseline: true, Status: results.ArmOK}, {Name: "b", Status: results.ArmOK}}}
	energy := uint64(1_000_000)
	for b := range 6 {
		blk := &results.Block{Index: b, Order: []string{"a", "b"}}
		for k, arm := range []string{"a", "b"} {
			iters := 10
			perIterMJ := uint64(50 + 25*k + b) // b uses 1.5x the energy of a
			reasons := results.ThrottleReason(0)
			if arm == "b" && b == 3 {
				reasons = results.ReasonSWPowerCap | results.ReasonGPUIdle
			}
			before := sample(energy, 0)
			energy += perIterMJ * uint64(iters)
			after := sample(energy, reasons)
			// Through JSON, as a results document holds it.
			raw, err := json.Marshal(hw.NewRunTelemetry(before, after, nil, iters))
			if err != nil {
				t.Fatal(err)
			}
			var rt results.Telemetry
			if err := json.Unmarshal(raw, &rt); err != nil {
				t.Fatal(err)
			}
			blk.Runs = append(blk.Runs, &results.ArmRun{Arm: arm, NS: []int64{int64(1000 + 100*k + b)}, Telemetry: &rt})
		}
		w.Blocks = append(w.Blocks, blk)
	}
	doc := &results.Document{Schema: results.Schema, Workloads: []*results.Workload{w}}
	a := reports.Analyze(doc)
	arm := a.Workloads[0].Arms[1]
	if arm.TelemetryBlocks != 6 || arm.ThrottledBlocks != 1 || strings.Join(arm.ThrottleReasons, ",") != "sw_power_cap" {
		t.Errorf("telemetry %d, throttled %d, reasons %v", arm.TelemetryBlocks, arm.ThrottledBlocks, arm.ThrottleReasons)
	}
	if arm.Energy == nil || arm.Energy.Blocks != 6 || arm.Energy.Rel == nil || arm.Energy.Verdict != metric.Worse {
		t.Fatalf("energy %+v", arm.Energy)
	}
	// b spends (75+k)/(50+k) mJ per iteration against a: about +48%.
	if e := arm.Energy.Rel.Estimate; e < 0.45 || e > 0.51 {
		t.Errorf("energy vs baseline %v, want about +48%%", e)
	}
	if m := a.Workloads[0].Arms[0].Energy.Summary.Median; m < 0.0524 || m > 0.0526 {
		t.Errorf("baseline energy per iteration %v J, want 0.0525", m)
	}
	// The timeline's tooltip of each run shows its clocks and power, and
	// the one throttled run is ringed and says why.
	var page strings.Builder
	if err := reports.Render(&page, a, reports.HTML, reports.Options{}); err != nil {
		t.Fatal(err)
	}
	html := page.String()
	if n := strings.Count(html, "SM 1980 MHz · 400 W · max 64 °C"); n != 12 {
		t.Errorf("%d tooltips with the run's clocks and power, want 12", n)
	}
	if n := strings.Count(html, `r="8" class="throttled"`); n != 1 || !strings.Contains(html, "block 3 · b: ") ||
		!strings.Contains(html, "/iteration · throttled: sw_power_cap<") {
		t.Errorf("%d throttled rings, want 1 in block 3 of b with its reason", n)
	}
}

// TestReportRendersFleet: benchy report reads a fleet.json as benchy merge
// wrote it and prints what merge printed; formats a fleet cannot have are
// usage errors.
func TestReportRendersFleet(t *testing.T) {
	tmp := t.TempDir()
	var hosts []string
	for i, host := range []string{"node-a", "node-b"} {
		dir := filepath.Join(tmp, host)
		if code, _, errs := benchy(t, "run", writeSuite(t, fastSuite), "--out", dir, "--seed", strconv.Itoa(i+1)); code != 0 {
			t.Fatalf("run: exit %d: %s", code, errs)
		}
		hosts = append(hosts, withHost(t, filepath.Join(dir, "s", "results.json"), tmp, host, nil))
	}
	out := filepath.Join(tmp, "fleet.json")
	for _, format := range []string{"text", "markdown", "json"} {
		code, merged, errs := benchy(t, append([]string{"merge", "-o", out, "--format", format}, hosts...)...)
		if code != 0 {
			t.Fatalf("merge: exit %d: %s", code, errs)
		}
		code, reported, errs := benchy(t, "report", out, "--format", format)
		if code != 0 {
			t.Fatalf("report %s: exit %d: %s", format, code, errs)
		}
		if format == "json" { // merge stamps its own version; the rest must agree
			merged, reported = stripBenchyVersion(merged), stripBenchyVersion(reported)
		}
		if reported != merged {
			t.Errorf("report --format %s of fleet.json differs from merge's output:\n%s\n---\n%s", format, reported, merged)
		}
		if format == "markdown" && !strings.Contains(reported, "| node-b |") {
			t.Errorf("markdown lacks the host rows:\n%s", reported)
		}
	}
	code, _, errs := benchy(t, "report", out, "--format", "html")
	if code != exitUsage || !strings.Contains(errs, "is a fleet document") {
		t.Fatalf("html of a fleet: exit %d: %s", code, errs)
	}
}

func stripBenchyVersion(s string) string {
	return regexp.MustCompile(`"benchy": "[^"]*"`).ReplaceAllString(s, `"benchy": ""`)
}
