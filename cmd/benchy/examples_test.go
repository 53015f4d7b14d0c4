package main

import (
	"io"
	"strings"
	"testing"

	"github.com/google/shlex"
	"github.com/spf13/cobra"
)

// Every example in a command's --help parses: its flags exist and take
// the values given, and its arguments pass the command's argument check,
// so that an example a new user copies is not refused as a usage error.
func TestHelpExamplesParse(t *testing.T) {
	var walk func(*cobra.Command)
	checked := 0
	walk = func(c *cobra.Command) {
		for _, line := range strings.Split(c.Example, "\n") {
			line = strings.TrimPrefix(strings.TrimSpace(line), "sudo ")
			if !strings.HasPrefix(line, "benchy ") {
				continue
			}
			// The shell's part of the line is not benchy's.
			for _, sep := range []string{" #", " >", " |", " &&"} {
				if i := strings.Index(line, sep); i >= 0 {
					line = line[:i]
				}
			}
			words, err := shlex.Split(line)
			if err != nil {
				t.Errorf("%s: example %q: %v", c.CommandPath(), line, err)
				continue
			}
			checked++
			root := newRootCmd(io.Discard, io.Discard)
			cmd, rest, err := root.Find(words[1:])
			if err != nil || cmd.CommandPath() != c.CommandPath() {
				t.Errorf("%s: example %q finds %v (%v)", c.CommandPath(), line, cmd.CommandPath(), err)
				continue
			}
			if cmd.DisableFlagParsing {
				rest = joinMultiValueFlags(rest) // exec parses its own flags so
			}
			if err := cmd.ParseFlags(rest); err != nil {
				t.Errorf("example %q: %v", line, err)
				continue
			}
			if err := cmd.ValidateArgs(cmd.Flags().Args()); err != nil {
				t.Errorf("example %q: %v", line, err)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRootCmd(io.Discard, io.Discard))
	if checked < 20 {
		t.Fatalf("only %d examples checked", checked)
	}
	t.Logf("%d examples parse", checked)
}
