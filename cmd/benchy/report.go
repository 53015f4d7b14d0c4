package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/benchy-dev/benchy/internal/atomicfile"
	"github.com/benchy-dev/benchy/internal/termtext"
	"github.com/benchy-dev/benchy/reports"
	"github.com/benchy-dev/benchy/results"
)

func init() { registerCommand(newReportCmd) }

func newReportCmd(stdout, stderr io.Writer) *cobra.Command {
	var format, output, color string
	var maxBytes int
	cmd := &cobra.Command{
		Use:   "report [RESULTS | RUNDIR]",
		Short: "Render a results document or a journal (even from a killed run)",
		Long: `Report renders a results.json (or the journal.jsonl of a run that was killed)
in one of these formats. Without an argument it renders the newest run,
benchy-out/latest; a run directory renders each suite in it (text and
markdown; other formats need one suite's folder or file), a suite's folder
its results.json, or its journal.jsonl when the run was killed.

  text      terminal table (colour on a terminal; NO_COLOR and --color honoured)
  markdown  GitHub-flavoured, for $GITHUB_STEP_SUMMARY and PR comments (<= 1 MiB)
  html      one self-contained page with plots: no scripts, no network
  json      the analysis: summaries and relative differences (benchy/analysis/v1)
  benchfmt  Go benchmark format, one line per arm per block: benchstat -col /arm
  csv       tidy, one row per timed iteration
  bencher   Bencher Metric Format JSON (bencher run --adapter json)

A fleet.json written by benchy merge renders as ` + reports.SummaryFormats.String() + ".",
		Example: `  benchy report
  benchy report benchy-out/latest/quickstart --format html -o report.html
  benchy report results.json --format benchfmt > bench.txt && benchstat -col /arm bench.txt
  benchy report results.json --format markdown >> "$GITHUB_STEP_SUMMARY"`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := reports.ReportFormats.Parse(format)
			if err != nil {
				return withCode(exitUsage, err)
			}
			if err := checkColor(color); err != nil {
				return withCode(exitUsage, err)
			}
			if cmd.Flags().Changed("max-bytes") && maxBytes <= 0 {
				return withCode(exitUsage, fmt.Errorf("--max-bytes must be a positive number of bytes, not %d", maxBytes))
			}
			paths, err := reportTargets(args)
			if err != nil {
				return withCode(exitUsage, err)
			}
			if len(paths) > 1 && f != reports.Text && f != reports.Markdown {
				return withCode(exitUsage, fmt.Errorf("the run holds %d suites and --format %s renders one document: give one of %s", len(paths), format, strings.Join(paths, ", ")))
			}
			if err := checkOutput("-o", output, paths, ""); err != nil {
				return err
			}
			var buf bytes.Buffer
			for i, path := range paths {
				if i > 0 {
					buf.WriteString("\n")
				}
				doc, fd, err := readDocument(path)
				if err != nil {
					return withCode(exitUsage, err)
				}
				if fd != nil {
					// A fleet.json from benchy merge renders as merge does.
					if !reports.SummaryFormats.Has(f) {
						return withCode(exitUsage, fmt.Errorf("%s is a fleet document (benchy merge); it renders as %s, not %s", path, reports.SummaryFormats, format))
					}
					if err := reports.Render(&buf, fd, f, reports.Options{}); err != nil {
						return withCode(exitUsage, err)
					}
					continue
				}
				useCol := (output == "" || output == "-") && useColor(color, stdout)
				if err := reports.Render(&buf, doc, f, reports.Options{Color: useCol, MaxBytes: maxBytes, Width: termtext.Width(stdout)}); err != nil {
					return withCode(exitUsage, err)
				}
			}
			if output == "" || output == "-" {
				_, err = buf.WriteTo(stdout)
				return err
			}
			if err := writeFileAtomic(output, buf.Bytes()); err != nil {
				return withCode(exitEnvironment, err)
			}
			return nil
		},
	}
	addFormatFlag(cmd.Flags(), &format, "output format", reports.ReportFormats)
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to a file instead of stdout")
	addColorFlag(cmd.Flags(), &color)
	cmd.Flags().IntVar(&maxBytes, "max-bytes", 0, "markdown: size cap in bytes (default 1 MiB, GitHub's job summary limit; 65536 fits a PR comment)")
	return cmd
}

// textOrJSON are the formats of the commands whose output is benchy's own,
// not a report: env, doctor, plan and models.
var textOrJSON = reports.Formats{reports.Text, reports.JSON}

// addFormatFlag defines a command's --format flag, "text" by default: its
// help is what (such as "report on stdout") and the formats fs offers,
// which fs.Parse then accepts, so that the help and the check cannot
// disagree. Every command parses the value once, before it does anything.
func addFormatFlag(fl *pflag.FlagSet, p *string, what string, fs reports.Formats) {
	fl.StringVar(p, "format", string(reports.Text), what+": "+fs.String())
}

// renderReport writes doc in format f, one of reports.ReportFormats, text
// fitting the width of w.
func renderReport(w io.Writer, doc *results.Document, f reports.Format, color bool) error {
	return reports.Render(w, doc, f, reports.Options{Color: color, Width: termtext.Width(w)})
}

// writeRunReports leaves the reports of a run beside its results:
// report.md and report.html.
func writeRunReports(dir string, doc *results.Document) error {
	a := reports.Analyze(doc)
	var md, page bytes.Buffer
	errMD := reports.Render(&md, a, reports.Markdown, reports.Options{})
	if errMD == nil {
		errMD = writeFileAtomic(filepath.Join(dir, "report.md"), md.Bytes())
	}
	errHTML := reports.Render(&page, a, reports.HTML, reports.Options{})
	if errHTML == nil {
		errHTML = writeFileAtomic(filepath.Join(dir, "report.html"), page.Bytes())
	}
	return errors.Join(errMD, errHTML)
}

// writeFileAtomic writes a file benchy produces for the user to read (a
// report, a calibration) atomically with mode 0644, so that a reader never
// sees half of it.
func writeFileAtomic(path string, data []byte) error {
	return atomicfile.Write(path, data, 0o644)
}
