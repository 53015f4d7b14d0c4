package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/benchy-dev/benchy/reports"
)

// formatHelp is the --format line of a command's --help: its flag help
// ends with the formats in words ("text, markdown or json").
var formatHelp = regexp.MustCompile(`(?m)^\s+--format string\s+[^:\n]*: (.*) \(default "text"\)$`)

// Every command that renders through reports parses --format once, with
// the formats it offers (reports.Formats.Parse): a bad value is refused
// with exit 2 and the parser's own message before anything runs, and the
// --help lists exactly the formats the command then accepts.
func TestFormatFlag(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	for _, tc := range []struct {
		name string
		fs   reports.Formats
		// args fail with a usage error of their own once --format has
		// been accepted, so that a good format runs nothing.
		args []string
	}{
		{"run", reports.ReportFormats, []string{missing + ".benchy.hcl"}},
		{"exec", reports.ReportFormats, nil},
		{"calibrate", reports.SummaryFormats, []string{missing + ".benchy.hcl"}},
		{"gobench", reports.SummaryFormats, []string{"./..."}},
		{"report", reports.ReportFormats, []string{missing}},
		{"compare", reports.SummaryFormats, []string{missing}},
		{"merge", reports.SummaryFormats, []string{missing}},
		{"analyze", reports.AnalyzeFormats, []string{missing + ".csv"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, parseErr := tc.fs.Parse("yaml")
			if parseErr == nil {
				t.Fatal("the parser accepts yaml")
			}
			code, stdout, stderr := benchy(t, append([]string{tc.name, "--format", "yaml"}, tc.args...)...)
			if code != exitUsage || !strings.Contains(stderr, parseErr.Error()) || stdout != "" {
				t.Errorf("--format yaml: exit %d, stdout %q, stderr %q; want exit 2 and %q", code, stdout, stderr, parseErr)
			}

			_, help, _ := benchy(t, tc.name, "--help")
			m := formatHelp.FindStringSubmatch(help)
			if m == nil {
				t.Fatalf("no --format line in %s --help:\n%s", tc.name, help)
			}
			listed := strings.Split(strings.Replace(m[1], " or ", ", ", 1), ", ")
			if strings.Join(listed, ", ") != tc.fs.List() {
				t.Errorf("--help lists %q, want %q", m[1], tc.fs)
			}
			if tc.fs.Has(reports.Markdown) {
				listed = append(listed, "md")
			}
			for _, f := range listed {
				code, _, stderr := benchy(t, append([]string{tc.name, "--format", f}, tc.args...)...)
				if code != exitUsage || strings.Contains(stderr, "--format") {
					t.Errorf("--format %s (listed in --help): exit %d, %s; want it accepted, then the usage error of %q", f, code, stderr, tc.args)
				}
			}
		})
	}
}
