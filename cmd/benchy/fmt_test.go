package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const canonicalSuite = `workload "w" {
  arm "a" {
    baseline = true
    exec {
      command = ["true"]
    }
  }
}
`

const messySuite = `workload "w" {
arm "a" {
    baseline=true
    exec { command = ["true"] }
  }
}
`

func TestFmtCheck(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.benchy.hcl")
	messy := filepath.Join(dir, "messy.benchy.hcl")
	other := filepath.Join(dir, "notes.txt")
	for path, src := range map[string]string{good: canonicalSuite, messy: messySuite, other: "not hcl {"} {
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	if code, out, errb := suiteCmd(t, "fmt", "--check", good); code != 0 || out != "" || errb != "" {
		t.Errorf("canonical file: exit %d, stdout %q, stderr %q", code, out, errb)
	}
	code, out, errb := suiteCmd(t, "fmt", "--check", dir)
	if code != exitFailure || out != messy+"\n" || errb != "" {
		t.Errorf("directory with a messy file: exit %d, stdout %q, stderr %q", code, out, errb)
	}
	if src, _ := os.ReadFile(messy); string(src) != messySuite {
		t.Error("--check changed the file")
	}

	if code, out, errb := suiteCmd(t, "fmt", dir); code != 0 || out != messy+"\n" {
		t.Errorf("fmt: exit %d, stdout %q, stderr %q", code, out, errb)
	}
	src, _ := os.ReadFile(messy)
	if !strings.Contains(string(src), "    baseline = true\n") {
		t.Errorf("fmt did not rewrite the file:\n%s", src)
	}
	if code, _, errb := suiteCmd(t, "fmt", "--check", dir); code != 0 {
		t.Errorf("after fmt, --check exits %d: %s", code, errb)
	}
}

// TestFmtKeepsMode: rewriting a suite keeps its permissions (a private
// suite stays private) and leaves no temporary file.
func TestFmtKeepsMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "private.benchy.hcl")
	if err := os.WriteFile(path, []byte(messySuite), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o640); err != nil { // exactly, whatever the umask
		t.Fatal(err)
	}
	if code, _, errb := suiteCmd(t, "fmt", path); code != 0 {
		t.Fatalf("fmt: exit %d: %s", code, errb)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o640 {
		t.Errorf("mode after fmt = %v, want -rw-r-----", st.Mode().Perm())
	}
	if src, _ := os.ReadFile(path); !strings.Contains(string(src), "    baseline = true\n") {
		t.Errorf("not rewritten:\n%s", src)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("files left beside the suite: %v", entries)
	}
}

func TestFmtSyntaxError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "broken.benchy.hcl")
	src := "workload \"w\" {\n  arm \"a\" {\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errb := suiteCmd(t, "fmt", path)
	if code != exitUsage || !strings.Contains(errb, "Error: Unclosed configuration block") || !strings.Contains(errb, ".benchy.hcl:2:") {
		t.Errorf("exit %d, stderr:\n%s", code, errb)
	}
	if got, _ := os.ReadFile(path); string(got) != src {
		t.Error("a file with syntax errors was rewritten")
	}
}

func TestFmtBuiltinSuitesAreCanonical(t *testing.T) {
	if code, out, errb := suiteCmd(t, "fmt", "--check", filepath.Join("..", "..", "suites")); code != 0 {
		t.Errorf("exit %d: not canonical: %s %s", code, out, errb)
	}
}

// TestFmtFormatsALinksTarget: a symbolic link, named or found in a
// directory, stays a link and its target is formatted.
func TestFmtFormatsALinksTarget(t *testing.T) {
	for _, viaDir := range []bool{false, true} {
		dir := t.TempDir()
		target := filepath.Join(dir, "a.benchy.hcl")
		if err := os.WriteFile(target, []byte(messySuite), 0o644); err != nil {
			t.Fatal(err)
		}
		links := t.TempDir()
		link := filepath.Join(links, "l.benchy.hcl")
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
		arg := link
		if viaDir {
			arg = links
		}
		if code, out, errb := suiteCmd(t, "fmt", arg); code != 0 || out != link+"\n" {
			t.Fatalf("fmt %s: exit %d, stdout %q, stderr %q", arg, code, out, errb)
		}
		if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
			t.Errorf("fmt %s: the link is gone (%v, %v)", arg, st.Mode(), err)
		}
		if code, _, _ := suiteCmd(t, "fmt", "--check", target); code != 0 {
			src, _ := os.ReadFile(target)
			t.Errorf("fmt %s: target not formatted:\n%s", arg, src)
		}
	}
}
