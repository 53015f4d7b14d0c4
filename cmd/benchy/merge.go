package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
	"github.com/spf13/cobra"

	"github.com/benchy-dev/benchy/fleet"
	"github.com/benchy-dev/benchy/reports"
	"github.com/benchy-dev/benchy/results"
)

func init() { registerCommand(newMergeCmd) }

type mergeFlags struct {
	output     string
	format     string
	force      bool
	confidence float64
	ignoreVars []string
}

func newMergeCmd(stdout, stderr io.Writer) *cobra.Command {
	var f mergeFlags
	cmd := &cobra.Command{
		Use:   "merge RESULTS...",
		Short: "Merge results from several hosts into one cross-host report (fleet.json)",
		Long: `Merge combines results documents from several machines. Workload instances
and arms are matched by name and each host is a stratum: several documents
from one host are one stratum. The report has one row per host per instance
and, where the same comparison ran on every host, the relative difference
pooled over the hosts (logratio with the delete-a-group jackknife by host;
for pass/fail metrics, Mantel-Haenszel by host).

Each argument is a results.json, a journal, a run or suite directory (one suite),
an earlier fleet.json (its runs are merged again), or NAME=FILE to name the
host instead of using the host name recorded in the file.

Documents of different suites are refused, and hosts with different devices,
platforms or variable values are reported side by side but not pooled;
--force overrides both.`,
		Example: `  benchy merge a100/results.json h100/results.json jetson/results.json -o fleet.json
  benchy merge node1=r1.json node2=r2.json node3=r3.json --format markdown >> "$GITHUB_STEP_SUMMARY"`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !validFormat(f.format, "text", "markdown", "md", "json") {
				return withCode(exitUsage, fmt.Errorf("--format must be text, markdown or json, not %q", f.format))
			}
			var inputs []fleet.Input
			for _, arg := range args {
				in, err := readMergeInput(arg)
				if err != nil {
					return withCode(exitUsage, err)
				}
				inputs = append(inputs, in...)
			}
			doc, err := fleet.Merge(inputs, fleet.Options{Force: f.force, Confidence: f.confidence, IgnoreVars: f.ignoreVars})
			if err != nil {
				return withCode(exitUsage, err)
			}
			doc.Benchy = buildVersion()
			for _, p := range doc.Pooling.Problems {
				if doc.Pooling.Forced {
					fmt.Fprintf(stderr, "benchy: warning: pooling forced over: %s\n", p)
				} else {
					fmt.Fprintf(stderr, "benchy: not pooling: %s\n", p)
				}
			}
			for _, w := range doc.Warnings {
				fmt.Fprintf(stderr, "benchy: warning: %s\n", w)
			}
			if f.output != "" {
				if err := fleet.WriteFile(f.output, doc); err != nil {
					return withCode(exitEnvironment, err)
				}
				fmt.Fprintf(stderr, "benchy: merged %d run(s) from %d host(s) into %s\n", len(doc.Runs), len(doc.Hosts), f.output)
			}
			if err := renderFleet(stdout, doc, f.format); err != nil {
				return withCode(exitEnvironment, err)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.output, "output", "o", "", "write the merged document (fleet.json) to this file")
	fl.StringVar(&f.format, "format", "text", "report on stdout: text, markdown or json")
	fl.BoolVar(&f.force, "force", false, "merge different suites and pool hosts whose fingerprints differ")
	fl.Float64Var(&f.confidence, "confidence", 0, "confidence level (default: the runs' own, else 0.95)")
	fl.StringArrayVar(&f.ignoreVars, "ignore-var", nil, "a variable whose value may differ between hosts (repeatable)")
	return cmd
}

// readMergeInput reads one argument of benchy merge: FILE, DIR or
// NAME=FILE. A fleet document yields its runs, labelled as before.
func readMergeInput(arg string) ([]fleet.Input, error) {
	label, path := "", arg
	if _, err := os.Stat(arg); err != nil {
		if name, p, ok := strings.Cut(arg, "="); ok && name != "" {
			label, path = name, p
		}
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		if path, err = runDocument(path); err != nil {
			return nil, err
		}
	}
	doc, fd, err := readDocument(path)
	if err != nil {
		return nil, err
	}
	if fd == nil {
		return []fleet.Input{{Label: label, Path: path, Doc: doc}}, nil
	}
	var out []fleet.Input
	for _, r := range fd.Runs {
		l := r.Host
		if label != "" {
			l = label
		}
		out = append(out, fleet.Input{Label: l, Path: path + ":" + r.Path, Doc: r.Document})
	}
	return out, nil
}

// readDocument reads the file at path once: a fleet document (from
// benchy merge) comes back as fd, anything else as a results document or
// a replayed journal.
func readDocument(path string) (doc *results.Document, fd *fleet.Document, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	if schemaOf(b) == fleet.Schema {
		fd, err = fleet.Parse(b)
	} else {
		doc, err = results.Parse(b)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return doc, fd, nil
}

// schemaOf is the schema tag of a JSON document, or "" (a journal, which
// is JSON lines, has none).
func schemaOf(b []byte) string {
	var head struct {
		Schema string `json:"schema"`
	}
	if json.NewDecoder(bytes.NewReader(b)).Decode(&head) != nil {
		return ""
	}
	return head.Schema
}

// renderFleet writes the cross-host report.
func renderFleet(w io.Writer, d *fleet.Document, format string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(d)
	case "markdown", "md":
		return fleetMarkdown(w, d)
	default:
		return fleetText(w, d)
	}
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
		s = reports.FormatValue(c.Median, in.Metric)
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

func fleetText(w io.Writer, d *fleet.Document) error {
	fmt.Fprintf(w, "benchy merge · suite %s · %d run(s) on %d host(s) · %g%% CI\n", d.Suite.Path, len(d.Runs), len(d.Hosts), 100*d.Confidence)
	fmt.Fprintln(w, poolingLine(d))
	for _, warn := range d.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warn)
	}
	for _, in := range d.Instances {
		fmt.Fprintf(w, "\n%s (%s)\n", in.Name, metricWords(in))
		header, rows := instanceTable(in)
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
			fmt.Fprintf(w, "pooled: %s\n", m)
		}
		for _, n := range instanceNotes(in) {
			fmt.Fprintf(w, "  %s\n", n)
		}
	}
	return nil
}

func fleetMarkdown(w io.Writer, d *fleet.Document) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## benchy fleet: %s on %d host(s)\n\n", mdText(d.Suite.Path), len(d.Hosts))
	fmt.Fprintf(&b, "%d run(s) · %g%% CI · suite sha256 `%s`\n\n", len(d.Runs), 100*d.Confidence, shortSHA(d.Suite.SHA256))
	fmt.Fprintf(&b, "%s\n\n", mdText(poolingLine(d)))
	for _, warn := range d.Warnings {
		fmt.Fprintf(&b, "> warning: %s\n\n", mdText(warn))
	}
	for _, in := range d.Instances {
		fmt.Fprintf(&b, "### %s\n\n%s\n\n", mdText(in.Name), mdText(metricWords(in)))
		header, rows := instanceTable(in)
		for i := range header {
			header[i] = mdText(header[i])
		}
		fmt.Fprintf(&b, "| %s |\n|---|---|%s\n", strings.Join(header, " | "), strings.Repeat("---:|", len(in.Arms)))
		for i, r := range rows {
			for j := range r {
				r[j] = mdText(r[j])
			}
			if i == len(in.Rows) {
				r[0] = "**" + r[0] + "**"
			}
			fmt.Fprintf(&b, "| %s |\n", strings.Join(r, " | "))
		}
		if m := methodLine(in); m != "" {
			fmt.Fprintf(&b, "\nPooled: %s.\n", mdText(m))
		}
		if notes := instanceNotes(in); len(notes) > 0 {
			b.WriteString("\n")
			for _, n := range notes {
				fmt.Fprintf(&b, "- %s\n", mdText(n))
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
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", mdText(h.Name), mdText(h.Device), mdText(h.Platform), mdText(strings.Join(files, ", ")))
	}
	b.WriteString("\n</details>\n")
	out := b.String()
	if len(out) > reports.MaxMarkdownBytes {
		cut := strings.LastIndex(out[:reports.MaxMarkdownBytes-200], "\n")
		out = out[:cut] + "\n\n*(report truncated to GitHub's 1 MiB limit; the full numbers are in fleet.json)*\n"
	}
	_, err := io.WriteString(w, out)
	return err
}

var mdTextReplacer = strings.NewReplacer(
	"\\", "\\\\", "|", "\\|", "<", "&lt;", ">", "&gt;", "&", "&amp;",
	"*", "\\*", "_", "\\_", "`", "\\`", "[", "\\[", "]", "\\]", "\n", " ", "\r", " ",
)

// mdText makes text safe in Markdown tables and prose.
func mdText(s string) string { return mdTextReplacer.Replace(s) }

func shortSHA(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}
