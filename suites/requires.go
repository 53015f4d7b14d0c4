package suites

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
)

type requiresBlock struct {
	GPU               *bool   `hcl:"gpu,optional"`
	MinGPUMemory      *string `hcl:"min_gpu_memory,optional"`
	ComputeCapability *string `hcl:"compute_capability,optional"`

	DefRange hcl.Range `hcl:",def_range"`
}

// decodeRequires decodes a requires block in ctx.
func (ld *load) decodeRequires(blk *hcl.Block, ctx *hcl.EvalContext) (Requires, bool) {
	var rb requiresBlock
	diags := inSourceOrder(gohcl.DecodeBody(blk.Body, ctx, &rb))
	ld.diags.addEval(diags)
	if diags.HasErrors() {
		return Requires{}, false
	}
	attrs, _ := blk.Body.JustAttributes()
	at := runAttrs(attrs)
	var r Requires
	ok := true
	if rb.GPU != nil {
		r.GPU = *rb.GPU
	}
	if rb.MinGPUMemory != nil {
		n, err := ParseBytes(*rb.MinGPUMemory)
		if err != nil {
			ld.diags.add(errorf(at.rng("min_gpu_memory", rb.DefRange), "Invalid min_gpu_memory",
				"min_gpu_memory must be a size such as \"8GiB\" or \"512MiB\": %v.", err))
			ok = false
		}
		r.MinGPUMemory = n
		// Asking for GPU memory implies asking for a GPU.
		if n > 0 && rb.GPU == nil {
			r.GPU = true
		}
	}
	if rb.ComputeCapability != nil {
		c, err := parseCapability(*rb.ComputeCapability)
		if err != nil {
			ld.diags.add(errorf(at.rng("compute_capability", rb.DefRange), "Invalid compute_capability",
				"compute_capability must be a constraint such as \">= 7.5\" or \">= 8.0, < 10.0\": %v.", err))
			ok = false
		}
		r.ComputeCapability = c
		if c != "" && rb.GPU == nil {
			r.GPU = true
		}
	}
	return r, ok
}

// mergeRequires combines a workload's and an arm's requirements: both must
// hold.
func mergeRequires(w, a Requires) Requires {
	out := Requires{GPU: w.GPU || a.GPU, MinGPUMemory: max(w.MinGPUMemory, a.MinGPUMemory)}
	switch {
	case w.ComputeCapability == "":
		out.ComputeCapability = a.ComputeCapability
	case a.ComputeCapability == "" || a.ComputeCapability == w.ComputeCapability:
		out.ComputeCapability = w.ComputeCapability
	default:
		out.ComputeCapability = w.ComputeCapability + ", " + a.ComputeCapability
	}
	return out
}

var sizeRE = regexp.MustCompile(`^\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*$`)

var sizeUnits = map[string]float64{
	"": 1, "b": 1,
	"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
	"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
}

// ParseBytes parses a size such as "8GiB" (binary), "8GB" (decimal) or a
// plain number of bytes.
func ParseBytes(s string) (uint64, error) {
	m := sizeRE.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("%q is not a number followed by a unit", s)
	}
	mult, ok := sizeUnits[strings.ToLower(m[2])]
	if !ok {
		return 0, fmt.Errorf("unknown unit %q (use B, KiB, MiB, GiB, TiB, KB, MB, GB or TB)", m[2])
	}
	f, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, err
	}
	v := f * mult
	if v >= math.MaxUint64 {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return uint64(v), nil
}

var capRE = regexp.MustCompile(`^\s*(>=|<=|!=|==|=|>|<)?\s*([0-9]+(?:\.[0-9]+)?)\s*$`)

// parseCapability checks a comma-separated compute-capability constraint
// and returns it in a normalised form (">= 7.5, < 10.0").
func parseCapability(s string) (string, error) {
	var parts []string
	for _, p := range strings.Split(s, ",") {
		m := capRE.FindStringSubmatch(p)
		if m == nil {
			return "", fmt.Errorf("%q is not an operator and a version", strings.TrimSpace(p))
		}
		op := m[1]
		if op == "" || op == "==" {
			op = "="
		}
		parts = append(parts, op+" "+m[2])
	}
	return strings.Join(parts, ", "), nil
}
