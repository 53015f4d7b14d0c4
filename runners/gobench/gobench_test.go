package gobench

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/benchy-dev/benchy/runners"
)

// tiny is the test module: benchmarks with sub-benchmarks (tiny/), ones
// that fail (bad/), a package that does not compile (broken/) and one
// without tests (notests/).
func tiny(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not in PATH")
	}
	dir, err := filepath.Abs(filepath.Join("testdata", "tiny"))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func rawConfig(t *testing.T, c Config) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want string // a diagnostic summary, or "" for none
	}{
		{`package = "./x"`, ""},
		{`bench = "^BenchmarkSort$"
benchtime = "2000x"
cpu = 2
tags = ["integration"]
build_flags = ["-gcflags=-N"]`, ""},
		{`benchtime = "100ms"`, ""},
		{`bench = "("`, "Invalid bench regexp"},
		{`benchtime = "fast"`, "Invalid benchtime"},
		{`benchtime = "0x"`, "Invalid benchtime"},
		{`benchtime = "-1s"`, "Invalid benchtime"},
		{`cpu = -1`, "Invalid cpu"},
		{`tags = ["a,b"]`, "Invalid build tag"},
		{`build_flags = ["-o=x"]`, "Invalid build flag"},
		{`build_flags = ["./pkg"]`, "Invalid build flag"},
		{`package = "-race"`, "Invalid package"},
		{`packages = "x"`, "Unsupported argument"},
	} {
		f, diags := hclsyntax.ParseConfig([]byte(tc.src), "t.hcl", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		cfg, diags := decode(f.Body, nil)
		var got string
		if diags.HasErrors() {
			got = diags[0].Summary
			if diags[0].Subject == nil {
				t.Errorf("%s: diagnostic without a range", tc.src)
			}
		}
		if got != tc.want {
			t.Errorf("%s: got %q (%v), want %q", tc.src, got, diags, tc.want)
		}
		if tc.want == "" {
			c := cfg.(*Config)
			if c.Package == "" || c.Bench == "" {
				t.Errorf("%s: defaults not applied: %+v", tc.src, c)
			}
		}
	}
}

func TestNameAxes(t *testing.T) {
	for _, tc := range []struct {
		name string
		want [][2]string
	}{
		{"BenchmarkSort", [][2]string{{"bench", "Sort"}}},
		{"BenchmarkSizes/size=10", [][2]string{{"bench", "Sizes"}, {"size", "10"}}},
		{"BenchmarkX/small/n=3/big", [][2]string{{"bench", "X"}, {"sub", "small"}, {"n", "3"}, {"sub2", "big"}}},
		{"BenchmarkX/n=-5", [][2]string{{"bench", "X"}, {"n", "_5"}}},
		{"BenchmarkX/=v", [][2]string{{"bench", "X"}, {"sub", "=v"}}},
		{"Benchmark", [][2]string{{"bench", "Benchmark"}}},
	} {
		if got := nameAxes(tc.name); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("nameAxes(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestSplitBench(t *testing.T) {
	for _, tc := range []struct{ re, top, rest string }{
		{".", ".", ""},
		{"Sort/size=10", "Sort", "size=10"},
		{"A/B/C", "A", "B/C"},
		{"[/]x/y", "[/]x", "y"},
		{`(a|/b)/c`, `(a|/b)`, "c"},
		{`a\/b/c`, `a\/b`, "c"},
	} {
		top, rest := splitBench(tc.re)
		if top != tc.top || rest != tc.rest {
			t.Errorf("splitBench(%q) = %q, %q; want %q, %q", tc.re, top, rest, tc.top, tc.rest)
		}
	}
}

func keys(ins []runners.Instance) []string {
	var k []string
	for _, in := range ins {
		k = append(k, in.Key)
	}
	return k
}

// TestInstances builds the tiny module's test binary and lists its
// benchmarks, sub-benchmarks as instances of their own in the order they
// run, each with a configuration for that benchmark alone.
func TestInstances(t *testing.T) {
	dir := tiny(t)
	ctx := context.Background()
	ins, err := instances(ctx, rawConfig(t, Config{Bench: ".", Dir: dir}), "", "")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"BenchmarkSum", "BenchmarkSizes/size=10", "BenchmarkSizes/size=100", "BenchmarkReadsTestdata"}
	if got := keys(ins); !reflect.DeepEqual(got, want) {
		t.Fatalf("instances %v, want %v", got, want)
	}
	if got, want := ins[1].Axes, [][2]string{{"bench", "Sizes"}, {"size", "10"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("axes %v, want %v", got, want)
	}
	var c Config
	if err := json.Unmarshal(ins[2].Config, &c); err != nil || c.Benchmark != "BenchmarkSizes/size=100" || c.Dir != dir {
		t.Errorf("config %s (%v)", ins[2].Config, err)
	}
	// A sub-benchmark level of the regexp selects sub-benchmarks; a
	// relative dir resolves against the suite's directory.
	ins, err = instances(ctx, rawConfig(t, Config{Bench: "Sizes/=100", Dir: "tiny"}), filepath.Dir(dir), "")
	if err != nil {
		t.Fatal(err)
	}
	if got := keys(ins); !reflect.DeepEqual(got, []string{"BenchmarkSizes/size=100"}) {
		t.Errorf("Sizes/=100: %v", got)
	}
	// A configuration for one benchmark stands for no others.
	if ins, err := instances(ctx, rawConfig(t, Config{Benchmark: "BenchmarkSum", Dir: dir}), "", ""); err != nil || ins != nil {
		t.Errorf("expanded config: %v, %v", ins, err)
	}
}

// TestRun sets up one sub-benchmark, runs it, and checks the samples,
// the metrics (b.ReportAllocs, b.ReportMetric) and the setup's record.
func TestRun(t *testing.T) {
	dir := tiny(t)
	ctx := context.Background()
	r := &Runner{}
	info, err := r.Setup(ctx, runners.Setup{Config: rawConfig(t, Config{Package: ".", Benchmark: "BenchmarkSizes/size=100", Benchtime: "50x", Dir: dir})})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cfg := info["config"].(map[string]string)
	if cfg["goos"] != runtime.GOOS || cfg["goarch"] != runtime.GOARCH || cfg["pkg"] != "example.com/tiny" {
		t.Errorf("config lines %v", cfg)
	}
	if info["package"] != "example.com/tiny" || info["benchmark"] != "BenchmarkSizes/size=100" {
		t.Errorf("info %v", info)
	}
	if ms, ok := info["build_ms"].(float64); !ok || ms <= 0 {
		t.Errorf("build_ms %v", info["build_ms"])
	}
	if args := strings.Join(info["args"].([]string), " "); args != "-test.run=^$ -test.bench=^BenchmarkSizes$/^size=100$ -test.count=1 -test.benchtime=50x" {
		t.Errorf("args %q", args)
	}
	ns, metrics, err := r.Run(ctx, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != 2 || ns[0] < 1 || ns[1] < 1 {
		t.Errorf("samples %v", ns)
	}
	if metrics["widgets/op"] != 100 || metrics["allocs/op"] != 1 || metrics["B/op"] < 800 || metrics["b.N"] != 50 || metrics["ns/op"] <= 0 {
		t.Errorf("metrics %v", metrics)
	}
	// The binary runs in the package's directory, as go test runs it.
	r2 := &Runner{}
	if _, err := r2.Setup(ctx, runners.Setup{Config: rawConfig(t, Config{Benchmark: "BenchmarkReadsTestdata", Dir: "tiny"}), SuiteDir: filepath.Dir(dir)}); err != nil {
		t.Fatal(err)
	}
	r2.Close()
}

// TestBadInput: a package that does not build, one without tests, one
// that does not exist and a regexp matching nothing each get an error
// naming the package and what is wrong; benchmarks that fail are listed
// under their own names, and each fails its own setup only.
func TestBadInput(t *testing.T) {
	dir := tiny(t)
	ctx := context.Background()
	for _, tc := range []struct {
		cfg   Config
		wants []string
		none  bool
	}{
		{Config{Package: "./broken", Bench: "."}, []string{"package ./broken", "example.com/tiny/broken", "does not build", "undefinedName"}, false},
		{Config{Package: "./notests", Bench: "."}, []string{"./notests", "has no test files"}, false},
		{Config{Package: "./nosuch", Bench: "."}, []string{"package ./nosuch", "nosuch"}, false},
		{Config{Package: ".", Bench: "NoSuch"}, []string{`bench "NoSuch" matches no benchmark in example.com/tiny`, "BenchmarkSum", "BenchmarkSizes"}, true},
	} {
		tc.cfg.Dir = dir
		_, err := instances(ctx, rawConfig(t, tc.cfg), "", "")
		if err == nil {
			t.Errorf("%+v: no error", tc.cfg)
			continue
		}
		for _, w := range tc.wants {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%+v: error %q lacks %q", tc.cfg, err, w)
			}
		}
		if errors.Is(err, runners.ErrNoInstances) != tc.none {
			t.Errorf("%+v: errors.Is(ErrNoInstances) = %v", tc.cfg, !tc.none)
		}
	}

	ins, err := instances(ctx, rawConfig(t, Config{Package: "./bad", Bench: ".", Dir: dir}), "", "")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := keys(ins), []string{"BenchmarkOK", "BenchmarkFatal", "BenchmarkPanic", "BenchmarkSlow"}; !reflect.DeepEqual(got, want) {
		t.Errorf("bad/ instances %v, want %v", got, want)
	}
	// A panicking benchmark's binary now and then exits 0 having printed
	// only the benchmark's name (seen with Go 1.26, about 1 run in 10):
	// then it "printed no result", quoting that.
	for _, tc := range []struct {
		bench string
		wants []string // the error has the first and one of the others
	}{
		{"BenchmarkFatal", []string{"BenchmarkFatal in example.com/tiny/bad failed (exit status 1)", "tiny: this benchmark always fails"}},
		{"BenchmarkPanic", []string{"BenchmarkPanic in example.com/tiny/bad ", "panic: tiny: this benchmark panics", "printed no result:\n"}},
	} {
		r := &Runner{}
		_, err := r.Setup(ctx, runners.Setup{Config: rawConfig(t, Config{Package: "./bad", Benchmark: tc.bench, Dir: dir})})
		r.Close()
		ok := false
		for _, w := range tc.wants[1:] {
			ok = ok || (err != nil && strings.Contains(err.Error(), w))
		}
		if !ok || !strings.Contains(err.Error(), tc.wants[0]) {
			t.Errorf("%s: setup error %v", tc.bench, err)
		}
	}
	r := &Runner{}
	_, err = r.Setup(ctx, runners.Setup{Config: rawConfig(t, Config{Package: "./bad", Benchmark: "BenchmarkGone", Dir: dir})})
	r.Close()
	if err == nil || !strings.Contains(err.Error(), "no benchmark BenchmarkGone in example.com/tiny/bad") {
		t.Errorf("missing benchmark: %v", err)
	}
}

// TestStdlibBenchmark copies the standard library's sort benchmarks from
// GOROOT into a module of their own and runs one of them.
func TestStdlibBenchmark(t *testing.T) {
	tiny(t)
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), "src", "sort", "sort_slices_benchmark_test.go"))
	if err != nil {
		t.Skipf("the Go source tree is not installed: %v", err)
	}
	dir := t.TempDir()
	for name, body := range map[string][]byte{
		"go.mod":                        []byte("module example.com/stdsort\n\ngo 1.22\n"),
		"sort_slices_benchmark_test.go": src,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	ins, err := instances(ctx, rawConfig(t, Config{Package: ".", Bench: "^BenchmarkSortIsSorted$|^BenchmarkSlicesIsSorted$"}), "", dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := keys(ins); !reflect.DeepEqual(got, []string{"BenchmarkSortIsSorted", "BenchmarkSlicesIsSorted"}) {
		t.Fatalf("instances %v", got)
	}
	r := &Runner{}
	wd, _ := os.Getwd()
	t.Chdir(dir) // the worker runs in the arm's directory
	info, err := r.Setup(ctx, runners.Setup{Config: ins[0].Config, SuiteDir: wd})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if info["package"] != "example.com/stdsort" {
		t.Errorf("info %v", info)
	}
	ns, _, err := r.Run(ctx, 0, 2)
	if err != nil || len(ns) != 2 || ns[0] < 1 {
		t.Errorf("run: %v, %v", ns, err)
	}
}
