package reports

import (
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/benchy-dev/benchy/fleet"
	"github.com/benchy-dev/benchy/results"
)

// renderFleet writes the cross-host report.
func renderFleet(w io.Writer, d *fleet.Document, f Format) error {
	switch f {
	case JSON:
		return writeJSON(w, d)
	case Markdown:
		return fleetMarkdown(w, d)
	case Text:
		return fleetText(w, d)
	}
	return notOffered("a fleet", f, SummaryFormats)
}

// fleetVerdict words a significant estimate as the single-run reports do.
func fleetVerdict(e *fleet.Estimate, in *fleet.Instance) string { return string(in.Verdict(e)) }

func fmtRel(e *fleet.Estimate) string {
	return fmt.Sprintf("%+.1f%% [%+.1f%%, %+.1f%%]", 100*e.Estimate, 100*e.CILo, 100*e.CIHi)
}

// cellText is one arm on one host: its typical value, and its difference
// from the host's baseline.
func cellText(c *fleet.Cell, in *fleet.Instance) string {
	if c.Samples == 0 {
		if c.Status != results.ArmOK && c.Status != "" {
			return c.Status
		}
		return "—"
	}
	var s string
	if in.Kind == fleet.KindPassFail {
		s = fmt.Sprintf("%.1f%% (%d/%d)", 100*c.Median, c.Successes, c.Samples)
	} else {
		s = FormatValue(c.Median, in.Metric)
	}
	switch {
	case c.Baseline:
		s += " (baseline)"
	case c.Rel != nil:
		s += " · " + fmtRel(c.Rel)
	}
	return s
}

func pooledText(p *fleet.Pooled, in *fleet.Instance) string {
	if p.Rel == nil {
		return "not pooled"
	}
	return fmt.Sprintf("%s %s", fmtRel(p.Rel), fleetVerdict(p.Rel, in))
}

func pooledLabel(in *fleet.Instance) string {
	for _, p := range in.Pooled {
		if p.Rel != nil {
			return fmt.Sprintf("pooled over %d hosts (df %d)", p.Hosts, p.Rel.DF)
		}
	}
	return fmt.Sprintf("pooled over %d hosts", len(in.Rows))
}

// instanceTable is the cross-host table of one instance: a header and one
// row per host, then the pooled row when there is one.
func instanceTable(in *fleet.Instance) (header []string, rows [][]string) {
	header = []string{"host", "device"}
	header = append(header, in.Arms...)
	for _, r := range in.Rows {
		row := []string{r.Host, r.Device}
		for _, arm := range in.Arms {
			cell := "—"
			for _, c := range r.Cells {
				if c.Arm == arm {
					cell = cellText(c, in)
				}
			}
			row = append(row, cell)
		}
		rows = append(rows, row)
	}
	if len(in.Pooled) > 0 {
		row := []string{pooledLabel(in), ""}
		for _, arm := range in.Arms {
			cell := ""
			if arm == in.Baseline {
				cell = "baseline"
			}
			for _, p := range in.Pooled {
				if p.Arm == arm {
					cell = pooledText(p, in)
				}
			}
			row = append(row, cell)
		}
		rows = append(rows, row)
	}
	return header, rows
}

// instanceNotes lists why cells and pooled estimates are missing.
func instanceNotes(in *fleet.Instance) []string {
	notes := append([]string(nil), in.Notes...)
	for _, r := range in.Rows {
		for _, c := range r.Cells {
			switch {
			case c.Status != results.ArmOK && c.Reason != "":
				notes = append(notes, fmt.Sprintf("%s on %s: %s: %s", c.Arm, r.Host, c.Status, c.Reason))
			case c.RelError != "":
				notes = append(notes, fmt.Sprintf("%s on %s not compared: %s", c.Arm, r.Host, c.RelError))
			}
		}
	}
	for _, p := range in.Pooled {
		if p.Error != "" {
			notes = append(notes, fmt.Sprintf("%s not pooled: %s", p.Arm, p.Error))
		}
	}
	return notes
}

func methodLine(in *fleet.Instance) string {
	for _, p := range in.Pooled {
		if p.Rel != nil {
			return p.Rel.Method
		}
	}
	return ""
}

func metricWords(in *fleet.Instance) string {
	if in.Kind == fleet.KindPassFail {
		return fmt.Sprintf("%s, pass rate; higher is better", in.Metric)
	}
	return fmt.Sprintf("%s, %s is better", in.Metric, in.Better.Word())
}

func poolingLine(d *fleet.Document) string {
	switch {
	case d.Pooling.Forced:
		return "pooled by --force despite: " + strings.Join(d.Pooling.Problems, "; ")
	case d.Pooling.Allowed:
		return "hosts are comparable; comparisons that ran on every host are pooled"
	default:
		return "not pooled: " + strings.Join(d.Pooling.Problems, "; ")
	}
}

// fleetText renders a fleet for the terminal; every recorded string (suite
// path, names, warnings, notes) is escaped, as in the run reports.
func fleetText(w io.Writer, d *fleet.Document) error {
	fmt.Fprintf(w, "benchy merge · suite %s · %d run(s) on %d host(s) · %g%% CI\n", termSafe(d.Suite.Path), len(d.Runs), len(d.Hosts), 100*d.Confidence)
	fmt.Fprintln(w, termSafe(poolingLine(d)))
	for _, warn := range d.Warnings {
		fmt.Fprintf(w, "warning: %s\n", termSafe(warn))
	}
	for _, in := range d.Instances {
		fmt.Fprintf(w, "\n%s (%s)\n", termSafe(in.Name), termSafe(metricWords(in)))
		header, rows := instanceTable(in)
		header = termSafeAll(header)
		for i := range rows {
			rows[i] = termSafeAll(rows[i])
		}
		align := tw.Alignment{tw.AlignLeft, tw.AlignLeft}
		for range in.Arms {
			align = append(align, tw.AlignRight)
		}
		t := tablewriter.NewTable(w, tablewriter.WithHeaderAutoFormat(tw.Off), tablewriter.WithAlignment(align))
		t.Header(header)
		for _, r := range rows {
			if err := t.Append(r); err != nil {
				return err
			}
		}
		if err := t.Render(); err != nil {
			return err
		}
		if m := methodLine(in); m != "" {
			fmt.Fprintf(w, "pooled: %s\n", termSafe(m))
		}
		for _, n := range instanceNotes(in) {
			fmt.Fprintf(w, "  %s\n", termSafe(n))
		}
	}
	return nil
}

// fleetMarkdown writes the cross-host report for a job summary, cut to
// GitHub's limit as the run reports are.
func fleetMarkdown(w io.Writer, d *fleet.Document) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## benchy fleet: %s on %d host(s)\n\n", mdEscape(d.Suite.Path), len(d.Hosts))
	fmt.Fprintf(&b, "%d run(s) · %g%% CI · suite sha256 `%s`\n\n", len(d.Runs), 100*d.Confidence, shortHash(d.Suite.SHA256))
	fmt.Fprintf(&b, "%s\n\n", mdEscape(poolingLine(d)))
	for _, warn := range d.Warnings {
		fmt.Fprintf(&b, "> warning: %s\n\n", mdEscape(warn))
	}
	for _, in := range d.Instances {
		fmt.Fprintf(&b, "### %s\n\n%s\n\n", mdEscape(in.Name), mdEscape(metricWords(in)))
		header, rows := instanceTable(in)
		for i := range header {
			header[i] = mdEscape(header[i])
		}
		fmt.Fprintf(&b, "| %s |\n|---|---|%s\n", strings.Join(header, " | "), strings.Repeat("---:|", len(in.Arms)))
		for i, r := range rows {
			for j := range r {
				r[j] = mdEscape(r[j])
			}
			if i == len(in.Rows) {
				r[0] = "**" + r[0] + "**"
			}
			fmt.Fprintf(&b, "| %s |\n", strings.Join(r, " | "))
		}
		if m := methodLine(in); m != "" {
			fmt.Fprintf(&b, "\nPooled: %s.\n", mdEscape(m))
		}
		if notes := instanceNotes(in); len(notes) > 0 {
			b.WriteString("\n")
			for _, n := range notes {
				fmt.Fprintf(&b, "- %s\n", mdEscape(n))
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("<details><summary>Hosts</summary>\n\n| host | device | platform | runs |\n|---|---|---|---|\n")
	for _, h := range d.Hosts {
		var files []string
		for _, i := range h.Runs {
			files = append(files, d.Runs[i].Path)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", mdEscape(h.Name), mdEscape(h.Device), mdEscape(h.Platform), mdEscape(strings.Join(files, ", ")))
	}
	b.WriteString("\n</details>\n")
	_, err := io.WriteString(w, truncateMarkdown(b.String(), maxMarkdownBytes, fleetTruncatedNote))
	return err
}

// fleetTruncatedNote ends a fleet report cut to GitHub's limit.
const fleetTruncatedNote = "\n\n*(report truncated to GitHub's 1 MiB limit; the full numbers are in fleet.json)*\n"
