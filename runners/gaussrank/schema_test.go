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
		{"bad implementation", "rows = 10\nimplementation = \"numpi\"\n", `Invalid implementation`, 2, 18},
		{"python with go default", "rows = 10\npython = \"/usr/bin/python3\"\n", "Attribute not used by this implementation", 2, 10},
		{"python with go explicit", "rows = 10\nimplementation = \"go\"\npython = \"python3\"\n", "Attribute not used by this implementation", 3, 10},
		{"threads with numpy", "rows = 10\nimplementation = \"numpy\"\nthreads = 2\n", "Attribute not used by this implementation", 3, 11},
		{"sort_kind with cupy", "rows = 10\nimplementation = \"cupy\"\nsort_kind = \"stable\"\n", "Attribute not used by this implementation", 3, 13},
		{"sort_kind with go", "rows = 10\nsort_kind = \"stable\"\n", "Attribute not used by this implementation", 2, 13},
		{"cudf with numpy", "rows = 10\nimplementation = \"numpy\"\ncudf = false\n", "Attribute not used by this implementation", 3, 8},
		{"bad sort_kind", "rows = 10\nimplementation = \"numpy\"\nsort_kind = \"heapsort\"\n", "Invalid sort_kind", 3, 13},
		{"empty python", "rows = 10\nimplementation = \"cupy\"\npython = \"\"\n", "Invalid python", 3, 10},
		{"implementation not a string", "rows = 10\nimplementation = 3\n", "Invalid implementation", 2, 18},
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

func TestDecodeImplementationDetails(t *testing.T) {
	_, diags := decodeSrc(t, "rows = 10\nimplementation = \"numpi\"\n")
	if d := diags[0].Detail; !strings.Contains(d, `Did you mean "numpy"?`) || !strings.Contains(d, `"go", "numpy", "cupy"`) {
		t.Errorf("detail %q lacks the list or the suggestion", d)
	}
	_, diags = decodeSrc(t, "rows = 10\nimplementation = \"numpy\"\nthreads = 2\ncudf = true\n")
	if len(diags) != 2 || !strings.Contains(diags[0].Detail, `implementation = "go"`) || !strings.Contains(diags[1].Detail, `implementation = "cupy"`) {
		t.Errorf("want one diagnostic per misplaced attribute, naming where each belongs: %v", diags)
	}
}

func TestDecodeImplementations(t *testing.T) {
	f, tr := false, true
	cases := []struct {
		name, src string
		want      Config
	}{
		{"go default", "rows = 10\n", Config{Implementation: ImplGo}},
		{"go threads", "rows = 10\nimplementation = \"go\"\nthreads = 3\n", Config{Implementation: ImplGo, Threads: 3}},
		{"numpy defaults", "rows = 10\nimplementation = \"numpy\"\n",
			Config{Implementation: ImplNumPy, Python: DefaultPython, SortKind: SortQuicksort}},
		{"numpy explicit", "rows = 10\nimplementation = \"numpy\"\npython = \"python3.12\"\nsort_kind = \"stable\"\n",
			Config{Implementation: ImplNumPy, Python: "python3.12", SortKind: SortStable}},
		{"cupy defaults", "rows = 10\nimplementation = \"cupy\"\n", Config{Implementation: ImplCuPy, Python: DefaultPython, CuDF: &tr}},
		{"cupy without cudf", "rows = 10\nimplementation = \"cupy\"\ncudf = false\npython = \"/opt/conda/bin/python\"\n",
			Config{Implementation: ImplCuPy, Python: "/opt/conda/bin/python", CuDF: &f}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, diags := decodeSrc(t, tc.src)
			if len(diags) > 0 {
				t.Fatalf("unexpected diagnostics: %v", diags)
			}
			same := c.Implementation == tc.want.Implementation && c.Python == tc.want.Python &&
				c.SortKind == tc.want.SortKind && c.Threads == tc.want.Threads &&
				(c.CuDF == nil) == (tc.want.CuDF == nil) && (c.CuDF == nil || *c.CuDF == *tc.want.CuDF)
			if !same {
				t.Fatalf("decoded %+v, want %+v", *c, tc.want)
			}
		})
	}
}
