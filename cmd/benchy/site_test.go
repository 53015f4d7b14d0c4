package main

import (
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
	if !strings.Contains(errs, "3 run(s), 2 benchmark page(s)") {
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
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := benchy(t, tc.args...)
			if code != 2 || !strings.Contains(errs, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errs, tc.want)
			}
		})
	}
}
