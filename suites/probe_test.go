package suites_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

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
// runners' schemas. For Expand, a probe with tags stands for one instance
// per tag (axis "case"); value "fail" cannot list them, and value "none"
// lists none.
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
		Instances: func(_ context.Context, raw json.RawMessage, _, _ string) ([]runners.Instance, error) {
			var c probeConfig
			if err := json.Unmarshal(raw, &c); err != nil {
				return nil, err
			}
			switch c.Value {
			case "fail":
				return nil, errors.New("probe: cannot list")
			case "none":
				return nil, fmt.Errorf("probe: nothing matches: %w", runners.ErrNoInstances)
			}
			var out []runners.Instance
			for _, tag := range c.Tags {
				one := probeConfig{Value: c.Value + ":" + tag}
				b, _ := json.Marshal(one)
				out = append(out, runners.Instance{Key: tag, Axes: [][2]string{{"case", tag}}, Config: b})
			}
			return out, nil
		},
	})
}
