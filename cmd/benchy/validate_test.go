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
	for _, want := range []string{"Error: Workload needs exactly one baseline arm", "Error: Unsupported argument", "no_baseline.benchy.hcl:2:", "typo_attr.benchy.hcl:3:"} {
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

// TestValidateHidesSensitiveValues runs validate on suites whose errors
// involve a sensitive variable given on the command line and in the
// environment: neither value may reach stdout or stderr.
func TestValidateHidesSensitiveValues(t *testing.T) {
	t.Setenv("BENCHY_VAR_pw", "hunter2e")
	bad := func(name string) string {
		return filepath.Join("..", "..", "suites", "testdata", "bad", name+".benchy.hcl")
	}
	code, out, errb := suiteCmd(t, "validate", "--var", "pw=hunter2c", "--var", "pin=hunter2p",
		bad("sensitive_validation"), bad("sensitive_expression"))
	if code != exitUsage {
		t.Fatalf("exit %d, want %d:\n%s", code, exitUsage, errb)
	}
	if strings.Contains(out+errb, "hunter2") {
		t.Errorf("a sensitive value is printed:\n%s%s", out, errb)
	}
	for _, want := range []string{"with var.pw as (sensitive value).\n", "The password (sensitive value) is too short.", "with var.pin as (sensitive value)."} {
		if !strings.Contains(errb, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errb)
		}
	}
}
