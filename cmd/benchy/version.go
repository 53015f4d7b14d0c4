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

// buildStamp is the commit a binary was built from, by benchy's one rule,
// which both `benchy version` (revisionText) and what results record
// (buildVersion) read.
type buildStamp struct {
	revision string // the commit; "" when the binary does not say
	time     string // its commit time (the go command's vcs.time), or ""
	modified bool   // built from a work tree with uncommitted changes
	linked   bool   // from make build's linkedRevision, not the go command
}

// readStamp applies the rule: the go command's VCS stamp (vcs.revision,
// vcs.time, vcs.modified) when info carries one, else linked, make build's
// "SHA" or "SHA+modified" (linkedRevision). info may be nil.
func readStamp(info *debug.BuildInfo, linked string) buildStamp {
	var s buildStamp
	if info != nil {
		for _, kv := range info.Settings {
			switch kv.Key {
			case "vcs.revision":
				s.revision = kv.Value
			case "vcs.time":
				s.time = kv.Value
			case "vcs.modified":
				s.modified = kv.Value == "true"
			}
		}
	}
	if s.revision == "" && linked != "" {
		rev, dirty := strings.CutSuffix(linked, "+modified")
		s = buildStamp{revision: rev, modified: dirty, linked: true}
	}
	return s
}

// versionString is version with the commit of s as build metadata, the
// first 12 digits: "v0.1.0-dev+0123456789ab", and "+modified" after it
// when the work tree had uncommitted changes; version alone when s has no
// commit.
func versionString(version string, s buildStamp) string {
	if s.revision == "" {
		return version
	}
	v := version + "+" + s.revision[:min(12, len(s.revision))]
	if s.modified {
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
	return versionString(version, readStamp(info, linkedRevision))
}

// revisionText says which commit the binary was built from (readStamp),
// or why the binary does not say.
func revisionText(info *debug.BuildInfo, linked string) string {
	s := readStamp(info, linked)
	if s.revision == "" {
		if info == nil {
			return "revision unknown (the binary carries no build information)"
		}
		why := "built without VCS info: go run, go install of a module version, -buildvcs=false, or a git worktree"
		if v := info.Main.Version; v != "" && v != "(devel)" {
			why = "installed as module version " + v + ", which carries no VCS info"
		}
		return "revision unknown (" + why + ")"
	}
	t := "revision " + s.revision
	switch {
	case s.linked:
		t += " (from make build)"
	case s.time != "":
		t += " (" + s.time + ")"
	}
	if s.modified {
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
			fmt.Fprintf(stdout, "benchy %s %s/%s %s\n%s\n", buildVersion(), runtime.GOOS, runtime.GOARCH, runtime.Version(), revisionText(info, linkedRevision))
			return nil
		},
	}
}
