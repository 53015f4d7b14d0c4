package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOutputRefusals: an output path that is an input, a run's own file,
// a directory or in a missing directory is refused with exit 2 before any
// work, and the file is left as it was.
func TestOutputRefusals(t *testing.T) {
	tmp := t.TempDir()
	src, err := os.ReadFile(filepath.Join("testdata", "merge", "host-1.json"))
	if err != nil {
		t.Fatal(err)
	}
	run := filepath.Join(tmp, "run")
	suite := filepath.Join(run, "quickstart")
	plain := filepath.Join(tmp, "r.json")
	link := filepath.Join(tmp, "link.json")
	for _, p := range []string{filepath.Join(suite, "results.json"), plain} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(plain, link); err != nil {
		t.Fatal(err)
	}
	res := filepath.Join(suite, "results.json")
	journal := filepath.Join(suite, "journal.jsonl")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"merge onto its input", []string{"merge", res, "-o", res}, "is one of the inputs"},
		{"merge onto its input by a link", []string{"merge", plain, "-o", link}, "is one of the inputs"},
		{"merge onto its input by another spelling", []string{"merge", "h=" + plain, "-o", filepath.Join(tmp, ".", "r.json")}, "is one of the inputs"},
		{"merge of a run directory onto its file", []string{"merge", run, "-o", res}, "is one of the inputs"},
		{"merge into a run's journal", []string{"merge", plain, "-o", journal}, "is a file of the benchy run"},
		{"report onto its input", []string{"report", res, "--format", "markdown", "-o", res}, "is one of the inputs"},
		{"report of a run onto its results", []string{"report", run, "-o", res}, "is one of the inputs"},
		{"report onto another run's results", []string{"report", plain, "-o", res}, "is a file of the benchy run"},
		{"report into a directory", []string{"report", plain, "-o", tmp}, "is a directory"},
		{"report into a missing directory", []string{"report", plain, "-o", filepath.Join(tmp, "none", "r.md")}, "does not exist"},
		{"report under a file", []string{"report", plain, "-o", filepath.Join(plain, "r.md")}, "not a directory"},
		{"compare onto its input", []string{"compare", plain, res, "-o", plain}, "is one of the inputs"},
		{"exec export onto its own results", []string{"exec", "true", "--blocks", "2", "-o", filepath.Join(tmp, "self"), "--export-json", filepath.Join(tmp, "self", "exec", "results.json")}, "is in the run directory"},
		{"exec export onto an earlier run", []string{"exec", "true", "--blocks", "2", "-o", filepath.Join(tmp, "self"), "--export-csv", res}, "is a file of the benchy run"},
		{"exec export into a missing directory", []string{"exec", "true", "--blocks", "2", "-o", filepath.Join(tmp, "self"), "--export-json", filepath.Join(tmp, "none", "x.json")}, "does not exist"},
		{"exec export into a directory", []string{"exec", "true", "--blocks", "2", "-o", filepath.Join(tmp, "self"), "--export-markdown", tmp}, "is a directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, errs := benchy(t, tc.args...)
			if code != exitUsage || !strings.Contains(errs, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q (stdout %q)", code, errs, tc.want, stdout)
			}
			for _, p := range []string{res, plain} {
				if b, err := os.ReadFile(p); err != nil || !bytes.Equal(b, src) {
					t.Errorf("%s changed (%v)", p, err)
				}
			}
			if _, err := os.Stat(journal); err == nil {
				t.Errorf("%s was written", journal)
			}
			if runs, _ := findRuns(filepath.Join(tmp, "self")); len(runs) > 0 {
				t.Errorf("refused exec still ran: %v", runs)
			}
		})
	}
	// What may be written still is.
	for _, args := range [][]string{
		{"report", res, "--format", "markdown", "-o", filepath.Join(tmp, "r.md")},
		{"merge", plain, "-o", filepath.Join(tmp, "fleet.json")},
		{"report", plain, "-o", "-"},
	} {
		if code, _, errs := benchy(t, args...); code != 0 {
			t.Errorf("%v: exit %d: %s", args, code, errs)
		}
	}
}
