package main

import (
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
			"revision unknown (built without VCS info: go run, go install of a module version, or -buildvcs=false)"},
		{&debug.BuildInfo{Main: debug.Module{Version: "v0.1.0"}},
			"revision unknown (installed as module version v0.1.0, which carries no VCS info)"},
		{nil, "revision unknown (the binary carries no build information)"},
	} {
		if got := revisionText(tc.info); got != tc.want {
			t.Errorf("revisionText = %q, want %q", got, tc.want)
		}
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
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "benchy ") || !strings.HasPrefix(lines[1], "revision "+strings.TrimSpace(string(head))+" (") {
		t.Errorf("benchy version:\n%s\nwant a second line revision %s", out, head)
	}
}
