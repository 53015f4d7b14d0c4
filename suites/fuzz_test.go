package suites_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/benchy-dev/benchy/suites"
)

// FuzzLoad feeds arbitrary bytes to the loader as a native or JSON suite,
// with an arbitrary --var. The loader must never panic; a suite that loads
// without errors must satisfy the Plan's invariants; and the diagnostics
// must render.
func FuzzLoad(f *testing.F) {
	for _, name := range suites.Builtins() {
		src, _ := suites.BuiltinSource(name)
		f.Add(src, false, "")
	}
	for _, pat := range []string{"testdata/bad/*.benchy.hcl", "testdata/bad/*.benchy.json"} {
		files, _ := filepath.Glob(pat)
		for _, path := range files {
			src, err := os.ReadFile(path)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(src, filepath.Ext(path) == ".json", "rows=5")
		}
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, src []byte, isJSON bool, v string) {
		opts := suites.Options{Cwd: dir, Version: "v0.1.0"}
		if v != "" {
			opts.Vars = []string{v}
		}
		l := suites.NewLoader(opts)
		name := "fuzz.benchy.hcl"
		if isJSON {
			name = "fuzz.benchy.json"
		}
		p, diags := l.LoadSource(name, src, dir)
		_ = render(l, diags)
		if diags.HasErrors() {
			if p != nil {
				t.Fatal("a plan came back with errors")
			}
			return
		}
		if p == nil {
			t.Fatal("no plan and no errors")
		}
		seen := map[string]bool{}
		for _, w := range p.Workloads {
			if seen[w.Name] {
				t.Fatalf("duplicate workload instance %q", w.Name)
			}
			seen[w.Name] = true
			n := 0
			arms := map[string]bool{}
			for _, a := range w.Arms {
				if a.Baseline {
					n++
				}
				if arms[a.Name] {
					t.Fatalf("duplicate arm instance %q in %q", a.Name, w.Name)
				}
				arms[a.Name] = true
				if a.Runner == "" || len(a.Config) == 0 {
					t.Fatalf("arm %q has no runner config", a.Name)
				}
			}
			if n != 1 {
				t.Fatalf("%q has %d baselines", w.Name, n)
			}
			if w.Run.MinBlocks > w.Run.MaxBlocks {
				t.Fatalf("%q: min_blocks %d > max_blocks %d", w.Name, w.Run.MinBlocks, w.Run.MaxBlocks)
			}
		}
		if _, err := json.Marshal(p.Redacted()); err != nil {
			t.Fatal(err)
		}
	})
}
