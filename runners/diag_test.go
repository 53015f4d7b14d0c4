package runners

import (
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
)

// DecodeBlock decodes a body and points each later diagnostic at its
// attribute, or at the body when the attribute is absent; a body that does
// not decode returns gohcl's diagnostics and ok false.
func TestDecodeBlock(t *testing.T) {
	type config struct {
		Name     string    `hcl:"name"`
		Count    int       `hcl:"count,optional"`
		DefRange hcl.Range `hcl:",def_range"`
	}
	parse := func(src string) hcl.Body {
		t.Helper()
		f, diags := hclparse.NewParser().ParseHCL([]byte(src), "x.hcl")
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		return f.Body
	}
	for _, tc := range []struct {
		src, wantErr string
		ok           bool
	}{
		{src: "name = \"a\"\ncount = 2\n", ok: true},
		{src: "name = \"a\"\nnmae = 1\n", wantErr: `Unsupported argument; An argument named "nmae" is not expected here.`},
		{src: "count = \"many\"\n", wantErr: `Missing required argument`},
	} {
		var c config
		chk, ok := DecodeBlock(parse(tc.src), nil, &c, &c.DefRange)
		if ok != tc.ok || !strings.Contains(chk.Diags.Error(), tc.wantErr) {
			t.Errorf("%q: ok %v, diags %v; want ok %v, %q", tc.src, ok, chk.Diags, tc.ok, tc.wantErr)
		}
		if !ok {
			continue
		}
		if c.Name != "a" || c.Count != 2 {
			t.Errorf("%q decoded as %+v", tc.src, c)
		}
		if r := chk.Range("count"); r.Start.Line != 2 {
			t.Errorf("count's range %v, want line 2", r)
		}
		chk.Error("missing", "Missing", "detail")
		if d := chk.Diags[len(chk.Diags)-1]; d.Subject.Filename != "x.hcl" {
			t.Errorf("an absent attribute's error points at %v, want the body", d.Subject)
		}
	}
}
