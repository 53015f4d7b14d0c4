package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

func init() { registerCommand(newValidateCmd) }

func newValidateCmd(stdout, stderr io.Writer) *cobra.Command {
	var vars, varFiles []string
	cmd := &cobra.Command{
		Use:   "validate SUITE...",
		Short: "Check suites and print their diagnostics, without running anything",
		Long: `Validate loads each suite (a file path or a built-in name), evaluates its
variables, locals and matrices, decodes every arm's runner block, and prints
every problem it finds with its file, line and a source snippet. It also
checks the files arms name, as far as that is possible without running them:
an ONNX model must exist, be a regular file and parse far enough to name its
inputs, which must include every key of inputs. It exits 2 when any suite
has an error; warnings (such as an exclude that matches nothing) are printed
but do not fail.`,
		Example: `  benchy validate suite.benchy.hcl
  benchy validate gaussrank --var max_rows=100000000`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			plans, err := loadSuites(args, vars, varFiles, true, stderr)
			if err != nil {
				return err
			}
			for _, p := range plans {
				arms := 0
				for _, w := range p.Workloads {
					arms += len(w.Arms)
				}
				fmt.Fprintf(stdout, "%s: valid (%s, %s)\n", p.Path,
					plural(len(p.Workloads), "workload instance"), plural(arms, "arm instance"))
			}
			return nil
		},
	}
	addVarFlags(cmd, &vars, &varFiles)
	return cmd
}

// addVarFlags adds --var and --var-file, as `benchy run` has them.
func addVarFlags(cmd *cobra.Command, vars, varFiles *[]string) {
	cmd.Flags().StringArrayVar(vars, "var", nil, "set a suite variable, NAME=VALUE (repeatable; highest precedence)")
	cmd.Flags().StringArrayVar(varFiles, "var-file", nil, "read variables from an HCL file (repeatable)")
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
