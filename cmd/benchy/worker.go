package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/benchy-dev/benchy/internal/proctree"
	"github.com/benchy-dev/benchy/runners"
)

func init() { registerCommand(newWorkerCmd) }

func newWorkerCmd(stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "worker RUNNER | worker check -- COMMAND [ARGS...]",
		Short: "Check a program against the worker protocol (worker check), or serve a built-in runner (started by benchy run)",
		Long: `benchy worker check -- COMMAND [ARGS...] checks that a program speaks benchy's
worker protocol (docs/protocol.md).

benchy worker RUNNER serves a built-in runner over the protocol on stdin and
stdout; benchy run starts it for the arms of that runner.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			spec, ok := runners.Lookup(args[0])
			if !ok || spec.New == nil {
				return withCode(exitUsage, fmt.Errorf("no built-in runner %q (have %v)", args[0], runners.Names()))
			}
			// The harness interrupts and kills workers itself; a Ctrl-C at the
			// terminal reaches the whole foreground group, so ignore it here and
			// let the harness decide when this worker ends.
			signal.Ignore(os.Interrupt)
			defer keepDescendants()()
			out, err := protocolStdout(stdout)
			if err != nil {
				return withCode(exitEnvironment, err)
			}
			if err := runners.Serve(context.Background(), spec.New(), os.Stdin, out); err != nil {
				return withCode(exitFailure, err)
			}
			return nil
		},
	}
	cmd.AddCommand(newWorkerCheckCmd(stdout, stderr))
	return cmd
}

// protocolStdout is the protocol's channel: stdout itself in tests, which
// pass a buffer, and runners.ProtocolStdout for the real file descriptor.
func protocolStdout(stdout io.Writer) (io.Writer, error) {
	if stdout != os.Stdout {
		return stdout, nil
	}
	return runners.ProtocolStdout()
}

// keepDescendants makes this worker answer for everything its runner
// starts: it becomes a child subreaper, so that a daemon an arm's command
// leaves behind stays its descendant, and it kills all its descendants
// when it gets SIGTERM (the harness starts it with SIGTERM as its
// parent-death signal, so this happens when benchy dies, even by SIGKILL)
// and when the returned func runs, as the worker ends.
func keepDescendants() func() {
	_ = proctree.SetSubreaper() // where there is none, orphans go to benchy or init
	self := os.Getpid()
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM)
	go func() {
		<-term
		proctree.KillDescendants(self)
		os.Exit(128 + int(syscall.SIGTERM))
	}()
	return func() { proctree.KillDescendants(self) }
}
