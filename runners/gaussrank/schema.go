package gaussrank

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"

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
	Threads int `hcl:"threads,optional" json:"threads"`

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
	return c
}

func decode(body hcl.Body, ctx *hcl.EvalContext) (any, hcl.Diagnostics) {
	var c Config
	diags := gohcl.DecodeBody(body, ctx, &c)
	if diags.HasErrors() {
		return nil, diags
	}
	chk := runners.NewBlockChecker(body, c.DefRange, diags)
	bad := chk.Error
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
	return &c, chk.Diags
}

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
		Name:   "gaussrank",
		Decode: decode,
		New:    func() runners.Runner { return &Runner{} },
	})
}
