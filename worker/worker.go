// Package worker serves a Go program's own functions as benchy arms.
//
// A program lists its functions by name and hands them to Main:
//
//	func main() {
//		worker.Main(map[string]worker.Factory{
//			"sort":   newSort,
//			"slices": newSlicesSort,
//		})
//	}
//
//	func newSort(c *worker.Config) (*worker.Bench, error) {
//		n, err := c.Int("n", 10000)
//		if err != nil {
//			return nil, err
//		}
//		in := input(n, c.Seed)
//		buf := make([]int, n)
//		return &worker.Bench{Func: func() error {
//			copy(buf, in)
//			sort.Ints(buf)
//			return nil
//		}}, nil
//	}
//
// A suite runs it as a protocol worker, one arm per function:
//
//	arm "sort" {
//	  exec {
//	    command = ["./sortbench", "sort", "n=100000"]
//	    measure = "protocol"
//	  }
//	}
//
// The program's first argument names the function; NAME=VALUE arguments
// after it are the function's parameters (Config.Int and friends). benchy
// starts the program once per arm, the factory runs once at setup, and
// each block's turn times Bench.Func once per iteration with the monotonic
// clock, after the block's warm-up iterations. An error or a panic in the
// factory, in Func, in Metrics (or a metric that is NaN or infinite) or
// in Close fails the arm with its message. The protocol itself is
// benchy's own (runners.Serve, the code that serves benchy's built-in
// runners), documented in docs/protocol.md; `benchy worker check --
// ./sortbench sort` checks a program against it.
package worker

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

	"github.com/benchy-dev/benchy/runners"
)

// Factory prepares one arm: it runs once per worker, at setup, outside any
// timing, and returns what one iteration runs. An error fails the arm
// with its text; one made by Skip skips the arm instead.
type Factory func(c *Config) (*Bench, error)

// Bench is a prepared arm.
type Bench struct {
	// Func is one timed iteration. An error fails the arm.
	Func func() error
	// Metrics, when set, is called after each block's timed iterations
	// with their durations in nanoseconds, and returns the block's extra
	// metrics (items/s, bytes), recorded beside the timings. A metric that
	// is NaN or infinite, or a panic, fails the run, and so the arm.
	Metrics func(ns []int64) map[string]float64
	// Info is recorded with the arm's results (sizes, versions, choices).
	Info map[string]any
	// Close, when set, releases what the factory acquired; it runs once,
	// when the worker ends. An error (or a panic) is the answer to benchy's
	// close, and fails the arm, which keeps its finished blocks.
	Close func() error
}

// Config is what a factory gets: its parameters from the command line and
// what benchy's setup request carries.
type Config struct {
	// Arm is the function's name, the program's first argument.
	Arm string
	// Seed is the run's recorded seed, for synthetic inputs.
	Seed int64
	// SuiteDir is the suite file's directory; relative paths resolve
	// against it.
	SuiteDir string
	// Block is the suite's runner block as benchy sent it (for an exec
	// arm: its command, measure, env and workdir).
	Block json.RawMessage

	params map[string]string
	read   map[string]bool
}

// String returns parameter name, or def when the command line has none.
func (c *Config) String(name, def string) string {
	c.read[name] = true
	if v, ok := c.params[name]; ok {
		return v
	}
	return def
}

// Int returns parameter name as an integer, or def when it is not given.
func (c *Config) Int(name string, def int) (int, error) {
	v := c.String(name, "")
	if _, ok := c.params[name]; !ok {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%s: parameter %s=%s is not an integer", c.Arm, name, v)
	}
	return n, nil
}

// Float returns parameter name as a number, or def when it is not given.
func (c *Config) Float(name string, def float64) (float64, error) {
	v := c.String(name, "")
	if _, ok := c.params[name]; !ok {
		return def, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: parameter %s=%s is not a number", c.Arm, name, v)
	}
	return f, nil
}

// Skip returns an error that makes a factory's arm skipped, not failed:
// for a missing prerequisite (no GPU, no input file), with the reason.
func Skip(reason string) error { return runners.Skip(reason) }

// Main serves the function named by the program's first argument on stdin
// and stdout, and exits when benchy closes it: 0 after a clean close, 1
// when the protocol broke, 2 for a command line without a function name.
// Anything the program prints to stdout goes to stderr instead, so that
// only protocol lines reach benchy.
func Main(arms map[string]Factory) {
	if len(os.Args) < 2 || strings.HasPrefix(os.Args[1], "-") {
		fmt.Fprintf(os.Stderr, "usage: %s FUNCTION [NAME=VALUE...]\n  serves FUNCTION (one of %s) over benchy's worker protocol;\n  run it as an exec { measure = \"protocol\" } arm, or check it with: benchy worker check -- %s FUNCTION\n",
			os.Args[0], strings.Join(names(arms), ", "), os.Args[0])
		os.Exit(2)
	}
	// benchy ends its workers itself; a Ctrl-C at the terminal reaches the
	// whole foreground group, so leave the decision to benchy.
	signal.Ignore(os.Interrupt)
	out, err := runners.ProtocolStdout()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := Serve(context.Background(), arms, os.Args[1:], os.Stdin, out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// Serve speaks the worker protocol on in and out for the function args[0]
// names, with args[1:] (NAME=VALUE) as its parameters, until benchy
// closes it or in ends. Main is Serve on the process's stdin and stdout.
// A name that arms lacks, or a malformed parameter, fails setup with the
// reason, so that benchy reports it as the arm's failure.
func Serve(ctx context.Context, arms map[string]Factory, args []string, in io.Reader, out io.Writer) error {
	return runners.Serve(ctx, &runner{arms: arms, args: args}, in, out)
}

// runner adapts a Factory to runners.Runner.
type runner struct {
	arms  map[string]Factory
	args  []string
	bench *Bench
}

func (r *runner) Setup(_ context.Context, s runners.Setup) (map[string]any, error) {
	if len(r.args) == 0 {
		return nil, fmt.Errorf("no function named: start the program as PROGRAM FUNCTION [NAME=VALUE...] (it serves %s)", strings.Join(names(r.arms), ", "))
	}
	name := r.args[0]
	f, ok := r.arms[name]
	if !ok {
		return nil, fmt.Errorf("no function %q in this program (it serves %s).%s", name, strings.Join(names(r.arms), ", "), runners.Suggest(name, names(r.arms)))
	}
	c := &Config{Arm: name, Seed: s.Seed, SuiteDir: s.SuiteDir, Block: s.Config, params: map[string]string{}, read: map[string]bool{}}
	for _, a := range r.args[1:] {
		k, v, ok := strings.Cut(a, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%s: argument %q is not a parameter: write NAME=VALUE", name, a)
		}
		c.params[k] = v
	}
	b, err := guard(name+": setup", func() (*Bench, error) { return f(c) })
	if err != nil {
		return nil, err
	}
	if b == nil || b.Func == nil {
		return nil, fmt.Errorf("%s: the factory returned no Bench.Func to time", name)
	}
	r.bench = b
	var unread []string
	for k := range c.params {
		if !c.read[k] {
			unread = append(unread, k)
		}
	}
	if len(unread) > 0 {
		slices.Sort(unread)
		return nil, fmt.Errorf("%s: unknown parameter(s) %s; it reads %s", name, strings.Join(unread, ", "), readList(c.read))
	}
	info := map[string]any{"function": name, "sdk": "go"}
	for k, v := range b.Info {
		info[k] = v
	}
	if len(c.params) > 0 {
		info["params"] = c.params
	}
	return info, nil
}

func (r *runner) Run(ctx context.Context, warmup, iterations int) ([]int64, map[string]float64, error) {
	ns, err := guard(r.name(), func() ([]int64, error) { return runners.TimeIterations(ctx, warmup, iterations, r.bench.Func) })
	if err != nil {
		return nil, nil, err
	}
	if r.bench.Metrics == nil {
		return ns, nil, nil
	}
	m, err := guard(r.name()+": metrics", func() (map[string]float64, error) { return r.bench.Metrics(ns), nil })
	if err != nil {
		return nil, nil, err
	}
	if err := runners.CheckMetrics(m); err != nil {
		return nil, nil, err
	}
	return ns, m, nil
}

// Close runs the Bench's Close, once; its error, or its panic, is the
// close answer's error, so that benchy fails the arm with it.
func (r *runner) Close() error {
	if r.bench == nil || r.bench.Close == nil {
		return nil
	}
	b := r.bench
	r.bench = nil
	_, err := guard(r.name(), func() (struct{}, error) { return struct{}{}, b.Close() })
	return err
}

func (r *runner) name() string { return r.args[0] }

// guard runs f and turns a panic into an error, its stack on stderr, so
// that a panicking function fails its arm with the panic's message.
func guard[T any](what string, f func() (T, error)) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(os.Stderr, "%s: panic: %v\n%s", what, p, debug.Stack())
			err = fmt.Errorf("%s: panic: %v", what, p)
		}
	}()
	return f()
}

func names(arms map[string]Factory) []string { return slices.Sorted(maps.Keys(arms)) }

func readList(read map[string]bool) string {
	if len(read) == 0 {
		return "no parameters"
	}
	return strings.Join(slices.Sorted(maps.Keys(read)), ", ")
}
