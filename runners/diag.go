package runners

import (
	"fmt"

	"github.com/agext/levenshtein"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
)

// BlockChecker collects a runner block's semantic diagnostics, each pointing
// at the attribute it is about (or at the block when the attribute is absent).
type BlockChecker struct {
	attrs hcl.Attributes
	def   hcl.Range
	// Diags are the diagnostics so far; callers append decode diagnostics too.
	Diags hcl.Diagnostics
}

// DecodeBlock decodes a runner block's body into v (a pointer to its config
// struct) with gohcl and starts checking it. def points at the struct's
// `hcl:",def_range"` field, read once decoding has filled it. ok is false
// when decoding failed; the checker's Diags then hold why, and the runner's
// decode returns them as they are:
//
//	var c Config
//	chk, ok := runners.DecodeBlock(body, ctx, &c, &c.DefRange)
//	if !ok {
//		return nil, chk.Diags
//	}
func DecodeBlock(body hcl.Body, ctx *hcl.EvalContext, v any, def *hcl.Range) (chk *BlockChecker, ok bool) {
	diags := gohcl.DecodeBody(body, ctx, v)
	if diags.HasErrors() {
		return &BlockChecker{Diags: diags}, false
	}
	return newBlockChecker(body, *def, diags), true
}

// newBlockChecker starts checking a decoded block whose definition is at
// def. A body decoded on its own has no definition range (gohcl fills
// def_range only for nested blocks); errors about the whole block then
// point at the body itself.
func newBlockChecker(body hcl.Body, def hcl.Range, diags hcl.Diagnostics) *BlockChecker {
	attrs, _ := body.JustAttributes()
	if def.Filename == "" {
		def = body.MissingItemRange()
	}
	return &BlockChecker{attrs: attrs, def: def, Diags: diags}
}

// Range is the range of attribute name's expression, or the block's.
func (b *BlockChecker) Range(name string) *hcl.Range {
	if a, ok := b.attrs[name]; ok {
		return a.Expr.Range().Ptr()
	}
	return b.def.Ptr()
}

// Error records an error about attribute name.
func (b *BlockChecker) Error(name, summary, detail string) {
	b.Diags = append(b.Diags, &hcl.Diagnostic{
		Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: b.Range(name),
	})
}

// Suggest returns ` Did you mean "x"?` for the candidate closest to given
// (edit distance below 3, hcl's own rule), or "" when none is close.
func Suggest(given string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := levenshtein.Distance(given, c, nil); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" Did you mean %q?", best)
}

// Attributes are the block's attributes by name.
func (b *BlockChecker) Attributes() hcl.Attributes { return b.attrs }
