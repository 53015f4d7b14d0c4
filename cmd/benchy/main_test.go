package main

import (
	"os"
	"testing"
)

// The test binary doubles as benchy for the workers a test run starts:
// `benchy.test worker NAME` serves a built-in runner, as `benchy worker` does.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "worker" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}
