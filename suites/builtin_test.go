package suites_test

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/benchy-dev/benchy/internal/golden"
	_ "github.com/benchy-dev/benchy/runners/exec"
	_ "github.com/benchy-dev/benchy/runners/gaussrank"
	_ "github.com/benchy-dev/benchy/runners/onnx"
	_ "github.com/benchy-dev/benchy/runners/python"
	"github.com/benchy-dev/benchy/suites"
)

// loadBuiltin loads a built-in suite with the real runners registered.
func loadBuiltin(t *testing.T, name string, vars ...string) *suites.Plan {
	t.Helper()
	l := suites.NewLoader(suites.Options{Vars: vars, Version: "v0.1.0", Cwd: t.TempDir()})
	p, diags := l.LoadBuiltin(name)
	if diags.HasErrors() || p == nil {
		t.Fatalf("%s: %s", name, render(l, diags))
	}
	if len(diags) > 0 {
		t.Errorf("%s has warnings:\n%s", name, render(l, diags))
	}
	return p
}

// TestBuiltinPlans compares each built-in suite's expansion, run settings
// and decoded runner configurations with testdata/builtin/NAME.plan.json.
func TestBuiltinPlans(t *testing.T) {
	names := suites.Builtins()
	for _, want := range []string{"bodyposenet", "gaussrank", "quickstart", "speech-embedding"} {
		if !contains(names, want) {
			t.Errorf("built-in suite %q is missing from %v", want, names)
		}
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			p := loadBuiltin(t, name)
			p.Dir = "(cwd)"
			b, err := json.MarshalIndent(p, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", "builtin", name+".plan.json"), append(b, '\n'))
		})
	}
}

func TestBodyPoseNetExpansion(t *testing.T) {
	p := loadBuiltin(t, "bodyposenet")
	want := []instance{
		{"bodyposenet/resolution=224x320", []string{"onnx/precision=fp32*", "onnx/precision=fp16", "onnx/precision=int8"}},
		{"bodyposenet/resolution=288x384", []string{"onnx/precision=fp32*", "onnx/precision=fp16", "onnx/precision=int8", "openpose/precision=fp32"}},
		{"bodyposenet/resolution=320x448", []string{"onnx/precision=fp32*", "onnx/precision=fp16", "onnx/precision=int8"}},
	}
	if got := instances(p); !reflect.DeepEqual(got, want) {
		t.Errorf("instances:\n got %v\nwant %v", got, want)
	}
	for _, w := range p.Workloads {
		for _, a := range w.Arms {
			var cfg struct{ Input, Precision, Provider string }
			if err := json.Unmarshal(a.Config, &cfg); err != nil {
				t.Fatal(err)
			}
			if "bodyposenet/resolution="+cfg.Input != w.Name || "precision="+cfg.Precision != a.Axes[0].Name+"="+a.Axes[0].Value || cfg.Provider != "cpu" {
				t.Errorf("%s %s: config %s", w.Name, a.Name, a.Config)
			}
			if a.Requires.GPU {
				t.Errorf("%s %s requires a GPU on the cpu provider", w.Name, a.Name)
			}
		}
	}
	gpu := loadBuiltin(t, "bodyposenet", "provider=cuda")
	if !gpu.Workloads[0].Requires.GPU || !gpu.Workloads[0].Arms[0].Requires.GPU {
		t.Error("provider=cuda does not require a GPU")
	}
}

func TestGaussRankExpansion(t *testing.T) {
	rows := func(p *suites.Plan) []string {
		var out []string
		for _, w := range p.Workloads {
			out = append(out, w.Name)
			if arms := instances(&suites.Plan{Workloads: []*suites.Workload{w}})[0].arms; !reflect.DeepEqual(arms, []string{"numpy*", "go", "go-float32", "cupy"}) {
				t.Errorf("%s arms %v", w.Name, arms)
			}
			if cupy := w.Arms[3]; !cupy.Requires.GPU {
				t.Errorf("%s: the cupy arm does not require a GPU", w.Name)
			}
		}
		return out
	}
	def := []string{"gaussrank/rows=10000", "gaussrank/rows=100000", "gaussrank/rows=1000000", "gaussrank/rows=10000000"}
	if got := rows(loadBuiltin(t, "gaussrank")); !reflect.DeepEqual(got, def) {
		t.Errorf("default sizes %v", got)
	}
	if got := rows(loadBuiltin(t, "gaussrank", "max_rows=1e8")); !reflect.DeepEqual(got, append(def, "gaussrank/rows=100000000")) {
		t.Errorf("max_rows=1e8: %v", got)
	}
	if got := rows(loadBuiltin(t, "gaussrank", "max_rows=100000")); !reflect.DeepEqual(got, def[:2]) {
		t.Errorf("max_rows=1e5: %v", got)
	}
	l := suites.NewLoader(suites.Options{Vars: []string{"max_rows=1e9"}, Cwd: t.TempDir()})
	if _, diags := l.LoadBuiltin("gaussrank"); !diags.HasErrors() || diags[0].Summary != "Invalid value for variable" {
		t.Errorf("max_rows=1e9 accepted: %v", diags)
	}
}

func TestSpeechEmbeddingExpansion(t *testing.T) {
	p := loadBuiltin(t, "speech-embedding")
	if got, want := instances(p), []instance{{"speech-embedding", []string{"trill*", "frill"}}}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v want %v", got, want)
	}
	l := suites.NewLoader(suites.Options{Vars: []string{"provider=gpu"}, Cwd: t.TempDir()})
	if _, diags := l.LoadBuiltin("speech-embedding"); !diags.HasErrors() {
		t.Error("provider=gpu accepted")
	}
}

// TestExampleSuites loads every example suite shipped under examples/, so
// that a change to the language or a runner schema cannot silently break
// them.
func TestExampleSuites(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "examples", "*", "*.benchy.hcl"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no example suites found (%v)", err)
	}
	for _, path := range files {
		l := suites.NewLoader(suites.Options{Version: "v0.1.0", Cwd: t.TempDir()})
		p, diags := l.LoadFile(path)
		if diags.HasErrors() || p == nil {
			t.Errorf("%s:\n%s", path, render(l, diags))
			continue
		}
		if len(p.Workloads) == 0 {
			t.Errorf("%s has no workloads", path)
		}
	}
}
