package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/benchy-dev/benchy/hw"
	"github.com/benchy-dev/benchy/internal/termtext"
	"github.com/benchy-dev/benchy/reports"
	"github.com/benchy-dev/benchy/results"
	"github.com/benchy-dev/benchy/suites"
)

func init() { registerCommand(newGobenchCmd) }

// gobenchFlags are benchy gobench's flags.
type gobenchFlags struct {
	base, bench, benchtime string
	cpu                    int
	tags                   []string
	threshold              string
	blocks                 int
	minBlocks, maxBlocks   int
	targetCI               string
	seed                   int64
	timeout                string
	out, format, color     string
	force                  bool
	saveSuite              string
}

// gobenchSuiteName is the file name the one-liner's suite is loaded under.
const gobenchSuiteName = "gobench.benchy.hcl"

const gobenchLong = `Gobench answers "did my change make these Go benchmarks faster?". It checks
out REF in a temporary git worktree, and runs the benchmarks of each PACKAGE
in REF (arm "base", the baseline) and in the working tree (arm "head") in
randomized interleaved blocks, so that drift of the machine cancels. Each
benchmark the --bench regexp matches, sub-benchmarks included, is a workload
instance of its own (PACKAGE/bench=NAME/key=value...).

Each arm's test binary is built once (go test -c, not timed; its build time
is recorded) and every turn of an arm in a block runs it once with
-test.run=^$ -test.bench=^NAME$ -test.count=1 -test.benchtime=T. ns/op is
the arm's value; B/op, allocs/op, MB/s and b.ReportMetric's units are kept
as metrics.

The table gives, per benchmark, base and head (geometric means of the
per-block ns/op), the change with its jackknife confidence interval,
Bonferroni-corrected over the benchmarks as benchy compare does, and a
verdict. With --threshold P, gobench exits 1 when a benchmark regressed
significantly by more than P, as benchy compare does. Results, reports and
the journal are written as benchy run writes them (--out DIR, or a fresh
benchy-out/YYYYMMDD-HHMMSS/gobench/).

REF defaults to HEAD when the working tree has uncommitted changes, else to
the merge base of HEAD with the default branch (origin/HEAD, main or master).`

func newGobenchCmd(stdout, stderr io.Writer) *cobra.Command {
	var f gobenchFlags
	cmd := &cobra.Command{
		Use:   "gobench [flags] PACKAGE...",
		Short: "Run Go benchmarks of a revision and the working tree in interleaved blocks, benchstat-style",
		Long:  gobenchLong,
		Example: `  benchy gobench ./internal/sort
  benchy gobench --base main --bench 'Sort|Search' --benchtime 200ms ./sort ./search
  benchy gobench --threshold 5% --out out/bench ./internal/sort`,
		Args: cobra.MatchAll(cobra.MinimumNArgs(1), gobenchPackages),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runGobench(cmd, f, args, stdout, stderr)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.base, "base", "", "the git revision to compare the working tree with (default: HEAD if the tree is dirty, else the merge base with the default branch)")
	fl.StringVar(&f.bench, "bench", ".", "benchmark regexp, as go test -bench takes it")
	fl.StringVar(&f.benchtime, "benchtime", "100ms", `go test -benchtime of one run: a duration ("100ms") or a count ("2000x")`)
	fl.IntVar(&f.cpu, "cpu", 0, "GOMAXPROCS of the benchmarks (go test -cpu, one value)")
	fl.StringSliceVar(&f.tags, "tags", nil, "build tags (comma-separated)")
	fl.StringVar(&f.threshold, "threshold", "", `exit 1 on a significant regression beyond this ("5%" or 0.05)`)
	fl.IntVar(&f.blocks, "blocks", 0, "measured blocks: exactly N")
	fl.IntVar(&f.minBlocks, "min-blocks", 0, "at least N measured blocks (default 10)")
	fl.IntVar(&f.maxBlocks, "max-blocks", 0, "at most N measured blocks (default 20)")
	fl.StringVar(&f.targetCI, "target-ci", "", `stop once every CI half-width is within this ("2%" or 0.02; default 2%)`)
	fl.Int64Var(&f.seed, "seed", 0, "schedule seed (default: drawn and recorded)")
	fl.StringVar(&f.timeout, "timeout", "", `limit for one arm's turn, the build included on first use (a duration: "5m"; default 10m)`)
	fl.StringVarP(&f.out, "out", "o", "", "run directory: DIR/gobench/ gets results.json, journal.jsonl, report.md and report.html (default: a fresh benchy-out/YYYYMMDD-HHMMSS/)")
	fl.BoolVar(&f.force, "force", false, "with --out: replace an earlier run's files in DIR (only benchy's own)")
	addFormatFlag(fl, &f.format, "the table on stdout", reports.SummaryFormats)
	addColorFlag(fl, &f.color)
	fl.StringVar(&f.saveSuite, "save-suite", "", "also write the suite that was run to FILE")
	return cmd
}

// gobenchPackages refuses a package pattern ("./..."): each package is a
// workload of benchmarks, given on its own.
func gobenchPackages(_ *cobra.Command, pkgs []string) error {
	for _, p := range pkgs {
		if strings.Contains(p, "...") {
			return gobenchUsage("%s: give each package on its own (go list %s lists them); a package is one workload of benchmarks", p, p)
		}
	}
	return nil
}

func gobenchUsage(format string, args ...any) error {
	return withCode(exitUsage, fmt.Errorf("gobench: "+format, args...))
}

// gobenchRun is the one-liner's run block, as HCL attributes.
func gobenchRun(cmd *cobra.Command, f gobenchFlags) ([][2]string, error) {
	fl := cmd.Flags()
	minB, maxB, err := blockRange(fl, f.blocks, f.minBlocks, f.maxBlocks, gobenchUsage)
	if err != nil {
		return nil, err
	}
	if maxB == 0 {
		maxB = max(20, minB)
	}
	if minB == 0 {
		minB = min(suites.DefaultRun.MinBlocks, maxB)
	}
	// A turn is one run of the benchmark, which warms itself up (b.N
	// ramps up from 1).
	run := [][2]string{{"iterations", "1"}, {"warmup_iterations", "0"},
		{"min_blocks", strconv.Itoa(minB)}, {"max_blocks", strconv.Itoa(maxB)}}
	ciSeed, err := targetCISeed(fl, f.targetCI, f.seed, gobenchUsage)
	if err != nil {
		return nil, err
	}
	return append(run, ciSeed...), nil
}

// gobenchLabel is a workload label for a package argument: its path with
// "/" as ".", "./" and trailing "/" dropped ("./internal/sort" is
// "internal.sort", "." is "root").
func gobenchLabel(pkg string) string {
	p := strings.TrimPrefix(strings.Trim(pkg, "/"), "./")
	if p == "" || p == "." {
		return "root"
	}
	return unsafeLabelRune.ReplaceAllString(strings.ReplaceAll(p, "/", "."), "_")
}

// gobenchSource writes the one-liner's suite: one workload per package,
// arms base (REF's checkout in baseDir) and head (the working tree).
func gobenchSource(f gobenchFlags, run [][2]string, pkgs []string, baseDir, headDir, baseRev, headRev string) ([]byte, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "# benchy gobench: base %s against head %s.\n\n", shortRev(baseRev), shortRev(headRev))
	b.WriteString("run {\n")
	for _, kv := range run {
		fmt.Fprintf(&b, "%s = %s\n", kv[0], kv[1])
	}
	b.WriteString("}\n")
	seen := map[string]string{}
	for _, pkg := range pkgs {
		label := gobenchLabel(pkg)
		if prev, dup := seen[label]; dup {
			return nil, gobenchUsage("packages %q and %q would both be workload %q; give each package once", prev, pkg, label)
		}
		seen[label] = pkg
		fmt.Fprintf(&b, "\nworkload %s {\ndescription = %s\nmetric = \"ns/op\"\n", hclString(label), hclString("go test -bench "+f.bench+" "+pkg))
		for _, arm := range []struct {
			name, dir, rev string
			baseline       bool
		}{{"base", baseDir, baseRev, true}, {"head", headDir, headRev, false}} {
			fmt.Fprintf(&b, "\narm %s {\n", hclString(arm.name))
			if arm.baseline {
				b.WriteString("baseline = true\n")
			}
			if f.timeout != "" {
				fmt.Fprintf(&b, "timeout = %s\n", hclString(f.timeout))
			}
			fmt.Fprintf(&b, "gobench {\npackage = %s\nbench = %s\nbenchtime = %s\ndir = %s\n", hclString(pkg), hclString(f.bench), hclString(f.benchtime), hclString(arm.dir))
			if f.cpu > 0 {
				fmt.Fprintf(&b, "cpu = %d\n", f.cpu)
			}
			if len(f.tags) > 0 {
				fmt.Fprintf(&b, "tags = %s\n", hclList(f.tags, false, nil))
			}
			b.WriteString("}\n}\n")
		}
		b.WriteString("}\n")
	}
	out, diags := suites.NewLoader(suites.Options{}).Format(gobenchSuiteName, []byte(b.String()))
	if diags.HasErrors() {
		return nil, gobenchUsage("the flags give an invalid suite: %s", diags.Error())
	}
	return out, nil
}

// gobenchDefaultBase is REF when --base is not given: HEAD for a dirty
// working tree, else the merge base with the default branch.
func gobenchDefaultBase(ctx context.Context, cwd string) (string, error) {
	status, err := gitOutput(ctx, cwd, "status", "--porcelain", "--untracked-files=no")
	if err != nil {
		return "", gobenchUsage("%s is not in a git repository (%v); benchy gobench compares a git revision with the working tree", cwd, err)
	}
	if status != "" {
		return "HEAD", nil
	}
	var branch string
	for _, ref := range []string{"origin/HEAD", "main", "master"} {
		if _, err := gitOutput(ctx, cwd, "rev-parse", "--verify", "--quiet", ref+"^{commit}"); err == nil {
			branch = ref
			break
		}
	}
	if branch == "" {
		return "", gobenchUsage("the working tree is clean and there is no default branch (origin/HEAD, main or master) to compare with; give --base REF")
	}
	mb, err := gitOutput(ctx, cwd, "merge-base", "HEAD", branch)
	if err != nil {
		return "", gobenchUsage("no merge base of HEAD and %s: %v; give --base REF", branch, err)
	}
	head, _ := gitOutput(ctx, cwd, "rev-parse", "HEAD")
	if mb == head {
		return "", gobenchUsage("nothing to compare: the working tree is clean and HEAD is the merge base with %s; give --base REF (for example --base HEAD~1)", branch)
	}
	return mb, nil
}

func runGobench(cmd *cobra.Command, f gobenchFlags, pkgs []string, stdout, stderr io.Writer) error {
	format, err := reports.SummaryFormats.Parse(f.format)
	if err != nil {
		return gobenchUsage("%v", err)
	}
	if err := checkColor(f.color); err != nil {
		return gobenchUsage("%v", err)
	}
	var threshold float64
	if f.threshold != "" {
		th, err := parseThreshold(f.threshold)
		if err != nil {
			return gobenchUsage("%v", err)
		}
		threshold = th
	}
	run, err := gobenchRun(cmd, f)
	if err != nil {
		return err
	}
	if err := checkRunDir(f.out, f.force); err != nil {
		return err
	}
	cwd, err := os.Getwd()
	if err != nil {
		return withCode(exitEnvironment, err)
	}
	in := watchInterrupts(cmd.Context(), stderr)
	defer in.release()
	in.say("interrupted: removing the worktree")
	ref := f.base
	if ref == "" {
		if ref, err = gobenchDefaultBase(in.ctx, cwd); err != nil {
			return err
		}
	}
	g, baseDir, err := checkout(in.ctx, "--base", ref, cwd)
	if err != nil {
		return err
	}
	defer func() {
		if err := g.Close(); err != nil {
			fmt.Fprintf(stderr, "benchy: removing the worktree of %s: %v\n", ref, err)
		}
	}()
	fmt.Fprintf(stderr, "benchy: base = %s (%s), head = %s (working tree)\n", shortRev(g.BaseRev), ref, shortRev(g.HeadRev))
	src, err := gobenchSource(f, run, pkgs, baseDir, cwd, g.BaseRev, g.HeadRev)
	if err != nil {
		return err
	}
	if f.saveSuite != "" {
		if err := writeFileAtomic(f.saveSuite, src); err != nil {
			return withCode(exitEnvironment, fmt.Errorf("gobench: --save-suite: %w", err))
		}
	}
	l := newSuiteLoader(nil, nil)
	plan, diags := l.LoadSource(gobenchSuiteName, src, cwd)
	if diags.HasErrors() || plan == nil {
		return gobenchUsage("the flags give an invalid suite: %s", hcl.Diagnostics(diags).Error())
	}
	fmt.Fprintf(stderr, "benchy: building and listing the benchmarks\n")
	plan, err = interruptible(in, func() (*suites.Plan, error) { return expandPlan(in.ctx, plan, stderr) })
	if err != nil {
		return err
	}
	in.say(stopAfterArm)
	var doc *results.Document
	rf := runFlags{out: f.out, force: f.force, format: reports.Text, color: "never", finished: func(d *results.Document) { doc = d }}
	// --seed is in the suite's run block, as the other flags are.
	runErr := runPlans(in, []*suites.Plan{plan}, rf, suites.Overrides{}, io.Discard, stderr)
	if doc == nil {
		return runErr
	}
	c, err := reports.ComparePaired(doc, reports.CompareOptions{Threshold: threshold})
	if err != nil {
		return withCode(exitEnvironment, err)
	}
	if f.threshold == "" {
		// No gate was asked for: the verdicts (at threshold 0) are the
		// report, and none of them fails the run.
		for _, r := range c.Rows {
			r.Fails = false
		}
	}
	var buf bytes.Buffer
	if err := reports.Render(&buf, c, format, reports.Options{Color: useColor(f.color, stdout), Width: termtext.Width(stdout)}); err != nil {
		return withCode(exitEnvironment, err)
	}
	if _, err := buf.WriteTo(stdout); err != nil {
		return withCode(exitEnvironment, err)
	}
	// The run's report went unprinted; its load warnings matter here.
	var samples []results.LoadSample
	for _, w := range doc.Workloads {
		for _, b := range w.Blocks {
			if s, ok := b.LoadSample(); ok && b.Measured() {
				samples = append(samples, s)
			}
		}
	}
	for _, w := range hw.AssessLoad(samples).Warnings() {
		fmt.Fprintln(stderr, "benchy: warning: "+w)
	}
	if runErr != nil {
		return runErr
	}
	if f.threshold != "" && c.Failed() {
		fmt.Fprintln(stderr, "benchy: "+c.Headline())
		return silentExit(exitFailure)
	}
	return nil
}
