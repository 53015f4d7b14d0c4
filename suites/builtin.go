package suites

import (
	"embed"
	"sort"
	"strings"
)

//go:embed *.benchy.hcl
var builtinFS embed.FS

// Builtins lists the names of the built-in suites, sorted.
func Builtins() []string {
	entries, _ := builtinFS.ReadDir(".")
	var out []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".benchy.hcl"); ok {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

func builtinSource(name string) ([]byte, bool) {
	if name == "" || strings.ContainsAny(name, `/\.`) {
		return nil, false
	}
	b, err := builtinFS.ReadFile(name + ".benchy.hcl")
	if err != nil {
		return nil, false
	}
	return b, true
}
