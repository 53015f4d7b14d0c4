package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/benchy-dev/benchy/hw"

	"github.com/spf13/cobra"
)

// version is set at link time with -ldflags "-X main.version=v0.1.0".
var version = "v0.1.0-dev"

func init() { registerCommand(newVersionCmd) }

// versionString is version with the commit of s as build metadata, the
// first 12 digits: "v0.1.0-dev+0123456789ab", and "+modified" after it
// when the work tree had uncommitted changes; version alone when s has no
// commit.
func versionString(version string, s hw.BuildStamp) string {
	if s.Revision == "" {
		return version
	}
	v := version + "+" + s.Revision[:min(12, len(s.Revision))]
	if s.Modified {
		v += "+modified"
	}
	return v
}

// buildVersion is benchy's version as results documents, fleet documents
// and the inventory record it (their "benchy" field), and as the first
// line of `benchy version` shows it: versionString of this binary's
// stamp.
func buildVersion() string {
	info, _ := debug.ReadBuildInfo()
	return versionString(version, hw.ReadBuildStamp(info, hw.LinkedRevision()))
}

// revisionText says which commit the binary was built from (hw.ReadBuildStamp),
// or why the binary does not say.
func revisionText(info *debug.BuildInfo, linked string) string {
	s := hw.ReadBuildStamp(info, linked)
	if s.Revision == "" {
		if info == nil {
			return "revision unknown (the binary carries no build information)"
		}
		why := "built without VCS info: go run, go install of a module version, -buildvcs=false, or a git worktree"
		if v := info.Main.Version; v != "" && v != "(devel)" {
			why = "installed as module version " + v + ", which carries no VCS info"
		}
		return "revision unknown (" + why + ")"
	}
	t := "revision " + s.Revision
	switch {
	case s.Linked:
		t += " (from make build)"
	case s.Time != "":
		t += " (" + s.Time + ")"
	}
	if s.Modified {
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
changes), as the go command stamps it when building inside a clone, or as
make build links it in where the go command cannot (a git worktree,
-buildvcs=false). A binary built with go run, with go install of a module
version, or with -buildvcs=false other than by make build has no such stamp;
the line then says so.

The version on the first line is what results record in their "benchy"
field: with the commit's first 12 digits after it ("v0.1.0-dev+0123456789ab")
and "+modified" when the work tree had uncommitted changes.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			info, ok := debug.ReadBuildInfo()
			if !ok {
				info = nil
			}
			fmt.Fprintf(stdout, "benchy %s %s/%s %s\n%s\n", buildVersion(), runtime.GOOS, runtime.GOARCH, runtime.Version(), revisionText(info, hw.LinkedRevision()))
			return nil
		},
	}
}
