package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// hclBlock is a fenced HCL example in Markdown.
var hclBlock = regexp.MustCompile("(?ms)^```hcl\n(.*?)^```")

// TestDocumentedSuitesValidate keeps the suite examples in README.md and
// docs/*.md true: every fenced HCL block that declares a workload must
// pass benchy validate.
func TestDocumentedSuitesValidate(t *testing.T) {
	docs, _ := filepath.Glob(filepath.Join("..", "..", "docs", "*.md"))
	docs = append(docs, filepath.Join("..", "..", "README.md"))
	checked := 0
	for _, doc := range docs {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range hclBlock.FindAllSubmatch(b, -1) {
			src := string(m[1])
			if !strings.Contains(src, "workload \"") {
				continue // a fragment, not a whole suite
			}
			checked++
			name := filepath.Base(doc) + " example " + strconv.Itoa(i+1)
			args := append([]string{"validate", writeSuite(t, src)}, requiredVars(t, src)...)
			if code, _, errs := benchy(t, args...); code != 0 {
				t.Errorf("the suite example %s does not validate (exit %d):\n%s\n%s", name, code, errs, src)
			}
		}
	}
	if checked == 0 {
		t.Fatal("found no suite examples in the docs")
	}
	t.Logf("%d documented suites validate", checked)
}

// requiredVars gives a placeholder value to each declared variable without
// a default, as a user would on the command line.
func requiredVars(t *testing.T, src string) []string {
	t.Helper()
	f, diags := hclsyntax.ParseConfig([]byte(src), "example.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("example does not parse: %v\n%s", diags, src)
	}
	var args []string
	for _, b := range f.Body.(*hclsyntax.Body).Blocks {
		if b.Type != "variable" || len(b.Labels) != 1 {
			continue
		}
		if _, ok := b.Body.Attributes["default"]; !ok {
			args = append(args, "--var", b.Labels[0]+"=placeholder")
		}
	}
	return args
}
