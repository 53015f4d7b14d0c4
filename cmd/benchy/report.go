package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/benchy-dev/benchy/reports"
	"github.com/benchy-dev/benchy/results"
)

func init() { registerCommand(newReportCmd) }

func newReportCmd(stdout, stderr io.Writer) *cobra.Command {
	var format, output, color string
	cmd := &cobra.Command{
		Use:   "report RESULTS",
		Short: "Render a results document or a journal (even from a killed run)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			doc, err := results.ReadFile(args[0])
			if err != nil {
				return withCode(exitUsage, err)
			}
			w := stdout
			if output != "" && output != "-" {
				f, err := os.Create(output)
				if err != nil {
					return withCode(exitEnvironment, err)
				}
				defer f.Close()
				w = f
			}
			if err := renderReport(w, doc, format, output == "" && useColor(color, stdout)); err != nil {
				return withCode(exitUsage, err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "text, markdown or json")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to a file instead of stdout")
	cmd.Flags().StringVar(&color, "color", "auto", "colour: auto, always or never")
	return cmd
}

// renderReport writes doc in one of the report formats.
func renderReport(w io.Writer, doc *results.Document, format string, color bool) error {
	a := reports.Analyze(doc)
	switch format {
	case "text", "":
		return reports.Text(w, a, reports.TextOptions{Color: color})
	case "markdown", "md":
		return reports.Markdown(w, a)
	case "json":
		return reports.JSON(w, a)
	default:
		return fmt.Errorf("unknown report format %q (text, markdown, json)", format)
	}
}

// writeRunReports leaves the reports of a run beside its results.
func writeRunReports(dir string, doc *results.Document) error {
	f, err := os.Create(filepath.Join(dir, "report.md"))
	if err != nil {
		return err
	}
	defer f.Close()
	return reports.Markdown(f, reports.Analyze(doc))
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
