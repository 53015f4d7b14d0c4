package gobench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/perf/benchfmt"

	"github.com/benchy-dev/benchy/runners"
)

// maxQuote bounds how much of a failed command's output an error quotes.
const maxQuote = 4096

// Runner runs one Go benchmark per iteration. It runs inside `benchy
// worker gobench`.
type Runner struct {
	cfg Config
	bin *binary
	// pattern is the -test.bench value that selects exactly cfg.Benchmark.
	pattern string
}

var _ runners.Runner = (*Runner)(nil)

// binary is a built test binary and the package it tests.
type binary struct {
	// tmp holds the binary; removed by remove.
	tmp, path string
	// pkg is the package's import path and dir its source directory, where
	// the binary runs (as go test runs it).
	pkg, dir string
	// build is how long `go test -c` took.
	build time.Duration
	cfg   Config
}

// workDir is the directory cfg builds in: its dir resolved against the
// suite's directory, else the arm's working directory.
func (c Config) workDir(suiteDir, workdir string) string {
	if c.Dir != "" {
		return runners.ResolveDir(suiteDir, c.Dir)
	}
	return workdir
}

// goCmd runs the go command in dir and returns its standard output; a
// failure quotes the end of what it printed.
func goCmd(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return nil, errors.New("the go command is not in PATH; install Go (https://go.dev/dl/) to run Go benchmarks")
		}
		msg := strings.TrimSpace(quoteTail(errb.Bytes()))
		if msg == "" {
			msg = err.Error()
		}
		return nil, errors.New(msg)
	}
	return out.Bytes(), nil
}

// build compiles cfg's package's test binary with `go test -c` in dir.
func build(ctx context.Context, cfg Config, dir string) (*binary, error) {
	what := fmt.Sprintf("package %s", cfg.Package)
	if dir != "" {
		what += " in " + dir
	}
	listed, err := goCmd(ctx, dir, "list", "-f", "{{.ImportPath}}\t{{.Dir}}", "--", cfg.Package)
	if err != nil {
		return nil, fmt.Errorf("gobench: %s: %v", what, err)
	}
	line := strings.TrimSpace(string(listed))
	pkg, pdir, ok := strings.Cut(line, "\t")
	if !ok || strings.Contains(line, "\n") {
		return nil, fmt.Errorf("gobench: %s names %d packages; a gobench block runs the benchmarks of one package (one arm or workload per package)", what, strings.Count(line, "\n")+1)
	}
	tmp, err := os.MkdirTemp("", "benchy-gobench-")
	if err != nil {
		return nil, fmt.Errorf("gobench: %w", err)
	}
	b := &binary{tmp: tmp, path: filepath.Join(tmp, "bench.test"), pkg: pkg, dir: pdir, cfg: cfg}
	args := []string{"test", "-c", "-o", b.path}
	if len(cfg.Tags) > 0 {
		args = append(args, "-tags="+strings.Join(cfg.Tags, ","))
	}
	args = append(append(args, cfg.BuildFlags...), cfg.Package)
	start := time.Now()
	_, err = goCmd(ctx, dir, args...)
	b.build = time.Since(start)
	if err != nil {
		b.remove()
		return nil, fmt.Errorf("gobench: %s (%s) does not build: %v", what, pkg, err)
	}
	if _, err := os.Stat(b.path); err != nil {
		b.remove()
		return nil, fmt.Errorf("gobench: %s (%s) has no test files, so no benchmarks", what, pkg)
	}
	return b, nil
}

func (b *binary) remove() {
	if b != nil && b.tmp != "" {
		os.RemoveAll(b.tmp)
	}
}

// run runs the test binary once with the benchmark pattern and returns
// what it printed, stdout and stderr together.
func (b *binary) run(ctx context.Context, pattern, benchtime string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, b.path, b.args(pattern, benchtime)...)
	cmd.Dir = b.dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.Bytes(), err
}

// list returns the package's top-level benchmarks whose names match re
// (-test.list).
func (b *binary) list(ctx context.Context, re string) ([]string, error) {
	cmd := exec.CommandContext(ctx, b.path, "-test.list="+re)
	cmd.Dir = b.dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("gobench: listing the benchmarks of %s: %v: %s", b.pkg, err, strings.TrimSpace(quoteTail(out.Bytes())))
	}
	var names []string
	for line := range strings.Lines(out.String()) {
		if n := strings.TrimSpace(line); strings.HasPrefix(n, "Benchmark") {
			names = append(names, n)
		}
	}
	return names, nil
}

// results parses a run's output with benchfmt and returns its results by
// full name, without the -GOMAXPROCS suffix, and the names in the order
// printed.
func results(out []byte) (map[string]*benchfmt.Result, []string) {
	rd := benchfmt.NewReader(bytes.NewReader(out), "output")
	got := map[string]*benchfmt.Result{}
	var names []string
	for rd.Scan() {
		if r, ok := rd.Result().(*benchfmt.Result); ok {
			n := stripProcs(r.Name)
			if got[n] == nil {
				names = append(names, n)
			}
			got[n] = r.Clone()
		}
	}
	return got, names
}

// result is the run's result for the benchmark named full, or nil.
func result(out []byte, full string) *benchfmt.Result {
	got, _ := results(out)
	return got[full]
}

// stripProcs is a benchmark's full name, as -test.list and the benchmark
// itself call it, without its -GOMAXPROCS suffix. (benchfmt drops the
// "Benchmark" prefix from names.)
func stripProcs(n benchfmt.Name) string {
	base, parts := n.Parts()
	var b strings.Builder
	b.WriteString("Benchmark")
	b.Write(base)
	for _, p := range parts {
		if p[0] == '/' {
			b.Write(p)
		}
	}
	return b.String()
}

// exactPattern is the -test.bench value that selects only the benchmark
// named full: each level of the name anchored and quoted.
func exactPattern(full string) string {
	levels := strings.Split(full, "/")
	for i, l := range levels {
		levels[i] = "^" + regexp.QuoteMeta(l) + "$"
	}
	return strings.Join(levels, "/")
}

// failure describes a run of the benchmark that exited non-zero or printed
// no result for it, quoting the end of its output.
func (b *binary) failure(name string, out []byte, err error) error {
	msg := strings.TrimSpace(quoteTail(out))
	what := "printed no result"
	if err != nil {
		what = "failed (" + err.Error() + ")"
	}
	if msg == "" {
		return fmt.Errorf("gobench: %s in %s %s", name, b.pkg, what)
	}
	return fmt.Errorf("gobench: %s in %s %s:\n%s", name, b.pkg, what, msg)
}

// quoteTail is the end of a command's output, at most maxQuote bytes, cut
// at a line (runners.TrimCut) when longer.
func quoteTail(out []byte) string {
	if len(out) <= maxQuote {
		return string(out)
	}
	return string(runners.TrimCut(out[len(out)-maxQuote:]))
}

// Setup builds the test binary, then runs the benchmark once (b.N = 1) to
// check that it exists and runs, and to read the configuration lines it
// prints (goos, goarch, pkg, cpu).
func (r *Runner) Setup(ctx context.Context, s runners.Setup) (map[string]any, error) {
	if err := json.Unmarshal(s.Config, &r.cfg); err != nil {
		return nil, fmt.Errorf("gobench: bad config: %w", err)
	}
	if r.cfg.Package == "" {
		r.cfg.Package = DefaultPackage
	}
	cwd, _ := os.Getwd()
	dir := r.cfg.workDir(s.SuiteDir, cwd)
	b, err := build(ctx, r.cfg, dir)
	if err != nil {
		return nil, err
	}
	r.bin = b
	if r.cfg.Benchmark == "" {
		// Not expanded (the plan was not run through suites.Expand): the
		// regexp must name exactly one benchmark.
		names, err := b.discover(ctx, r.cfg.Bench)
		if err != nil {
			return nil, err
		}
		if len(names) != 1 {
			return nil, fmt.Errorf("gobench: bench %q matches %d benchmarks in %s, and this arm runs one; benchy run lists them as one instance each", r.cfg.Bench, len(names), b.pkg)
		}
		r.cfg.Benchmark = names[0]
	}
	r.pattern = exactPattern(r.cfg.Benchmark)
	out, err := b.run(ctx, r.pattern, "1x")
	res := result(out, r.cfg.Benchmark)
	if err != nil || res == nil {
		if _, names := results(out); err == nil && len(names) == 0 && !bytes.Contains(out, []byte(r.cfg.Benchmark)) {
			return nil, fmt.Errorf("gobench: no benchmark %s in %s", r.cfg.Benchmark, b.pkg)
		}
		return nil, b.failure(r.cfg.Benchmark, out, err)
	}
	config := map[string]string{}
	for _, c := range res.Config {
		config[c.Key] = string(c.Value)
	}
	info := map[string]any{
		"package":   b.pkg,
		"dir":       b.dir,
		"benchmark": r.cfg.Benchmark,
		"build_ms":  float64(b.build.Microseconds()) / 1e3,
		"config":    config,
		"args":      b.args(r.pattern, r.cfg.Benchtime),
	}
	if v, err := goCmd(ctx, dir, "env", "GOVERSION"); err == nil {
		info["go_version"] = strings.TrimSpace(string(v))
	}
	return info, nil
}

// args is the command line of one timed run, for the record.
func (b *binary) args(pattern, benchtime string) []string {
	a := []string{"-test.run=^$", "-test.bench=" + pattern, "-test.count=1"}
	if benchtime != "" {
		a = append(a, "-test.benchtime="+benchtime)
	}
	if b.cfg.CPU > 0 {
		a = append(a, "-test.cpu="+strconv.Itoa(b.cfg.CPU))
	}
	return a
}

// Run runs the benchmark warmup times untimed, then iterations times; each
// timed run's ns/op is one sample, and the mean of every other unit over
// the timed runs a metric.
func (r *Runner) Run(ctx context.Context, warmup, iterations int) ([]int64, map[string]float64, error) {
	ns := make([]int64, 0, iterations)
	sums := map[string]float64{}
	for i := range warmup + iterations {
		out, err := r.bin.run(ctx, r.pattern, r.cfg.Benchtime)
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		res := result(out, r.cfg.Benchmark)
		if err != nil || res == nil {
			return nil, nil, r.bin.failure(r.cfg.Benchmark, out, err)
		}
		v, ok := res.Value("sec/op")
		if !ok {
			return nil, nil, fmt.Errorf("gobench: %s in %s reported no ns/op", r.cfg.Benchmark, r.bin.pkg)
		}
		if i < warmup {
			continue
		}
		// Samples are whole nanoseconds; the exact ns/op is a metric too.
		ns = append(ns, max(1, int64(math.Round(v*1e9))))
		sums["b.N"] += float64(res.Iters)
		for _, val := range res.Values {
			unit, x := val.Unit, val.Value
			if val.OrigUnit != "" {
				unit, x = val.OrigUnit, val.OrigValue
			}
			sums[unit] += x
		}
	}
	metrics := make(map[string]float64, len(sums))
	for k, v := range sums {
		metrics[k] = v / float64(iterations)
	}
	return ns, metrics, nil
}

// Close removes the test binary.
func (r *Runner) Close() error {
	r.bin.remove()
	r.bin = nil
	return nil
}
