package hw

import (
	"fmt"
	"strconv"
	"strings"
)

// capability is a CUDA compute capability such as 8.6.
type capability struct{ major, minor int }

func (c capability) less(d capability) bool {
	return c.major < d.major || (c.major == d.major && c.minor < d.minor)
}

func (c capability) String() string { return fmt.Sprintf("%d.%d", c.major, c.minor) }

// parseCapability reads "9.0", "9", "sm_90" or "sm_100".
func parseCapability(s string) (capability, error) {
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(strings.ToLower(s), "sm_"); ok {
		rest = strings.TrimRight(rest, "af") // sm_90a, sm_100f
		if len(rest) < 2 {
			return capability{}, fmt.Errorf("compute capability %q: want sm_XY", s)
		}
		maj, err1 := strconv.Atoi(rest[:len(rest)-1])
		mn, err2 := strconv.Atoi(rest[len(rest)-1:])
		if err1 != nil || err2 != nil || maj < 0 {
			return capability{}, fmt.Errorf("compute capability %q: want sm_XY", s)
		}
		return capability{maj, mn}, nil
	}
	majS, minS, hasMinor := strings.Cut(s, ".")
	maj, err := strconv.Atoi(majS)
	if err != nil || maj < 0 || maj > 1000 {
		return capability{}, fmt.Errorf("compute capability %q: want a version such as 8.6", s)
	}
	mn := 0
	if hasMinor {
		mn, err = strconv.Atoi(minS)
		if err != nil || mn < 0 || mn > 1000 {
			return capability{}, fmt.Errorf("compute capability %q: want a version such as 8.6", s)
		}
	}
	return capability{maj, mn}, nil
}

// capabilityConstraint is a parsed compute-capability requirement such as
// ">= 7.5". A bare version means "at least".
type capabilityConstraint struct {
	op  string
	ver capability
}

// parseCapabilityConstraint parses ">= 7.5", "> 8.0", "== 9.0", "!= 8.6",
// "< 10", "<= 9.0", "sm_90" or "8.6" (the same as ">= 8.6").
func parseCapabilityConstraint(s string) (capabilityConstraint, error) {
	t := strings.TrimSpace(s)
	op := ">="
	for _, o := range []string{">=", "<=", "==", "!=", ">", "<", "="} {
		if rest, ok := strings.CutPrefix(t, o); ok {
			op, t = o, strings.TrimSpace(rest)
			break
		}
	}
	if op == "=" {
		op = "=="
	}
	v, err := parseCapability(t)
	if err != nil {
		return capabilityConstraint{}, err
	}
	return capabilityConstraint{op: op, ver: v}, nil
}

// Allows reports whether the compute capability cc ("9.0") meets the
// constraint; an unparsable cc never does.
func (c capabilityConstraint) Allows(cc string) bool {
	v, err := parseCapability(cc)
	if err != nil {
		return false
	}
	switch c.op {
	case ">=":
		return !v.less(c.ver)
	case ">":
		return c.ver.less(v)
	case "<=":
		return !c.ver.less(v)
	case "<":
		return v.less(c.ver)
	case "==":
		return v == c.ver
	case "!=":
		return v != c.ver
	}
	return false
}

// String renders the constraint canonically, e.g. ">= 7.5".
func (c capabilityConstraint) String() string { return c.op + " " + c.ver.String() }

// CheckRequires reports whether this machine meets a workload's or arm's
// requirements: a GPU at all, at least minMemBytes of GPU memory (0: any),
// and a compute capability constraint ("" for any; see
// parseCapabilityConstraint). Any memory or capability requirement implies a
// GPU. When not ok, reason starts with "skipped: " and says why, e.g.
// "skipped: no NVIDIA GPU detected (NVML: library not found)".
func (inv *Inventory) CheckRequires(gpu bool, minMemBytes uint64, computeCapability string) (ok bool, reason string) {
	if !gpu && minMemBytes == 0 && strings.TrimSpace(computeCapability) == "" {
		return true, ""
	}
	var cons *capabilityConstraint
	if strings.TrimSpace(computeCapability) != "" {
		c, err := parseCapabilityConstraint(computeCapability)
		if err != nil {
			return false, "skipped: invalid compute_capability requirement: " + err.Error()
		}
		cons = &c
	}
	if inv == nil || len(inv.GPUs) == 0 {
		why := "no NVIDIA GPU detected"
		if inv != nil && inv.GPUReason != "" {
			why = inv.GPUReason
		}
		return false, "skipped: " + why
	}
	var misses []string
	for _, g := range inv.GPUs {
		var why []string
		if minMemBytes > 0 && g.MemoryTotalBytes < minMemBytes {
			why = append(why, fmt.Sprintf("%s of memory < %s", FormatBytes(g.MemoryTotalBytes), FormatBytes(minMemBytes)))
		}
		if cons != nil && !cons.Allows(g.ComputeCapability) {
			cc := g.ComputeCapability
			if cc == "" {
				cc = "unknown"
			}
			why = append(why, fmt.Sprintf("compute capability %s is not %s", cc, cons))
		}
		if len(why) == 0 {
			return true, ""
		}
		misses = append(misses, fmt.Sprintf("GPU %d %s: %s", g.Index, g.Name, strings.Join(why, ", ")))
	}
	return false, "skipped: no GPU meets the requirements (" + strings.Join(misses, "; ") + ")"
}
