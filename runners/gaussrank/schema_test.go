package gaussrank

import (
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/benchy-dev/benchy/runners"
)

func decodeSrc(t *testing.T, src string) (*Config, hcl.Diagnostics) {
	t.Helper()
	f, diags := hclsyntax.ParseConfig([]byte(src), "test.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("parse: %v", diags)
	}
	spec, ok := runners.Lookup("gaussrank")
	if !ok {
		t.Fatal("gaussrank runner not registered")
	}
	v, diags := spec.Decode(f.Body, nil)
	c, _ := v.(*Config)
	return c, diags
}

func TestDecodeDefaults(t *testing.T) {
	c, diags := decodeSrc(t, "rows = 1000\n")
	if diags.HasErrors() {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	if c.Rows != 1000 || c.DType != "float64" || c.Distribution != "uniform" ||
		c.Inverse == nil || !*c.Inverse || c.Eps == nil || *c.Eps != 1e-6 || c.Threads != 0 {
		t.Fatalf("defaults not applied: %+v", *c)
	}
}

func TestDecodeExplicit(t *testing.T) {
	c, diags := decodeSrc(t, `rows = 1e7
dtype = "float32"
distribution = "champs-like"
inverse = false
eps = 0.001
threads = 2
`)
	if diags.HasErrors() {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	if c.Rows != 10000000 || c.DType != "float32" || c.Distribution != "champs-like" ||
		*c.Inverse || *c.Eps != 0.001 || c.Threads != 2 {
		t.Fatalf("decoded %+v", *c)
	}
}

func TestDecodeErrors(t *testing.T) {
	cases := []struct {
		name, src, summary string
		line, col          int
	}{
		{"rows too small", "rows = 1\n", "Invalid rows", 1, 8},
		{"rows negative", "rows = -5\n", "Invalid rows", 1, 8},
		{"rows too large", "rows = 3e9\n", "Invalid rows", 1, 8},
		{"bad dtype", "rows = 10\ndtype = \"int8\"\n", "Invalid dtype", 2, 9},
		{"bad distribution", "rows = 10\ndistribution = \"gamma\"\n", "Invalid distribution", 2, 16},
		{"eps zero", "rows = 10\neps = 0\n", "Invalid eps", 2, 7},
		{"eps one", "rows = 10\neps = 1\n", "Invalid eps", 2, 7},
		{"threads negative", "rows = 10\nthreads = -1\n", "Invalid threads", 2, 11},
		{"missing rows", "dtype = \"float32\"\n", "Missing required argument", 0, 0},
		{"unknown attribute", "rows = 10\nsize = 3\n", "Unsupported argument", 2, 1},
		{"fractional rows", "rows = 10.5\n", "Unsuitable value type", 1, 8},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, diags := decodeSrc(t, tc.src)
			if !diags.HasErrors() {
				t.Fatalf("no error for %q", tc.src)
			}
			d := diags[0]
			if !strings.Contains(d.Summary, tc.summary) {
				t.Fatalf("summary %q, want %q (detail %q)", d.Summary, tc.summary, d.Detail)
			}
			if d.Subject == nil {
				t.Fatalf("diagnostic %q has no subject range", d.Summary)
			}
			if tc.line != 0 && (d.Subject.Start.Line != tc.line || d.Subject.Start.Column != tc.col) {
				t.Fatalf("subject %v, want line %d column %d", d.Subject, tc.line, tc.col)
			}
		})
	}
}
