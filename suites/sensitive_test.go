package suites_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchy-dev/benchy/suites"
)

// plainWorkload completes a test suite whose errors are elsewhere.
const plainWorkload = `
workload "w" {
  arm "a" {
    baseline = true
    exec { command = ["true"] }
  }
}`

// TestSensitiveValuesNeverPrinted loads failing suites whose errors involve
// a sensitive variable and searches everything a user would see (the
// rendered diagnostics and the plan's warnings) for the secret. Each suite
// is loaded a second time with sensitive = false, which must show the
// secret: that proves the case reaches a place that would print it.
func TestSensitiveValuesNeverPrinted(t *testing.T) {
	const secret = "hunter2"
	tests := []struct {
		name string
		src  string // %s is the sensitive flag
		opts suites.Options
		// varFile, when set, is written next to the suite as vars.hcl and
		// passed with --var-file.
		varFile string
		// hidden is true when the plain load does not print the value
		// either (the case guards a message that quotes part of it).
		hidden bool
	}{
		{name: "validation message", opts: suites.Options{Vars: []string{"pw=" + secret}}, src: `
variable "pw" {
  sensitive = %s
  validation {
    condition     = strlen(var.pw) > 10
    error_message = "The password ${var.pw} is too short."
  }
}` + plainWorkload},
		{name: "validation message computed from the value", opts: suites.Options{Vars: []string{"pw=" + secret}}, src: `
variable "pw" {
  sensitive = %s
  validation {
    condition     = strlen(var.pw) > 10
    error_message = format("The password %q is too short.", var.pw)
  }
}` + plainWorkload},
		{name: "validation condition error", opts: suites.Options{Env: []string{"BENCHY_VAR_pw=" + secret}}, src: `
variable "pw" {
  sensitive = %s
  validation {
    condition     = var.pw * 2 > 0
    error_message = "Bad."
  }
}` + plainWorkload},
		{name: "operand in a command", opts: suites.Options{Vars: []string{"pw=" + secret}}, src: `
variable "pw" { sensitive = %s }
workload "w" {
  arm "a" {
    baseline = true
    exec { command = [var.pw, 1 + var.pw] }
  }
}`},
		{name: "local computed from the value", opts: suites.Options{Vars: []string{"pw=" + secret}}, src: `
variable "pw" { sensitive = %s }
locals {
  dsn  = "postgres://bench:${var.pw}@db/x"
  dsn2 = upper(local.dsn)
}
workload "w" {
  arm "a" {
    baseline = true
    exec { command = ["true", local.dsn * 2, local.dsn2 * 2] }
  }
}`},
		{name: "function argument", opts: suites.Options{Vars: []string{"pw=" + secret}}, src: `
variable "pw" { sensitive = %s }
locals {
  n = parseint(var.pw, 10)
}` + plainWorkload},
		{name: "matrix axis", opts: suites.Options{Vars: []string{"pw=" + secret}}, src: `
variable "pw" { sensitive = %s }
workload "w" {
  matrix {
    p = [var.pw]
  }
  arm "a" {
    baseline = true
    exec { command = ["true", matrix.p * 2] }
  }
}`},
		{name: "arm matrix value in an instance name", opts: suites.Options{Vars: []string{"pw=" + secret + "/x"}}, src: `
variable "pw" { sensitive = %s }
workload "w" {
  arm "a" {
    matrix { p = [var.pw] }
    baseline = true
    exec { command = ["true"] }
  }
}`},
		{name: "duration", opts: suites.Options{Vars: []string{"pw=" + secret}}, src: `
variable "pw" { sensitive = %s }
workload "w" {
  arm "a" {
    baseline = true
    timeout  = var.pw
    exec { command = ["true"] }
  }
}`},
		{name: "type of a variable file value", varFile: `pw = ["` + secret + `"]`, src: `
variable "pw" {
  type      = string
  sensitive = %s
}` + plainWorkload},
		{name: "unparsable environment value", hidden: true, opts: suites.Options{Env: []string{`BENCHY_VAR_pw=["` + secret}}, src: `
variable "pw" {
  type      = list(string)
  sensitive = %s
}` + plainWorkload},
		{name: "exclude warning", opts: suites.Options{Vars: []string{"pw=" + secret}}, src: `
variable "pw" { sensitive = %s }
workload "w" {
  matrix {
    size    = [1, 2]
    exclude = [{ size = var.pw }]
  }
  arm "a" {
    baseline = true
    exec { command = ["true"] }
  }
}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			shown := map[string]string{}
			for _, sensitive := range []string{"true", "false"} {
				dir := t.TempDir()
				opts := tc.opts
				opts.Cwd = dir
				if tc.varFile != "" {
					vf := filepath.Join(dir, "vars.hcl")
					if err := os.WriteFile(vf, []byte(tc.varFile+"\n"), 0o644); err != nil {
						t.Fatal(err)
					}
					opts.VarFiles = []string{vf}
				}
				path := filepath.Join(dir, "s.benchy.hcl")
				if err := os.WriteFile(path, []byte(strings.Replace(tc.src, "%s", sensitive, 1)), 0o644); err != nil {
					t.Fatal(err)
				}
				l := suites.NewLoader(opts)
				p, diags := l.LoadFile(path)
				if len(diags) == 0 {
					t.Fatalf("sensitive = %s: no diagnostics", sensitive)
				}
				out := render(l, diags)
				if p != nil {
					out += strings.Join(p.Warnings, "\n")
				}
				shown[sensitive] = out
			}
			if strings.Contains(shown["true"], secret) {
				t.Errorf("the sensitive value is printed:\n%s", shown["true"])
			}
			if !tc.hidden && !strings.Contains(shown["false"], secret) {
				t.Errorf("the case does not reach a place that prints the value; with sensitive = false:\n%s", shown["false"])
			}
		})
	}
}
