package main

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSiteCommand drives `benchy site`: a site from the real quickstart
// runs of testdata/merge, and the usage errors (exit 2).
func TestSiteCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "site")
	code, _, errs := benchy(t, "site", mergeTestdata, "-o", out, "--title", "<b>t</b>")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "3 run(s) (3 full report(s)), 2 benchmark page(s)") {
		t.Errorf("summary: %s", errs)
	}
	index, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(index), "<title>&lt;b&gt;t&lt;/b&gt;</title>") {
		t.Error("the title is not escaped")
	}
	// A rebuild into the same folder replaces the site.
	if code, _, errs := benchy(t, "site", mergeTestdata, "-o", out); code != 0 {
		t.Fatalf("rebuild: exit %d: %s", code, errs)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no output", []string{"site", mergeTestdata}, "-o DIR is required"},
		{"no input", []string{"site", "-o", out}, "requires at least 1 arg"},
		{"missing input", []string{"site", filepath.Join(t.TempDir(), "nope"), "-o", out}, "no such file or directory"},
		{"bad base URL", []string{"site", mergeTestdata, "-o", out, "--base-url", "javascript:alert(1)"}, "not an absolute http(s) address"},
		{"foreign folder", []string{"site", mergeTestdata, "-o", mergeTestdata}, "inside the output folder"},
		{"no full reports", []string{"site", mergeTestdata, "-o", out, "--full-reports", "0"}, "--full-reports must be a positive number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := benchy(t, tc.args...)
			if code != 2 || !strings.Contains(errs, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errs, tc.want)
			}
		})
	}
}

// TestSiteSummaryReport follows the summary page of a run whose full report
// the site does not keep: the command it gives, run in the run's folder,
// renders the report that a site keeping every report holds, byte for
// byte.
func TestSiteSummaryReport(t *testing.T) {
	dir := t.TempDir()
	some, all := filepath.Join(dir, "some"), filepath.Join(dir, "all")
	if code, _, errs := benchy(t, "site", mergeTestdata, "-o", some, "--full-reports", "1"); code != 0 || !strings.Contains(errs, "3 run(s) (1 full report(s))") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if code, _, errs := benchy(t, "site", mergeTestdata, "-o", all, "--full-reports", "-1"); code != 0 || !strings.Contains(errs, "3 run(s) (3 full report(s))") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	pages, err := filepath.Glob(filepath.Join(some, "runs", "*", "index.html"))
	if err != nil || len(pages) != 3 {
		t.Fatalf("%d run pages (%v), want 3", len(pages), err)
	}
	summaries := 0
	for _, page := range pages {
		b, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		const pre = "is one command away: <code>"
		i := strings.Index(string(b), pre)
		if i < 0 {
			continue // a full report
		}
		summaries++
		command, _, _ := strings.Cut(string(b[i+len(pre):]), "</code>")
		if want := "gunzip -k results.json.gz &amp;&amp; benchy report results.json --format html -o report.html"; command != want {
			t.Fatalf("the page's command is %q, want %q", command, want)
		}
		runDir := filepath.Dir(page)
		gunzip(t, filepath.Join(runDir, "results.json.gz"))
		if code, _, errs := benchy(t, "report", filepath.Join(runDir, "results.json"), "--format", "html", "-o", filepath.Join(runDir, "report.html")); code != 0 {
			t.Fatalf("benchy report: exit %d: %s", code, errs)
		}
		got, err := os.ReadFile(filepath.Join(runDir, "report.html"))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join(all, "runs", filepath.Base(runDir), "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s: the report rendered from the summary's results differs from the full site's (%d and %d bytes)", runDir, len(got), len(want))
		}
	}
	if summaries != 2 {
		t.Errorf("%d summary pages, want 2", summaries)
	}
}

// gunzip writes NAME.gz's content to NAME, as gunzip -k does.
func gunzip(t *testing.T, name string) {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(strings.TrimSuffix(name, ".gz"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}
