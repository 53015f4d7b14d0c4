package harness

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/benchy-dev/benchy/internal/proctree"
	"github.com/benchy-dev/benchy/results"
	"github.com/benchy-dev/benchy/runners"
	_ "github.com/benchy-dev/benchy/runners/exec"
	"github.com/benchy-dev/benchy/suites"
)

// The test binary doubles as a worker: `harness.test worker exec` serves the
// exec runner like `benchy worker exec`, and `harness.test fake MODE` is a
// misbehaving protocol worker.
func TestMain(m *testing.M) {
	if len(os.Args) > 2 && os.Args[1] == "worker" {
		spec, _ := runners.Lookup(os.Args[2])
		if err := runners.Serve(context.Background(), spec.New(), os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if len(os.Args) > 2 && os.Args[1] == "fake" {
		fakeWorker(os.Args[2])
		os.Exit(0)
	}
	// As benchy run does, so that the runs sweep what their processes
	// leave running (a platform without subreapers sweeps nothing).
	_ = proctree.SetSubreaper()
	os.Exit(m.Run())
}

// fakeWorker speaks the protocol, then misbehaves as mode says.
func fakeWorker(mode string) {
	sc := bufio.NewScanner(os.Stdin)
	runs := 0
	for sc.Scan() {
		var req runners.Request
		_ = json.Unmarshal(sc.Bytes(), &req)
		switch req.Op {
		case runners.OpSetup:
			if mode == "slow-setup" {
				time.Sleep(7 * time.Second)
			}
			if mode == "skip" {
				fmt.Println(`{"ok":false,"skip":true,"error":"skipped: no CuPy here"}`)
				continue
			}
			if mode == "setup-fails" {
				fmt.Println(`{"ok":false,"error":"model not found"}`)
				continue
			}
			if v, ok := strings.CutPrefix(mode, "protocol="); ok { // a wrong version
				fmt.Println(`{"ok":true,"protocol":` + v + `}`)
				continue
			}
			if key, ok := strings.CutPrefix(mode, "named="); ok { // info key and metric name
				fmt.Println(`{"ok":true,"info":{"` + key + `":1}}`)
				continue
			}
			fmt.Println(`{"ok":true,"info":{"fake":"` + mode + `"}}`)
		case runners.OpRun:
			runs++
			switch {
			case mode == "crash" && runs == 3:
				fmt.Fprintln(os.Stderr, "fake worker: segmentation fault (simulated)")
				os.Exit(139)
			case mode == "hang" && runs == 3:
				time.Sleep(time.Hour)
			case mode == "garbage" && runs == 3:
				fmt.Fprintln(os.Stderr, "fake worker: about to print garbage")
				fmt.Println("hello, I am not JSON")
				continue
			case mode == "stderr-flood":
				os.Stderr.Write([]byte(strings.Repeat("x", 1<<20) + "END-OF-FLOOD\n"))
			case mode == "short" && runs == 3:
				fmt.Println(`{"ok":true,"ns":[5]}`)
				continue
			case mode == "negative" && runs == 3:
				fmt.Println(`{"ok":true,"ns":[5,-3]}`)
				continue
			case mode == "float" && runs == 3:
				fmt.Println(`{"ok":true,"ns":[5.5,3]}`)
				continue
			case mode == "raises" && runs == 3:
				fmt.Fprintln(os.Stderr, "Traceback (most recent call last):\nZeroDivisionError: division by zero")
				fmt.Println(`{"ok":false,"error":"ZeroDivisionError: division by zero"}`)
				continue
			case mode == "empty" && runs == 3:
				fmt.Println(`{"ok":true,"ns":[]}`)
				continue
			}
			ns := make([]string, req.Iterations)
			for i := range ns {
				ns[i] = "1000"
			}
			if key, ok := strings.CutPrefix(mode, "named="); ok {
				fmt.Printf(`{"ok":true,"ns":[%s],"metrics":{"%s":1}}`+"\n", strings.Join(ns, ","), key)
				continue
			}
			fmt.Printf(`{"ok":true,"ns":[%s]}`+"\n", strings.Join(ns, ","))
		case runners.OpClose:
			switch mode {
			case "close-fails":
				fmt.Fprintln(os.Stderr, "fake worker: the device is busy")
				fmt.Println(`{"ok":false,"error":"close: could not release the device"}`)
				os.Exit(3)
			case "close-exits":
				fmt.Println(`{"ok":true}`)
				os.Exit(3)
			case "close-silent":
				os.Exit(0)
			case "close-crashes":
				fmt.Fprintln(os.Stderr, "fake worker: crashed in close")
				os.Exit(139)
			case "close-garbage":
				fmt.Println("closing now")
				return
			case "close-hangs":
				time.Sleep(time.Hour)
			case "close-lingers":
				fmt.Println(`{"ok":true}`)
				time.Sleep(time.Hour)
			}
			fmt.Println(`{"ok":true}`)
			return
		}
	}
}

func execArm(name string, baseline bool, argv []string, measure string) *suites.Arm {
	cfg, _ := json.Marshal(map[string]any{"command": argv, "measure": measure})
	return &suites.Arm{Name: name, Label: name, Baseline: baseline, Runner: "exec", Config: cfg}
}

func fakeArm(name, mode string) *suites.Arm {
	a := execArm(name, false, []string{os.Args[0], "fake", mode}, "protocol")
	a.Timeout = 3 * time.Second
	return a
}

func testPlan(run suites.RunSettings, arms ...*suites.Arm) *suites.Plan {
	return &suites.Plan{
		Path: "test.benchy.hcl",
		Run:  run,
		Workloads: []*suites.Workload{{
			Name: "w", Label: "w", Metric: "ns/op", Better: "lower", Run: run, Arms: arms,
		}},
	}
}

func quickRun(blocks int) suites.RunSettings {
	r := suites.DefaultRun
	r.Warmup = 1
	r.MinBlocks, r.MaxBlocks = blocks, blocks
	r.TargetCIHalfWidth = 0
	r.Iterations = 2
	r.WarmupIterations = 0
	return r
}

func runPlan(t *testing.T, plan *suites.Plan, opt Options) *results.Document {
	t.Helper()
	if opt.Executable == "" {
		opt.Executable = os.Args[0]
	}
	if opt.OutDir == "" {
		opt.OutDir = t.TempDir()
	}
	doc, err := Run(context.Background(), plan, opt)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return doc
}

func orders(doc *results.Document) [][]string {
	var out [][]string
	for _, b := range doc.Workloads[0].Blocks {
		out = append(out, b.Order)
	}
	return out
}

func TestSeededOrdersRepeatAndVary(t *testing.T) {
	plan := testPlan(quickRun(8),
		execArm("a", true, []string{"true"}, "wall"),
		execArm("b", false, []string{"true"}, "wall"),
		execArm("c", false, []string{"true"}, "wall"),
	)
	seeded := func(seed int64) *suites.Plan {
		p, diags := plan.Resolve(suites.Overrides{Seed: &seed})
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		return p
	}
	first := orders(runPlan(t, seeded(7), Options{}))
	second := orders(runPlan(t, seeded(7), Options{}))
	if !slices.EqualFunc(first, second, slices.Equal) {
		t.Fatalf("same seed, different orders:\n%v\n%v", first, second)
	}
	distinct := map[string]bool{}
	for _, o := range first {
		distinct[strings.Join(o, ",")] = true
	}
	if len(distinct) < 2 {
		t.Fatalf("interleaved-random gave the same order in all %d blocks: %v", len(first), first)
	}
	if third := orders(runPlan(t, seeded(8), Options{})); slices.EqualFunc(first, third, slices.Equal) {
		t.Fatalf("seeds 7 and 8 gave identical schedules %v", first)
	}
}

func TestScheduleOrders(t *testing.T) {
	arms := []string{"a", "b", "c"}
	rot := schedule{order: suites.OrderInterleaved, arms: arms}
	for b, want := range [][]string{{"a", "b", "c"}, {"b", "c", "a"}, {"c", "a", "b"}, {"a", "b", "c"}} {
		if got := rot.blockOrder(b); !slices.Equal(got, want) {
			t.Errorf("interleaved block %d: got %v, want %v", b, got, want)
		}
	}
	seq := schedule{order: suites.OrderSequential, arms: arms}
	if got := seq.blockOrder(5); !slices.Equal(got, arms) {
		t.Errorf("sequential: got %v", got)
	}
	rnd := schedule{order: suites.OrderInterleavedRandom, arms: arms, seed: 1, name: "w"}
	for b := 0; b < 20; b++ {
		got := rnd.blockOrder(b)
		sorted := slices.Clone(got)
		slices.Sort(sorted)
		if !slices.Equal(sorted, arms) {
			t.Fatalf("block %d order %v is not a permutation of %v", b, got, arms)
		}
	}
}

func TestSequentialRunsOneArmAtATime(t *testing.T) {
	run := quickRun(3)
	run.Order = suites.OrderSequential
	plan := testPlan(run, execArm("a", true, []string{"true"}, "wall"), execArm("b", false, []string{"true"}, "wall"))
	doc := runPlan(t, plan, Options{})
	w := doc.Workloads[0]
	if len(w.Blocks) != 4 {
		t.Fatalf("got %d blocks, want 1 warm-up + 3", len(w.Blocks))
	}
	for _, b := range w.Blocks {
		if len(b.Runs) != 2 || b.Runs[0].Arm != "a" || b.Runs[1].Arm != "b" {
			t.Fatalf("block %d runs %+v", b.Index, b.Runs)
		}
	}
	if !strings.Contains(w.StopReason, "sequential") {
		t.Errorf("stop reason %q", w.StopReason)
	}
}

func armByName(t *testing.T, w *results.Workload, name string) *results.Arm {
	t.Helper()
	for _, a := range w.Arms {
		if a.Name == name {
			return a
		}
	}
	t.Fatalf("no arm %q", name)
	return nil
}

func TestFailingArmsFailAlone(t *testing.T) {
	cases := []struct {
		name, mode string
		want       string // in the failure reason
	}{
		{"nonzero-exit", "", "exit status 1"},
		{"crash", "crash", "exit status 139"},
		{"segfault", "segfault", "segmentation fault"},
		{"hang", "hang", "timed out"},
		{"garbage", "garbage", `protocol error: worker printed "hello, I am not JSON" on stdout, not a JSON response (stdout carries protocol lines only; log to stderr); stderr ends: fake worker: about to print garbage`},
		{"crash-tail", "crash", "exit status 139; stderr ends: fake worker: segmentation fault (simulated)"},
		{"raises", "raises", "ZeroDivisionError: division by zero; stderr ends: Traceback (most recent call last): | ZeroDivisionError: division by zero"},
		{"short", "short", "worker returned 1 duration(s) for 2 iteration(s)"},
		{"negative", "negative", "negative duration, ns[1] = -3"},
		{"float", "float", "field ns holds a JSON number 5.5 where the protocol wants an integer"},
		{"newer-protocol", "protocol=2", "setup: worker speaks protocol 2; this benchy speaks 1 — upgrade benchy"},
		{"bad-protocol", "protocol=\"1\"", `worker answered protocol "1", which is not a version`},
		{"empty", "empty", "0 duration(s) for 2 iteration(s)"},
		{"setup-fails", "setup-fails", "model not found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bad := fakeArm("bad", tc.mode)
			switch tc.mode {
			case "":
				bad = execArm("bad", false, []string{"false"}, "wall")
			case "segfault":
				bad = execArm("bad", false, []string{"sh", "-c", "kill -SEGV $$"}, "protocol")
			}
			if tc.mode == "hang" {
				bad.Timeout = 500 * time.Millisecond
			}
			plan := testPlan(quickRun(5), execArm("base", true, []string{"true"}, "wall"), fakeArm("good", "ok"), bad)
			doc := runPlan(t, plan, Options{})
			w := doc.Workloads[0]
			a := armByName(t, w, "bad")
			if a.Status != results.ArmFailed || !strings.Contains(a.Reason, tc.want) {
				t.Fatalf("bad arm: status %q reason %q; want failed with %q", a.Status, a.Reason, tc.want)
			}
			if tc.mode == "crash" && !strings.Contains(a.Stderr, "segmentation fault (simulated)") {
				t.Errorf("crash stderr not captured: %q", a.Stderr)
			}
			for _, name := range []string{"base", "good"} {
				if s := armByName(t, w, name).Status; s != results.ArmOK {
					t.Errorf("arm %s status %q, want ok", name, s)
				}
			}
			measured := 0
			for _, b := range w.Blocks {
				if _, ok := b.Value("good"); ok && b.Measured() {
					measured++
				}
			}
			if measured != 5 {
				t.Errorf("good arm has %d measured blocks, want 5", measured)
			}
			if w.Status != results.StatusComplete {
				t.Errorf("workload status %q", w.Status)
			}
		})
	}
}

func TestSkippedArm(t *testing.T) {
	gpu := fakeArm("gpu", "ok")
	gpu.Requires = suites.Requires{GPU: true}
	plan := testPlan(quickRun(2), execArm("base", true, []string{"true"}, "wall"), gpu, fakeArm("cupy", "skip"))
	doc := runPlan(t, plan, Options{Requires: func(suites.Requires) (bool, string) {
		return false, "skipped: no NVIDIA GPU detected"
	}})
	w := doc.Workloads[0]
	if a := armByName(t, w, "gpu"); a.Status != results.ArmSkipped || !strings.Contains(a.Reason, "no NVIDIA GPU") {
		t.Errorf("gpu arm %q %q", a.Status, a.Reason)
	}
	if a := armByName(t, w, "cupy"); a.Status != results.ArmSkipped || !strings.Contains(a.Reason, "CuPy") {
		t.Errorf("cupy arm %q %q", a.Status, a.Reason)
	}
	for _, b := range w.Blocks {
		if slices.Contains(b.Order, "gpu") || slices.Contains(b.Order, "cupy") {
			t.Fatalf("skipped arm scheduled: %v", b.Order)
		}
	}
}

func TestHugeStderrIsBounded(t *testing.T) {
	plan := testPlan(quickRun(2), execArm("base", true, []string{"true"}, "wall"), fakeArm("loud", "stderr-flood"))
	doc := runPlan(t, plan, Options{})
	a := armByName(t, doc.Workloads[0], "loud")
	if a.Status != results.ArmOK {
		t.Fatalf("loud arm %q: %s", a.Status, a.Reason)
	}
	if len(a.Stderr) > stderrKeep || !strings.HasSuffix(a.Stderr, "END-OF-FLOOD\n") {
		t.Fatalf("stderr kept %d bytes (limit %d), ends %q", len(a.Stderr), stderrKeep, a.Stderr[max(0, len(a.Stderr)-20):])
	}
}

func TestStopReasons(t *testing.T) {
	t.Run("max_blocks", func(t *testing.T) {
		doc := runPlan(t, testPlan(quickRun(3), execArm("a", true, []string{"true"}, "wall"), execArm("b", false, []string{"true"}, "wall")), Options{})
		if w := doc.Workloads[0]; !strings.Contains(w.StopReason, "max_blocks = 3") || len(w.Blocks) != 4 {
			t.Fatalf("stop %q after %d blocks", w.StopReason, len(w.Blocks))
		}
	})
	t.Run("precision", func(t *testing.T) {
		run := quickRun(50)
		run.MinBlocks = 3
		run.TargetCIHalfWidth = 0.5 // identical fake workers: SE = 0
		base := fakeArm("a", "ok")
		base.Baseline = true
		doc := runPlan(t, testPlan(run, base, fakeArm("b", "ok")), Options{})
		w := doc.Workloads[0]
		if len(w.Blocks) != 4 || w.StopReason == "" || strings.Contains(w.StopReason, "max_blocks") {
			t.Fatalf("stop %q after %d blocks, want the precision rule after 3 measured", w.StopReason, len(w.Blocks))
		}
	})
	t.Run("time_budget", func(t *testing.T) {
		run := quickRun(1000)
		run.TimeBudget = 300 * time.Millisecond
		doc := runPlan(t, testPlan(run, execArm("a", true, []string{"sleep", "0.02"}, "wall"), execArm("b", false, []string{"true"}, "wall")), Options{})
		w := doc.Workloads[0]
		if w.Status != results.StatusBudgetExhausted || doc.Status != results.StatusBudgetExhausted {
			t.Fatalf("status %q/%q: %s", w.Status, doc.Status, w.StopReason)
		}
	})
}

func TestSoftStopKeepsFinishedBlocks(t *testing.T) {
	stop := make(chan struct{})
	dir := t.TempDir()
	plan := testPlan(quickRun(1000), execArm("a", true, []string{"sleep", "0.01"}, "wall"), execArm("b", false, []string{"sleep", "0.01"}, "wall"))
	go func() { waitForBlocks(t, filepath.Join(dir, "journal.jsonl"), 3); close(stop) }()
	doc := runPlan(t, plan, Options{Stop: stop, OutDir: dir})
	if doc.Status != results.StatusInterrupted {
		t.Fatalf("status %q", doc.Status)
	}
	onDisk, err := results.ReadFile(filepath.Join(dir, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(onDisk.Workloads[0].Blocks); n < 2 || onDisk.Status != results.StatusInterrupted {
		t.Fatalf("results.json: status %q with %d blocks", onDisk.Status, n)
	}
	fromJournal, err := results.ReadFile(filepath.Join(dir, "journal.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if a, b := len(fromJournal.Workloads[0].Blocks), len(onDisk.Workloads[0].Blocks); a != b {
		t.Fatalf("journal has %d blocks, results.json %d", a, b)
	}
}

func TestCalibrationReachesMinBlockTime(t *testing.T) {
	run := quickRun(2)
	run.Iterations = 0
	run.MinBlockTime = 50 * time.Millisecond
	base := fakeArm("a", "ok") // reports 1 µs per iteration, whatever the load
	base.Baseline = true
	doc := runPlan(t, testPlan(run, base, fakeArm("b", "ok")), Options{})
	for _, a := range doc.Workloads[0].Arms {
		n, _ := a.Info["iterations_per_block"].(int)
		if n < 50_000 || n > 2*60_000 {
			t.Errorf("arm %s calibrated to %d iterations of 1 µs for a 50 ms block", a.Name, n)
		}
	}
	r, _ := doc.Workloads[0].Blocks[1].Run("a")
	var total int64
	for _, v := range r.NS {
		total += v
	}
	if time.Duration(total) < run.MinBlockTime {
		t.Errorf("arm a's block took %v, under min_block_time %v", time.Duration(total), run.MinBlockTime)
	}
}

// TestCalibrationOfANonTimeMetric: a metric that is not a time (a score
// printed on stdout) says nothing of how long an iteration takes, so the
// calls' wall time calibrates. Counting the score 5 as 5 ns had sent the
// count toward 10 million runs of a 5 ms command, past the arm's timeout.
func TestCalibrationOfANonTimeMetric(t *testing.T) {
	run := quickRun(2)
	run.Iterations = 0
	run.MinBlockTime = 50 * time.Millisecond
	arm := func(name string, baseline bool) *suites.Arm {
		cfg, _ := json.Marshal(map[string]any{"command": []string{"sh", "-c", "sleep 0.005; echo 5"}, "measure": "stdout-metric", "pattern": `(\d+)`})
		return &suites.Arm{Name: name, Label: name, Baseline: baseline, Runner: "exec", Config: cfg, Timeout: 20 * time.Second}
	}
	plan := testPlan(run, arm("a", true), arm("b", false))
	plan.Workloads[0].Metric, plan.Workloads[0].Better = "score", "higher"
	doc := runPlan(t, plan, Options{})
	for _, a := range doc.Workloads[0].Arms {
		n, _ := a.Info["iterations_per_block"].(int)
		if a.Status != results.ArmOK || n < 2 || n > 100 {
			t.Errorf("arm %s: %s %s, calibrated to %d iterations of a 5 ms command for a 50 ms block", a.Name, a.Status, a.Reason, n)
		}
	}
}

// waitForBlocks polls a journal until it holds n block records.
func waitForBlocks(t *testing.T, journal string, n int) {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		b, _ := os.ReadFile(journal)
		if strings.Count(string(b), `"type":"block"`) >= n {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Errorf("journal %s never reached %d blocks", journal, n)
}

func TestSettleBeforeEveryBlock(t *testing.T) {
	run := quickRun(3)
	run.GPUSettle = 2 * time.Second
	calls := 0
	doc := runPlan(t, testPlan(run, execArm("a", true, []string{"true"}, "wall"), execArm("b", false, []string{"true"}, "wall")), Options{
		Settle: func(_ context.Context, maxWait time.Duration, tempC float64) *results.Settle {
			calls++
			if maxWait != 2*time.Second || tempC != DefaultSettleTemp {
				t.Errorf("settle(%v, %v)", maxWait, tempC)
			}
			return &results.Settle{Settled: true}
		},
	})
	if calls != 4 {
		t.Fatalf("settle ran %d times, want once before each of 4 blocks", calls)
	}
	if s := doc.Workloads[0].Blocks[2].Settle; s == nil || *s != (results.Settle{Settled: true}) {
		t.Fatalf("block settle = %+v", s)
	}
}

func TestSpawnOverheadRecordedForWallArms(t *testing.T) {
	calls := 0
	opt := Options{SpawnOverhead: func(context.Context) (time.Duration, error) {
		calls++
		return 1500 * time.Microsecond, nil
	}}
	doc := runPlan(t, testPlan(quickRun(2), execArm("a", true, []string{"true"}, "wall")), opt)
	if calls != 1 || doc.Environment.Overhead["spawn_noop_median"] != 1.5e6 {
		t.Fatalf("%d calls, overhead %v", calls, doc.Environment.Overhead)
	}
	// A plan without whole-process arms has no spawn floor to record.
	calls = 0
	doc = runPlan(t, testPlan(quickRun(2), fakeArm("p", "ok")), opt)
	if calls != 0 || doc.Environment.Overhead != nil {
		t.Fatalf("protocol-only plan: %d calls, overhead %v", calls, doc.Environment.Overhead)
	}
}

// wholeProcessRunner is a runner that declares, through the registry, that
// every arm of it times whole processes.
const wholeProcessRunner = "test-whole-process"

func init() {
	runners.Register(runners.Spec{
		Name:           wholeProcessRunner,
		Decode:         func(hcl.Body, *hcl.EvalContext) (any, hcl.Diagnostics) { return nil, nil },
		TimesProcesses: func(json.RawMessage) bool { return true },
	})
}

// The harness asks each arm's runner whether it times whole processes: a
// new runner declares it in its Spec, and the harness knows no runner's
// configuration.
func TestSpawnOverheadIsTheRunnersDeclaration(t *testing.T) {
	other := &suites.Arm{Name: "o", Runner: wholeProcessRunner, Config: json.RawMessage(`{}`)}
	unknown := &suites.Arm{Name: "u", Runner: "no-such-runner", Config: json.RawMessage(`{}`)}
	metric := execArm("m", false, []string{"true"}, "stdout-metric")
	for _, tc := range []struct {
		name string
		arms []*suites.Arm
		want bool
	}{
		{"exec wall", []*suites.Arm{execArm("a", true, []string{"true"}, "wall")}, true},
		{"exec default measure", []*suites.Arm{execArm("a", true, []string{"true"}, "")}, true},
		{"exec protocol", []*suites.Arm{fakeArm("p", "ok")}, false},
		{"exec stdout-metric", []*suites.Arm{metric}, false},
		{"another runner that declares it", []*suites.Arm{fakeArm("p", "ok"), other}, true},
		{"an unknown runner", []*suites.Arm{unknown}, false},
	} {
		if got := needsSpawnOverhead(testPlan(quickRun(2), tc.arms...)); got != tc.want {
			t.Errorf("%s: needsSpawnOverhead = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestBlockLine: the progress line gives each arm's mean in the workload's
// metric: a duration for a time, the value and its unit otherwise (it
// printed "50ns" for ops/s).
func TestBlockLine(t *testing.T) {
	b := &results.Block{Runs: []*results.ArmRun{
		{Arm: "base", NS: []int64{100, 104}}, {Arm: "head", NS: []int64{50, 51}}, {Arm: "bad", Error: "exit status 1"},
	}}
	for _, tc := range []struct{ metric, want string }{
		{"ns", "base 102ns  head 50ns  bad failed"},
		{"", "base 102ns  head 50ns  bad failed"},
		{"ops/s", "base 102 ops/s  head 50.5 ops/s  bad failed"},
		{"score", "base 102 score  head 50.5 score  bad failed"},
	} {
		if got := blockLine(b, tc.metric); got != tc.want {
			t.Errorf("metric %q: %q, want %q", tc.metric, got, tc.want)
		}
	}
}

// TestCloseFailuresFailTheArm: a worker whose close goes wrong fails its
// arm with the reason, in the document and in results.json, and the arm
// keeps its finished blocks; the other arms are not touched. A worker that
// never answers close, or never exits, is killed after workerCloseGrace.
func TestCloseFailuresFailTheArm(t *testing.T) {
	cases := []struct {
		name, mode string
		fresh      bool
		blocks     int    // measured blocks that keep the bad arm's value
		want       string // the reason, up to its stderr
	}{
		{"error", "close-fails", false, 3, "close: could not release the device; the worker exited with exit status 3 after close; stderr ends: fake worker: the device is busy"},
		{"exit-status", "close-exits", false, 3, "close: the worker exited with exit status 3 after close"},
		{"no-answer", "close-silent", false, 3, "close: the worker exited without answering close"},
		{"crash", "close-crashes", false, 3, "close: the worker exited with exit status 139 without answering close; stderr ends: fake worker: crashed in close"},
		{"garbage", "close-garbage", false, 3, `close: protocol error: the worker answered close with "closing now", not a JSON response (stdout carries protocol lines only; log to stderr)`},
		{"hangs", "close-hangs", false, 3, "close: timed out after 5s waiting for the answer to close; the worker's process group was killed"},
		{"lingers", "close-lingers", false, 3, "close: the worker did not exit within 5s of close; its process group was killed"},
		// A fresh process per block: the first close that fails ends the
		// arm after the block it ran.
		{"fresh", "close-fails", true, 1, "close: could not release the device; the worker exited with exit status 3 after close"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bad := fakeArm("bad", tc.mode)
			bad.FreshProcess = tc.fresh
			run := quickRun(3)
			run.Warmup = 0
			plan := testPlan(run, execArm("base", true, []string{"true"}, "wall"), fakeArm("good", "ok"), bad)
			dir := t.TempDir()
			start := time.Now()
			doc := runPlan(t, plan, Options{OutDir: dir})
			if d := time.Since(start); d > 3*workerCloseGrace {
				t.Errorf("the run took %v", d)
			}
			onDisk, err := results.ReadFile(filepath.Join(dir, "results.json"))
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range []*results.Document{doc, onDisk} {
				w := d.Workloads[0]
				a := armByName(t, w, "bad")
				if a.Status != results.ArmFailed || !strings.HasPrefix(a.Reason, tc.want) {
					t.Errorf("bad arm: status %q reason %q; want failed with %q", a.Status, a.Reason, tc.want)
				}
				for _, name := range []string{"base", "good"} {
					if a := armByName(t, w, name); a.Status != results.ArmOK {
						t.Errorf("arm %s: %s %s, want ok", name, a.Status, a.Reason)
					}
				}
				kept := 0
				for _, b := range w.Blocks {
					if _, ok := b.Value("bad"); ok && b.Measured() {
						kept++
					}
				}
				if kept != tc.blocks || len(w.Blocks) != 3 {
					t.Errorf("the bad arm has %d of %d blocks, want %d of 3", kept, len(w.Blocks), tc.blocks)
				}
			}
		})
	}
}

// TestEveryArmFailingAtCloseFailsTheWorkload: when the closes fail every
// arm, the workload has failed as it has when its runs fail every arm,
// with its blocks kept.
func TestEveryArmFailingAtCloseFailsTheWorkload(t *testing.T) {
	a, b := fakeArm("a", "close-fails"), fakeArm("b", "close-exits")
	a.Baseline = true
	doc := runPlan(t, testPlan(quickRun(2), a, b), Options{})
	w := doc.Workloads[0]
	if w.Status != results.StatusFailed || w.StopReason != "every arm failed" {
		t.Errorf("workload %s (%s), want failed: every arm failed", w.Status, w.StopReason)
	}
	if len(w.Blocks) != 3 {
		t.Errorf("%d blocks, want the 3 that ran", len(w.Blocks))
	}
	for _, arm := range w.Arms {
		if arm.Status != results.ArmFailed {
			t.Errorf("arm %s: %s", arm.Name, arm.Status)
		}
	}
}
