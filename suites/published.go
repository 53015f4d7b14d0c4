package suites

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/benchy-dev/benchy/runners"
)

// publishedBlock is a decoded published {} block; nil fields were not set.
type publishedBlock struct {
	Source string             `hcl:"source"`
	Claim  *string            `hcl:"claim,optional"`
	Arms   *map[string]string `hcl:"arms,optional"`
	URL    *string            `hcl:"url,optional"`
}

// decodePublished decodes a workload's published block in one workload
// instance's context. It returns nil when the block had errors.
func (ld *load) decodePublished(blk *hcl.Block, ctx *hcl.EvalContext) *Published {
	var pb publishedBlock
	diags := inSourceOrder(gohcl.DecodeBody(blk.Body, ctx, &pb))
	ld.diags.addEval(diags)
	if diags.HasErrors() {
		return nil
	}
	attrs, _ := blk.Body.JustAttributes()
	at := runAttrs(attrs)
	n := ld.diags.errs
	p := &Published{Source: strings.TrimSpace(pb.Source)}
	if p.Source == "" {
		ld.diags.add(errorf(at.rng("source", blk.DefRange), "Empty published source",
			"source names where the published figures come from (authors, title, year, and the hardware they ran on), so it may not be empty."))
	}
	if pb.Claim != nil {
		p.Claim = strings.TrimSpace(*pb.Claim)
		if p.Claim == "" {
			ld.diags.add(errorf(at.rng("claim", blk.DefRange), "Empty published claim",
				"claim is the published result in words, such as \"FRILL is 32x faster than TRILL (8.5 ms vs 275.3 ms)\"; remove the attribute rather than leave it empty."))
		}
	}
	if pb.Arms != nil {
		p.Arms = map[string]string{}
		for _, k := range slices.Sorted(maps.Keys(*pb.Arms)) {
			v := strings.TrimSpace((*pb.Arms)[k])
			if v == "" {
				ld.diags.add(errorf(keyRange(attrs["arms"], k, ctx), "Empty published figure",
					"The published figure for %q is empty. Give the figure as published, such as \"275.3 ms, 98.1 MB\", or leave the arm out of arms.", k))
				continue
			}
			p.Arms[k] = v
		}
		if len(p.Arms) == 0 {
			p.Arms = nil
		}
	}
	if p.Claim == "" && len(p.Arms) == 0 && ld.diags.errs == n {
		ld.diags.add(errorf(blk.DefRange.Ptr(), "Published block without a claim",
			"A published block cites a result: give its claim (\"FRILL is 32x faster than TRILL\"), per-arm figures in arms = { arm = \"8.5 ms\" }, or both."))
	}
	if pb.URL != nil {
		p.URL = strings.TrimSpace(*pb.URL)
		if u, err := url.Parse(p.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			ld.diags.add(errorf(at.rng("url", blk.DefRange), "Invalid published url",
				"url must be an absolute http or https address of the publication, such as \"https://arxiv.org/abs/2011.04609\", not %q.", p.URL))
		}
	}
	if ld.diags.errs != n {
		return nil
	}
	return p
}

// keyRange is the range of the key k in an object constructor (arms = {
// k = ... }), or the attribute's expression when the key cannot be found.
func keyRange(a *hcl.Attribute, k string, ctx *hcl.EvalContext) *hcl.Range {
	if a == nil {
		return nil
	}
	if oc, ok := a.Expr.(*hclsyntax.ObjectConsExpr); ok {
		for _, item := range oc.Items {
			v, diags := item.KeyExpr.Value(ctx)
			if diags.HasErrors() || !v.IsKnown() || v.IsNull() {
				continue
			}
			if s, err := valueString(v); err == nil && s == k {
				return item.KeyExpr.Range().Ptr()
			}
		}
	}
	return a.Expr.Range().Ptr()
}

// publishedArms collects, over a workload's instances, the arms keys of
// its published block and the arm instances that exist, so that a key
// naming no arm instance of any workload instance is reported once.
type publishedArms struct {
	keys    []string
	subject map[string]*hcl.Range
	arms    []string
	labels  map[string][]string
	// incomplete is set when some arm of some instance did not expand:
	// the arm names are then not all known, so nothing is reported.
	incomplete bool
}

// check drops from w.Published.Arms the keys that name no arm instance of
// w (an arm that a matrix exclude removed from this workload instance has
// no measurement to stand beside) and notes every key and arm name for
// report.
func (pa *publishedArms) check(w *Workload, complete bool, blk *hcl.Block, ctx *hcl.EvalContext) {
	pa.incomplete = pa.incomplete || !complete
	for _, a := range w.Arms {
		if !contains(pa.arms, a.Name) {
			pa.arms = append(pa.arms, a.Name)
		}
		if a.Name != a.Label {
			if pa.labels == nil {
				pa.labels = map[string][]string{}
			}
			if !contains(pa.labels[a.Label], a.Name) {
				pa.labels[a.Label] = append(pa.labels[a.Label], a.Name)
			}
		}
	}
	if w.Published == nil || len(w.Published.Arms) == 0 {
		return
	}
	attrs, _ := blk.Body.JustAttributes()
	for _, k := range slices.Sorted(maps.Keys(w.Published.Arms)) {
		if w.Arm(k) == nil {
			delete(w.Published.Arms, k)
		}
		if pa.subject == nil {
			pa.subject = map[string]*hcl.Range{}
		}
		if _, seen := pa.subject[k]; !seen {
			pa.subject[k] = keyRange(attrs["arms"], k, ctx)
			pa.keys = append(pa.keys, k)
		}
	}
	if len(w.Published.Arms) == 0 {
		w.Published.Arms = nil
	}
}

// report adds one error per key that named no arm instance anywhere. Arm
// instance names are all known at load time, so such a key is a mistake,
// and a figure that silently went nowhere would leave the report short of
// what the suite cites: it is an error, like an unknown axis in exclude.
func (pa *publishedArms) report(ld *load, label string) {
	if pa.incomplete {
		return
	}
	keys := append([]string(nil), pa.keys...)
	sort.SliceStable(keys, func(i, j int) bool {
		a, b := pa.subject[keys[i]], pa.subject[keys[j]]
		return a != nil && b != nil && a.Start.Byte < b.Start.Byte
	})
	for _, k := range keys {
		if contains(pa.arms, k) {
			continue
		}
		hint := runners.Suggest(k, pa.arms)
		if inst, ok := pa.labels[k]; ok {
			hint = fmt.Sprintf(" Arm %q has matrix instances, and arms names each instance, such as %q.", k, inst[0])
		}
		ld.diags.add(errorf(pa.subject[k], "Unknown arm in published",
			"The published arms entry %q names no arm instance of workload %q.%s Its arm instances are: %s.",
			k, label, hint, strings.Join(pa.arms, ", ")))
	}
}
