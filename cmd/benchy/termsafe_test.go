package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// hostile holds what must not reach a terminal raw: OSC (a title, ended by
// BEL), CSI (clear screen) and a C1 CSI.
const hostile = "\x1b]0;pwn\a\x1b[2J\u009b31m"

func assertTermSafe(t *testing.T, what, out string) {
	t.Helper()
	if strings.ContainsAny(out, "\x1b\a\u009b") {
		t.Errorf("%s prints control characters raw: %q", what, out)
	}
	if !strings.Contains(out, `\x1b]0;pwn\x07\x1b[2J\u009b31m`) {
		t.Errorf("%s does not show the escaped text: %q", what, out)
	}
}

// TestTermSafePrinting: text benchy prints from a suite, the environment
// or an error is escaped (termtext) on the terminal.
func TestTermSafePrinting(t *testing.T) {
	t.Run("plan", func(t *testing.T) {
		path := writePlanSuite(t, `
workload "w" {
  description = "about \u001b]0;pwn\u0007\u001b[2J\u009b31m"
  published {
    source = "src \u001b]0;pwn\u0007\u001b[2J\u009b31m"
    claim  = "claim \u001b]0;pwn\u0007\u001b[2J\u009b31m"
    arms   = { a = "fig \u001b]0;pwn\u0007\u001b[2J\u009b31m" }
  }
  arm "a" {
    baseline = true
    exec {
      command = ["true"]
    }
  }
}
`)
		code, out, errb := suiteCmd(t, "plan", path)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errb)
		}
		for _, line := range []string{"about ", "src ", "claim ", "fig "} {
			i := strings.Index(out, line)
			if i < 0 {
				t.Fatalf("plan does not show %q:\n%s", line, out)
			}
		}
		assertTermSafe(t, "plan", out)
	})
	t.Run("env", func(t *testing.T) {
		t.Setenv("OMP_NUM_THREADS", "4"+hostile)
		var stdout, stderr bytes.Buffer
		if code := run([]string{"env"}, &stdout, &stderr); code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		assertTermSafe(t, "env", stdout.String())
	})
	t.Run("error", func(t *testing.T) {
		code, _, errb := benchy(t, "report", filepath.Join(t.TempDir(), "r"+hostile+".json"))
		if code != exitUsage {
			t.Fatalf("exit %d: %s", code, errb)
		}
		assertTermSafe(t, "an error", errb)
	})
}
