// Package syspython is the tests' one way to find the interpreter the
// Python paths are tested with: Debian's, which has NumPy and (after
// scripts/setup.sh) PyTorch from apt.
package syspython

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Path is Debian's interpreter.
const Path = "/usr/bin/python3"

// Need skips t, with the reason, when Path is missing or cannot import
// one of modules.
func Need(t testing.TB, modules ...string) {
	t.Helper()
	if _, err := os.Stat(Path); err != nil {
		t.Skipf("skipped: %s is missing (%v); scripts/setup.sh installs it", Path, err)
	}
	for _, m := range modules {
		if out, err := exec.Command(Path, "-c", "import "+m).CombinedOutput(); err != nil {
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			t.Skipf("skipped: %s cannot import %s (%v: %s); scripts/setup.sh installs it", Path, m, err, lines[len(lines)-1])
		}
	}
}
