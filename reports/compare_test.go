package reports

import (
	"bytes"
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchy-dev/benchy/internal/golden"
	"github.com/benchy-dev/benchy/metric"
	"github.com/benchy-dev/benchy/results"
)

// mkDoc builds a results document with one workload whose arms have the
// given per-block values (one iteration per block; the first arm is the
// baseline), after one warm-up block.
func mkDoc(workload string, better metric.Direction, arms []string, values [][]float64) *results.Document {
	w := &results.Workload{Name: workload, Metric: "ns", Better: better, Status: results.StatusComplete}
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
	return &results.Document{Schema: results.Schema, Seed: 1, Order: "interleaved-random", Status: results.StatusComplete,
		Environment: results.Environment{Host: "h", OS: "linux", Arch: "amd64", CPUCount: 2}, Workloads: []*results.Workload{w}}
}

func scaled(xs []float64, f float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = x * f
	}
	return out
}

func TestCompareVerdicts(t *testing.T) {
	tests := []struct {
		name      string
		better    metric.Direction
		lo, hi    float64
		threshold float64
		strict    bool
		verdict   metric.Verdict
		fails     bool
	}{
		{"beyond threshold, worse", "lower", 0.03, 0.08, 0.02, false, metric.Regressed, true},
		{"beyond threshold, better", "lower", -0.08, -0.03, 0.02, false, metric.Improved, false},
		{"within ±threshold", "lower", -0.01, 0.015, 0.02, false, metric.Equivalent, false},
		{"significant but within", "lower", 0.005, 0.015, 0.02, false, metric.Equivalent, false},
		{"straddles +threshold", "lower", 0.01, 0.05, 0.02, false, metric.Inconclusive, false},
		{"straddles +threshold, strict", "lower", 0.01, 0.05, 0.02, true, metric.Inconclusive, true},
		{"straddles -threshold, strict", "lower", -0.05, -0.01, 0.02, true, metric.Inconclusive, false},
		{"contains 0, wide", "lower", -0.05, 0.05, 0.02, true, metric.NoChange, false},
		{"zero threshold, significant", "lower", 0.001, 0.002, 0, false, metric.Regressed, true},
		{"zero threshold, contains 0", "lower", -0.001, 0.002, 0, false, metric.NoChange, false},
		{"higher is better, drop", "higher", -0.08, -0.03, 0.02, false, metric.Regressed, true},
		{"higher is better, rise", "higher", 0.03, 0.08, 0.02, false, metric.Improved, false},
		{"higher is better, straddles", "higher", -0.05, -0.01, 0.02, true, metric.Inconclusive, true},
	}
	for _, tc := range tests {
		c := &Comparison{}
		r := &CompareRow{Better: tc.better, CILo: tc.lo, CIHi: tc.hi, Change: (tc.lo + tc.hi) / 2, Compared: true}
		c.add(r)
		c.decide(CompareOptions{Threshold: tc.threshold, Strict: tc.strict})
		if r.Verdict != tc.verdict || r.Fails != tc.fails || c.Failed() != tc.fails {
			t.Errorf("%s: verdict %q fails %v, want %q %v", tc.name, r.Verdict, r.Fails, tc.verdict, tc.fails)
		}
	}
	for _, strict := range []bool{false, true} {
		c := &Comparison{}
		r := &CompareRow{Reason: "missing"}
		c.add(r)
		c.decide(CompareOptions{Strict: strict})
		if r.Verdict != metric.NotCompared || r.Fails != strict {
			t.Errorf("strict=%v: not compared row verdict %q fails %v", strict, r.Verdict, r.Fails)
		}
	}
}

func TestCompareUnpaired(t *testing.T) {
	base := []float64{1000, 1010, 990, 1005, 995, 1002, 998, 1001}
	wobble := []float64{1, 1.004, 0.996, 1.002, 0.998, 1.001, 0.999, 1}
	b := mkDoc("w", "lower", []string{"a", "fast", "same", "slow", "gone"},
		[][]float64{base, base, base, base, base})
	h := mkDoc("w", "lower", []string{"a", "fast", "same", "slow", "new"},
		[][]float64{scaled(base, 1), scaled(base, 0.8), mul(base, wobble), scaled(base, 1.1), base})
	c, err := Compare(b, h, CompareOptions{Threshold: 0.02})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]metric.Verdict{"a": metric.Equivalent, "fast": metric.Improved, "same": metric.Equivalent, "slow": metric.Regressed, "gone": metric.NotCompared}
	if len(c.Rows) != len(want) {
		t.Fatalf("%d rows", len(c.Rows))
	}
	for _, r := range c.Rows {
		if r.Verdict != want[r.Arm] {
			t.Errorf("%s: %s (%v [%v, %v]), want %s", r.Arm, r.Verdict, r.Change, r.CILo, r.CIHi, want[r.Arm])
		}
		if r.Arm == "slow" && math.Abs(r.Change-0.1) > 1e-3 { // values are whole nanoseconds
			t.Errorf("slow: change %v, want +10%%", r.Change)
		}
	}
	if !c.Failed() || c.Method != MethodUnpaired {
		t.Errorf("failed %v method %s", c.Failed(), c.Method)
	}
	notes := strings.Join(c.Notes, "\n")
	if !strings.Contains(notes, "unpaired") || !strings.Contains(notes, "w · new is new in HEAD") {
		t.Errorf("notes %q", notes)
	}
	// A workload missing in HEAD, and a changed metric.
	h2 := mkDoc("other", "lower", []string{"a"}, [][]float64{base})
	c, _ = Compare(b, h2, CompareOptions{Threshold: 0.02, Strict: true})
	if c.Rows[0].Reason != "the workload instance is missing in HEAD" || !c.Failed() {
		t.Errorf("missing workload: %+v", c.Rows[0])
	}
	h3 := mkDoc("w", "higher", []string{"a"}, [][]float64{base})
	c, _ = Compare(b, h3, CompareOptions{})
	if !strings.Contains(c.Rows[0].Reason, "the metric changed") {
		t.Errorf("metric change: %+v", c.Rows[0])
	}
	if _, err := Compare(b, h, CompareOptions{Threshold: 1.5}); err == nil {
		t.Error("threshold 1.5 accepted")
	}
}

func mul(a, b []float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = a[i] * b[i]
	}
	return out
}

func TestComparePaired(t *testing.T) {
	c, err := ComparePaired(load(t, "gpu"), CompareOptions{Threshold: 0.02})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]metric.Verdict{}
	for _, r := range c.Rows {
		got[r.Workload+" "+r.Arm] = r.Verdict
		if r.Compared && r.BaseArm != "onnx/precision=fp32" {
			t.Errorf("%s compared with %s", r.Arm, r.BaseArm)
		}
	}
	want := map[string]metric.Verdict{
		"bodyposenet/resolution=224x320 onnx/precision=fp16":     metric.Improved,
		"bodyposenet/resolution=224x320 onnx/precision=int8":     metric.Improved,
		"bodyposenet/resolution=288x384 onnx/precision=fp16":     metric.Equivalent,  // -0.6% [-1.4%, +0.2%]
		"bodyposenet/resolution=288x384 onnx/precision=int8":     metric.NotCompared, // it segfaulted after 3 blocks: a crash gets no verdict
		"bodyposenet/resolution=288x384 tensorrt/precision=int8": metric.NotCompared,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	if c.Failed() {
		t.Error("paired comparison failed")
	}
	// Uncorrected, the paired estimate is the analysis's.
	a := Analyze(load(t, "gpu"))
	cu, err := ComparePaired(load(t, "gpu"), CompareOptions{Threshold: 0.02, Uncorrected: true})
	if err != nil {
		t.Fatal(err)
	}
	if r, e := cu.Rows[0], a.Workloads[0].Arms[1].Rel; r.Change != e.Estimate || r.CILo != e.CILo || r.CIHi != e.CIHi || r.Confidence != 0.95 {
		t.Errorf("paired %v [%v, %v] vs analysis %+v", r.Change, r.CILo, r.CIHi, e)
	}
	if cu.Correction != CorrectionNone || len(cu.Notes) != 0 {
		t.Errorf("uncorrected: correction %q, notes %q", cu.Correction, cu.Notes)
	}
	// Corrected over the m compared rows, each CI is the analysis's CI at
	// confidence 1 − 0.05/m, computed from the blocks again.
	if c.Correction != CorrectionBonferroni || c.Comparisons != 3 {
		t.Fatalf("correction %q over %d comparisons, want bonferroni over 3", c.Correction, c.Comparisons)
	}
	each := 1 - (1-0.95)/3
	doc := load(t, "gpu")
	doc.Workloads[0].Run = &results.RunSettings{Confidence: each}
	e := Analyze(doc).Workloads[0].Arms[1].Rel
	if r := c.Rows[0]; r.Confidence != each || r.Change != e.Estimate || !closeTo(r.CILo, e.CILo) || !closeTo(r.CIHi, e.CIHi) {
		t.Errorf("corrected %v [%v, %v] at %v vs analysis at 98.33%% %v [%v, %v]", r.Change, r.CILo, r.CIHi, r.Confidence, e.Estimate, e.CILo, e.CIHi)
	}
	if len(c.Notes) != 1 || !strings.Contains(c.Notes[0], "Bonferroni correction over 3 comparisons: each CI is at 98.3333% confidence") {
		t.Errorf("notes %q", c.Notes)
	}
	// Strict fails on the skipped arm.
	c, _ = ComparePaired(load(t, "gpu"), CompareOptions{Threshold: 0.02, Strict: true})
	if !c.Failed() {
		t.Error("strict paired comparison passed with a skipped arm")
	}
}

func TestCompareRenderings(t *testing.T) {
	base := []float64{1000, 1010, 990, 1005, 995, 1002}
	b := mkDoc("w<x>", "lower", []string{"a", "b|c"}, [][]float64{base, base})
	h := mkDoc("w<x>", "lower", []string{"a", "b|c"}, [][]float64{base, scaled(base, 1.25)})
	c, err := Compare(b, h, CompareOptions{Threshold: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	var text, md, js bytes.Buffer
	if err := compareText(&text, c, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := compareMarkdown(&md, c); err != nil {
		t.Fatal(err)
	}
	if err := compareJSON(&js, c); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "+25.0%") || !strings.Contains(text.String(), "regressed (fails)") ||
		!strings.Contains(text.String(), "FAIL: 1 regressed, 1 equivalent (threshold ±5.0%, unpaired)") {
		t.Errorf("text:\n%s", text.String())
	}
	if !strings.Contains(md.String(), "❌ **FAIL") || !strings.Contains(md.String(), "`b\\|c`") || strings.Contains(md.String(), "w<x>") && !strings.Contains(md.String(), "`w<x>`") {
		t.Errorf("markdown:\n%s", md.String())
	}
	var v struct {
		Schema string `json:"schema"`
		Failed bool   `json:"failed"`
		Rows   []struct {
			Verdict string   `json:"verdict"`
			Change  *float64 `json:"change"`
		} `json:"rows"`
	}
	if err := json.Unmarshal(js.Bytes(), &v); err != nil || v.Schema != compareSchema || !v.Failed || len(v.Rows) != 2 ||
		v.Rows[1].Verdict != string(metric.Regressed) || math.Abs(*v.Rows[1].Change-0.25) > 1e-3 {
		t.Errorf("json %s: %+v %v", js.String(), v, err)
	}
}

func closeTo(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// withSetup gives doc a recorded setup: GPU summary lines, a hardware
// inventory with the driver and ONNX Runtime ("" leaves the inventory
// out; "-" records ONNX Runtime as unavailable) and benchy's version.
func withSetup(doc *results.Document, gpus []string, driver, ort, benchy string) *results.Document {
	doc.Environment.GPUs = gpus
	doc.Benchy = benchy
	if driver == "" && ort == "" {
		return doc
	}
	inv := map[string]any{"schema": "benchy/hw/v1", "nvml": map[string]any{"available": driver != "", "driver_version": driver}}
	switch ort {
	case "":
	case "-":
		inv["extra"] = map[string]any{"onnxruntime": map[string]any{"available": false, "reason": "not found"}}
	default:
		inv["extra"] = map[string]any{"onnxruntime": map[string]any{"available": true, "version": ort, "library": "/opt/" + ort + "/libonnxruntime.so"}}
	}
	doc.Environment.Hardware, _ = json.Marshal(inv)
	return doc
}

func TestSetupDifferences(t *testing.T) {
	a100 := []string{"NVIDIA A100-SXM4-80GB (sm_80, 80 GiB, driver 550.54.15)"}
	h100 := []string{"NVIDIA H100 80GB HBM3 (sm_90, 80 GiB, driver 550.54.15)"}
	twoH100 := append(append([]string{}, h100...), h100...)
	values := [][]float64{{1000, 1010, 990, 1005}}
	doc := func(runner string, gpus []string, driver, ort, benchy string) *results.Document {
		d := withSetup(mkDoc("w", "lower", []string{"a"}, values), gpus, driver, ort, benchy)
		d.Workloads[0].Arms[0].Runner = runner
		return d
	}
	tests := []struct {
		name       string
		base, head *results.Document
		want       []string
	}{
		{"same setup", doc("onnx", h100, "550.54.15", "1.24.1", "v0.1.0"), doc("onnx", h100, "550.54.15", "1.24.1", "v0.1.0"), nil},
		{"GPU model", doc("exec", a100, "550.54.15", "1.24.1", "v0.1.0"), doc("exec", h100, "550.54.15", "1.24.1", "v0.1.0"),
			[]string{"GPU: NVIDIA A100-SXM4-80GB vs NVIDIA H100 80GB HBM3"}},
		{"GPU count", doc("exec", h100, "550.54.15", "", ""), doc("exec", twoH100, "550.54.15", "", ""),
			[]string{"GPU: NVIDIA H100 80GB HBM3 vs 2x NVIDIA H100 80GB HBM3"}},
		{"no GPU", doc("exec", nil, "", "1.24.1", ""), doc("exec", h100, "550.54.15", "1.24.1", ""),
			[]string{"GPU: no GPU vs NVIDIA H100 80GB HBM3"}},
		{"driver", doc("exec", h100, "550.54.15", "", ""), doc("exec", h100, "560.35.03", "", ""),
			[]string{"driver: 550.54.15 vs 560.35.03"}},
		{"ONNX Runtime with an onnx arm", doc("onnx", nil, "", "1.22.0", ""), doc("onnx", nil, "", "1.24.1", ""),
			[]string{"ONNX Runtime: 1.22.0 vs 1.24.1"}},
		{"ONNX Runtime missing", doc("onnx", nil, "", "1.24.1", ""), doc("onnx", nil, "", "-", ""),
			[]string{"ONNX Runtime: 1.24.1 vs not available"}},
		{"ONNX Runtime unused", doc("exec", nil, "", "1.22.0", ""), doc("exec", nil, "", "1.24.1", ""), nil},
		{"benchy", doc("exec", nil, "", "", "v0.1.0"), doc("exec", nil, "", "", "v0.2.0"), []string{"benchy: v0.1.0 vs v0.2.0"}},
		{"not recorded on one side", doc("onnx", nil, "550.54.15", "1.22.0", "v0.1.0"), doc("onnx", nil, "", "", ""), nil},
		{"everything", doc("onnx", a100, "550.54.15", "1.22.0", "v0.1.0"), doc("onnx", h100, "560.35.03", "1.24.1", "v0.2.0"),
			[]string{"GPU: NVIDIA A100-SXM4-80GB vs NVIDIA H100 80GB HBM3", "driver: 550.54.15 vs 560.35.03", "ONNX Runtime: 1.22.0 vs 1.24.1", "benchy: v0.1.0 vs v0.2.0"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, d := range results.SetupDifferences(tc.base, tc.head) {
				got = append(got, d.String())
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("differences\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

// TestCompareStrictRefusesDifferentSetups: the runs are equivalent row by
// row, but come from different GPUs and benchy versions.
func TestCompareStrictRefusesDifferentSetups(t *testing.T) {
	vals := []float64{1000, 1010, 990, 1005, 995, 1002, 998, 1001}
	base := withSetup(mkDoc("w", "lower", []string{"a"}, [][]float64{vals}), []string{"NVIDIA A100 (sm_80)"}, "550.54.15", "", "v0.1.0")
	head := withSetup(mkDoc("w", "lower", []string{"a"}, [][]float64{vals}), []string{"NVIDIA H100 (sm_90)"}, "550.54.15", "", "v0.2.0")
	for _, strict := range []bool{false, true} {
		c, err := Compare(base, head, CompareOptions{Threshold: 0.02, Strict: strict})
		if err != nil {
			t.Fatal(err)
		}
		if c.Rows[0].Verdict != metric.Equivalent || c.Rows[0].Fails {
			t.Fatalf("row %+v", c.Rows[0])
		}
		notes := strings.Join(c.Notes, "\n")
		for _, want := range []string{"setup differs — GPU: NVIDIA A100 vs NVIDIA H100", "setup differs — benchy: v0.1.0 vs v0.2.0"} {
			if !strings.Contains(notes, want) {
				t.Errorf("strict=%v: notes lack %q:\n%s", strict, want, notes)
			}
		}
		if c.Failed() != strict {
			t.Errorf("strict=%v: Failed() = %v", strict, c.Failed())
		}
		wantHead := "pass: 1 equivalent"
		if strict {
			wantHead = "FAIL: --strict refuses runs from different setups (GPU, benchy): 1 equivalent"
		}
		if h := c.Headline(); !strings.HasPrefix(h, wantHead) {
			t.Errorf("strict=%v: headline %q, want it to start %q", strict, h, wantHead)
		}
		var js bytes.Buffer
		if err := compareJSON(&js, c); err != nil {
			t.Fatal(err)
		}
		var out struct {
			Failed bool `json:"failed"`
			Setup  []struct {
				What, Base, Head string
			} `json:"setup_differences"`
		}
		if err := json.Unmarshal(js.Bytes(), &out); err != nil || out.Failed != strict || len(out.Setup) != 2 || out.Setup[0].What != "GPU" || out.Setup[1].Head != "v0.2.0" {
			t.Errorf("strict=%v: JSON %s (%v)", strict, js.String(), err)
		}
	}
	// The paired comparison reads one run: there is no other setup.
	c, err := ComparePaired(mkDoc("w", "lower", []string{"a", "b"}, [][]float64{vals, vals}), CompareOptions{Threshold: 0.02, Strict: true})
	if err != nil || c.Setup != nil || c.Failed() {
		t.Errorf("paired: setup %v, failed %v (%v)", c.Setup, c.Failed(), err)
	}
}

// TestGoldenCompare renders an unpaired comparison (HEAD interrupted, of
// another suite, compared as --force does) and a paired one in every format.
func TestGoldenCompare(t *testing.T) {
	base := []float64{1000, 1010, 990, 1005, 995, 1002}
	b := mkDoc("w", "lower", []string{"a", "b"}, [][]float64{base, base})
	h := mkDoc("w", "lower", []string{"a", "b"}, [][]float64{base, scaled(base, 1.25)})
	b.Suite.Path, h.Suite.Path = "suites/sort.benchy.hcl", "suites/hash.benchy.hcl"
	h.Status, h.StopReason = results.StatusInterrupted, "interrupted: Ctrl-C after 6 blocks"
	unpaired, err := Compare(b, h, CompareOptions{Threshold: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(unpaired.DifferentSuites, "BASE ran suite sort") {
		t.Errorf("different suites not told: %q", unpaired.DifferentSuites)
	}
	paired, err := ComparePaired(load(t, "cpu"), CompareOptions{Threshold: 0.02})
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*Comparison{"compare-unpaired": unpaired, "compare-paired": paired} {
		var text, md, js bytes.Buffer
		if err := compareText(&text, c, Options{}); err != nil {
			t.Fatal(err)
		}
		if err := compareMarkdown(&md, c); err != nil {
			t.Fatal(err)
		}
		if err := compareJSON(&js, c); err != nil {
			t.Fatal(err)
		}
		golden.Check(t, filepath.Join("testdata", "golden", name+".txt"), text.Bytes())
		golden.Check(t, filepath.Join("testdata", "golden", name+".md"), md.Bytes())
		golden.Check(t, filepath.Join("testdata", "golden", name+".json"), js.Bytes())
	}
}

// TestUnresolvedTimesAreNotCompared: whole-nanosecond samples of a
// sub-nanosecond benchmark repeat exactly, and an interval of zero width
// would claim certainty (gobench printed "+0.0% [+0.0%, +0.0%] no
// significant change" for 1.24 and 0.69 ns/op); such an arm is not compared,
// in the report and in the gate, while exact ratios of longer times still
// are (the text goldens hold one at +35.0% [+35.0%, +35.0%]).
func TestUnresolvedTimesAreNotCompared(t *testing.T) {
	doc := load(t, "cpu")
	w := doc.Workloads[0]
	for _, b := range w.Blocks {
		for _, r := range b.Runs {
			r.NS = []int64{1, 1}
		}
	}
	for _, aa := range Analyze(doc).Workloads[0].Arms {
		if !aa.Baseline && (aa.Verdict != metric.NotCompared || !strings.Contains(aa.RelError, "cannot resolve the arms")) {
			t.Errorf("%s: verdict %s (%s)", aa.Name, aa.Verdict, aa.RelError)
		}
	}
	c, err := ComparePaired(doc, CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range c.Rows {
		if r.Workload == w.Name && (r.Compared || !strings.Contains(r.Reason, "at 1 ns per iteration")) {
			t.Errorf("%s · %s: compared %v (%s)", r.Workload, r.Arm, r.Compared, r.Reason)
		}
	}
}

// TestCompareKeepsReasonLines: a failed arm is not compared, whatever
// blocks it finished, and its reason (a traceback, several lines) is shown
// as indented lines, as in the run report, not with escaped line breaks.
func TestCompareKeepsReasonLines(t *testing.T) {
	doc := mkDoc("w", "lower", []string{"base", "a"}, [][]float64{{100, 101, 99, 100}, {150, 151, 149, 150}})
	doc.Workloads[0].Arms[1].Status = results.ArmFailed
	doc.Workloads[0].Arms[1].Reason = "raises: boom\nTraceback (most recent call last):\n  File \"w.py\", line 3"
	c, err := ComparePaired(doc, CompareOptions{Threshold: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	if r := c.Rows[0]; r.Compared || r.Verdict != metric.NotCompared || !strings.HasPrefix(r.Reason, "failed: raises: boom") {
		t.Fatalf("row %+v: want not compared, with the failure", r)
	}
	var b bytes.Buffer
	if err := Render(&b, c, Text, Options{}); err != nil {
		t.Fatal(err)
	}
	if out := b.String(); strings.Contains(out, `\x0a`) || !strings.Contains(out, "raises: boom\n    Traceback (most recent call last):\n      File \"w.py\", line 3\n") {
		t.Errorf("the reason's lines are not kept:\n%s", out)
	}
	// Two runs: the arm failed in HEAD after 4 blocks.
	base := mkDoc("w", "lower", []string{"base", "a"}, [][]float64{{100, 101, 99, 100}, {150, 151, 149, 150}})
	u, err := Compare(base, doc, CompareOptions{Threshold: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range u.Rows {
		if want := r.Arm == "a"; want != (r.Verdict == metric.NotCompared) || want && !strings.HasPrefix(r.Reason, "failed in HEAD: raises: boom") {
			t.Errorf("unpaired row %s: %q %q", r.Arm, r.Verdict, r.Reason)
		}
	}
}
