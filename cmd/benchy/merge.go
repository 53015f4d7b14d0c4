package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

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
			format, err := reports.SummaryFormats.Parse(f.format)
			if err != nil {
				return withCode(exitUsage, err)
			}
			labels, paths := make([]string, len(args)), make([]string, len(args))
			for i, arg := range args {
				if labels[i], paths[i], err = resolveMergeArg(arg); err != nil {
					return withCode(exitUsage, err)
				}
			}
			if err := checkOutput("-o", f.output, paths, ""); err != nil {
				return err
			}
			var inputs []fleet.Input
			for i, path := range paths {
				in, err := readMergeInput(labels[i], path)
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
			if err := reports.Render(stdout, doc, format, reports.Options{}); err != nil {
				return withCode(exitEnvironment, err)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.output, "output", "o", "", "write the merged document (fleet.json) to this file")
	addFormatFlag(fl, &f.format, "report on stdout", reports.SummaryFormats)
	fl.BoolVar(&f.force, "force", false, "merge different suites and pool hosts whose fingerprints differ")
	fl.Float64Var(&f.confidence, "confidence", 0, "confidence level (default: the runs' own, else 0.95)")
	fl.StringArrayVar(&f.ignoreVars, "ignore-var", nil, "a variable whose value may differ between hosts (repeatable)")
	return cmd
}

// resolveMergeArg splits one argument of benchy merge, FILE, DIR or
// NAME=FILE, into its host label ("" for the recorded host) and the file
// it names (a directory's one suite document).
func resolveMergeArg(arg string) (label, path string, err error) {
	path = arg
	if _, err := os.Stat(arg); err != nil {
		if name, p, ok := strings.Cut(arg, "="); ok && name != "" {
			label, path = name, p
		}
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		if path, err = runDocument(path); err != nil {
			return "", "", err
		}
	}
	return label, path, nil
}

// readMergeInput reads the file of one argument of benchy merge, labelled
// label (see resolveMergeArg). A fleet document yields its runs, labelled
// as before.
func readMergeInput(label, path string) ([]fleet.Input, error) {
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
	b, err := results.ReadBytes(path)
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
