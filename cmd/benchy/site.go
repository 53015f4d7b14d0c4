package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/benchy-dev/benchy/site"
)

func init() { registerCommand(newSiteCmd) }

func newSiteCmd(stdout, stderr io.Writer) *cobra.Command {
	var out, title, baseURL string
	var fullReports int
	cmd := &cobra.Command{
		Use:   "site RUNS... -o DIR [--title T] [--base-url U] [--full-reports N]",
		Short: "Build a static site of every stored run: history charts, change points, every report",
		Long: `Site turns stored runs into a static, self-contained site (HTML with inline
SVG, no scripts, no network) in DIR, rebuilt from the inputs every time:

  index.html          every run, newest first, with the detected change points;
                      suite/*.html and machine/*.html filter it
  bench/*.html        one page per workload instance and arm: its time per
                      iteration over the runs (median with its CI band) and the
                      per-run difference from the baseline with its CI, one
                      series per machine fingerprint, points linking to runs
  runs/ID/            each run's page (index.html) beside its results document
                      (results.json.gz): the full report, rendered by this
                      benchy, for the newest --full-reports runs and every run
                      at a change point; a summary of the run (every arm's
                      median and difference from the baseline) for the others,
                      whose full report benchy report renders from the results

RUNS are results documents (or journals of killed runs), fleet documents
written by benchy merge, and directories searched for them. Inputs that are
not benchy documents are listed on the index as skipped, with the reason.
Change points: E-Divisive means with a t-test (docs/site.md).

DIR must be new, empty, or a site benchy built before (it is replaced).`,
		Example: `  benchy site data/runs -o public --title "myproject benchmarks"
  benchy site benchy-out -o /tmp/site && xdg-open /tmp/site/index.html`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return withCode(exitUsage, errors.New("-o DIR is required: the folder to write the site to"))
			}
			if baseURL != "" {
				if err := site.CheckBaseURL(baseURL); err != nil {
					return withCode(exitUsage, err)
				}
			}
			if fullReports == 0 || fullReports < -1 {
				return withCode(exitUsage, fmt.Errorf("--full-reports must be a positive number of runs, or -1 for every run, not %d", fullReports))
			}
			if err := site.CheckOutput(out, args); err != nil {
				return withCode(exitUsage, err)
			}
			start := time.Now()
			h, err := site.Load(args)
			if err != nil {
				return withCode(exitUsage, err)
			}
			sum, err := site.Build(out, h, site.Options{Title: title, BaseURL: baseURL, Version: version, FullReports: fullReports})
			if err != nil {
				return withCode(exitEnvironment, err)
			}
			fmt.Fprintf(stderr, "benchy: site in %s: %d run(s) (%d full report(s)), %d benchmark page(s), %d change point(s), %d input(s) skipped; %d files, %.1f MB in %s\n",
				out, sum.Runs, sum.FullReports, sum.Benchmarks, sum.Changes, sum.Skipped, sum.Files, float64(sum.Bytes)/1e6, time.Since(start).Round(10*time.Millisecond))
			for _, s := range h.Skipped {
				fmt.Fprintf(stderr, "  skipped %s: %s\n", s.Path, s.Reason)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "the folder to write the site to (new, empty, or a site benchy built)")
	cmd.Flags().StringVar(&title, "title", "", "the site's title (default \""+site.DefaultTitle+"\")")
	cmd.Flags().StringVar(&baseURL, "base-url", "", "the absolute http(s) address the site is published at, for canonical links")
	cmd.Flags().IntVar(&fullReports, "full-reports", site.DefaultFullReports, "how many of the newest runs get their full report (-1: every run); the others get a summary")
	return cmd
}
