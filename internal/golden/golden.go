// Package golden compares test output with golden files under testdata/.
//
// A test calls [Check] with the output it produced and the path of the file
// that holds the expected output:
//
//	golden.Check(t, filepath.Join("testdata", "env.txt"), out.Bytes())
//
// When the output differs, the test fails with a short line diff and the
// command that accepts the new output. Running the tests with -update
// rewrites the golden files instead of comparing them:
//
//	go test ./cmd/benchy -run TestEnvText -update
//
// The package registers the -update flag itself when it is imported, so
// only test code may import it, and a test package that imports it must not
// define its own -update flag.
package golden

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// update is the -update flag: rewrite golden files instead of comparing.
var update = flag.Bool("update", false, "rewrite the golden files under testdata/ instead of comparing with them")

// Check compares got with the contents of the golden file at path, and
// reports a difference as a test error with a line diff and the go test
// command that accepts got. A missing golden file is a test failure that
// says how to create it. With -update, Check writes got to path instead,
// creating its directory if needed, and logs when the file changed.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		old, err := os.ReadFile(path)
		if err == nil && bytes.Equal(old, got) {
			return
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatalf("golden: %v", err)
			return
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("golden: %v", err)
			return
		}
		t.Logf("golden: updated %s", path)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			t.Fatalf("golden file %s does not exist; create it with:\n\t%s", path, UpdateCommand(t))
		} else {
			t.Fatalf("golden: %v", err)
		}
		return
	}
	if bytes.Equal(got, want) {
		return
	}
	t.Errorf("output differs from golden file %s (- want, + got):\n%s\nif the new output is right, accept it with:\n\t%s",
		path, Diff(want, got), UpdateCommand(t))
}

// UpdateCommand returns the go test command that reruns t's test with
// -update, for example
//
//	go test ./suites -run '^TestBadSuites$/^missing_runner$' -update
//
// The package is the test's working directory relative to the module root
// (go test runs each test binary in its package directory).
func UpdateCommand(t testing.TB) string {
	parts := strings.Split(t.Name(), "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return fmt.Sprintf("go test %s -run %s -update", packageDir(), shellQuote(strings.Join(parts, "/")))
}

// packageDir returns the working directory as a go package pattern
// relative to the enclosing module root ("./reports"), or "." when there is
// no go.mod above it.
func packageDir() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	for dir := wd; ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			rel, err := filepath.Rel(dir, wd)
			if err != nil || rel == "." {
				return "."
			}
			return "./" + filepath.ToSlash(rel)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "."
		}
		dir = parent
	}
}

// shellQuote quotes s for a POSIX shell when it holds anything but plain
// word characters.
func shellQuote(s string) string {
	if regexp.MustCompile(`^[A-Za-z0-9_./=-]*$`).MatchString(s) && s != "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
