package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/benchy-dev/benchy/harness"
	"github.com/benchy-dev/benchy/results"
	"github.com/benchy-dev/benchy/suites"
)

func init() { registerCommand(newRunCmd) }

type runFlags struct {
	out                  string
	seed                 int64
	vars, varFiles       []string
	minBlocks, maxBlocks int
	order                string
	format               string
	color                string
	git                  gitArmFlags
}

func newRunCmd(stdout, stderr io.Writer) *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run SUITE...",
		Short: "Run suites in randomized interleaved blocks and report each arm against its baseline",
		Long: `Run executes every workload instance of each suite (a file path or a built-in
name such as "quickstart") in blocks: each block runs every arm once, in an
order freshly shuffled from the recorded seed. It writes DIR/journal.jsonl
after every block, DIR/results.json and DIR/report.md at the end, and prints a
report. The first Ctrl-C stops after the arm in progress and keeps every
finished block; a second one kills the workers at once.`,
		Example: `  benchy run quickstart --out out/quickstart
  benchy run suite.benchy.hcl --seed 7 --var rows=1000000 --max-blocks 20`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !validFormat(f.format, append(reportFormats, "md")...) {
				return withCode(exitUsage, fmt.Errorf("--format must be one of %s, not %q", strings.Join(reportFormats, ", "), f.format))
			}
			if f.order != "" && !validFormat(f.order, string(suites.OrderInterleavedRandom), string(suites.OrderInterleaved), string(suites.OrderSequential)) {
				return withCode(exitUsage, fmt.Errorf("--order must be interleaved-random, interleaved or sequential, not %q", f.order))
			}
			if f.minBlocks < 0 || f.maxBlocks < 0 || (f.maxBlocks > 0 && f.minBlocks > f.maxBlocks) {
				return withCode(exitUsage, fmt.Errorf("--min-blocks %d and --max-blocks %d: need 0 <= min <= max", f.minBlocks, f.maxBlocks))
			}
			vars, done, err := f.git.apply(cmd.Context(), f.vars, stderr)
			if err != nil {
				return err
			}
			defer done()
			plans, err := loadPlans(args, vars, f.varFiles, stderr)
			if err != nil {
				return err
			}
			var seed *int64
			if cmd.Flags().Changed("seed") {
				seed = &f.seed
			}
			return runPlans(cmd.Context(), plans, f, seed, stdout, stderr)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.out, "out", "o", "", "directory for journal.jsonl, results.json and report.md (default benchy-out/SUITE)")
	fl.Int64Var(&f.seed, "seed", 0, "schedule seed (default: the suite's, else drawn and recorded)")
	addVarFlags(cmd, &f.vars, &f.varFiles)
	fl.IntVar(&f.minBlocks, "min-blocks", 0, "override the suite's min_blocks")
	fl.IntVar(&f.maxBlocks, "max-blocks", 0, "override the suite's max_blocks")
	fl.StringVar(&f.order, "order", "", "override the order: interleaved-random, interleaved or sequential")
	fl.StringVar(&f.format, "format", "text", "report on stdout: "+strings.Join(reportFormats, ", "))
	fl.StringVar(&f.color, "color", "auto", "colour: auto, always or never (NO_COLOR is honoured)")
	addGitArmFlags(fl, &f.git)
	return cmd
}

func validFormat(v string, allowed ...string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

func runPlans(ctx context.Context, plans []*suites.Plan, f runFlags, seed *int64, stdout, stderr io.Writer) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := make(chan struct{})
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		n := 0
		for range sigs {
			n++
			if n == 1 {
				fmt.Fprintln(stderr, "\nbenchy: stopping after the arm in progress (Ctrl-C again to stop at once)")
				close(stop)
				continue
			}
			fmt.Fprintln(stderr, "\nbenchy: stopping now")
			cancel(errors.New("interrupted twice"))
			return
		}
	}()

	code := exitOK
	for _, plan := range plans {
		dir := f.out
		if dir == "" {
			dir = filepath.Join("benchy-out", plan.Name)
		} else if len(plans) > 1 {
			dir = filepath.Join(dir, plan.Name)
		}
		opt := harness.Options{
			OutDir:    dir,
			Seed:      seed,
			MinBlocks: f.minBlocks,
			MaxBlocks: f.maxBlocks,
			Order:     suites.Order(f.order),
			Progress:  stderr,
			Stop:      stop,
			Version:   buildVersion(),
		}
		release := configureMachine(ctx, &opt)
		restore := lockClocks(plan, stderr)
		doc, err := harness.Run(ctx, plan, opt)
		restore()
		release()
		if err != nil {
			return withCode(exitEnvironment, err)
		}
		if err := writeRunReports(dir, doc); err != nil {
			fmt.Fprintf(stderr, "benchy: %v\n", err)
		}
		if err := renderReport(stdout, doc, f.format, useColor(f.color, stdout)); err != nil {
			return withCode(exitEnvironment, err)
		}
		fmt.Fprintf(stderr, "benchy: results in %s\n", filepath.Join(dir, "results.json"))
		c := runExitCode(doc)
		if c == exitEnvironment {
			fmt.Fprintln(stderr, "benchy: no arm could run on this machine; every one was skipped (reasons above)")
		}
		code = max(code, c)
		if doc.Status == results.StatusInterrupted {
			break
		}
	}
	if code != exitOK {
		return silentExit(code)
	}
	return nil
}

// runExitCode maps a finished run to benchy's exit codes: interrupted 130;
// a failed workload or arm 1; nothing could run at all because every arm
// was skipped for want of something on this machine (no GPU, no ONNX
// Runtime) 3; otherwise 0.
func runExitCode(doc *results.Document) int {
	if doc.Status == results.StatusInterrupted {
		return exitInterrupted
	}
	ran := false
	for _, w := range doc.Workloads {
		if w.Status == results.StatusFailed && !allSkipped(w) {
			return exitFailure
		}
		for _, a := range w.Arms {
			switch a.Status {
			case results.ArmFailed:
				return exitFailure
			case results.ArmOK:
				ran = true
			}
		}
	}
	if !ran && len(doc.Workloads) > 0 {
		return exitEnvironment
	}
	return exitOK
}

func allSkipped(w *results.Workload) bool {
	for _, a := range w.Arms {
		if a.Status != results.ArmSkipped {
			return false
		}
	}
	return len(w.Arms) > 0
}

// useColor decides on ANSI colour for w.
func useColor(mode string, w io.Writer) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	return isTerminal(w)
}
