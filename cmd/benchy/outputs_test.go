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
		{"exec export onto the run's lock", []string{"exec", "true", "--blocks", "2", "-o", filepath.Join(tmp, "self"), "--export-json", filepath.Join(tmp, "self", lockName)}, "is in the run directory"},
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

// TestExecOutputsDistinct: two outputs of one benchy exec that would write
// one file (two exports, an export and --save-suite, by another spelling
// or through a link), and an output that is a directory the run makes, are
// refused with exit 2 before anything runs, naming both flags; a stream
// may be named more than once.
func TestExecOutputsDistinct(t *testing.T) {
	tmp := t.TempDir()
	plain := filepath.Join(tmp, "plain.txt")
	if err := os.WriteFile(plain, []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(plain, filepath.Join(tmp, "link.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(tmp, "d"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("d", filepath.Join(tmp, "dlink")); err != nil {
		t.Fatal(err)
	}
	in := func(p ...string) string { return filepath.Join(append([]string{tmp}, p...)...) }
	suite := in("bench.benchy.hcl")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"save-suite and export", []string{"--save-suite", suite, "--export-json", suite}, "--export-json " + suite + ": --save-suite " + suite + " names the same file"},
		{"three exports", []string{"--export-json", in("out.txt"), "--export-csv", in("out.txt"), "--export-markdown", in("out.txt")}, "--export-markdown " + in("out.txt") + ": --export-json " + in("out.txt") + " names the same file"},
		{"another spelling", []string{"--export-json", in("out.txt"), "--export-csv", in(".", "d", "..", "out.txt")}, "--export-json " + in("out.txt") + " names the same file"},
		{"a linked directory", []string{"--export-csv", in("d", "x"), "--export-json", in("dlink", "x")}, "--export-csv " + in("d", "x") + ": --export-json " + in("dlink", "x") + " names the same file"},
		{"a link to the file", []string{"--export-json", plain, "--export-csv", in("link.txt")}, "--export-json " + plain + " names the same file"},
		{"the run directory", []string{"-o", in("new"), "--export-json", in("new")}, "is the run directory --out " + in("new")},
		{"the suite directory", []string{"-o", in("new"), "--export-csv", in("new", "exec")}, "is the suite directory under --out " + in("new", "exec")},
		{"the saved suite's directory", []string{"-o", in("new"), "--save-suite", in("cmp.benchy.hcl"), "--export-csv", in("new", "cmp")}, "is the suite directory under --out " + in("new", "cmp")},
		{"above the run directory", []string{"-o", in("up", "run"), "--export-markdown", in("up")}, "is a directory above the run directory --out " + in("up", "run")},
		{"save-suite as the run directory", []string{"-o", in("new"), "--save-suite", in("new")}, "--save-suite " + in("new") + ": is the run directory --out"},
		{"save-suite into a missing directory", []string{"-o", in("new"), "--save-suite", in("new", "x.benchy.hcl")}, "does not exist"},
		{"save-suite onto the run's report", []string{"-o", in("new"), "--save-suite", in("new", "exec", "report.md")}, "is in the run directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"exec", "--blocks", "2", "-o", in("self"), "true"}, tc.args...)
			code, stdout, errs := benchy(t, args...)
			if code != exitUsage || !strings.Contains(errs, tc.want) || strings.Count(strings.TrimRight(errs, "\n"), "\n") > 0 {
				t.Errorf("exit %d, stderr %q; want 2 and one line with %q (stdout %q)", code, errs, tc.want, stdout)
			}
			if b, err := os.ReadFile(plain); err != nil || string(b) != "mine\n" {
				t.Errorf("%s changed: %q %v", plain, b, err)
			}
			for _, p := range []string{suite, in("out.txt"), in("d", "x"), in("new"), in("up"), in("cmp.benchy.hcl")} {
				if _, err := os.Lstat(p); err == nil {
					t.Errorf("%s was written", p)
				}
			}
			for _, d := range []string{in("self"), in("new"), in("up", "run")} {
				if runs, _ := findRuns(d); len(runs) > 0 {
					t.Errorf("refused exec still ran: %v", runs)
				}
			}
		})
	}
	t.Run("the default run folder", func(t *testing.T) {
		t.Chdir(t.TempDir())
		for _, p := range []string{"benchy-out", filepath.Join("benchy-out", "latest")} {
			if p != "benchy-out" {
				if err := os.Mkdir("benchy-out", 0o755); err != nil {
					t.Fatal(err)
				}
			}
			code, _, errs := benchy(t, "exec", "--blocks", "2", "true", "--export-json", p)
			if code != exitUsage || !strings.Contains(errs, "--export-json "+p+": is the ") || !strings.Contains(errs, "which the run makes") {
				t.Errorf("exit %d, stderr %q", code, errs)
			}
			if _, err := os.Lstat(filepath.Join("benchy-out", "latest")); err == nil {
				t.Errorf("refused exec still ran")
			}
		}
	})
	t.Run("a stream named twice", func(t *testing.T) {
		out := in("streams")
		code, _, errs := benchy(t, "exec", "--blocks", "2", "--color", "never", "-o", out, "true",
			"--export-json", os.DevNull, "--export-csv", os.DevNull, "--export-markdown", os.DevNull)
		if code != 0 {
			t.Errorf("exit %d: %s", code, errs)
		}
	})
}
