package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/benchy-dev/benchy/harness"
	"github.com/benchy-dev/benchy/reports"
	"github.com/benchy-dev/benchy/results"
	"github.com/benchy-dev/benchy/suites"
)

func init() { registerCommand(newCalibrateCmd) }

type calibrateFlags struct {
	arms, repeats        int
	order                string
	seed                 int64
	vars, varFiles       []string
	minBlocks, maxBlocks int
	out, format, color   string
	verbose, force       bool
	// report is the parsed --format.
	report reports.Format
}

func newCalibrateCmd(stdout, stderr io.Writer) *cobra.Command {
	var f calibrateFlags
	cmd := &cobra.Command{
		Use:   "calibrate SUITE",
		Short: "A/A calibration: run each baseline arm against itself and count false positives",
		Long: `Calibrate runs every workload instance's baseline arm as two or more
identical arms (A/A), in the suite's order unless --order says otherwise,
and repeats the run. Every significant difference between identical arms is
a false positive. It reports the observed false-positive rate next to the
nominal one (5% at 95% confidence) and flags the setup when the count exceeds
the 99% quantile of Binomial(comparisons, 5%): more than 4 of 20, 7 of 50,
11 of 100. The spread of the A/A differences is the machine's noise floor,
the smallest effect worth claiming on it.

--order sequential runs every block of one arm before the next: on a
machine that drifts, identical arms then "differ" (try the drift example).
Each repeat's results are kept under --out; calibration.json sums them up.
Exit status 1 means the setup is miscalibrated.`,
		Example: `  benchy calibrate quickstart
  benchy calibrate examples/drift/drift.benchy.hcl --order sequential
  benchy calibrate suite.benchy.hcl --arms 3 --repeats 50 --format markdown`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.arms < 2 {
				return withCode(exitUsage, fmt.Errorf("--arms %d: an A/A study needs at least 2 identical arms", f.arms))
			}
			if f.repeats < 1 {
				return withCode(exitUsage, fmt.Errorf("--repeats %d: need at least 1", f.repeats))
			}
			if err := checkOrder(f.order); err != nil {
				return withCode(exitUsage, err)
			}
			if err := checkColor(f.color); err != nil {
				return withCode(exitUsage, err)
			}
			var err error
			if f.report, err = reports.SummaryFormats.Parse(f.format); err != nil {
				return withCode(exitUsage, err)
			}
			if err := checkBlockFlags(cmd.Flags(), f.minBlocks, f.maxBlocks); err != nil {
				return err
			}
			plans, err := loadPlans(args, f.vars, f.varFiles, stderr)
			if err != nil {
				return err
			}
			plans, err = resolvePlans(plans, runOverrides(cmd.Flags(), f.seed, f.minBlocks, f.maxBlocks, f.order), stderr)
			if err != nil {
				return err
			}
			return calibrate(cmd.Context(), plans[0], f, stdout, stderr)
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&f.arms, "arms", 2, "identical arms per workload instance (>= 2)")
	fl.IntVar(&f.repeats, "repeats", 20, "A/A runs to pool")
	fl.StringVar(&f.order, "order", "", "override the order: interleaved-random, interleaved or sequential")
	fl.Int64Var(&f.seed, "seed", 0, "seed of the first repeat; repeat r uses seed+r (default: the suite's, else drawn)")
	addVarFlags(cmd, &f.vars, &f.varFiles)
	fl.IntVar(&f.minBlocks, "min-blocks", 0, "override the suite's min_blocks")
	fl.IntVar(&f.maxBlocks, "max-blocks", 0, "override the suite's max_blocks")
	fl.StringVarP(&f.out, "out", "o", "", "directory for each repeat's results and calibration.json (default a fresh benchy-out/calibrate-SUITE/<time>/)")
	fl.BoolVar(&f.force, "force", false, "with --out: replace an earlier calibration's files there")
	addFormatFlag(fl, &f.format, "report on stdout", reports.SummaryFormats)
	addColorFlag(fl, &f.color)
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "print every block, not one line per repeat")
	return cmd
}

// aaPlan turns every workload instance of p into an A/A study: its baseline
// arm, k times, named BASELINE/copy=1 ... BASELINE/copy=k (the first is the
// baseline). Workload instances without a baseline are left out and named.
func aaPlan(p *suites.Plan, k int) (*suites.Plan, []string) {
	out := *p
	out.Workloads = nil
	var left []string
	for _, w := range p.Workloads {
		base := w.Baseline()
		if base == nil {
			left = append(left, w.Name)
			continue
		}
		nw := *w
		nw.Arms = nil
		for i := 1; i <= k; i++ {
			a := *base
			a.Name = fmt.Sprintf("%s/copy=%d", base.Name, i)
			a.Axes = append(append([]suites.Axis{}, base.Axes...), suites.Axis{Name: "copy", Value: strconv.Itoa(i)})
			a.Baseline = i == 1
			nw.Arms = append(nw.Arms, &a)
		}
		out.Workloads = append(out.Workloads, &nw)
	}
	return &out, left
}

// calibrate runs the A/A study of plan, which is resolved (resolvePlans):
// repeat r runs with its seed plus r.
func calibrate(ctx context.Context, plan *suites.Plan, f calibrateFlags, stdout, stderr io.Writer) error {
	if ctx == nil {
		ctx = context.Background()
	}
	aa, left := aaPlan(plan, f.arms)
	for _, name := range left {
		fmt.Fprintf(stderr, "benchy: %s has no baseline arm; left out of the calibration\n", name)
	}
	if len(aa.Workloads) == 0 {
		return withCode(exitUsage, fmt.Errorf("%s: no workload instance has a baseline arm to calibrate", plan.Path))
	}
	shareONNXRuntime([]*suites.Plan{aa}, stderr)
	first, order := aa.Run.Seed, string(aa.Run.Order)
	// Every calibration gets a run directory of its own, as a run does:
	// a fresh benchy-out/calibrate-SUITE/<time>/ (and .../latest), or
	// --out, refused over an earlier run unless --force.
	rd, err := prepareRunDirIn(filepath.Join(defaultOutBase, "calibrate-"+suiteDirName(plan.Name)), f.out, f.force, stderr)
	if err != nil {
		return err
	}
	defer rd.release()
	dir := rd.path

	in := watchInterrupts(ctx, stderr)
	defer in.release()
	ctx, stop := in.ctx, in.stop
	interrupted := false

	cal := &reports.Calibration{Suite: plan.Path, Order: order, Arms: f.arms}
	fmt.Fprintf(stderr, "benchy: A/A calibration of %s: %d identical arms, %d repeats, order %s, seeds %d...\n", plan.Path, f.arms, f.repeats, order, first)
	for r := 0; r < f.repeats; r++ {
		s := first + int64(r)
		repDir, err := rd.suiteDir(fmt.Sprintf("repeat-%02d", r+1))
		if err != nil {
			return err
		}
		seeded, diags := aa.Resolve(suites.Overrides{Seed: &s})
		if diags.HasErrors() { // none: aa is resolved, and only the seed changes
			return withCode(exitUsage, diags)
		}
		opt := harness.Options{OutDir: repDir, Stop: stop, Version: buildVersion()}
		if f.verbose {
			opt.Progress = stderr
		}
		release := configureMachine(ctx, &opt)
		restore := lockClocks(seeded, stderr)
		doc, err := harness.Run(ctx, seeded, opt)
		restore()
		release()
		if err != nil {
			return withCode(exitEnvironment, err)
		}
		if doc.Status == results.StatusInterrupted {
			interrupted = true
			break
		}
		cal.AddRun(doc, repDir)
		rep := cal.Repeats[len(cal.Repeats)-1]
		fp, n := 0, 0
		for _, w := range rep.Workloads {
			if w.Result != nil {
				fp += w.Result.FalsePositives
				n += w.Result.Comparisons
			}
		}
		fmt.Fprintf(stderr, "   repeat %d/%d (seed %d): %d of %d comparison(s) significant\n", r+1, f.repeats, s, fp, n)
	}
	var js bytes.Buffer
	if err := reports.Render(&js, cal, reports.JSON, reports.Options{}); err != nil {
		return withCode(exitEnvironment, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return withCode(exitEnvironment, err)
	}
	if err := writeFileAtomic(filepath.Join(dir, "calibration.json"), js.Bytes()); err != nil {
		return withCode(exitEnvironment, err)
	}

	if err := reports.Render(stdout, cal, f.report, reports.Options{Color: useColor(f.color, stdout)}); err != nil {
		return withCode(exitEnvironment, err)
	}
	fmt.Fprintf(stderr, "benchy: calibration in %s\n", filepath.Join(dir, "calibration.json"))
	switch {
	case interrupted:
		return silentExit(exitInterrupted)
	case cal.Flagged():
		return silentExit(exitFailure)
	}
	return nil
}
