package fleet

import (
	"encoding/json"
	"errors"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/benchy-dev/benchy/results"
	"github.com/benchy-dev/benchy/stats"
)

// docOpt shapes a synthetic results document.
type docOpt struct {
	host, sha, metric string
	gpus              []string
	hardware          string
	vars              map[string]string
	confidence        float64
	baseline          string // baseline arm name (default "base")
	skipNew           bool   // the "new" arm was skipped on this host
}

// docSeeds gives each document mkDoc builds a seed of its own, so that no
// two are the same run (results.Document.RunID).
var docSeeds atomic.Int64

// mkDoc builds a document with one workload "w" and arms "base" and "new";
// values[b] holds the two arms' per-iteration samples in block b.
func mkDoc(o docOpt, values [][2][]int64) *results.Document {
	if o.sha == "" {
		o.sha = "aaaa"
	}
	if o.baseline == "" {
		o.baseline = "base"
	}
	conf := o.confidence
	if conf == 0 {
		conf = 0.95
	}
	w := &results.Workload{Name: "w", Metric: o.metric, Better: "lower", Status: results.StatusComplete, Run: &results.RunSettings{Confidence: conf},
		Arms: []*results.Arm{
			{Name: "base", Baseline: o.baseline == "base", Runner: "exec", Status: results.ArmOK},
			{Name: "new", Baseline: o.baseline == "new", Runner: "exec", Status: results.ArmOK},
		}}
	if o.skipNew {
		w.Arms[1].Status, w.Arms[1].Reason = results.ArmSkipped, "needs a GPU"
	}
	w.Blocks = append(w.Blocks, &results.Block{Index: 0, Warmup: true, Order: []string{"base", "new"},
		Runs: []*results.ArmRun{{Arm: "base", NS: []int64{999999}}, {Arm: "new", NS: []int64{1}}}})
	for i, v := range values {
		b := &results.Block{Index: i + 1, Order: []string{"base", "new"}, Runs: []*results.ArmRun{{Arm: "base", NS: v[0]}}}
		if !o.skipNew {
			b.Runs = append(b.Runs, &results.ArmRun{Arm: "new", NS: v[1]})
		}
		w.Blocks = append(w.Blocks, b)
	}
	d := &results.Document{
		Schema: results.Schema, Benchy: "test", Suite: results.Suite{Path: "s.benchy.hcl", SHA256: o.sha},
		Status: results.StatusComplete, Order: "interleaved-random", Seed: docSeeds.Add(1),
		Environment: results.Environment{Host: o.host, OS: "linux", Arch: "amd64", CPUModel: "Test CPU", GPUs: o.gpus},
		Workloads:   []*results.Workload{w},
	}
	if o.hardware != "" {
		d.Environment.Hardware = json.RawMessage(o.hardware)
	}
	for k, v := range o.vars {
		d.Variables = append(d.Variables, results.Variable{Name: k, Value: json.RawMessage(v)})
	}
	return d
}

// ratioBlocks gives blocks with the baseline at base[i] and the arm at
// base[i]·ratio[i].
func ratioBlocks(base []int64, ratio []float64) [][2][]int64 {
	out := make([][2][]int64, len(base))
	for i := range base {
		out[i] = [2][]int64{{base[i]}, {int64(math.Round(float64(base[i]) * ratio[i]))}}
	}
	return out
}

func near(got, want float64) bool {
	return math.Abs(got-want) <= 1e-9*math.Max(1, math.Abs(want))
}

func mustMerge(t *testing.T, in []Input, opt Options) *Document {
	t.Helper()
	d, err := Merge(in, opt)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestPooledKnownAnswer pins the delete-a-group jackknife by host on data
// whose answer is known in closed form: host a's arm is exactly 10% slower
// in every block, host b's exactly 30%.
func TestPooledKnownAnswer(t *testing.T) {
	a := mkDoc(docOpt{host: "a"}, ratioBlocks([]int64{1000, 2000, 4000}, []float64{1.1, 1.1, 1.1}))
	b := mkDoc(docOpt{host: "b"}, ratioBlocks([]int64{1000, 3000, 5000}, []float64{1.3, 1.3, 1.3}))
	d := mustMerge(t, []Input{{Doc: a}, {Doc: b}}, Options{})
	if len(d.Instances) != 1 || len(d.Instances[0].Pooled) != 1 {
		t.Fatalf("want one instance with one pooled arm, got %+v", d.Instances)
	}
	in := d.Instances[0]
	// Per host: constant ratio, SE 0, the degenerate CI at the ratio.
	for i, want := range []float64{0.1, 0.3} {
		c := in.Rows[i].cellOf("new")
		if c.Rel == nil || !near(c.Rel.Estimate, want) || c.Rel.SE > 1e-12 || !near(c.Rel.CILo, want) || c.Rel.Method != MethodBlocks || c.Rel.Units != 3 {
			t.Errorf("host %d: got %+v, want a degenerate CI at %v over 3 blocks", i, c.Rel, want)
		}
	}
	// Pooled: φ = (ln 1.1 + ln 1.3)/2; the replicates delete one host each,
	// leaving ln 1.3 and ln 1.1, so SE = (ln 1.3 − ln 1.1)/2, df = 1.
	p := in.Pooled[0].Rel
	phi := (math.Log(1.1) + math.Log(1.3)) / 2
	se := (math.Log(1.3) - math.Log(1.1)) / 2
	tc := stats.TCritical(1, 0.95)
	if !near(p.Estimate, math.Expm1(phi)) || !near(p.SE, se) || p.DF != 1 || p.Units != 2 ||
		!near(p.CILo, math.Expm1(phi-tc*se)) || !near(p.CIHi, math.Expm1(phi+tc*se)) || p.Method != MethodHosts {
		t.Errorf("pooled = %+v; want θ %v, SE %v, df 1", p, math.Expm1(phi), se)
	}
	if in.Pooled[0].Hosts != 2 || in.Pooled[0].Blocks != 6 {
		t.Errorf("pooled counts = %d hosts, %d blocks; want 2, 6", in.Pooled[0].Hosts, in.Pooled[0].Blocks)
	}
	// Warm-up blocks are not analysed.
	if c := in.Rows[0].cellOf("base"); c.Blocks != 3 || c.Samples != 3 || c.Median != 2000 {
		t.Errorf("baseline cell = %+v; want 3 blocks, median 2000", c)
	}
}

// TestPooledNaive checks the pooled estimate on noisy data against a naive
// leave-one-host-out recomputation.
func TestPooledNaive(t *testing.T) {
	hosts := map[string][][2]float64{
		"h1": {{100, 121}, {104, 119}, {98, 117}, {101, 125}},
		"h2": {{200, 231}, {210, 246}, {190, 229}},
		"h3": {{50, 61}, {52, 60}, {49, 57}, {51, 63}, {50, 58}},
	}
	names := []string{"h1", "h2", "h3"}
	var in []Input
	for _, h := range names {
		var v [][2][]int64
		for _, p := range hosts[h] {
			v = append(v, [2][]int64{{int64(p[0])}, {int64(p[1])}})
		}
		in = append(in, Input{Doc: mkDoc(docOpt{host: h}, v)})
	}
	d := mustMerge(t, in, Options{})
	p := d.Instances[0].Pooled[0].Rel
	meanLog := func(skip string) float64 {
		var s float64
		n := 0
		for _, h := range names {
			if h == skip {
				continue
			}
			for _, q := range hosts[h] {
				s += math.Log(q[1] / q[0])
				n++
			}
		}
		return s / float64(n)
	}
	phi := meanLog("")
	var reps []float64
	for _, h := range names {
		reps = append(reps, meanLog(h))
	}
	m := (reps[0] + reps[1] + reps[2]) / 3
	var ss float64
	for _, r := range reps {
		ss += (r - m) * (r - m)
	}
	se := math.Sqrt(2.0 / 3.0 * ss)
	tc := stats.TCritical(2, 0.95)
	if !near(p.Estimate, math.Expm1(phi)) || !near(p.SE, se) || !near(p.CILo, math.Expm1(phi-tc*se)) || !near(p.CIHi, math.Expm1(phi+tc*se)) || p.DF != 2 {
		t.Errorf("pooled = %+v; want θ %v SE %v", p, math.Expm1(phi), se)
	}
	if !p.Significant {
		t.Errorf("a ~18%% slowdown on every host should be significant: %+v", p)
	}
}

// TestPassFailMantelHaenszel pools a pass/fail metric with the host as
// stratum and checks RR_MH against a hand computation.
func TestPassFailMantelHaenszel(t *testing.T) {
	// Per block: baseline outcomes, arm outcomes (1 = pass).
	h1 := [][2][]int64{{{1, 1, 0, 1}, {1, 1, 1, 1}}, {{1, 0, 0, 1}, {1, 1, 0, 1}}, {{1, 1, 1, 0}, {1, 1, 1, 1}}}
	h2 := [][2][]int64{{{0, 0, 1, 0}, {1, 0, 1, 0}}, {{0, 1, 0, 0}, {0, 1, 1, 0}}, {{0, 0, 0, 1}, {1, 0, 0, 1}}}
	h3 := [][2][]int64{{{1, 0}, {1, 1}}, {{0, 1}, {1, 1}}, {{1, 1}, {1, 1}}, {{0, 0}, {1, 0}}}
	var in []Input
	for i, v := range [][][2][]int64{h1, h2, h3} {
		in = append(in, Input{Label: []string{"h1", "h2", "h3"}[i], Doc: mkDoc(docOpt{host: "same", metric: "success"}, v)})
	}
	d := mustMerge(t, in, Options{})
	inst := d.Instances[0]
	if inst.Kind != KindPassFail {
		t.Fatalf("kind = %q", inst.Kind)
	}
	// RR_MH = Σ_s a_s·n0_s/N_s ÷ Σ_s c_s·n1_s/N_s over host strata.
	type tab struct{ a, n1, c, n0 float64 }
	var tabs []tab
	for _, h := range [][][2][]int64{h1, h2, h3} {
		var x tab
		for _, b := range h {
			for _, v := range b[0] {
				x.c += float64(v)
				x.n0++
			}
			for _, v := range b[1] {
				x.a += float64(v)
				x.n1++
			}
		}
		tabs = append(tabs, x)
	}
	var num, den float64
	for _, x := range tabs {
		N := x.n1 + x.n0
		num += x.a * x.n0 / N
		den += x.c * x.n1 / N
	}
	p := inst.Pooled[0]
	if p.Rel == nil || !near(p.Rel.Estimate, num/den-1) || p.Rel.Method != MethodMHHosts || p.Rel.Units != 3 || p.Rel.DF != 2 {
		t.Fatalf("pooled = %+v (%s); want RR−1 = %v over 3 host units", p.Rel, p.Error, num/den-1)
	}
	if p.MH == nil || p.MH.Strata != 3 || !near(p.MH.RR, num/den) {
		t.Errorf("MH = %+v; want 3 strata, RR %v", p.MH, num/den)
	}
	// Cross-check with the stats package's own 2×2 entry point.
	var tables []stats.Table
	for _, x := range tabs {
		tables = append(tables, stats.Table{A: x.a, B: x.n1 - x.a, C: x.c, D: x.n0 - x.c})
	}
	mh, err := stats.MantelHaenszel(tables)
	if err != nil || !near(mh.RR, p.MH.RR) {
		t.Errorf("stats.MantelHaenszel RR = %v (%v), merge says %v", mh.RR, err, p.MH.RR)
	}
	c := inst.Rows[0].cellOf("new")
	if c.Successes != 11 || c.Samples != 12 || !near(c.Median, 11.0/12) || c.Rel == nil || c.Rel.Method != MethodMHBlocks {
		t.Errorf("h1 arm cell = %+v", c)
	}
}

func TestPassFailRejectsOtherValues(t *testing.T) {
	bad := mkDoc(docOpt{host: "a", metric: "pass"}, [][2][]int64{{{1, 0}, {1, 2}}, {{1, 1}, {0, 1}}})
	good := mkDoc(docOpt{host: "b", metric: "pass"}, [][2][]int64{{{1, 0}, {1, 1}}, {{1, 1}, {0, 1}}})
	d := mustMerge(t, []Input{{Doc: bad}, {Doc: good}}, Options{})
	c := d.Instances[0].Rows[0].cellOf("new")
	if c.Rel != nil || !strings.Contains(c.RelError, "records 1 or 0") {
		t.Errorf("cell = %+v; want an error about 1 or 0", c)
	}
	if p := d.Instances[0].Pooled[0]; p.Rel != nil || !strings.Contains(p.Error, "not compared on every host") {
		t.Errorf("pooled = %+v; want refused", p)
	}
}

func TestCompatibility(t *testing.T) {
	blocks := ratioBlocks([]int64{1000, 1100, 1200}, []float64{1.1, 1.2, 1.15})
	h100 := `{"gpus":[{"name":"NVIDIA H100 80GB HBM3"},{"name":"NVIDIA H100 80GB HBM3"}]}`
	a100 := `{"gpus":[{"name":"NVIDIA A100-SXM4-80GB"}]}`
	tests := []struct {
		name        string
		a, b        docOpt
		opt         Options
		refused     bool // Merge returns *IncompatibleError
		pooled      bool
		forced      bool
		problemText string
	}{
		{name: "same", a: docOpt{host: "x"}, b: docOpt{host: "y"}, pooled: true},
		{name: "suites differ", a: docOpt{host: "x"}, b: docOpt{host: "y", sha: "bbbb"}, refused: true, problemText: "different suites"},
		{name: "suites differ, forced", a: docOpt{host: "x"}, b: docOpt{host: "y", sha: "bbbb"}, opt: Options{Force: true}, pooled: true, forced: true, problemText: "different suites"},
		{name: "gpu models differ", a: docOpt{host: "x", hardware: h100}, b: docOpt{host: "y", hardware: a100}, problemText: "NVIDIA A100-SXM4-80GB on y"},
		{name: "gpu models differ, forced", a: docOpt{host: "x", hardware: h100}, b: docOpt{host: "y", hardware: a100}, opt: Options{Force: true}, pooled: true, forced: true, problemText: "different devices"},
		{name: "gpu summaries agree", a: docOpt{host: "x", gpus: []string{"NVIDIA L4 (sm_89, 22.5 GiB, driver 550.1)"}}, b: docOpt{host: "y", gpus: []string{"NVIDIA L4 (sm_89, 22.5 GiB, driver 560.2)"}}, pooled: true},
		{name: "gpu vs none", a: docOpt{host: "x", hardware: a100}, b: docOpt{host: "y"}, problemText: "CPU: Test CPU on y"},
		{name: "variables differ", a: docOpt{host: "x", vars: map[string]string{"rows": "1000"}}, b: docOpt{host: "y", vars: map[string]string{"rows": "10000"}}, problemText: `variable "rows" differs: 1000 on x; 10000 on y`},
		{name: "variable unset on one", a: docOpt{host: "x", vars: map[string]string{"rows": "1000"}}, b: docOpt{host: "y"}, problemText: "(unset) on y"},
		{name: "variables ignored", a: docOpt{host: "x", vars: map[string]string{"python": `"/a/python"`}}, b: docOpt{host: "y", vars: map[string]string{"python": `"/b/python"`}}, opt: Options{IgnoreVars: []string{"python"}}, pooled: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Merge([]Input{{Doc: mkDoc(tc.a, blocks)}, {Doc: mkDoc(tc.b, blocks)}}, tc.opt)
			var ie *IncompatibleError
			if tc.refused {
				if !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.problemText) || !strings.Contains(err.Error(), "--force") {
					t.Fatalf("err = %v; want a refusal mentioning %q and --force", err, tc.problemText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			in := d.Instances[0]
			if got := len(in.Pooled) == 1 && in.Pooled[0].Rel != nil; got != tc.pooled || d.Pooling.Allowed != tc.pooled {
				t.Errorf("pooled = %v (allowed %v), want %v; notes %v", got, d.Pooling.Allowed, tc.pooled, in.Notes)
			}
			if d.Pooling.Forced != tc.forced {
				t.Errorf("forced = %v, want %v", d.Pooling.Forced, tc.forced)
			}
			all := strings.Join(d.Pooling.Problems, "\n")
			if tc.problemText == "" && all != "" || !strings.Contains(all, tc.problemText) {
				t.Errorf("problems = %q, want %q", all, tc.problemText)
			}
			if !tc.pooled && !slices.ContainsFunc(in.Notes, func(n string) bool { return strings.Contains(n, "fingerprints differ") }) {
				t.Errorf("notes = %v; want the reason pooling was refused", in.Notes)
			}
			// The cross-host table is there either way.
			if len(in.Rows) != 2 || in.Rows[0].cellOf("new").Rel == nil {
				t.Errorf("rows = %+v; want both hosts with estimates", in.Rows)
			}
		})
	}
}

func TestDevices(t *testing.T) {
	tests := []struct {
		o    docOpt
		want string
	}{
		{docOpt{hardware: `{"gpus":[{"name":"NVIDIA H100 80GB HBM3"},{"name":"NVIDIA H100 80GB HBM3"}]}`}, "2× NVIDIA H100 80GB HBM3"},
		{docOpt{gpus: []string{"Orin (nvgpu) (sm_87)"}}, "Orin (nvgpu)"},
		{docOpt{gpus: []string{"NVIDIA A100-PCIE-40GB (sm_80)", "NVIDIA T4 (sm_75)"}}, "NVIDIA A100-PCIE-40GB + NVIDIA T4"},
		{docOpt{}, "CPU: Test CPU"},
	}
	for _, tc := range tests {
		tc.o.host = "h"
		d := mkDoc(tc.o, nil)
		if got := hostOf("h", d.Environment).Device; got != tc.want {
			t.Errorf("device of %+v = %q, want %q", tc.o, got, tc.want)
		}
	}
}

// TestSameHostIsOneStratum: two documents from one host are one stratum,
// their blocks concatenated.
func TestSameHostIsOneStratum(t *testing.T) {
	a1 := mkDoc(docOpt{host: "a"}, ratioBlocks([]int64{1000, 1010}, []float64{1.1, 1.2}))
	a2 := mkDoc(docOpt{host: "a"}, ratioBlocks([]int64{1020, 990, 1000}, []float64{1.15, 1.1, 1.2}))
	b := mkDoc(docOpt{host: "b"}, ratioBlocks([]int64{1000, 1010}, []float64{1.1, 1.2}))
	d := mustMerge(t, []Input{{Doc: a1, Path: "a1.json"}, {Doc: b}, {Doc: a2, Path: "a2.json"}}, Options{})
	if len(d.Hosts) != 2 || !slices.Equal(d.Hosts[0].Runs, []int{0, 2}) {
		t.Fatalf("hosts = %+v", d.Hosts)
	}
	in := d.Instances[0]
	if c := in.Rows[0].cellOf("new"); c.Blocks != 5 || c.Rel.Units != 5 {
		t.Errorf("host a cell = %+v; want 5 blocks", c)
	}
	if in.Pooled[0].Rel.Units != 2 || in.Pooled[0].Blocks != 7 {
		t.Errorf("pooled = %+v; want 2 host units over 7 blocks", in.Pooled[0])
	}
	// One host alone has nothing to pool.
	d = mustMerge(t, []Input{{Doc: a1}, {Doc: a2}}, Options{})
	if len(d.Instances[0].Pooled) != 0 || !slices.Contains(d.Instances[0].Notes, "one host: nothing to pool") {
		t.Errorf("one host: pooled %+v, notes %v", d.Instances[0].Pooled, d.Instances[0].Notes)
	}
}

func TestPartialFleets(t *testing.T) {
	blocks := ratioBlocks([]int64{1000, 1100, 1200}, []float64{1.1, 1.2, 1.15})
	t.Run("skipped arm on one host", func(t *testing.T) {
		d := mustMerge(t, []Input{{Doc: mkDoc(docOpt{host: "gpu"}, blocks)}, {Doc: mkDoc(docOpt{host: "cpu", skipNew: true}, blocks)}}, Options{})
		in := d.Instances[0]
		c := in.Rows[1].cellOf("new")
		if c.Status != results.ArmSkipped || c.Reason != "needs a GPU" || c.RelError != "" || c.Rel != nil {
			t.Errorf("skipped cell = %+v", c)
		}
		if p := in.Pooled[0]; p.Rel != nil || p.Error != "not compared on every host (no estimate on cpu)" {
			t.Errorf("pooled = %+v", p)
		}
	})
	t.Run("instance missing on one host", func(t *testing.T) {
		other := mkDoc(docOpt{host: "z"}, blocks)
		other.Workloads[0].Name = "other"
		d := mustMerge(t, []Input{{Doc: mkDoc(docOpt{host: "x"}, blocks)}, {Doc: mkDoc(docOpt{host: "y"}, blocks)}, {Doc: other}}, Options{})
		if len(d.Instances) != 2 || len(d.Instances[0].Rows) != 2 || !slices.Contains(d.Instances[0].Notes, "not pooled: the instance ran on 2 of 3 hosts") {
			t.Errorf("instances = %+v", d.Instances[0])
		}
	})
	t.Run("baselines disagree", func(t *testing.T) {
		d := mustMerge(t, []Input{{Doc: mkDoc(docOpt{host: "x"}, blocks)}, {Doc: mkDoc(docOpt{host: "y", baseline: "new"}, blocks)}}, Options{})
		in := d.Instances[0]
		if in.Baseline != "" || len(in.Pooled) != 0 || len(in.Notes) != 1 || !strings.Contains(in.Notes[0], `"base" on x; "new" on y`) {
			t.Errorf("instance = %+v", in)
		}
		// Each host is still compared with its own baseline.
		if in.Rows[1].cellOf("base").Rel == nil || in.Rows[0].cellOf("new").Rel == nil {
			t.Errorf("rows lost their per-host estimates: %+v %+v", in.Rows[0].Cells, in.Rows[1].Cells)
		}
	})
}

func TestMergeErrorsAndWarnings(t *testing.T) {
	blocks := ratioBlocks([]int64{1000, 1100}, []float64{1.1, 1.2})
	if _, err := Merge(nil, Options{}); err == nil {
		t.Error("empty merge: no error")
	}
	if _, err := Merge([]Input{{Path: "r.json", Doc: mkDoc(docOpt{}, blocks)}}, Options{}); err == nil || !strings.Contains(err.Error(), "NAME=r.json") {
		t.Errorf("no host name: err = %v", err)
	}
	if _, err := Merge([]Input{{Doc: mkDoc(docOpt{host: "a"}, blocks)}}, Options{Confidence: 1.5}); err == nil {
		t.Error("confidence 1.5: no error")
	}
	// The same run twice, here under two host labels: its samples would
	// count twice, so even --force refuses.
	run := mkDoc(docOpt{host: "a"}, blocks)
	again := *run
	_, err := Merge([]Input{{Path: "r.json", Doc: run}, {Path: "other.json", Doc: mkDoc(docOpt{host: "b"}, blocks)}, {Label: "c", Path: "copy.json", Doc: &again}}, Options{Force: true})
	if err == nil || !strings.Contains(err.Error(), "input 3 (copy.json) is the same run as input 1 (r.json)") {
		t.Errorf("the same run twice: err = %v", err)
	}
	a := mkDoc(docOpt{host: "a", confidence: 0.9}, blocks)
	b := mkDoc(docOpt{host: "b", confidence: 0.99}, blocks)
	b.Status, b.StopReason, b.Benchy = results.StatusInterrupted, "interrupted by the user", "other"
	d := mustMerge(t, []Input{{Doc: a}, {Doc: b}}, Options{})
	want := []string{
		"b: run status interrupted (interrupted by the user)",
		"runs were made by different benchy versions: other, test",
		"the runs used different confidence levels; the merge uses 0.95 (set --confidence to choose)",
	}
	if !slices.Equal(d.Warnings, want) || d.Confidence != 0.95 {
		t.Errorf("warnings = %q, confidence %v", d.Warnings, d.Confidence)
	}
	d = mustMerge(t, []Input{{Doc: mkDoc(docOpt{host: "a", confidence: 0.9}, blocks)}, {Doc: mkDoc(docOpt{host: "b", confidence: 0.9}, blocks)}}, Options{})
	if d.Confidence != 0.9 || d.Instances[0].Pooled[0].Rel.DF != 1 {
		t.Errorf("confidence = %v; want the runs' 0.9", d.Confidence)
	}
}

func TestWriteParseRoundTrip(t *testing.T) {
	blocks := ratioBlocks([]int64{1000, 1100, 1050}, []float64{1.1, 1.2, 1.1})
	d := mustMerge(t, []Input{{Doc: mkDoc(docOpt{host: "a", metric: "ns"}, blocks)}, {Doc: mkDoc(docOpt{host: "b", metric: "ns"}, blocks)}}, Options{})
	path := filepath.Join(t.TempDir(), "fleet.json")
	if err := WriteFile(path, d); err != nil {
		t.Fatal(err)
	}
	back, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Runs) != 2 || back.Runs[1].Document.Environment.Host != "b" || !near(back.Instances[0].Pooled[0].Rel.Estimate, d.Instances[0].Pooled[0].Rel.Estimate) {
		t.Errorf("round trip lost data: %+v", back)
	}
	for _, bad := range []string{"", "{", `{"schema":"benchy/results/v1"}`, `{"schema":"benchy/fleet/v1","runs":[null]}`} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("Parse(%q): no error", bad)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"schema":"benchy/fleet/v1","hosts":[],"instances":[],"runs":[]}`))
	f.Add([]byte(`{"schema":"benchy/fleet/v1","runs":[{"host":"a","document":{"schema":"benchy/results/v1"}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := Parse(b)
		if err != nil {
			return
		}
		if d.Schema != Schema {
			t.Fatalf("accepted schema %q", d.Schema)
		}
		for _, r := range d.Runs {
			if r == nil || r.Document == nil {
				t.Fatal("accepted a run without a document")
			}
		}
	})
}
