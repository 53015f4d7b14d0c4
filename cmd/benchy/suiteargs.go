package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/benchy-dev/benchy/internal/termtext"
	"github.com/benchy-dev/benchy/runners"
	"github.com/benchy-dev/benchy/suites"
)

// newSuiteLoader returns a loader for the suites named on the command line,
// with the --var and --var-file values and the BENCHY_VAR_* environment.
func newSuiteLoader(vars, varFiles []string) *suites.Loader {
	return suites.NewLoader(suiteOptions(vars, varFiles))
}

func suiteOptions(vars, varFiles []string) suites.Options {
	return suites.Options{
		Vars:     vars,
		VarFiles: varFiles,
		Env:      os.Environ(),
		Version:  version,
	}
}

// loadPlans loads every suite argument (a file path or a built-in name such
// as "quickstart"), prints every diagnostic, warnings included, to stderr
// in hcl's text format (summary, "on FILE line N", a source snippet, the
// detail), and fails with exit code 2 when any suite has an error. All
// suites are loaded before it returns, so every error is reported in one
// run.
//
// Arms whose runners stand for several instances (a gobench block whose
// regexp matches several benchmarks) are then expanded (suites.Expand),
// which builds and lists; a failure there is exit 1, a runner that lists
// nothing at all exit 2.
func loadPlans(args, vars, varFiles []string, stderr io.Writer) ([]*suites.Plan, error) {
	plans, err := loadSuites(args, vars, varFiles, false, stderr)
	if err != nil {
		return nil, err
	}
	for i, p := range plans {
		if plans[i], err = expandPlan(context.Background(), p, stderr); err != nil {
			return nil, err
		}
	}
	return plans, nil
}

// expandPlan lists the instances of the plan's arms (suites.Expand) and
// prints what it left out; a runner that could not list them is exit 1,
// one that listed none (a regexp matching no benchmark) exit 2.
func expandPlan(ctx context.Context, p *suites.Plan, stderr io.Writer) (*suites.Plan, error) {
	e, err := suites.Expand(ctx, p)
	if err != nil {
		code := exitFailure
		if errors.Is(err, runners.ErrNoInstances) {
			code = exitUsage
		}
		return nil, withCode(code, fmt.Errorf("%s: %w", p.Path, err))
	}
	for _, w := range e.Warnings[len(p.Warnings):] {
		fmt.Fprintf(stderr, "benchy: %s\n", w)
	}
	return e, nil
}

// loadSuites is loadPlans that, with checkFiles, also checks the files
// each arm names, as benchy validate does.
func loadSuites(args, vars, varFiles []string, checkFiles bool, stderr io.Writer) ([]*suites.Plan, error) {
	opts := suiteOptions(vars, varFiles)
	opts.CheckFiles = checkFiles
	l := suites.NewLoader(opts)
	var plans []*suites.Plan
	var all hcl.Diagnostics
	var bad []string
	for _, arg := range args {
		p, diags := l.Load(arg)
		all = append(all, diags...)
		if diags.HasErrors() || p == nil {
			bad = append(bad, arg)
			continue
		}
		plans = append(plans, p)
	}
	all = dedupeDiags(all)
	if err := writeDiags(stderr, l.Files(), all); err != nil {
		return nil, withCode(exitEnvironment, err)
	}
	if len(bad) > 0 {
		return nil, withCode(exitUsage, fmt.Errorf("%s in %s", countErrors(all), strings.Join(bad, ", ")))
	}
	return plans, nil
}

// dedupeDiags drops repeats, such as a var file's error reported once per
// suite that reads it.
func dedupeDiags(diags hcl.Diagnostics) hcl.Diagnostics {
	seen := map[string]bool{}
	out := diags[:0:0]
	for _, d := range diags {
		k := fmt.Sprintf("%d|%s|%s", d.Severity, d.Summary, d.Detail)
		if d.Subject != nil {
			k += "|" + d.Subject.String()
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, d)
	}
	return out
}

func countErrors(diags hcl.Diagnostics) string {
	n := 0
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			n++
		}
	}
	if n == 1 {
		return "1 error"
	}
	return fmt.Sprintf("%d errors", n)
}

// writeDiags renders diagnostics with suites.WriteDiagnostics: wrapped to
// the terminal's width and coloured when stderr is a terminal and NO_COLOR
// is unset, plain otherwise.
func writeDiags(w io.Writer, files map[string]*hcl.File, diags hcl.Diagnostics) error {
	if len(diags) == 0 {
		return nil
	}
	width := uint(termtext.Columns(w))
	color := termtext.IsTerminal(w) && os.Getenv("NO_COLOR") == ""
	var buf bytes.Buffer
	if err := suites.WriteDiagnostics(&buf, files, diags, width, color); err != nil {
		return err
	}
	// hcl quotes every value it shows; the placeholder of a sensitive
	// value must not read as a string the user wrote.
	_, err := w.Write(bytes.ReplaceAll(buf.Bytes(), []byte(`"`+suites.SensitiveValue+`"`), []byte(suites.SensitiveValue)))
	return err
}
