package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

func TestRevisionText(t *testing.T) {
	set := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	for _, tc := range []struct {
		info *debug.BuildInfo
		want string
	}{
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: set("vcs.revision", "0123456789abcdef", "vcs.time", "2026-12-01T19:00:00Z", "vcs.modified", "false")},
			"revision 0123456789abcdef (2026-12-01T19:00:00Z)"},
		{&debug.BuildInfo{Settings: set("vcs.revision", "0123456789abcdef", "vcs.modified", "true")},
			"revision 0123456789abcdef, with uncommitted changes"},
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}},
			"revision unknown (built without VCS info: go run, go install of a module version, -buildvcs=false, or a git worktree)"},
		{&debug.BuildInfo{Main: debug.Module{Version: "v0.1.0"}},
			"revision unknown (installed as module version v0.1.0, which carries no VCS info)"},
		{nil, "revision unknown (the binary carries no build information)"},
	} {
		if got := revisionText(tc.info, ""); got != tc.want {
			t.Errorf("revisionText = %q, want %q", got, tc.want)
		}
	}
}

func TestRevisionTextLinked(t *testing.T) {
	unstamped := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}
	for _, tc := range []struct{ linked, want string }{
		{"0123456789abcdef", "revision 0123456789abcdef (from make build)"},
		{"0123456789abcdef+modified", "revision 0123456789abcdef (from make build), with uncommitted changes"},
	} {
		if got := revisionText(unstamped, tc.linked); got != tc.want {
			t.Errorf("revisionText(%q) = %q, want %q", tc.linked, got, tc.want)
		}
		if got := revisionText(nil, tc.linked); got != tc.want {
			t.Errorf("revisionText(nil, %q) = %q, want %q", tc.linked, got, tc.want)
		}
	}
	// The go command's own stamp wins.
	stamped := &debug.BuildInfo{Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "fedcba"}}}
	if got := revisionText(stamped, "0123456789abcdef"); got != "revision fedcba" {
		t.Errorf("stamped: %q", got)
	}
}

// A binary built from a clone names the commit it was built from (#15.15):
// the test clones this repository's HEAD and builds benchy there.
func TestVersionShowsRevision(t *testing.T) {
	if testing.Short() {
		t.Skip("builds benchy in a fresh clone")
	}
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("not in a git clone: %v", err)
	}
	root, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Fatal(err)
	}
	clone := filepath.Join(t.TempDir(), "clone")
	if out, err := exec.Command("git", "clone", "-q", "--shared", strings.TrimSpace(string(root)), clone).CombinedOutput(); err != nil {
		t.Fatalf("git clone: %v\n%s", err, out)
	}
	bin := filepath.Join(t.TempDir(), "benchy")
	build := exec.Command("go", "build", "-buildvcs=true", "-o", bin, "./cmd/benchy")
	build.Dir = clone
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	checkVersionRevision(t, bin, strings.TrimSpace(string(head))+" (")
	// make build links the revision in, for trees the go command cannot
	// stamp (here: VCS stamping off).
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make")
	}
	mk := exec.Command("make", "build", "BIN="+bin)
	mk.Dir = clone
	mk.Env = append(os.Environ(), "GOFLAGS=-buildvcs=false")
	if out, err := mk.CombinedOutput(); err != nil {
		t.Fatalf("make build: %v\n%s", err, out)
	}
	checkVersionRevision(t, bin, strings.TrimSpace(string(head))+" (from make build)")
}

// checkVersionRevision runs bin version and wants its second line to start
// with "revision " + want.
func checkVersionRevision(t *testing.T, bin, want string) {
	t.Helper()
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "benchy ") || !strings.HasPrefix(lines[1], "revision "+want) {
		t.Errorf("benchy version:\n%s\nwant a second line revision %s", out, want)
	}
}
