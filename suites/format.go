package suites

import (
	"bytes"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

// Format returns a native-syntax suite or variable file in canonical form
// (hclwrite.Format, as terraform fmt). A file that does not parse is
// returned unchanged with its syntax errors, since formatting it could
// lose text. Classic Mac OS line endings (lone CRs) become LFs.
//
// The file is kept by the loader, so that its diagnostics can be printed
// with Files.
func (l *Loader) Format(filename string, src []byte) ([]byte, hcl.Diagnostics) {
	if strings.HasSuffix(filename, ".json") {
		return src, hcl.Diagnostics{errorf(nil, "Cannot format JSON",
			"%s is a JSON suite; benchy fmt formats native HCL syntax only.", filename)}
	}
	ld := &load{l: l, filename: filename}
	if !ld.parse(src) {
		return src, ld.diags.list
	}
	// Lone CRs become LFs, as the parser read them.
	out := hclwrite.Format(normalizeNewlines(src))
	// hclwrite keeps a missing final newline; canonical files end in one.
	if len(out) > 0 && !bytes.HasSuffix(out, []byte("\n")) {
		out = append(out, '\n')
	}
	return out, nil
}

// Canonical reports whether src is already formatted.
func (l *Loader) Canonical(filename string, src []byte) (bool, hcl.Diagnostics) {
	out, diags := l.Format(filename, src)
	if diags.HasErrors() {
		return false, diags
	}
	return bytes.Equal(out, src), nil
}
