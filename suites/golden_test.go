package suites_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/benchy-dev/benchy/internal/golden"
	_ "github.com/benchy-dev/benchy/runners/exec"
	"github.com/benchy-dev/benchy/suites"
)

// render writes diagnostics the way benchy prints them, at a fixed width
// and without colour.
func render(l *suites.Loader, diags hcl.Diagnostics) string {
	var b bytes.Buffer
	if err := suites.WriteDiagnostics(&b, l.Files(), diags, 80, false); err != nil {
		return "render error: " + err.Error()
	}
	return b.String()
}

// directive lines in a test suite's header: "# want: Summary",
// "# want-warning: Summary", "# var: k=v", "# env: K=V", "# var-file: F",
// "# secret: S" (S must not appear in the rendered diagnostics). JSON
// suites put them in a "//" comment property.
var directiveRE = regexp.MustCompile(`(?m)^\s*(?:#|"//":\s*")\s*(want|want-warning|var|env|var-file|secret):\s*(.*?)"?,?\s*$`)

type directives struct {
	want, warn, secrets []string
	opts                suites.Options
}

func readDirectives(t *testing.T, src []byte, dir string) directives {
	var d directives
	for _, m := range directiveRE.FindAllStringSubmatch(string(src), -1) {
		switch m[1] {
		case "want":
			d.want = append(d.want, m[2])
		case "want-warning":
			d.warn = append(d.warn, m[2])
		case "var":
			d.opts.Vars = append(d.opts.Vars, m[2])
		case "env":
			d.opts.Env = append(d.opts.Env, m[2])
		case "var-file":
			d.opts.VarFiles = append(d.opts.VarFiles, filepath.Join(dir, m[2]))
		case "secret":
			d.secrets = append(d.secrets, m[2])
		}
	}
	return d
}

func badSuites(t *testing.T) []string {
	var files []string
	for _, pat := range []string{"testdata/bad/*.benchy.hcl", "testdata/bad/*.benchy.json"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	return files
}

// TestBadSuites loads every broken suite under testdata/bad, checks that
// each expected diagnostic is reported with its severity and a line
// number, and compares the rendered diagnostics with the golden file.
func TestBadSuites(t *testing.T) {
	files := badSuites(t)
	if len(files) < 20 {
		t.Fatalf("only %d broken suites under testdata/bad", len(files))
	}
	for _, path := range files {
		name := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(path), ".json"), ".hcl")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			d := readDirectives(t, src, filepath.Dir(path))
			if len(d.want)+len(d.warn) == 0 {
				t.Fatal("the suite names no expected diagnostic (# want: Summary)")
			}
			d.opts.Version = "v0.1.0"
			d.opts.Cwd = t.TempDir()
			l := suites.NewLoader(d.opts)
			plan, diags := l.LoadFile(path)

			if len(d.want) > 0 {
				if !diags.HasErrors() || plan != nil {
					t.Fatalf("loaded without errors; want %q", d.want)
				}
			} else if diags.HasErrors() || plan == nil {
				t.Fatalf("unexpected errors:\n%s", render(l, diags))
			}
			for _, w := range d.want {
				if !hasDiag(diags, hcl.DiagError, w) {
					t.Errorf("no error %q in:\n%s", w, render(l, diags))
				}
			}
			for _, w := range d.warn {
				if !hasDiag(diags, hcl.DiagWarning, w) {
					t.Errorf("no warning %q in:\n%s", w, render(l, diags))
				}
				if plan != nil && len(plan.Warnings) == 0 {
					t.Errorf("plan.Warnings is empty")
				}
			}
			for _, diag := range diags {
				fromCLI := diag.Summary == "Value for undeclared variable" && diag.Subject == nil
				if diag.Subject == nil && !fromCLI {
					t.Errorf("diagnostic %q has no source range", diag.Summary)
				}
			}
			out := render(l, diags)
			for _, s := range d.secrets {
				if strings.Contains(out, s) {
					t.Errorf("the diagnostics print the secret %q:\n%s", s, out)
				}
			}
			golden.Check(t, strings.TrimSuffix(path, filepath.Ext(path))+".golden", []byte(out))
		})
	}
}

func hasDiag(diags hcl.Diagnostics, sev hcl.DiagnosticSeverity, summary string) bool {
	for _, d := range diags {
		if d.Severity == sev && d.Summary == summary {
			return true
		}
	}
	return false
}
