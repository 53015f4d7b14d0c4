package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	code, out, errb := suiteCmd(t, "validate", "quickstart", "gaussrank")
	if code != 0 || errb != "" {
		t.Fatalf("exit %d: %s", code, errb)
	}
	want := "builtin:quickstart: valid (1 workload instance, 2 arm instances)\nbuiltin:gaussrank: valid (4 workload instances, 16 arm instances)\n"
	if out != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, want)
	}
}

func TestValidateReportsEveryBrokenSuite(t *testing.T) {
	bad := func(name string) string {
		return filepath.Join("..", "..", "suites", "testdata", "bad", name+".benchy.hcl")
	}
	code, out, errb := suiteCmd(t, "validate", bad("no_baseline"), "quickstart", bad("typo_attr"))
	if code != exitUsage {
		t.Fatalf("exit %d, want %d", code, exitUsage)
	}
	if out != "" {
		t.Errorf("stdout: %q", out)
	}
	for _, want := range []string{"Error: Workload needs exactly one baseline arm", "Error: Unsupported argument", "no_baseline.benchy.hcl line 2", "typo_attr.benchy.hcl line 3"} {
		if !strings.Contains(errb, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errb)
		}
	}
}

func TestValidateWarningsDoNotFail(t *testing.T) {
	code, out, errb := suiteCmd(t, "validate", filepath.Join("..", "..", "suites", "testdata", "bad", "exclude_nothing.benchy.hcl"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	if !strings.Contains(errb, "Warning: Exclude matches nothing") || !strings.Contains(out, "valid (2 workload instances, 3 arm instances)") {
		t.Errorf("stdout %q stderr:\n%s", out, errb)
	}
}
