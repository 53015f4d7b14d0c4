package main

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/benchy-dev/benchy/internal/termtext"
	"github.com/benchy-dev/benchy/reports"
	"github.com/benchy-dev/benchy/results"
)

func init() { registerCommand(newCompareCmd) }

func newCompareCmd(stdout, stderr io.Writer) *cobra.Command {
	var format, output, color, threshold, correction string
	var strict, force bool
	var confidence float64
	cmd := &cobra.Command{
		Use:   "compare BASE [HEAD]",
		Short: "Gate on regressions: HEAD vs BASE per instance, exit 1 on a significant regression beyond the threshold",
		Long: `Compare reports, for every workload/arm instance, the change from BASE to HEAD
with a confidence interval, and exits 1 when any instance regressed
significantly by more than the threshold.

With one results file, every arm is compared with its workload instance's
baseline arm over the blocks in which both ran (paired). This is the
recommended gate: run the base and head revisions as arms of one suite, so
that interleaving cancels machine drift.

With two results files, instances are matched by name and the comparison is
unpaired (Welch's t interval on the logs of the per-block values); drift
between the two runs is not controlled, and the report says so. It also
notes each way the runs' setups differ: the GPU models, the NVIDIA driver,
the ONNX Runtime version (when an arm uses it) or benchy's version. Two runs
of different suites (the suite files' names differ, or the runs share no
workload instance) are refused with exit 2 unless --force. A run that did not
complete (interrupted, killed, failed) is noted in every format.

Verdicts, with the CI oriented so that "worse" follows the metric's better:
  regressed              the whole CI lies beyond +threshold (worse): exit 1
  improved               the whole CI lies beyond -threshold (better)
  equivalent             the whole CI lies within ±threshold
  inconclusive           the CI excludes 0 but straddles the threshold
  no significant change  the CI contains 0 and reaches beyond ±threshold
  not compared           missing on one side, failed or too few blocks

--strict also fails on an inconclusive regression (significant, size
unknown), on an instance that BASE has but HEAD could not measure, and on
two runs from different setups.

The gate claims "some instance regressed", so with m > 1 compared rows the
intervals are Bonferroni-corrected (each at 1 - (1 - confidence)/m), which
keeps the chance of any false verdict within 1 - confidence; --correction
none reports each row at its own level.`,
		Example: `  benchy compare out/pr/results.json                      # base and head as arms of one run
  benchy compare main.json pr.json --threshold 5%
  benchy compare main.json pr.json --format markdown >> "$GITHUB_STEP_SUMMARY"`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := reports.SummaryFormats.Parse(format)
			if err != nil {
				return withCode(exitUsage, err)
			}
			if err := checkColor(color); err != nil {
				return withCode(exitUsage, err)
			}
			th, err := parseThreshold(threshold)
			if err != nil {
				return withCode(exitUsage, err)
			}
			if cmd.Flags().Changed("confidence") && !(confidence > 0 && confidence < 1) {
				return withCode(exitUsage, fmt.Errorf("--confidence %v is not in (0, 1)", confidence))
			}
			if correction != reports.CorrectionBonferroni && correction != reports.CorrectionNone {
				return withCode(exitUsage, fmt.Errorf("--correction must be %s or %s, not %q", reports.CorrectionBonferroni, reports.CorrectionNone, correction))
			}
			if err := checkOutput("-o", output, args, ""); err != nil {
				return err
			}
			opt := reports.CompareOptions{Threshold: th, Confidence: confidence, Strict: strict, Uncorrected: correction == reports.CorrectionNone}
			var c *reports.Comparison
			base, err := results.ReadFile(args[0])
			if err != nil {
				return withCode(exitUsage, err)
			}
			if len(args) == 1 {
				c, err = reports.ComparePaired(base, opt)
			} else {
				head, rerr := results.ReadFile(args[1])
				if rerr != nil {
					return withCode(exitUsage, rerr)
				}
				c, err = reports.Compare(base, head, opt)
				if err == nil {
					c.Base, c.Head = args[0], args[1]
				}
			}
			if err != nil {
				return withCode(exitUsage, err)
			}
			if c.DifferentSuites != "" && !force {
				return withCode(exitUsage, fmt.Errorf("%s and %s are runs of different suites: %s (--force compares them anyway)", args[0], args[1], c.DifferentSuites))
			}
			var buf bytes.Buffer
			toStdout := output == "" || output == "-"
			if err := reports.Render(&buf, c, f, reports.Options{Color: toStdout && useColor(color, stdout), Width: termtext.Width(stdout)}); err != nil {
				return withCode(exitEnvironment, err)
			}
			if output == "" || output == "-" {
				if _, err := buf.WriteTo(stdout); err != nil {
					return withCode(exitEnvironment, err)
				}
			} else if err := writeFileAtomic(output, buf.Bytes()); err != nil {
				return withCode(exitEnvironment, err)
			}
			if c.Failed() {
				fmt.Fprintln(stderr, "benchy: "+c.Headline())
				return silentExit(exitFailure)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&threshold, "threshold", "2%", `smallest change that matters: "2%" or "0.02"`)
	fl.BoolVar(&force, "force", false, "compare two runs of different suites (different suite names, or no workload instance in common) instead of refusing them")
	fl.BoolVar(&strict, "strict", false, "also fail on inconclusive regressions, on instances HEAD could not measure, and on runs from different setups")
	fl.Float64Var(&confidence, "confidence", 0, "confidence level of the intervals (default: each workload's, else 0.95)")
	fl.StringVar(&correction, "correction", reports.CorrectionBonferroni, "multiple-comparison correction of the intervals: bonferroni or none")
	addFormatFlag(fl, &format, "output format", reports.SummaryFormats)
	fl.StringVarP(&output, "output", "o", "", "write to a file instead of stdout")
	addColorFlag(fl, &color)
	return cmd
}

// parseThreshold reads "2%" (percent) or "0.02" (a fraction). A bare
// number of 1 or more is ambiguous and refused.
func parseThreshold(s string) (float64, error) {
	s = strings.TrimSpace(s)
	pct := strings.HasSuffix(s, "%")
	v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(s, "%")), 64)
	if err != nil {
		return 0, fmt.Errorf("--threshold %q: want a percentage such as 2%% or a fraction such as 0.02", s)
	}
	if pct {
		v /= 100
	} else if v >= 1 {
		return 0, fmt.Errorf("--threshold %s is ambiguous: write %s%% or %g", s, s, v/100)
	}
	if v < 0 || v >= 1 {
		return 0, fmt.Errorf("--threshold %s: must be at least 0 and below 100%%", s)
	}
	return v, nil
}
