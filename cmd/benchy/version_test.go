package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/benchy-dev/benchy/hw"
)

// One rule (hw.ReadBuildStamp) gives the commit that `benchy version` shows and
// the one results record in their benchy field (versionString), from the
// go command's stamp or, without one, make build's linked revision.
func TestBuildStamp(t *testing.T) {
	set := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	const sha = "0123456789abcdef0123456789abcdef01234567"
	devel := debug.Module{Version: "(devel)"}
	for _, tc := range []struct {
		name          string
		info          *debug.BuildInfo
		linked        string
		version, text string
	}{
		{"stamped", &debug.BuildInfo{Main: devel, Settings: set("vcs.revision", sha, "vcs.time", "2026-12-01T19:00:00Z", "vcs.modified", "false")}, "",
			"v1.2.3+0123456789ab", "revision " + sha + " (2026-12-01T19:00:00Z)"},
		{"stamped dirty", &debug.BuildInfo{Settings: set("vcs.revision", sha, "vcs.modified", "true")}, "",
			"v1.2.3+0123456789ab+modified", "revision " + sha + ", with uncommitted changes"},
		{"linked", &debug.BuildInfo{Main: devel}, sha, "v1.2.3+0123456789ab", "revision " + sha + " (from make build)"},
		{"linked dirty", &debug.BuildInfo{Main: devel}, sha + "+modified",
			"v1.2.3+0123456789ab+modified", "revision " + sha + " (from make build), with uncommitted changes"},
		{"linked, no build info", nil, sha + "+modified",
			"v1.2.3+0123456789ab+modified", "revision " + sha + " (from make build), with uncommitted changes"},
		{"linked short", nil, "abc1234", "v1.2.3+abc1234", "revision abc1234 (from make build)"},
		// The go command's own stamp wins, dirty flag included.
		{"stamp over linked", &debug.BuildInfo{Settings: set("vcs.revision", "fedcba9876543210", "vcs.modified", "false")}, sha + "+modified",
			"v1.2.3+fedcba987654", "revision fedcba9876543210"},
		{"none", &debug.BuildInfo{Main: devel}, "",
			"v1.2.3", "revision unknown (built without VCS info: go run, go install of a module version, -buildvcs=false, or a git worktree)"},
		{"module version", &debug.BuildInfo{Main: debug.Module{Version: "v0.1.0"}}, "",
			"v1.2.3", "revision unknown (installed as module version v0.1.0, which carries no VCS info)"},
		{"no build info", nil, "", "v1.2.3", "revision unknown (the binary carries no build information)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := versionString("v1.2.3", hw.ReadBuildStamp(tc.info, tc.linked)); got != tc.version {
				t.Errorf("version %q, want %q", got, tc.version)
			}
			if got := revisionText(tc.info, tc.linked); got != tc.text {
				t.Errorf("revision text %q, want %q", got, tc.text)
			}
		})
	}
}

// A binary built from a clone names the commit it was built from (#15.15),
// in `benchy version` and in the benchy field of what it records: the
// test clones this repository's HEAD and builds benchy there, with the go
// command's stamp and with make build's, clean and with a change.
func TestVersionShowsRevision(t *testing.T) {
	if testing.Short() {
		t.Skip("builds benchy in a fresh clone")
	}
	out, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("not in a git clone: %v", err)
	}
	head := strings.TrimSpace(string(out))
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
	checkVersionRevision(t, bin, head+" (", "+"+head[:12])
	// make build links the revision in, for trees the go command cannot
	// stamp (here: VCS stamping off).
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make")
	}
	makeBuild := func() {
		t.Helper()
		mk := exec.Command("make", "build", "BIN="+bin)
		mk.Dir = clone
		mk.Env = append(os.Environ(), "GOFLAGS=-buildvcs=false")
		if out, err := mk.CombinedOutput(); err != nil {
			t.Fatalf("make build: %v\n%s", err, out)
		}
	}
	makeBuild()
	checkVersionRevision(t, bin, head+" (from make build)", "+"+head[:12])
	readme := filepath.Join(clone, "README.md")
	b, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(readme, append(b, "\nan uncommitted change\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	makeBuild()
	checkVersionRevision(t, bin, head+" (from make build), with uncommitted changes", "+"+head[:12]+"+modified")
}

// checkVersionRevision runs bin version and wants its second line to start
// with "revision " + want, and the version on its first line, which is
// what bin records (benchy env's benchy field here), to end with suffix.
func checkVersionRevision(t *testing.T, bin, want, suffix string) {
	t.Helper()
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[1], "revision "+want) {
		t.Errorf("benchy version:\n%s\nwant a second line revision %s", out, want)
	}
	first := strings.Fields(lines[0])
	if len(first) < 2 || first[0] != "benchy" || !strings.HasSuffix(first[1], suffix) {
		t.Errorf("benchy version:\n%s\nwant a version ending %s", out, suffix)
	}
	env, err := exec.Command(bin, "env", "--format", "json").Output()
	if err != nil {
		t.Fatalf("benchy env: %v", err)
	}
	var inv struct{ Benchy string }
	if err := json.Unmarshal(env, &inv); err != nil {
		t.Fatalf("benchy env: %v\n%s", err, env)
	}
	if len(first) < 2 || inv.Benchy != first[1] {
		t.Errorf("benchy env records benchy %q; benchy version says %q", inv.Benchy, lines[0])
	}
}
