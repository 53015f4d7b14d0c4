package exec

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/benchy-dev/benchy/runners"
)

func decodeSrc(t *testing.T, src string) (*Config, hcl.Diagnostics) {
	t.Helper()
	f, diags := hclsyntax.ParseConfig([]byte("exec {\n"+src+"\n}\n"), "exec.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("parse: %v", diags)
	}
	c, diags := decode(f.Body.(*hclsyntax.Body).Blocks[0].Body, nil)
	if c == nil {
		return nil, diags
	}
	return c.(*Config), diags
}

func TestDecode(t *testing.T) {
	cases := []struct {
		name, src, wantErr string
		wantLine           int
	}{
		{"defaults", `command = ["true"]`, "", 0},
		{"empty command", `command = []`, "Empty command", 1},
		{"bad measure", "command = [\"true\"]\nmeasure = \"cpu\"", "Invalid measure", 2},
		{"pattern without stdout-metric", "command = [\"true\"]\npattern = \"(x)\"", "Pattern without stdout-metric", 2},
		{"stdout-metric without pattern", "command = [\"true\"]\nmeasure = \"stdout-metric\"", "Missing pattern", 0},
		{"bad regexp", "command = [\"true\"]\nmeasure = \"stdout-metric\"\npattern = \"([0-9\"", "Invalid pattern", 3},
		{"no capture group", "command = [\"true\"]\nmeasure = \"stdout-metric\"\npattern = \"[0-9]+\"", "Pattern without a capture group", 3},
		{"command as a string", `command = "python3 bench.py"`, "Unsuitable value", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, diags := decodeSrc(t, tc.src)
			if tc.wantErr == "" {
				if diags.HasErrors() {
					t.Fatalf("unexpected: %v", diags)
				}
				if c.Measure != MeasureWall || c.Scale != 1 {
					t.Fatalf("defaults not applied: %+v", c)
				}
				return
			}
			if !diags.HasErrors() || !strings.Contains(diags.Error(), tc.wantErr) {
				t.Fatalf("diagnostics %v, want %q", diags, tc.wantErr)
			}
			if got := diags[0].Subject.Start.Line - 1; got != tc.wantLine { // line 1 is "exec {"
				t.Errorf("diagnostic on line %d, want %d", got, tc.wantLine)
			}
		})
	}
}

func setup(t *testing.T, cfg Config) *Runner {
	t.Helper()
	b, _ := json.Marshal(cfg)
	r := &Runner{}
	if _, err := r.Setup(context.Background(), runners.Setup{Config: b}); err != nil {
		t.Fatalf("setup: %v", err)
	}
	return r
}

func TestWall(t *testing.T) {
	r := setup(t, Config{Command: []string{"sleep", "0.02"}, Measure: MeasureWall})
	ns, metrics, err := r.Run(context.Background(), 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != 3 {
		t.Fatalf("%d samples", len(ns))
	}
	for _, v := range ns {
		if time.Duration(v) < 20*time.Millisecond {
			t.Errorf("a 20 ms sleep timed at %v", time.Duration(v))
		}
	}
	if metrics["user-ns/op"] <= 0 && metrics["sys-ns/op"] <= 0 {
		t.Errorf("no CPU time recorded: %v", metrics)
	}
}

// TestMain lets the test binary stand in for a command with a known
// memory footprint: with BENCHY_EXEC_TEST_ALLOC_MIB set it touches that
// many MiB and exits.
func TestMain(m *testing.M) {
	if v := os.Getenv("BENCHY_EXEC_TEST_ALLOC_MIB"); v != "" {
		mib, _ := strconv.Atoi(v)
		b := make([]byte, mib<<20)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		os.Exit(int(b[4096]) - 1)
	}
	os.Exit(m.Run())
}

func TestPeakRSS(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// A command that needs far more memory than the worker has its own
	// peak recorded.
	r := setup(t, Config{Command: []string{self}, Env: map[string]string{"BENCHY_EXEC_TEST_ALLOC_MIB": "128"}, Measure: MeasureWall})
	_, metrics, err := r.Run(context.Background(), 0, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got := metrics["peak-rss-bytes"]; got < 128<<20 {
		t.Errorf("peak-rss-bytes = %.0f for a command that touched 128 MiB (metrics %v)", got, metrics)
	}
	// A tiny command's peak hides under the worker's own, which the kernel
	// counts for the child too: only the bound is recorded.
	r = setup(t, Config{Command: []string{"true"}, Measure: MeasureWall})
	if _, metrics, err = r.Run(context.Background(), 0, 2); err != nil {
		t.Fatal(err)
	}
	if _, ok := metrics["peak-rss-bytes"]; ok {
		t.Errorf("true recorded a peak of its own: %v", metrics)
	}
	if own, ok := selfPeakRSSKiB(); !ok || metrics["peak-rss-at-most-bytes"] < float64(own)*1024*0.5 {
		t.Errorf("bound %v, own peak %d KiB", metrics["peak-rss-at-most-bytes"], own)
	}
}

func TestRunStopsWhenCancelled(t *testing.T) {
	r := setup(t, Config{Command: []string{"sleep", "0.05"}, Measure: MeasureWall})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(120*time.Millisecond, cancel)
	// 200 runs take 10 s; a cancelled batch stops after the run in progress.
	if _, _, err := r.Run(ctx, 0, 200); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if _, _, err := r.Run(ctx, 0, 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("already cancelled: err = %v", err)
	}
}

func TestWallDiscardsOutput(t *testing.T) {
	r := setup(t, Config{Command: []string{"sh", "-c", "echo to stdout; echo to stderr >&2"}, Measure: MeasureWall})
	if _, _, err := r.Run(context.Background(), 0, 2); err != nil {
		t.Fatalf("a command that prints failed: %v", err)
	}
}

func TestStdoutMetric(t *testing.T) {
	r := setup(t, Config{Command: []string{"sh", "-c", "echo 'latency: 2.5 ms'"}, Measure: MeasureStdoutMetric, Pattern: `latency: ([0-9.]+) ms`, Scale: 1e6})
	ns, _, err := r.Run(context.Background(), 0, 2)
	if err != nil || len(ns) != 2 || ns[0] != 2_500_000 {
		t.Fatalf("ns %v, err %v", ns, err)
	}
	r = setup(t, Config{Command: []string{"echo", "nothing"}, Measure: MeasureStdoutMetric, Pattern: `latency: ([0-9.]+)`})
	if _, _, err := r.Run(context.Background(), 0, 1); err == nil || !strings.Contains(err.Error(), "matched nothing") {
		t.Fatalf("err = %v", err)
	}
}

func TestFailures(t *testing.T) {
	r := setup(t, Config{Command: []string{"sh", "-c", "echo oops >&2; exit 3"}, Measure: MeasureWall})
	_, _, err := r.Run(context.Background(), 0, 1)
	if err == nil || !strings.Contains(err.Error(), "exit status 3") || !strings.Contains(err.Error(), "oops") {
		t.Fatalf("err = %v", err)
	}
	r = setup(t, Config{Command: []string{"sh", "-c", "kill -9 $$"}, Measure: MeasureWall})
	if _, _, err := r.Run(context.Background(), 0, 1); err == nil || !strings.Contains(err.Error(), "signal: killed") {
		t.Fatalf("killed child: err = %v", err)
	}
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"/nonexistent/benchy-dir", notDir} {
		b, _ := json.Marshal(Config{Command: []string{"true"}, Workdir: dir})
		if _, err := (&Runner{}).Setup(context.Background(), runners.Setup{Config: b}); err == nil || !strings.Contains(err.Error(), "working directory") {
			t.Errorf("workdir %s: err = %v", dir, err)
		}
	}
	b, _ := json.Marshal(Config{Command: []string{"no-such-program-benchy"}})
	if _, err := (&Runner{}).Setup(context.Background(), runners.Setup{Config: b}); err == nil {
		t.Fatal("a missing program passed setup")
	}
	argv, _, _, ok := external(json.RawMessage(`{"command":["w","--x"],"measure":"protocol"}`))
	if !ok || len(argv) != 2 {
		t.Fatalf("protocol arm not external: %v %v", argv, ok)
	}
	if _, _, _, ok := external(json.RawMessage(`{"command":["w"],"measure":"wall"}`)); ok {
		t.Fatal("a wall arm is not its own worker")
	}
}

func TestSpawnOverhead(t *testing.T) {
	d, err := SpawnOverhead(context.Background(), 5)
	if err != nil || d <= 0 {
		t.Fatalf("SpawnOverhead = %v, %v", d, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := SpawnOverhead(ctx, 5); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: err = %v", err)
	}
}
