package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/benchy-dev/benchy/harness"
)

func newWorkerCheckCmd(stdout, stderr io.Writer) *cobra.Command {
	var (
		o      harness.CheckOptions
		config string
	)
	def := harness.DefaultCheckOptions(nil)
	cmd := &cobra.Command{
		Use:   "check -- COMMAND [ARGS...]",
		Short: "Check that a program speaks benchy's worker protocol (docs/protocol.md)",
		Long: `Check starts COMMAND as benchy would start an exec { measure = "protocol" }
arm, sends setup, an unknown op, a few blocks of runs, one-iteration runs and
close, validates every line the program prints against the protocol's schema
and rules, and prints each violation with its fix. It then starts the program
once more to ask for a newer protocol version than benchy speaks, which the
program must answer with one it speaks.

It also measures what the protocol costs with this program: the round trip of
a one-iteration run request beyond the iteration itself, and the untimed time
per iteration (the program's loop, its clock reads, the encoding of ns).

Exit status: 0 when the program conforms, 1 on any violation, 2 for a usage
error, 3 when the program skipped (its prerequisite is missing here).`,
		Example: `  benchy worker check -- ./sortbench slices n=10000
  benchy worker check --blocks 5 --iterations 1000 -- python3 my_worker.py`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.ArgsLenAtDash() != 0 {
				return withCode(exitUsage, fmt.Errorf("put the worker's command after --: benchy worker check [FLAGS] -- COMMAND [ARGS...]"))
			}
			if o.Blocks < 1 || o.Iterations < 1 || o.Warmup < 0 || o.RoundTrips < 0 || o.Timeout <= 0 {
				return withCode(exitUsage, fmt.Errorf("--blocks and --iterations need at least 1, --warmup and --round-trips at least 0, --timeout a positive duration"))
			}
			if config != "" {
				var v map[string]any
				if err := json.Unmarshal([]byte(config), &v); err != nil {
					return withCode(exitUsage, fmt.Errorf("--config %s: not a JSON object: %v", config, err))
				}
				o.Config = json.RawMessage(config)
			}
			o.Argv = args
			if dir, err := os.Getwd(); err == nil {
				o.Dir = dir
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			rep := harness.CheckWorker(ctx, o)
			printCheck(stdout, args, o, rep)
			switch {
			case ctx.Err() != nil:
				return withCode(exitInterrupted, fmt.Errorf("interrupted"))
			case len(rep.Violations) > 0:
				return silentExit(exitFailure)
			case rep.Skipped != "":
				return silentExit(exitEnvironment)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.Blocks, "blocks", def.Blocks, "blocks of runs to send")
	f.IntVar(&o.Iterations, "iterations", def.Iterations, "timed iterations per block")
	f.IntVar(&o.Warmup, "warmup", def.Warmup, "warm-up iterations before each block's timed ones")
	f.IntVar(&o.RoundTrips, "round-trips", def.RoundTrips, "one-iteration runs that measure the round trip")
	f.DurationVar(&o.Timeout, "timeout", def.Timeout, "the longest any one request (setup included) may wait for its answer")
	f.Int64Var(&o.Seed, "seed", def.Seed, "the seed setup sends")
	f.StringVar(&config, "config", "", `setup's config, a JSON object (default: what an exec arm sends, {"command":[...],"measure":"protocol"})`)
	return cmd
}

func printCheck(w io.Writer, argv []string, o harness.CheckOptions, rep *harness.CheckReport) {
	fmt.Fprintf(w, "benchy worker check: %s\n", strings.Join(argv, " "))
	for _, p := range rep.Passed {
		fmt.Fprintf(w, "  ok       %s\n", p)
	}
	for _, v := range rep.Warnings {
		fmt.Fprintf(w, "  warning  %s\n", v)
	}
	for _, v := range rep.Violations {
		fmt.Fprintf(w, "  FAIL     %s: %s\n           fix: %s\n", v.Step, v.Problem, v.Fix)
	}
	if rep.Skipped != "" {
		fmt.Fprintf(w, "  skipped  the worker skipped at setup: %s\n           (a missing prerequisite on this machine: nothing after setup was checked)\n", rep.Skipped)
	}
	if rep.RoundTrip > 0 {
		fmt.Fprintf(w, "measured:\n  round trip of a run request: %v beyond its iteration (median of %d one-iteration runs)\n", rep.RoundTrip.Round(100*time.Nanosecond), o.RoundTrips)
		fmt.Fprintf(w, "  untimed time per iteration: %.0f ns (a run of %d iterations against runs of 1)\n", rep.PerIteration, o.Iterations)
		fmt.Fprintf(w, "  time per iteration: median %v\n", rep.IterationMedian)
	}
	if len(rep.Violations) > 0 && strings.TrimSpace(rep.Stderr) != "" {
		fmt.Fprintf(w, "the worker's stderr ends:\n%s\n", indent(lastLines(rep.Stderr, 10)))
	}
	switch {
	case len(rep.Violations) > 0:
		fmt.Fprintf(w, "%d violation(s) of the worker protocol (docs/protocol.md)\n", len(rep.Violations))
	case rep.Skipped != "":
		fmt.Fprintln(w, "skipped: install what the reason names and check again")
	default:
		fmt.Fprintf(w, "conforms to worker protocol %d\n", rep.Protocol)
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

func indent(s string) string { return "  " + strings.ReplaceAll(s, "\n", "\n  ") }
