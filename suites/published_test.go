package suites_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/benchy-dev/benchy/suites"
)

// TestPublished checks that a workload's published block is expanded per
// workload instance, and that an arms entry for an arm instance that one
// workload instance lacks (an exclude removed it) stays out of that
// instance only.
func TestPublished(t *testing.T) {
	p := loadString(t, `
locals {
  runtimes = { small = "1.33 ms", large = "1.80 ms" }
}

workload "w" {
  matrix {
    size = ["small", "large"]
  }

  published {
    source = "Someone et al. (2024), ${matrix.size} input, GeForce RTX 2080"
    claim  = "about 9x faster than openpose"
    url    = "https://example.org/paper"
    arms = {
      "net/precision=int8"      = local.runtimes[matrix.size]
      "openpose/precision=fp32" = "9x slower"
    }
  }

  arm "net" {
    matrix {
      precision = ["fp32", "int8"]
    }
    baseline = matrix.precision == "fp32"
    exec {
      command = ["true"]
    }
  }

  arm "openpose" {
    matrix {
      precision = ["fp32"]
      exclude   = [{ size = "small" }]
    }
    exec {
      command = ["true"]
    }
  }
}

workload "plain" {
  arm "a" {
    baseline = true
    exec {
      command = ["true"]
    }
  }
}
`, suites.Options{})
	want := []*suites.Published{
		{Source: "Someone et al. (2024), small input, GeForce RTX 2080", Claim: "about 9x faster than openpose",
			URL: "https://example.org/paper", Arms: map[string]string{"net/precision=int8": "1.33 ms"}},
		{Source: "Someone et al. (2024), large input, GeForce RTX 2080", Claim: "about 9x faster than openpose",
			URL: "https://example.org/paper", Arms: map[string]string{"net/precision=int8": "1.80 ms", "openpose/precision=fp32": "9x slower"}},
		nil,
	}
	if len(p.Workloads) != len(want) {
		t.Fatalf("%d workload instances, want %d", len(p.Workloads), len(want))
	}
	for i, w := range p.Workloads {
		if !reflect.DeepEqual(w.Published, want[i]) {
			t.Errorf("%s: published %+v, want %+v", w.Name, w.Published, want[i])
		}
	}
	b, err := json.Marshal(p.Workloads[2])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["published"]; ok {
		t.Errorf("a workload without a published block has one in JSON: %s", b)
	}
}

// TestPublishedClaimOrArms: either a claim or per-arm figures suffice.
func TestPublishedClaimOrArms(t *testing.T) {
	for name, body := range map[string]string{
		"claim": `claim = "32x faster"`,
		"arms":  `arms = { a = "8.5 ms" }`,
	} {
		t.Run(name, func(t *testing.T) {
			p := loadString(t, `
workload "w" {
  published {
    source = "Peplinski et al. (2021), Pixel 1"
    `+body+`
  }
  arm "a" {
    baseline = true
    exec {
      command = ["true"]
    }
  }
}
`, suites.Options{})
			if p.Workloads[0].Published == nil || p.Workloads[0].Published.Source != "Peplinski et al. (2021), Pixel 1" {
				t.Errorf("published = %+v", p.Workloads[0].Published)
			}
		})
	}
}

// TestBuiltinSuitesCite: the seed suites cite what they reproduce in every
// workload instance, every per-arm figure names an arm of its instance, and
// the figures are those of the publications.
func TestBuiltinSuitesCite(t *testing.T) {
	type figure struct{ instance, arm, want string }
	for name, want := range map[string][]figure{
		"speech-embedding": {
			{"speech-embedding", "trill", "275.3 ms, 98.1 MB"},
			{"speech-embedding", "frill", "8.5 ms, 38.5 MB"},
		},
		"bodyposenet": {
			{"bodyposenet/resolution=224x320", "onnx/precision=fp16", "2.27 ms (RTX 2080), 10.1 ms (Jetson AGX)"},
			{"bodyposenet/resolution=288x384", "onnx/precision=int8", "1.56 ms (RTX 2080), 6.38 ms (Jetson AGX)"},
			{"bodyposenet/resolution=320x448", "onnx/precision=int8", "1.80 ms (RTX 2080), 8.90 ms (Jetson AGX)"},
			{"bodyposenet/resolution=288x384", "openpose/precision=fp32", ""},
		},
		"gaussrank": {
			{"gaussrank/rows=10000000", "cupy", ">100x faster than numpy"},
			{"gaussrank/rows=1000000", "cupy", ""},
		},
	} {
		t.Run(name, func(t *testing.T) {
			p := loadBuiltin(t, name)
			byName := map[string]*suites.Workload{}
			for _, w := range p.Workloads {
				byName[w.Name] = w
				if w.Published == nil || w.Published.Source == "" {
					t.Fatalf("%s cites nothing", w.Name)
				}
				for arm := range w.Published.Arms {
					if w.Arm(arm) == nil {
						t.Errorf("%s: published figure for %q, which is not one of its arms", w.Name, arm)
					}
				}
			}
			for _, f := range want {
				w := byName[f.instance]
				if w == nil {
					t.Fatalf("no workload instance %s", f.instance)
				}
				if got := w.Published.Arms[f.arm]; got != f.want {
					t.Errorf("%s %s: published figure %q, want %q", f.instance, f.arm, got, f.want)
				}
			}
		})
	}
}
