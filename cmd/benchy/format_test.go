package main

import (
	"path/filepath"
	"regexp"
	"slices"
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
		cmd []string
		fs  reports.Formats
		// args fail with a usage error of their own once --format has
		// been accepted, so that a good format runs nothing; nil args
		// (env, doctor, models list) run the command, which then exits
		// with ok.
		args []string
		ok   int
	}{
		{[]string{"run"}, reports.ReportFormats, []string{missing + ".benchy.hcl"}, exitUsage},
		{[]string{"exec"}, reports.ReportFormats, nil, exitUsage},
		{[]string{"calibrate"}, reports.SummaryFormats, []string{missing + ".benchy.hcl"}, exitUsage},
		{[]string{"gobench"}, reports.SummaryFormats, []string{"--threshold", "bogus", "."}, exitUsage},
		{[]string{"report"}, reports.ReportFormats, []string{missing}, exitUsage},
		{[]string{"compare"}, reports.SummaryFormats, []string{missing}, exitUsage},
		{[]string{"merge"}, reports.SummaryFormats, []string{missing}, exitUsage},
		{[]string{"analyze"}, reports.AnalyzeFormats, []string{missing + ".csv"}, exitUsage},
		{[]string{"plan"}, textOrJSON, []string{missing + ".benchy.hcl"}, exitUsage},
		{[]string{"models", "info"}, textOrJSON, []string{missing + ".onnx"}, exitUsage},
		{[]string{"models", "list"}, textOrJSON, nil, exitOK},
		{[]string{"env"}, textOrJSON, nil, exitOK},
		{[]string{"doctor"}, textOrJSON, nil, exitOK},
	} {
		name := strings.Join(tc.cmd, " ")
		with := func(args ...string) []string { return append(append(slices.Clone(tc.cmd), args...), tc.args...) }
		t.Run(name, func(t *testing.T) {
			_, parseErr := tc.fs.Parse("yaml")
			if parseErr == nil {
				t.Fatal("the parser accepts yaml")
			}
			code, stdout, stderr := benchy(t, with("--format", "yaml")...)
			if code != exitUsage || !strings.Contains(stderr, parseErr.Error()) || stdout != "" {
				t.Errorf("--format yaml: exit %d, stdout %q, stderr %q; want exit 2 and %q", code, stdout, stderr, parseErr)
			}

			_, help, _ := benchy(t, append(slices.Clone(tc.cmd), "--help")...)
			m := formatHelp.FindStringSubmatch(help)
			if m == nil {
				t.Fatalf("no --format line in %s --help:\n%s", name, help)
			}
			listed := strings.Split(strings.Replace(m[1], " or ", ", ", 1), ", ")
			if strings.Join(listed, ", ") != tc.fs.List() {
				t.Errorf("--help lists %q, want %q", m[1], tc.fs)
			}
			if tc.fs.Has(reports.Markdown) {
				listed = append(listed, "md")
			}
			for _, f := range listed {
				code, _, stderr := benchy(t, with("--format", f)...)
				if code != tc.ok || strings.Contains(stderr, "--format") {
					t.Errorf("--format %s (listed in --help): exit %d, %s; want it accepted, then exit %d", f, code, stderr, tc.ok)
				}
			}
		})
	}
}

// benchy report --help describes every format a run renders in, one line
// each, and no other.
func TestReportHelpListsFormats(t *testing.T) {
	_, help, _ := benchy(t, "report", "--help")
	var described []string
	for _, m := range regexp.MustCompile(`(?m)^  ([a-z]+) {2,}\S`).FindAllStringSubmatch(help, -1) {
		described = append(described, m[1])
	}
	if strings.Join(described, ", ") != reports.ReportFormats.List() {
		t.Errorf("report --help describes %q, want %q", described, reports.ReportFormats.List())
	}
	if want := "renders as " + reports.SummaryFormats.String() + "."; !strings.Contains(help, want) {
		t.Errorf("report --help does not say a fleet.json %s", want)
	}
}
