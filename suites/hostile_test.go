package suites_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/benchy-dev/benchy/suites"
)

// within runs f and fails the test if it does not return in time, so that
// a regression to a hang fails instead of hanging the test run.
func within(t *testing.T, d time.Duration, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("did not return within %v", d)
	}
}

// errorWith returns the first error diagnostic whose summary is summary and
// whose detail contains detail, or nil.
func errorWith(diags hcl.Diagnostics, summary, detail string) *hcl.Diagnostic {
	for _, d := range diags {
		if d.Severity == hcl.DiagError && d.Summary == summary && strings.Contains(d.Detail, detail) {
			return d
		}
	}
	return nil
}

const oneArm = `workload "w" {
  arm "a" {
    baseline = true
    exec {
      command = ["true"]
    }
  }
}
`

// TestReadsOnlyRegularFiles: a FIFO, a directory or a device given as a
// suite or a variable file is refused at once, never read (#14.3, #14.7).
func TestReadsOnlyRegularFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.benchy.hcl")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	suite := filepath.Join(dir, "s.benchy.hcl")
	if err := os.WriteFile(suite, []byte("variable \"x\" {\n  default = 1\n}\n"+oneArm), 0o644); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.benchy.hcl")
	if err := os.WriteFile(big, []byte("# "+strings.Repeat("x", suites.MaxSourceBytes)+"\n"+oneArm), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, suite string
		varFile     string
		summary     string
		detail      string
	}{
		{"fifo suite", fifo, "", "Cannot read suite file", "is a named pipe (FIFO), not a regular file"},
		{"fifo var-file", suite, fifo, "Cannot read variable file", "is a named pipe (FIFO), not a regular file"},
		{"directory suite", dir + "/.", "", "Cannot read suite file", "is a directory, not a regular file"},
		{"device suite", "/dev/zero", "", "Cannot read suite file", "is a character device, not a regular file"},
		{"device var-file", suite, "/dev/zero", "Cannot read variable file", "is a character device, not a regular file"},
		{"huge suite", big, "", "Cannot read suite file", "may have at most 1048576 bytes"},
		{"huge var-file", suite, big, "Cannot read variable file", "may have at most 1048576 bytes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var diags hcl.Diagnostics
			within(t, 10*time.Second, func() {
				l := suites.NewLoader(suites.Options{Cwd: dir})
				if tc.varFile != "" {
					l = suites.NewLoader(suites.Options{Cwd: dir, VarFiles: []string{tc.varFile}})
				}
				_, diags = l.Load(tc.suite)
			})
			if errorWith(diags, tc.summary, tc.detail) == nil {
				t.Fatalf("want %s: ...%s; got %v", tc.summary, tc.detail, diags)
			}
		})
	}
}

// TestLoneCarriageReturns: classic Mac OS line endings are line endings,
// and a lone CR followed by more than 64 KiB no longer hangs (#14.2).
func TestLoneCarriageReturns(t *testing.T) {
	mac := strings.ReplaceAll("# a comment first\n"+oneArm, "\n", "\r")
	p := loadString(t, mac, suites.Options{})
	if len(p.Workloads) != 1 || len(p.Workloads[0].Arms) != 1 {
		t.Fatalf("CR-only suite: %d workloads", len(p.Workloads))
	}
	crlf := strings.ReplaceAll(oneArm, "\n", "\r\n")
	if p := loadString(t, crlf, suites.Options{}); len(p.Workloads) != 1 {
		t.Fatalf("CRLF suite: %d workloads", len(p.Workloads))
	}

	src := "\r" + strings.Repeat("A", 70000)
	var diags hcl.Diagnostics
	var l *suites.Loader
	within(t, 20*time.Second, func() {
		_, l, diags = tryLoad(t, src, suites.Options{})
		_ = render(l, diags)
	})
	if !diags.HasErrors() || diags[0].Subject == nil || diags[0].Subject.Start.Line != 2 {
		t.Fatalf("want a syntax error on line 2, got %v", diags)
	}
}

// TestNestingTooDeep: input nested deeply enough to overflow the parser's
// stack is refused with a diagnostic before it is parsed (#14.5).
func TestNestingTooDeep(t *testing.T) {
	rep := strings.Repeat
	deep := 100000
	cases := []struct {
		name, src string
		json      bool
	}{
		{"parentheses", "locals {\n  x = " + rep("(", deep) + "1" + rep(")", deep) + "\n}\n", false},
		{"brackets", "locals {\n  x = " + rep("[", deep) + rep("]", deep) + "\n}\n", false},
		{"braces", "locals {\n  x = " + rep("{a=", deep) + "1" + rep("}", deep) + "\n}\n", false},
		{"not", "locals {\n  x = " + rep("!", 3*deep) + "true\n}\n", false},
		{"minus", "locals {\n  x = " + rep("- ", 3*deep) + "1\n}\n", false},
		{"interpolation", "locals {\n  x = " + rep(`"${`, deep/2) + "1" + rep(`}"`, deep/2) + "\n}\n", false},
		{"heredoc interpolation", "locals {\n  x = <<EOT\n" + rep(`${[`, deep) + rep(`]}`, deep) + "\nEOT\n}\n", false},
		{"JSON arrays", `{"locals": {"x": ` + rep("[", 2*deep) + rep("]", 2*deep) + "}}", true},
		{"binary operators", "locals {\n  x = " + rep("1+", 5*deep) + "1\n}\n", false},
		{"binary operators over lines", "locals {\n  x = (" + rep("1 +\n", deep) + "1)\n}\n", false},
		{"JSON template", `{"locals": {"x": "${` + rep("1+", 5*deep) + `1}"}}`, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := suites.NewLoader(suites.Options{Cwd: t.TempDir()})
			name := "s.benchy.hcl"
			if tc.json {
				name = "s.benchy.json"
			}
			_, diags := l.LoadSource(name, []byte(tc.src), t.TempDir())
			d := errorWith(diags, "Nesting too deep", "more than 500 levels")
			if d == nil || d.Subject == nil || (!tc.json && d.Subject.Start.Line < 2) {
				t.Fatalf("want Nesting too deep past line 1, got %v", diags)
			}
			_ = render(l, diags)
		})
	}

	// Just under the limit, and strings, comments and heredocs that only
	// look nested, load.
	ok := "locals {\n  x = " + rep("[", 499) + rep("]", 499) + "\n" +
		"  s = \"" + rep("(", 1000) + "\"\n" +
		"  # " + rep("[", 1000) + "\n" +
		"  h = <<EOT\n" + rep("{", 1000) + "\nEOT\n" +
		"  l = [" + rep("-1, ", 1000) + "]\n" +
		"  e = " + rep("1 + ", 450) + "1\n" +
		"  o = {\n" + rep("    a = 1 - 2 * 3\n    b = !true\n", 300) + "  }\n}\n" + oneArm
	loadString(t, ok, suites.Options{})

	// Variable files and --var values.
	dir := t.TempDir()
	vf := filepath.Join(dir, "deep.benchyvars.hcl")
	if err := os.WriteFile(vf, []byte("x = "+rep("[", deep)+rep("]", deep)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	jf := filepath.Join(dir, "deep.json")
	if err := os.WriteFile(jf, []byte(`{"x": `+rep("[", 2*deep)+rep("]", 2*deep)+"}"), 0o644); err != nil {
		t.Fatal(err)
	}
	decl := "variable \"x\" {\n  type = any\n}\n" + oneArm
	for _, opts := range []suites.Options{
		{VarFiles: []string{vf}},
		{VarFiles: []string{jf}},
		{Vars: []string{"x=" + rep("[", deep) + rep("]", deep)}},
	} {
		opts.Vars = append(opts.Vars, "y=1")
		_, _, diags := tryLoad(t, strings.Replace(decl, "type = any", "type = list(any)", 1), opts)
		if errorWith(diags, "Nesting too deep", "") == nil && errorWith(diags, "Invalid value for variable", "more than 500 levels") == nil {
			t.Errorf("%v: want Nesting too deep, got %v", opts.VarFiles, diags)
		}
	}
}

// TestNoWorkload: a suite with nothing to run is an error, not a run that
// completes and a comparison that passes on nothing (#14.12).
func TestNoWorkload(t *testing.T) {
	cases := map[string]string{
		"empty":         "",
		"comment only":  "# nothing here\n",
		"locals only":   "locals {\n  x = 1\n}\n",
		"CR comment":    "# only a comment\r",
		"all excluded":  "workload \"w\" {\n  matrix {\n    n = [1, 2]\n    exclude = [{ n = 1 }, { n = 2 }]\n  }\n" + strings.TrimPrefix(oneArm, "workload \"w\" {\n"),
		"whitespace":    "\n\n   \n",
		"JSON-ish hcl":  "run {\n  min_blocks = 2\n}\n",
		"variable only": "variable \"v\" {\n  default = 1\n}\n",
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			p, l, diags := tryLoad(t, src, suites.Options{})
			if p != nil || (errorWith(diags, "No workload", "") == nil && errorWith(diags, "No workload instance", "") == nil) {
				t.Fatalf("want No workload, got plan %v and\n%s", p != nil, render(l, diags))
			}
			for _, d := range diags {
				if d.Subject == nil {
					t.Errorf("%q has no source range", d.Summary)
				}
			}
		})
	}
}

// TestHeredocLines: a 100,000-line heredoc, which hcl joins in quadratic
// time, is refused; one of 2,000 lines loads (#14.15).
func TestHeredocLines(t *testing.T) {
	heredoc := func(n int) string {
		return "locals {\n  x = <<-EOT\n" + strings.Repeat("    line\n", n) + "  EOT\n}\n" + oneArm
	}
	var diags hcl.Diagnostics
	within(t, 60*time.Second, func() { _, _, diags = tryLoad(t, heredoc(100000), suites.Options{}) })
	if d := errorWith(diags, "Heredoc too long", "more than 2000 lines"); d == nil || d.Subject.Start.Line != 3+suites.MaxHeredocLines {
		t.Fatalf("want Heredoc too long at line %d, got %v", 3+suites.MaxHeredocLines, diags)
	}
	loadString(t, heredoc(suites.MaxHeredocLines), suites.Options{})
}

// TestExpansionLimits: matrices, functions, locals and for expressions
// that would expand until memory runs out end with a diagnostic that names
// the size and the limit (#14.6).
func TestExpansionLimits(t *testing.T) {
	arm := func(matrix string) string {
		return "workload \"w\" {\n" + matrix + "  arm \"a\" {\n    baseline = true\n    exec {\n      command = [\"true\"]\n    }\n  }\n}\n"
	}
	var chain, strs strings.Builder
	chain.WriteString("locals {\n  a0 = [1]\n")
	strs.WriteString("locals {\n  s0 = \"xxxxxxxx\"\n")
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&chain, "  a%d = concat(local.a%d, local.a%d)\n", i, i-1, i-1)
		fmt.Fprintf(&strs, "  s%d = \"${local.s%d}${local.s%d}\"\n", i, i-1, i-1)
	}
	chain.WriteString("}\n")
	strs.WriteString("}\n")
	cases := []struct {
		name, src       string
		summary, detail string
	}{
		{"matrix of 10^12", arm("  matrix {\n    a = range(1000)\n    b = range(1000)\n    c = range(1000)\n    d = range(1000)\n  }\n"),
			"Matrix too large", "This matrix has 1000000000000 instances (1000 × 1000 × 1000 × 1000); a suite may expand to at most 10000 arm instances"},
		{"matrix past the limit", arm("  matrix {\n    a = range(101)\n    b = range(100)\n  }\n"),
			"Matrix too large", "10100 instances (101 × 100)"},
		{"arms past the limit", strings.Replace(arm("  matrix {\n    a = range(200)\n  }\n"), "baseline = true\n", "baseline = matrix.b == 0\n    matrix {\n      b = range(100)\n    }\n", 1),
			"Suite too large", "more than 10000 arm instances"},
		{"setproduct of 10^8", "locals {\n  p = setproduct(range(1000), range(1000), range(100))\n}\n" + arm(""),
			"Error in function call", "setproduct would return 100000000 elements; one value may have at most 100000"},
		{"exponential concat", chain.String() + arm(""), "Error in function call", "more than 100000 elements"},
		{"exponential strings", strs.String() + arm(""), "Value too large", "a string may have at most 1048576 bytes"},
		{"nested for", "locals {\n  n = range(1000)\n  x = [for a in local.n : [for b in local.n : [for c in local.n : c]]]\n}\n" + arm(""),
			"Error in function call", "more than 1000000 values in all"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var diags hcl.Diagnostics
			var l *suites.Loader
			within(t, 60*time.Second, func() { _, l, diags = tryLoad(t, tc.src, suites.Options{}) })
			if d := errorWith(diags, tc.summary, tc.detail); d == nil || d.Subject == nil {
				t.Fatalf("want %s: ...%s... with a range, got\n%s", tc.summary, tc.detail, render(l, diags))
			}
		})
	}

	// At the limit: 100 × 100 arm instances load.
	p := loadString(t, strings.Replace(arm("  matrix {\n    a = range(100)\n  }\n"), "baseline = true\n", "baseline = matrix.b == 0\n    matrix {\n      b = range(100)\n    }\n", 1), suites.Options{})
	if n := len(p.Workloads) * len(p.Workloads[0].Arms); n != suites.MaxInstances {
		t.Errorf("%d arm instances, want %d", n, suites.MaxInstances)
	}
}
