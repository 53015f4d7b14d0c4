package suites_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/benchy-dev/benchy/suites"
)

// loadString loads src as a suite file in a fresh directory and fails the
// test on errors.
func loadString(t *testing.T, src string, opts suites.Options) *suites.Plan {
	t.Helper()
	p, l, diags := tryLoad(t, src, opts)
	if diags.HasErrors() || p == nil {
		t.Fatalf("unexpected errors:\n%s", render(l, diags))
	}
	return p
}

func tryLoad(t *testing.T, src string, opts suites.Options) (*suites.Plan, *suites.Loader, hcl.Diagnostics) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "s.benchy.hcl")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if opts.Cwd == "" {
		opts.Cwd = dir
	}
	l := suites.NewLoader(opts)
	p, diags := l.LoadFile(path)
	return p, l, diags
}

type instance struct {
	workload string
	arms     []string // name, with a "*" suffix for the baseline
}

func instances(p *suites.Plan) []instance {
	var out []instance
	for _, w := range p.Workloads {
		in := instance{workload: w.Name}
		for _, a := range w.Arms {
			n := a.Name
			if a.Baseline {
				n += "*"
			}
			in.arms = append(in.arms, n)
		}
		out = append(out, in)
	}
	return out
}

func TestExpansion(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []instance
	}{
		{
			name: "no matrix",
			src: `
workload "w" {
  arm "a" {
    baseline = true
    probe { value = "a" }
  }
  arm "b" {
    probe { value = "b" }
  }
}`,
			want: []instance{{"w", []string{"a*", "b"}}},
		},
		{
			name: "workload and arm matrices in declaration order, with exclude",
			src: `
workload "pose" {
  matrix {
    resolution = ["224x320", "288x384"]
    batch      = [1, 8]
  }
  arm "onnx" {
    matrix {
      precision = ["fp32", "fp16", "int8"]
      exclude   = [{ resolution = "288x384", batch = 8, precision = "int8" }]
    }
    baseline = matrix.precision == "fp32"
    probe { value = "${matrix.resolution}-${matrix.batch}-${matrix.precision}" }
  }
}`,
			want: []instance{
				{"pose/resolution=224x320/batch=1", []string{"onnx/precision=fp32*", "onnx/precision=fp16", "onnx/precision=int8"}},
				{"pose/resolution=224x320/batch=8", []string{"onnx/precision=fp32*", "onnx/precision=fp16", "onnx/precision=int8"}},
				{"pose/resolution=288x384/batch=1", []string{"onnx/precision=fp32*", "onnx/precision=fp16", "onnx/precision=int8"}},
				{"pose/resolution=288x384/batch=8", []string{"onnx/precision=fp32*", "onnx/precision=fp16"}},
			},
		},
		{
			name: "workload exclude, numbers named in shortest form",
			src: `
workload "g" {
  matrix {
    rows    = [1e4, 1e7, 0.5]
    exclude = [{ rows = 1e7 }]
  }
  arm "x" {
    baseline = true
    probe { value = "r${matrix.rows}" }
  }
}`,
			want: []instance{{"g/rows=10000", []string{"x*"}}, {"g/rows=0.5", []string{"x*"}}},
		},
		{
			name: "arm matrix may depend on the workload instance",
			src: `
workload "w" {
  matrix {
    size = ["small", "large"]
  }
  arm "a" {
    matrix {
      threads = matrix.size == "small" ? [1] : [1, 2]
    }
    baseline = matrix.threads == 1
    probe { value = "v" }
  }
}`,
			want: []instance{{"w/size=small", []string{"a/threads=1*"}}, {"w/size=large", []string{"a/threads=1*", "a/threads=2"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := loadString(t, tt.src, suites.Options{})
			if got := instances(p); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("instances:\n got %v\nwant %v", got, tt.want)
			}
			for _, w := range p.Workloads {
				if w.Baseline() == nil {
					t.Errorf("%s has no baseline", w.Name)
				}
			}
		})
	}
}

func TestConfigAndSettings(t *testing.T) {
	src := `
variable "n" {
  type    = number
  default = 3
}
locals {
  tags = [for i in range(var.n) : "t${i}"]
}
run {
  min_blocks  = 4
  max_blocks  = 8
  seed        = 42
  time_budget = "5m"
  iterations  = 7
}
workload "w" {
  description = "n=${var.n}"
  metric      = "ms"
  better      = "higher"
  setup       = ["make", "data"]
  requires {
    min_gpu_memory = "8GiB"
  }
  run {
    max_blocks     = 20
    cooldown       = "250ms"
    min_block_time = "1s"
  }
  arm "a" {
    baseline      = true
    timeout       = "90s"
    env           = { A = "1" }
    workdir       = "sub"
    fresh_process = true
    requires {
      compute_capability = ">=7.5"
    }
    probe {
      value = "x"
      n     = var.n
      tags  = local.tags
    }
  }
}`
	p := loadString(t, src, suites.Options{})
	if !p.Run.SeedSet || p.Run.Seed != 42 || p.Run.MinBlocks != 4 || p.Run.MaxBlocks != 8 || p.Run.Iterations != 7 || p.Run.TimeBudget != 5*time.Minute {
		t.Errorf("suite run settings: %+v", p.Run)
	}
	w := p.Workloads[0]
	wantRun := p.Run
	wantRun.MaxBlocks, wantRun.Cooldown, wantRun.MinBlockTime = 20, 250*time.Millisecond, time.Second
	if w.Run != wantRun {
		t.Errorf("workload run settings:\n got %+v\nwant %+v", w.Run, wantRun)
	}
	if w.Description != "n=3" || w.Metric != "ms" || w.Better != "higher" || !reflect.DeepEqual(w.Setup, []string{"make", "data"}) {
		t.Errorf("workload: %+v", w)
	}
	if w.Requires != (suites.Requires{GPU: true, MinGPUMemory: 8 << 30}) {
		t.Errorf("workload requires: %+v", w.Requires)
	}
	a := w.Arms[0]
	if a.Timeout != 90*time.Second || a.Env["A"] != "1" || a.Workdir != "sub" || !a.FreshProcess || a.Runner != "probe" {
		t.Errorf("arm: %+v", a)
	}
	if a.Requires != (suites.Requires{GPU: true, MinGPUMemory: 8 << 30, ComputeCapability: ">= 7.5"}) {
		t.Errorf("arm requires: %+v", a.Requires)
	}
	var cfg map[string]any
	if err := json.Unmarshal(a.Config, &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg["value"] != "x" || cfg["n"] != 3.0 || !reflect.DeepEqual(cfg["tags"], []any{"t0", "t1", "t2"}) {
		t.Errorf("config: %s", a.Config)
	}
	if a.At.Line != 29 || w.At.Line != 16 {
		t.Errorf("locations: workload %+v arm %+v", w.At, a.At)
	}
}

func TestDefaults(t *testing.T) {
	p := loadString(t, `
workload "w" {
  arm "a" {
    baseline = true
    probe { value = "x" }
  }
}`, suites.Options{})
	if p.Run != suites.DefaultRun {
		t.Errorf("run = %+v, want DefaultRun", p.Run)
	}
	w := p.Workloads[0]
	if w.Metric != suites.DefaultMetric || w.Better != suites.BetterLower || w.Run != suites.DefaultRun {
		t.Errorf("workload defaults: %+v", w)
	}
	if p.Name != "s" || !filepath.IsAbs(p.Dir) || len(p.SHA256) != 64 || len(p.Source) == 0 {
		t.Errorf("plan identity: name %q dir %q sha %q", p.Name, p.Dir, p.SHA256)
	}
}

func TestVariablePrecedence(t *testing.T) {
	const src = `
variable "a" {
  default = "default"
}
variable "b" {
  default = "default"
}
variable "c" {
  default = "default"
}
variable "d" {
  default = "default"
}
variable "e" {
  default = "default"
}
variable "sizes" {
  type    = list(number)
  default = [1]
}
workload "w" {
  arm "x" {
    baseline = true
    probe {
      value = join(",", [var.a, var.b, var.c, var.d, var.e])
      tags  = [for s in var.sizes : tostring(s)]
    }
  }
}`
	dir := t.TempDir()
	path := filepath.Join(dir, "s.benchy.hcl")
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("s.benchy.hcl", src)
	write("x.auto.benchyvars.hcl", "c = \"auto\"\nd = \"auto\"\ne = \"auto\"\n")
	write("extra.benchyvars.hcl", "d = \"file\"\ne = \"file\"\n")
	l := suites.NewLoader(suites.Options{
		Env:      []string{"BENCHY_VAR_b=env", "BENCHY_VAR_c=env", "BENCHY_VAR_sizes=[2, 3]", "BENCHY_VAR_undeclared=x", "HOME=/root"},
		VarFiles: []string{filepath.Join(dir, "extra.benchyvars.hcl")},
		Vars:     []string{"e=cli"},
	})
	p, diags := l.LoadFile(path)
	if diags.HasErrors() {
		t.Fatal(render(l, diags))
	}
	var cfg struct {
		Value string
		Tags  []string
	}
	if err := json.Unmarshal(p.Workloads[0].Arms[0].Config, &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Value != "default,env,auto,file,cli" {
		t.Errorf("values = %q, want default,env,auto,file,cli", cfg.Value)
	}
	if !reflect.DeepEqual(cfg.Tags, []string{"2", "3"}) {
		t.Errorf("collection from env parsed as HCL: %v", cfg.Tags)
	}
	sources := map[string]string{}
	for _, v := range p.Variables {
		sources[v.Name] = v.Source
	}
	want := map[string]string{"a": "default", "b": "env", "c": "var-file", "d": "var-file", "e": "cli", "sizes": "env"}
	if !reflect.DeepEqual(sources, want) {
		t.Errorf("sources = %v, want %v", sources, want)
	}
}

func TestSensitiveRedacted(t *testing.T) {
	p := loadString(t, `
variable "token" {
  type      = string
  default   = "hunter2-secret"
  sensitive = true
}
workload "w" {
  arm "a" {
    baseline = true
    probe { value = "--token=${var.token}" }
  }
}`, suites.Options{})
	r := p.Redacted()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "hunter2") {
		t.Errorf("redacted plan leaks the secret: %s", b)
	}
	if string(r.Variables[0].Value) != suites.Redacted {
		t.Errorf("variable shows %s", r.Variables[0].Value)
	}
	// The original plan keeps the value for execution.
	if !strings.Contains(string(p.Workloads[0].Arms[0].Config), "hunter2-secret") {
		t.Errorf("the plan itself lost the value: %s", p.Workloads[0].Arms[0].Config)
	}
}

func TestJSONSuite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "gen.benchy.json")
	src := `{
  "variable": {"n": {"default": 2}},
  "workload": {"w": {
    "matrix": {"k": ["a", "b"]},
    "arm": {
      "base": {"baseline": true, "probe": {"value": "${matrix.k}-${var.n}"}},
      "alt": {"probe": {"value": "alt"}}
    }
  }}
}`
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	l := suites.NewLoader(suites.Options{Cwd: dir})
	p, diags := l.LoadFile(path)
	if diags.HasErrors() {
		t.Fatal(render(l, diags))
	}
	want := []instance{{"w/k=a", []string{"base*", "alt"}}, {"w/k=b", []string{"base*", "alt"}}}
	if got := instances(p); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v want %v", got, want)
	}
	if p.Name != "gen" {
		t.Errorf("name %q", p.Name)
	}
}

func TestLoadArguments(t *testing.T) {
	l := suites.NewLoader(suites.Options{Cwd: t.TempDir()})
	if _, diags := l.Load("quikstart"); !diags.HasErrors() || !strings.Contains(diags[0].Detail, `Did you mean "quickstart"?`) {
		t.Errorf("unknown built-in: %v", diags)
	}
	if _, diags := l.Load("builtin:quickstart"); diags.HasErrors() {
		t.Errorf("builtin:quickstart: %v", diags)
	}
	if _, diags := l.Load("missing/suite.benchy.hcl"); !diags.HasErrors() || diags[0].Summary != "Cannot read suite file" {
		t.Errorf("missing file: %v", diags)
	}
	if got := suites.Builtins(); !contains(got, "quickstart") {
		t.Errorf("Builtins() = %v", got)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestRequiredVersion(t *testing.T) {
	tests := []struct {
		constraint, version string
		ok                  bool
	}{
		{">= 0.1", "v0.1.0-dev", true},
		{">= 0.2", "v0.1.5", false},
		{"~> 0.1", "v0.9.0", true},
		{"~> 0.1", "v1.0.0", false},
		{"~> 0.1.2", "v0.1.9", true},
		{"~> 0.1.2", "v0.2.0", false},
		{">= 0.1, < 0.3", "v0.2.1", true},
		{"!= 0.2.1", "0.2.1", false},
		{"0.2", "v0.2.0", true},
	}
	for _, tt := range tests {
		src := `benchy {
  required_version = "` + tt.constraint + `"
}
workload "w" {
  arm "a" {
    baseline = true
    probe { value = "x" }
  }
}`
		_, _, diags := tryLoad(t, src, suites.Options{Version: tt.version})
		if diags.HasErrors() == tt.ok {
			t.Errorf("%q with %s: errors %v, want ok=%v", tt.constraint, tt.version, diags, tt.ok)
		}
	}
}

func TestParseBytes(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
		err  bool
	}{
		{"8GiB", 8 << 30, false},
		{"8 GB", 8e9, false},
		{"512MiB", 512 << 20, false},
		{"1.5gib", 3 << 29, false},
		{"1024", 1024, false},
		{"8 gigs", 0, true},
		{"-1GiB", 0, true},
		{"", 0, true},
	}
	for _, tt := range tests {
		got, err := suites.ParseBytes(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d, err=%v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestFormat(t *testing.T) {
	l := suites.NewLoader(suites.Options{})
	out, diags := l.Format("x.benchy.hcl", []byte("run {\nwarmup=1\n  min_blocks = 3\n}"))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if want := "run {\n  warmup     = 1\n  min_blocks = 3\n}\n"; string(out) != want {
		t.Errorf("Format = %q, want %q", out, want)
	}
	if ok, _ := l.Canonical("x.benchy.hcl", out); !ok {
		t.Error("formatted output is not canonical")
	}
	if _, diags := l.Format("y.benchy.hcl", []byte("run {\n")); !diags.HasErrors() {
		t.Error("no error for a truncated file")
	}
	for _, name := range suites.Builtins() {
		src, err := os.ReadFile(name + ".benchy.hcl") // the built-ins are this folder's suites
		if err != nil {
			t.Fatal(err)
		}
		if ok, diags := l.Canonical(name+".benchy.hcl", src); !ok {
			t.Errorf("built-in suite %s is not canonical (run benchy fmt suites/): %v", name, diags)
		}
	}
}
