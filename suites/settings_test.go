package suites_test

import (
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/benchy-dev/benchy/suites"
)

// TestRunValueErrorsStandAlone checks that a run setting whose own value
// cannot be decoded (a fraction or an out-of-range number for a count, a
// string for a number) is reported once, at its value, with no range or
// consistency check following from the part-converted value.
func TestRunValueErrorsStandAlone(t *testing.T) {
	const arm = `
workload "w" {
  arm "a" {
    baseline = true
    exec { command = ["true"] }
  }
}
`
	tests := []struct {
		name string
		src  string
		line int // where the one error is
	}{
		{"max_blocks fraction", "run {\n  max_blocks = 2.7\n}\n", 2},
		{"min_blocks fraction", "run {\n  min_blocks = 1.5\n}\n", 2},
		{"min_blocks from a variable", "variable \"x\" { default = 1.5 }\nrun {\n  min_blocks = var.x\n}\n", 3},
		{"min_blocks fraction under a valid max_blocks", "run {\n  min_blocks = 3.5\n  max_blocks = 5\n}\n", 2},
		{"max_blocks fraction over a valid min_blocks", "run {\n  min_blocks = 20\n  max_blocks = 2.5\n}\n", 3},
		{"max_blocks out of range", "run {\n  max_blocks = 1e30\n}\n", 2},
		{"min_blocks negative out of range", "run {\n  min_blocks = -1e30\n}\n", 2},
		{"warmup fraction", "run {\n  warmup = 0.5\n}\n", 2},
		{"warmup negative out of range", "run {\n  warmup = -1e30\n}\n", 2},
		{"iterations fraction", "run {\n  iterations = -0.5\n}\n", 2},
		{"warmup_iterations fraction", "run {\n  warmup_iterations = -1.5\n}\n", 2},
		{"seed fraction", "run {\n  seed = 1.5\n}\n", 2},
		{"confidence string", "run {\n  confidence = \"high\"\n}\n", 2},
		{"target_ci_half_width string", "run {\n  target_ci_half_width = \"tight\"\n}\n", 2},
		{"gpu_settle_temp string", "run {\n  gpu_settle_temp = \"cool\"\n}\n", 2},
		{"time_budget list", "run {\n  time_budget = [\"1m\"]\n}\n", 2},
		{"order number list", "run {\n  order = [1]\n}\n", 2},
		{"workload run fraction", "run {\n  min_blocks = 2\n  max_blocks = 5\n}\nworkload \"v\" {\n  run {\n    min_blocks = 1.5\n  }\n  arm \"a\" {\n    baseline = true\n    exec { command = [\"true\"] }\n  }\n}\n", 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, l, diags := tryLoad(t, tt.src+arm, suites.Options{})
			var errs hcl.Diagnostics
			for _, d := range diags {
				if d.Severity == hcl.DiagError {
					errs = append(errs, d)
				}
			}
			if len(errs) != 1 {
				t.Fatalf("%d errors, want 1:\n%s", len(errs), render(l, diags))
			}
			d := errs[0]
			if d.Subject == nil || d.Subject.Start.Line != tt.line {
				t.Errorf("error at %v, want line %d:\n%s", d.Subject, tt.line, render(l, diags))
			}
			if d.Summary != "Incorrect attribute value type" {
				t.Errorf("error %q, want the value's own:\n%s", d.Summary, render(l, diags))
			}
		})
	}
}
