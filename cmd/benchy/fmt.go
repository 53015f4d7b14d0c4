package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/benchy-dev/benchy/internal/atomicfile"
	"github.com/benchy-dev/benchy/suites"
)

func init() { registerCommand(newFmtCmd) }

func newFmtCmd(stdout, stderr io.Writer) *cobra.Command {
	var check bool
	cmd := &cobra.Command{
		Use:   "fmt [--check] [PATH...]",
		Short: "Rewrite suite files in canonical HCL style",
		Long: `Fmt rewrites suite files (*.benchy.hcl) and variable files (*.benchyvars.hcl)
in the canonical style of hclwrite, as terraform fmt does, and prints the
name of every file it changed. A directory argument formats the suite and
variable files directly inside it; no argument means the current directory;
"-" reads standard input and writes the result to standard output.

With --check it changes nothing, lists the files that are not canonical and
exits 1 if there are any, 0 if there are none. A file that does not parse is
reported with its syntax errors and exit code 2.`,
		Example: `  benchy fmt
  benchy fmt --check suites/`,
		RunE: func(_ *cobra.Command, args []string) error {
			return runFmt(args, check, stdout, stderr)
		},
	}
	cmd.Flags().BoolVar(&check, "check", false, "change nothing; list non-canonical files and exit 1 if there are any")
	return cmd
}

func runFmt(args []string, check bool, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		args = []string{"."}
	}
	l := suites.NewLoader(suites.Options{})
	var diags hcl.Diagnostics
	changed := 0
	for _, arg := range args {
		if arg == suites.StdinName {
			src, err := suites.ReadSource(arg)
			if err != nil {
				return withCode(exitUsage, err)
			}
			out, d := l.Format("<stdin>", src)
			diags = append(diags, d...)
			if d.HasErrors() {
				continue
			}
			if check {
				if string(out) != string(src) {
					fmt.Fprintln(stdout, "<stdin>")
					changed++
				}
				continue
			}
			if _, err := stdout.Write(out); err != nil {
				return withCode(exitEnvironment, err)
			}
			continue
		}
		files, err := fmtTargets(arg)
		if err != nil {
			return withCode(exitUsage, err)
		}
		for _, path := range files {
			src, err := suites.ReadSource(path)
			if err != nil {
				return withCode(exitUsage, err)
			}
			out, d := l.Format(path, src)
			diags = append(diags, d...)
			if d.HasErrors() || string(out) == string(src) {
				continue
			}
			changed++
			fmt.Fprintln(stdout, path)
			if check {
				continue
			}
			// A symbolic link stays a link: its target is formatted.
			target, err := filepath.EvalSymlinks(path)
			if err != nil {
				return withCode(exitEnvironment, err)
			}
			if err := atomicfile.WriteKeepMode(target, out, 0o644); err != nil {
				return withCode(exitEnvironment, err)
			}
		}
	}
	if err := writeDiags(stderr, l.Files(), diags); err != nil {
		return withCode(exitEnvironment, err)
	}
	if diags.HasErrors() {
		return withCode(exitUsage, fmt.Errorf("%s; files with syntax errors were left as they are", countErrors(diags)))
	}
	if check && changed > 0 {
		return silentExit(exitFailure)
	}
	return nil
}

// fmtTargets expands a path argument: a file as it is, a directory into
// the suite and variable files directly inside it.
func fmtTargets(arg string) ([]string, error) {
	st, err := os.Stat(arg)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return []string{arg}, nil
	}
	entries, err := os.ReadDir(arg)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() && (strings.HasSuffix(n, ".benchy.hcl") || strings.HasSuffix(n, ".benchyvars.hcl")) {
			out = append(out, filepath.Join(arg, n))
		}
	}
	sort.Strings(out)
	return out, nil
}
