package hw

import (
	"runtime/debug"
	"strings"
)

// linkedRevision is the commit `make build` passes at link time
// (-X github.com/benchy-dev/benchy/hw.linkedRevision=SHA, with a
// "+modified" suffix for a dirty tree), for builds the go command cannot
// stamp: GOFLAGS=-buildvcs=false, or a git worktree, whose .git is a file
// the go command does not recognise.
var linkedRevision = ""

// BuildStamp is the commit a binary was built from, by benchy's one rule
// (ReadBuildStamp), which `benchy version`, the benchy field of results and
// the inventory's toolchain all read.
type BuildStamp struct {
	Revision string // the commit; "" when the binary does not say
	Time     string // its commit time (the go command's vcs.time), or ""
	Modified bool   // built from a work tree with uncommitted changes
	Linked   bool   // from make build's linked revision, not the go command
}

// ReadBuildStamp applies the rule: the go command's VCS stamp
// (vcs.revision, vcs.time, vcs.modified) when info carries one, else
// linked, make build's "SHA" or "SHA+modified". info may be nil.
func ReadBuildStamp(info *debug.BuildInfo, linked string) BuildStamp {
	var s BuildStamp
	if info != nil {
		for _, kv := range info.Settings {
			switch kv.Key {
			case "vcs.revision":
				s.Revision = kv.Value
			case "vcs.time":
				s.Time = kv.Value
			case "vcs.modified":
				s.Modified = kv.Value == "true"
			}
		}
	}
	if s.Revision == "" && linked != "" {
		rev, dirty := strings.CutSuffix(linked, "+modified")
		s = BuildStamp{Revision: rev, Modified: dirty, Linked: true}
	}
	return s
}

// LinkedRevision is what make build linked into this binary ("" when
// nothing), the linked argument of ReadBuildStamp for the running binary.
func LinkedRevision() string { return linkedRevision }
