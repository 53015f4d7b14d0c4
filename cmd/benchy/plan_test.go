package main

import (
	"github.com/benchy-dev/benchy/internal/golden"

	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// suiteCmd runs the CLI in-process and returns the exit code, stdout and
// stderr.
func suiteCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// writePlanSuite writes a suite file into a fresh directory.
func writePlanSuite(t *testing.T, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.benchy.hcl")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// planContract is the part of `benchy plan --format json` that other tools
// rely on.
type planContract struct {
	Workloads []struct {
		Name string `json:"name"`
		Arms []struct {
			Name     string `json:"name"`
			Baseline bool   `json:"baseline"`
			Runner   string `json:"runner"`
		} `json:"arms"`
	} `json:"workloads"`
}

func TestPlanJSONContract(t *testing.T) {
	code, out, errb := suiteCmd(t, "plan", "bodyposenet", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	var p planContract
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	var got []string
	for _, w := range p.Workloads {
		for _, a := range w.Arms {
			got = append(got, strings.Join([]string{w.Name, a.Name, a.Runner, map[bool]string{true: "baseline"}[a.Baseline]}, " "))
		}
	}
	want := []string{
		"bodyposenet/resolution=224x320 onnx/precision=fp32 onnx baseline",
		"bodyposenet/resolution=224x320 onnx/precision=fp16 onnx ",
		"bodyposenet/resolution=224x320 onnx/precision=int8 onnx ",
		"bodyposenet/resolution=288x384 onnx/precision=fp32 onnx baseline",
		"bodyposenet/resolution=288x384 onnx/precision=fp16 onnx ",
		"bodyposenet/resolution=288x384 onnx/precision=int8 onnx ",
		"bodyposenet/resolution=288x384 openpose/precision=fp32 onnx ",
		"bodyposenet/resolution=320x448 onnx/precision=fp32 onnx baseline",
		"bodyposenet/resolution=320x448 onnx/precision=fp16 onnx ",
		"bodyposenet/resolution=320x448 onnx/precision=int8 onnx ",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("plan:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestPlanTextGolden(t *testing.T) {
	for _, name := range []string{"quickstart", "gaussrank", "bodyposenet", "speech-embedding"} {
		t.Run(name, func(t *testing.T) {
			code, out, errb := suiteCmd(t, "plan", name)
			if code != 0 || errb != "" {
				t.Fatalf("exit %d: %s", code, errb)
			}
			golden.Check(t, filepath.Join("testdata", "plan", name+".txt"), []byte(out))
		})
	}
}

// TestPlanRedactsSensitiveValues: a sensitive value shows as (sensitive)
// wherever it reached the plan, in text and in JSON: an environment
// variable's value or name, a runner configuration's key, a command. Names
// that redact to the same text are all shown, numbered.
func TestPlanRedactsSensitiveValues(t *testing.T) {
	const vars = `
variable "token" {
  type      = string
  default   = "not-a-real-token-42x"
  sensitive = true
}
variable "other" {
  default   = "not-a-real-other-17y"
  sensitive = true
}
`
	tests := []struct {
		name string
		arm  string // the arm's attributes and runner block
		// env is how many variables the arm's env must still show, and
		// text what the text output must show.
		env  int
		text []string
	}{
		{"env value and command", `env = { TOKEN = var.token }
    exec { command = ["curl", "-H", "Authorization: ${var.token}", "http://localhost/"] }`,
			1, []string{`env={"TOKEN":"(sensitive)"}`, `"Authorization: (sensitive)"`}},
		{"env name", `env = { (var.token) = "1" }
    exec { command = ["true"] }`,
			1, []string{`env={"(sensitive)":"1"}`}},
		{"env name inside a name", `env = { "X_${upper(var.token)}" = "1" }
    exec { command = ["true"] }`,
			1, []string{`env={"X_(sensitive)":"1"}`}},
		{"two env names that redact alike", `env = { (var.token) = "1", (var.other) = "2", "(sensitive)" = "3" }
    exec { command = ["true"] }`,
			3, []string{`env={"(sensitive)":"3","(sensitive) (2)":"`, `"(sensitive) (3)":"`}},
		{"runner env names", `exec {
      command = ["true"]
      env     = { (var.token) = "1", (var.other) = "2" }
    }`,
			0, []string{`"env":{"(sensitive)":"`, `"(sensitive) (2)":"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writePlanSuite(t, vars+`
workload "w" {
  arm "a" {
    baseline = true
    `+tt.arm+`
  }
}
`)
			for _, format := range []string{"text", "json"} {
				code, out, errb := suiteCmd(t, "plan", path, "--format", format)
				if code != 0 {
					t.Fatalf("%s: exit %d: %s", format, code, errb)
				}
				if strings.Contains(out, "not-a-real-") || strings.Contains(out, "NOT-A-REAL-") {
					t.Errorf("%s output shows a sensitive value:\n%s", format, out)
				}
				if !strings.Contains(out, "(sensitive)") {
					t.Errorf("%s output has no redaction marker:\n%s", format, out)
				}
				if format == "text" {
					for _, want := range tt.text {
						if !strings.Contains(out, want) {
							t.Errorf("text output lacks %s:\n%s", want, out)
						}
					}
					continue
				}
				var p struct {
					Workloads []struct {
						Arms []struct {
							Env map[string]string `json:"env"`
						} `json:"arms"`
					} `json:"workloads"`
				}
				if err := json.Unmarshal([]byte(out), &p); err != nil {
					t.Fatal(err)
				}
				if got := len(p.Workloads[0].Arms[0].Env); got != tt.env {
					t.Errorf("the arm's env shows %d variables, want %d:\n%s", got, tt.env, out)
				}
			}
		})
	}
}

func TestPlanVariables(t *testing.T) {
	dir := t.TempDir()
	suite := filepath.Join(dir, "v.benchy.hcl")
	if err := os.WriteFile(suite, []byte(`
variable "a" {
  default = "default"
}
variable "b" {
  default = "default"
}
variable "c" {
  default = "default"
}

workload "w" {
  arm "x" {
    baseline = true
    exec {
      command = ["echo", var.a, var.b, var.c]
    }
  }
}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	vf := filepath.Join(dir, "my.benchyvars.hcl")
	if err := os.WriteFile(vf, []byte("b = \"file\"\nc = \"file\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("BENCHY_VAR_a", "env")
	t.Setenv("BENCHY_VAR_b", "env")
	code, out, errb := suiteCmd(t, "plan", suite, "--var-file", vf, "--var", "c=cli", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	var p struct {
		Workloads []struct {
			Arms []struct {
				Config struct{ Command []string }
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(p.Workloads[0].Arms[0].Config.Command, " "); got != "echo env file cli" {
		t.Errorf("precedence env < var-file < --var not applied: %q", got)
	}
}

// diagnosticRE matches the diagnostic format: summary, FILE:LINE:COL,
// snippet.
var diagnosticRE = regexp.MustCompile(`(?m)^Error: .+\n\n  on \S+:\d+:\d+.*:\n +\d+: .+\n`)

func TestPlanSuiteErrors(t *testing.T) {
	path := filepath.Join("..", "..", "suites", "testdata", "bad", "many_errors.benchy.hcl")
	code, out, errb := suiteCmd(t, "plan", path)
	if code != exitUsage {
		t.Fatalf("exit %d, want %d", code, exitUsage)
	}
	if out != "" {
		t.Errorf("stdout should be empty, got %q", out)
	}
	if n := len(diagnosticRE.FindAllString(errb, -1)); n != 5 {
		t.Errorf("want all 5 errors with location and snippet, found %d in:\n%s", n, errb)
	}
	for _, want := range []string{`Did you mean "max_blocks"?`, `Inappropriate value for attribute "warmup"`, `Did you mean
"rows"?`} {
		if !strings.Contains(strings.ReplaceAll(errb, "\n", " "), strings.ReplaceAll(want, "\n", " ")) {
			t.Errorf("stderr lacks %q:\n%s", want, errb)
		}
	}
	if !strings.HasSuffix(errb, "benchy: 5 errors in "+path+"\n") {
		t.Errorf("no summary line at the end:\n%s", errb)
	}
}

func TestPlanArguments(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"plan", "quikstart"}, exitUsage, `Did you mean "quickstart"?`},
		{[]string{"plan", "quickstart", "--format", "yaml"}, exitUsage, "--format must be text or json"},
		{[]string{"plan"}, exitUsage, "requires at least 1 arg"},
		{[]string{"plan", "quickstart", "--var", "nope=1"}, exitUsage, `variable "nope" {`},
		{[]string{"plan", "gaussrank", "--var", "max_rows=1e9"}, exitUsage, "between 10000 and 100000000"},
	}
	for _, tt := range tests {
		code, _, errb := suiteCmd(t, tt.args...)
		if code != tt.code || !strings.Contains(errb, tt.want) {
			t.Errorf("benchy %s: exit %d, stderr:\n%s\nwant exit %d and %q", strings.Join(tt.args, " "), code, errb, tt.code, tt.want)
		}
	}
}

func TestPlanMultipleSuitesJSON(t *testing.T) {
	code, out, errb := suiteCmd(t, "plan", "quickstart", "speech-embedding", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	dec := json.NewDecoder(strings.NewReader(out))
	var names []string
	for dec.More() {
		var p struct{ Name string }
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		names = append(names, p.Name)
	}
	if strings.Join(names, ",") != "quickstart,speech-embedding" {
		t.Errorf("documents: %v", names)
	}
}
