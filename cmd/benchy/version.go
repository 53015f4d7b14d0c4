package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// version is set at link time with -ldflags "-X main.version=v0.1.0".
var version = "v0.1.0-dev"

// linkedRevision is the commit `make build` passes at link time (-X
// main.linkedRevision=SHA, with a "+modified" suffix for a dirty tree), for
// builds the go command cannot stamp: GOFLAGS=-buildvcs=false, or a git
// worktree, whose .git is a file the go command does not recognise.
var linkedRevision = ""

func init() { registerCommand(newVersionCmd) }

// buildVersion returns benchy's version and, when known, the VCS revision.
func buildVersion() string {
	v := version
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += "+" + s.Value[:12]
			}
		}
	}
	return v
}

// revisionText says which commit the binary was built from, from the VCS
// stamp the go command writes when it builds inside a clone (vcs.revision,
// vcs.time, vcs.modified), or why the stamp is missing.
func revisionText(info *debug.BuildInfo, linked string) string {
	if info == nil && linked == "" {
		return "revision unknown (the binary carries no build information)"
	}
	if info == nil {
		info = &debug.BuildInfo{}
	}
	var rev, when string
	modified := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev == "" && linked != "" {
		rev, dirty := strings.CutSuffix(linked, "+modified")
		t := "revision " + rev + " (from make build)"
		if dirty {
			t += ", with uncommitted changes"
		}
		return t
	}
	if rev == "" {
		why := "built without VCS info: go run, go install of a module version, -buildvcs=false, or a git worktree"
		if v := info.Main.Version; v != "" && v != "(devel)" {
			why = "installed as module version " + v + ", which carries no VCS info"
		}
		return "revision unknown (" + why + ")"
	}
	t := "revision " + rev
	if when != "" {
		t += " (" + when + ")"
	}
	if modified {
		t += ", with uncommitted changes"
	}
	return t
}

func newVersionCmd(stdout, _ io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print benchy's version and the VCS revision it was built from",
		Long: `Version prints benchy's version, platform and Go version, and on a second
line the commit it was built from (and whether the work tree had uncommitted
changes), as the go command stamps it when building inside a clone. A binary
built with go run, go install of a module version or -buildvcs=false has no
such stamp; the line then says so.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			info, ok := debug.ReadBuildInfo()
			if !ok {
				info = nil
			}
			fmt.Fprintf(stdout, "benchy %s %s/%s %s\n%s\n", buildVersion(), runtime.GOOS, runtime.GOARCH, runtime.Version(), revisionText(info, linkedRevision))
			return nil
		},
	}
}
