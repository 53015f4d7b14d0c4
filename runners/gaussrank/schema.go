package gaussrank

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/benchy-dev/benchy/runners"
)

// Element types accepted by the dtype attribute.
const (
	DTypeFloat64 = "float64"
	DTypeFloat32 = "float32"
)

// Distributions accepted by the distribution attribute. See Generate for the
// exact, cross-language definition of each.
const (
	DistUniform    = "uniform"
	DistNormal     = "normal"
	DistLognormal  = "lognormal"
	DistChampsLike = "champs-like"
)

// Implementations accepted by the implementation attribute.
const (
	// ImplGo is this package's runner, served by `benchy worker gaussrank`.
	ImplGo = "go"
	// ImplNumPy is the blog's CPU path (pandas + NumPy + SciPy), run by the
	// embedded Python worker.
	ImplNumPy = "numpy"
	// ImplCuPy is the blog's GPU path (CuPy, cuDF when installed), run by
	// the embedded Python worker.
	ImplCuPy = "cupy"
)

// DefaultPython is the interpreter of the numpy and cupy implementations
// when the block names none: Debian's, which has NumPy, SciPy and pandas
// from apt (the python3 first on PATH may be another interpreter).
const DefaultPython = "/usr/bin/python3"

// NumPy argsort kinds accepted by the sort_kind attribute.
const (
	// SortQuicksort is NumPy's default, as the blog ran it (ties in an
	// unspecified order).
	SortQuicksort = "quicksort"
	// SortStable ranks ties in position order, like CuPy and the Go runner.
	SortStable = "stable"
)

// DefaultEps is the blog's clip epsilon.
const DefaultEps = 1e-6

// MinRows and MaxRows bound the rows attribute. Ranks need n >= 2 (n = 1
// divides 0 by 0); indices are 32-bit, which bounds n above.
const (
	MinRows = 2
	MaxRows = math.MaxInt32
)

// Config is the decoded `gaussrank {}` block.
type Config struct {
	// Rows is the number of elements transformed per iteration.
	Rows int `hcl:"rows" json:"rows"`
	// DType is the input element type: float64 (default) or float32.
	DType string `hcl:"dtype,optional" json:"dtype"`
	// Distribution of the seeded synthetic input: uniform (default),
	// normal, lognormal or champs-like.
	Distribution string `hcl:"distribution,optional" json:"distribution"`
	// Inverse, when true (the default), makes one iteration transform +
	// inverse, as the blog timed it; false times the transform alone.
	Inverse *bool `hcl:"inverse,optional" json:"inverse"`
	// Eps is the clip epsilon: scaled ranks are clipped to ±(1-eps).
	Eps *float64 `hcl:"eps,optional" json:"eps"`
	// Threads bounds the goroutines used; 0 means every available core.
	// Only the go implementation uses it.
	Threads int `hcl:"threads,optional" json:"threads"`
	// Implementation is go (default), numpy or cupy; see ImplGo.
	Implementation string `hcl:"implementation,optional" json:"implementation"`
	// Python is the interpreter that runs the numpy and cupy
	// implementations (default DefaultPython); a bare name is looked up in
	// PATH. Only valid with those implementations.
	Python string `hcl:"python,optional" json:"python,omitempty"`
	// SortKind is NumPy's argsort kind for the numpy implementation:
	// quicksort (default, as the blog ran it) or stable.
	SortKind string `hcl:"sort_kind,optional" json:"sort_kind,omitempty"`
	// CuDF, for the cupy implementation, builds the map as a cuDF DataFrame
	// when cuDF is installed (default true); false keeps CuPy arrays.
	CuDF *bool `hcl:"cudf,optional" json:"cudf,omitempty"`

	DefRange hcl.Range `hcl:",def_range" json:"-"`
}

// withDefaults returns c with absent attributes set to their defaults.
func (c Config) withDefaults() Config {
	if c.DType == "" {
		c.DType = DTypeFloat64
	}
	if c.Distribution == "" {
		c.Distribution = DistUniform
	}
	if c.Inverse == nil {
		t := true
		c.Inverse = &t
	}
	if c.Eps == nil {
		e := DefaultEps
		c.Eps = &e
	}
	if c.Implementation == "" {
		c.Implementation = ImplGo
	}
	if c.Implementation == ImplNumPy || c.Implementation == ImplCuPy {
		if c.Python == "" {
			c.Python = DefaultPython
		}
	}
	if c.Implementation == ImplNumPy && c.SortKind == "" {
		c.SortKind = SortQuicksort
	}
	if c.Implementation == ImplCuPy && c.CuDF == nil {
		t := true
		c.CuDF = &t
	}
	return c
}

// python reports whether the configuration runs in the Python worker.
func (c Config) python() bool {
	return c.Implementation == ImplNumPy || c.Implementation == ImplCuPy
}

func decode(body hcl.Body, ctx *hcl.EvalContext) (any, hcl.Diagnostics) {
	var c Config
	chk, ok := runners.DecodeBlock(body, ctx, &c, &c.DefRange)
	if !ok {
		return nil, chk.Diags
	}
	bad := chk.Error
	givenPython := c.Python
	c = c.withDefaults()
	if c.Rows < MinRows || c.Rows > MaxRows {
		bad("rows", "Invalid rows",
			fmt.Sprintf("rows must be between %d and %d (ranks need at least two elements; indices are 32-bit), not %d.", MinRows, MaxRows, c.Rows))
	}
	switch c.DType {
	case DTypeFloat64, DTypeFloat32:
	default:
		bad("dtype", "Invalid dtype", fmt.Sprintf(`dtype must be "float64" or "float32", not %q.`, c.DType))
	}
	if !validDist(c.Distribution) {
		bad("distribution", "Invalid distribution",
			fmt.Sprintf("distribution must be one of %s, not %q.", quoteList(Distributions()), c.Distribution))
	}
	if e := *c.Eps; !(e > 0 && e < 1) {
		bad("eps", "Invalid eps",
			fmt.Sprintf("eps must lie strictly between 0 and 1 (scaled ranks are clipped to ±(1-eps) before erfinv); got %g.", e))
	}
	if c.Threads < 0 {
		bad("threads", "Invalid threads", fmt.Sprintf("threads must be 0 (every core) or a positive count, not %d.", c.Threads))
	}
	checkImplementation(chk, c, givenPython)
	return &c, chk.Diags
}

// checkImplementation checks the implementation attribute and that every
// implementation-specific attribute present belongs to the one chosen.
// givenPython is the python attribute as written, before defaults.
func checkImplementation(chk *runners.BlockChecker, c Config, givenPython string) {
	if !slices.Contains(Implementations(), c.Implementation) {
		chk.Error("implementation", "Invalid implementation",
			fmt.Sprintf("implementation must be one of %s, not %q.%s", quoteList(Implementations()), c.Implementation,
				runners.Suggest(c.Implementation, Implementations())))
		return
	}
	attrs := chk.Attributes()
	only := func(name string, ok bool, impls, why string) {
		if _, set := attrs[name]; set && !ok {
			chk.Error(name, "Attribute not used by this implementation",
				fmt.Sprintf("%s applies only to implementation = %s (%s); this block's implementation is %q.", name, impls, why, c.Implementation))
		}
	}
	only("python", c.python(), `"numpy" or "cupy"`, "the interpreter that runs the Python reference worker")
	only("threads", c.Implementation == ImplGo, `"go"`, "the Go runner's goroutines")
	only("sort_kind", c.Implementation == ImplNumPy, `"numpy"`, "NumPy's argsort kind")
	only("cudf", c.Implementation == ImplCuPy, `"cupy"`, "the GPU path's cuDF map")
	if _, set := attrs["python"]; set && c.python() && strings.TrimSpace(givenPython) == "" {
		chk.Error("python", "Invalid python", "python must name an interpreter, e.g. \"/usr/bin/python3\".")
	}
	if c.Implementation == ImplNumPy && c.SortKind != SortQuicksort && c.SortKind != SortStable {
		chk.Error("sort_kind", "Invalid sort_kind",
			fmt.Sprintf("sort_kind must be %q (NumPy's default, as the blog ran it) or %q (ties in position order), not %q.", SortQuicksort, SortStable, c.SortKind))
	}
}

// Implementations lists the accepted implementation names.
func Implementations() []string { return []string{ImplGo, ImplNumPy, ImplCuPy} }

// Distributions lists the accepted distribution names.
func Distributions() []string {
	return []string{DistUniform, DistNormal, DistLognormal, DistChampsLike}
}

func validDist(d string) bool { return slices.Contains(Distributions(), d) }

func quoteList(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}

func init() {
	runners.Register(runners.Spec{
		Name:     "gaussrank",
		Decode:   decode,
		New:      func() runners.Runner { return &Runner{} },
		External: external,
	})
}
