package suites_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchy-dev/benchy/suites"
)

// FuzzLoad feeds arbitrary bytes to the loader as a native or JSON suite,
// with an arbitrary --var. The loader must never panic; a suite that loads
// without errors must satisfy the Plan's invariants; and the diagnostics
// must render.
func FuzzLoad(f *testing.F) {
	for _, name := range suites.Builtins() {
		src, err := os.ReadFile(name + ".benchy.hcl") // the built-ins are this folder's suites
		if err != nil {
			f.Fatal(err)
		}
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

// FuzzLoadLarge builds large and deep suites from a few fuzzed parameters
// (FuzzLoad's inputs are too small to reach the size limits): a shape, a
// count, a fragment to repeat and a line ending. Whatever the loader
// decides, it must return, never crash or panic, give every diagnostic a
// source range, and render the diagnostics.
func FuzzLoadLarge(f *testing.F) {
	f.Add(uint8(0), uint32(100000), "(", "\n")                    // nested parentheses
	f.Add(uint8(1), uint32(200000), "[", "\n")                    // nested JSON arrays
	f.Add(uint8(2), uint32(100000), "line", "\n")                 // a long heredoc
	f.Add(uint8(3), uint32(1000), "var.nope", "\n")               // many diagnostics
	f.Add(uint8(4), uint32(1000), "range(1000)", "\n")            // a huge matrix
	f.Add(uint8(5), uint32(40), "concat(local.a, local.a)", "\r") // exponential locals, CR endings
	f.Add(uint8(6), uint32(70000), "A", "\r")                     // a lone CR and a long line
	f.Add(uint8(7), uint32(300000), "!", "\r\n")                  // unary operators, CRLF
	f.Add(uint8(8), uint32(50000), "\"${", "\n")                  // nested interpolations
	f.Add(uint8(9), uint32(2000), "setproduct(range(100), range(100))", "\n")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, shape uint8, n uint32, frag, nl string) {
		count := int(n % 400000)
		if len(frag)*count > 2*suites.MaxSourceBytes || len(frag) > 200 {
			count = 2 * suites.MaxSourceBytes / max(1, len(frag))
		}
		rep := func(s string, k int) string { return strings.Repeat(s, k) }
		closing := map[string]string{"(": ")", "[": "]", "{": "}", `"${`: `}"`}[frag]
		name := "large.benchy.hcl"
		var src string
		switch shape % 10 {
		case 0, 7, 8:
			src = "locals {" + nl + "  x = " + rep(frag, count) + "1" + rep(closing, count) + nl + "}" + nl
		case 1:
			name = "large.benchy.json"
			src = `{"locals": {"x": ` + rep(frag, count) + rep(closing, count) + `}}`
		case 2:
			src = "locals {" + nl + "  x = <<EOT" + nl + rep(frag+nl, count) + "EOT" + nl + "}" + nl
		case 3:
			var b strings.Builder
			b.WriteString("locals {" + nl)
			for i := 0; i < min(count, 20000); i++ {
				fmt.Fprintf(&b, "  x%d = %s%d%s", i, frag, i, nl)
			}
			b.WriteString("}" + nl)
			src = b.String()
		case 4, 9:
			var b strings.Builder
			b.WriteString("workload \"w\" {" + nl + "  matrix {" + nl)
			for i := 0; i < min(count%16+1, 8); i++ {
				fmt.Fprintf(&b, "    a%d = %s%s", i, frag, nl)
			}
			b.WriteString("  }" + nl + "  arm \"a\" {" + nl + "    baseline = true" + nl + "    exec {" + nl + "      command = [\"true\"]" + nl + "    }" + nl + "  }" + nl + "}" + nl)
			src = b.String()
		case 5:
			var b strings.Builder
			b.WriteString("locals {" + nl + "  a0 = [1]" + nl)
			for i := 1; i <= min(count, 200); i++ {
				fmt.Fprintf(&b, "  a%d = %s%s", i, strings.ReplaceAll(frag, "local.a", fmt.Sprintf("local.a%d", i-1)), nl)
			}
			b.WriteString("}" + nl)
			src = b.String()
		case 6:
			src = nl + rep(frag, count)
		}
		l := suites.NewLoader(suites.Options{Cwd: dir})
		p, diags := l.LoadSource(name, []byte(src), dir)
		if diags.HasErrors() == (p != nil) {
			t.Fatalf("plan %v with errors %v", p != nil, diags.HasErrors())
		}
		for _, d := range diags {
			if d.Subject == nil {
				t.Errorf("diagnostic %q has no source range", d.Summary)
			}
		}
		_ = render(l, diags)
	})
}
