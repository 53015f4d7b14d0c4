package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/benchy-dev/benchy/csvstats"
	"github.com/benchy-dev/benchy/reports"
	"github.com/benchy-dev/benchy/stats"
)

func init() { registerCommand(newAnalyzeCmd) }

func newAnalyzeCmd(stdout, stderr io.Writer) *cobra.Command {
	var o csvstats.Options
	var format string
	cmd := &cobra.Command{
		Use:   "analyze FILE",
		Short: "Estimate relative differences with jackknife CIs from a CSV collected anywhere",
		Long: `Analyze reads a CSV file (or - for standard input) with a header and reports
each arm's relative difference from the baseline with a jackknife confidence
interval, exactly as benchy does for its own runs.

Continuous data has the columns block,arm,value: one row per measurement.
Several rows for the same block and arm are reduced to one value per block
(the geometric mean for logratio, the mean for ratio). Blocks that lack an arm
are dropped (complete-case), with a note on stderr.

Binary data has the columns block,stratum,arm,successes,trials (a robot lab's
trial log: one row per episode or per session). The stratum is what the
Cochran-Mantel-Haenszel estimate adjusts for: the operator, host or robot.

Other columns are ignored unless a flag names them. The baseline is the arm
named by --baseline, else the arm called "baseline" (in any case), else the
first arm in the file. Blocks are analysed in numeric order when every block
label is a number, else in order of first appearance (this matters for
--groups).

Estimators: logratio (default for continuous data; geometric mean of the
per-block ratios), ratio (ratio of sums; allows zeros), cmh (default for binary
data; Mantel-Haenszel risk ratio over strata) and crude (pooled risk ratio,
ignoring strata). Every estimate is a relative difference: 0.05 = +5%.

Values and counts are plain decimal numbers (12, -3.5, .5, 1.2e-3); Go or
C literal forms (1_000, 0x1p3), inf and nan are refused. A UTF-8 byte order
mark before the header is accepted.

An arm whose estimate is undefined (an arm that never succeeds, on the log
scale) is reported as not estimated, with the reason, and the other arms are
estimated as usual; benchy analyze then exits 1. On bad input, or when no arm
can be estimated, it exits 2 and says what is wrong with the line, block and
arm concerned. With --format json the error is also written to stdout as
{"error": {"code", "message"}}, and a not-estimated arm carries its own
"error"; the codes are insufficient_blocks, nonpositive_value,
zero_denominator, nonpositive_ratio, out_of_range, invalid_value,
invalid_option, bad_groups, no_data, bad_csv, missing_column and read_error.`,
		Example: `  benchy analyze timings.csv
  benchy analyze timings.csv --estimator ratio --baseline main --format json
  benchy analyze episodes.csv --group-column host
  benchy analyze trials.csv --estimator cmh --confidence 0.99`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Estimator = strings.ToLower(o.Estimator)
			if cmd.Flags().Changed("groups") && cmd.Flags().Changed("group-column") {
				return withCode(exitUsage, csvstats.Errorf("invalid_option", "give --groups or --group-column, not both"))
			}
			if cmd.Flags().Changed("groups") && o.Groups < 2 {
				return withCode(exitUsage, csvstats.Errorf("invalid_option", "--groups %d: the delete-a-group jackknife needs at least 2 groups", o.Groups))
			}
			f, err := reports.AnalyzeFormats.Parse(format)
			if err != nil {
				return withCode(exitUsage, csvstats.Errorf("invalid_option", "%v", err))
			}
			err = runAnalyze(args[0], o, f, stdout, stderr)
			var ae *csvstats.Error
			if errors.As(err, &ae) && f == reports.JSON {
				_ = reports.Render(stdout, ae, reports.JSON, reports.Options{})
			}
			var partial analyzePartial
			if errors.As(err, &partial) {
				return withCode(exitFailure, err)
			}
			if err != nil {
				return withCode(exitUsage, err)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Estimator, "estimator", "", "logratio | ratio (continuous data), cmh | crude (binary data) (default: logratio, or cmh for binary data)")
	fl.StringVar(&o.Baseline, "baseline", "", `the baseline arm (default: the arm named "baseline", else the first arm in the file)`)
	fl.Float64Var(&o.Confidence, "confidence", stats.DefaultConfidence, "two-sided confidence level of the CIs, in (0, 1)")
	fl.IntVar(&o.Groups, "groups", 0, "delete-a-group jackknife over G contiguous groups of blocks (default: delete one block)")
	fl.StringVar(&o.GroupColumn, "group-column", "", "delete-a-group jackknife with one group per value of this column (host, build, boot)")
	fl.StringVar(&o.Scale, "scale", "log", "scale of the jackknife: log, or linear (ratio, cmh and crude only)")
	addFormatFlag(fl, &format, "output format", reports.AnalyzeFormats)
	return cmd
}

// analyzePartial is the outcome of an analysis that estimated some arms and
// not others (exit 1): n of total arms were not estimated.
type analyzePartial struct{ n, total int }

func (p analyzePartial) Error() string {
	return fmt.Sprintf("%d of %d arms not estimated (the report says why)", p.n, p.total)
}

// runAnalyze reads the CSV at path ("-": standard input), analyses it and
// writes the report in format f.
func runAnalyze(path string, o csvstats.Options, f reports.Format, stdout, stderr io.Writer) error {
	if err := o.Check(); err != nil {
		return err
	}
	in := io.Reader(os.Stdin)
	if path != "-" {
		file, err := os.Open(path)
		if err != nil {
			return csvstats.Errorf("read_error", "%v", err)
		}
		defer file.Close()
		in = file
	}
	o.Input, o.Notes = path, stderr
	rep, err := csvstats.Analyze(in, o)
	if err != nil {
		return err
	}
	_ = reports.Render(stdout, rep, f, reports.Options{}) // as before, a failed write to stdout leaves the exit status alone
	if n := rep.NotEstimated(); n > 0 {
		return analyzePartial{n: n, total: len(rep.Arms)}
	}
	return nil
}
