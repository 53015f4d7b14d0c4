package suites

import (
	crand "crypto/rand"
	"encoding/binary"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
)

// runBlock is a decoded run {} block; nil fields were not set.
type runBlock struct {
	Warmup            *int     `hcl:"warmup,optional"`
	MinBlocks         *int     `hcl:"min_blocks,optional"`
	MaxBlocks         *int     `hcl:"max_blocks,optional"`
	TargetCIHalfWidth *float64 `hcl:"target_ci_half_width,optional"`
	Confidence        *float64 `hcl:"confidence,optional"`
	Seed              *int64   `hcl:"seed,optional"`
	TimeBudget        *string  `hcl:"time_budget,optional"`
	Cooldown          *string  `hcl:"cooldown,optional"`
	Order             *string  `hcl:"order,optional"`
	Iterations        *int     `hcl:"iterations,optional"`
	MinBlockTime      *string  `hcl:"min_block_time,optional"`
	WarmupIterations  *int     `hcl:"warmup_iterations,optional"`
	GPUSettle         *string  `hcl:"gpu_settle,optional"`
	GPUSettleTemp     *float64 `hcl:"gpu_settle_temp,optional"`
	LockGPUClocks     *string  `hcl:"lock_gpu_clocks,optional"`

	DefRange hcl.Range `hcl:",def_range"`
}

// runAttrs names a run block's attributes, for diagnostics.
type runAttrs map[string]*hcl.Attribute

func (a runAttrs) rng(name string, def hcl.Range) *hcl.Range {
	if at, ok := a[name]; ok {
		return at.Expr.Range().Ptr()
	}
	return def.Ptr()
}

// suiteRun decodes the suite's run block over DefaultRun.
func (ld *load) suiteRun(content *hcl.BodyContent) RunSettings {
	blk := ld.single(content.Blocks.OfType("run"), "at the top of a suite")
	if blk == nil {
		return DefaultRun
	}
	for _, e := range bodyExprs(blk.Body) {
		ld.checkRefs(e, refScope{})
	}
	rs, ok := ld.applyRun(DefaultRun, blk, ld.ctx, "the suite")
	if !ok {
		return DefaultRun
	}
	return rs
}

// applyRun decodes a run block in ctx, checks it and merges it over base.
// ok is false when the block had errors.
func (ld *load) applyRun(base RunSettings, blk *hcl.Block, ctx *hcl.EvalContext, what string) (RunSettings, bool) {
	// gohcl decodes every attribute it can, leaving the others nil, so
	// the checks below still report the errors of the attributes that
	// decoded: every error of the block in one pass.
	var rb runBlock
	diags := inSourceOrder(gohcl.DecodeBody(blk.Body, ctx, &rb))
	ld.diags.addEval(diags)
	attrs, _ := blk.Body.JustAttributes()
	at := runAttrs(attrs)
	// An attribute whose own value failed to decode (2.7 for a count) may
	// still have been set, to a part-converted value: it is dropped, so
	// that no check below reports a follow-on error about a value the
	// suite never gave.
	broken := dropBroken(&rb, attrs, diags)
	n := ld.diags.errs
	bad := func(name, summary, detail string, args ...any) {
		ld.diags.add(errorf(at.rng(name, rb.DefRange), summary, detail, args...))
	}
	rs := base
	// min_blocks and max_blocks are valid on their own: only then is
	// their order checked.
	limitsOK := !broken["min_blocks"] && !broken["max_blocks"]
	// atLeast applies an integer setting, with a diagnostic below min.
	atLeast := func(name string, p *int, min int, dst *int, detail string) {
		if p == nil {
			return
		}
		if *p < min {
			bad(name, "Invalid "+name, "%s", detail)
			limitsOK = limitsOK && name != "min_blocks" && name != "max_blocks"
		}
		*dst = *p
	}
	const jackknifeNeedsTwo = "must be at least 2: the jackknife needs two blocks to estimate a confidence interval."
	atLeast("warmup", rb.Warmup, 0, &rs.Warmup, "warmup is a number of warm-up blocks and cannot be negative.")
	atLeast("min_blocks", rb.MinBlocks, 2, &rs.MinBlocks, "min_blocks "+jackknifeNeedsTwo)
	atLeast("max_blocks", rb.MaxBlocks, 2, &rs.MaxBlocks, "max_blocks "+jackknifeNeedsTwo)
	if rb.TargetCIHalfWidth != nil {
		t := *rb.TargetCIHalfWidth
		switch {
		case t < 0:
			bad("target_ci_half_width", "Invalid target_ci_half_width",
				"target_ci_half_width is a fraction of the estimate between 0 and 1 (0 turns precision stopping off), not %s.", fmtFloat(t))
		case t >= 1:
			hint := ""
			if t < 100 {
				hint = fmt.Sprintf(" Did you mean %s for %s%%?", fmtFloat(t/100), fmtFloat(t))
			}
			bad("target_ci_half_width", "Invalid target_ci_half_width",
				"target_ci_half_width is a fraction of the estimate, so it must be below 1; %s would allow a confidence interval wider than the estimate itself.%s", fmtFloat(t), hint)
		}
		rs.TargetCIHalfWidth = t
	}
	if rb.Confidence != nil {
		c := *rb.Confidence
		if c <= 0 || c >= 1 {
			hint := ""
			if c > 1 && c < 100 {
				hint = fmt.Sprintf(" Did you mean %s for %s%%?", fmtFloat(c/100), fmtFloat(c))
			}
			bad("confidence", "Invalid confidence", "confidence must lie strictly between 0 and 1, such as 0.95, not %s.%s", fmtFloat(c), hint)
		}
		rs.Confidence = c
	}
	if rb.Seed != nil {
		rs.Seed, rs.SeedSet = *rb.Seed, true
	}
	dur := func(name string, p *string, dst *time.Duration) {
		if p == nil {
			return
		}
		d, err := time.ParseDuration(*p)
		switch {
		case err != nil:
			bad(name, "Invalid duration", "The %s must be a duration such as \"90s\" or \"20m\": %v.", name, err)
		case d < 0:
			bad(name, "Invalid duration", "The %s cannot be negative.", name)
		default:
			*dst = d
		}
	}
	dur("time_budget", rb.TimeBudget, &rs.TimeBudget)
	dur("cooldown", rb.Cooldown, &rs.Cooldown)
	dur("min_block_time", rb.MinBlockTime, &rs.MinBlockTime)
	dur("gpu_settle", rb.GPUSettle, &rs.GPUSettle)
	if rb.GPUSettleTemp != nil {
		if t := *rb.GPUSettleTemp; t <= 0 || t >= 120 {
			bad("gpu_settle_temp", "Invalid gpu_settle_temp", "gpu_settle_temp is a GPU temperature in °C to cool down to before each block, such as 50, not %s.", fmtFloat(t))
		}
		rs.GPUSettleTemp = *rb.GPUSettleTemp
	}
	if rb.LockGPUClocks != nil {
		if err := checkClockSpec(*rb.LockGPUClocks); err != nil {
			bad("lock_gpu_clocks", "Invalid lock_gpu_clocks", "%v.", err)
		}
		rs.LockGPUClocks = *rb.LockGPUClocks
	}
	if rb.Order != nil {
		switch o := Order(*rb.Order); o {
		case OrderInterleavedRandom, OrderInterleaved, OrderSequential:
			rs.Order = o
		default:
			bad("order", "Invalid order", "order must be %q, %q or %q, not %q.%s",
				OrderInterleavedRandom, OrderInterleaved, OrderSequential, *rb.Order,
				suggestEnum(*rb.Order, []string{string(OrderInterleavedRandom), string(OrderInterleaved), string(OrderSequential)}))
		}
	}
	atLeast("iterations", rb.Iterations, 0, &rs.Iterations, "iterations cannot be negative; 0 calibrates the count to min_block_time.")
	atLeast("warmup_iterations", rb.WarmupIterations, 0, &rs.WarmupIterations, "warmup_iterations cannot be negative.")
	if limitsOK && rs.MinBlocks > rs.MaxBlocks {
		name, other := "min_blocks", "max_blocks"
		if rb.MaxBlocks != nil {
			name, other = "max_blocks", "min_blocks"
		}
		ld.diags.add(errorf(at.rng(name, rb.DefRange), "Inconsistent block limits",
			"For %s, min_blocks (%d) is greater than max_blocks (%d); %s comes from %s. Raise max_blocks or lower min_blocks.",
			what, rs.MinBlocks, rs.MaxBlocks, other, originOf(other, rb, base)))
	}
	return rs, !diags.HasErrors() && ld.diags.errs == n
}

// dropBroken clears the fields of the decoded block *dst (a struct of
// pointers tagged for gohcl) whose attribute has an error of its own in
// diags: one whose subject lies inside the attribute. It returns the names
// of those attributes.
func dropBroken(dst any, attrs hcl.Attributes, diags hcl.Diagnostics) map[string]bool {
	broken := map[string]bool{}
	for name, a := range attrs {
		for _, d := range diags {
			if d.Severity == hcl.DiagError && d.Subject != nil && overlaps(d.Subject, &a.Range) {
				broken[name] = true
				break
			}
		}
	}
	if len(broken) == 0 {
		return broken
	}
	v := reflect.ValueOf(dst).Elem()
	for i := 0; i < v.NumField(); i++ {
		name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("hcl"), ",")
		if f := v.Field(i); name != "" && broken[name] && f.Kind() == reflect.Pointer {
			f.SetZero()
		}
	}
	return broken
}

// originOf says where a run setting came from, for diagnostics.
func originOf(name string, rb runBlock, base RunSettings) string {
	set := (name == "min_blocks" && rb.MinBlocks != nil) || (name == "max_blocks" && rb.MaxBlocks != nil)
	if set {
		return "this block"
	}
	v := base.MaxBlocks
	if name == "min_blocks" {
		v = base.MinBlocks
	}
	return fmt.Sprintf("the enclosing settings (%d)", v)
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// checkClockSpec accepts "", "base", "max", "MHZ" or "MIN-MAX" (MHz).
func checkClockSpec(s string) error {
	switch s {
	case "", "base", "max":
		return nil
	}
	lo, hi, isRange := strings.Cut(s, "-")
	a, err1 := strconv.ParseUint(lo, 10, 32)
	b := a
	var err2 error
	if isRange {
		b, err2 = strconv.ParseUint(hi, 10, 32)
	}
	if err1 != nil || err2 != nil || a == 0 || b < a {
		return fmt.Errorf(`lock_gpu_clocks must be "base", "max", a clock in MHz such as "1755", or a range such as "1410-1755", not %q`, s)
	}
	return nil
}

// Overrides are the command line's changes to a plan's run settings
// (benchy run's and calibrate's --seed, --min-blocks, --max-blocks and
// --order). A zero field keeps what the suite says.
type Overrides struct {
	// Seed, when non-nil, replaces the suite's seed.
	Seed *int64
	// MinBlocks and MaxBlocks, when positive, replace every workload
	// instance's block limits.
	MinBlocks, MaxBlocks int
	// Order, when not empty, replaces every workload instance's order.
	Order Order
}

// Resolve returns the plan that runs: p with o applied to the suite's and
// every workload instance's run settings, and the seed fixed once, for the
// run to record: o.Seed, else the suite's, else one drawn at random. The
// result's run settings all have SeedSet: a workload instance whose own
// run block gives a seed keeps it for its schedule (unless o.Seed replaces
// every seed), the others take the run's; resolving the result again
// without overrides returns the same settings.
//
// A conflict between an override and the suite is an error diagnostic,
// and the plan is nil: --min-blocks above a workload instance's
// max_blocks (as the same limits in a suite file are an error). A
// --max-blocks below a workload instance's min_blocks caps its run, which
// is what it is for: min_blocks is lowered to it, with a warning.
func (p *Plan) Resolve(o Overrides) (*Plan, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	if o.MinBlocks > 0 && o.MaxBlocks > 0 && o.MinBlocks > o.MaxBlocks {
		return nil, diags.Append(errorf(nil, "Inconsistent block limits",
			"--min-blocks (%d) is greater than --max-blocks (%d); raise --max-blocks or lower --min-blocks", o.MinBlocks, o.MaxBlocks))
	}
	out := *p
	out.Run = o.apply(p.Run)
	if !out.Run.SeedSet {
		out.Run.Seed, out.Run.SeedSet = drawSeed(), true
	}
	var capped []string
	var at *hcl.Range
	out.Workloads = make([]*Workload, len(p.Workloads))
	for i, w := range p.Workloads {
		if o.MinBlocks > 0 && o.MaxBlocks == 0 && o.MinBlocks > w.Run.MaxBlocks {
			return nil, diags.Append(errorf(w.At.rng(), "Inconsistent block limits",
				"for %s in %s, --min-blocks (%d) is greater than max_blocks (%d), which comes from the suite; raise it with --max-blocks %d or lower --min-blocks",
				w.Name, p.Path, o.MinBlocks, w.Run.MaxBlocks, o.MinBlocks))
		}
		nw := *w
		nw.Run = o.apply(w.Run)
		if !nw.Run.SeedSet { // neither the suite nor the workload gave one
			nw.Run.Seed, nw.Run.SeedSet = out.Run.Seed, true
		}
		if nw.Run.MinBlocks > nw.Run.MaxBlocks { // only --max-blocks can get here from Load
			nw.Run.MinBlocks = nw.Run.MaxBlocks
			capped = append(capped, fmt.Sprintf("%s (%d)", w.Name, w.Run.MinBlocks))
			if at == nil {
				at = w.At.rng()
			}
		}
		out.Workloads[i] = &nw
	}
	if len(capped) > 0 && o.MaxBlocks > 0 {
		more := ""
		if len(capped) > 3 {
			capped, more = capped[:3], fmt.Sprintf(" and %d more", len(capped)-3)
		}
		diags = diags.Append(warnf(at, "Block limit capped",
			"--max-blocks %d is below min_blocks of %s%s; they run at most %d measured blocks", o.MaxBlocks, strings.Join(capped, ", "), more, o.MaxBlocks))
	}
	return &out, diags
}

// apply returns s with the overrides applied.
func (o Overrides) apply(s RunSettings) RunSettings {
	if o.Seed != nil {
		s.Seed, s.SeedSet = *o.Seed, true
	}
	if o.MinBlocks > 0 {
		s.MinBlocks = o.MinBlocks
	}
	if o.MaxBlocks > 0 {
		s.MaxBlocks = o.MaxBlocks
	}
	if o.Order != "" {
		s.Order = o.Order
	}
	return s
}

// drawSeed draws a schedule seed for a suite that gives none.
func drawSeed() int64 {
	var b [8]byte
	_, _ = crand.Read(b[:]) // never fails: it crashes the program instead
	return int64(binary.LittleEndian.Uint64(b[:]) >> 1)
}

// rng is l as a source range, for a diagnostic; nil when l is unknown.
func (l Location) rng() *hcl.Range {
	if l.File == "" {
		return nil
	}
	pos := hcl.Pos{Line: l.Line, Column: l.Column}
	return &hcl.Range{Filename: l.File, Start: pos, End: pos}
}
