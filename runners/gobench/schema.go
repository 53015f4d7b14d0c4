// Package gobench is the runner for Go benchmarks: `gobench { package =
// "./internal/sort", bench = "^BenchmarkSort" }`. The package's test binary
// is built once per arm at setup (`go test -c`, outside the samples, its
// build time recorded), and every turn of the arm in a block runs it once
// with -test.run=^$ -test.bench=^NAME$ -test.count=1. The output is read
// with golang.org/x/perf/benchfmt: ns/op is the arm's value, every other
// unit (B/op, allocs/op, MB/s, b.ReportMetric's) a metric.
//
// A bench regexp that matches several benchmarks stands for one workload
// instance per benchmark: the runner lists them with -test.list (Spec's
// Instances), and sub-benchmark key=value parts become instance axes.
package gobench

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/benchy-dev/benchy/runners"
)

// Config is the decoded `gobench {}` block.
type Config struct {
	// Package is the package whose benchmarks run, as `go test` takes it
	// ("./internal/sort", "example.com/m/sort"); default ".".
	Package string `hcl:"package,optional" json:"package"`
	// Bench is the benchmark regexp, as `go test -bench` takes it; default
	// "." (every benchmark of the package, one instance each).
	Bench string `hcl:"bench,optional" json:"bench"`
	// Benchtime is -test.benchtime: a duration ("100ms") or a count ("2000x").
	Benchtime string `hcl:"benchtime,optional" json:"benchtime,omitempty"`
	// CPU is -test.cpu, GOMAXPROCS for the benchmark; 0 leaves it alone.
	CPU int `hcl:"cpu,optional" json:"cpu,omitempty"`
	// Tags are build tags (go test -tags).
	Tags []string `hcl:"tags,optional" json:"tags,omitempty"`
	// BuildFlags are further `go test -c` flags, such as ["-gcflags=-N"].
	BuildFlags []string `hcl:"build_flags,optional" json:"build_flags,omitempty"`
	// Dir is the module directory the package is built in, relative to the
	// suite; default the arm's working directory.
	Dir string `hcl:"dir,optional" json:"dir,omitempty"`
	// Benchmark is the one benchmark (full name, sub-benchmarks included,
	// without the -GOMAXPROCS suffix) that this instance runs. It is set by
	// the instance expansion, never by the suite.
	Benchmark string `json:"benchmark,omitempty"`

	DefRange hcl.Range `hcl:",def_range" json:"-"`
}

// Defaults of the block.
const (
	DefaultPackage = "."
	DefaultBench   = "."
)

var benchtimeCount = regexp.MustCompile(`^[0-9]+x$`)

// checkBenchtime says what is wrong with a -test.benchtime value, or "".
func checkBenchtime(s string) string {
	if benchtimeCount.MatchString(s) {
		if n, err := strconv.Atoi(strings.TrimSuffix(s, "x")); err != nil || n < 1 {
			return "a count must be at least 1x"
		}
		return ""
	}
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		return fmt.Sprintf("it is neither a duration such as \"100ms\" nor a count such as \"2000x\" (%v)", err)
	case d <= 0:
		return "a duration must be positive"
	}
	return ""
}

func decode(body hcl.Body, ctx *hcl.EvalContext) (any, hcl.Diagnostics) {
	var c Config
	chk, ok := runners.DecodeBlock(body, ctx, &c, &c.DefRange)
	if !ok {
		return nil, chk.Diags
	}
	if c.Package == "" {
		c.Package = DefaultPackage
	}
	if c.Bench == "" {
		c.Bench = DefaultBench
	}
	if strings.HasPrefix(c.Package, "-") {
		chk.Error("package", "Invalid package", fmt.Sprintf("The package %q looks like a flag; build flags go in build_flags.", c.Package))
	}
	if _, err := regexp.Compile(c.Bench); err != nil {
		chk.Error("bench", "Invalid bench regexp", fmt.Sprintf("bench is a regular expression as go test -bench takes it: %v.", err))
	}
	if c.Benchtime != "" {
		if p := checkBenchtime(c.Benchtime); p != "" {
			chk.Error("benchtime", "Invalid benchtime", fmt.Sprintf("benchtime %q cannot be used: %s.", c.Benchtime, p))
		}
	}
	if c.CPU < 0 {
		chk.Error("cpu", "Invalid cpu", fmt.Sprintf("cpu is GOMAXPROCS for the benchmark and must be at least 1, not %d.", c.CPU))
	}
	for _, t := range c.Tags {
		if t == "" || strings.ContainsAny(t, ", \t") {
			chk.Error("tags", "Invalid build tag", fmt.Sprintf("%q is not a build tag: tags are one word each, e.g. tags = [\"integration\"].", t))
		}
	}
	for _, f := range c.BuildFlags {
		if !strings.HasPrefix(f, "-") {
			chk.Error("build_flags", "Invalid build flag", fmt.Sprintf("%q is not a flag; build_flags are go test -c flags such as \"-gcflags=-N\", and the package goes in package.", f))
		}
		if f == "-o" || strings.HasPrefix(f, "-o=") || f == "-c" {
			chk.Error("build_flags", "Invalid build flag", fmt.Sprintf("%q is set by the runner itself.", f))
		}
	}
	return &c, chk.Diags
}

func init() {
	runners.Register(runners.Spec{
		Name:      "gobench",
		Decode:    decode,
		New:       func() runners.Runner { return &Runner{} },
		Instances: instances,
	})
}
