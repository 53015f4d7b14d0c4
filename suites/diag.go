package suites

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// diagSet accumulates diagnostics for one load. It drops exact duplicates
// (the same problem found once per matrix instance) and, for diagnostics
// that come from evaluating an expression, the follow-on errors of an
// expression that already has one.
type diagSet struct {
	list hcl.Diagnostics
	seen map[string]bool
	// errs counts every error offered, kept or dropped, so that a caller
	// can tell whether a step failed even when its error was a duplicate.
	errs int
}

func diagKey(d *hcl.Diagnostic) string {
	var s string
	if d.Subject != nil {
		s = d.Subject.String()
	}
	return fmt.Sprintf("%d\x00%s\x00%s\x00%s", d.Severity, d.Summary, d.Detail, s)
}

// add appends diagnostics, dropping exact duplicates.
func (s *diagSet) add(ds ...*hcl.Diagnostic) {
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	for _, d := range ds {
		if d == nil {
			continue
		}
		if d.Severity == hcl.DiagError {
			s.errs++
		}
		k := diagKey(d)
		if s.seen[k] {
			continue
		}
		s.seen[k] = true
		s.list = append(s.list, d)
	}
}

// addEval appends diagnostics produced by evaluating expressions. An error
// whose range overlaps one that is already reported is a cascade of it (an
// undeclared reference is first reported statically, then again by the
// evaluator, then again by the type conversion), and so is gohcl's "value
// must be known" after an earlier failure: both are dropped.
func (s *diagSet) addEval(ds hcl.Diagnostics) {
	for _, d := range ds {
		if d == nil {
			continue
		}
		if d.Severity == hcl.DiagError {
			// An exact repeat is dropped by add; checking for one first
			// keeps a for expression that fails in each of its thousands
			// of iterations from costing a scan each.
			if s.seen[diagKey(d)] || (strings.HasSuffix(d.Detail, "value must be known") && s.hasErrors()) || s.overlapsError(d) {
				s.errs++
				continue
			}
		}
		s.add(d)
	}
}

func (s *diagSet) hasErrors() bool { return s.list.HasErrors() }

func diagRange(d *hcl.Diagnostic) *hcl.Range {
	if d.Context != nil {
		return d.Context
	}
	return d.Subject
}

// overlaps reports whether a and b share at least one byte (hcl's own
// Range.Overlaps also counts ranges that merely touch).
func overlaps(a, b *hcl.Range) bool {
	if a == nil || b == nil || a.Filename != b.Filename {
		return false
	}
	if a.Empty() || b.Empty() {
		return a.Start.Byte == b.Start.Byte && a.End.Byte == b.End.Byte
	}
	return a.Start.Byte < b.End.Byte && b.Start.Byte < a.End.Byte
}

func (s *diagSet) overlapsError(d *hcl.Diagnostic) bool {
	r := diagRange(d)
	if r == nil {
		return false
	}
	for _, e := range s.list {
		if e.Severity != hcl.DiagError {
			continue
		}
		if overlaps(r, diagRange(e)) || overlaps(d.Subject, e.Subject) {
			return true
		}
	}
	return false
}

// errorf builds an error diagnostic.
func errorf(subject *hcl.Range, summary, detail string, args ...any) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   fmt.Sprintf(detail, args...),
		Subject:  subject,
	}
}

// warnf builds a warning diagnostic.
func warnf(subject *hcl.Range, summary, detail string, args ...any) *hcl.Diagnostic {
	d := errorf(subject, summary, detail, args...)
	d.Severity = hcl.DiagWarning
	return d
}

// rangeKey identifies an expression's source range.
type rangeKey struct {
	file       string
	start, end int
}

func keyOf(r hcl.Range) rangeKey { return rangeKey{r.Filename, r.Start.Byte, r.End.Byte} }

// attrIndex maps every attribute expression's range in a native-syntax file
// to the attribute's name, so that gohcl's anonymous "Unsuitable value"
// diagnostics can name the attribute they are about.
func attrIndex(body hcl.Body) map[rangeKey]string {
	idx := map[rangeKey]string{}
	sb, ok := body.(*hclsyntax.Body)
	if !ok {
		return idx
	}
	hclsyntax.VisitAll(sb, func(n hclsyntax.Node) hcl.Diagnostics {
		if a, ok := n.(*hclsyntax.Attribute); ok {
			idx[keyOf(a.Expr.Range())] = a.Name
		}
		return nil
	})
	return idx
}

// polish rewrites gohcl's "Unsuitable value type" diagnostics into the
// wording hcldec and Terraform use, which names the attribute:
// "Incorrect attribute value type: Inappropriate value for attribute
// "min_blocks": a number is required."
func polish(diags hcl.Diagnostics, idx map[rangeKey]string) {
	for _, d := range diags {
		if d.Summary != "Unsuitable value type" || !strings.HasPrefix(d.Detail, "Unsuitable value: ") {
			continue
		}
		msg := strings.TrimPrefix(d.Detail, "Unsuitable value: ")
		if !strings.HasSuffix(msg, ".") {
			msg += "."
		}
		name := ""
		if r := diagRange(d); r != nil {
			name = idx[keyOf(*r)]
		}
		if name == "" {
			d.Summary = "Incorrect value type"
			d.Detail = "Inappropriate value: " + msg
			continue
		}
		d.Summary = "Incorrect attribute value type"
		d.Detail = fmt.Sprintf("Inappropriate value for attribute %q: %s", name, msg)
	}
}

// inSourceOrder sorts diags by where they start, those without a subject
// last, and returns them. gohcl decodes a block's attributes in map order,
// so its diagnostics would otherwise come out in a different order on
// every load.
func inSourceOrder(diags hcl.Diagnostics) hcl.Diagnostics {
	sort.SliceStable(diags, func(i, j int) bool {
		a, b := diags[i].Subject, diags[j].Subject
		if a == nil || b == nil {
			return a != nil
		}
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		return a.Start.Byte < b.Start.Byte
	})
	return diags
}
