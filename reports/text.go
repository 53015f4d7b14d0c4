package reports

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter/tw"

	"github.com/benchy-dev/benchy/internal/termtext"
	"github.com/benchy-dev/benchy/metric"
)

// textReport writes the terminal report: per workload instance, a table of arms
// with the geometric mean of the per-block means (the statistic the
// comparison uses), median, p90, p99 and n of the timed iterations, and the
// relative difference vs the baseline,
// then energy and throttling when GPU telemetry was recorded. When the
// suite cites a published result, the table shows each arm's published
// figure beside its median and the citation follows the table; arms that
// recorded their model's size (model_bytes) show it too.
func textReport(w io.Writer, a *Analysis, opt Options) error {
	d := a.Doc
	fmt.Fprintf(w, "benchy %s · suite %s · seed %d · order %s · %s\n", termSafe(d.Benchy), termSafe(d.Suite.Path), d.Seed, termSafe(d.Order), termSafe(a.Status()))
	for _, wa := range a.Workloads {
		fmt.Fprintf(w, "\n%s (%s, %s is better)\n", termSafe(wa.Name), termSafe(metric.Title(wa.Metric)), wa.Better.Word())
		header := []string{"arm", "geomean", "median", "p90", "p99", "n", fmt.Sprintf("vs baseline (%g%% CI)", 100*wa.Confidence), "verdict"}
		align := tw.Alignment{tw.AlignLeft, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignLeft}
		if ph := publishedHeaders(wa); len(ph) > 0 {
			header = besideGeomean(header, ph)
			extra := make([]tw.Align, len(ph))
			for i := range extra {
				extra[i] = tw.AlignRight
			}
			align = append(align[:2:2], append(extra, align[2:]...)...)
		}
		energy, telem := wa.HasEnergy(), wa.HasTelemetry()
		if energy {
			header = append(header, "energy/iter", "energy vs baseline")
			align = append(align, tw.AlignRight, tw.AlignRight)
		}
		if telem {
			header = append(header, "throttled")
			align = append(align, tw.AlignRight)
		}
		t := &textTable{header: header, align: align, drop: []string{"p99", "p90", "median"}}
		for _, arm := range wa.Arms {
			row := textRow(wa, arm, opt)
			for i := range row[:len(row)-1] { // the verdict cell may hold colour codes
				row[i] = termSafe(row[i])
			}
			row = besideGeomean(row, termSafeAll(publishedCells(wa, arm)))
			if energy {
				row = append(row, energyCells(arm)...)
			}
			if telem {
				row = append(row, throttleCell(arm))
			}
			t.rows = append(t.rows, row)
		}
		if err := t.render(w, opt.width()); err != nil {
			return err
		}
		fmt.Fprintf(w, "%s; %s: %s\n", wa.BlockCounts(), termSafe(wa.Status), termSafe(wa.StopReason))
		if line := publishedLine(wa.Published); line != "" {
			if u := publishedURL(wa.Published); u != "" {
				line += " — " + u
			}
			fmt.Fprintln(w, termSafe(line))
		}
		for _, note := range armNotes(wa) {
			// A reason may quote several lines of stderr: keep them, indented.
			fmt.Fprintf(w, "  %s\n", strings.ReplaceAll(termSafeLines(note), "\n", "\n    "))
		}
	}
	if len(a.Workloads) > 0 {
		fmt.Fprintf(w, "\n%s\n", wrapWords(statisticsLegend, opt.width()))
	}
	if d.StopReason != "" {
		line := fmt.Sprintf("run %s: %s", d.Status, d.StopReason)
		if f := a.failedList(); f != "" {
			line += "; failed: " + f
		}
		fmt.Fprintf(w, "\n%s\n", termSafe(line))
	}
	return nil
}

// statisticsLegend says, under every run report's tables, which numbers the
// comparison uses, so that the numbers on one screen agree.
const statisticsLegend = "geomean: geometric mean of the per-block means, which \"vs baseline\" compares (the geomeans' ratio over the blocks both arms ran); median, p90, p99 and n: over every timed iteration."

// armNotes lists, in words, what kept an arm from a full comparison.
func armNotes(wa *WorkloadAnalysis) []string {
	var notes []string
	for _, arm := range wa.Arms {
		switch {
		case arm.Status != "ok" && arm.Reason != "":
			// Reasons such as "skipped: no NVIDIA GPU detected" already say the status.
			reason := strings.TrimPrefix(arm.Reason, arm.Status+": ")
			notes = append(notes, fmt.Sprintf("%s %s: %s", arm.Name, arm.Status, reason))
		case arm.RelError != "" && !arm.Baseline:
			notes = append(notes, fmt.Sprintf("%s not compared: %s", arm.Name, arm.RelError))
		}
		if arm.FailedBlocks > 0 && arm.Status == "ok" {
			notes = append(notes, fmt.Sprintf("%s failed in %s", arm.Name, plural(arm.FailedBlocks, "measured block", "measured blocks")))
		}
		if arm.ThrottledBlocks > 0 {
			notes = append(notes, fmt.Sprintf("%s: GPU throttled in %d of %d measured block(s) (%s)", arm.Name,
				arm.ThrottledBlocks, arm.TelemetryBlocks, strings.Join(arm.ThrottleReasons, ", ")))
		}
	}
	return append(notes, loadNotes(wa)...)
}

func textRow(wa *WorkloadAnalysis, arm *ArmAnalysis, opt Options) []string {
	name := arm.Name
	if arm.Baseline && name != "baseline" {
		name += " (baseline)"
	}
	if arm.Summary.N == 0 {
		return []string{name, "—", "—", "—", "—", "0", "—", arm.noDataVerdict()}
	}
	verdict := string(arm.Verdict)
	if opt.Color {
		verdict = colorVerdict(arm.Verdict)
	}
	verdict = verdictWithFactor(wa, arm, verdict)
	if arm.failed() {
		verdict = arm.Status
	}
	return []string{
		name,
		FormatValue(arm.Geomean, wa.Metric),
		FormatValue(arm.Summary.Median, wa.Metric),
		FormatValue(arm.Summary.P90, wa.Metric),
		FormatValue(arm.Summary.P99, wa.Metric),
		strconv.Itoa(arm.Summary.N),
		FormatRel(arm.Rel),
		verdict,
	}
}

// energyCells are the median energy per iteration and its comparison.
func energyCells(arm *ArmAnalysis) []string {
	e := arm.Energy
	if e == nil {
		return []string{"—", "—"}
	}
	rel := FormatRel(e.Rel)
	if arm.Baseline {
		rel = "baseline"
	}
	return []string{formatEnergy(e.Summary.Median), rel}
}

func throttleCell(arm *ArmAnalysis) string {
	if arm.TelemetryBlocks == 0 {
		return "—"
	}
	return fmt.Sprintf("%d/%d", arm.ThrottledBlocks, arm.TelemetryBlocks)
}

func colorVerdict(v metric.Verdict) string {
	switch v {
	case metric.Faster, metric.Better:
		return "\x1b[32m" + string(v) + "\x1b[0m"
	case metric.Slower, metric.Worse:
		return "\x1b[31m" + string(v) + "\x1b[0m"
	}
	return string(v)
}

// termSafe shows the control characters of recorded text (a command's
// coloured stderr, a name or a citation from a suite) as escapes, so that
// they neither drive the terminal nor break the table.
func termSafe(s string) string { return termtext.Escape(s) }

// termSafeLines is termSafe that keeps line breaks and tabs.
func termSafeLines(s string) string { return termtext.EscapeLines(s) }

func termSafeAll(cells []string) []string {
	for i := range cells {
		cells[i] = termSafe(cells[i])
	}
	return cells
}
