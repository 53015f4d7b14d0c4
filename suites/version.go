package suites

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

var benchySchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "required_version"}}}

// checkRequiredVersion checks benchy { required_version } first, as Packer
// does, so that a suite written for another benchy gets a version error
// rather than confusing errors about attributes this version lacks. It
// reports false when the version does not match.
func (ld *load) checkRequiredVersion(content *hcl.BodyContent) bool {
	blk := ld.single(content.Blocks.OfType("benchy"), "in a suite")
	if blk == nil {
		return true
	}
	bc, diags := blk.Body.Content(benchySchema)
	ld.diags.add(diags...)
	a, ok := bc.Attributes["required_version"]
	if !ok {
		return true
	}
	var constraint string
	ld.decodeLiteral(a, cty.String, func(v cty.Value) { constraint = v.AsString() })
	if constraint == "" {
		return true
	}
	cs, err := parseConstraints(constraint)
	if err != nil {
		ld.diags.add(errorf(a.Expr.Range().Ptr(), "Invalid required_version",
			"required_version must be a version constraint such as \">= 0.1\" or \"~> 0.2\": %v.", err))
		return true
	}
	if ld.l.opts.Version == "" {
		return true
	}
	have, err := parseVersion(ld.l.opts.Version)
	if err != nil {
		return true // a development build with an unusual version string
	}
	if !cs.allow(have) {
		ld.diags.add(errorf(a.Expr.Range().Ptr(), "Unsupported benchy version",
			"This suite requires benchy %s, but this is benchy %s. Install a matching version, e.g. go install github.com/benchy-dev/benchy/cmd/benchy@latest.",
			constraint, ld.l.opts.Version))
		return false
	}
	return true
}

type version [3]int

func (v version) cmp(o version) int {
	for i := range v {
		if v[i] != o[i] {
			if v[i] < o[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// parseVersion reads "v1.2.3", "1.2" or "1"; a pre-release or build suffix
// is ignored, so a development build counts as its release.
func parseVersion(s string) (version, error) {
	var v version
	s = strings.TrimPrefix(strings.TrimSpace(s), "v")
	if i := strings.IndexAny(s, "-+"); i >= 0 {
		s = s[:i]
	}
	parts := strings.Split(s, ".")
	if len(parts) > 3 || s == "" {
		return v, fmt.Errorf("%q is not a version such as 1.2.3", s)
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return v, fmt.Errorf("%q is not a version such as 1.2.3", s)
		}
		v[i] = n
	}
	return v, nil
}

type constraint struct {
	op    string
	v     version
	parts int
}

type constraints []constraint

func parseConstraints(s string) (constraints, error) {
	var out constraints
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		op := ""
		for _, o := range []string{"~>", ">=", "<=", "!=", ">", "<", "="} {
			if strings.HasPrefix(p, o) {
				op, p = o, strings.TrimSpace(p[len(o):])
				break
			}
		}
		v, err := parseVersion(p)
		if err != nil {
			return nil, err
		}
		if op == "" {
			op = "="
		}
		out = append(out, constraint{op: op, v: v, parts: len(strings.Split(strings.TrimPrefix(p, "v"), "."))})
	}
	return out, nil
}

func (cs constraints) allow(have version) bool {
	for _, c := range cs {
		d := have.cmp(c.v)
		var ok bool
		switch c.op {
		case "=":
			ok = d == 0
		case "!=":
			ok = d != 0
		case ">":
			ok = d > 0
		case ">=":
			ok = d >= 0
		case "<":
			ok = d < 0
		case "<=":
			ok = d <= 0
		case "~>":
			// ~> 1.2 allows 1.x from 1.2; ~> 1.2.3 allows 1.2.x from 1.2.3.
			upper := c.v
			i := max(c.parts-2, 0)
			upper[i]++
			for j := i + 1; j < len(upper); j++ {
				upper[j] = 0
			}
			ok = d >= 0 && have.cmp(upper) < 0
		}
		if !ok {
			return false
		}
	}
	return true
}
