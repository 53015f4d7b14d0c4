package suites_test

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"

	"github.com/benchy-dev/benchy/runners"
)

// probeConfig is the configuration of the test-only probe {} runner block.
type probeConfig struct {
	Value string   `hcl:"value" json:"value"`
	N     *int     `hcl:"n,optional" json:"n,omitempty"`
	Tags  []string `hcl:"tags,optional" json:"tags,omitempty"`
}

// The probe runner exists only in this package's tests, so that the
// loader's handling of runner blocks is tested independently of the real
// runners' schemas.
func init() {
	runners.Register(runners.Spec{
		Name: "probe",
		Decode: func(body hcl.Body, ctx *hcl.EvalContext) (any, hcl.Diagnostics) {
			var c probeConfig
			diags := gohcl.DecodeBody(body, ctx, &c)
			if diags.HasErrors() {
				return nil, diags
			}
			return &c, diags
		},
	})
}
