package reports

import (
	"fmt"
	"io"
	"strconv"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
)

// TextOptions tune the terminal report.
type TextOptions struct {
	// Color enables ANSI colour for verdicts (only on a TTY, never with NO_COLOR).
	Color bool
}

// Text writes the terminal report: per workload instance, a table of arms
// with median, p90, p99, n and the relative difference vs the baseline.
func Text(w io.Writer, a *Analysis, opt TextOptions) error {
	d := a.Doc
	fmt.Fprintf(w, "benchy %s · suite %s · seed %d · order %s · %s\n", d.Benchy, d.Suite.Path, d.Seed, d.Order, d.Status)
	for _, wa := range a.Workloads {
		fmt.Fprintf(w, "\n%s (%s, %s is better)\n", wa.Name, metricName(wa.Metric), betterWord(wa.Better))
		t := tablewriter.NewTable(w,
			tablewriter.WithHeaderAutoFormat(tw.Off),
			tablewriter.WithAlignment(tw.Alignment{tw.AlignLeft, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignLeft}))
		t.Header([]string{"arm", "median", "p90", "p99", "n", fmt.Sprintf("vs baseline (%g%% CI)", 100*wa.Confidence), "verdict"})
		for _, arm := range wa.Arms {
			if err := t.Append(textRow(wa, arm, opt)); err != nil {
				return err
			}
		}
		if err := t.Render(); err != nil {
			return err
		}
		fmt.Fprintf(w, "%d measured block(s), %d warm-up; %s: %s\n", wa.Measured, wa.Blocks-wa.Measured, wa.Status, wa.StopReason)
		for _, arm := range wa.Arms {
			if arm.Status != "ok" && arm.Reason != "" {
				fmt.Fprintf(w, "  %s %s: %s\n", arm.Name, arm.Status, arm.Reason)
			} else if arm.RelError != "" && !arm.Baseline {
				fmt.Fprintf(w, "  %s not compared: %s\n", arm.Name, arm.RelError)
			}
		}
	}
	if d.StopReason != "" {
		fmt.Fprintf(w, "\nrun %s: %s\n", d.Status, d.StopReason)
	}
	return nil
}

func textRow(wa *WorkloadAnalysis, arm *ArmAnalysis, opt TextOptions) []string {
	name := arm.Name
	if arm.Baseline {
		name += " (baseline)"
	}
	if arm.Summary.N == 0 {
		return []string{name, "—", "—", "—", "0", "—", arm.Status}
	}
	verdict := arm.Verdict
	if opt.Color {
		verdict = colorVerdict(verdict)
	}
	return []string{
		name,
		FormatValue(arm.Summary.Median, wa.Metric),
		FormatValue(arm.Summary.P90, wa.Metric),
		FormatValue(arm.Summary.P99, wa.Metric),
		strconv.Itoa(arm.Summary.N),
		FormatRel(arm.Rel),
		verdict,
	}
}

func colorVerdict(v string) string {
	switch v {
	case VerdictFaster, VerdictBetter:
		return "\x1b[32m" + v + "\x1b[0m"
	case VerdictSlower, VerdictWorse:
		return "\x1b[31m" + v + "\x1b[0m"
	}
	return v
}

func metricName(m string) string {
	if m == "" {
		return "time per iteration"
	}
	return m
}

func betterWord(b string) string {
	if b == "higher" {
		return "higher"
	}
	return "lower"
}
