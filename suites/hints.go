package suites

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"

	"github.com/benchy-dev/benchy/runners"
)

// suggestEnum is runners.Suggest for a closed set of values, which also
// offers the one value that contains the given text or is contained in it
// ("random" → "interleaved-random").
func suggestEnum(given string, allowed []string) string {
	if s := runners.Suggest(given, allowed); s != "" || given == "" {
		return s
	}
	var hits []string
	g := strings.ToLower(given)
	for _, a := range allowed {
		if strings.Contains(a, g) || strings.Contains(g, a) {
			hits = append(hits, a)
		}
	}
	if len(hits) == 1 {
		return fmt.Sprintf(" Did you mean %q?", hits[0])
	}
	return ""
}

// enumDetail matches the wording of an enum error: `X must be "a", "b" or
// "c", not "given".`
var enumDetail = regexp.MustCompile(`must be ((?:"[^"]*"(?:, | or ))+"[^"]*"), not ("(?:[^"\\]|\\.)*")\.$`)

var quoted = regexp.MustCompile(`"[^"]*"`)

// misplacedArg matches hcl's error for an attribute a block does not take.
var misplacedArg = regexp.MustCompile(`^An argument named "([^"]+)" is not expected here\.`)

// homes says where each attribute of the suite's own blocks belongs.
var homes = func() map[string][]string {
	m := map[string][]string{}
	add := func(where string, attrs []hcl.AttributeSchema) {
		for _, a := range attrs {
			m[a.Name] = append(m[a.Name], where)
		}
	}
	add("an arm block, beside its runner block", armSchema().Attributes)
	add("a workload block", workloadSchema.Attributes)
	rs, _ := gohcl.ImpliedBodySchema(runBlock{})
	add("a run block (at the top of the suite or in a workload)", rs.Attributes)
	add("a variable block", variableSchema.Attributes)
	return m
}()

// addHints completes diagnostics that other code wrote without the hint a
// user needs: an enum error without a "Did you mean" gets one when a value
// is close, and an attribute in the wrong block ("timeout" inside exec {})
// says which block it belongs in.
func addHints(diags hcl.Diagnostics) {
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		if m := enumDetail.FindStringSubmatch(d.Detail); m != nil && !strings.Contains(d.Detail, "Did you mean") {
			var allowed []string
			for _, q := range quoted.FindAllString(m[1], -1) {
				allowed = append(allowed, strings.Trim(q, `"`))
			}
			if given, err := strconv.Unquote(m[2]); err == nil {
				d.Detail += suggestEnum(given, allowed)
			}
		}
		if d.Summary == "Unsupported argument" && !strings.Contains(d.Detail, "Did you mean") {
			if m := misplacedArg.FindStringSubmatch(d.Detail); m != nil {
				if where := homes[m[1]]; len(where) > 0 {
					sort.Strings(where)
					d.Detail += fmt.Sprintf(" %q belongs in %s.", m[1], strings.Join(where, ", or in "))
				}
			}
		}
	}
}
