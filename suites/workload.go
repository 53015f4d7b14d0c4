package suites

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"

	"github.com/benchy-dev/benchy/runners"
)

// Defaults for workload attributes.
const (
	DefaultMetric = "ns"
	BetterLower   = "lower"
	BetterHigher  = "higher"
)

var workloadSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "description"},
		{Name: "metric"},
		{Name: "better"},
		{Name: "setup"},
		{Name: "cleanup"},
		{Name: "prepare"},
		{Name: "conclude"},
	},
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "matrix"},
		{Type: "requires"},
		{Type: "run"},
		{Type: "published"},
		{Type: "arm", LabelNames: []string{"name"}},
	},
}

// armSchema lists the arm attributes and blocks; every registered runner
// contributes its block type, so a typo in one gets a "Did you mean".
func armSchema() *hcl.BodySchema {
	s := &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{
			{Name: "baseline"},
			{Name: "timeout"},
			{Name: "env"},
			{Name: "workdir"},
			{Name: "fresh_process"},
		},
		Blocks: []hcl.BlockHeaderSchema{{Type: "matrix"}, {Type: "requires"}},
	}
	for _, n := range runners.Names() {
		s.Blocks = append(s.Blocks, hcl.BlockHeaderSchema{Type: n})
	}
	return s
}

// armDef is an arm block's structure, read once per workload block.
type armDef struct {
	label    string
	block    *hcl.Block
	attrs    hcl.Attributes
	matrix   *matrixDef
	requires *hcl.Block
	runner   *hcl.Block
	spec     runners.Spec
}

// workloadDef is a workload block's structure.
type workloadDef struct {
	label    string
	block    *hcl.Block
	attrs    hcl.Attributes
	matrix   *matrixDef
	requires *hcl.Block
	run      *hcl.Block
	// published cites the result the workload reproduces.
	published *hcl.Block
	arms      []*armDef
	// broken is true when an arm block had structural errors; the
	// baseline count is then not checked, as it would mislead.
	broken bool
}

func (ld *load) location(r hcl.Range) Location {
	return Location{File: r.Filename, Line: r.Start.Line, Column: r.Start.Column}
}

// benchmarkKey is what the Go benchmark format makes of a workload label,
// less its "Benchmark" prefix: the label with its first letter
// upper-cased, so that "sort" and "Sort" are one benchmark there.
func benchmarkKey(label string) string {
	r, n := utf8.DecodeRuneInString(label)
	return string(unicode.ToUpper(r)) + label[n:]
}

// checkHiddenNames refuses instances that only a sensitive value tells
// apart. Results and reports record names with sensitive values hidden
// (Plan.Redact), so two such workload instances, or two such arm instances
// of one workload instance, would be recorded under one name and mixed up
// by every comparison and history. The diagnostic names neither instance,
// since their names hold the secret.
func (ld *load) checkHiddenNames(p *Plan, content *hcl.BodyContent) {
	if !p.HasSecrets() {
		return
	}
	blocks := map[string]*hcl.Block{}
	for _, b := range content.Blocks.OfType("workload") {
		if _, ok := blocks[b.Labels[0]]; !ok {
			blocks[b.Labels[0]] = b
		}
	}
	reported := map[string]bool{} // once per workload block
	report := func(label, what, hidden string) {
		if reported[label] {
			return
		}
		reported[label] = true
		var rng *hcl.Range
		if b := blocks[label]; b != nil {
			rng = b.DefRange.Ptr()
		}
		ld.diags.add(errorf(rng, "Sensitive value in an instance name",
			"Two %s of workload %q are both recorded as %q, since benchy hides sensitive values in everything it records: their results could not be told apart. Use a sensitive value in a command, an environment or a runner setting, not in a matrix axis.",
			what, label, hidden))
	}
	workloads := map[string]string{}
	for _, w := range p.Workloads {
		hidden := p.Redact(w.Name)
		if prev, dup := workloads[hidden]; dup && prev != w.Name {
			report(w.Label, "workload instances", hidden)
		}
		workloads[hidden] = w.Name
		arms := map[string]string{}
		for _, a := range w.Arms {
			hiddenArm := p.Redact(a.Name)
			if prev, dup := arms[hiddenArm]; dup && prev != a.Name {
				report(w.Label, "arm instances", hidden+" · "+hiddenArm)
			}
			arms[hiddenArm] = a.Name
		}
	}
}

// labelOK checks a workload or arm label.
func (ld *load) labelOK(blk *hcl.Block, what string) bool {
	if p := namePartProblem(blk.Labels[0], true); p != "" {
		ld.diags.add(errorf(blk.LabelRanges[0].Ptr(), fmt.Sprintf("Invalid %s name", what),
			"The %s name %q cannot be used: %s. Names appear in instance and benchmark names (Benchmark<workload>/<axis>=<value>/arm=<arm>), so they may not contain whitespace, \"/\" or \"=\", nor end in \"-<digits>\".",
			what, blk.Labels[0], p))
		return false
	}
	return true
}

func (ld *load) workloads(content *hcl.BodyContent, suiteRun RunSettings) []*Workload {
	var out []*Workload
	seen := map[string]*hcl.Block{} // by benchmarkKey
	for _, blk := range content.Blocks.OfType("workload") {
		label := blk.Labels[0]
		if !ld.labelOK(blk, "workload") {
			continue
		}
		if prev, dup := seen[benchmarkKey(label)]; dup {
			detail := fmt.Sprintf("A workload named %q was already defined at %s. Workload names must be unique within a suite.", label, prev.DefRange)
			if prev.Labels[0] != label {
				detail = fmt.Sprintf("The workload %q defined at %s has the same Go benchmark name, Benchmark%s, since that format upper-cases a name's first letter: its results would be pooled with this one's. Workload names must stay distinct with their first letter upper-cased.",
					prev.Labels[0], prev.DefRange, benchmarkKey(label))
			}
			ld.diags.add(errorf(blk.LabelRanges[0].Ptr(), "Duplicate workload", "%s", detail))
			continue
		}
		seen[benchmarkKey(label)] = blk
		wd := ld.workloadDef(blk)
		if wd == nil {
			continue
		}
		out = append(out, ld.expandWorkload(wd, suiteRun)...)
	}
	return out
}

// workloadDef reads a workload block's structure and checks its references.
func (ld *load) workloadDef(blk *hcl.Block) *workloadDef {
	wc, diags := blk.Body.Content(workloadSchema)
	ld.diags.add(diags...)
	wd := &workloadDef{label: blk.Labels[0], block: blk, attrs: wc.Attributes}
	wd.matrix = ld.matrixDef(ld.single(wc.Blocks.OfType("matrix"), "in a workload"))
	wd.requires = ld.single(wc.Blocks.OfType("requires"), "in a workload")
	wd.run = ld.single(wc.Blocks.OfType("run"), "in a workload")
	wd.published = ld.single(wc.Blocks.OfType("published"), "in a workload")

	wAxes := wd.matrix.axisNames()
	if wd.matrix != nil {
		sc := refScope{note: "A workload's matrix block is evaluated before its instances exist, so its axes and exclude cannot use matrix.*."}
		for _, a := range wd.matrix.axes {
			ld.checkRefs(a.Expr, sc)
		}
		if wd.matrix.exclude != nil {
			ld.checkRefs(wd.matrix.exclude.Expr, sc)
		}
	}
	wScope := refScope{matrix: true, axes: wAxes}
	for _, a := range sortedAttrs(wd.attrs) {
		ld.checkRefs(a.Expr, wScope)
	}
	for _, b := range []*hcl.Block{wd.requires, wd.run, wd.published} {
		if b != nil {
			for _, e := range bodyExprs(b.Body) {
				ld.checkRefs(e, wScope)
			}
		}
	}

	arms := wc.Blocks.OfType("arm")
	if len(arms) == 0 {
		ld.diags.add(errorf(blk.DefRange.Ptr(), "Workload without arms",
			"Workload %q has no arm blocks. A workload compares arms, one of them the baseline: add arm \"name\" { ... } blocks.", wd.label))
	}
	seen := map[string]*hcl.Block{}
	for _, ab := range arms {
		if !ld.labelOK(ab, "arm") {
			wd.broken = true
			continue
		}
		if prev, dup := seen[ab.Labels[0]]; dup {
			ld.diags.add(errorf(ab.LabelRanges[0].Ptr(), "Duplicate arm",
				"An arm named %q was already defined in this workload at %s. Arm names must be unique within a workload.", ab.Labels[0], prev.DefRange))
			wd.broken = true
			continue
		}
		seen[ab.Labels[0]] = ab
		if ad := ld.armDef(ab, wAxes); ad != nil {
			wd.arms = append(wd.arms, ad)
		} else {
			wd.broken = true
		}
	}
	return wd
}

// armDef reads an arm block's structure: its attributes, matrix, requires
// and exactly one runner block.
func (ld *load) armDef(blk *hcl.Block, wAxes []string) *armDef {
	ac, diags := blk.Body.Content(armSchema())
	for _, d := range diags {
		if d.Summary == "Unsupported argument" && (strings.Contains(d.Detail, `"command"`) || strings.Contains(d.Detail, `"measure"`)) {
			d.Detail += ` Commands belong in the arm's runner block: exec { command = ["prog", "arg"] }.`
		}
	}
	ld.diags.add(diags...)
	ad := &armDef{label: blk.Labels[0], block: blk, attrs: ac.Attributes}
	ad.matrix = ld.matrixDef(ld.single(ac.Blocks.OfType("matrix"), "in an arm"))
	ad.requires = ld.single(ac.Blocks.OfType("requires"), "in an arm")

	ok := true
	for _, b := range ac.Blocks {
		spec, isRunner := runners.Lookup(b.Type)
		if !isRunner {
			continue
		}
		if ad.runner != nil {
			ld.diags.add(errorf(b.DefRange.Ptr(), "Duplicate runner block",
				"Arm %q already has the runner block %s {} at %s. An arm holds exactly one runner block; split them into separate arms.",
				ad.label, ad.runner.Type, ad.runner.DefRange))
			ok = false
			continue
		}
		ad.runner, ad.spec = b, spec
	}
	if ad.runner == nil {
		ld.diags.add(errorf(blk.DefRange.Ptr(), "Missing runner block",
			"Arm %q needs exactly one runner block saying what it runs: %s.", ad.label, runnerList()))
		ok = false
	}

	aAxes := ad.matrix.axisNames()
	for _, a := range aAxes {
		if contains(wAxes, a) {
			for _, at := range ad.matrix.axes {
				if at.Name == a {
					ld.diags.add(errorf(at.NameRange.Ptr(), "Duplicate matrix axis",
						"The workload's matrix already has an axis named %q; an arm's axes must have names of their own.", a))
				}
			}
			ok = false
		}
	}
	inner := refScope{matrix: true, axes: append(append([]string(nil), wAxes...), aAxes...)}
	if ad.matrix != nil {
		sc := refScope{matrix: true, axes: wAxes, note: "An arm's matrix block can use the workload's axes, not its own."}
		for _, a := range ad.matrix.axes {
			ld.checkRefs(a.Expr, sc)
		}
		if ad.matrix.exclude != nil {
			ld.checkRefs(ad.matrix.exclude.Expr, sc)
		}
	}
	for _, a := range sortedAttrs(ad.attrs) {
		ld.checkRefs(a.Expr, inner)
	}
	for _, b := range []*hcl.Block{ad.requires, ad.runner} {
		if b != nil {
			for _, e := range bodyExprs(b.Body) {
				ld.checkRefs(e, inner)
			}
		}
	}
	if !ok {
		return nil
	}
	return ad
}

func runnerList() string {
	names := runners.Names()
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + " {}"
	}
	switch len(parts) {
	case 0:
		return "(no runners are registered)"
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

// decodeAttr decodes one optional attribute into target; it reports
// whether the attribute was present and decoded without error.
func (ld *load) decodeAttr(attrs hcl.Attributes, name string, ctx *hcl.EvalContext, target any) bool {
	a, ok := attrs[name]
	if !ok {
		return false
	}
	diags := gohcl.DecodeExpression(a.Expr, ctx, target)
	ld.diags.addEval(diags)
	return !diags.HasErrors()
}

// decodeArgv decodes an optional argv attribute (setup, cleanup, ...).
func (ld *load) decodeArgv(attrs hcl.Attributes, name string, ctx *hcl.EvalContext) []string {
	var argv []string
	if !ld.decodeAttr(attrs, name, ctx, &argv) {
		return nil
	}
	if len(argv) == 0 || argv[0] == "" {
		ld.diags.add(errorf(attrs[name].Expr.Range().Ptr(), "Empty command",
			"%s is an argv list and needs at least the program, such as [\"make\", \"data\"]. Remove the attribute if there is nothing to run.", name))
		return nil
	}
	return argv
}

type baselineProblem struct {
	subject   *hcl.Range
	instances []string
	detail    func(first string, more int) string
}

// baselineProblems gathers, by kind, the workload instances whose arms do
// not have exactly one baseline, so that each kind is one diagnostic.
type baselineProblems struct {
	byKey map[string]*baselineProblem
	order []string
}

func (ps *baselineProblems) add(key string, subject *hcl.Range, inst string, detail func(string, int) string) {
	p := ps.byKey[key]
	if p == nil {
		p = &baselineProblem{subject: subject, detail: detail}
		ps.byKey[key] = p
		ps.order = append(ps.order, key)
	}
	p.instances = append(p.instances, inst)
}

func (ps *baselineProblems) report(ld *load) {
	for _, key := range ps.order {
		p := ps.byKey[key]
		ld.diags.add(&hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Workload needs exactly one baseline arm",
			Detail:   p.detail(p.instances[0], len(p.instances)-1),
			Subject:  p.subject,
		})
	}
}

// expandWorkload expands one workload block into its instances.
func (ld *load) expandWorkload(wd *workloadDef, suiteRun RunSettings) []*Workload {
	combos, ok := ld.expand(wd.matrix, ld.ctx, nil)
	if !ok {
		return nil
	}
	var out []*Workload
	var published publishedArms
	problems := &baselineProblems{byKey: map[string]*baselineProblem{}}
	for _, c := range combos {
		if ld.armInstances > MaxInstances {
			break // reported
		}
		ctx := childCtx(ld.ctx, c.values())
		w := &Workload{
			Name:   c.name(wd.label),
			Label:  wd.label,
			Axes:   c.axes(),
			Metric: DefaultMetric,
			Better: BetterLower,
			Run:    suiteRun,
			At:     ld.location(wd.block.DefRange),
		}
		ld.decodeWorkloadAttrs(wd, ctx, w, suiteRun)
		complete := !wd.broken
		for _, ad := range wd.arms {
			arms, known := ld.expandArm(ad, ctx, c, w)
			w.Arms = append(w.Arms, arms...)
			complete = complete && known
		}
		if wd.published != nil {
			w.Published = ld.decodePublished(wd.published, ctx)
			published.check(w, complete, wd.published, ctx)
		}
		if len(wd.arms) > 0 && complete {
			// Otherwise reported already: counting baselines among the
			// arms that decoded would only add a misleading error.
			checkBaseline(wd, w, problems)
		}
		out = append(out, w)
	}
	problems.report(ld)
	published.report(ld, wd.label)
	ld.warnUnmatchedExcludes(wd.matrix)
	for _, ad := range wd.arms {
		ld.warnUnmatchedExcludes(ad.matrix)
	}
	return out
}

// decodeWorkloadAttrs decodes a workload instance's own attributes and
// blocks: description, metric, better, the hooks, requires and run.
func (ld *load) decodeWorkloadAttrs(wd *workloadDef, ctx *hcl.EvalContext, w *Workload, suiteRun RunSettings) {
	ld.decodeAttr(wd.attrs, "description", ctx, &w.Description)
	if ld.decodeAttr(wd.attrs, "metric", ctx, &w.Metric) {
		if w.Metric == "" || strings.IndexFunc(w.Metric, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' }) >= 0 {
			ld.diags.add(errorf(wd.attrs["metric"].Expr.Range().Ptr(), "Invalid metric",
				"metric is a unit such as \"ns\", \"ms\" or \"frames/s\" and may not be empty or contain whitespace, not %q.", w.Metric))
		}
	}
	if ld.decodeAttr(wd.attrs, "better", ctx, &w.Better) && w.Better != BetterLower && w.Better != BetterHigher {
		ld.diags.add(errorf(wd.attrs["better"].Expr.Range().Ptr(), "Invalid better",
			"better must be \"lower\" or \"higher\", not %q.%s", w.Better, suggestEnum(w.Better, []string{BetterLower, BetterHigher})))
	}
	w.Setup = ld.decodeArgv(wd.attrs, "setup", ctx)
	w.Cleanup = ld.decodeArgv(wd.attrs, "cleanup", ctx)
	w.Prepare = ld.decodeArgv(wd.attrs, "prepare", ctx)
	w.Conclude = ld.decodeArgv(wd.attrs, "conclude", ctx)
	if wd.requires != nil {
		w.Requires, _ = ld.decodeRequires(wd.requires, ctx)
	}
	if wd.run != nil {
		w.Run, _ = ld.applyRun(suiteRun, wd.run, ctx, "workload "+w.Name)
	}
}

// checkBaseline records a problem when a workload instance has no arm left,
// no baseline arm or more than one.
func checkBaseline(wd *workloadDef, w *Workload, problems *baselineProblems) {
	var baselines []*Arm
	for _, a := range w.Arms {
		if a.Baseline {
			baselines = append(baselines, a)
		}
	}
	switch {
	case len(w.Arms) == 0:
		problems.add("none-left", wd.block.DefRange.Ptr(), w.Name, func(first string, more int) string {
			return fmt.Sprintf("After exclude, %s has no arms left%s. Loosen the exclude entries or remove the workload matrix values that have no arms.", first, andMore(more))
		})
	case len(baselines) == 0:
		problems.add("none", wd.block.DefRange.Ptr(), w.Name, func(first string, more int) string {
			if first == wd.label {
				return fmt.Sprintf("Workload %q has no arm with baseline = true. Mark exactly one arm as the baseline the others are compared against.", wd.label)
			}
			return fmt.Sprintf("In %s%s, no arm has baseline = true. Mark exactly one arm instance per workload instance as the baseline, e.g. baseline = matrix.precision == \"fp32\".", first, andMore(more))
		})
	case len(baselines) > 1:
		names := make([]string, len(baselines))
		for i, b := range baselines {
			names[i] = b.Name
		}
		second := wd.block.DefRange.Ptr()
		for _, ad := range wd.arms {
			if ad.label == baselines[1].Label {
				second = ad.block.DefRange.Ptr()
				if a, ok := ad.attrs["baseline"]; ok {
					second = a.Expr.Range().Ptr()
				}
			}
		}
		list := strings.Join(names, ", ")
		problems.add("many:"+second.String(), second, w.Name, func(first string, more int) string {
			return fmt.Sprintf("In %s%s, %d arms have baseline = true (%s). Exactly one arm per workload instance is the baseline the others are compared against.",
				first, andMore(more), len(baselines), list)
		})
	}
}

func andMore(n int) string {
	switch n {
	case 0:
		return ""
	case 1:
		return " (and 1 other instance)"
	}
	return fmt.Sprintf(" (and %d other instances)", n)
}

// expandArm expands one arm in one workload instance. An instance whose
// other attributes or runner block have errors is still returned (the plan
// is discarded anyway) so that the baseline count stays meaningful;
// baselineKnown is false when the matrix or a baseline expression failed.
func (ld *load) expandArm(ad *armDef, wctx *hcl.EvalContext, wc combo, w *Workload) (out []*Arm, baselineKnown bool) {
	if ld.armInstances > MaxInstances {
		return nil, false // reported
	}
	combos, ok := ld.expand(ad.matrix, wctx, wc)
	if !ok {
		return nil, false
	}
	if ld.armInstances += len(combos); ld.armInstances > MaxInstances {
		if ld.armInstances-len(combos) <= MaxInstances {
			ld.diags.add(errorf(ad.block.DefRange.Ptr(), "Suite too large",
				"With this arm, the suite expands to more than %d arm instances, the most a suite may have (in %s). Remove matrix values, or split the suite.",
				MaxInstances, w.Name))
		}
		return nil, false
	}
	baselineKnown = true
	for _, c := range combos {
		merged := append(append(combo(nil), wc...), c...)
		ctx := childCtx(ld.ctx, merged.values())
		a := &Arm{
			Name:     c.name(ad.label),
			Label:    ad.label,
			Axes:     c.axes(),
			Runner:   ad.runner.Type,
			Requires: w.Requires,
			At:       ld.location(ad.block.DefRange),
		}
		out = append(out, a)
		n := ld.diags.errs
		ld.decodeAttr(ad.attrs, "baseline", ctx, &a.Baseline)
		if ld.diags.errs != n {
			baselineKnown = false
		}
		ld.decodeAttr(ad.attrs, "env", ctx, &a.Env)
		for k := range a.Env {
			if k == "" || strings.ContainsAny(k, "=\x00") {
				ld.diags.add(errorf(ad.attrs["env"].Expr.Range().Ptr(), "Invalid environment variable name",
					"%q cannot be an environment variable name: names may not be empty or contain \"=\".", k))
			}
		}
		ld.decodeAttr(ad.attrs, "workdir", ctx, &a.Workdir)
		ld.decodeAttr(ad.attrs, "fresh_process", ctx, &a.FreshProcess)
		var timeout string
		if ld.decodeAttr(ad.attrs, "timeout", ctx, &timeout) {
			d, err := time.ParseDuration(timeout)
			switch {
			case err != nil:
				ld.diags.add(errorf(ad.attrs["timeout"].Expr.Range().Ptr(), "Invalid duration",
					"The timeout must be a duration such as \"90s\" or \"20m\": %v.", err))
			case d <= 0:
				ld.diags.add(errorf(ad.attrs["timeout"].Expr.Range().Ptr(), "Invalid duration",
					"The timeout must be positive; leave it out to use the harness default."))
			default:
				a.Timeout = d
			}
		}
		if ad.requires != nil {
			if r, ok := ld.decodeRequires(ad.requires, ctx); ok {
				a.Requires = mergeRequires(w.Requires, r)
			}
		}
		cfg, diags := ad.spec.Decode(ad.runner.Body, ctx)
		ld.diags.addEval(diags)
		if diags.HasErrors() {
			continue
		}
		if ld.l.opts.CheckFiles && ad.spec.Check != nil {
			ld.diags.add(ad.spec.Check(cfg, ld.dir)...)
		}
		raw, err := json.Marshal(cfg)
		if err != nil {
			ld.diags.add(errorf(ad.runner.DefRange.Ptr(), "Cannot record runner configuration",
				"The %s runner's configuration cannot be written as JSON: %v.", ad.runner.Type, err))
			continue
		}
		a.Config = raw
	}
	return out, baselineKnown
}
