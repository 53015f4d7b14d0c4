package suites_test

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/benchy-dev/benchy/suites"
)

// documentedDerivers returns the suite functions that docs/suites.md and
// README.md say have their results redacted: the backquoted names in the
// passage between start and end of each file.
func documentedDerivers(t *testing.T) []string {
	t.Helper()
	passages := []struct{ file, start, end string }{
		{"../docs/suites.md", "**Derived values are caught**", "wherever the result"},
		{"../README.md", "as are the forms the suite functions", "make of them"},
	}
	name := regexp.MustCompile("`([a-z][a-z0-9]*)`")
	seen := map[string]bool{}
	var out []string
	for _, p := range passages {
		b, err := os.ReadFile(p.file)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		i := strings.Index(text, p.start)
		if i < 0 {
			t.Fatalf("%s: no passage starting %q", p.file, p.start)
		}
		j := strings.Index(text[i:], p.end)
		if j < 0 {
			t.Fatalf("%s: the passage at %q does not end with %q", p.file, p.start, p.end)
		}
		found := 0
		for _, m := range name.FindAllStringSubmatch(text[i:i+j], -1) {
			found++
			if !seen[m[1]] {
				seen[m[1]] = true
				out = append(out, m[1])
			}
		}
		if found == 0 {
			t.Fatalf("%s: the passage at %q names no function", p.file, p.start)
		}
	}
	return out
}

// TestDocumentedDerivedFormsRedacted checks every function the docs say
// has its result redacted: it must exist in the suite language, and what
// it makes of a sensitive value (here with punctuation, quotes, markup
// characters and a non-ASCII letter, where title and jsonencode differ
// from a naive version) must not survive in the printed plan.
func TestDocumentedDerivedFormsRedacted(t *testing.T) {
	const secret = `hunter.two-x <&> "q" élan`
	calls := map[string]string{"format": `format("%q", var.pw)`}
	for _, fn := range documentedDerivers(t) {
		t.Run(fn, func(t *testing.T) {
			call, ok := calls[fn]
			if !ok {
				call = fn + "(var.pw)"
			}
			src := fmt.Sprintf(`
variable "pw" {
  sensitive = true
}
workload "w" {
  arm "a" {
    baseline = true
    env      = { D = %s }
    probe { value = "a" }
  }
}`, call)
			p, l, diags := tryLoad(t, src, suites.Options{Vars: []string{"pw=" + secret}})
			if diags.HasErrors() || p == nil {
				t.Fatalf("the docs name %s, but a suite cannot call it:\n%s", fn, render(l, diags))
			}
			derived := p.Workloads[0].Arms[0].Env["D"]
			if len(derived) < 3 {
				t.Fatalf("%s made %q of the secret", call, derived)
			}
			b, err := json.Marshal(p.Redacted())
			if err != nil {
				t.Fatal(err)
			}
			js, _ := json.Marshal(derived)
			for _, leak := range []string{derived, string(js[1 : len(js)-1])} {
				if strings.Contains(string(b), leak) {
					t.Errorf("%s = %q survives in the redacted plan:\n%s", call, derived, b)
				}
			}
			if got := p.Redact("Authorization: " + derived + "!"); strings.Contains(got, derived) || !strings.Contains(got, "(sensitive)") {
				t.Errorf("Redact(%s inside other text) = %q", call, got)
			}
		})
	}
}
