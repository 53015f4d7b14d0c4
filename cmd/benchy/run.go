package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/benchy-dev/benchy/harness"
	"github.com/benchy-dev/benchy/internal/termtext"
	"github.com/benchy-dev/benchy/reports"
	"github.com/benchy-dev/benchy/results"
	"github.com/benchy-dev/benchy/suites"
)

func init() { registerCommand(newRunCmd) }

type runFlags struct {
	out                  string
	force                bool
	seed                 int64
	vars, varFiles       []string
	minBlocks, maxBlocks int
	order                string
	// format is the parsed --format of the report on stdout.
	format reports.Format
	color  string
	git    gitArmFlags
	// finished, when set, gets each suite's results once its reports are
	// written (benchy exec writes its exports from them).
	finished func(*results.Document)
}

func newRunCmd(stdout, stderr io.Writer) *cobra.Command {
	var f runFlags
	var format string
	cmd := &cobra.Command{
		Use:   "run SUITE...",
		Short: "Run suites in randomized interleaved blocks and report each arm against its baseline",
		Long: `Run executes every workload instance of each suite (a file path or a built-in
name such as "quickstart") in blocks: each block runs every arm once, in an
order freshly shuffled from the recorded seed. Each suite gets a folder
RUNDIR/SUITE/ in the run directory: journal.jsonl after every block,
results.json, report.md and report.html at the end; a report is printed.

The run directory is a fresh benchy-out/YYYYMMDD-HHMMSS/ (UTC) for every run,
with benchy-out/latest pointing at the newest (benchy report, without an
argument, renders it), or --out DIR. A DIR that already holds a run is
refused unless --force, which replaces benchy's files there and nothing else.
A second run into a directory in use fails at once (exit 3).

The first Ctrl-C (or SIGTERM) stops after the arm in progress, killing it
after 10 s, and keeps every finished block; while loading, or before the
first block, it stops at once. A second one kills the workers at once.
docs/lifetime.md says what ends the processes an arm starts.`,
		Example: `  benchy run quickstart
  benchy run quickstart --out out/quickstart --force
  benchy run suite.benchy.hcl --seed 7 --var rows=1000000 --max-blocks 20`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if f.format, err = reports.ReportFormats.Parse(format); err != nil {
				return withCode(exitUsage, err)
			}
			if err := checkOrder(f.order); err != nil {
				return withCode(exitUsage, err)
			}
			if err := checkColor(f.color); err != nil {
				return withCode(exitUsage, err)
			}
			if err := checkBlockFlags(cmd.Flags(), f.minBlocks, f.maxBlocks); err != nil {
				return err
			}
			if err := checkRunDir(f.out, f.force); err != nil {
				return err
			}
			in := watchInterrupts(cmd.Context(), stderr)
			defer in.release()
			in.say("interrupted: stopping the build and removing its worktree")
			vars, done, err := f.git.apply(in.ctx, in.stop, f.vars, stderr)
			if err != nil {
				return err
			}
			defer done()
			plans, err := interruptible(in, func() ([]*suites.Plan, error) { return loadPlans(args, vars, f.varFiles, stderr) })
			in.say(stopAfterArm)
			if err != nil {
				return err
			}
			return runPlans(in, plans, f, runOverrides(cmd.Flags(), f.seed, f.minBlocks, f.maxBlocks, f.order), stdout, stderr)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.out, "out", "o", "", "run directory: DIR/SUITE/ gets results.json, journal.jsonl, report.md and report.html (default: a fresh benchy-out/YYYYMMDD-HHMMSS/)")
	fl.BoolVar(&f.force, "force", false, "with --out: replace an earlier run's files in DIR (only benchy's own)")
	fl.Int64Var(&f.seed, "seed", 0, "schedule seed (default: the suite's, else drawn and recorded)")
	addVarFlags(cmd, &f.vars, &f.varFiles)
	fl.IntVar(&f.minBlocks, "min-blocks", 0, "override the suite's min_blocks")
	fl.IntVar(&f.maxBlocks, "max-blocks", 0, "override the suite's max_blocks")
	fl.StringVar(&f.order, "order", "", "override the order: interleaved-random, interleaved or sequential")
	addFormatFlag(fl, &format, "report on stdout", reports.ReportFormats)
	addColorFlag(fl, &f.color)
	addGitArmFlags(fl, &f.git)
	return cmd
}

// jackknifeNeedsTwo is the suite language's reason for at least 2 blocks.
const jackknifeNeedsTwo = "must be at least 2: the jackknife needs two blocks to estimate a confidence interval"

// checkBlockFlags holds --min-blocks and --max-blocks (0 when not given) to
// the suite language's rules for min_blocks and max_blocks: each at least
// 2, and min no greater than max.
func checkBlockFlags(fl *pflag.FlagSet, minBlocks, maxBlocks int) error {
	for _, b := range []struct {
		flag, setting string
		v             int
	}{{"min-blocks", "min_blocks", minBlocks}, {"max-blocks", "max_blocks", maxBlocks}} {
		if (fl.Changed(b.flag) || b.v != 0) && b.v < 2 {
			return withCode(exitUsage, fmt.Errorf("--%s %d: %s %s", b.flag, b.v, b.setting, jackknifeNeedsTwo))
		}
	}
	if minBlocks > 0 && maxBlocks > 0 && minBlocks > maxBlocks {
		return withCode(exitUsage, fmt.Errorf("--min-blocks (%d) is greater than --max-blocks (%d); raise --max-blocks or lower --min-blocks", minBlocks, maxBlocks))
	}
	return nil
}

// blockRange resolves a one-liner's --blocks N (both limits at N),
// --min-blocks and --max-blocks (0 when not given), checked as
// checkBlockFlags checks them; usage makes the one-liner's usage errors.
func blockRange(fl *pflag.FlagSet, blocks, minBlocks, maxBlocks int, usage func(string, ...any) error) (int, int, error) {
	if fl.Changed("blocks") {
		if fl.Changed("min-blocks") || fl.Changed("max-blocks") {
			return 0, 0, usage("--blocks N sets both --min-blocks and --max-blocks; give one or the others")
		}
		if blocks < 2 {
			return 0, 0, usage("--blocks %d: %s", blocks, jackknifeNeedsTwo)
		}
		minBlocks, maxBlocks = blocks, blocks
	}
	if err := checkBlockFlags(fl, minBlocks, maxBlocks); err != nil {
		return 0, 0, err
	}
	return minBlocks, maxBlocks, nil
}

// runOverrides are run's and calibrate's --seed (when given), --min-blocks,
// --max-blocks and --order (0 and "" when not given).
func runOverrides(fl *pflag.FlagSet, seed int64, minBlocks, maxBlocks int, order string) suites.Overrides {
	o := suites.Overrides{MinBlocks: minBlocks, MaxBlocks: maxBlocks, Order: suites.Order(order)}
	if fl.Changed("seed") {
		o.Seed = &seed
	}
	return o
}

// resolvePlans applies o to every plan, once (suites.Plan.Resolve), for
// run, calibrate and the one-liners alike. A conflict with a suite, such
// as --min-blocks above a workload's max_blocks, is a usage error, as the
// same limits in a suite file are; a --max-blocks that caps a workload's
// min_blocks, which is what it is for, is said on stderr.
func resolvePlans(plans []*suites.Plan, o suites.Overrides, stderr io.Writer) ([]*suites.Plan, error) {
	out := make([]*suites.Plan, len(plans))
	for i, p := range plans {
		r, diags := p.Resolve(o)
		for _, d := range diags {
			if d.Severity == hcl.DiagError {
				return nil, withCode(exitUsage, errors.New(d.Detail))
			}
			fmt.Fprintf(stderr, "benchy: %s\n", d.Detail)
		}
		out[i] = r
	}
	return out, nil
}

// runOrders are the values of the suite language's order setting
// (suites.Order), which --order overrides.
var runOrders = []suites.Order{suites.OrderInterleavedRandom, suites.OrderInterleaved, suites.OrderSequential}

// checkOrder is the error for an --order (run, calibrate, exec) that is
// not one of runOrders; "" (not given) passes.
func checkOrder(order string) error {
	if order == "" || slices.Contains(runOrders, suites.Order(order)) {
		return nil
	}
	return fmt.Errorf("--order must be %s, %s or %s, not %q", runOrders[0], runOrders[1], runOrders[2], order)
}

// runPlans resolves the plans with o, runs them and reports each.
func runPlans(in *interrupts, plans []*suites.Plan, f runFlags, o suites.Overrides, stdout, stderr io.Writer) error {
	ctx, stop := in.ctx, in.stop
	code := exitOK
	plans, err := resolvePlans(plans, o, stderr)
	if err != nil {
		return err
	}
	rd, err := prepareRunDir(f.out, f.force, stderr)
	if err != nil {
		return err
	}
	defer rd.release()
	shareONNXRuntime(plans, stderr)
	progress := newProgress(stderr)
	for _, plan := range plans {
		dir, err := rd.suiteDir(plan.Name)
		if err != nil {
			return err
		}
		opt := harness.Options{
			OutDir:   dir,
			Progress: progress.Lines,
			Blocks:   progress.Blocks,
			Stop:     stop,
			Version:  buildVersion(),
		}
		release := configureMachine(ctx, &opt)
		restore := lockClocks(plan, stderr)
		doc, err := harness.Run(ctx, plan, opt)
		progress.Done()
		restore()
		release()
		var save *harness.SaveError
		if err != nil && !errors.As(err, &save) {
			return withCode(exitEnvironment, err)
		}
		unsaved := save != nil
		if unsaved {
			// The run finished but results.json could not be written: the
			// report is printed all the same, the journal has every block.
			journal := filepath.Join(dir, "journal.jsonl")
			fmt.Fprintf(stderr, "benchy: %v\nbenchy: %s holds every finished block; benchy report %s renders it\n", termtext.Escape(err.Error()), journal, journal)
			code = max(code, exitEnvironment)
		}
		if err := writeRunReports(dir, doc); err != nil {
			fmt.Fprintf(stderr, "benchy: %v\n", err)
		}
		if err := renderReport(stdout, doc, f.format, useColor(f.color, stdout)); err != nil {
			return withCode(exitEnvironment, err)
		}
		if !unsaved {
			fmt.Fprintf(stderr, "benchy: results in %s\n", filepath.Join(dir, "results.json"))
		}
		if f.finished != nil {
			f.finished(doc)
		}
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

// addColorFlag defines the --color flag that every rendering command has;
// checkColor checks its value and useColor reads it.
func addColorFlag(fl *pflag.FlagSet, mode *string) {
	fl.StringVar(mode, "color", "auto", "colour: auto, always or never (NO_COLOR is honoured)")
}

// checkColor is the error for a --color value other than auto, always and
// never.
func checkColor(mode string) error {
	if slices.Contains([]string{"auto", "always", "never"}, mode) {
		return nil
	}
	return fmt.Errorf("--color must be auto, always or never, not %q", mode)
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
	return termtext.IsTerminal(w)
}
