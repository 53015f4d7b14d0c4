package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/benchy-dev/benchy/internal/termtext"
)

// Exit codes, as the README ("Exit codes") fixes them.
const (
	exitOK          = 0
	exitFailure     = 1 // a significant regression or a failed arm
	exitUsage       = 2 // usage or suite error
	exitEnvironment = 3 // environment or internal error
	exitInterrupted = 130
)

// exitError carries an exit code up to run. A nil-message exitError means the
// command already printed what the user needs to see.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// withCode wraps err so that benchy exits with code.
func withCode(code int, err error) error { return &exitError{code: code, err: err} }

// silentExit ends the command with code after it has printed its own output.
func silentExit(code int) error { return &exitError{code: code} }

// commandFactories lists every subcommand; each command's file registers its
// constructor from init so that commands stay in files of their own.
var commandFactories []func(io.Writer, io.Writer) *cobra.Command

func registerCommand(f func(stdout, stderr io.Writer) *cobra.Command) {
	commandFactories = append(commandFactories, f)
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "benchy",
		Short: "Declarative benchmarks in randomized interleaved blocks, with jackknife confidence intervals",
		Long: `benchy runs the arms of an HCL suite in randomized interleaved blocks so that
machine drift cancels, and reports each arm's relative difference from its
baseline with a jackknife confidence interval.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	for _, f := range commandFactories {
		root.AddCommand(f(stdout, stderr))
	}
	return root
}

// run executes benchy with args and returns the process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(stderr, "benchy: %s\n", termtext.EscapeLines(ee.err.Error()))
		}
		return ee.code
	}
	// Anything cobra reports itself (unknown flag, wrong arguments) is usage.
	fmt.Fprintf(stderr, "benchy: %s\n", termtext.EscapeLines(err.Error()))
	return exitUsage
}
